"""The shop's reads: the catalog as a shopper sees it, and one shopper's own orders and refill
plans. Every read is scoped by the store of the page (catalog) or by the shopper's customer,
which belongs to exactly one store (orders, plans): another store's or another shopper's id
is simply not found. Page sizes are fixed, so no page reads more rows as the catalog grows.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from catalog.models import Category, Product
from merchant.models import Store
from orders.models import (
    Customer,
    Order,
    OrderChannel,
    OrderEvent,
    OrderEventType,
    OrderStatus,
    RefillPlan,
    RefundRequest,
    RefundRequestStatus,
)
from shoppers.models import CartLine, WishListItem

PAGE_SIZE = 24
ORDERS_PAGE_SIZE = 20
BEST_SELLERS = 8
SEARCH_MIN = 2
JUST_PLACED = timedelta(minutes=2)
T = TypeVar("T")
M = TypeVar("M", bound=Model)

# What a shopper reads on the order page's timeline (the rest is the back office's business).
SHOPPER_EVENTS = (
    OrderEventType.PLACED,
    OrderEventType.SHIPPED,
    OrderEventType.OUT_FOR_DELIVERY,
    OrderEventType.DELIVERED,
    OrderEventType.CANCELLED,
    OrderEventType.REFUND_REQUESTED,
    OrderEventType.REFUND_COMPLETED,
)
# Orders the shopper sees: placed ones, whatever happened after (carts are not orders).
SHOWN = (
    OrderStatus.PLACED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list read with one row more than shown, so no COUNT is needed."""

    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _page(queryset: QuerySet[M], number: int, size: int) -> Page[M]:
    number = max(1, number)
    rows = list(queryset[(number - 1) * size : number * size + 1])
    return Page(items=rows[:size], number=number, has_next=len(rows) > size)


# The catalog ----------------------------------------------------------------------------------


def shop_categories(*, store: Store) -> list[Category]:
    """The store's categories in their spoken order (as Alexa lists them)."""
    return list(Category.objects.filter(store=store).order_by("position", "name", "pk"))


def shown_products(*, store: Store) -> QuerySet[Product]:
    """Products the shop shows: active ones (sold-out ones too, marked as such)."""
    return Product.objects.filter(store=store, active=True)


def best_sellers(*, store: Store, limit: int = BEST_SELLERS) -> list[Product]:
    """The products the merchant marks as best sellers, in stock, in spoken order."""
    return list(
        Product.objects.filter(store=store, best_seller=True)
        .sellable()
        .order_by("category__position", "name", "pk")[:limit]
    )


def shop_category(*, store: Store, category_id: int) -> Category:
    category = Category.objects.filter(store=store, pk=category_id).first()
    if category is None:
        raise Http404("No such category.")
    return category


def category_products(*, store: Store, category: Category, page: int) -> Page[Product]:
    products = shown_products(store=store).filter(category=category).order_by("name", "pk")
    return _page(products, page, PAGE_SIZE)


def shop_product(*, store: Store, product_id: int) -> Product:
    product = shown_products(store=store).select_related("category").filter(pk=product_id).first()
    if product is None:
        raise Http404("No such product.")
    return product


def any_product(*, store: Store, product_id: int) -> Product:
    """A product of the store even when no longer shown (to take it out of a cart or list)."""
    product = Product.objects.filter(store=store, pk=product_id).first()
    if product is None:
        raise Http404("No such product.")
    return product


def search_products(*, store: Store, term: str, page: int) -> Page[Product]:
    """Products whose name contains the words, or whose SKU is the term (any case)."""
    term = " ".join(term.split())
    if len(term) < SEARCH_MIN:
        return Page(items=[], number=1, has_next=False)
    products = shown_products(store=store).filter(Q(name__icontains=term) | Q(sku__iexact=term))
    return _page(products.order_by("name", "pk"), page, PAGE_SIZE)


def cart_count(customer_id: int) -> int:
    """Items in the shopper's cart (the header's count)."""
    total = CartLine.objects.filter(cart__customer_id=customer_id).aggregate(n=Sum("quantity"))
    return int(total["n"] or 0)


def on_wishlist(*, customer_id: int, product: Product) -> bool:
    return WishListItem.objects.filter(customer_id=customer_id, product=product).exists()


# One shopper's orders and refill plans --------------------------------------------------------


def shopper_orders(*, customer: Customer, page: int) -> Page[Order]:
    orders = Order.objects.filter(
        store_id=customer.store_id, customer=customer, status__in=SHOWN
    ).order_by("-created_at", "-pk")
    return _page(orders, page, ORDERS_PAGE_SIZE)


def recent_web_order(*, customer: Customer, within: timedelta = JUST_PLACED) -> Order | None:
    """The shopper's web order placed in the last moments (a checkout posted twice)."""
    return (
        Order.objects.filter(
            store_id=customer.store_id,
            customer=customer,
            channel=OrderChannel.WEB,
            placed_at__gte=timezone.now() - within,
        )
        .order_by("-placed_at", "-pk")
        .first()
    )


def shopper_order(*, customer: Customer, number: str) -> Order:
    """One of the shopper's orders by its number, with its lines and the timeline a shopper
    reads; 404 for a cart, another shopper's order or another store's."""
    order = (
        Order.objects.filter(
            store_id=customer.store_id, customer=customer, number=number, status__in=SHOWN
        )
        .prefetch_related(
            "lines",
            Prefetch(
                "events",
                queryset=OrderEvent.objects.filter(type__in=SHOPPER_EVENTS).order_by(
                    "created_at", "pk"
                ),
                to_attr="shopper_events",
            ),
        )
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


def open_refund_request(order: Order) -> RefundRequest | None:
    return (
        RefundRequest.objects.filter(
            store_id=order.store_id, order=order, status=RefundRequestStatus.OPEN
        )
        .order_by("-created_at")
        .first()
    )


def shopper_refill_plans(*, customer: Customer) -> list[RefillPlan]:
    return list(
        RefillPlan.objects.filter(store_id=customer.store_id, customer=customer)
        .select_related("product")
        .order_by("status", "next_run_at", "pk")
    )


def shopper_refill_plan(*, customer: Customer, plan_id: int) -> RefillPlan:
    plan = RefillPlan.objects.filter(
        store_id=customer.store_id, customer=customer, pk=plan_id
    ).first()
    if plan is None:
        raise Http404("No such refill plan.")
    return plan
