"""Writes of the notifications app: the send log row of one order notification.

``notification_send`` holds the row's lock while it calls Amazon (both calls are bounded by
``ALEXA_NOTIFICATION_TIMEOUT_SECONDS``), so two runs of the same task never send the same
notification twice: the second waits, then finds it sent. The timeline entry (sent, or given
up) is written through ``orders.services`` in the same transaction as the row's new state.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders import services as orders
from orders.models import Order

from . import proactive_events
from .models import NotificationState, OrderNotification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendOutcome:
    notification: OrderNotification
    result: str  # sent | already_sent | already_failed | retry | failed


def reference_id(order: Order, status: str) -> str:
    """Amazon's ``referenceId``: one per order and status, whatever the tries."""
    return f"order-{order.pk}-{status}"


def notification_get_or_create(*, order: Order, status: str) -> OrderNotification:
    found = OrderNotification.objects.filter(store_id=order.store_id, order=order, status=status)
    notification = found.first()
    if notification is not None:
        return notification
    try:
        with transaction.atomic():
            return OrderNotification.objects.create(
                store_id=order.store_id,
                order=order,
                status=status,
                reference_id=reference_id(order, status),
            )
    except IntegrityError:  # the same task ran at the same time
        return found.get()


@transaction.atomic
def notification_send(*, notification: OrderNotification, order: Order) -> SendOutcome:
    """One try: post the event unless it was sent or given up already; record the result.

    ``retry`` means Amazon answered 429 or 5xx (or did not answer) and tries remain: the
    caller tries again later; after ``ALEXA_NOTIFICATION_MAX_TRIES`` it is given up with a
    timeline entry, as is an event Amazon refuses outright.
    """
    notification = OrderNotification.objects.select_for_update().get(
        pk=notification.pk, store_id=notification.store_id
    )
    if notification.state == NotificationState.SENT:
        return SendOutcome(notification, "already_sent")
    if notification.state == NotificationState.FAILED:
        return SendOutcome(notification, "already_failed")
    notification.attempts += 1
    customer, store = order.customer, order.store
    body = proactive_events.order_status_event(
        store=store,
        user_id=customer.alexa_user_id,
        reference_id=notification.reference_id,
        status=notification.amazon_status,
        now=timezone.now(),
        expected_arrival=order.expected_arrival,
    )
    try:
        proactive_events.send(store=store, api_endpoint=customer.alexa_api_endpoint, body=body)
    except proactive_events.Retryable as exc:
        notification.last_error = str(exc)[:255]
        if notification.attempts < settings.ALEXA_NOTIFICATION_MAX_TRIES:
            notification.save(update_fields=["attempts", "last_error", "updated_at"])
            logger.warning("order notification %s: %s, will retry", notification.pk, exc)
            return SendOutcome(notification, "retry")
        return _give_up(notification, order)
    except proactive_events.Refused as exc:
        notification.last_error = str(exc)[:255]
        return _give_up(notification, order)
    notification.state = NotificationState.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["state", "sent_at", "attempts", "last_error", "updated_at"])
    orders.order_record_alexa_notification(
        order=order, status=notification.status, reference_id=notification.reference_id, sent=True
    )
    return SendOutcome(notification, "sent")


def _give_up(notification: OrderNotification, order: Order) -> SendOutcome:
    notification.state = NotificationState.FAILED
    notification.save(update_fields=["state", "attempts", "last_error", "updated_at"])
    logger.error(
        "order notification %s given up after %s tries: %s",
        notification.pk,
        notification.attempts,
        notification.last_error,
    )
    orders.order_record_alexa_notification(
        order=order,
        status=notification.status,
        reference_id=notification.reference_id,
        sent=False,
        reason=notification.last_error,
        attempts=notification.attempts,
    )
    return SendOutcome(notification, "failed")
