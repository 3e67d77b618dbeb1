"""The Celery task that tells a shopper on Alexa about their order.

Queued through the outbox by ``receivers.queue_order_status`` when ``order_ship``,
``order_mark_out_for_delivery`` or ``order_deliver`` announce the change. Thin: it loads the
order, asks the selectors whether this shopper takes notifications, and lets the service make
one try; 429 and 5xx are tried again after ``ALEXA_NOTIFICATION_RETRY_SECONDS`` doubling each
time. Safe to run twice: the send log row is unique per order and status.
"""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import selectors, services
from .models import NotificationStatus


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=None,  # the service counts tries (ALEXA_NOTIFICATION_MAX_TRIES) in the database
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def send_order_status(self, order_id: int, status: str):
    if status not in NotificationStatus.values:
        return "unknown_status"
    order = selectors.order_for_notification(order_id=order_id)
    if order is None:
        return "no_order"
    reason = selectors.why_not_notify(order)
    if reason:
        return reason
    notification = services.notification_get_or_create(order=order, status=status)
    outcome = services.notification_send(notification=notification, order=order)
    if outcome.result == "retry":
        attempts = outcome.notification.attempts
        countdown = settings.ALEXA_NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1)
        raise self.retry(countdown=countdown)
    return outcome.result
