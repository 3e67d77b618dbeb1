"""Play the certification cases of one ``CertificationRun``.

``run_certification(run_id)`` (the Celery task's body) takes the run up, plans the cases
that apply to the store (``cases.plan_cases``), checks once that the skill can reach the ISP
sandbox over HTTP (``ISP_SANDBOX_BASE_URL``: the portal itself when it runs), then plays each
case with its own fresh test shopper, ``amzn1.ask.account.certification-<run>-<case>``,
whose ISP sandbox purchases are forgotten at the end. After each case its result (status,
the expectations in words, the transcript) is saved and the progress moves on; the run ends
"passed", "failed" or, when nothing could be played, "error".

Each turn commits on its own (no transaction around a case): the skill's Monetization API
call reaches the sandbox through another request, which must see what the turns stored. The
shopper's ``apiAccessToken`` is one the sandbox issued (``skill.testing.envelopes``).
"""

import logging
import time

from django.conf import settings

from isp import monetization
from isp import sandbox as isp_sandbox

from . import services
from .cases import plan_cases
from .dialogue import Dialogue, DialogueError
from .expectations import ISP, CannotRun, Case, Expect, Plan, Stop

logger = logging.getLogger(__name__)


def run_certification(run_id: int) -> str:
    """Play the run's cases; returns what happened in one word (for the task's log)."""
    run = services.certification_run_claim(run_id=run_id)
    if run is None:
        return "not mine"  # finished already, or another worker is playing it
    try:
        plan = plan_cases(run.store)
    except CannotRun as exc:
        services.certification_run_finish(run_id=run.pk, error=str(exc), attempt=run.attempts)
        return "error"
    services.certification_run_plan(run=run, total=len(plan.cases), notes=plan.notes)
    isp_problem = _isp_sandbox_problem(plan, run)
    for case in plan.cases:
        if isp_problem and case.group == ISP and not case.skipped:
            result = _result(case, status="failed", failures=[isp_problem])
        else:
            result = play_case(plan, case, user_id=_user_id(run, case), device_id=_device(run))
        if not services.certification_run_record_case(run=run, result=result):
            return "superseded"
    finished = services.certification_run_finish(run_id=run.pk, attempt=run.attempts)
    return finished.status if finished is not None else "gone"


def play_case(plan: Plan, case: Case, *, user_id: str, device_id: str) -> dict:
    """One case with a fresh test shopper: its result as the run keeps it."""
    if case.skipped:
        return _result(case, status="skipped", reason=case.skipped)
    started = time.monotonic()
    dialogue = Dialogue(
        store=plan.store,
        skill_id=plan.skill_id,
        locale=plan.locale,
        matcher=plan.matcher,
        user_id=user_id,
        device_id=device_id,
        consent=case.consent,
    )
    expect = Expect()
    stopped = ""
    try:
        case.play(plan, dialogue, expect)
    except Stop:
        stopped = "The case stopped there: the rest depends on it."
    except DialogueError as exc:
        expect.check(False, "The conversation can go on", str(exc))
    except Exception as exc:  # the skill (or the sandbox) broke: the owner must see it
        logger.exception("Certification case %s of store %s raised", case.key, plan.store.pk)
        expect.check(False, "The skill answers without an error", f"{type(exc).__name__}: {exc}")
    finally:
        isp_sandbox.sandbox_reset(store=plan.store, user_id=user_id)
    failures = expect.failures()
    return _result(
        case,
        status="failed" if failures else "passed",
        failures=failures,
        expectations=expect.items,
        transcript=dialogue.transcript,
        user_id=user_id,
        seconds=round(time.monotonic() - started, 2),
        reason=stopped,
    )


def _result(case: Case, *, status: str, **fields) -> dict:
    result = {
        "key": case.key,
        "title": case.title,
        "row": case.row,
        "group": case.group,
        "status": status,
        "failures": [],
        "expectations": [],
        "transcript": [],
        "user_id": "",
        "seconds": 0,
        "reason": "",
    }
    result.update(fields)
    return result


def _user_id(run, case: Case) -> str:
    """A shopper no earlier case or run has used (a run taken up again gets new ones)."""
    attempt = f"-{run.attempts}" if run.attempts > 1 else ""
    return f"amzn1.ask.account.certification-{run.pk}-{case.key}{attempt}"


def _device(run) -> str:
    return f"amzn1.ask.device.certification-{run.pk}"


def _isp_sandbox_problem(plan: Plan, run) -> str:
    """Why the skill could not reach the ISP sandbox over HTTP ("" when it can): asked once,
    as the skill asks it, before any in-skill purchasing case is played."""
    if not any(case.group == ISP and not case.skipped for case in plan.cases):
        return ""
    user_id = f"amzn1.ask.account.certification-{run.pk}-preflight"
    token = isp_sandbox.sandbox_access_token(skill_id=plan.skill_id, user_id=user_id)
    result = monetization.fetch_in_skill_products(
        store=plan.store, api_endpoint="", api_access_token=token, locale=plan.locale
    )
    if result.available:
        return ""
    return (
        f"The skill could not reach the ISP sandbox at {settings.ISP_SANDBOX_BASE_URL} "
        f"({result.reason}). It must be this portal's own address (the setting "
        "ISP_SANDBOX_BASE_URL), served by a server that can answer a second request while "
        "the cases run."
    )
