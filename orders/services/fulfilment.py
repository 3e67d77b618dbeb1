"""The goods: cancel (before shipping), ship, deliver, and internal notes."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from webhooks.models import WebhookEventType

from .. import effects, events, signals
from ..errors import OrderError, OrderErrorCode
from ..models import Order, OrderEvent, OrderEventType, OrderLine, OrderStatus
from ._locks import lock_lines, lock_order, save_fields
from .payments import sync_payment_status, void_authorization
from .refunds import issue_refund


def put_back_in_stock(
    order: Order, lines: list[OrderLine], *, actor: User | None, actor_label: str
) -> None:
    """Put what was not refunded back in stock, once per order (order and lines locked).

    The event lists every item put back by SKU, also those whose stock is not counted (the
    count then stays as it is)."""
    if order.restocked_at is not None:
        return
    quantities: dict[int, int] = {}
    items: dict[str, int] = {}
    for line in lines:
        items[line.sku] = items.get(line.sku, 0) + line.quantity
        if line.product_id:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    products = Product.objects.select_for_update().filter(
        pk__in=sorted(quantities), store_id=order.store_id
    )
    for product in products.order_by("pk"):
        if product.stock is not None:
            product.stock += quantities[product.pk]
            product.save(update_fields=["stock", "updated_at"])
    order.restocked_at = timezone.now()
    events.order_restocked(order, items=items, actor=actor, actor_label=actor_label)


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    actor: User | None = None,
    actor_label: str = "",
    restock: bool = True,
    reason: str = "",
) -> Order:
    """Cancel before shipping: void the authorization or refund the capture, restock once.

    After shipping an order can be refunded, not cancelled (``cannot_cancel``).
    """
    order = lock_order(order)
    if order.status == OrderStatus.CANCELLED:
        raise OrderError(
            OrderErrorCode.ALREADY_CANCELLED, f"Order {order.number} is already cancelled."
        )
    if not order.can_cancel():
        raise OrderError(
            OrderErrorCode.CANNOT_CANCEL,
            f"Order {order.number} is {order.status}.",
            status=order.status,
        )
    lines = lock_lines(order)
    if order.can_void():
        void_authorization(order, actor=actor, actor_label=actor_label)
    elif order.refundable_amount() > 0:
        issue_refund(
            order,
            lines,
            amount=order.refundable_amount(),
            quantities={line.pk: line.quantity - line.refunded_quantity for line in lines},
            reason=reason or "Order cancelled",
            actor=actor,
            actor_label=actor_label,
        )
    if restock:
        put_back_in_stock(order, lines, actor=actor, actor_label=actor_label)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    sync_payment_status(order)
    order.save()
    events.order_cancelled(
        order, reason=reason, restock=restock, actor=actor, actor_label=actor_label
    )
    events.webhook_order(order, WebhookEventType.ORDER_CANCELLED)
    effects.send_order_email(order_id=order.pk, kind="cancelled")
    signals.order_status_changed.send(sender=Order, order=order, status=OrderEventType.CANCELLED)
    return order


@transaction.atomic
def order_ship(
    *,
    order: Order,
    carrier: str,
    tracking_number: str = "",
    expected_arrival: date | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> Order:
    """Mark shipped with carrier and tracking (and the expected arrival, when known); an
    open authorization is captured after commit by a Celery task (Charge Later)."""
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    order = lock_order(order)
    if not order.can_ship():
        raise OrderError(OrderErrorCode.CANNOT_SHIP, f"Order {order.number} is {order.status}.")
    if not carrier:
        raise OrderError(OrderErrorCode.CARRIER_REQUIRED, "Name the carrier.")
    order.status = OrderStatus.SHIPPED
    order.shipped_at = timezone.now()
    order.carrier, order.tracking_number = carrier[:60], tracking_number[:80]
    order.expected_arrival = expected_arrival
    save_fields(order, "status", "shipped_at", "carrier", "tracking_number", "expected_arrival")
    events.order_shipped(
        order,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        actor=actor,
        actor_label=actor_label,
    )
    events.webhook_order(order, WebhookEventType.ORDER_SHIPPED)
    if order.has_open_authorization():
        effects.capture_order_payment(order_id=order.pk)
    effects.send_order_email(order_id=order.pk, kind="shipped")
    signals.order_status_changed.send(sender=Order, order=order, status=OrderEventType.SHIPPED)
    return order


@transaction.atomic
def order_mark_out_for_delivery(
    *, order: Order, actor: User | None = None, actor_label: str = ""
) -> Order:
    """The carrier has the parcel on its last leg (the order stays shipped)."""
    order = lock_order(order)
    if not order.can_mark_out_for_delivery():
        raise OrderError(
            OrderErrorCode.CANNOT_MARK_OUT_FOR_DELIVERY, f"Order {order.number} is {order.status}."
        )
    order.out_for_delivery_at = timezone.now()
    save_fields(order, "out_for_delivery_at")
    events.order_out_for_delivery(order, actor=actor, actor_label=actor_label)
    signals.order_status_changed.send(
        sender=Order, order=order, status=OrderEventType.OUT_FOR_DELIVERY
    )
    return order


@transaction.atomic
def order_deliver(*, order: Order, actor: User | None = None, actor_label: str = "") -> Order:
    order = lock_order(order)
    if not order.can_deliver():
        raise OrderError(OrderErrorCode.CANNOT_DELIVER, f"Order {order.number} is {order.status}.")
    order.status = OrderStatus.DELIVERED
    order.delivered_at = timezone.now()
    save_fields(order, "status", "delivered_at")
    events.order_delivered(order, actor=actor, actor_label=actor_label)
    events.webhook_order(order, WebhookEventType.ORDER_DELIVERED)
    signals.order_status_changed.send(sender=Order, order=order, status=OrderEventType.DELIVERED)
    return order


@transaction.atomic
def order_record_alexa_notification(
    *,
    order: Order,
    status: str,
    reference_id: str,
    sent: bool,
    reason: str = "",
    attempts: int = 0,
) -> OrderEvent:
    """The timeline entry for an order notification on Alexa: sent, or given up."""
    order = lock_order(order)
    if sent:
        return events.alexa_notification_sent(order, status=status, reference_id=reference_id)
    return events.alexa_notification_failed(
        order, status=status, reference_id=reference_id, reason=reason[:255], attempts=attempts
    )


@transaction.atomic
def order_add_note(
    *, order: Order, text: str, actor: User | None = None, actor_label: str = ""
) -> OrderEvent:
    """Internal notes are events: append-only, never edited."""
    text = (text or "").strip()
    if not text:
        raise OrderError(OrderErrorCode.EMPTY_NOTE, "Write the note first.")
    if len(text) > 2000:
        raise OrderError(OrderErrorCode.NOTE_TOO_LONG, "Notes are at most 2000 characters.")
    order = lock_order(order)
    return events.note_added(order, text=text, actor=actor, actor_label=actor_label)
