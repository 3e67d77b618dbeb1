"""The launch checklist pages, for store owners (the settings area, as the voice console):
the checklist and the certification runs of one store, a run's transcripts, and the JSON
progress ``static/voicelab/launch.js`` polls.

A user who owns no store gets 403; a store that is not theirs is a 404. Starting a run
queues its task after commit: with a broker the page comes back at once and polls the
progress; under ``CELERY_TASK_ALWAYS_EAGER`` (``make run``, tests) the request plays the
cases itself and the page comes back with the results.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from merchant.models import Store

from . import selectors, services
from .checks import FAILED, PASSED, WARNING, launch_checklist, package_warnings
from .ucp_checks import ucp_profile_valid
from .ucp_run import Step, ucp_conformance_run


def _store(request, store_id: int) -> Store:
    stores = selectors.launch_stores(user=request.user)
    store = stores.filter(pk=store_id).first()
    if store is None:
        if not stores.exists():
            raise PermissionDenied("The launch checklist is for store owners.")
        raise Http404("No store of yours has that id.")
    return store


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


@require_GET
@login_required
def launch_index(request):
    stores = list(selectors.launch_stores(user=request.user))
    if not stores:
        raise PermissionDenied("The launch checklist is for store owners.")
    if len(stores) == 1:
        return redirect("launch:checklist", stores[0].pk)
    context = _context(request, "Launch checklist", stores=stores)
    return render(request, "voicelab/launch/index.html", context)


@require_GET
@login_required
def checklist_page(request, store_id: int):
    return _checklist(request, _store(request, store_id))


@require_POST
@login_required
def ucp_run(request, store_id: int):
    """Play the store's checkout flow through its UCP operations now; the steps' results are
    shown on the checklist page this answers."""
    store = _store(request, store_id)
    steps = ucp_conformance_run(store, host=request.get_host(), secure=request.is_secure())
    return _checklist(request, store, ucp_steps=steps)


def _checklist(request, store: Store, ucp_steps: list[Step] | None = None):
    checks = [*launch_checklist(store), ucp_profile_valid(store)]
    counts = {
        status: sum(1 for c in checks if c.status == status) for status in (PASSED, WARNING, FAILED)
    }
    runs = selectors.store_runs(store=store)
    context = _context(
        request,
        f"Launch checklist: {store.name}",
        store=store,
        checks=checks,
        counts=counts,
        package_warnings=package_warnings(store),
        runs=runs,
        active_run=next((run for run in runs if run.active), None),
        eager=settings.CELERY_TASK_ALWAYS_EAGER,
        ucp_steps=ucp_steps,
    )
    return render(request, "voicelab/launch/checklist.html", context)


@require_POST
@login_required
def run_start(request, store_id: int):
    store = _store(request, store_id)
    run, created = services.certification_run_start(store=store, started_by=request.user)
    if not created:
        messages.info(request, "The certification cases are already running for this store.")
    return redirect("launch:run", store.pk, run.pk)


@require_GET
@login_required
def run_page(request, store_id: int, run_id: int):
    store = _store(request, store_id)
    run = selectors.store_run(store=store, run_id=run_id)
    if run is None:
        raise Http404("No such run of this store.")
    context = _context(
        request,
        f"Certification cases: {store.name}",
        store=store,
        run=run,
        counts=run.counts(),
        groups=_grouped(run.results),
    )
    return render(request, "voicelab/launch/run.html", context)


@require_GET
@login_required
def run_progress(request, store_id: int, run_id: int | None = None):
    """The run's progress as JSON (``run_id`` None: the store's latest run)."""
    store = _store(request, store_id)
    if run_id is None:
        runs = selectors.store_runs(store=store, limit=1)
        run = runs[0] if runs else None
    else:
        run = selectors.store_run(store=store, run_id=run_id)
    if run is None:
        if run_id is None:
            return JsonResponse({"run": None})
        raise Http404("No such run of this store.")
    return JsonResponse({"run": progress(run)})


def progress(run) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "active": run.active,
        "done": run.progress_done,
        "total": run.progress_total,
        "counts": run.counts(),
        "cases": [
            {"key": c["key"], "title": c["title"], "status": c["status"]} for c in run.results
        ],
        "error": run.error,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "url": reverse("launch:run", args=[run.store_id, run.pk]),
    }


def _grouped(results: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for result in results:
        groups.setdefault(result.get("group", ""), []).append(result)
    return list(groups.items())
