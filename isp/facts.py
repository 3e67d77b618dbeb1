"""Amazon's facts about in-skill purchasing that the portal checks against.

From /work/shared/reference/in-skill-purchasing.md (Amazon's ISP language, distribution and
pricing page, the SMAPI ISP schemas and the Monetization Service API reference). Nothing
here is the portal's own choice except where a comment says so.
"""

from decimal import Decimal

from django.db import models


class ProductType(models.TextChoices):
    ENTITLEMENT = "ENTITLEMENT", "One-time purchase"
    SUBSCRIPTION = "SUBSCRIPTION", "Subscription"
    CONSUMABLE = "CONSUMABLE", "Consumable"


class SubscriptionPeriod(models.TextChoices):
    MONTHLY = "MONTHLY", "Monthly"
    YEARLY = "YEARLY", "Yearly"


class TaxCategory(models.TextChoices):
    SOFTWARE = "SOFTWARE", "Software"
    STREAMING_AUDIO = "STREAMING_AUDIO", "Streaming audio"
    STREAMING_RADIO = "STREAMING_RADIO", "Streaming radio"
    INFORMATION_SERVICES = "INFORMATION_SERVICES", "Information services"
    VIDEO = "VIDEO", "Video"
    PERIODICALS = "PERIODICALS", "Periodicals"
    NEWSPAPERS = "NEWSPAPERS", "Newspapers"


class DirectiveName(models.TextChoices):
    BUY = "Buy"
    UPSELL = "Upsell"
    CANCEL = "Cancel"


class PurchaseResult(models.TextChoices):
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    ALREADY_PURCHASED = "ALREADY_PURCHASED"
    ERROR = "ERROR"
    NOT_ENTITLED = "NOT_ENTITLED"


# The Monetization Service API's enums (values outside them make a response unusable).
ENTITLED = ("ENTITLED", "NOT_ENTITLED")
ENTITLEMENT_REASONS = ("PURCHASED", "NOT_PURCHASED", "AUTO_ENTITLED", "BUNDLE_ENTITLED")
PURCHASABLE = ("PURCHASABLE", "NOT_PURCHASABLE")
PURCHASE_MODES = ("TEST", "LIVE")

# Locales in which ISP is offered (India is gone since 2025).
ISP_LOCALES = [
    ("en-US", "English (US)"),
    ("en-CA", "English (CA)"),
    ("en-GB", "English (UK)"),
    ("es-ES", "Español (ES)"),
    ("es-US", "Español (US)"),
    ("de-DE", "Deutsch (DE)"),
    ("fr-CA", "Français (CA)"),
    ("fr-FR", "Français (FR)"),
    ("it-IT", "Italiano (IT)"),
    ("ja-JP", "日本語 (JP)"),
]
ISP_LOCALE_CODES = [code for code, _ in ISP_LOCALES]

# Marketplace -> (currency, countries it sells to).
MARKETPLACES = {
    "amazon.com": ("USD", ["US"]),
    "amazon.ca": ("CAD", ["CA"]),
    "amazon.co.uk": (
        "GBP",
        "GB IE BE BG CY CZ DK EE FI GG GI GR HR HU LT LV MT NL NO PL PT RO SE SI SK UA".split(),
    ),
    "amazon.de": ("EUR", ["DE", "AT", "LI", "LU"]),
    "amazon.es": ("EUR", ["ES"]),
    "amazon.fr": ("EUR", ["FR"]),
    "amazon.it": ("EUR", ["IT"]),
    "amazon.co.jp": ("JPY", ["JP"]),
}
MARKETPLACE_CHOICES = [(m, f"{m} ({currency})") for m, (currency, _) in MARKETPLACES.items()]
COUNTRY_CODES = sorted({c for _, countries in MARKETPLACES.values() for c in countries})

# Which marketplace a request's locale buys in (es-US shoppers buy on amazon.com).
LOCALE_MARKETPLACE = {
    "en-US": "amazon.com",
    "es-US": "amazon.com",
    "en-CA": "amazon.ca",
    "fr-CA": "amazon.ca",
    "en-GB": "amazon.co.uk",
    "de-DE": "amazon.de",
    "es-ES": "amazon.es",
    "fr-FR": "amazon.fr",
    "it-IT": "amazon.it",
    "ja-JP": "amazon.co.jp",
}

# Currency -> (minimum, maximum one-time, maximum subscription, maximum consumable).
PRICE_LIMITS = {
    "USD": (Decimal("0.99"), Decimal("99.99"), Decimal("99.99"), Decimal("9.99")),
    "CAD": (Decimal("0.99"), Decimal("99.99"), Decimal("99.99"), Decimal("9.99")),
    "GBP": (Decimal("0.99"), Decimal("99.99"), Decimal("99.99"), Decimal("9.99")),
    "EUR": (Decimal("0.99"), Decimal("99.99"), Decimal("99.99"), Decimal("9.99")),
    "JPY": (Decimal("99"), Decimal("9999"), Decimal("9999"), Decimal("999")),
}
# Decimal places a price may have in each currency: ``alexa.currency.MINOR_UNITS``.

MAX_TRIAL_DAYS = 365
REFERENCE_NAME_PATTERN = r"^[A-Za-z0-9_]{3,50}$"
# The portal's own limit (Amazon publishes none): an audio clip a content item plays.
MAX_CLIP_SECONDS = 240


def price_limits(currency: str, product_type: str) -> tuple[Decimal, Decimal]:
    """(minimum, maximum) list price of a product of ``product_type`` in ``currency``."""
    low, one_time, subscription, consumable = PRICE_LIMITS[currency]
    highs: dict[str, Decimal] = {
        ProductType.ENTITLEMENT: one_time,
        ProductType.SUBSCRIPTION: subscription,
        ProductType.CONSUMABLE: consumable,
    }
    high = highs[product_type]
    return low, high


def currency_of(marketplace: str) -> str:
    return MARKETPLACES[marketplace][0]
