"""What shoppers own and did, as the portal records it.

Amazon tells a skill only what a shopper owns now (``GET …/inSkillProducts``) and how one
purchase request ended (``Connections.Response``); nothing else ever arrives. The portal
keeps what it observed: the last entitlement state per shopper and product, an append-only
ledger of consumable units (purchases seen in ``activeEntitlementCount``, units used,
returns seen at an audit, goodwill from support), every purchase request and its result,
and the upsell suggestions made, suppressed and declined (the cooldown rule reads them).
Rows here are written by ``isp/services.py`` only and never edited.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from merchant.models import Store
from orders.models import Customer

from ..facts import DirectiveName, PurchaseResult
from .products import InSkillProduct


def new_token() -> str:
    """The directive's ``token``: Alexa echoes it in the Connections.Response."""
    return str(uuid.uuid4())


class IspEntitlement(models.Model):
    """The last state Amazon reported for one shopper and product (and the row a consumable
    spend locks, so two devices never spend one unit twice)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="isp_entitlements"
    )
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.PROTECT, related_name="entitlements"
    )
    entitled = models.BooleanField(default=False)
    entitlement_reason = models.CharField(max_length=20, default="NOT_PURCHASED")
    active_entitlement_count = models.PositiveIntegerField(default=0)
    purchase_mode = models.CharField(max_length=4, blank=True)
    observed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ISP entitlement"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product"], name="isp_one_entitlement_per_shopper_product"
            )
        ]

    def __str__(self):
        return f"{self.product} for {self.customer}"


class LedgerKind(models.TextChoices):
    PURCHASE_OBSERVED = "purchase", "Purchase seen at Amazon"
    USED = "used", "Unit used"
    RETURN_OBSERVED = "return", "Return or refund seen at Amazon"
    GOODWILL = "goodwill", "Goodwill grant by support"


class ConsumableLedgerEntry(models.Model):
    """One change of a shopper's consumable units; the balance is the sum of ``units``."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="isp_ledger_entries"
    )
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=10, choices=LedgerKind.choices)
    units = models.IntegerField(help_text="Positive adds units, negative takes them.")
    packs = models.IntegerField(default=0, help_text="Purchases seen (+) or returned (-).")
    active_entitlement_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Amazon's count when this was observed."
    )
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "consumable ledger entry"
        verbose_name_plural = "consumable ledger"
        ordering = ["customer", "product", "pk"]
        indexes = [models.Index(fields=["customer", "product"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["purchase", "goodwill"], units__gte=0)
                    | Q(kind__in=["used", "return"], units__lte=0)
                ),
                name="isp_ledger_units_sign_follows_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="goodwill") | (~Q(reason="") & Q(actor__isnull=False)),
                name="isp_ledger_goodwill_has_reason_and_actor",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.units:+d}"


class IspPurchaseAttempt(models.Model):
    """A Buy, Upsell or Cancel directive the skill sent; ``token`` is the directive's token,
    and ``resume`` says where the conversation goes on when Alexa comes back."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="isp_purchase_attempts"
    )
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.PROTECT, related_name="purchase_attempts"
    )
    name = models.CharField(max_length=6, choices=DirectiveName.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    locale = models.CharField(max_length=5)
    resume = models.JSONField(default=dict, blank=True)
    experiment = models.ForeignKey(
        "isp.UpsellExperiment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arm = models.CharField(max_length=1, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ISP purchase request"

    def __str__(self):
        return f"{self.name} {self.product}"


class IspPurchaseResult(models.Model):
    """How one purchase request ended (a ``Connections.Response``); one per attempt, so a
    response Alexa delivers twice is recorded once."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="isp_purchase_results"
    )
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.PROTECT, related_name="purchase_results"
    )
    attempt = models.OneToOneField(
        IspPurchaseAttempt, null=True, blank=True, on_delete=models.PROTECT, related_name="result"
    )
    name = models.CharField(max_length=6, choices=DirectiveName.choices)
    result = models.CharField(max_length=17, choices=PurchaseResult.choices)
    token = models.CharField(max_length=255, blank=True)
    marketplace = models.CharField(max_length=12, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    list_price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    is_test = models.BooleanField(default=False)
    message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ISP purchase result"
        indexes = [models.Index(fields=["store", "created_at"])]

    def __str__(self):
        return f"{self.name} {self.product}: {self.result}"


class UpsellEventKind(models.TextChoices):
    OFFERED = "offered", "Suggested"
    SUPPRESSED = "suppressed", "Suggestion held back"
    DECLINED = "declined", "Suggestion declined"


class UpsellEvent(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="isp_upsell_events"
    )
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.PROTECT, related_name="upsell_events"
    )
    kind = models.CharField(max_length=10, choices=UpsellEventKind.choices)
    reason = models.CharField(max_length=60, blank=True)
    session_id = models.CharField(max_length=200, blank=True)
    experiment = models.ForeignKey(
        "isp.UpsellExperiment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arm = models.CharField(max_length=1, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "product", "kind", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.product}"
