"""Discount codes of a store: a percentage off or a fixed amount off the subtotal, valid in a
window, usable a limited number of times (counted when an order is placed)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from merchant.models import Store


class DiscountKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage off the subtotal"
    FIXED = "fixed", "Fixed amount off the subtotal"


class Discount(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="discounts")
    code = models.CharField(
        max_length=40, help_text="What shoppers type; matched without regard to case."
    )
    title = models.CharField(max_length=120, help_text="Shown to shoppers, e.g. '10% off'.")
    kind = models.CharField(max_length=12, choices=DiscountKind.choices)
    value = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Percent (1 to 100) or an amount in the store's currency.",
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: valid now.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many orders may use it. Empty: no limit."
    )
    times_used = models.PositiveIntegerField(default=0, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store", "code"]
        constraints = [
            models.UniqueConstraint(
                "store", Upper("code"), name="discount_code_unique_in_store_ignoring_case"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="discount_value_gt_0"),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(value__lte=100),
                name="discount_percentage_lte_100",
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="discount_used_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="discount_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def is_valid_at(self, at) -> bool:
        """Active, inside its window and not used up (the services re-check under a lock)."""
        if not self.active:
            return False
        if self.starts_at is not None and at < self.starts_at:
            return False
        if self.ends_at is not None and at >= self.ends_at:
            return False
        return self.usage_limit is None or self.times_used < self.usage_limit
