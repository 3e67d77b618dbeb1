"""Die Stimme des Skills auf Deutsch."""

from decimal import Decimal

from . import split_money

CURRENCY_NAMES = {
    "EUR": ("Euro", "Euro", "Cent"),
    "USD": ("Dollar", "Dollar", "Cent"),
    "GBP": ("Pfund", "Pfund", "Pence"),
}


def money(amount: Decimal, currency: str) -> str:
    whole, minor = split_money(amount)
    one, many, _ = CURRENCY_NAMES.get(currency, CURRENCY_NAMES["EUR"])
    text = f"{whole} {one if whole == 1 else many}"
    if minor:
        text += f" {minor}"
    return text


def pitch(name: str, description: str, price: str) -> str:
    """Das Produkt in einem Atemzug. ``name`` und ``description`` kommen SSML-maskiert."""
    includes = f" enthält {description.rstrip('.')}." if description else "."
    return f"{name}{includes} Es kostet {price}."


PITCH_QUESTION = "Möchtest du es bestellen?"
