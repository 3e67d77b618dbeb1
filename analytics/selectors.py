"""Reads of the analytics app: a store's metrics over a range of its days.

Closed days come from the rollups (``DailyRollup``, ``DailyIntentCount``,
``DailyActiveCustomer``); today, and any closed day the rollup has not reached yet, from the
raw tables (``raw.raw_days``, one batch over the span of such days). Distinct shoppers over
the range are counted once across both. The number of queries does not depend on the data's
size or the range's length. Every read is scoped by the store it is given; which stores a
staff member may read is ``store_for_staff``.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.fields import BooleanField
from django.http import Http404

from merchant.models import Area, Store
from merchant.selectors import stores_for_user

from . import metrics, periods, raw
from .models import DailyActiveCustomer, DailyIntentCount, DailyRollup


def store_for_staff(*, user: User | AnonymousUser, slug: str) -> Store:
    """The store ``slug`` if ``user`` may read its orders (as the orders API): else 404,
    the same answer as for a store that does not exist."""
    store = stores_for_user(user=user, area=Area.ORDERS).filter(slug=slug).first()
    if store is None:
        raise Http404("No store you work for has this slug.")
    return store


@dataclass
class Range:
    by_day: dict[date, metrics.Day]  # the days that have begun, oldest first
    raw_span: tuple[date, date] | None  # the days read from the raw tables
    rolled_up: list[date]  # the days read from the rollups


def _raw_span(
    store: Store, start: date, end: date, rollups: dict[date, Any], now: datetime | None
) -> tuple[date, date] | None:
    """The days of the range to read from the raw tables: from the first to the last day
    that has begun and has no rollup (``None``: none)."""
    last = min(end, periods.store_today(store, now))
    missing = [d for d in periods.days(start, last) if d not in rollups]
    return (missing[0], missing[-1]) if missing else None


def _range_days(
    store: Store,
    start: date,
    end: date,
    *,
    now: datetime | None = None,
    rollups: dict[date, dict[str, Any]] | None = None,
    from_raw: dict[date, metrics.Day] | None = None,
) -> Range:
    """The range's days; ``rollups``: the rows already read for a span covering it;
    ``from_raw``: the raw days already read for a span covering its ``_raw_span``."""
    last = min(end, periods.store_today(store, now))
    if start > last:
        return Range({}, None, [])
    if rollups is None:
        rollups = _rollups(store, start, last)
    else:
        rollups = {day: row for day, row in rollups.items() if start <= day <= last}
    raw_span = _raw_span(store, start, last, rollups, now)
    if from_raw is None:
        from_raw = raw.raw_days(store, *raw_span, now=now) if raw_span else {}
    # A rolled-up day inside the raw span still counts as rolled up: its raw rows may be
    # purged already.
    by_day = {
        day: metrics.from_rollup(rollups[day]) if day in rollups else from_raw[day]
        for day in periods.days(start, last)
    }
    return Range(by_day, raw_span, sorted(rollups))


def _rollups(store: Store, first: date, last: date) -> dict[date, dict[str, Any]]:
    return {
        row["day"]: row
        for row in DailyRollup.objects.filter(store=store, day__range=(first, last)).values(
            "day", *metrics.ROLLUP_FIELDS, "amazon_pay_funnel"
        )
    }


def _intents(store: Store, found: Range) -> dict[str, list[int]]:
    """{intent: [utterances, failed]} over the range: the rolled-up days' in one query."""
    totals: dict[str, list[int]] = {}
    if found.rolled_up:
        rows = (
            DailyIntentCount.objects.filter(store=store, day__in=found.rolled_up)
            .values_list("intent")
            .annotate(n=Sum("utterances"), failed=Sum("failed"))
            .order_by()
        )
        totals = {intent: [n, failed] for intent, n, failed in rows}
    rolled_up = set(found.rolled_up)
    for day in found.by_day:
        if day not in rolled_up:
            for intent, (n, failed) in found.by_day[day].intents.items():
                seen = totals.setdefault(intent, [0, 0])
                seen[0] += n
                seen[1] += failed
    return totals


def _distinct_customers(store: Store, start: date, end: date, found: Range) -> tuple[int, int]:
    """(distinct shoppers, of them first seen in the range) over the rolled-up days'
    ``DailyActiveCustomer`` rows and the raw span's interactions, in one query. A shopper
    is new when created in the range (a rolled-up row: created that day)."""
    return _distinct_customers_of(store, [(start, end, found)])[0]


def _distinct_customers_of(
    store: Store, ranges: list[tuple[date, date, Range]]
) -> list[tuple[int, int]]:
    """``_distinct_customers`` of each range, all in one query (a column pair per range)."""
    sqls: list[str] = []
    params: list[Any] = []
    for n, (start, end, found) in enumerate(ranges):
        for qs in _shopper_parts(store, start, end, found):
            sql, args = qs.query.sql_with_params()
            sqls.append(f"SELECT {n} AS r, p.customer_id, p.is_new FROM ({sql}) p")
            params.extend(args)
    if not sqls:
        return [(0, 0) for _ in ranges]
    columns = ", ".join(
        f"COUNT(DISTINCT CASE WHEN u.r = {n} THEN u.customer_id END), "
        f"COUNT(DISTINCT CASE WHEN u.r = {n} AND u.is_new THEN u.customer_id END)"
        for n in range(len(ranges))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ({' UNION ALL '.join(sqls)}) u", params)
        row = cursor.fetchone()
    return [(row[2 * n], row[2 * n + 1]) for n in range(len(ranges))]


def _shopper_parts(
    store: Store, start: date, end: date, found: Range
) -> list[QuerySet[Any, tuple[int, bool]]]:
    parts: list[QuerySet[Any, tuple[int, bool]]] = []
    if found.rolled_up:
        parts.append(
            DailyActiveCustomer.objects.filter(
                store=store, day__range=(found.rolled_up[0], found.rolled_up[-1])
            )
            .values_list("customer_id", "is_new")
            .order_by()
        )
    if found.raw_span:
        range_start, range_stop = periods.span(store, start, end)
        first_seen = Q(customer__created_at__gte=range_start, customer__created_at__lt=range_stop)
        parts.append(
            raw.with_shopper(store, *periods.span(store, *found.raw_span))
            .annotate(is_new=ExpressionWrapper(first_seen, output_field=BooleanField()))
            .values_list("customer_id", "is_new")
            .order_by()
        )
    return parts


def analytics_summary(
    *, store: Store, start: date, end: date, now: datetime | None = None
) -> dict[str, Any]:
    """The API's ``metrics`` for ``store``'s days ``start``..``end`` (inclusive)."""
    found = _range_days(store, start, end, now=now)
    unique, new = _distinct_customers(store, start, end, found)
    return metrics.summary_metrics(
        list(found.by_day.values()),
        currency=store.currency,
        unique=unique,
        new=new,
        intents=_intents(store, found),
    )


@dataclass
class Report:
    summary: dict[str, Any]
    previous: dict[str, Any]  # the same days just before; its ``top_intents`` left empty
    series: dict[str, list[dict[str, Any]]]
    rolled_up: set[date]  # the days rolled up from ``rolled_up_from`` to ``end``
    rolled_up_from: date
    # The same days' Amazon Pay funnels (None: the day's conversations are not rolled up).
    funnels: dict[date, dict[str, int] | None]

    def rolled_up_days_from(self, first: date) -> set[date] | None:
        """The rolled-up days from ``first`` on, when the report read that far back."""
        return self.rolled_up if first >= self.rolled_up_from else None


def analytics_report(
    *,
    store: Store,
    start: date,
    end: date,
    previous: tuple[date, date],
    series: tuple[str, ...] = (),
    also_from: date | None = None,
    now: datetime | None = None,
) -> Report:
    """What the dashboard shows: ``analytics_summary`` of the range and of the ``previous``
    one, and the ``analytics_timeseries`` of each metric in ``series``, each day read once:
    the rollups of both ranges in one query, the days neither has rolled up from the raw
    tables in one batch (``raw.raw_days_of``), their distinct shoppers in one query. Which
    days are rolled up is also told from ``also_from`` on (the dashboard's retention needs
    it)."""
    first = min(start, previous[0], also_from or start)
    rollups = _rollups(store, first, max(end, previous[1]))
    spans = [
        span
        for span in (
            _raw_span(store, start, end, rollups, now),
            _raw_span(store, *previous, rollups, now),
        )
        if span is not None
    ]
    from_raw = raw.raw_days_of(store, spans, now=now) if spans else {}
    found = _range_days(store, start, end, now=now, rollups=rollups, from_raw=from_raw)
    before = _range_days(store, *previous, now=now, rollups=rollups, from_raw=from_raw)
    (unique, new), (unique_before, new_before) = _distinct_customers_of(
        store, [(start, end, found), (*previous, before)]
    )
    summary = metrics.summary_metrics(
        list(found.by_day.values()),
        currency=store.currency,
        unique=unique,
        new=new,
        intents=_intents(store, found),
    )
    previous_summary = metrics.summary_metrics(
        list(before.by_day.values()),
        currency=store.currency,
        unique=unique_before,
        new=new_before,
        intents={},
    )
    days = periods.days(start, end)
    points = {
        metric: metrics.timeseries_points(metric, days, found.by_day, store.currency)
        for metric in series
    }
    funnels = {day: row["amazon_pay_funnel"] for day, row in rollups.items()}
    return Report(summary, previous_summary, points, set(rollups), first, funnels)


def analytics_timeseries(
    *, store: Store, metric: str, start: date, end: date, now: datetime | None = None
) -> list[dict[str, Any]]:
    """One point per day of ``start``..``end`` (``null`` for days that have not begun)."""
    found = _range_days(store, start, end, now=now)
    return metrics.timeseries_points(metric, periods.days(start, end), found.by_day, store.currency)
