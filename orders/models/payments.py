"""The payment ledger: one row per authorization, capture, void, refund, collection or
chargeback (and its reversal) of an order; the order's payment status and running totals are
derived from it."""

from django.db import models
from django.db.models import Q

from merchant.models import CURRENCIES, Store

from .orders import Order


class PaymentKind(models.TextChoices):
    AUTHORIZATION = "authorization", "Authorization"
    CAPTURE = "capture", "Capture"
    VOID = "void", "Void"
    REFUND = "refund", "Refund"
    COLLECTION = "collection", "Collected on delivery"
    # A card dispute: the shopper's bank took the money back from the store (Stripe's
    # ``charge.dispute.funds_withdrawn``), and gave it back when the store won
    # (``charge.dispute.funds_reinstated``). Referenced ``dispute:<id>:withdrawn`` and
    # ``dispute:<id>:reinstated``: each booked once per dispute.
    CHARGEBACK = "chargeback", "Chargeback (dispute funds withdrawn)"
    CHARGEBACK_REVERSAL = "chargeback_reversal", "Chargeback reversed (funds reinstated)"


class PaymentState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    DECLINED = "declined", "Declined"
    FAILED = "failed", "Failed"


class PaymentTransaction(models.Model):
    """One line of the payment ledger. ``reference_id`` is ours and is unique: a repeated
    report with the same reference is recognised, never booked twice. References sent to
    Amazon Pay stay within its 32 characters; a chargeback's names its dispute and is longer."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=20, choices=PaymentKind.choices)
    state = models.CharField(max_length=20, choices=PaymentState.choices)
    reference_id = models.CharField(max_length=64, unique=True)
    external_id = models.CharField(max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    reason_code = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    gateway = models.CharField(max_length=30, default="amazon_pay_sandbox")
    raw = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="transaction_amount_gte_0")
        ]
        indexes = [
            models.Index(fields=["order", "kind"]),
            models.Index(fields=["kind", "state"]),
            # Analytics: refunds completed over a range (the row's last update is completion).
            models.Index(
                fields=["store", "updated_at"],
                name="payment_refunds_done_at",
                condition=models.Q(kind="refund", state="succeeded"),
            ),
            # Analytics: chargebacks and their reversals over a range (booked when created),
            # read with the refunds above in one query (a bitmap OR of the two).
            models.Index(
                fields=["store", "created_at"],
                name="payment_chargebacks_booked_at",
                condition=models.Q(
                    kind__in=["chargeback", "chargeback_reversal"], state="succeeded"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.state})"
