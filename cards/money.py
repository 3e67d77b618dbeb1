"""Stripe counts money in the currency's minor units (cents); the portal in Decimal."""

from decimal import Decimal

from alexa.currency import minor_units


def to_minor(amount: Decimal, currency: str) -> int:
    return int((Decimal(amount) * 10 ** minor_units(currency)).to_integral_value())


def from_minor(amount: int | None, currency: str) -> Decimal:
    places = minor_units(currency)
    return (Decimal(amount or 0) / 10**places).quantize(Decimal(1).scaleb(-places))
