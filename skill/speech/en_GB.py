"""The skill's voice in British English (shares most phrases with en_US)."""

from decimal import Decimal

from . import split_money
from .en_US import *  # noqa: F403

CURRENCY_NAMES = {
    "GBP": ("pound", "pounds", "penny", "pence"),
    "USD": ("dollar", "dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
}


def money(amount: Decimal, currency: str) -> str:  # type: ignore[no-redef]  # en_US's, in pounds
    whole, minor = split_money(amount)
    one, many, minor_one, minor_many = CURRENCY_NAMES.get(currency, CURRENCY_NAMES["GBP"])
    if whole == 0 and minor:
        return f"{minor} {minor_one if minor == 1 else minor_many}"
    text = f"{whole} {one if whole == 1 else many}"
    if minor:
        text += f" {minor}"
    return text
