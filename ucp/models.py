"""What the UCP server keeps beside the portal's orders.

A checkout session is a draft ``Order`` (its lines, prices, tax, discount and shipping live
there, written by the orders services); ``CheckoutSession`` adds what the protocol needs and
the portal's order does not have: the public id, the status, the line item ids the platform
sees, the fulfillment choices, the buyer as given, the platform that opened it. Replies to
requests that carried an ``Idempotency-Key`` are kept in ``IdempotencyRecord``; order
webhooks to the platform in ``OrderWebhook``; the store's signing keys in ``SigningKey``.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from merchant import crypto
from merchant.models import Store
from orders.models import Order


class ServiceLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"


class ShippingRate(models.Model):
    """A shipping option shopping agents are offered. For a destination, each service level
    offers the rates written for its country, else the ones for every other country (blank
    country). A store without rates offers its standard shipping (fee and threshold)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ucp_shipping_rates")
    code = models.SlugField(max_length=60, help_text="The option id agents see, e.g. std-ship.")
    title = models.CharField(max_length=120, help_text="Distinct from the other options.")
    service_level = models.CharField(
        max_length=10, choices=ServiceLevel.choices, default=ServiceLevel.STANDARD
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO country code; blank: every other country."
    )
    fee = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    free_from_subtotal = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Free from this subtotal. Empty: never free by amount.",
    )
    free_for_skus = models.JSONField(
        default=list, blank=True, help_text="SKUs that make this option free."
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["store", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "code", "country"], name="ucp_rate_code_country_unique"
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="ucp_rate_fee_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.country or 'elsewhere'})"


class SessionStatus(models.TextChoices):
    INCOMPLETE = "incomplete", "Incomplete"
    READY = "ready_for_complete", "Ready for complete"
    COMPLETED = "completed", "Completed"
    CANCELED = "canceled", "Canceled"


class CheckoutSession(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ucp_sessions")
    public_id = models.CharField(max_length=40, unique=True)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="ucp_session")
    # The order's id for the platform once completed (unguessable, like ``public_id``).
    order_public_id = models.CharField(max_length=40, unique=True)
    # scheme://host the platform reached us at: the base of our URLs in its order events.
    base_url = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.INCOMPLETE
    )
    platform_profile_url = models.CharField(max_length=500)
    platform_name = models.CharField(max_length=120, blank=True)
    webhook_url = models.CharField(max_length=500, blank=True)
    # [{"id": "li_1", "sku": "...", "quantity": 2}] in the platform's order.
    line_items = models.JSONField(default=list)
    next_line_number = models.PositiveIntegerField(default=1)
    buyer = models.JSONField(default=dict, blank=True)
    discount_codes = models.JSONField(default=list, blank=True)  # as the platform sent them
    # Payment instruments the platform named (never a credential), and the messages of the
    # last change (warnings such as a quantity adjusted or a code rejected).
    instruments = models.JSONField(default=list, blank=True)
    messages = models.JSONField(default=list, blank=True)
    # None: the platform asked for no fulfillment yet; else the method (see fulfillment.py).
    fulfillment = models.JSONField(null=True, blank=True)
    # What the platform reported on the order after completion (PUT /orders/{id}): kept as
    # its statements, shown back in the order; they never change the portal's order.
    platform_events = models.JSONField(default=list, blank=True)
    platform_adjustments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["store", "-created_at"])]

    def __str__(self) -> str:
        return self.public_id

    def is_open(self) -> bool:
        return self.status in (SessionStatus.INCOMPLETE, SessionStatus.READY)


class IdempotencyRecord(models.Model):
    """The reply to a request that carried an ``Idempotency-Key``: the same key with the same
    request gets the same reply; with another request, 409. Kept at least 24 hours."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "key"], name="ucp_idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="ucp_idempotency_created")]

    def __str__(self) -> str:
        return self.key


class WebhookState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class OrderWebhook(models.Model):
    """One order event for the platform that placed the order: the body, id and timestamp are
    fixed when the event happens, so every retry sends the same message."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(CheckoutSession, on_delete=models.CASCADE, related_name="webhooks")
    event = models.CharField(max_length=30)  # order_created, shipped, delivered, ...
    message_id = models.CharField(max_length=40, unique=True)
    timestamp = models.PositiveBigIntegerField()
    url = models.CharField(max_length=500)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=WebhookState.choices, default=WebhookState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="ucp_webhook_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id}"


class SigningKey(models.Model):
    """A store's P-256 key for RFC 9421 signatures; the public half is in its profile."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ucp_signing_keys")
    kid = models.CharField(max_length=80, unique=True)
    private_key_encrypted = models.TextField(editable=False)
    public_jwk = models.JSONField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.kid

    @property
    def private_key_pem(self) -> str:
        return crypto.decrypt(self.private_key_encrypted)

    @private_key_pem.setter
    def private_key_pem(self, plain: str) -> None:
        self.private_key_encrypted = crypto.encrypt(plain)


class AgentCart(models.Model):
    """A platform's cart session (cart.md) on one of this portal's carts (``shoppers.Cart``):
    a linked shopper's own cart, the one web and voice share (``shopper_owned``: only that
    shopper's token reaches it), or, for a platform without a linked shopper, the cart of a
    guest customer made for it. Its checkout, once converted (``cart_id`` on create)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ucp_carts")
    public_id = models.CharField(max_length=40, unique=True)
    cart = models.ForeignKey("shoppers.Cart", on_delete=models.CASCADE, related_name="+")
    shopper_owned = models.BooleanField(default=False)
    platform_profile_url = models.CharField(max_length=500)
    platform_name = models.CharField(max_length=120, blank=True)
    buyer = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    checkout = models.ForeignKey(
        CheckoutSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["store", "platform_profile_url", "cart"])]

    def __str__(self) -> str:
        return self.public_id
