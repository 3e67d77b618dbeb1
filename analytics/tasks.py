"""Beat tasks of the analytics app: thin loops over the stores that call the services.

Both are safe to run twice or concurrently with themselves: a rollup is recomputed from the
raw rows (same rows in, same row out), and the purge deletes only rows past retention on
days already rolled up. One store's failure is logged and does not stop the others.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from merchant.models import Store
from ucp.services.agent_errors import agent_errors_purge

from . import periods, services

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def rollup_recent_days() -> int:
    """Hourly: for every store, (re)compute its last ``ANALYTICS_RECOMPUTE_DAYS`` closed
    days (yesterday and the days before it, in the store's time zone), so yesterday is
    rolled up within the hour after the store's midnight and late rows are picked up.
    Returns the number of store-days written."""
    written = 0
    for store in Store.objects.order_by("pk"):
        yesterday = periods.store_today(store) - periods.ONE_DAY
        first = yesterday - timedelta(days=settings.ANALYTICS_RECOMPUTE_DAYS - 1)
        try:
            written += len(services.store_rollup_days(store=store, first=first, last=yesterday))
        except Exception:
            log.exception("analytics rollup of store %s failed", store.pk)
    return written


@shared_task(acks_late=True)
def purge_old_interactions() -> int:
    """Daily: delete raw interaction rows past ``ANALYTICS_RETENTION_DAYS`` on days already
    rolled up (``services.interactions_purge``). Returns the number of rows deleted."""
    deleted = 0
    for store in Store.objects.order_by("pk"):
        try:
            deleted += services.interactions_purge(store=store)
        except Exception:
            log.exception("purging the interactions of store %s failed", store.pk)
    # The same daily run lets the UCP error answers of the Agents pages go after their time.
    try:
        deleted += agent_errors_purge()
    except Exception:
        log.exception("purging the UCP error answers failed")
    return deleted
