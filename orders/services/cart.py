"""The cart: an order in DRAFT status, filled by voice."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from discounts.selectors import discounts_evaluate, normalized_codes

from .. import events
from ..errors import OrderError, OrderErrorCode
from ..events import SHOPPER
from ..models import CHANNEL_OF_SOURCE, Customer, Order, OrderLine, OrderSource, OrderStatus
from ..pricing import order_totals
from ._locks import lock_order


@transaction.atomic
def cart_start(
    *,
    customer: Customer,
    locale: str,
    source: str = OrderSource.VOICE,
    is_test: bool = False,
    agent_name: str = "",
) -> Order:
    """Start a new cart. An earlier unfinished cart of the customer from the same source is
    abandoned (a shopper has one voice conversation's cart and one web checkout at a time);
    carts of other sources are theirs to finish, so a linked shopper's voice cart, a card
    payment waiting for their confirmation and an agent's checkout never cancel each other.
    Agent carts are never abandoned by a newer one: each checkout session is its own cart
    and expires on its own. ``agent_name`` names the shopping agent (UCP platform)."""
    store = customer.store
    stale_carts = Order.objects.select_for_update().filter(
        store=store, customer=customer, status=OrderStatus.DRAFT, source=source
    )
    if source == OrderSource.AGENT:
        stale_carts = stale_carts.none()
    for stale in stale_carts:
        stale.status = OrderStatus.ABANDONED
        stale.save(update_fields=["status", "updated_at"])
    order = Order.objects.create(
        store=store,
        customer=customer,
        number=f"tmp-{timezone.now().timestamp()}-{customer.pk}",
        payment_mode=store.payment_mode,
        currency=store.currency,
        locale=locale,
        source=source,
        channel=CHANNEL_OF_SOURCE[source],
        is_test=is_test,
        agent_name=agent_name[:120],
    )
    order.number = str(100000 + order.pk)
    order.save(update_fields=["number"])
    events.order_created(order, source=source, actor_label=SHOPPER)
    return order


@dataclass
class CartItem:
    product: Product
    quantity: int


@dataclass
class CartResult:
    order: Order
    unavailable: list[Product] = field(default_factory=list)


@transaction.atomic
def cart_set_items(*, order: Order, items: list[CartItem]) -> CartResult:
    """Replace the cart's lines with ``items`` at today's prices. Products that cannot be
    sold (inactive, out of stock, another store's) are left out and reported."""
    order = lock_order(order)
    if not order.can_place():
        raise OrderError(OrderErrorCode.NOT_A_CART, f"Order {order.number} is {order.status}.")
    unavailable = []
    kept = []
    for item in items:
        product = item.product
        if item.quantity < 1:
            raise OrderError(OrderErrorCode.BAD_QUANTITY, "Quantities start at one.")
        if product.store_id != order.store_id or not product.is_sellable(item.quantity):
            unavailable.append(product)
            continue
        kept.append(item)
    OrderLine.objects.filter(order=order).delete()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                store_id=order.store_id,
                order=order,
                product=item.product,
                sku=item.product.sku,
                name=item.product.name,
                unit_price=item.product.price,
                quantity=item.quantity,
                line_total=item.product.price * item.quantity,
            )
            for item in kept
        ]
    )
    _apply_totals(order, [item.product.price * item.quantity for item in kept])
    return CartResult(order=order, unavailable=unavailable)


def _apply_totals(order: Order, line_totals: list[Decimal] | None = None, *fields: str) -> None:
    """Price the (locked) cart: its lines, its discount codes (only those that still apply
    are kept) and its shipping option, through ``orders.pricing``; saved with ``fields``."""
    if line_totals is None:
        line_totals = list(
            OrderLine.objects.filter(order=order).values_list("line_total", flat=True)
        )
    totals = order_totals(
        store=order.store,
        line_totals=line_totals,
        discount_codes=order.discount_codes,
        shipping_fee=order.shipping_option_fee,
    )
    order.subtotal, order.tax = totals.subtotal, totals.tax
    order.shipping, order.total = totals.shipping, totals.total
    order.discount = totals.discount
    order.discount_codes = (
        [a.code for a in totals.applied_discounts] if line_totals else (order.discount_codes)
    )
    order.save(
        update_fields=[
            "subtotal",
            "tax",
            "shipping",
            "total",
            "discount",
            "discount_codes",
            *fields,
            "updated_at",
        ]
    )


@transaction.atomic
def cart_set_discount_codes(*, order: Order, codes: list[str]) -> Order:
    """Replace the cart's discount codes (the web shop and UCP checkouts call this): the
    ones that apply are kept and priced; unknown, expired or used-up codes are left out."""
    order = lock_order(order)
    if not order.can_place():
        raise OrderError(OrderErrorCode.NOT_A_CART, f"Order {order.number} is {order.status}.")
    _set_codes(order, codes)
    return order


def _set_codes(order: Order, codes: list[str], *fields: str) -> None:
    """Keep the codes that apply and price the (locked) cart, saving ``fields`` with it."""
    order.discount_codes = normalized_codes(codes)
    line_totals = list(OrderLine.objects.filter(order=order).values_list("line_total", flat=True))
    if not line_totals:
        # Nothing to discount yet: keep the valid codes for when lines arrive.
        valid = discounts_evaluate(
            store=order.store, codes=order.discount_codes, subtotal=Decimal("1")
        ).applied
        order.discount_codes = [a.code for a in valid]
    _apply_totals(order, line_totals, *fields)


@transaction.atomic
def cart_abandon(*, order: Order) -> Order:
    order = lock_order(order)
    if order.status == OrderStatus.DRAFT:
        order.status = OrderStatus.ABANDONED
        order.save(update_fields=["status", "updated_at"])
    return order


@transaction.atomic
def cart_set_checkout(
    *,
    order: Order,
    discount_codes: list[str],
    option_id: str,
    fee: Decimal | None,
    email: str,
    shipping_address: dict[str, str],
) -> Order:
    """Everything a checkout sets on the cart besides its lines, priced once under one lock:
    the discount codes (as ``cart_set_discount_codes`` keeps them), the shipping option and
    its fee (``fee=None`` and a blank id: the store's standard shipping) and the delivery
    contact as the shopper gave it (an address in Amazon's shape, see
    ``Customer.shipping_address``; the customer's own record is left as it is)."""
    order = lock_order(order)
    if not order.can_place():
        raise OrderError(OrderErrorCode.NOT_A_CART, f"Order {order.number} is {order.status}.")
    if fee is not None and fee < 0:
        raise OrderError(OrderErrorCode.BAD_SHIPPING_FEE, "Shipping fees are not negative.")
    order.shipping_option = option_id[:60]
    order.shipping_option_fee = fee
    order.email = email[:254]
    order.shipping_address = shipping_address
    _set_codes(
        order, discount_codes, "shipping_option", "shipping_option_fee", "email", "shipping_address"
    )
    return order
