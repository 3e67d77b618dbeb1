"""Order totals from lines and store settings: subtotal, tax, shipping, total."""

from dataclasses import dataclass
from decimal import Decimal

from merchant.money import quantize


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal


def order_totals(*, store, line_totals: list[Decimal]) -> Totals:
    """Tax-exclusive stores add tax on top; tax-inclusive stores report the tax contained."""
    currency = store.currency
    subtotal = quantize(sum(line_totals, Decimal("0")), currency)
    if not line_totals:
        shipping = Decimal("0")
    elif store.free_shipping_threshold is not None and subtotal >= store.free_shipping_threshold:
        shipping = Decimal("0")
    else:
        shipping = store.shipping_fee
    shipping = quantize(shipping, currency)
    if store.prices_include_tax:
        gross = subtotal + shipping
        tax = quantize(gross - gross / (1 + store.tax_rate), currency)
        total = gross
    else:
        tax = quantize((subtotal + shipping) * store.tax_rate, currency)
        total = subtotal + shipping + tax
    return Totals(subtotal=subtotal, tax=tax, shipping=shipping, total=quantize(total, currency))
