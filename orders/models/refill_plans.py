"""Refill plans: subscriptions charged on the customer's billing agreement every interval,
one renewal row per period (never charged twice), and each plan's append-only history."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Product
from merchant.models import Store

from .customers import Customer
from .orders import Order


class RefillPlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"


class RefillPlan(models.Model):
    """A refill subscription charged on the customer's billing agreement every interval."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="refill_plans")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="refill_plans")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="refill_plans")
    quantity = models.PositiveIntegerField(default=1)
    interval_weeks = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=RefillPlanStatus.choices, default=RefillPlanStatus.ACTIVE
    )
    next_run_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(interval_weeks__gte=1), name="plan_interval_gte_1"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="plan_quantity_gte_1"),
        ]
        indexes = [models.Index(fields=["status", "next_run_at"])]

    def __str__(self):
        return f"{self.quantity} × {self.product} every {self.interval_weeks} weeks"


class RenewalState(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Failed, will retry"
    SUCCEEDED = "succeeded", "Charged"
    FAILED = "failed", "Failed (reported)"
    SKIPPED = "skipped", "Skipped"


class RefillRenewal(models.Model):
    """One renewal of a plan for one period; unique so a retried task never charges twice."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(RefillPlan, on_delete=models.CASCADE, related_name="renewals")
    period_start = models.DateTimeField()
    order = models.OneToOneField(Order, on_delete=models.SET_NULL, null=True, blank=True)
    state = models.CharField(max_length=20, choices=RenewalState.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_start"], name="one_renewal_per_period")
        ]

    def __str__(self):
        return f"Renewal of plan {self.plan_id} for {self.period_start:%Y-%m-%d}"


class RefillPlanEventType(models.TextChoices):
    CREATED = "created", "Plan started"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    SKIPPED = "skipped", "Next refill skipped"
    CANCELLED = "cancelled", "Cancelled"
    RENEWED = "renewed", "Renewed"
    RENEWAL_RETRYING = "renewal_retrying", "Renewal failed, will retry"
    RENEWAL_FAILED = "renewal_failed", "Renewal failed (reported)"


class RefillPlanEvent(models.Model):
    """Append-only history of a refill plan, like ``OrderEvent`` for orders."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(RefillPlan, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=RefillPlanEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_type_display()} at {self.created_at:%Y-%m-%d %H:%M}"
