"""What the voice tooling keeps: each export of a store's skill package, and each run of the
certification conversations (``launch/``).

Both tables were created by the skill app and keep their names (``skill_skillpackageexport``,
``skill_certificationrun``): the models moved here without touching the database.
"""

from django.conf import settings
from django.db import models

from merchant.models import Store


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
        db_table = "skill_skillpackageexport"
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
        db_table = "skill_certificationrun"
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


class SmapiConnection(models.Model):
    """A store's link to its owner's Amazon developer account (``voicelab.publish``): the
    Login with Amazon refresh token (encrypted, ``merchant.crypto``), the vendor chosen, the
    skill a publish created and what Amazon has of it. A store may use its own LWA security
    profile (``client_id`` and the encrypted ``client_secret``); empty: the deployment's."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="smapi_connection")
    client_id = models.CharField("LWA client id", max_length=200, blank=True)
    client_secret_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    # Connected to the embedded sandbox (/sandbox/lwa, /sandbox/smapi) or to Amazon.
    sandbox = models.BooleanField(default=False)
    vendors = models.JSONField(default=list, blank=True)  # [{"id", "name", "roles"}]
    vendor_id = models.CharField(max_length=100, blank=True)
    skill_id = models.CharField(max_length=100, blank=True)
    # What Amazon has: the hash of the package last imported, and of the linking settings.
    package_hash = models.CharField(max_length=64, blank=True)
    account_linking_hash = models.CharField(max_length=64, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Amazon developer account connection"

    def __str__(self):
        return f"Amazon developer account of {self.store}"

    @property
    def connected(self) -> bool:
        return bool(self.refresh_token_encrypted)


class SmapiAction(models.TextChoices):
    CONNECTED = "connected", "Connected the Amazon developer account"
    VENDOR_CHOSEN = "vendor_chosen", "Chose the vendor"
    DISCONNECTED = "disconnected", "Disconnected the Amazon developer account"
    PUBLISH_STARTED = "publish_started", "Started a publish"
    PROFILE_SET = "profile_set", "Set the Login with Amazon security profile"


class SmapiEvent(models.Model):
    """What an owner did with the store's Amazon developer account, written in the
    transaction of the change and never edited."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="smapi_events")
    action = models.CharField(max_length=20, choices=SmapiAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "-created_at"], name="smapi_event_store_time")]

    def __str__(self):
        return f"{self.get_action_display()} ({self.store})"


class PublishStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Published"
    FAILED = "failed", "Failed"


PUBLISH_ACTIVE = [PublishStatus.QUEUED, PublishStatus.RUNNING]


class SkillPublish(models.Model):
    """One publish of a store's skill through SMAPI: who, when, the package (hash and
    catalog revision) and each step with Amazon's answers (``steps``: one entry per step
    reached, ``{"name", "status", "detail", "answer"}``). A failed publish run again keeps
    the steps that succeeded and continues at the one that failed."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="skill_publishes")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_label = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PublishStatus.choices, default=PublishStatus.QUEUED
    )
    stage = models.CharField(max_length=12, default="development")
    submit = models.BooleanField(default=False)
    package_hash = models.CharField(max_length=64, blank=True)
    catalog_revision = models.PositiveIntegerField(null=True, blank=True)
    skill_id = models.CharField(max_length=100, blank=True)
    steps = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["store", "-started_at"], name="skill_publish_store_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["store"],
                condition=models.Q(status__in=PUBLISH_ACTIVE),
                name="one_active_publish_per_store",
            )
        ]

    def __str__(self):
        return f"Publish {self.pk} of {self.store} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in PUBLISH_ACTIVE

    def step(self, name: str) -> dict | None:
        return next((s for s in self.steps if s.get("name") == name), None)


class RecordedCase(models.Model):
    """A certification case made from a real session on the transcripts page: ``steps`` are
    the session's turns, each what Alexa sent (request type, intent, slot values) and the
    answer expected (the skill's words and directives then). The launch checklist plays
    every recorded case of the store after its own cases (``launch.recorded``)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="recorded_cases")
    title = models.CharField(max_length=120)
    session_id = models.CharField(max_length=200, blank=True)
    locale = models.CharField(max_length=5)
    steps = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["store", "created_at"], name="recorded_case_store_time")]

    def __str__(self):
        return f"Recorded case {self.title} of {self.store}"
