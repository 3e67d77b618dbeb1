"""Handing one task to the Celery broker, from a request that has already committed.

A publish must never keep the shopper or the member of staff waiting for a broker that is
down: the settings bound the connection (``CELERY_BROKER_CONNECTION_TIMEOUT``, one attempt,
``socket_connect_timeout`` and ``socket_timeout`` in ``CELERY_BROKER_TRANSPORT_OPTIONS``),
``retry=False`` skips Celery's publish retries, and after a failure this process stops
trying for ``OUTBOX_BROKER_PAUSE_SECONDS``: the other effects of the same request, and of
the requests that follow, are left to the sweeper at once instead of each waiting for the
same timeout.

Under ``CELERY_TASK_ALWAYS_EAGER`` (no broker: development and tests) the task runs here
and now, and its own errors propagate as they do in a worker's log.
"""

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from celery import current_app
from django.conf import settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_paused_until = 0.0  # time.monotonic() before which this process does not try the broker


def eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def paused() -> bool:
    """True while a broker failure of this process is recent (never in eager mode)."""
    return not eager() and time.monotonic() < _paused_until


def resume() -> None:
    """Forget the last failure: the next publish tries the broker again."""
    global _paused_until
    with _lock:
        _paused_until = 0.0


def _pause() -> None:
    global _paused_until
    with _lock:
        _paused_until = time.monotonic() + settings.OUTBOX_BROKER_PAUSE_SECONDS


def publish(task: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None) -> str:
    """Hand the task named ``task`` to the broker: "" when it was, else why not (the
    failure is logged, never raised)."""
    if eager():
        current_app.tasks[task].apply_async(tuple(args), kwargs or {})
        return ""
    if paused():
        return "The broker failed moments ago; left for the sweeper."
    try:
        current_app.send_task(task, args=list(args), kwargs=kwargs or {}, retry=False)
    except Exception as exc:  # kombu's and redis-py's errors share no base worth naming
        _pause()
        log.warning("Could not hand %s%s to the broker (%r); the sweeper will", task, args, exc)
        return f"{type(exc).__name__}: {exc}"[:500]
    return ""
