"""Prometheus metrics for operators, served at ``/metrics``.

django-prometheus measures requests (latency per view, status codes) and database queries
through its middleware and database wrappers (config/settings.py). This module adds what
happens off the request path, Celery task outcomes counted by task name through Celery's
signals, and the view that exposes everything to a scraper holding ``METRICS_TOKEN``
(``Authorization: Bearer <token>``) or to a logged-in staff member.

Metrics of another part of the portal are defined in that app's own ``metrics.py`` with
prometheus_client (a Counter or Histogram at module level, labelled by a few bounded values,
never by store, shopper or order) and land in the same registry.

With several processes per host (gunicorn workers, Celery's prefork children) each process
counts alone; set PROMETHEUS_MULTIPROC_DIR to one empty directory shared by the host's
processes and any of them answers for all (prometheus_client's multiprocess mode).
"""

import hmac
import os

from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)

from merchant.two_factor import second_factor_missing

CELERY_TASKS = Counter(
    "voicestore_celery_tasks",
    "Celery tasks finished, by task name and outcome (success, failure, retry).",
    ["task", "outcome"],
)


def _task_name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


@task_success.connect(weak=False)
def count_task_success(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_task_name(sender), outcome="success").inc()


@task_failure.connect(weak=False)
def count_task_failure(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_task_name(sender), outcome="failure").inc()


@task_retry.connect(weak=False)
def count_task_retry(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_task_name(sender), outcome="retry").inc()


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def scraper_may_read(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip(), token)
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return not second_factor_missing(request)


def metrics_view(request):
    if not scraper_may_read(request):
        return HttpResponse(
            "Metrics need a staff login or the bearer token (METRICS_TOKEN).\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
