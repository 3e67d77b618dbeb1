"""The embedded ISP sandbox's own state: what Amazon would know (tests, console, demos).

Kept apart from the portal's records (``ledger.py``): the skill learns this state only over
HTTP, through the same Monetization API client it uses against Amazon.
"""

import hashlib

from django.db import models

from merchant.models import Store

from .products import InSkillProduct


def token_digest(api_access_token: str) -> str:
    """Tokens are kept as digests: a leaked table names no usable token."""
    return hashlib.sha256(api_access_token.encode()).hexdigest()


class SandboxToken(models.Model):
    """Which user a token a driver made up was issued to (``sandbox.sandbox_learn_token``)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    user_id = models.CharField(max_length=512)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"token of {self.user_id[:24]}…"


class SandboxEntitlement(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(max_length=512)
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.CASCADE, related_name="sandbox_entitlements"
    )
    # One-time products: owned until returned.
    owned = models.BooleanField(default=False)
    # Subscriptions: paid (or trial) through ``period_end``; renews unless cancelled.
    period_end = models.DateTimeField(null=True, blank=True)
    auto_renew = models.BooleanField(default=False)
    trial_used = models.BooleanField(default=False)
    # Consumables: purchases net of returns (Amazon's activeEntitlementCount).
    purchase_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "user_id", "product"], name="isp_sandbox_one_row_per_user"
            )
        ]

    def __str__(self):
        return f"sandbox {self.product} for {self.user_id[:24]}…"
