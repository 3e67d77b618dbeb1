"""The skill package of stores with in-skill products and premium content: the ISP intents
and their slot types, digital-only stores (no ordering intents, no permissions), the
manifest's ISP description, and the console matcher reading the exported model."""

import re

import pytest

from catalog.tests.factories import ProductFactory as PhysicalProductFactory
from catalog.tests.factories import SynonymFactory
from demo.isp_seed import seed_demo_isp
from isp.facts import ProductType
from isp.models import ContentCollection, ContentItem, InSkillProduct, InSkillProductLocalization
from isp.tests.factories import CollectionFactory, LocalizationFactory, PriceFactory
from isp.tests.factories import ProductFactory as IspProductFactory
from merchant.tests.factories import StoreFactory
from skill import intents
from voicelab.console.matcher import Matcher
from voicelab.package import PackageInvalid, build_skill_package, write_skill_package
from voicelab.package.premium import PremiumSnapshot, collection_pk
from voicelab.package.utterances import normalize
from voicelab.tests.test_package import (
    DE_PAY,
    EN_PAY,
    assert_documented_interaction_model,
    understood,
)

# The custom intents of a store whose shoppers cannot link an account (no linking client).
UNLINKED = [name for name in intents.CUSTOM if name not in intents.LINKED_ACCOUNT]

LOCALES = ["en-US", "en-GB", "de-DE"]
ISP_INTENTS = list(intents.ISP)
EN_ISP = (
    "This skill offers in-skill purchases. A one-time purchase (Pro Shaving Pack) unlocks its "
    "premium content for good. A subscription (Shave Club) unlocks premium content while it "
    "is active and renews until you cancel it. A consumable pack (Three Guided Shaves) runs "
    "out when used: each premium item you hear uses one unit, and you can ask how many you "
    "have left."
)
DE_ISP = (
    "Dieser Skill bietet In-Skill-Käufe an. Ein Einmalkauf (Profi-Rasurpaket) schaltet seine "
    "Premium-Inhalte dauerhaft frei. Ein Abonnement (Rasur-Club) schaltet Premium-Inhalte "
    "frei, solange es läuft, und verlängert sich, bis du es kündigst. Ein Verbrauchspaket "
    "(Drei geführte Rasuren) ist aufgebraucht, wenn du es nutzt: Jeder Premium-Inhalt, den du "
    "hörst, verbraucht eine Einheit, und du kannst fragen, wie viele du noch hast."
)


@pytest.fixture
def isp_store(demo_store):
    """No Nicks with the demo's shaving tips and its three in-skill products."""
    seed_demo_isp(demo_store)
    return demo_store


@pytest.fixture
def sleep_store(demo_store):
    """The digital-only Sleep Well demo store (en-US)."""
    return seed_demo_isp(demo_store)


def language_model(package, locale):
    return package.models[locale]["interactionModel"]["languageModel"]


def intents_of(package, locale):
    return {intent["name"]: intent for intent in language_model(package, locale)["intents"]}


def types_of(package, locale):
    return {t["name"]: t["values"] for t in language_model(package, locale)["types"]}


def owners(package, locale):
    """Normalized sample -> the intents that have it."""
    found = {}
    for name, intent in intents_of(package, locale).items():
        for sample in intent["samples"]:
            found.setdefault(normalize(sample), []).append(name)
    return found


# --- the ISP intents and slot types --------------------------------------------------------


def test_an_isp_store_exports_the_isp_intents_in_every_locale(isp_store):
    package = build_skill_package(store=isp_store)

    assert sorted(package.models) == sorted(LOCALES)
    for locale in LOCALES:
        assert_documented_interaction_model(package.models[locale])
        by_name = intents_of(package, locale)
        assert list(by_name) == [*UNLINKED, *ISP_INTENTS, *intents.BUILT_INS]
        for name, slots in intents.ISP.items():
            declared = {s["name"]: s["type"] for s in by_name[name].get("slots", [])}
            assert declared == slots, (locale, name)
            assert len(by_name[name]["samples"]) >= 6, (locale, name)
        assert list(types_of(package, locale)) == [
            "PRODUCT",
            "CATEGORY",
            "IN_SKILL_PRODUCT",
            "CONTENT_COLLECTION",
        ]
        # No utterance is claimed by two intents.
        assert {s: o for s, o in owners(package, locale).items() if len(o) > 1} == {}


def test_english_isp_samples_and_what_moves_from_the_catalog_intents(isp_store):
    package = build_skill_package(store=isp_store)
    for locale in ("en-US", "en-GB"):
        samples = {name: intent["samples"] for name, intent in intents_of(package, locale).items()}
        # Certification needs exactly "what can I buy": it leaves BrowseCatalogIntent.
        assert "what can I buy" in samples[intents.WHAT_CAN_I_BUY]
        assert "what can I buy" not in samples[intents.BROWSE]
        # Other shared phrases stay with the ordering intents of a store that ships goods.
        assert "what do you sell" in samples[intents.BROWSE]
        assert "what do you sell" not in samples[intents.WHAT_CAN_I_BUY]
        assert "cancel my subscription" in samples[intents.CANCEL_REFILLS]
        assert "cancel my subscription" not in samples[intents.CANCEL_SUBSCRIPTION]
        assert "I want a refund" in samples[intents.REFUND]
        assert "I want a refund" not in samples[intents.REFUND_ISP]
        assert samples[intents.WHAT_CAN_I_BUY][:5] == [
            "what can I buy",
            "what can I buy here",
            "what can I get",
            "what can I purchase",
            "what else can I buy",
        ]
        assert {"what have I bought", "what did I buy", "what do I own"} <= set(
            samples[intents.WHAT_HAVE_I_BOUGHT]
        )
        assert {"tell me about {ProductName}", "what is {ProductName}"} <= set(
            samples[intents.ISP_PRODUCT_INFO]
        )
        assert {
            "buy {ProductName}",
            "purchase {ProductName}",
            "I want to buy {ProductName}",
            "subscribe to {ProductName}",
            "get {ProductName}",
            "join {ProductName}",
        } <= set(samples[intents.BUY])
        assert {
            "cancel {ProductName}",
            "cancel my {ProductName} subscription",
            "unsubscribe",
            "unsubscribe from {ProductName}",
            "end my membership",
            "cancel my membership",
        } <= set(samples[intents.CANCEL_SUBSCRIPTION])
        assert {
            "refund {ProductName}",
            "return {ProductName}",
            "I want a refund for {ProductName}",
            "I want to return {ProductName}",
        } <= set(samples[intents.REFUND_ISP])
        assert {
            "how many {ProductName} do I have left",
            "how many {ProductName} do I have",
            "how many do I have left",
            "what is my balance",
        } <= set(samples[intents.INVENTORY])
        assert {
            "give me a {Collection}",
            "tell me a {Collection}",
            "play a {Collection}",
            "play {Collection}",
            "another {Collection}",
            "{Collection} please",
        } <= set(samples[intents.CONTENT])


def test_german_isp_samples(isp_store):
    samples = {
        name: intent["samples"]
        for name, intent in intents_of(build_skill_package(store=isp_store), "de-DE").items()
    }
    assert "was kann ich kaufen" in samples[intents.WHAT_CAN_I_BUY]
    assert "was kann ich kaufen" not in samples[intents.BROWSE]
    assert "was verkauft ihr" in samples[intents.BROWSE]
    assert "mein abo kündigen" in samples[intents.CANCEL_REFILLS]
    assert "mein abo kündigen" not in samples[intents.CANCEL_SUBSCRIPTION]
    assert "was habe ich gekauft" in samples[intents.WHAT_HAVE_I_BOUGHT]
    assert "{ProductName} kaufen" in samples[intents.BUY]
    assert "erzähl mir von {ProductName}" in samples[intents.ISP_PRODUCT_INFO]
    assert "{ProductName} kündigen" in samples[intents.CANCEL_SUBSCRIPTION]
    assert "{ProductName} zurückgeben" in samples[intents.REFUND_ISP]
    assert "wie viele {ProductName} habe ich noch" in samples[intents.INVENTORY]
    assert {"gib mir einen {Collection}", "spiel eine {Collection}"} <= set(
        samples[intents.CONTENT]
    )
    english = {s for intent in ISP_INTENTS for s in samples[intent] if "what" in s or "buy" in s}
    assert english == set()


def test_in_skill_product_and_collection_slot_values(isp_store):
    package = build_skill_package(store=isp_store)
    tips = ContentCollection.objects.get(store=isp_store, name="Shaving tips")

    en = types_of(package, "en-US")
    assert en["IN_SKILL_PRODUCT"] == [
        {
            "id": "guided_shaves",
            "name": {
                "value": "Three Guided Shaves",
                "synonyms": [
                    "Three Guided Shave",
                    "guided",
                    "shaves",
                    "shave",
                    "guided shaves",
                    "guided shave",
                ],
            },
        },
        {
            "id": "pro_pack",
            "name": {
                "value": "Pro Shaving Pack",
                # keywords; "the pro pack" of the example phrase "buy the pro pack"
                "synonyms": ["Pro Shaving Packs", "shaving", "pack", "pro pack", "pro packs"],
            },
        },
        {"id": "shave_club", "name": {"value": "Shave Club", "synonyms": ["Shave Clubs", "club"]}},
    ]
    assert types_of(package, "en-GB")["IN_SKILL_PRODUCT"] == en["IN_SKILL_PRODUCT"]
    collection = [
        {
            "id": str(tips.pk),
            "name": {"value": "shaving tips", "synonyms": ["shaving tip", "tip", "tips"]},
        }
    ]
    assert en["CONTENT_COLLECTION"] == collection

    de = types_of(package, "de-DE")
    assert de["IN_SKILL_PRODUCT"] == [
        {
            "id": "guided_shaves",
            "name": {
                "value": "Drei geführte Rasuren",
                # "drei" (a keyword) is a number word: left out
                "synonyms": [
                    "Drei geführte Rasur",
                    "geführte",
                    "rasuren",
                    "rasur",
                    "geführte Rasuren",
                    "geführte Rasur",
                ],
            },
        },
        {
            "id": "pro_pack",
            "name": {
                "value": "Profi-Rasurpaket",
                "synonyms": [
                    "Profi Rasurpaket",
                    "ProfiRasurpaket",
                    "Profi-Paket",
                    "Profi Paket",
                    "ProfiPaket",
                ],
            },
        },
        {
            "id": "shave_club",
            "name": {"value": "Rasur-Club", "synonyms": ["Rasur Club", "RasurClub"]},
        },
    ]
    assert de["CONTENT_COLLECTION"] == collection
    assert collection_pk(str(tips.pk)) == tips.pk == collection_pk(f"c{tips.pk}")


def test_a_store_without_isp_products_or_content_exports_no_isp_intents(demo_store):
    before = build_skill_package(store=demo_store).models
    CollectionFactory(store=demo_store, spoken_name="old tips", active=False)

    package = build_skill_package(store=demo_store)

    assert package.models == before
    for locale in LOCALES:
        assert list(intents_of(package, locale)) == [*UNLINKED, *intents.BUILT_INS]
        assert list(types_of(package, locale)) == ["PRODUCT", "CATEGORY"]
        assert "what can I buy" in intents_of(package, "en-US")[intents.BROWSE]["samples"]


def test_content_without_in_skill_products_adds_only_the_content_intent(demo_store):
    stories = CollectionFactory(store=demo_store, spoken_name="bedtime stories")

    package = build_skill_package(store=demo_store)

    for locale in LOCALES:
        assert list(intents_of(package, locale)) == [
            *UNLINKED,
            intents.CONTENT,
            *intents.BUILT_INS,
        ]
        assert types_of(package, locale)["CONTENT_COLLECTION"] == [
            {
                "id": str(stories.pk),
                "name": {
                    "value": "bedtime stories",
                    "synonyms": ["bedtime story", "story", "stories"],
                },
            }
        ]
    assert "what can I buy" in intents_of(package, "en-US")[intents.BROWSE]["samples"]
    manifest = package.manifest["manifest"]
    assert "in-skill" not in manifest["publishingInformation"]["locales"]["en-US"]["description"]


# --- synonyms: variants, collisions -----------------------------------------------------------


def isp_product(store, reference_name, kind, texts):
    """An in-skill product with one localization per (locale, name, keywords, phrases)."""
    product = IspProductFactory(
        store=store,
        reference_name=reference_name,
        type=kind,
        listing=False,
        units_per_purchase=5 if kind == ProductType.CONSUMABLE else 1,
        subscription_period="MONTHLY" if kind == ProductType.SUBSCRIPTION else "",
    )
    for locale, name, keywords, phrases in texts:
        LocalizationFactory(
            product=product, locale=locale, name=name, keywords=keywords, example_phrases=phrases
        )
    PriceFactory(product=product, price="0.99" if kind == ProductType.CONSUMABLE else "2.99")
    return product


def test_generated_synonyms_never_make_a_value_ambiguous(db):
    store = StoreFactory(enabled_locales=["en-US"])
    goods = PhysicalProductFactory(store=store, name="Night Lamp")
    SynonymFactory(product=goods, value="lamp", locale="")
    isp_product(
        store,
        "night_pass",
        ProductType.ENTITLEMENT,
        [("en-US", "The Night Pass", ["sessions", "bonus", "lamp", "three"], ["unlock it"])],
    )
    isp_product(
        store,
        "extra_sessions",
        ProductType.CONSUMABLE,
        [("en-US", "Extra Sessions", ["sessions"], ["get more extra sessions"])],
    )
    isp_product(
        store,
        "dream_club",
        ProductType.SUBSCRIPTION,
        [("en-US", "Dream Club", ["bonus", "night pass", "subscription"], ["join the club"])],
    )
    snapshot = PremiumSnapshot.load(store)
    taken = {normalize(p) for p in ("Night Lamp", "lamp")}

    by_id = {e.id: (e.value, e.synonyms) for e in snapshot.product_entities("en-US", taken)}

    assert by_id == {
        # "bonus": two claimants, no consumable among them -> nobody; "subscription" names
        # nothing; "night pass" is the night pass's own name; "club" of "join the club".
        "dream_club": ("Dream Club", ("Dream Clubs", "club", "clubs")),
        # "sessions" is also the night pass's keyword: the consumable keeps it.
        "extra_sessions": ("Extra Sessions", ("Extra Session", "sessions", "session")),
        # "the" dropped; "lamp": a physical product's synonym; "three": a number word;
        # "it" (of "unlock it"): names nothing.
        "night_pass": ("The Night Pass", ("Night Pass", "Night Passes")),
    }


def test_a_locale_without_texts_falls_back_to_the_default_locale(db):
    store = StoreFactory(enabled_locales=["en-US", "de-DE"], default_locale="de-DE")
    isp_product(
        store,
        "sleep_pack",
        ProductType.CONSUMABLE,
        [
            ("en-US", "Sleep Pack", [], ["buy a sleep pack"]),
            ("de-DE", "Schlafpaket", [], ["kaufe ein Schlafpaket"]),
        ],
    )
    gone = isp_product(
        store, "old_pack", ProductType.ENTITLEMENT, [("de-DE", "Altes Paket", [], [])]
    )
    InSkillProduct.objects.filter(pk=gone.pk).update(purchasable=False)
    InSkillProductLocalization.objects.filter(locale="en-US").update(name="Sleep Packs")
    snapshot = PremiumSnapshot.load(store)

    english = {e.id: (e.value, e.synonyms) for e in snapshot.product_entities("en-US")}
    german = {e.id: (e.value, e.synonyms) for e in snapshot.product_entities("de-DE")}

    # Not purchasable any more, still a value: owners ask about what they have.
    assert english["old_pack"] == ("Altes Paket", ())
    assert english["sleep_pack"] == ("Sleep Packs", ("Sleep Pack",))
    assert german["sleep_pack"] == ("Schlafpaket", ())


def test_an_in_skill_product_named_like_a_physical_product_is_refused(isp_store):
    InSkillProductLocalization.objects.filter(
        product__reference_name="pro_pack", locale="en-US"
    ).update(name="starter kit")

    with pytest.raises(PackageInvalid) as raised:
        build_skill_package(store=isp_store)

    assert (
        'en-US: "buy {Product}" (OrderProductIntent) and "buy {ProductName}" (BuyIntent) both '
        'match "starter kit", a value of PRODUCT and of IN_SKILL_PRODUCT.'
    ) in raised.value.errors
    assert not any(e.startswith(("en-GB", "de-DE")) for e in raised.value.errors)


# --- a digital-only store ----------------------------------------------------------------------


def test_the_digital_only_demo_store_exports_without_ordering_intents(sleep_store, tmp_path):
    package = build_skill_package(store=sleep_store)

    assert list(package.models) == ["en-US"]
    assert_documented_interaction_model(package.models["en-US"])
    by_name = intents_of(package, "en-US")
    assert list(by_name) == [*ISP_INTENTS, *intents.BUILT_INS]
    samples = {name: intent["samples"] for name, intent in by_name.items()}
    # Nothing ships here: the ordering phrases go to the in-skill intents.
    assert "what do you sell" in samples[intents.WHAT_CAN_I_BUY]
    assert "what do you have" in samples[intents.WHAT_CAN_I_BUY]
    assert "cancel my subscription" in samples[intents.CANCEL_SUBSCRIPTION]
    assert "I want a refund" in samples[intents.REFUND_ISP]
    sessions = ContentCollection.objects.get(store=sleep_store)
    assert types_of(package, "en-US") == {
        "IN_SKILL_PRODUCT": [
            {
                "id": "all_sessions",
                "name": {
                    "value": "All Sleep Sessions",
                    "synonyms": ["All Sleep Session", "sleep", "all sessions", "all session"],
                },
            },
            {
                "id": "five_more_sessions",
                "name": {
                    "value": "Five More Sessions",
                    "synonyms": [
                        "Five More Session",
                        "sessions",
                        "session",
                        "sleep sessions",
                        "sleep session",
                    ],
                },
            },
        ],
        "CONTENT_COLLECTION": [
            {
                "id": str(sessions.pk),
                "name": {
                    "value": "sleep sessions",
                    "synonyms": ["sleep session", "session", "sessions"],
                },
            }
        ],
    }
    written = write_skill_package(package, tmp_path)
    assert sorted(str(p.relative_to(tmp_path)) for p in written) == [
        ".ask/ask-states.json",
        "ask-resources.json",
        "skill-package/interactionModels/custom/en-US.json",
        "skill-package/isps/consumable/five_more_sessions.json",
        "skill-package/isps/subscription/all_sessions.json",
        "skill-package/skill.json",
    ]


def test_the_digital_only_manifest(sleep_store, settings):
    settings.ALEXA_SKILL_ENDPOINT_URL = "https://shop.example.org/alexa/"
    package = build_skill_package(store=sleep_store)
    body = package.manifest["manifest"]

    assert body["publishingInformation"]["locales"] == {
        "en-US": {
            "name": "Sleep Well",
            "summary": "Sleep sessions from Sleep Well, by voice.",
            "description": (
                "Sleep Well brings sleep sessions to Alexa. Ask for one whenever you like, and "
                "for another when it ends. This skill offers in-skill purchases. A "
                "subscription (All Sleep Sessions) unlocks premium content while it is active "
                "and renews until you cancel it. A consumable pack (Five More Sessions) runs "
                "out when used: each premium item you hear uses one unit, and you can ask how "
                "many you have left."
            ),
            "examplePhrases": [
                "Alexa, open sleep well sessions",
                "Alexa, ask sleep well sessions to give me a sleep session",
                "Alexa, ask sleep well sessions what can I buy",
            ],
            "keywords": ["Sleep Well", "sleep sessions"],
        }
    }
    assert body["publishingInformation"]["testingInstructions"] == (
        'Say "Alexa, open sleep well sessions" and ask for sleep sessions. Say "what can I '
        "buy\" to hear the in-skill products; each product's testing instructions say how to "
        "buy and use it."
    )
    assert "permissions" not in body
    assert body["events"] == {
        "endpoint": {"uri": "https://shop.example.org/alexa/"},
        "subscriptions": [
            {"eventName": "SKILL_ENABLED"},
            {"eventName": "SKILL_DISABLED"},
            {"eventName": "SKILL_ACCOUNT_LINKED"},
        ],
    }
    privacy = body["privacyAndCompliance"]
    assert (privacy["allowsPurchases"], privacy["usesPersonalInfo"]) == (True, False)
    assert (
        "skill.json lists the skill under SHOPPING; for a content skill, choose its category "
        "(publishingInformation.category) before certification."
    ) in package.warnings
    model = package.models["en-US"]
    for phrase in body["publishingInformation"]["locales"]["en-US"]["examplePhrases"][1:]:
        text = normalize(phrase).removeprefix("alexa ask sleep well sessions ")
        assert understood(model, "en-US", text.removeprefix("to ")), phrase


def test_a_digital_store_that_could_take_amazon_pay_still_asks_for_nothing(db):
    store = StoreFactory(invocation_name="story time", name="Story Time")
    assert store.uses_amazon_pay
    store.messaging_client_id = "amzn1.application-oa2-client.x"
    store.messaging_client_secret_encrypted = "secret"
    store.save()
    CollectionFactory(store=store, spoken_name="bedtime stories")
    isp_product(
        store,
        "story_pack",
        ProductType.CONSUMABLE,
        [
            ("en-US", "Story Pack", ["stories"], ["buy a story pack"]),
            ("en-GB", "Story Pack", ["stories"], ["buy a story pack"]),
            ("de-DE", "Geschichtenpaket", ["Geschichten"], ["kaufe ein Geschichtenpaket"]),
        ],
    )
    store.privacy_policy_url = "https://story.example.org/privacy"
    store.save()

    package = build_skill_package(store=store)
    body = package.manifest["manifest"]

    assert "permissions" not in body
    assert "publications" not in body["events"]
    locales = body["publishingInformation"]["locales"]
    assert EN_PAY not in locales["en-US"]["description"]
    assert "Amazon Pay" not in locales["en-US"]["keywords"]
    assert not [w for w in package.warnings if "Amazon Pay" in w]
    assert locales["de-DE"]["description"] == (
        "Story Time bringt bedtime stories zu Alexa. Frag danach, wann immer du möchtest, und "
        "nach mehr, wenn du magst. Dieser Skill bietet In-Skill-Käufe an. Ein "
        "Verbrauchspaket (Geschichtenpaket) ist aufgebraucht, wenn du es nutzt: Jeder "
        "Premium-Inhalt, den du hörst, verbraucht eine Einheit, und du kannst fragen, wie viele "
        "du noch hast."
    )
    assert locales["de-DE"]["examplePhrases"] == [
        "Alexa, öffne story time",
        "Alexa, sag story time spiel bedtime stories",
        "Alexa, frag story time was kann ich kaufen",
    ]
    for phrase in locales["de-DE"]["examplePhrases"][1:]:
        text = normalize(phrase)
        for prefix in ("alexa sag story time ", "alexa frag story time "):
            text = text.removeprefix(prefix)
        assert understood(package.models["de-DE"], "de-DE", text), phrase
    assert list(intents_of(package, "de-DE")) == [*ISP_INTENTS, *intents.BUILT_INS]


def test_a_store_with_nothing_to_offer_is_still_refused(db):
    store = StoreFactory(enabled_locales=["en-US"], invocation_name="empty shelves")
    with pytest.raises(PackageInvalid) as raised:
        build_skill_package(store=store)
    assert raised.value.errors == [
        "en-US: slot type PRODUCT has no values (the store has no active products).",
        "en-US: slot type CATEGORY has no values (the store has no categories).",
    ]


# --- the manifest of a store with in-skill products ---------------------------------------------


def test_the_description_explains_each_product_type_without_price_or_call_to_action(isp_store):
    body = build_skill_package(store=isp_store).manifest["manifest"]
    locales = body["publishingInformation"]["locales"]

    base_en = (
        "Shop No Nicks with Alexa. Order Starter kits, Refills and Shaving cream, hear what a "
        "product includes and what it costs, reorder what you bought last time, ask where "
        "your order is, cancel an order or ask for a refund."
    )
    for locale in ("en-US", "en-GB"):
        assert locales[locale]["description"] == (
            f"{base_en} You can also ask for shaving tips. {EN_ISP} {EN_PAY}"
        )
    assert locales["de-DE"]["description"].endswith(f" {DE_ISP} {DE_PAY}")
    for paragraph in (EN_ISP, DE_ISP):
        assert not re.search(r"\d|\$|£|€|USD|EUR|GBP|price|preis|cost|kost", paragraph, re.I)
        assert not re.search(r"\b(buy|purchase now|subscribe|kauf|jetzt)\b", paragraph, re.I)
    subscriptions = [e["eventName"] for e in body["events"]["subscriptions"]]
    assert subscriptions[:2] == ["SKILL_ENABLED", "SKILL_DISABLED"]
    assert body["privacyAndCompliance"]["allowsPurchases"] is True
    # A store that ships goods keeps its permissions and example phrases.
    assert body["permissions"] == [
        {"name": "payments:autopay_consent"},
        {"name": "alexa::profile:email:read"},
    ]
    assert locales["en-US"]["examplePhrases"][1] == "Alexa, ask no nicks to order the starter kit"


def test_only_the_product_types_the_store_sells_are_explained(isp_store):
    others = InSkillProduct.objects.filter(store=isp_store).exclude(type=ProductType.CONSUMABLE)
    ContentItem.objects.filter(product__in=others).delete()
    others.delete()
    description = build_skill_package(store=isp_store).manifest["manifest"][
        "publishingInformation"
    ]["locales"]["en-US"]["description"]
    assert (
        "This skill offers in-skill purchases. A consumable pack (Three Guided Shaves) runs out "
        "when used: each premium item you hear uses one unit, and you can ask how many you have "
        f"left. {EN_PAY}"
    ) in description
    assert "one-time purchase" not in description
    assert "subscription" not in description


# --- the console matcher reads the exported model -----------------------------------------------

P, C = intents.ISP_PRODUCT_SLOT, intents.COLLECTION_SLOT
i = intents
TYPED = [
    ("en-US", "what can I buy", i.WHAT_CAN_I_BUY, {}),
    ("en-US", "Buy the pro pack.", i.BUY, {P: "pro_pack"}),
    ("en-US", "buy the Pro Shaving Pack", i.BUY, {P: "pro_pack"}),
    ("en-US", "join the shave club", i.BUY, {P: "shave_club"}),
    ("en-US", "tell me about the shave club", i.ISP_PRODUCT_INFO, {P: "shave_club"}),
    ("en-US", "cancel my shave club membership", i.CANCEL_SUBSCRIPTION, {P: "shave_club"}),
    ("en-US", "cancel my subscription", i.CANCEL_REFILLS, {}),
    ("en-US", "refund the pro pack", i.REFUND_ISP, {P: "pro_pack"}),
    ("en-US", "how many guided shaves do I have left", i.INVENTORY, {P: "guided_shaves"}),
    ("en-US", "give me a tip", i.CONTENT, {C: "tips"}),
    ("en-US", "what have I bought", i.WHAT_HAVE_I_BOUGHT, {}),
    ("en-US", "ask no nicks to buy the pro pack", i.BUY, {P: "pro_pack"}),
    ("en-US", "order a starter kit", i.ORDER_PRODUCT, {"Product": "kit"}),
    ("de-DE", "was kann ich kaufen", i.WHAT_CAN_I_BUY, {}),
    ("de-DE", "kaufe das Profi-Paket", i.BUY, {P: "pro_pack"}),
    ("de-DE", "Rasur-Club kündigen", i.CANCEL_SUBSCRIPTION, {P: "shave_club"}),
    ("de-DE", "wie viele geführte Rasuren habe ich noch", i.INVENTORY, {P: "guided_shaves"}),
    ("de-DE", "spiel shaving tips", i.CONTENT, {C: "tips"}),
]


def test_the_console_matcher_understands_typed_isp_requests(isp_store):
    from catalog.models import Product

    tips = ContentCollection.objects.get(store=isp_store)
    kit = Product.objects.get(store=isp_store, sku="NN-KIT")
    ids = {"tips": str(tips.pk), "kit": str(kit.pk)}
    models = build_skill_package(store=isp_store).models
    matchers = {locale: Matcher(model, locale) for locale, model in models.items()}
    seen, wanted = [], []
    for locale, text, intent, slots in TYPED:
        result = matchers[locale].understand(text)
        seen.append((locale, text, result.intent, {n: s["id"] for n, s in result.slots.items()}))
        wanted.append((locale, text, intent, {n: ids.get(v, v) for n, v in slots.items()}))
    assert seen == wanted
    buy = matchers["en-US"].understand("buy the pro pack")
    assert buy.slot_types == {"ProductName": "IN_SKILL_PRODUCT"}
    assert buy.slots["ProductName"]["resolved"] == "Pro Shaving Pack"
