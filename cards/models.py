"""Saved cards and what the portal keeps of Stripe: the store's keys (encrypted), the Stripe
customer of each shopper, cards saved with SetupIntents (Stripe's ids, brand, last 4 and
expiry only: card numbers never reach the portal), the PaymentIntent of each card payment,
the webhook events seen and the disputes reported."""

from django.db import models

from merchant import crypto
from merchant.models import CURRENCIES, Store
from orders.models import Customer, Order


class CaptureMode(models.TextChoices):
    ON_SHIPPING = "on_shipping", "Authorize when ordering, capture when shipping"
    AT_ONCE = "at_once", "Capture when ordering"


class StripeSettings(models.Model):
    """The store's own Stripe account. Empty keys fall back to STRIPE_SECRET_KEY,
    STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET (``cards.config``)."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="stripe_settings")
    secret_key_encrypted = models.TextField(blank=True, editable=False)
    publishable_key = models.CharField(max_length=255, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    capture = models.CharField(
        max_length=20, choices=CaptureMode.choices, default=CaptureMode.ON_SHIPPING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Stripe settings"
        verbose_name_plural = "Stripe settings"

    def __str__(self) -> str:
        return f"Stripe settings of {self.store}"

    def set_secret_key(self, plain: str) -> None:
        """Keep the key encrypted ("" forgets it); the caller saves."""
        self.secret_key_encrypted = crypto.encrypt(plain)

    def secret_key(self) -> str:
        """The plain key, for Stripe calls only: never log or display it."""
        return crypto.decrypt(self.secret_key_encrypted)

    def set_webhook_secret(self, plain: str) -> None:
        self.webhook_secret_encrypted = crypto.encrypt(plain)

    def webhook_secret(self) -> str:
        return crypto.decrypt(self.webhook_secret_encrypted)


class StripeCustomer(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="stripe_customer"
    )
    stripe_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.stripe_id


class SavedCard(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="saved_cards")
    stripe_payment_method_id = models.CharField(max_length=255, unique=True)
    brand = models.CharField(max_length=30)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default=True),
                name="saved_card_one_default",
            )
        ]

    BRANDS = {
        "visa": "Visa",
        "mastercard": "Mastercard",
        "amex": "American Express",
        "discover": "Discover",
        "diners": "Diners Club",
        "jcb": "JCB",
        "unionpay": "UnionPay",
    }

    def __str__(self) -> str:
        return self.describe()

    def brand_name(self) -> str:
        return self.BRANDS.get(self.brand.lower(), self.brand.title() or "Card")

    def describe(self) -> str:
        """The words shoppers read and hear: "Visa ending in 4242"."""
        return f"{self.brand_name()} ending in {self.last4}"


class StripePaymentStatus(models.TextChoices):
    CREATING = "creating", "Being sent to Stripe"
    REQUIRES_ACTION = "requires_action", "Waiting for the shopper to authenticate"
    AUTHORIZED = "authorized", "Authorized"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Failed"
    RELEASED = "released", "Given back (the order could not be placed)"


class StripePayment(models.Model):
    """One attempt to pay an order with a saved card: our reference (the idempotency key)
    and Stripe's PaymentIntent."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="stripe_payments")
    card = models.ForeignKey(SavedCard, on_delete=models.SET_NULL, null=True, blank=True)
    payment_method_id = models.CharField(max_length=255)
    reference_id = models.CharField(max_length=32, unique=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    capture_at_once = models.BooleanField()
    status = models.CharField(
        max_length=20, choices=StripePaymentStatus.choices, default=StripePaymentStatus.CREATING
    )
    failure_code = models.CharField(max_length=60, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_intent_id"],
                condition=~models.Q(payment_intent_id=""),
                name="stripe_payment_intent_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="stripe_payment_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.reference_id} ({self.status})"


class StripeEvent(models.Model):
    """A webhook event handled once per store (Stripe sends events more than once)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    outcome = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # One Stripe account per store; localstripe (one account) sends every event to
            # every store's endpoint, so an id is unique per store.
            models.UniqueConstraint(fields=["store", "event_id"], name="stripe_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class StripeDispute(models.Model):
    """A chargeback Stripe reported on a card payment; ``event_created`` is the newest event
    applied, so an older event never overwrites a newer state."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="stripe_disputes")
    dispute_id = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    reason = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=40)
    event_created = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} ({self.status})"
