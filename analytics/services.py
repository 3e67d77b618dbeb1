"""Writes of the analytics app: the daily rollups, and the retention of the skill's raw
interaction log.

Rollups are recomputed, never incremented: computing a day again from the same raw rows
writes the same row (upserts on (store, day)), so the beat task may run any number of
times and late rows are picked up by the next run within ``ANALYTICS_RECOMPUTE_DAYS``.
Two things are kept from the first computation on purpose:

* the shoppers active on a day (``DailyActiveCustomer``) are only ever added: deleting a
  ``Customer`` sets the raw log's customer to NULL, and a recomputed day must not forget
  them (``orders.services.customer_erase`` keeps the customer's row and id, so an erasure
  changes neither the raw log's counts nor the rollups);
* ``active_subscriptions``: a snapshot of state, not a count of events, best taken just after
  the day ended (entitlements keep no history).

A day's conversations (``conversations.py``: paths, fallbacks, the Amazon Pay funnel, the
product words) are replaced whole, in the same transaction, under a lock per store that the
erasure of a shopper's words takes too: two runs at once write one set of rows.
"""

import logging
from datetime import date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from merchant.models import Store
from orders.models import Customer
from skill.models import Interaction

from . import conversations, metrics, periods, raw
from .models import (
    DailyActiveCustomer,
    DailyFallbackCount,
    DailyIntentCount,
    DailyPathCount,
    DailyProductWords,
    DailyRollup,
    DailySessionPart,
    SessionReview,
)

log = logging.getLogger(__name__)

_RECOMPUTED = [name for name in metrics.ROLLUP_FIELDS if name != "active_subscriptions"]


def store_rollup_days(
    *, store: Store, first: date, last: date, now: datetime | None = None
) -> list[date]:
    """Compute and store the rollups of ``store``'s closed days ``first``..``last`` (days
    that have not ended are skipped). A day older than retention allows is computed only if
    it has no rollup yet (history from before the analytics app): the raw rows around a
    rolled-up old day may be purged, so it is never recomputed. Returns the days written."""
    last = min(last, periods.store_today(store, now) - periods.ONE_DAY)
    if first > last:
        return []
    limit = periods.oldest_recomputable_day(store, now)
    frozen = DailyRollup.objects.filter(
        store=store, day__gte=first, day__lte=min(last, limit - periods.ONE_DAY)
    ).values_list("day", flat=True)
    by_day = raw.raw_days(store, first, last, now=now, customers=False)
    for day in frozen if first < limit else []:
        del by_day[day]
    if not by_day:
        return []
    with transaction.atomic():
        _lock_rollups(store)
        talks = conversations.of_days(store, sorted(by_day))
        _active_customers_add(store, first, last, list(by_day))
        counted = (
            DailyActiveCustomer.objects.filter(store=store, day__in=list(by_day))
            .values_list("day")
            .annotate(n=Count("pk"), new=Count("pk", filter=Q(is_new=True)))
            .order_by()
        )
        for day, n, new in counted:  # shoppers of earlier runs stay counted
            by_day[day].unique_customers = n
            by_day[day].new_customers = new
        DailyRollup.objects.bulk_create(
            [
                DailyRollup(
                    store=store,
                    day=day,
                    amazon_pay_funnel=talks[day].funnel,
                    **metrics.to_rollup(values),
                )
                for day, values in by_day.items()
            ],
            update_conflicts=True,
            unique_fields=["store", "day"],
            update_fields=[*_RECOMPUTED, "amazon_pay_funnel", "computed_at"],
        )
        _conversations_replace(store, talks)
        # Upserts, not delete and insert: two runs at once (the hourly job and a backfill)
        # both succeed. An intent never leaves a day: the raw log only grows.
        DailyIntentCount.objects.bulk_create(
            [
                DailyIntentCount(store=store, day=day, intent=intent, utterances=n, failed=failed)
                for day, values in by_day.items()
                for intent, (n, failed) in sorted(values.intents.items())
            ],
            update_conflicts=True,
            unique_fields=["store", "day", "intent"],
            update_fields=["utterances", "failed"],
            batch_size=5000,
        )
    return list(by_day)


def _lock_rollups(store: Store) -> None:
    """Until the transaction ends, no other rollup of the store's conversations runs (on
    PostgreSQL; SQLite runs one writing transaction at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ROLLUP_LOCK, store.pk])


_ROLLUP_LOCK = 24_0001  # the first key of the store's rollup lock (the second: its id)


def _conversations_replace(store: Store, talks: dict[date, conversations.DayConversations]) -> None:
    """The days' conversation rows, replaced by ``talks`` (in the caller's transaction)."""
    days = list(talks)
    for model in (DailyPathCount, DailySessionPart, DailyFallbackCount):
        model.objects.filter(store=store, day__in=days).delete()
    DailyPathCount.objects.bulk_create(
        [
            DailyPathCount(
                store=store,
                day=day,
                path=row.path,
                ending=row.ending,
                handoff=row.handoff,
                sessions=row.sessions,
                example=row.example,
            )
            for day, talk in talks.items()
            for row in talk.paths
        ],
        batch_size=2000,
    )
    DailySessionPart.objects.bulk_create(
        [
            DailySessionPart(
                store=store,
                day=day,
                session_id=session_id,
                path=part.path,
                ending=part.ending,
                handoff=part.handoff,
                launched=part.launched,
            )
            for day, talk in talks.items()
            for session_id, part in sorted(talk.parts.items())
        ],
        batch_size=2000,
    )
    DailyFallbackCount.objects.bulk_create(
        [
            DailyFallbackCount(
                store=store,
                day=day,
                before_day=before_day,
                request_type=request_type,
                intent=intent,
                outcome=outcome,
                times=n,
            )
            for day, talk in talks.items()
            for (before_day, request_type, intent, outcome), n in talk.fallbacks.items()
        ],
        batch_size=2000,
    )
    _product_words_replace(store, talks)


def _product_words_replace(store: Store, talks: dict[date, conversations.DayConversations]) -> None:
    DailyProductWords.objects.filter(store=store, day__in=list(talks)).delete()
    DailyProductWords.objects.bulk_create(
        [
            DailyProductWords(
                store=store,
                day=day,
                words=words,
                locale=locale,
                asked=asked,
                unavailable=unavailable,
                unheard=unheard,
            )
            for day, talk in talks.items()
            for (words, locale), (asked, unavailable, unheard) in sorted(talk.words.items())
        ],
        batch_size=2000,
    )


def customer_words_forget(*, customer: Customer, now: datetime | None = None) -> list[date]:
    """``orders.signals.customer_erased`` (in the erasure's transaction): the product words
    rolled up from the shopper's requests leave the rollups, as their words leave the raw
    log (``skill.services.interactions_erase_words``): each rolled-up day they spoke on is
    counted again without their requests. Returns those days."""
    store = Store.objects.get(pk=customer.store_id)
    with transaction.atomic():
        _lock_rollups(store)
        spoken = (
            Interaction.objects.filter(store=store, customer=customer)
            .annotate(day=TruncDate("created_at", tzinfo=store.zoneinfo))
            .values_list("day", flat=True)
            .distinct()
            .order_by()
        )
        kept = _words_kept_from(store, now)
        days = sorted(
            DailyRollup.objects.filter(
                store=store,
                day__in=[day for day in spoken if day >= kept],
                amazon_pay_funnel__isnull=False,
            ).values_list("day", flat=True)
        )
        _product_words_replace(store, conversations.product_words_of(store, days, without=customer))
    return days


def _words_kept_from(store: Store, now: datetime | None) -> date:
    """The first day whose raw log is within retention (older days are purged)."""
    return periods.oldest_recomputable_day(store, now) - periods.ONE_DAY


def conversations_purge(*, store: Store, now: datetime | None = None) -> None:
    """With the raw log past retention go the rolled-up rows that hold the shoppers' words or
    name its sessions: the product words, the session parts, the paths' examples. The
    counts stay, as the intent counts do."""
    kept = _words_kept_from(store, now)
    with transaction.atomic():
        _lock_rollups(store)
        DailyProductWords.objects.filter(store=store, day__lt=kept).delete()
        DailySessionPart.objects.filter(store=store, day__lt=kept).delete()
        DailyPathCount.objects.filter(store=store, day__lt=kept, example__isnull=False).update(
            example=None
        )


def _active_customers_add(store: Store, first: date, last: date, days: list[date]) -> None:
    """Add the shoppers active on ``days`` to ``DailyActiveCustomer`` (rows already there
    stay as they are), in one INSERT ... SELECT."""
    active = raw.active_customer_rows(store, *periods.span(store, first, last), store.zoneinfo)
    sql, params = active.filter(day__in=days).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DailyActiveCustomer._meta.db_table} "
            "(store_id, day, customer_id, is_new) "
            f"SELECT %s, a.day, a.customer_id, a.day = a.created FROM ({sql}) a WHERE 1 = 1 "
            "ON CONFLICT (store_id, day, customer_id) DO NOTHING",
            [store.pk, *params],
        )


def interactions_purge(
    *,
    store: Store,
    now: datetime | None = None,
    batch: int | None = None,
    max_batches: int | None = None,
) -> int:
    """Delete ``store``'s raw interaction rows past retention (``ANALYTICS_RETENTION_DAYS``),
    in batches of ``ANALYTICS_PURGE_BATCH`` rows, each its own short transaction.

    This is the one place allowed to delete old ``skill.Interaction`` rows (the skill app
    only appends them). Only days already rolled up are purged, so every aggregate stays
    as it was; days that never were (history from before the analytics app: run
    ``manage.py analytics_rollup``) are kept and reported in the log. Returns rows deleted.
    """
    batch = batch or settings.ANALYTICS_PURGE_BATCH
    max_batches = max_batches or settings.ANALYTICS_PURGE_MAX_BATCHES
    before = periods.purge_before(store, now)
    conversations_purge(store=store, now=now)
    old = Interaction.objects.filter(store=store, created_at__lt=before).annotate(
        day=TruncDate("created_at", tzinfo=store.zoneinfo)
    )
    rolled_up = Exists(DailyRollup.objects.filter(store=store, day=OuterRef("day")))
    deleted = 0
    for _ in range(max_batches):
        ids = list(
            old.filter(rolled_up).order_by("created_at").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        with transaction.atomic():
            deleted += Interaction.objects.filter(store=store, pk__in=ids).delete()[0]
    else:
        return deleted  # more next time
    if deleted:
        session_reviews_purge(store=store)
    kept = old.exclude(rolled_up).values("day").distinct().count()
    if kept:
        log.warning(
            "store %s: %d days past retention are not rolled up; their raw interactions are "
            "kept (run manage.py analytics_rollup --store %s)",
            store.pk,
            kept,
            store.slug,
        )
    return deleted


def session_reviews_purge(*, store: Store) -> int:
    """Delete the store's session reviews whose session has no raw interaction left (purged
    past retention): a review never outlives what it is about."""
    left = Interaction.objects.filter(store=store, session_id=OuterRef("session_id"))
    return SessionReview.objects.filter(store=store).exclude(Exists(left)).delete()[0]
