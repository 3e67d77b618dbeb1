"""Money is a Decimal plus a currency code, rounded per currency, never a float."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

from alexa.currency import minor_units


def quantize(amount: Decimal, currency: str) -> Decimal:
    places = minor_units(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display(amount: Decimal, currency: str, locale: str = "en-US") -> str:
    """Money as a person reads it on a screen, e.g. ``$9.00`` or ``9,00 €``."""
    return format_currency(quantize(amount, currency), currency, locale=locale.replace("-", "_"))
