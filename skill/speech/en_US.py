"""The skill's voice in American English."""

from decimal import Decimal

from . import split_money

CURRENCY_NAMES = {
    "USD": ("dollar", "dollars", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "EUR": ("euro", "euros", "cent", "cents"),
}


def money(amount: Decimal, currency: str) -> str:
    whole, minor = split_money(amount)
    one, many, minor_one, minor_many = CURRENCY_NAMES.get(currency, CURRENCY_NAMES["USD"])
    text = f"{whole} {one if whole == 1 else many}"
    if minor:
        text += f" and {minor} {minor_one if minor == 1 else minor_many}"
    return text


def pitch(name: str, description: str, price: str) -> str:
    """The product pitch, in one breath. ``name`` and ``description`` arrive SSML-escaped."""
    includes = f" includes {description.rstrip('.')}." if description else "."
    return f"The {name}{includes} It costs {price}."


PITCH_QUESTION = "Do you want to order it?"
