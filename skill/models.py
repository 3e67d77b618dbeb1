"""What the skill keeps: where each shopper is in the conversation, and a log of every turn.

``Conversation`` is the shopper's place in the dialogue. Sending an Amazon Pay directive ends
the Alexa session, so the step, the cart and the pending payment token live here, in the
database, rather than only in session attributes.

``Interaction`` is one row per verified request: what was asked and how it went. Analytics and
the portal read it. It never holds access tokens or the raw envelope.

``SkillPackageExport`` and ``CertificationRun`` belong to the launch checklist
(``voicelab/launch/``): when the package was last exported, and the certification cases played.
"""

from django.conf import settings
from django.db import models

from catalog.models import Product
from merchant.models import Store
from orders.models import Customer, Order


class Step(models.TextChoices):
    """What the shopper's next "yes" or "no" answers."""

    IDLE = "idle", "Nothing pending"
    OFFER_RESUME = "offer_resume", "Continue the interrupted cart?"
    OFFER_REORDER = "offer_reorder", "Re-order the last order?"
    OFFER_PRODUCT = "offer_product", "Do you want to order it?"
    AWAITING_SETUP = "awaiting_setup", "Setup directive sent"
    CONFIRM_ORDER = "confirm_order", "Complete the order now?"
    AWAITING_CHARGE = "awaiting_charge", "Charge directive sent"
    OFFER_REFILL = "offer_refill", "Start a refill plan?"
    CONFIRM_CANCEL = "confirm_cancel", "Cancel this order?"
    CONFIRM_CANCEL_REFILLS = "confirm_cancel_refills", "Cancel the refill plan?"
    OFFER_ORDER_UPDATES = "offer_order_updates", "Notify when the order ships?"
    # In-skill purchasing and content (the product in question is on ``IspShopperState``).
    OFFER_MORE_CONTENT = "offer_more_content", "Hear another one?"
    OFFER_ISP_INFO = "offer_isp_info", "Hear more about a product?"
    OFFER_ISP_BUY = "offer_isp_buy", "Buy the product just described?"
    CHOOSE_CANCEL = "choose_cancel", "Cancel the subscription (or else the refill plan)?"
    CHOOSE_REFUND = "choose_refund", "Refund the in-skill product (or else an order)?"


class Conversation(models.Model):
    """One per customer: the step the dialogue is at and what it is about."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="skill_conversation"
    )
    step = models.CharField(max_length=30, choices=Step.choices, default=Step.IDLE)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(default=1)
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The cart being bought, or the order a question is about.",
    )
    token = models.CharField(
        max_length=80, blank=True, help_text="Token of the Amazon Pay directive in flight."
    )
    visits = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.customer} at {self.step}"


class Interaction(models.Model):
    """One verified request to the skill and its outcome."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="interactions")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    request_type = models.CharField(max_length=60)
    intent = models.CharField(max_length=100, blank=True)
    slots = models.JSONField(
        default=dict, blank=True, help_text="Slot name: resolved id when matched, else the words."
    )
    session_id = models.CharField(max_length=200, blank=True)
    locale = models.CharField(max_length=5, blank=True)
    source = models.CharField(max_length=20, default="voice")
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=60, blank=True)
    error_code = models.CharField(
        max_length=60, blank=True, help_text="Amazon Pay error or exception the merchant must see."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["store", "intent", "-created_at"]),
            # The store's log by time, newest first too (read backwards); analytics reads
            # sessions, shoppers and intents over a range from the index alone (PostgreSQL;
            # other databases ignore ``include``). Replaces a plain (store, -created_at).
            models.Index(
                fields=["store", "created_at"],
                name="interaction_store_time_cover",
                include=["session_id", "customer", "request_type", "intent", "outcome", "source"],
            ),
        ]

    def __str__(self):
        return f"{self.request_type} {self.intent} → {self.outcome}"


class SkillEvent(models.Model):
    """One Alexa skill event (enabled, disabled, permissions, account linked, proactive
    subscription): recorded once per request id, its body kept without any token."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="skill_events")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="skill_events"
    )
    type = models.CharField(max_length=60)
    request_id = models.CharField(max_length=255)
    body = models.JSONField(default=dict, blank=True)
    event_created_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "request_id"], name="skill_event_once_per_request"
            )
        ]
        indexes = [models.Index(fields=["store", "type", "-created_at"])]

    def __str__(self):
        return f"{self.type} at {self.created_at:%Y-%m-%d %H:%M}"


# The launch checklist (voicelab/launch/) ---------------------------------------------------------


class SkillPackageExport(models.Model):
    """One export of a store's skill package (the owner's download or the management
    command), with the catalog revision it was built from: the launch checklist compares it
    with the store's current revision."""

    class Source(models.TextChoices):
        DOWNLOAD = "download", "Downloaded from the portal"
        COMMAND = "command", "manage.py export_skill_package"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="package_exports")
    catalog_revision = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "-created_at"], name="package_export_store_time")]

    def __str__(self):
        return f"Export of {self.store} at revision {self.catalog_revision}"


class CertificationRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    ERROR = "error", "Could not run"


CERTIFICATION_RUN_ACTIVE = [CertificationRunStatus.QUEUED, CertificationRunStatus.RUNNING]


class CertificationRun(models.Model):
    """One run of the certification conversations against a store's skill
    (``voicelab.launch.runner``). ``results`` holds one entry per case played, appended as each
    finishes: its status, the expectations checked (in words) and the transcript."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="certification_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=CertificationRunStatus.choices,
        default=CertificationRunStatus.QUEUED,
    )
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)
    notes = models.JSONField(
        default=list, blank=True, help_text="Certification rows that do not apply, and why."
    )
    error = models.TextField(blank=True, help_text="Why the run could not play its cases.")
    # How many times a worker took the run up (a task redelivered after a worker died
    # starts it again, with fresh test shoppers).
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["store", "-started_at"], name="cert_run_store_time")]
        constraints = [
            # A double click starts one run: a store has at most one queued or running run.
            models.UniqueConstraint(
                fields=["store"],
                condition=models.Q(status__in=CERTIFICATION_RUN_ACTIVE),
                name="one_active_certification_run_per_store",
            )
        ]

    def __str__(self):
        return f"Certification run {self.pk} of {self.store} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in CERTIFICATION_RUN_ACTIVE

    def counts(self) -> dict[str, int]:
        """Cases by status: passed, failed, skipped (not played)."""
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for case in self.results or []:
            status = case.get("status", "failed")
            counts[status] = counts.get(status, 0) + 1
        return counts
