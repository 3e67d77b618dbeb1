"""Webhooks to the merchant's own systems (Standard Webhooks).

``WebhookEndpoint`` is an HTTPS address a store's owner registered with the event types it
wants; ``WebhookEvent`` is the transactional outbox (written in the same transaction as
the change it reports); ``WebhookDelivery`` is one event for one endpoint, retried until it
succeeds or gives up; ``WebhookAttempt`` logs every HTTP try of a delivery.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from merchant import crypto
from merchant.models import Store


class WebhookEventType(models.TextChoices):
    ORDER_PLACED = "order.placed", "order.placed: an order was placed"
    ORDER_CANCELLED = "order.cancelled", "order.cancelled: an order was cancelled"
    ORDER_SHIPPED = "order.shipped", "order.shipped: an order was shipped"
    ORDER_DELIVERED = "order.delivered", "order.delivered: an order was delivered"
    REFUND_COMPLETED = "refund.completed", "refund.completed: a refund went through"
    CHARGEBACK_CREATED = (
        "chargeback.created",
        "chargeback.created: a card dispute took a payment's money back (funds withdrawn)",
    )
    CHARGEBACK_REVERSED = (
        "chargeback.reversed",
        "chargeback.reversed: a card dispute's money came back (funds reinstated)",
    )
    REFUND_REQUEST_CREATED = (
        "refund_request.created",
        "refund_request.created: a shopper asked for a refund",
    )
    REFILL_PLAN_RENEWED = "refill_plan.renewed", "refill_plan.renewed: a refill was charged"
    REFILL_PLAN_FAILED = (
        "refill_plan.failed",
        "refill_plan.failed: a refill could not be charged and the plan was paused",
    )
    ISP_PURCHASE = "isp.purchase", "isp.purchase: an in-skill purchase"
    CUSTOMER_ERASED = "customer.erased", "customer.erased: a customer's data was erased"
    PRODUCT_UPDATED = "product.updated", "product.updated: a product was changed"
    STOCK_LOW = "stock.low", "stock.low: a product's stock fell to its low-stock threshold"


class WebhookEndpoint(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(
        "URL", max_length=500, help_text="HTTPS address that receives the events (POST)."
    )
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event types this endpoint receives.")
    # The Standard Webhooks signing secret ("whsec_" + base64 of 32 random bytes). Shown once
    # when the endpoint is created (or the secret rotated), never again; kept encrypted at
    # rest with FIELD_ENCRYPTION_KEY (merchant/crypto.py), read through ``secret``.
    secret_encrypted = models.CharField(max_length=255, editable=False)
    enabled = models.BooleanField(
        default=True, help_text="Disabled endpoints receive nothing until enabled again."
    )
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "webhook endpoint"
        indexes = [models.Index(fields=["store", "enabled"])]

    def __str__(self):
        return self.url

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, plain: str) -> None:
        self.secret_encrypted = crypto.encrypt(plain)

    def wants(self, type_: str) -> bool:
        return self.enabled and type_ in self.events


class WebhookEvent(models.Model):
    """The outbox: one row per event, written with the change that caused it."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhook_events")
    # Sent as the ``webhook-id`` header: the same on every attempt and replay, so receivers
    # can deduplicate.
    message_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    # The body: {"type", "timestamp", "data"} (Standard Webhooks' recommended shape).
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "webhook event"
        indexes = [models.Index(fields=["store", "-created_at"])]

    def __str__(self):
        return f"{self.type} {self.message_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDelivery(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    # Attempts of the current cycle (a replay starts a new cycle at 0).
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [
            # The sweeper's scan: pending deliveries that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["store", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.event} -> {self.endpoint}"


class AttemptOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Delivered (2xx)"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused before sending"
    REPLAY_REQUESTED = "replay", "Replay requested by staff"


class WebhookAttempt(models.Model):
    """The log of a delivery: every HTTP try, and every replay staff asked for. Append-only."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(help_text="Attempt number within its cycle.")
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # A replay by staff is logged as its own row, with who asked for it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["delivery", "-created_at"])]

    def __str__(self):
        return f"attempt {self.number}: {self.outcome}"
