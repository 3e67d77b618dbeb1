"""Template filters of the shop's pages: money in the store's currency and words for an
order's state as a shopper reads them."""

from decimal import Decimal

from django import template

from merchant.models import Store
from merchant.money import display
from orders.models import Order, OrderStatus, RefillPlanStatus

register = template.Library()

ORDER_STATUS_WORDS: dict[str, str] = {
    OrderStatus.PLACED: "Placed, not shipped yet",
    OrderStatus.SHIPPED: "Shipped",
    OrderStatus.DELIVERED: "Delivered",
    OrderStatus.CANCELLED: "Cancelled",
}
PLAN_STATUS_WORDS: dict[str, str] = {
    RefillPlanStatus.ACTIVE: "Active",
    RefillPlanStatus.PAUSED: "Paused",
    RefillPlanStatus.CANCELLED: "Cancelled",
}


@register.filter
def money(amount: Decimal | None, store: Store) -> str:
    """``{{ product.price|money:store }}``: the amount in the store's currency, written the
    way the store's language writes it ("$9.00", "9,00 €")."""
    if amount is None:
        return ""
    return display(amount, store.currency, store.default_locale)


@register.filter
def order_status_words(order: Order) -> str:
    return ORDER_STATUS_WORDS.get(order.status, order.get_status_display())


@register.filter
def plan_status_words(status: str) -> str:
    return PLAN_STATUS_WORDS.get(status, status)
