"""Checkout: the cart (or a few wish-list items) becomes an order, priced, stocked and paid
exactly as a voice order is.

The order is built with orders' own cart services (``cart_start`` with source "web" or
"voice", then ``cart_set_items``: today's prices, the store's tax and shipping), given the
delivery address and the account's email, and placed: charged to a saved card with
``cards.services.order_pay_with_card``, or, in a store paid on delivery, placed without a
payment (a card given there is not charged). ``checkout_cart`` holds the cart's row lock
from reading the cart to placing the order, so two devices checking out one cart at once
place one order: the second finds the cart emptied and is refused with EMPTY_CART. The
ordered lines leave the cart when the order is placed (``CartCheckout``,
``shoppers.signals``), also when that happens later, after 3-D Secure.

A declined card or one needing the shopper (``CardDeclined``, ``CardNeedsAuthentication``
from cards) places nothing: the draft order (and what cards recorded about the attempt) is
committed, then the error is raised to the caller.
"""

from dataclasses import dataclass
from typing import Any, TypeAlias

from django.db import transaction

from cards import errors as card_errors
from cards import models as card_models
from cards import services as cards
from catalog.models import Product
from merchant.models import PaymentMode
from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order, OrderSource

from ..errors import CheckoutError, CheckoutErrorCode
from ..models import Cart, CartCheckout, ShopperAccount, ShopperAddress
from .cart import lock_cart

CardFailure: TypeAlias = card_errors.CardDeclined | card_errors.CardNeedsAuthentication
# An address given as a dict (Amazon's shape) needs at least these.
REQUIRED_ADDRESS_KEYS = ("name", "addressLine1", "city", "postalCode", "countryCode")
# The voice test console plays a linked shopper too: its orders are test orders.
SOURCES = (OrderSource.WEB, OrderSource.VOICE, OrderSource.CONSOLE)


@dataclass(frozen=True)
class CheckoutResult:
    order: Order


def checkout_cart(
    *,
    account: ShopperAccount,
    address: ShopperAddress | dict[str, Any],
    card: card_models.SavedCard | None,
    source: str,
    locale: str,
) -> CheckoutResult:
    """Order everything in the account's cart (see the module's docstring)."""
    failure: CardFailure | None = None
    with transaction.atomic():
        cart = lock_cart(account.customer)
        lines = list(cart.lines.select_related("product").order_by("pk"))
        if not lines:
            raise CheckoutError(CheckoutErrorCode.EMPTY_CART)
        items = [(line.product, line.quantity) for line in lines]
        order, failure = _order(account, items, address, card, source, locale, cart=cart)
    if failure is not None:
        raise failure
    return CheckoutResult(order=order)


def checkout_items(
    *,
    account: ShopperAccount,
    items: list[tuple[Product, int]],
    address: ShopperAddress | dict[str, Any],
    card: card_models.SavedCard | None,
    source: str,
    locale: str,
) -> CheckoutResult:
    """Order the given (product, quantity) pairs ("order X from my wish list"); the cart is
    not touched."""
    if not items:
        raise CheckoutError(CheckoutErrorCode.EMPTY_CART)
    failure: CardFailure | None = None
    with transaction.atomic():
        order, failure = _order(account, items, address, card, source, locale, cart=None)
    if failure is not None:
        raise failure
    return CheckoutResult(order=order)


def _order(
    account: ShopperAccount,
    items: list[tuple[Product, int]],
    address: ShopperAddress | dict[str, Any],
    card: card_models.SavedCard | None,
    source: str,
    locale: str,
    *,
    cart: Cart | None,
) -> tuple[Order, CardFailure | None]:
    if source not in SOURCES:
        raise ValueError(f"Checkout source is web, voice or console, not {source!r}.")
    store, customer = account.store, account.customer
    delivery = _delivery_address(account, address)
    pay_on_delivery = store.payment_mode == PaymentMode.PAY_ON_DELIVERY
    if not pay_on_delivery and (
        card is None or card.customer_id != customer.pk or card.store_id != store.pk
    ):
        raise CheckoutError(CheckoutErrorCode.NO_CARD)
    for product, _quantity in items:
        if product.store_id != store.pk:
            raise CheckoutError(CheckoutErrorCode.OUT_OF_STOCK, names=product.name)

    # The products' rows first, in primary-key order: the draft's lines below take key-share
    # locks on them, and upgrading those to order_place's row locks while another channel's
    # order_place waits for the same product deadlocks (PostgreSQL).
    list(
        Product.objects.select_for_update()
        .filter(store_id=store.pk, pk__in=sorted({product.pk for product, _ in items}))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    draft = orders.cart_start(
        customer=customer, locale=locale, source=source, is_test=source == OrderSource.CONSOLE
    )
    result = orders.cart_set_items(
        order=draft,
        items=[orders.CartItem(product=product, quantity=quantity) for product, quantity in items],
    )
    if result.unavailable:
        raise CheckoutError(
            CheckoutErrorCode.OUT_OF_STOCK,
            names=", ".join(product.name for product in result.unavailable),
        )
    order = result.order
    order.shipping_address = delivery
    order.email = account.email
    order.save(update_fields=["shipping_address", "email", "updated_at"])
    checkout = None
    if cart is not None:
        checkout = CartCheckout.objects.create(store_id=store.pk, cart=cart, order=order)

    if pay_on_delivery:
        try:
            placed = orders.order_place(order=order, payment=None, actor_label=orders.SHOPPER)
        except OrderError as exc:
            if exc.code == OrderErrorCode.OUT_OF_STOCK:
                sku = exc.data.get("sku")
                names = ", ".join(product.name for product, _ in items if product.sku == sku)
                raise CheckoutError(CheckoutErrorCode.OUT_OF_STOCK, names=names) from exc
            raise
        return placed.order, None
    assert card is not None  # checked above
    try:
        placed = cards.order_pay_with_card(
            order=order,
            card=card,
            off_session=source == OrderSource.VOICE,
            actor_label=orders.SHOPPER,
        )
    except card_errors.CardDeclined as exc:
        if checkout is not None:
            checkout.delete()  # this order will not be placed
        return order, exc
    except card_errors.CardNeedsAuthentication as exc:
        return order, exc  # the cart keeps its lines until this order is placed
    return placed.order, None


def _delivery_address(
    account: ShopperAccount, address: ShopperAddress | dict[str, Any]
) -> dict[str, str]:
    if isinstance(address, ShopperAddress):
        if address.account_id != account.pk or address.store_id != account.store_id:
            raise CheckoutError(CheckoutErrorCode.NO_ADDRESS)
        return address.as_order_address()
    if not isinstance(address, dict) or not all(
        str(address.get(key) or "").strip() for key in REQUIRED_ADDRESS_KEYS
    ):
        raise CheckoutError(CheckoutErrorCode.NO_ADDRESS)
    return {key: str(address.get(key) or "").strip() for key in _ADDRESS_KEYS}


_ADDRESS_KEYS = (
    "name",
    "addressLine1",
    "addressLine2",
    "city",
    "stateOrRegion",
    "postalCode",
    "countryCode",
    "phone",
)


def cart_checkout_link(*, cart: Cart, order: Order) -> CartCheckout:
    """Tie a draft ``order`` made from ``cart`` by another channel (a shopping agent's
    checkout) to the cart: when it is placed, what it ordered leaves the cart, as for the
    shop's own checkout (``shoppers.signals``)."""
    link, _ = CartCheckout.objects.get_or_create(
        order=order, defaults={"store_id": cart.store_id, "cart": cart}
    )
    return link
