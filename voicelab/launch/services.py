"""Writes of the launch checklist: skill package exports and certification runs.

A run is started by ``certification_run_start`` (one queued or running run per store, a
database constraint: a double click starts one), its task queued by name after commit (the
task, ``voicelab.tasks``, imports the runner and these services; this module imports
neither), taken up by ``certification_run_claim``, filled case by case
(``certification_run_record_case``) and closed by ``certification_run_finish``.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.selectors import catalog_revision
from voicelab.models import (
    CERTIFICATION_RUN_ACTIVE,
    CertificationRun,
    CertificationRunStatus,
    RecordedCase,
    SkillPackageExport,
)

logger = logging.getLogger(__name__)

# What a recorded case replays: a launch and the shopper's intents (a session's end, Amazon's
# answers and skill events are Alexa's, played by the dialogue as they come).
RECORDED_REQUESTS = ("LaunchRequest", "IntentRequest")

# The task's name: ``VoicelabConfig.ready`` registers it in every process (web, worker,
# tests); under CELERY_TASK_ALWAYS_EAGER ``delay`` plays the run in place.
RUN_CERTIFICATION = "voicelab.tasks.run_certification"
# A queued run no worker took up, or a running one not updated (after each case), for this
# long has lost its worker: a new run may start, and a redelivered task starts it again.
STALE_AFTER = timedelta(minutes=10)
STALE_QUEUED = (
    "No worker took the run up within 10 minutes: is a Celery worker running? Start the run again."
)
STALE_RUNNING = "The run stopped half-way (its worker went away). Start the run again."


def skill_package_export_record(*, store, source: str, exported_by=None) -> SkillPackageExport:
    """Record that the store's skill package was exported now, from the catalog revision
    it has now (the export has just been built from it)."""
    user = exported_by if getattr(exported_by, "is_authenticated", False) else None
    return SkillPackageExport.objects.create(
        store=store,
        catalog_revision=catalog_revision(store_id=store.pk),
        source=source,
        exported_by=user,
    )


@transaction.atomic
def certification_run_start(*, store, started_by) -> tuple[CertificationRun, bool]:
    """A new queued run, its task queued after commit; or the store's run already queued or
    running (``created`` False)."""
    _interrupt_stale(store=store)
    active = (
        CertificationRun.objects.select_for_update()
        .filter(store=store, status__in=CERTIFICATION_RUN_ACTIVE)
        .first()
    )
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            run = CertificationRun.objects.create(store=store, started_by=started_by)
    except IntegrityError:  # another request started one meanwhile
        return CertificationRun.objects.get(store=store, status__in=CERTIFICATION_RUN_ACTIVE), False
    run_id = run.pk
    transaction.on_commit(lambda: _queue(run_id))
    return run, True


def _queue(run_id: int) -> None:
    """Queue the run's task (eager: play it here and now). A broker that cannot be reached
    closes the run with the reason instead of failing the page."""
    try:
        current_app.tasks[RUN_CERTIFICATION].delay(run_id)
    except Exception as exc:  # kombu's connection errors have no common base worth naming
        logger.exception("Certification run %s could not be queued", run_id)
        certification_run_finish(
            run_id=run_id,
            error=f"The task queue could not be reached ({type(exc).__name__}). Try again.",
        )


def _interrupt_stale(*, store) -> None:
    stale = timezone.now() - STALE_AFTER
    for status, reason in (
        (CertificationRunStatus.QUEUED, STALE_QUEUED),
        (CertificationRunStatus.RUNNING, STALE_RUNNING),
    ):
        CertificationRun.objects.filter(store=store, status=status, updated_at__lt=stale).update(
            status=CertificationRunStatus.ERROR,
            error=reason,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


@transaction.atomic
def certification_run_claim(*, run_id: int) -> CertificationRun | None:
    """Take the run up: a queued run, or a running one whose worker went away (then it
    starts again, with fresh test shoppers). None when it is finished or another worker
    is playing it."""
    run = CertificationRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        return None
    stale = run.updated_at < timezone.now() - STALE_AFTER
    if run.status == CertificationRunStatus.QUEUED or (
        run.status == CertificationRunStatus.RUNNING and stale
    ):
        run.status = CertificationRunStatus.RUNNING
        run.attempts += 1
        run.results, run.notes, run.error = [], [], ""
        run.progress_done = run.progress_total = 0
        run.save()
        return run
    return None


def certification_run_plan(*, run: CertificationRun, total: int, notes: list[str]) -> None:
    """The number of cases the run will play (the page shows done of total) and the rows
    that do not apply to the store."""
    CertificationRun.objects.filter(pk=run.pk).update(
        progress_total=total, notes=notes, updated_at=timezone.now()
    )
    run.progress_total, run.notes = total, notes


@transaction.atomic
def certification_run_record_case(*, run: CertificationRun, result: dict) -> bool:
    """One case finished: its result is kept and the progress moves on. False when the run
    is no longer this worker's (closed, or taken up again after it went quiet): stop."""
    row = CertificationRun.objects.select_for_update().get(pk=run.pk)
    if row.status != CertificationRunStatus.RUNNING or row.attempts != run.attempts:
        return False
    row.results = [*row.results, result]
    row.progress_done = len(row.results)
    row.save(update_fields=["results", "progress_done", "updated_at"])
    run.results, run.progress_done = row.results, row.progress_done
    return True


@transaction.atomic
def certification_run_finish(
    *, run_id: int, error: str = "", attempt: int | None = None
) -> CertificationRun | None:
    """Close the run: "error" with ``error``, else "failed" when a case failed, else
    "passed". A run already closed, or taken up again since ``attempt``, is left alone."""
    run = CertificationRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or not run.active or (attempt is not None and run.attempts != attempt):
        return run
    if error:
        run.status, run.error = CertificationRunStatus.ERROR, error
    elif any(case.get("status") == "failed" for case in run.results):
        run.status = CertificationRunStatus.FAILED
    else:
        run.status = CertificationRunStatus.PASSED
    run.finished_at = timezone.now()
    run.save()
    return run


def recorded_case_create(
    *, store, title: str, locale: str, steps: list[dict], session_id: str = "", actor=None
) -> RecordedCase:
    """A certification case made from a real session (the transcripts page): ``steps``
    each hold what Alexa sent (``request_type``, ``intent``, ``slots``) and the answer
    expected (``expect_reply``, ``expect_directives``). Refuses a case with no step the
    checklist can play."""
    playable = [s for s in steps if s.get("request_type") in RECORDED_REQUESTS]
    if not playable:
        raise ValueError(
            "The session has no turn the checklist can play (a launch or an intent): no case "
            "was made."
        )
    return RecordedCase.objects.create(
        store=store,
        title=title[:120],
        locale=locale,
        session_id=session_id[:200],
        steps=playable,
        created_by=actor,
    )


def recorded_case_delete(*, store, case_id: int) -> bool:
    return RecordedCase.objects.filter(store=store, pk=case_id).delete()[0] > 0
