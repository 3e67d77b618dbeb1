"""Order notifications on Alexa: one row per order and status, the send log.

The unique (order, status) pair is what makes a notification idempotent: its
``reference_id`` (Amazon's ``referenceId``) is fixed when the row is made, and a task that
runs twice, or a retry, finds the row already sent or given up and sends nothing.
"""

from django.db import models

from merchant.models import Store
from orders.models import Order, OrderEventType

# The order event that triggers a notification -> the status Amazon's schema names.
AMAZON_STATUS: dict[str, str] = {
    OrderEventType.SHIPPED: "ORDER_SHIPPED",
    OrderEventType.OUT_FOR_DELIVERY: "ORDER_OUT_FOR_DELIVERY",
    OrderEventType.DELIVERED: "ORDER_DELIVERED",
}


class NotificationStatus(models.TextChoices):
    SHIPPED = OrderEventType.SHIPPED.value, "Shipped"
    OUT_FOR_DELIVERY = OrderEventType.OUT_FOR_DELIVERY.value, "Out for delivery"
    DELIVERED = OrderEventType.DELIVERED.value, "Delivered"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"


class OrderNotification(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="alexa_notifications")
    status = models.CharField(max_length=30, choices=NotificationStatus.choices)
    reference_id = models.CharField(max_length=100, unique=True)
    state = models.CharField(
        max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "status"], name="one_alexa_notification_per_order_status"
            )
        ]
        indexes = [models.Index(fields=["store", "-created_at"])]

    def __str__(self):
        return f"{self.order} {self.status}: {self.state}"

    @property
    def amazon_status(self) -> str:
        return AMAZON_STATUS[self.status]
