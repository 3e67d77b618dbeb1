"""Everything the skill says, one module per locale.

``for_locale("de-DE")`` returns the ``de_DE`` module; each module defines the same names
(phrases as constants or small functions). A reviewer reads the whole voice of the skill
for a locale in one file. Catalog text is SSML-escaped with ``ssml_escape`` before it is
put into speech.
"""

import html
import importlib
import re
from decimal import Decimal
from functools import cache
from types import ModuleType
from xml.sax.saxutils import escape

SUPPORTED = ("en-US", "en-GB", "de-DE")
_TAG = re.compile(r"<[^>]+>")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?])")


@cache
def for_locale(locale: str | None) -> ModuleType:
    if locale not in SUPPORTED:
        locale = "en-US"
    return importlib.import_module(f"skill.speech.{locale.replace('-', '_')}")


def ssml_escape(text: str) -> str:
    return escape(text or "")


def plain(ssml: str) -> str:
    """The words of an SSML fragment, without tags or entities (no space is left before the
    punctuation that follows a tag: "<say-as …>4242</say-as>." reads "4242.")."""
    words = " ".join(html.unescape(_TAG.sub(" ", ssml)).split())
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", words)


def money(amount: Decimal, currency: str, locale: str) -> str:
    text: str = for_locale(locale).money(Decimal(amount), currency)
    return text


def split_money(amount: Decimal) -> tuple[int, int]:
    amount = Decimal(amount).quantize(Decimal("0.01"))
    whole = int(amount)
    return whole, int((amount - whole) * 100)


# Card brands as Stripe names them, and as every locale says them (proper names).
CARD_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
    "unionpay": "UnionPay",
}


def card_brand(brand: str) -> str:
    return CARD_BRANDS.get((brand or "").lower(), (brand or "card").title())
