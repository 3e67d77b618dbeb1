"""The embedded Amazon Pay sandbox's own state.

Amazon Pay for Alexa was retired, so the default gateway (``orders/gateways.py``) is a
sandbox that keeps what Amazon would keep on its side in these tables. They are the
"other side" of the ledger, never read by the portal's screens.
"""

from django.db import models


class SandboxObject(models.Model):
    """An authorization, capture or refund as the Amazon Pay sandbox knows it."""

    kind = models.CharField(max_length=20)  # authorization | capture | refund
    reference_id = models.CharField(max_length=32)  # the seller's (our) reference id
    amazon_id = models.CharField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    billing_agreement_id = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=20)  # Pending | Open | Closed | Declined | Completed
    reason_code = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=1024, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    settle_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference_id"], name="sandbox_reference_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.amazon_id} {self.state}"


class SandboxSimulation(models.Model):
    """Make the sandbox decline an operation, like Amazon's ``SandboxSimulation`` notes.

    ``operation`` is authorize, capture or refund; ``match`` is a billing agreement id, a
    reference-id prefix or ``*``. ``remaining`` counts uses (empty: every time).
    """

    operation = models.CharField(max_length=20)
    match = models.CharField(max_length=60, default="*")
    reason_code = models.CharField(max_length=60, default="AmazonRejected")
    remaining = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"decline {self.operation} {self.match} ({self.reason_code})"
