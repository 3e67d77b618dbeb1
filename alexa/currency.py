"""Minor units of the currencies Amazon's marketplaces sell in: the decimal places an amount
has (ISO 4217), so money is rounded per currency and a price has no more places than that."""

MINOR_UNITS = {"USD": 2, "CAD": 2, "GBP": 2, "EUR": 2, "JPY": 0}


def minor_units(currency: str) -> int:
    """Decimal places of ``currency``; 2 for one not listed."""
    return MINOR_UNITS.get(currency, 2)
