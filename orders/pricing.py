"""Order totals from lines and store settings: subtotal, discount, tax, shipping, total.

The one place the discount is taken into account: codes are evaluated here (discounts app)
on the subtotal, the discount comes off before tax, and ``total`` is what the shopper pays.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from discounts.selectors import AppliedDiscount, discounts_evaluate
from merchant.money import quantize


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    discount: Decimal = Decimal("0.00")
    applied_discounts: list[AppliedDiscount] = field(default_factory=list)


def standard_shipping(*, store, subtotal: Decimal) -> Decimal:
    """The store's flat fee, free from its threshold (voice, web and agents alike)."""
    if store.free_shipping_threshold is not None and subtotal >= store.free_shipping_threshold:
        return quantize(Decimal("0"), store.currency)
    return quantize(store.shipping_fee, store.currency)


def order_totals(
    *,
    store,
    line_totals: list[Decimal],
    discount_codes: Sequence[str] = (),
    shipping_fee: Decimal | None = None,
    at: datetime | None = None,
) -> Totals:
    """Tax-exclusive stores add tax on top; tax-inclusive stores report the tax contained.
    ``shipping_fee`` is a chosen shipping option's fee (None: the store's standard
    shipping); ``discount_codes`` are evaluated on the subtotal and come off before tax."""
    currency = store.currency
    subtotal = quantize(sum(line_totals, Decimal("0")), currency)
    if not line_totals:
        shipping = Decimal("0")
    elif shipping_fee is not None:
        shipping = shipping_fee
    else:
        shipping = standard_shipping(store=store, subtotal=subtotal)
    shipping = quantize(shipping, currency)
    applied: list[AppliedDiscount] = []
    if discount_codes and line_totals:
        applied = discounts_evaluate(
            store=store, codes=discount_codes, subtotal=subtotal, at=at
        ).applied
    discount = quantize(sum((a.amount for a in applied), Decimal("0")), currency)
    if store.prices_include_tax:
        gross = subtotal - discount + shipping
        tax = quantize(gross - gross / (1 + store.tax_rate), currency)
        total = gross
    else:
        tax = quantize((subtotal - discount + shipping) * store.tax_rate, currency)
        total = subtotal - discount + shipping + tax
    return Totals(
        subtotal=subtotal,
        tax=tax,
        shipping=shipping,
        total=quantize(total, currency),
        discount=discount,
        applied_discounts=applied,
    )
