"""``skill-package/skill.json``: the skill manifest (ASK CLI v2 / SMAPI skill package format).

Only documented manifest fields are written. The icons and the privacy policy and terms of
use URLs come from the store's "Skill listing" settings; the export warns about any that is
missing instead of inventing a value (certification needs the icons and the privacy policy).
"""

from django.conf import settings

from merchant.models import Store
from skill.alexa_apis import ADDRESS_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from skill.package.catalog import Entity
from skill.package.samples import language

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
AMAZON_PAY_PERMISSION = "payments:autopay_consent"
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
ORDER_STATUS_EVENT = "AMAZON.OrderStatus.Updated"
DISTRIBUTION_COUNTRY = {"en-US": "US", "en-GB": "GB", "de-DE": "DE"}
MAX_NAME, MAX_SUMMARY, MAX_DESCRIPTION, MAX_KEYWORDS = 50, 160, 4000, 30

_TEXT = {
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
    },
}


def build_manifest(
    *,
    store: Store,
    locales: list[str],
    products: dict[str, list[Entity]],
    categories: dict[str, list[Entity]],
) -> tuple[dict, list[str]]:
    """The manifest and the warnings about what is left for the developer console."""
    warnings = []
    inv = store.invocation_name
    publishing = {}
    for locale in locales:
        text = _TEXT[language(locale)] if language(locale) in _TEXT else _TEXT["en"]
        product = _example_product(products[locale])
        things = _join([c.value for c in categories[locale]][:3], text["and"]) or product
        description = text["description"].format(name=store.name, things=things)
        if store.uses_amazon_pay:
            description += " " + AMAZON_PAY_SENTENCE.get(
                language(locale), AMAZON_PAY_SENTENCE["en"]
            )
        keywords = _keywords(
            [store.name, *(c.value for c in categories[locale]), *text["keywords"]]
            + ([text["pay_keyword"]] if store.uses_amazon_pay else [])
        )
        publishing[locale] = {
            "name": store.name[:MAX_NAME],
            "summary": _clip(text["summary"].format(name=store.name, things=things), MAX_SUMMARY),
            "description": description[:MAX_DESCRIPTION],
            "examplePhrases": [
                text["open"].format(inv=inv),
                text["order"].format(inv=inv, product=product),
                text["status"].format(inv=inv),
            ],
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
    if store.uses_amazon_pay and store.sandbox_mode:
        warnings.append(
            "Amazon Pay runs in sandbox mode: switch sandbox mode off before certification."
        )

    manifest = {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": publishing,
                "isAvailableWorldwide": False,
                "distributionCountries": sorted(
                    {DISTRIBUTION_COUNTRY[loc] for loc in locales if loc in DISTRIBUTION_COUNTRY}
                ),
                "testingInstructions": _TEXT["en"]["testing"].format(
                    inv=inv, product=_example_product(products[locales[0]])
                ),
                "category": "SHOPPING",
            },
            "apis": {
                "custom": {
                    "endpoint": {
                        "uri": settings.ALEXA_SKILL_ENDPOINT_URL,
                        "sslCertificateType": "Trusted",
                    }
                }
            },
            "permissions": [
                {"name": scope}
                for scope in (
                    AMAZON_PAY_PERMISSION if store.uses_amazon_pay else ADDRESS_SCOPE,
                    EMAIL_SCOPE,
                    *([NOTIFICATIONS_SCOPE] if store.has_messaging_credentials else []),
                )
            ],
            "events": _events(store),
            "privacyAndCompliance": {
                "allowsPurchases": True,
                "usesPersonalInfo": True,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                **({"locales": {locale: policies for locale in locales}} if policies else {}),
            },
        }
    }
    return manifest, warnings


def _events(store: Store) -> dict:
    """Skill events go to the same endpoint; order notifications are published only by a
    store that can send them (its messaging credentials are set)."""
    events = {
        "endpoint": {"uri": settings.ALEXA_SKILL_ENDPOINT_URL},
        "subscriptions": [{"eventName": name} for name in SKILL_EVENT_SUBSCRIPTIONS],
    }
    if store.has_messaging_credentials:
        events["publications"] = [{"eventName": ORDER_STATUS_EVENT}]
    return events


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
