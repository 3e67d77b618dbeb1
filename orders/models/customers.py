"""Customers: a store's shoppers, known by their Alexa user id, and the audit of every change
made to one (``CustomerEvent``, written in the same transaction as the change)."""

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Upper

from merchant.models import LOCALES, Store


class Customer(models.Model):
    """A shopper of one store, known by the Alexa user id of that store's skill."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customers")
    alexa_user_id = models.CharField(max_length=512)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    locale = models.CharField(max_length=5, choices=LOCALES, default="en-US")
    # Amazon Pay billing agreement (from the Setup result) and consent.
    billing_agreement_id = models.CharField(max_length=60, blank=True)
    billing_agreement_status = models.CharField(max_length=20, blank=True)
    payment_consent = models.CharField(
        max_length=20, blank=True, help_text="payments:autopay_consent as Alexa last reported it."
    )
    shipping_address = models.JSONField(default=dict, blank=True)
    # What the shopper granted the skill, as the last skill event said (scope names), and
    # the regional Alexa API host their requests name (where notifications are sent).
    # (Database defaults too, so rows written by code that predates these columns, such as
    # a process still running the previous release during a deploy, stay valid.)
    alexa_permissions = models.JSONField(
        default=list, db_default=Value([], output_field=models.JSONField()), blank=True
    )
    alexa_api_endpoint = models.CharField(max_length=200, blank=True, db_default="")
    # Order notifications on Alexa: offered once; subscribed per ProactiveSubscriptionChanged.
    order_updates_offered_at = models.DateTimeField(null=True, blank=True)
    order_updates_subscribed = models.BooleanField(default=False, db_default=False)
    # Set when the shopper disabled the skill without keeping their data: personal fields
    # are blank and ``alexa_user_id`` is an opaque "erased:<uuid>" that no request can name.
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "alexa_user_id"], name="customer_unique_alexa_user_in_store"
            )
        ]
        indexes = [
            models.Index(fields=["store", "email"]),
            # The support console searches customers by name prefix, case-insensitively.
            models.Index(Upper("name"), name="customer_name_upper"),
        ]

    def __str__(self):
        return self.name or self.email or f"Customer {self.pk}"

    @property
    def has_open_billing_agreement(self) -> bool:
        return bool(self.billing_agreement_id) and self.billing_agreement_status == "OPEN"


class CustomerEventType(models.TextChoices):
    CREATED = "created", "First seen"
    PAYMENT_CONSENT_CHANGED = "payment_consent_changed", "Voice purchase consent changed"
    DELIVERY_CONTACT_STORED = "delivery_contact_stored", "Delivery address or email kept"
    BILLING_AGREEMENT_STORED = "billing_agreement_stored", "Amazon Pay billing agreement kept"
    PERMISSIONS_CHANGED = "permissions_changed", "Permissions changed"
    ORDER_UPDATES_OFFERED = "order_updates_offered", "Order notifications offered"
    ORDER_UPDATES_CHANGED = "order_updates_changed", "Order notifications changed"
    ERASED = "erased", "Personal data erased"
    ALEXA_USER_CHANGED = "alexa_user_changed", "Alexa user linked or released"
    MERGED = "merged", "Merged with another customer of the store"


class CustomerEventSource(models.TextChoices):
    VOICE = "voice", "The shopper, by voice"
    WEB = "web", "The shopper, in the web shop"
    ALEXA = "alexa", "The shopper, in the Alexa app (a skill event)"
    SUPPORT = "support", "Support console"
    API = "api", "REST API"
    SYSTEM = "system", "System"


class CustomerEvent(models.Model):
    """Append-only audit of every change to a customer, written by the service that makes it
    in the same transaction: what, through which channel, by which staff user (none when
    the shopper or the system acted), when. ``data`` names the changed fields and carries
    no personal data (no address, email or agreement id), so erasure leaves it as it is."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=CustomerEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(max_length=10, choices=CustomerEventSource.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self):
        return f"{self.get_type_display()} at {self.created_at:%Y-%m-%d %H:%M}"
