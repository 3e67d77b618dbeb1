"""``skill-package/skill.json``: the skill manifest (ASK CLI v2 / SMAPI skill package format).

Only documented manifest fields are written. The icons and the privacy policy and terms of
use URLs come from the store's "Skill listing" settings; the export warns about any that is
missing instead of inventing a value (certification needs the icons and the privacy policy).

A store with in-skill products says so in every locale's description and explains each type
it sells, without a price or a call to action (ISP certification guide). A digital-only store
(no physical products) is described by its content collections and asks for no permission:
it ships nothing, takes no Amazon Pay payment and sends no order notifications.
"""

from typing import Any

from alexa.scopes import ADDRESS_SCOPE, AUTOPAY_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from isp.facts import ProductType
from merchant.models import Store
from voicelab.package.catalog import Entity
from voicelab.package.premium import PremiumSnapshot, singular
from voicelab.package.samples import language

# Amazon's required sentence for skills that use Amazon Pay ("Certify your Skill with
# Amazon Pay", skill description requirement), in the locale's language.
AMAZON_PAY_SENTENCE = {
    "en": (
        "This skill uses Amazon Pay to process your payments. To help protect against "
        "unwanted ordering, you can enable a four-digit voice code under Settings in the "
        "Alexa app."
    ),
    "de": (
        "Dieser Skill verwendet Amazon Pay, um Ihre Zahlungen zu verarbeiten. Zum Schutz vor "
        "unerwünschten Bestellungen, können Sie in der Alexa App unter Einstellungen einen "
        "vierstelligen Sprachcode vergeben."
    ),
}
# The skill events /alexa/ handles (skill/handlers/events.py), and the proactive event it
# publishes when the store has messaging credentials (notifications app).
SKILL_EVENT_SUBSCRIPTIONS = [
    "SKILL_ENABLED",
    "SKILL_DISABLED",
    "SKILL_PERMISSION_ACCEPTED",
    "SKILL_PERMISSION_CHANGED",
    "SKILL_ACCOUNT_LINKED",
    "SKILL_PROACTIVE_SUBSCRIPTION_CHANGED",
]
# Events only a store that ships goods has a use for (permissions, order notifications).
ORDERING_EVENTS = {
    "SKILL_PERMISSION_ACCEPTED",
    "SKILL_PERMISSION_CHANGED",
    "SKILL_PROACTIVE_SUBSCRIPTION_CHANGED",
}
ORDER_STATUS_EVENT = "AMAZON.OrderStatus.Updated"
DISTRIBUTION_COUNTRY = {"en-US": "US", "en-GB": "GB", "de-DE": "DE"}
MAX_NAME, MAX_SUMMARY, MAX_DESCRIPTION, MAX_KEYWORDS = 50, 160, 4000, 30

# Per language: sentences, and per product type the in-skill purchasing sentences.
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "open": "Alexa, open {inv}",
        "order": "Alexa, ask {inv} to order the {product}",
        "status": "Alexa, ask {inv} where is my order",
        "summary": "Order from {name} by voice: {things}.",
        "description": (
            "Shop {name} with Alexa. Order {things}, hear what a product includes and what "
            "it costs, reorder what you bought last time, ask where your order is, cancel "
            "an order or ask for a refund."
        ),
        "and": "and",
        "keywords": ["shopping", "order", "reorder", "delivery"],
        "pay_keyword": "Amazon Pay",
        "testing": (
            'Say "Alexa, open {inv}" and order {product}. Amazon Pay runs in sandbox '
            "mode with the seller's sandbox test account."
        ),
        "content_summary": "{collections} from {name}, by voice.",
        "content_description": (
            "{name} brings {collections} to Alexa. Ask for one whenever you like, and for "
            "another when it ends."
        ),
        "content_also": "You can also ask for {collections}.",
        "premium": "premium content",
        "content_example": "Alexa, ask {inv} to give me {a} {one}",
        "content_example_plain": "Alexa, ask {inv} to play {collection}",
        "what_can_i_buy": "Alexa, ask {inv} what can I buy",
        "content_testing": 'Say "Alexa, open {inv}" and ask for {collection}.',
        "isp_testing": (
            'Say "what can I buy" to hear the in-skill products; each product\'s testing '
            "instructions say how to buy and use it."
        ),
        "isp": "This skill offers in-skill purchases.",
        "isp_types": {
            ProductType.ENTITLEMENT: (
                "A one-time purchase ({names}) unlocks its premium content for good."
            ),
            ProductType.SUBSCRIPTION: (
                "A subscription ({names}) unlocks premium content while it is active and "
                "renews until you cancel it."
            ),
            ProductType.CONSUMABLE: (
                "A consumable pack ({names}) runs out when used: each premium item you hear "
                "uses one unit, and you can ask how many you have left."
            ),
        },
    },
    "de": {
        "open": "Alexa, öffne {inv}",
        "order": "Alexa, sag {inv} {product} bestellen",
        "status": "Alexa, frag {inv} wo ist meine Bestellung",
        "summary": "Bestelle bei {name} per Sprache: {things}.",
        "description": (
            "Kaufe bei {name} mit Alexa ein. Bestelle {things}, erfahre, was ein Produkt "
            "enthält und was es kostet, bestelle nach, was du zuletzt gekauft hast, frage, "
            "wo deine Bestellung ist, storniere eine Bestellung oder frage nach einer "
            "Rückerstattung."
        ),
        "and": "und",
        "keywords": ["einkaufen", "bestellen", "nachbestellen", "lieferung"],
        "pay_keyword": "Amazon Pay",
        "content_summary": "{collections} von {name} per Sprache.",
        "content_description": (
            "{name} bringt {collections} zu Alexa. Frag danach, wann immer du möchtest, und "
            "nach mehr, wenn du magst."
        ),
        "content_also": "Außerdem kannst du {collections} hören.",
        "premium": "Premium-Inhalte",
        "content_example_plain": "Alexa, sag {inv} spiel {collection}",
        "what_can_i_buy": "Alexa, frag {inv} was kann ich kaufen",
        "isp": "Dieser Skill bietet In-Skill-Käufe an.",
        "isp_types": {
            ProductType.ENTITLEMENT: (
                "Ein Einmalkauf ({names}) schaltet seine Premium-Inhalte dauerhaft frei."
            ),
            ProductType.SUBSCRIPTION: (
                "Ein Abonnement ({names}) schaltet Premium-Inhalte frei, solange es läuft, "
                "und verlängert sich, bis du es kündigst."
            ),
            ProductType.CONSUMABLE: (
                "Ein Verbrauchspaket ({names}) ist aufgebraucht, wenn du es nutzt: Jeder "
                "Premium-Inhalt, den du hörst, verbraucht eine Einheit, und du kannst fragen, "
                "wie viele du noch hast."
            ),
        },
    },
}


def build_manifest(
    *,
    store: Store,
    locales: list[str],
    products: dict[str, list[Entity]],
    categories: dict[str, list[Entity]],
    premium: PremiumSnapshot | None = None,
    collections: dict[str, list[Entity]] | None = None,
) -> tuple[dict, list[str]]:
    """The manifest and the warnings about what is left for the developer console."""
    warnings = []
    inv = store.invocation_name
    collections = collections or {}
    sells_goods = any(products[loc] for loc in locales)
    amazon_pay = store.uses_amazon_pay and sells_goods
    sells_isp = bool(premium and premium.products)
    publishing = {}
    for locale in locales:
        lang = language(locale)
        text = _TEXT[lang] if lang in _TEXT else _TEXT["en"]
        content = _join([c.value for c in collections.get(locale, [])][:3], text["and"])
        if sells_goods:
            product = _example_product(products[locale])
            things = _join([c.value for c in categories[locale]][:3], text["and"]) or product
            summary = text["summary"].format(name=store.name, things=things)
            description = text["description"].format(name=store.name, things=things)
            if content:
                description += " " + text["content_also"].format(collections=content)
            examples = [
                text["open"].format(inv=inv),
                text["order"].format(inv=inv, product=product),
                text["status"].format(inv=inv),
            ]
            listed = [c.value for c in categories[locale]]
        else:
            content = content or text["premium"]
            summary = _capitalize(
                text["content_summary"].format(name=store.name, collections=content)
            )
            description = text["content_description"].format(name=store.name, collections=content)
            examples = [
                text["open"].format(inv=inv),
                *_content_example(text, inv, collections.get(locale, []), store),
                *([text["what_can_i_buy"].format(inv=inv)] if sells_isp else []),
            ]
            listed = [c.value for c in collections.get(locale, [])]
        if sells_isp and premium is not None:
            description += " " + _isp_description(text, premium.names_by_type(locale))
        if amazon_pay:
            description += " " + AMAZON_PAY_SENTENCE.get(lang, AMAZON_PAY_SENTENCE["en"])
        keywords = _keywords(
            [store.name, *listed, *(text["keywords"] if sells_goods else [])]
            + ([text["pay_keyword"]] if amazon_pay else [])
        )
        publishing[locale] = {
            "name": store.name[:MAX_NAME],
            "summary": _clip(summary, MAX_SUMMARY),
            "description": description[:MAX_DESCRIPTION],
            "examplePhrases": examples,
            "keywords": keywords,
            **_present(
                smallIconUri=store.skill_small_icon_url, largeIconUri=store.skill_large_icon_url
            ),
        }
    missing = [
        label
        for label, value in (
            ("the small icon (108 pixels)", store.skill_small_icon_url),
            ("the large icon (512 pixels)", store.skill_large_icon_url),
            ("a privacy policy URL", store.privacy_policy_url),
        )
        if not value
    ]
    if missing:
        warnings.append(
            f"Certification needs {_join(missing, 'and')}: set "
            f"{'it' if len(missing) == 1 else 'them'} under Skill listing in the store's "
            "settings and export again."
        )
    policies = _present(
        privacyPolicyUrl=store.privacy_policy_url, termsOfUseUrl=store.terms_of_use_url
    )
    if amazon_pay and store.sandbox_mode:
        warnings.append(
            "Amazon Pay runs in sandbox mode: switch sandbox mode off before certification."
        )
    if not sells_goods:
        warnings.append(
            "skill.json lists the skill under SHOPPING; for a content skill, choose its "
            "category (publishingInformation.category) before certification."
        )
    if sells_goods:
        testing = _TEXT["en"]["testing"].format(
            inv=inv, product=_example_product(products[locales[0]])
        )
    else:
        first = collections.get(locales[0], [])
        testing = _TEXT["en"]["content_testing"].format(
            inv=inv, collection=first[0].value if first else _TEXT["en"]["premium"]
        )
    if sells_isp:
        testing += " " + _TEXT["en"]["isp_testing"]
    scopes = []
    if sells_goods:
        scopes = [
            AUTOPAY_SCOPE if amazon_pay else ADDRESS_SCOPE,
            EMAIL_SCOPE,
            *([NOTIFICATIONS_SCOPE] if store.has_messaging_credentials else []),
        ]

    manifest = {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": publishing,
                "isAvailableWorldwide": False,
                "distributionCountries": sorted(
                    {DISTRIBUTION_COUNTRY[loc] for loc in locales if loc in DISTRIBUTION_COUNTRY}
                ),
                "testingInstructions": testing,
                "category": "SHOPPING",
            },
            "apis": {
                "custom": {
                    "endpoint": {
                        "uri": store.alexa_endpoint_url(),
                        "sslCertificateType": "Trusted",
                    }
                }
            },
            **({"permissions": [{"name": scope} for scope in scopes]} if scopes else {}),
            "events": _events(store, sells_goods),
            "privacyAndCompliance": {
                "allowsPurchases": sells_goods or sells_isp,
                # Personal information here is what the permissions read (address, email).
                "usesPersonalInfo": bool(scopes),
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                **({"locales": {locale: policies for locale in locales}} if policies else {}),
            },
        }
    }
    return manifest, warnings


def _events(store: Store, sells_goods: bool) -> dict:
    """Skill events go to the same endpoint (enable and disable for every store: a disable
    may ask that the shopper's data, consumable ledger included, be erased); order
    notifications are published only by a store that ships goods and can send them."""
    names = [n for n in SKILL_EVENT_SUBSCRIPTIONS if sells_goods or n not in ORDERING_EVENTS]
    events = {
        "endpoint": {"uri": store.alexa_endpoint_url()},
        "subscriptions": [{"eventName": name} for name in names],
    }
    if sells_goods and store.has_messaging_credentials:
        events["publications"] = [{"eventName": ORDER_STATUS_EVENT}]
    return events


def _isp_description(text: dict, names_by_type: dict[str, list[str]]) -> str:
    """That the skill offers in-skill purchases, and what each type it sells means."""
    sentences = [text["isp"]]
    for kind, names in names_by_type.items():
        sentences.append(text["isp_types"][kind].format(names=_join(names, text["and"])))
    return " ".join(sentences)


def _content_example(text: dict, inv: str, collections: list[Entity], store: Store) -> list[str]:
    """An example phrase asking for the first collection, as the model's samples say it."""
    if not collections:
        return []
    first = collections[0]
    one = singular(first.value, language(store.default_locale))
    if "content_example" in text and one.lower() in (s.lower() for s in first.synonyms):
        article = "an" if one[:1].lower() in "aeiou" else "a"
        return [text["content_example"].format(inv=inv, a=article, one=one)]
    return [text["content_example_plain"].format(inv=inv, collection=first.value)]


def _capitalize(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _present(**fields: str) -> dict:
    """The fields that have a value."""
    return {name: value for name, value in fields.items() if value}


def _example_product(entities: list[Entity]) -> str:
    """A short phrase the model resolves to the first product (its value or a synonym)."""
    if not entities:
        return ""
    first = entities[0]
    if len(first.value.split()) <= 2 or not any(first.synonyms):
        return first.value
    return next(s for s in first.synonyms if s)


def _join(items: list[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _keywords(words: list[str]) -> list[str]:
    seen, out = set(), []
    for word in words:
        key = word.lower()
        if word and key not in seen:
            seen.add(key)
            out.append(word)
    return out[:MAX_KEYWORDS]
