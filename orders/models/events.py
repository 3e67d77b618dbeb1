"""What happened to orders: the append-only order timeline (``OrderEvent``) and the refund
requests shoppers make by voice, which support resolves from the queue."""

from django.conf import settings
from django.db import models

from merchant.models import Store

from .customers import Customer
from .orders import Order


class OrderEventType(models.TextChoices):
    CREATED = "created", "Cart started"
    PLACED = "placed", "Order placed"
    PAYMENT_AUTHORIZED = "payment_authorized", "Payment authorized"
    PAYMENT_CAPTURED = "payment_captured", "Payment captured"
    PAYMENT_DECLINED = "payment_declined", "Payment declined"
    PAYMENT_VOIDED = "payment_voided", "Authorization voided"
    PAYMENT_COLLECTED = "payment_collected", "Payment collected on delivery"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    RESTOCKED = "restocked", "Restocked"
    REFUND_REQUESTED = "refund_requested", "Refund requested"
    REFUND_PENDING = "refund_pending", "Refund pending"
    REFUND_COMPLETED = "refund_completed", "Refund completed"
    REFUND_DECLINED = "refund_declined", "Refund declined"
    NOTE = "note", "Note"
    PAYMENT_CAPTURE_FAILED = "payment_capture_failed", "Capture failed"
    EMAIL_SENT = "email_sent", "Email sent"
    AUTHORIZATION_EXPIRING = "authorization_expiring", "Authorization close to expiry"
    REFUND_REQUEST_RESOLVED = "refund_request_resolved", "Refund request resolved"
    REFILL_RENEWAL = "refill_renewal", "Placed by a refill plan"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    ALEXA_NOTIFICATION_SENT = "alexa_notification_sent", "Alexa notification sent"
    ALEXA_NOTIFICATION_FAILED = "alexa_notification_failed", "Alexa notification failed"
    CHARGEBACK = "chargeback", "Chargeback: the shopper's bank took the payment back"
    CHARGEBACK_REVERSED = "chargeback_reversed", "Chargeback reversed: the money came back"


class OrderEvent(models.Model):
    """Append-only timeline of everything that happened to an order."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=OrderEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(
        max_length=60, blank=True, help_text="Who acted when not a staff user: shopper, system."
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self):
        return f"{self.get_type_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class RefundRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class RefundRequest(models.Model):
    """A shopper asked for a refund (by voice); support resolves it from the queue."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="refund_requests")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="refund_requests")
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="refund_requests"
    )
    channel = models.CharField(max_length=20, default="voice")
    status = models.CharField(
        max_length=20, choices=RefundRequestStatus.choices, default=RefundRequestStatus.OPEN
    )
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["store", "status", "-created_at"])]

    def __str__(self):
        return f"Refund request {self.pk} ({self.get_status_display()})"
