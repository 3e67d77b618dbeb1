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
