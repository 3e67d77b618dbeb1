"""Reads of the notifications app, scoped by store."""

from merchant.models import Store
from orders.models import Order

from .models import OrderNotification


def order_for_notification(*, order_id: int) -> Order | None:
    """The order with its store and shopper (one query)."""
    return Order.objects.select_related("store", "customer").filter(pk=order_id).first()


def why_not_notify(order: Order) -> str:
    """Why this order's shopper gets no notification ("" when they do)."""
    store, customer = order.store, order.customer
    if not store.has_messaging_credentials:
        return "store_without_credentials"
    if order.is_test:
        return "test_order"
    if customer.erased_at is not None:
        return "customer_erased"
    if not customer.order_updates_subscribed:
        return "not_subscribed"
    if not customer.alexa_api_endpoint:
        return "no_alexa_endpoint"
    return ""


def notifications_of(*, store: Store, order: Order) -> list[OrderNotification]:
    return list(OrderNotification.objects.filter(store=store, order=order).order_by("pk"))
