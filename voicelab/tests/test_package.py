"""The skill package exported from a store: structure, catalog, validation, command, admin zip."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.models import Product, ProductLocalization, ProductSynonym
from catalog.tests.factories import CategoryFactory, ProductFactory, SynonymFactory
from demo.seed import DEMO_PASSWORD, DEMO_SKILL_ID
from linking.services import alexa_client_rotate
from merchant.invocation import check_invocation_name
from merchant.models import PaymentMode
from merchant.tests.factories import MembershipFactory, StoreFactory
from skill import intents
from voicelab.package import PackageInvalid, build_skill_package
from voicelab.package.catalog import Entity
from voicelab.package.samples import NUMBER_WORDS, SAMPLES
from voicelab.package.utterances import SLOT, SlotVocabulary, Template, match_template, normalize
from voicelab.package.validation import (
    check_samples,
    check_slot_value_total,
    check_slot_values,
)

ENDPOINT = "https://shop.example.org/alexa/"
EN_PAY = (
    "This skill uses Amazon Pay to process your payments. To help protect against unwanted "
    "ordering, you can enable a four-digit voice code under Settings in the Alexa app."
)
DE_PAY = (
    "Dieser Skill verwendet Amazon Pay, um Ihre Zahlungen zu verarbeiten. Zum Schutz vor "
    "unerwünschten Bestellungen, können Sie in der Alexa App unter Einstellungen einen "
    "vierstelligen Sprachcode vergeben."
)
LOCALES = ["en-US", "en-GB", "de-DE"]


def export(store, tmp_path):
    call_command("export_skill_package", "--store", store.slug, str(tmp_path), stdout=io.StringIO())
    package = tmp_path / "skill-package"
    manifest = json.loads((package / "skill.json").read_text())
    models = {
        p.stem: json.loads(p.read_text())
        for p in sorted((package / "interactionModels" / "custom").glob("*.json"))
    }
    return manifest, models


def language_model(models, locale):
    return models[locale]["interactionModel"]["languageModel"]


def slot_type(models, locale, name):
    (found,) = [t for t in language_model(models, locale)["types"] if t["name"] == name]
    return found


# --- the documented structure -------------------------------------------------------------

MANIFEST_LOCALE_KEYS = {"name", "summary", "description", "examplePhrases", "keywords"}
ICON_KEYS = {"smallIconUri", "largeIconUri"}


def assert_documented_manifest(manifest):
    """skill.json as the skill package format documents it (only known fields, right types)."""
    assert set(manifest) == {"manifest"}
    body = manifest["manifest"]
    assert set(body) == {
        "manifestVersion",
        "publishingInformation",
        "apis",
        "permissions",
        "events",
        "privacyAndCompliance",
    }
    assert set(body["events"]) <= {"endpoint", "subscriptions", "publications"}
    assert set(body["events"]["endpoint"]) == {"uri"}
    for entry in body["events"]["subscriptions"] + body["events"].get("publications", []):
        assert set(entry) == {"eventName"}
    assert body["manifestVersion"] == "1.0"
    publishing = body["publishingInformation"]
    assert set(publishing) == {
        "locales",
        "isAvailableWorldwide",
        "distributionCountries",
        "testingInstructions",
        "category",
    }
    for info in publishing["locales"].values():
        assert MANIFEST_LOCALE_KEYS <= set(info) <= MANIFEST_LOCALE_KEYS | ICON_KEYS
        assert all(info[key].startswith("https://") for key in set(info) & ICON_KEYS)
        assert 0 < len(info["name"]) <= 50
        assert 0 < len(info["summary"]) <= 160
        assert 0 < len(info["description"]) <= 4000
        assert 1 <= len(info["examplePhrases"]) <= 3
        assert all(isinstance(k, str) and k for k in info["keywords"])
        assert len(info["keywords"]) <= 30
    assert set(body["apis"]) == {"custom"}
    assert set(body["apis"]["custom"]) == {"endpoint"}
    assert set(body["apis"]["custom"]["endpoint"]) == {"uri", "sslCertificateType"}
    assert body["apis"]["custom"]["endpoint"]["sslCertificateType"] in {
        "SelfSigned",
        "Wildcard",
        "Trusted",
    }
    for permission in body["permissions"]:
        assert set(permission) == {"name"}
    privacy = dict(body["privacyAndCompliance"])
    policies = privacy.pop("locales", {})
    assert set(privacy) == {
        "allowsPurchases",
        "usesPersonalInfo",
        "isChildDirected",
        "isExportCompliant",
        "containsAds",
    }
    assert all(isinstance(v, bool) for v in privacy.values())
    assert set(policies) <= set(publishing["locales"])
    for urls in policies.values():
        assert urls and set(urls) <= {"privacyPolicyUrl", "termsOfUseUrl"}
        assert all(url.startswith("https://") for url in urls.values())


def assert_documented_interaction_model(model):
    """interactionModels/custom/<locale>.json: languageModel with intents and types."""
    assert set(model) == {"interactionModel"}
    assert set(model["interactionModel"]) == {"languageModel"}
    language = model["interactionModel"]["languageModel"]
    assert set(language) == {"invocationName", "intents", "types"}
    assert language["invocationName"] == language["invocationName"].lower()
    declared_types = {t["name"] for t in language["types"]}
    for intent in language["intents"]:
        assert set(intent) <= {"name", "slots", "samples"}
        assert isinstance(intent["samples"], list)
        assert len(set(map(str.lower, intent["samples"]))) == len(intent["samples"])
        for slot in intent.get("slots", []):
            assert set(slot) == {"name", "type"}
            assert slot["type"].startswith("AMAZON.") or slot["type"] in declared_types
        slot_names = {s["name"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            assert set(SLOT.findall(sample)) <= slot_names, sample
    for type_ in language["types"]:
        assert set(type_) == {"name", "values"}
        ids = [v["id"] for v in type_["values"]]
        assert len(ids) == len(set(ids))
        for value in type_["values"]:
            assert set(value) == {"id", "name"}
            # Amazon's schema: synonyms, when given, are at least one non-empty string.
            assert set(value["name"]) in ({"value", "synonyms"}, {"value"})
            assert value["name"]["value"]
            assert value["name"].get("synonyms", ["only when given"])
            assert all(value["name"].get("synonyms", []))


@pytest.fixture
def endpoint(settings):
    settings.ALEXA_SKILL_ENDPOINT_URL = ENDPOINT
    return ENDPOINT


def test_command_writes_an_ask_cli_v2_project_for_the_demo_store(demo_store, tmp_path, endpoint):
    manifest, models = export(demo_store, tmp_path)

    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        ".ask/ask-states.json",
        "ask-resources.json",
        "skill-package/interactionModels/custom/de-DE.json",
        "skill-package/interactionModels/custom/en-GB.json",
        "skill-package/interactionModels/custom/en-US.json",
        "skill-package/skill.json",
    ]
    resources = json.loads((tmp_path / "ask-resources.json").read_text())
    assert resources == {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
    }
    states = json.loads((tmp_path / ".ask" / "ask-states.json").read_text())
    assert states == {
        "askcliStatesVersion": "2020-03-31",
        "profiles": {"default": {"skillId": DEMO_SKILL_ID}},
    }
    assert_documented_manifest(manifest)
    for locale in LOCALES:
        assert_documented_interaction_model(models[locale])


LISTING = {
    "skill_small_icon_url": "https://cdn.example.org/no-nicks-108.png",
    "skill_large_icon_url": "https://cdn.example.org/no-nicks-512.png",
    "privacy_policy_url": "https://no-nicks.example.org/privacy",
    "terms_of_use_url": "https://no-nicks.example.org/terms",
}


def test_the_skill_listing_settings_go_into_every_locale_of_the_manifest(
    demo_store, tmp_path, endpoint
):
    for name, value in LISTING.items():
        setattr(demo_store, name, value)
    demo_store.save()
    manifest, _ = export(demo_store, tmp_path)
    body = manifest["manifest"]
    assert_documented_manifest(manifest)
    for locale in LOCALES:
        info = body["publishingInformation"]["locales"][locale]
        assert info["smallIconUri"] == LISTING["skill_small_icon_url"]
        assert info["largeIconUri"] == LISTING["skill_large_icon_url"]
        assert body["privacyAndCompliance"]["locales"][locale] == {
            "privacyPolicyUrl": LISTING["privacy_policy_url"],
            "termsOfUseUrl": LISTING["terms_of_use_url"],
        }
    assert not [w for w in build_skill_package(store=demo_store).warnings if "icon" in w]


def test_a_missing_listing_setting_is_named_in_a_warning_and_left_out(demo_store, endpoint):
    demo_store.privacy_policy_url = LISTING["privacy_policy_url"]
    demo_store.skill_large_icon_url = LISTING["skill_large_icon_url"]
    demo_store.save()
    package = build_skill_package(store=demo_store)
    body = package.manifest["manifest"]
    for locale in LOCALES:
        info = body["publishingInformation"]["locales"][locale]
        assert "smallIconUri" not in info
        assert info["largeIconUri"] == LISTING["skill_large_icon_url"]
        assert body["privacyAndCompliance"]["locales"][locale] == {
            "privacyPolicyUrl": LISTING["privacy_policy_url"]
        }
    assert (
        "Certification needs the small icon (108 pixels): set it under Skill listing in the "
        "store's settings and export again."
    ) in package.warnings
    demo_store.privacy_policy_url = demo_store.skill_large_icon_url = ""
    demo_store.save()
    package = build_skill_package(store=demo_store)
    assert "locales" not in package.manifest["manifest"]["privacyAndCompliance"]
    assert (
        "Certification needs the small icon (108 pixels), the large icon (512 pixels) and a "
        "privacy policy URL: set them under Skill listing in the store's settings and export "
        "again."
    ) in package.warnings


def test_listing_addresses_must_be_https(demo_store):
    from django.core.exceptions import ValidationError

    demo_store.skill_small_icon_url = "http://cdn.example.org/icon.png"
    demo_store.privacy_policy_url = "ftp://no-nicks.example.org/privacy"
    with pytest.raises(ValidationError) as raised:
        demo_store.full_clean()
    assert raised.value.message_dict == {
        "skill_small_icon_url": ["Use an https:// address: Alexa accepts no other."],
        "privacy_policy_url": ["Use an https:// address: Alexa accepts no other."],
    }


def test_manifest_carries_publishing_endpoint_permission_and_the_amazon_pay_sentence(
    demo_store, tmp_path, endpoint
):
    manifest, _ = export(demo_store, tmp_path)
    body = manifest["manifest"]

    assert body["publishingInformation"]["category"] == "SHOPPING"
    assert body["publishingInformation"]["distributionCountries"] == ["DE", "GB", "US"]
    assert body["apis"]["custom"]["endpoint"] == {"uri": ENDPOINT, "sslCertificateType": "Trusted"}
    assert body["permissions"] == [
        {"name": "payments:autopay_consent"},
        {"name": "alexa::profile:email:read"},
    ]
    assert body["privacyAndCompliance"]["allowsPurchases"] is True
    assert body["privacyAndCompliance"]["isChildDirected"] is False

    locales = body["publishingInformation"]["locales"]
    assert list(locales) == LOCALES
    for locale in ("en-US", "en-GB"):
        info = locales[locale]
        assert info["name"] == "No Nicks"
        assert info["description"].endswith(EN_PAY)
        assert DE_PAY not in info["description"]
        assert info["examplePhrases"] == [
            "Alexa, open no nicks",
            "Alexa, ask no nicks to order the starter kit",
            "Alexa, ask no nicks where is my order",
        ]
        assert "Amazon Pay" in info["keywords"]
        assert "Refills" in info["keywords"]
    german = locales["de-DE"]
    assert german["description"].endswith(DE_PAY)
    assert EN_PAY not in german["description"]
    assert german["examplePhrases"][0] == "Alexa, öffne no nicks"
    assert "Nachfüllklingen" in german["keywords"]


def test_example_phrases_are_utterances_the_model_understands(demo_store, tmp_path):
    """Certification rejects example phrases that no sample utterance covers."""
    manifest, models = export(demo_store, tmp_path)
    prefixes = {
        "en": ["alexa ask no nicks to ", "alexa ask no nicks "],
        "de": ["alexa sag no nicks ", "alexa frag no nicks "],
    }
    for locale, info in manifest["manifest"]["publishingInformation"]["locales"].items():
        for phrase in info["examplePhrases"][1:]:
            text = normalize(phrase)
            for prefix in prefixes[locale[:2]]:
                if text.startswith(prefix):
                    text = text[len(prefix) :]
                    break
            assert understood(models[locale], locale, text), (locale, phrase)


def understood(model, locale, text):
    language = model["interactionModel"]["languageModel"]
    types = {
        t["name"]: [
            Entity(
                id=v["id"],
                value=v["name"]["value"],
                synonyms=tuple(v["name"].get("synonyms", [])),
                label=v["id"],
            )
            for v in t["values"]
        ]
        for t in language["types"]
    }
    vocabulary = SlotVocabulary(types, NUMBER_WORDS[locale[:2]])
    for intent in language["intents"]:
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            if match_template(Template.build(intent["name"], sample, slot_types), text, vocabulary):
                return intent["name"]
    return None


def test_interaction_model_has_every_contract_intent_and_built_in(demo_store, tmp_path):
    # Shoppers can link an account: every intent is offered.
    alexa_client_rotate(
        store=demo_store, redirect_uris=["https://pitangui.amazon.com/api/skill/link/M1"]
    )
    _, models = export(demo_store, tmp_path)
    for locale in LOCALES:
        language = language_model(models, locale)
        assert language["invocationName"] == "no nicks"
        by_name = {intent["name"]: intent for intent in language["intents"]}
        assert list(by_name) == [*intents.CUSTOM, *intents.BUILT_INS]
        for name, slots in intents.CUSTOM.items():
            declared = {s["name"]: s["type"] for s in by_name[name].get("slots", [])}
            assert declared == slots, name
            assert len(by_name[name]["samples"]) >= 6, (locale, name)
        samples = {name: set(intent["samples"]) for name, intent in by_name.items()}
        if locale.startswith("en"):
            assert "where is my order" in samples[intents.ORDER_STATUS]
            assert "cancel my order" in samples[intents.CANCEL_ORDER]
            assert "reorder" in samples[intents.REORDER]
            assert "I want a refund" in samples[intents.REFUND]
            assert "cancel my refills" in samples[intents.CANCEL_REFILLS]
            assert "{Quantity} packs of {Product}" in samples[intents.ORDER_PRODUCT]
            assert "what {Category} do you have" in samples[intents.BROWSE]
            assert "what can I buy" in samples[intents.BROWSE]
        else:
            assert "{Product} bestellen" in samples[intents.ORDER_PRODUCT]
            assert "wo ist meine bestellung" in samples[intents.ORDER_STATUS]
            assert "storniere meine bestellung" in samples[intents.CANCEL_ORDER]
        assert samples == {name: set(SAMPLES[locale[:2]].get(name, [])) for name in by_name}


def test_product_and_category_slot_types_come_from_the_catalog(demo_store, tmp_path):
    _, models = export(demo_store, tmp_path)
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    blades = Product.objects.get(store=demo_store, sku="NN-BLADES-8")
    cream = Product.objects.get(store=demo_store, sku="NN-CREAM-6")

    en = slot_type(models, "en-US", "PRODUCT")["values"]
    assert en == [
        {
            "id": str(kit.pk),
            "name": {
                "value": "No Nicks Starter Kit",
                "synonyms": ["starter kit", "razor", "razor kit", "shaving kit", "kit", "a razor"],
            },
        },
        {
            "id": str(blades.pk),
            "name": {
                "value": "No Nicks Blade Refills",
                "synonyms": [
                    "blade refill pack",
                    "refills",
                    "refill",
                    "blades",
                    "razor blades",
                    "blade refills",
                    "refill pack",
                    "packs of refills",
                    "pack of refills",
                ],
            },
        },
        {
            "id": str(cream.pk),
            "name": {
                "value": "No Nicks Menthol Shaving Cream",
                "synonyms": [
                    "menthol shaving cream",
                    "shaving cream",
                    "cream",
                    "menthol cream",
                    "shave cream",
                ],
            },
        },
    ]
    assert slot_type(models, "en-GB", "PRODUCT")["values"] == en

    de = {v["id"]: v["name"] for v in slot_type(models, "de-DE", "PRODUCT")["values"]}
    assert de[str(blades.pk)]["value"] == "Nachfüllklingen"
    # German synonyms first, then those for every locale; English-only ones never leak in.
    assert de[str(blades.pk)]["synonyms"][:4] == [
        "No Nicks Blade Refills",
        "Klingen",
        "Ersatzklingen",
        "Rasierklingen",
    ]
    assert "refills" in de[str(blades.pk)]["synonyms"]
    assert de[str(kit.pk)]["value"] == "Starterset"
    assert de[str(cream.pk)]["value"] == "Rasiercreme"

    en_categories = [v["name"]["value"] for v in slot_type(models, "en-US", "CATEGORY")["values"]]
    assert en_categories == ["Starter kits", "Refills", "Shaving cream"]
    de_categories = [v["name"]["value"] for v in slot_type(models, "de-DE", "CATEGORY")["values"]]
    assert de_categories == ["Starterset", "Nachfüllklingen", "Rasiercreme"]


def test_re_export_reflects_catalog_edits(demo_store, tmp_path):
    export(demo_store, tmp_path)
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    cream = Product.objects.get(store=demo_store, sku="NN-CREAM-6")
    cream.active = False
    cream.save()
    ProductSynonym.objects.filter(product=kit, value="shaving kit").update(value="safety razor")
    ProductSynonym.objects.create(product=kit, value="Hobel", locale="de-DE")
    oil = ProductFactory(
        store=demo_store, category=kit.category, name="Beard Oil", sku="NN-OIL", currency="USD"
    )
    SynonymFactory(product=oil, value="oil", locale="")
    ProductLocalization.objects.create(
        store=demo_store, product=oil, locale="de-DE", spoken_name="Bartöl"
    )
    demo_store.enabled_locales = ["en-US", "de-DE"]
    demo_store.save()

    _, models = export(demo_store, tmp_path)

    assert sorted(models) == ["de-DE", "en-US"]  # the en-GB model of the last export is gone
    en = {v["id"]: v["name"] for v in slot_type(models, "en-US", "PRODUCT")["values"]}
    assert str(cream.pk) not in en
    assert "safety razor" in en[str(kit.pk)]["synonyms"]
    assert "shaving kit" not in en[str(kit.pk)]["synonyms"]
    assert "Hobel" not in en[str(kit.pk)]["synonyms"]
    assert en[str(oil.pk)] == {"value": "Beard Oil", "synonyms": ["oil"]}
    de = {v["id"]: v["name"] for v in slot_type(models, "de-DE", "PRODUCT")["values"]}
    assert "Hobel" in de[str(kit.pk)]["synonyms"]
    assert de[str(oil.pk)] == {"value": "Bartöl", "synonyms": ["Beard Oil", "oil"]}
    categories = [v["name"]["value"] for v in slot_type(models, "en-US", "CATEGORY")["values"]]
    assert categories == ["Starter kits", "Refills"]  # no active shaving cream left


def test_pay_on_delivery_store_declares_no_amazon_pay(db, tmp_path):
    store = StoreFactory(
        payment_mode=PaymentMode.PAY_ON_DELIVERY, invocation_name="corner shop", name="Corner"
    )
    ProductFactory(store=store, name="Tea")
    manifest, _ = export(store, tmp_path)
    body = manifest["manifest"]
    assert body["permissions"] == [
        {"name": "read::alexa:device:all:address"},
        {"name": "alexa::profile:email:read"},
    ]
    for info in body["publishingInformation"]["locales"].values():
        assert "Amazon Pay" not in info["description"]
        assert "Amazon Pay" not in info["keywords"]


def test_build_reads_the_catalog_in_a_fixed_number_of_queries(
    demo_store, django_assert_num_queries
):
    for n in range(30):
        product = ProductFactory(store=demo_store, name=f"Extra {n}", currency="USD")
        SynonymFactory(product=product, value=f"extra thing {n}")
    demo_store.refresh_from_db()
    # products, localizations, synonyms, categories, category localizations, in-skill
    # products (isp: none here, so no texts or prices to prefetch), content collections,
    # skill id, the account-linking client (with its application)
    with django_assert_num_queries(9):
        build_skill_package(store=demo_store)


# --- validation ---------------------------------------------------------------------------


def errors_of(store):
    with pytest.raises(PackageInvalid) as raised:
        build_skill_package(store=store)
    return raised.value.errors


def test_a_synonym_naming_two_products_is_an_error_naming_both(demo_store, tmp_path):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    other = ProductFactory(
        store=demo_store, category=kit.category, name="Travel Razor", sku="TR-1", currency="USD"
    )
    SynonymFactory(product=other, value="razor", locale="en-US")

    errors = errors_of(demo_store)

    assert errors == [
        'en-US: "razor" names both product "No Nicks Starter Kit" (SKU NN-KIT) and '
        'product "Travel Razor" (SKU TR-1); a synonym may name only one.'
    ]


def test_the_command_exits_non_zero_with_the_messages_and_writes_nothing(demo_store, tmp_path):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    other = ProductFactory(
        store=demo_store, category=kit.category, name="Starter Kit", sku="SK-2", currency="USD"
    )
    SynonymFactory(product=other, value="Safety razor", locale="")
    stderr = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "export_skill_package", "--store", demo_store.slug, str(tmp_path), stderr=stderr
        )

    assert "was not written" in str(raised.value)
    # "starter kit" is kit's spoken name and the other product's name, in every locale.
    assert 'en-US: "Starter Kit" names both product "No Nicks Starter Kit" (SKU NN-KIT)' in (
        stderr.getvalue()
    )
    assert "de-DE" in stderr.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_command_rejects_an_unknown_store(db, tmp_path):
    with pytest.raises(CommandError, match='No store with the slug "nope"'):
        call_command("export_skill_package", "--store", "nope", str(tmp_path))


def test_empty_synonym_and_empty_name_are_errors(demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    ProductSynonym.objects.filter(product=kit, value="razor kit").update(value="")
    Product.objects.filter(sku="NN-CREAM-6", store=demo_store).update(name="  ")

    errors = errors_of(demo_store)

    assert 'en-US: product "No Nicks Starter Kit" (SKU NN-KIT) has an empty synonym.' in errors
    assert 'de-DE: product "No Nicks Starter Kit" (SKU NN-KIT) has an empty synonym.' in errors
    assert 'en-US: product "  " (SKU NN-CREAM-6) has an empty name.' in errors
    # de-DE names the cream with its localization, so only English locales lack a name.
    assert not any(e.startswith("de-DE") and "empty name" in e for e in errors)


def test_too_long_slot_values_are_errors():
    long_name = "very " * 28 + "long razor"  # 150 characters
    entities = [Entity(id="7", value=long_name, synonyms=("ok",), label='product "Long" (SKU L)')]
    errors = check_slot_values("en-US", "PRODUCT", entities)
    assert errors == [
        f'en-US: product "Long" (SKU L): "{long_name[:40]}…" is 150 characters; '
        "Alexa allows 140 per slot value or synonym."
    ]
    assert check_slot_values("en-US", "PRODUCT", []) == [
        "en-US: slot type PRODUCT has no values (the store has no active products)."
    ]


def test_alexas_total_of_custom_slot_values_is_checked():
    def entities(count, kind):
        return [Entity(id=str(n), value=f"{kind} {n}", synonyms=(), label="") for n in range(count)]

    at_limit = {"PRODUCT": entities(49_997, "product"), "CATEGORY": entities(3, "category")}
    assert check_slot_value_total("en-US", at_limit) == []
    over = {"PRODUCT": entities(49_998, "product"), "CATEGORY": entities(3, "category")}
    assert check_slot_value_total("de-DE", over) == [
        "de-DE: the model has 50,001 custom slot values (PRODUCT 49,998, CATEGORY 3); Alexa "
        "allows 50,000 in all. Deactivate products the skill need not sell."
    ]


def test_the_export_stops_when_a_model_has_too_many_slot_values(demo_store, monkeypatch):
    from voicelab.package import validation

    values = Product.objects.filter(store=demo_store, active=True).count() + 3
    monkeypatch.setattr(validation, "MAX_CUSTOM_SLOT_VALUES", values - 1)
    errors = errors_of(demo_store)
    for locale in LOCALES:
        assert f"{locale}: the model has {values} custom slot values" in " ".join(errors)


def test_a_synonym_that_turns_another_intents_phrase_into_an_order_is_an_error(demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    SynonymFactory(product=kit, value="again", locale="en-GB")
    SynonymFactory(product=kit, value="Hilfe", locale="de-DE")

    errors = errors_of(demo_store)

    assert (
        'en-GB: "order again" (ReorderIntent) also matches "order {Product}" '
        '(OrderProductIntent) through "again" of product "No Nicks Starter Kit" (SKU NN-KIT).'
    ) in errors
    assert (
        'de-DE: "hilfe" (AMAZON.HelpIntent) also matches "{Product}" (OrderProductIntent) '
        'through "hilfe" of product "No Nicks Starter Kit" (SKU NN-KIT).'
    ) in errors
    assert not any(e.startswith("en-US") for e in errors)


def test_samples_colliding_between_intents_are_errors():
    refills = Entity(id="2", value="refills", synonyms=(), label='product "Refills" (SKU R)')
    refill_category = Entity(id="9", value="Refills", synonyms=(), label='category "Refills"')
    intents_ = [
        {
            "name": "A",
            "slots": [{"name": "Product", "type": "PRODUCT"}],
            "samples": ["show me {Product}", "where is my order"],
        },
        {
            "name": "B",
            "slots": [{"name": "Category", "type": "CATEGORY"}],
            "samples": ["show me {Category}", "Where is my order?"],
        },
        {"name": "C", "samples": ["order {Colour}", "buy 2 razors"]},
    ]
    errors = check_samples("en-US", intents_, {"PRODUCT": [refills], "CATEGORY": [refill_category]})
    assert errors == [
        'en-US: sample "Where is my order?" of B may contain only words, spaces, apostrophes '
        "and slots.",
        'en-US: sample "order {Colour}" of C uses undeclared slot(s): Colour.',
        'en-US: sample "buy 2 razors" of C may contain only words, spaces, apostrophes and slots.',
        'en-US: sample "Where is my order?" is in both A and B.',
        'en-US: "show me {Product}" (A) and "show me {Category}" (B) both match "refills", '
        "a value of PRODUCT and of CATEGORY.",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("No Nicks", 'invocation name "No Nicks" must be lower case.'),
        ("shop 24 seven", "contains digits; spell numbers out"),
        ("no-nicks shop", "may contain only letters, spaces, apostrophes and periods"),
        ("alexa razors", 'contains "alexa", a wake word'),
        ("razor skill", 'contains "skill", a wake word or a word Alexa reserves'),
        ("ask no nicks", 'contains the launch word "ask"'),
        ("the razors", "a two-word invocation name cannot contain an article"),
        ("   ", "the invocation name is empty"),
    ],
)
def test_invocation_names_alexa_rejects(name, message):
    errors, _ = check_invocation_name(name, "en-US")
    assert any(message in error for error in errors), errors


@pytest.mark.parametrize(
    "name", ["no nicks", "sam's science trivia", "a. b. c. razors", "gute rasur"]
)
def test_invocation_names_alexa_accepts(name):
    assert check_invocation_name(name, "en-US")[0] == []
    assert check_invocation_name(name, "de-DE")[0] == []


def test_german_invocation_names_may_use_umlauts_and_one_word_is_only_a_warning():
    assert check_invocation_name("schöne rasur", "de-DE") == ([], [])
    errors, warnings = check_invocation_name("rasur", "de-DE")
    assert errors == []
    assert warnings == [
        'de-DE: invocation name "rasur" is one word: Alexa accepts that only for a brand you '
        "can prove you own."
    ]
    assert check_invocation_name("öffne rasur", "de-DE")[0] == [
        'de-DE: invocation name "öffne rasur" contains the launch word "öffne".'
    ]


def test_an_invalid_invocation_name_stops_the_command(demo_store, tmp_path):
    demo_store.invocation_name = "open no nicks"
    demo_store.save()
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "export_skill_package", "--store", demo_store.slug, str(tmp_path), stderr=stderr
        )
    assert 'en-US: invocation name "open no nicks" contains the launch word "open".' in (
        stderr.getvalue()
    )


# --- the owner's download in the admin -----------------------------------------------------


def test_owner_downloads_the_same_package_as_a_zip(demo_store, client, tmp_path):
    client.login(username="owner", password=DEMO_PASSWORD)
    change_page = client.get(reverse("admin:merchant_store_change", args=[demo_store.pk]))
    url = reverse("console:skill_package", args=[demo_store.pk])
    assert url.encode() in change_page.content

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="no-nicks-skill-package.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    export(demo_store, tmp_path)
    on_disk = {
        str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()
    }
    assert {name: archive.read(name) for name in archive.namelist()} == on_disk


BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)


def test_a_browser_sees_the_certification_warnings_before_the_download(demo_store, client):
    client.login(username="owner", password=DEMO_PASSWORD)
    url = reverse("console:skill_package", args=[demo_store.pk])

    page = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    warnings = html[html.index('<ul class="messagelist" id="package-warnings">') :]
    warnings = warnings[: warnings.index("</ul>")]
    assert [item.split("</li>")[0] for item in warnings.split('<li class="warning">')[1:]] == [
        "Certification needs the small icon (108 pixels), the large icon (512 pixels) and a "
        "privacy policy URL: set them under Skill listing in the store&#x27;s settings and "
        "export again.",
        "Amazon Pay runs in sandbox mode: switch sandbox mode off before certification.",
    ]
    assert 'href="?format=zip" download="no-nicks-skill-package.zip"' in html

    download = client.get(f"{url}?format=zip", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == 'attachment; filename="no-nicks-skill-package.zip"'


def test_a_package_without_warnings_says_so(db, client):
    store = StoreFactory(
        invocation_name="tea house",
        sandbox_mode=False,
        skill_small_icon_url="https://cdn.example.org/small.png",
        skill_large_icon_url="https://cdn.example.org/large.png",
        privacy_policy_url="https://example.org/privacy",
    )
    ProductFactory(store=store, name="Green tea")
    client.force_login(MembershipFactory(store=store).user)
    page = client.get(reverse("console:skill_package", args=[store.pk]), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert build_skill_package(store=store).warnings == []
    assert "Nothing stands in the way of certification." in page.content.decode()


@pytest.mark.parametrize("username", ["editor", "support"])
def test_staff_who_are_not_owners_cannot_download(demo_store, client, username):
    client.login(username=username, password=DEMO_PASSWORD)
    response = client.get(reverse("console:skill_package", args=[demo_store.pk]))
    assert response.status_code in {403, 404}
    assert response.get("Content-Type") != "application/zip"


def test_an_owner_cannot_download_another_stores_package(demo_store, client):
    other = StoreFactory()
    ProductFactory(store=other)
    client.login(username="owner", password=DEMO_PASSWORD)
    response = client.get(reverse("console:skill_package", args=[other.pk]))
    assert response.status_code == 404


def test_an_invalid_package_sends_the_owner_back_with_the_errors(demo_store, client):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    SynonymFactory(product=kit, value="help", locale="en-US")
    client.login(username="owner", password=DEMO_PASSWORD)

    response = client.get(reverse("console:skill_package", args=[demo_store.pk]), follow=True)

    assert response.redirect_chain == [
        (reverse("admin:merchant_store_change", args=[demo_store.pk]), 302)
    ]
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        'en-US: "help" (AMAZON.HelpIntent) also matches "{Product}" (OrderProductIntent) '
        'through "help" of product "No Nicks Starter Kit" (SKU NN-KIT).'
    ]


def test_categories_without_active_products_are_left_out(db):
    store = StoreFactory(invocation_name="tea house")
    empty = CategoryFactory(store=store, name="Empty shelf")
    tea = ProductFactory(store=store, name="Green tea", price=Decimal("3.00"))
    package = build_skill_package(store=store)
    values = package.models["en-US"]["interactionModel"]["languageModel"]["types"][1]["values"]
    assert [v["id"] for v in values] == [str(tea.category_id)]
    assert str(empty.pk) not in [v["id"] for v in values]
