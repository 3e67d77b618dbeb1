"""What the notifications app does when the orders app announces a change (connected in
``NotificationsConfig.ready``)."""

from outbox.services import outbox_message_add

from .models import NotificationStatus

SEND_ORDER_STATUS = "notifications.tasks.send_order_status"


def queue_order_status(sender, *, order, status: str, **kwargs) -> None:
    """An order shipped, is out for delivery or was delivered: tell the shopper on Alexa.
    Recorded in the outbox inside the orders service's transaction; the task decides
    whether the store and the shopper have notifications on, and sends once per order and
    status. Other changes (a cancellation, a refund) are not Alexa order notifications."""
    if status not in NotificationStatus.values:
        return
    outbox_message_add(task=SEND_ORDER_STATUS, args=(order.pk, status))
