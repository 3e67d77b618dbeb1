"""Upsell experiments: an owner tries two suggestion messages, or two suggestion frequencies,
for one in-skill product.

Shoppers are split deterministically by a hash of the experiment and their Alexa user id
(``arm_for``), so a shopper always hears the same arm. Each suggestion and purchase request
made under an experiment carries its arm; the owner ends the experiment by choosing the
winner, which becomes the product's suggestion (message) or the store's policy (frequency).
Price experiments are not offered: Amazon sets ISP prices from the product definition.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from merchant.models import Store

from .. import texts
from .products import InSkillProduct


class ExperimentKind(models.TextChoices):
    MESSAGE = "message", "Two suggestion messages"
    FREQUENCY = "frequency", "Two suggestion frequencies"


class Arm(models.TextChoices):
    A = "a", "A"
    B = "b", "B"


class UpsellExperiment(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.CASCADE, related_name="upsell_experiments"
    )
    kind = models.CharField(max_length=10, choices=ExperimentKind.choices)
    locale = models.CharField(
        max_length=5, help_text="Message experiments run in one locale; others hear the usual."
    )
    message_a = models.CharField(max_length=300, blank=True)
    message_b = models.CharField(max_length=300, blank=True)
    per_session_a = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(3, "At most 3 suggestions a session.")]
    )
    per_session_b = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(3, "At most 3 suggestions a session.")]
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    winner = models.CharField(max_length=1, choices=Arm.choices, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(ended_at__isnull=True),
                name="isp_one_running_experiment_per_product",
                violation_error_message="This product already has a running experiment.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(winner=""),
                name="isp_ended_experiment_has_winner",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.product}"

    @property
    def running(self) -> bool:
        return self.ended_at is None

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.kind == ExperimentKind.MESSAGE:
            for field in ("message_a", "message_b"):
                value = getattr(self, field)
                problems = texts.upsell_message_errors(value)
                if not (value or "").strip():
                    problems = ["Write the message this arm hears."]
                if problems:
                    errors[field] = problems
            if self.message_a and texts.same_text(self.message_a, self.message_b):
                errors.setdefault("message_b", []).append("The two messages are the same.")
        elif self.kind == ExperimentKind.FREQUENCY and self.per_session_a == self.per_session_b:
            errors["per_session_b"] = ["The two frequencies are the same."]
        if errors:
            raise ValidationError(errors)


def arm_for(experiment_id: int, user_id: str) -> str:
    """The arm a shopper hears, the same on every visit (half of the shoppers each)."""
    digest = hashlib.sha256(f"{experiment_id}:{user_id}".encode()).digest()
    return Arm.A if digest[0] % 2 == 0 else Arm.B
