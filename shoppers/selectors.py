"""Reads of shopper accounts, their address book, cart and wish list; every one scoped by the
store (directly, or through the account or customer, which belong to one store)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils import timezone

from cards import selectors as cards
from catalog.models import Product
from discounts.selectors import AppliedDiscount, discounts_evaluate
from merchant.models import Store
from orders.models import Customer, Order, OrderStatus
from orders.pricing import order_totals

from .errors import DISCOUNT_REJECTIONS, ShopperErrorCode
from .models import CartLine, ShopperAccount, ShopperAddress, WishListItem
from .tokens import reset_tokens, user_id_of, verification_tokens


def shopper_for_request(request: HttpRequest, store: Store) -> ShopperAccount | None:
    """The signed-in user's account when it is an account of ``store``; else None (nobody
    signed in, a staff user, a shopper of another store)."""
    user = getattr(request, "user", None)
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    try:
        account = user.shopper_account
    except ObjectDoesNotExist:
        return None
    return account if account.store_id == store.pk else None


def account_for_link(*, store: Store, uidb64: str, token: str, kind: str) -> ShopperAccount | None:
    """The account a one-time link of ``kind`` ("verify_email" or "password_reset") is for,
    when the token is good and the account belongs to ``store``."""
    user_id = user_id_of(uidb64)
    if user_id is None:
        return None
    account = (
        ShopperAccount.objects.select_related("user")
        .filter(store=store, user_id=user_id, user__is_active=True)
        .first()
    )
    if account is None:
        return None
    tokens = verification_tokens if kind == "verify_email" else reset_tokens
    return account if tokens.check_token(account.user, token) else None


# Addresses -------------------------------------------------------------------------------------


def account_addresses(account: ShopperAccount) -> list[ShopperAddress]:
    return list(ShopperAddress.objects.filter(store_id=account.store_id, account=account))


def default_address(account: ShopperAccount) -> ShopperAddress | None:
    return ShopperAddress.objects.filter(
        store_id=account.store_id, account=account, is_default=True
    ).first()


# The cart --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CartSummaryLine:
    product: Product
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    available: bool  # sellable in this quantity now


@dataclass(frozen=True)
class CartSummary:
    """The cart priced as the voice flow prices an order (``orders.pricing``): the totals
    cover the available lines, which are what checkout would order."""

    lines: list[CartSummaryLine]
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    # The cart's discount codes: those that apply, with what each takes off, and those that
    # no longer do (code, why in words), which checkout refuses until they are removed.
    discount: Decimal = Decimal("0.00")
    discounts: tuple[AppliedDiscount, ...] = ()
    dropped_codes: tuple[tuple[str, str], ...] = ()

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def all_available(self) -> bool:
        return all(line.available for line in self.lines)


def cart_lines(customer: Customer) -> list[CartLine]:
    return list(
        CartLine.objects.filter(store_id=customer.store_id, cart__customer=customer)
        .select_related("product", "cart")
        .order_by("added_at", "pk")
    )


def cart_summary(customer: Customer) -> CartSummary:
    store = customer.store
    rows = cart_lines(customer)
    lines = [
        CartSummaryLine(
            product=line.product,
            quantity=line.quantity,
            unit_price=line.product.price,
            line_total=line.product.price * line.quantity,
            available=line.product.is_sellable(line.quantity),
        )
        for line in rows
    ]
    codes: list[str] = rows[0].cart.discount_codes if rows else []
    totals = order_totals(
        store=store,
        line_totals=[line.line_total for line in lines if line.available],
        discount_codes=codes,
    )
    return CartSummary(
        lines=lines,
        subtotal=totals.subtotal,
        tax=totals.tax,
        shipping=totals.shipping,
        total=totals.total,
        currency=store.currency,
        discount=totals.discount,
        discounts=tuple(totals.applied_discounts),
        dropped_codes=_dropped_codes(store, codes, totals.applied_discounts),
    )


def _dropped_codes(
    store: Store, codes: list[str], applied: list[AppliedDiscount]
) -> tuple[tuple[str, str], ...]:
    kept = {a.code.upper() for a in applied}
    missing = [c for c in codes if c.upper() not in kept]
    if not missing:
        return ()
    rejected = discounts_evaluate(store=store, codes=missing, subtotal=Decimal("1")).rejected
    reasons = {r.code.upper(): r.reason for r in rejected}
    return tuple(
        (
            code,
            DISCOUNT_REJECTIONS.get(
                reasons.get(code.upper(), "unknown"), ShopperErrorCode.CODE_UNKNOWN
            ).wording.format(discount=code),
        )
        for code in missing
    )


def cart_count(customer: Customer) -> int:
    """How many items are in the cart (the shop's header badge): one query."""
    return sum(
        CartLine.objects.filter(store_id=customer.store_id, cart__customer=customer).values_list(
            "quantity", flat=True
        )
    )


# The wish list ---------------------------------------------------------------------------------


def wishlist_items(customer: Customer) -> list[WishListItem]:
    return list(
        WishListItem.objects.filter(store_id=customer.store_id, customer=customer).select_related(
            "product"
        )
    )


# The voice purchase code -----------------------------------------------------------------------


def voice_code_is_set(account: ShopperAccount) -> bool:
    return bool(account.voice_code_hash)


def voice_code_locked(account: ShopperAccount) -> bool:
    """True while three wrong codes keep voice purchases stopped."""
    until = account.voice_code_locked_until
    return until is not None and until > timezone.now()


# "Download my data" ----------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def orders_export(customer: Customer) -> list[dict[str, Any]]:
    """The customer's orders (from every channel; carts left out), newest first."""
    orders = (
        Order.objects.filter(store_id=customer.store_id, customer=customer)
        .exclude(status__in=[OrderStatus.DRAFT, OrderStatus.ABANDONED])
        .prefetch_related("lines")
        .order_by("-placed_at", "-pk")
    )
    return [
        {
            "number": order.number,
            "channel": order.channel,
            "status": order.status,
            "payment_status": order.payment_status,
            "placed_at": _iso(order.placed_at),
            "currency": order.currency,
            "subtotal": str(order.subtotal),
            "tax": str(order.tax),
            "shipping": str(order.shipping),
            "total": str(order.total),
            "refunded": str(order.refunded_amount),
            "email": order.email,
            "shipping_address": order.shipping_address,
            "carrier": order.carrier,
            "tracking_number": order.tracking_number,
            "lines": [
                {
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price": str(line.unit_price),
                    "line_total": str(line.line_total),
                }
                for line in order.lines.all()
            ],
        }
        for order in orders
    ]


def account_export(account: ShopperAccount) -> dict[str, Any]:
    """Everything the store keeps about the account, as JSON-ready values: the account, its
    addresses, its saved cards (brand, last 4, expiry), its orders (carts excluded), its cart
    and its wish list."""
    customer = account.customer
    return {
        "account": {
            "store": account.store.name,
            "email": account.email,
            "name": account.name,
            "email_verified_at": _iso(account.email_verified_at),
            "created_at": _iso(account.created_at),
            "voice_purchase_code_set": voice_code_is_set(account),
        },
        "addresses": [
            {**address.as_order_address(), "is_default": address.is_default}
            for address in account_addresses(account)
        ],
        "cards": [
            {
                "brand": card.brand,
                "last4": card.last4,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "is_default": card.is_default,
            }
            for card in cards.customer_cards(customer)
        ],
        "orders": orders_export(customer),
        "cart": [
            {"sku": line.product.sku, "name": line.product.name, "quantity": line.quantity}
            for line in cart_lines(customer)
        ],
        "wish_list": [
            {"sku": item.product.sku, "name": item.product.name, "added_at": _iso(item.added_at)}
            for item in wishlist_items(customer)
        ],
    }
