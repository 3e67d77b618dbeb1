"""The dashboard's reads of the range's conversations: the interaction paths, what came
before the fallbacks, and the requests by the product words they carry (the Amazon Pay
funnel, the products asked for, the words not understood). Each is one query whatever the
range: the days whose conversations are rolled up (``DailyRollup.amazon_pay_funnel`` set)
are read from the rollups, the others (today, and days rolled up before the conversations
were) from the raw log, put together as the raw log read over the whole range would answer
(``analytics.conversations``; ``voice_reads`` and ``request_reads`` keep the raw reads)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Sum, Value, When, Window
from django.db.models.functions import Lag

from .. import periods
from ..conversations import (
    STEP_SEPARATOR,
    Fragment,
    fragments_here,
    fragments_sql,
    request_groups,
    request_windows,
)
from ..models import (
    DailyFallbackCount,
    DailyPathCount,
    DailyProductWords,
    DailyRollup,
    DailySessionPart,
)
from ..raw import FALLBACK_INTENT, session_requests_within, within
from .reads_base import TOP
from .request_reads import FUNNEL_STEPS, RequestReads, reads_from_rows
from .voice_reads import FallbackContext, Path, contexts, end_of


@dataclass(frozen=True)
class ConversationDays:
    """A range's days that have begun, and which of them have their conversations rolled
    up (with each one's Amazon Pay funnel)."""

    first: date
    last: date
    funnels: dict[date, dict[str, int]]

    @property
    def rolled_up(self) -> list[date]:
        return sorted(self.funnels)

    @property
    def raw(self) -> list[date]:
        if self.first > self.last:
            return []
        return [day for day in periods.days(self.first, self.last) if day not in self.funnels]


def conversation_days(
    store, first: date, last: date, *, now=None, funnels: dict[date, Any] | None = None
) -> ConversationDays:
    """``ConversationDays`` of ``first``..``last``; ``funnels``: every rolled-up day's
    ``amazon_pay_funnel`` over a span covering the range, already read (else one query)."""
    last = min(last, periods.store_today(store, now))
    if funnels is None:
        funnels = dict(
            DailyRollup.objects.filter(
                store=store, day__range=(first, last), amazon_pay_funnel__isnull=False
            ).values_list("day", "amazon_pay_funnel")
        )
    kept = {day: f for day, f in funnels.items() if f is not None and first <= day <= last}
    return ConversationDays(first, last, kept)


def _raw_requests(store, days: ConversationDays):
    return session_requests_within(store, request_windows(store, days.raw))


# Interaction paths --------------------------------------------------------------------------


def paths(store, days: ConversationDays) -> list[Path]:
    """``voice_reads.paths`` of the range: the rolled-up days' whole sessions counted by
    path, the sessions that ran past midnight joined from their parts and the raw days'."""
    if connection.vendor != "postgresql":
        return paths_joined_here(store, days)
    rolled, raw = days.rolled_up, days.raw
    parts_sql, counts_sql = [], []
    params: list[Any] = []
    if rolled:
        sql, args = (
            DailySessionPart.objects.filter(store=store, day__in=rolled)
            .annotate(
                launched_n=Case(When(launched=True, then=1), default=0, output_field=IntegerField())
            )
            .values("session_id", "day", "path", "ending", "handoff", "launched_n")
            .order_by()
            .query.sql_with_params()
        )
        parts_sql.append(
            "SELECT p.session_id, p.day, p.path, p.ending, p.handoff, p.launched_n AS launched "
            f"FROM ({sql}) p"
        )
        params.extend(args)
    if raw:
        sql, args = fragments_sql(
            _raw_requests(store, days), store.zoneinfo
        ).query.sql_with_params()
        parts_sql.append(
            f"SELECT r.session_id, r.day, r.path, r.ending, r.handoff, r.launched FROM ({sql}) r"
        )
        params.extend(args)
    if not parts_sql:
        return []
    params.append(STEP_SEPARATOR)
    if rolled:
        sql, args = (
            DailyPathCount.objects.filter(store=store, day__in=rolled)
            .values("path", "ending", "handoff", "sessions", "example")
            .order_by()
            .query.sql_with_params()
        )
        counts_sql.append(
            f"SELECT c.path, c.ending, c.handoff, c.sessions, c.example FROM ({sql}) c UNION ALL "
        )
        params.extend(args)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH parts AS ({' UNION ALL '.join(parts_sql)}), "
            "joined AS (SELECT j.session_id, "
            "COALESCE(STRING_AGG(j.path, %s ORDER BY j.day), '') AS path, "
            "MAX(j.ending) AS ending, MAX(j.handoff) AS handoff, MAX(j.launched) AS launched "
            "FROM parts j GROUP BY j.session_id), "
            f"counted AS ({''.join(counts_sql)}"
            "SELECT j.path, j.ending, j.handoff, 1 AS sessions, j.session_id AS example "
            "FROM joined j "
            "WHERE j.launched = 1) "
            "SELECT k.path, k.ending, k.handoff, SUM(k.sessions) AS total, MIN(k.example) "
            "FROM counted k GROUP BY k.path, k.ending, k.handoff "
            "ORDER BY total DESC, k.path, k.ending, k.handoff LIMIT %s",
            [*params, TOP],
        )
        rows = cursor.fetchall()
    return [
        Path(
            tuple(s for s in path.split(STEP_SEPARATOR) if s),
            end_of(ending, handoff),
            n,
            example or "",
        )
        for path, ending, handoff, n, example in rows
    ]


def paths_joined_here(store, days: ConversationDays) -> list[Path]:
    """``paths`` for databases without an ordered string aggregate, put together here."""
    parts: dict[str, dict[date, Fragment]] = defaultdict(dict)
    counted: Counter = Counter()
    example: dict[tuple[str, int, int], str] = {}

    def count(key: tuple[str, int, int], n: int, session_id: str | None) -> None:
        counted[key] += n
        if session_id is not None:
            example[key] = min(example.get(key, session_id), session_id)

    if days.rolled_up:
        for session_id, day, path, ending, handoff, launched in DailySessionPart.objects.filter(
            store=store, day__in=days.rolled_up
        ).values_list("session_id", "day", "path", "ending", "handoff", "launched"):
            parts[session_id][day] = Fragment(path, ending, handoff, launched)
        for path, ending, handoff, n, example_id in DailyPathCount.objects.filter(
            store=store, day__in=days.rolled_up
        ).values_list("path", "ending", "handoff", "sessions", "example"):
            count((path, ending, handoff), n, example_id)
    if days.raw:
        for (session_id, day), part in fragments_here(
            _raw_requests(store, days), store.zoneinfo
        ).items():
            parts[session_id][day] = part
    for session_id, by_day in parts.items():
        joined = [by_day[day] for day in sorted(by_day)]
        if any(part.launched for part in joined):
            path = STEP_SEPARATOR.join(p.path for p in joined if p.path is not None)
            ending = max(p.ending for p in joined)
            handoff = max(p.handoff for p in joined)
            count((path, ending, handoff), 1, session_id)
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [
        Path(
            tuple(s for s in path.split(STEP_SEPARATOR) if s),
            end_of(ending, handoff),
            n,
            example.get((path, ending, handoff), ""),
        )
        for (path, ending, handoff), n in ranked
    ]


# What came before the fallbacks -------------------------------------------------------------


def fallback_contexts(
    store, days: ConversationDays, *, lateral: bool | None = None
) -> list[FallbackContext]:
    """``voice_reads.fallback_contexts`` of the range: the rolled-up days' fallbacks by the
    request before them (counted only when its day is in the range), and the raw days'
    (``lateral``: each looks up the request before it, PostgreSQL's way and its default)."""
    if lateral is None:
        lateral = connection.vendor == "postgresql"
    sqls: list[str] = []
    params: list[Any] = []
    if days.rolled_up:
        sql, args = (
            DailyFallbackCount.objects.filter(store=store, day__in=days.rolled_up)
            .values("before_day", "request_type", "intent", "outcome", "times")
            .order_by()
            .query.sql_with_params()
        )
        sqls.append(
            "SELECT CASE WHEN c.before_day >= %s THEN c.request_type END AS request_type, "
            "CASE WHEN c.before_day >= %s THEN c.intent END AS intent, "
            "CASE WHEN c.before_day >= %s THEN c.outcome END AS outcome, c.times AS n "
            f"FROM ({sql}) c"
        )
        params.extend([days.first, days.first, days.first, *args])
    if days.raw:
        raw_sql, raw_args = _raw_fallbacks(store, days, lateral=lateral)
        sqls.append(raw_sql)
        params.extend(raw_args)
    if not sqls:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.request_type, u.intent, u.outcome, SUM(u.n) AS times "
            f"FROM ({' UNION ALL '.join(sqls)}) u "
            "GROUP BY u.request_type, u.intent, u.outcome "
            "ORDER BY times DESC, u.request_type, u.intent, u.outcome LIMIT %s",
            [*params, TOP],
        )
        rows = cursor.fetchall()
    return contexts(rows)


def _raw_fallbacks(store, days: ConversationDays, *, lateral: bool) -> tuple[str, list[Any]]:
    """The raw days' fallbacks, each with the request before it in the range: looked up
    through the session's index (``lateral``: PostgreSQL), or by a window over the range's
    requests."""
    in_range = session_requests_within(store, [periods.span(store, days.first, days.last)])
    windows = request_windows(store, days.raw)
    if not lateral:
        over: dict[str, Any] = {
            "partition_by": [F("session_id")],
            "order_by": [F("created_at").asc(), F("id")],
        }
        sql, args = (
            in_range.annotate(
                raw_day=Case(
                    When(within("created_at", windows), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                before_type=Window(Lag("request_type"), **over),
                before_intent=Window(Lag("intent"), **over),
                before_outcome=Window(Lag("outcome"), **over),
            )
            .values("intent", "raw_day", "before_type", "before_intent", "before_outcome")
            .order_by()
            .query.sql_with_params()
        )
        return (
            "SELECT s.before_type AS request_type, s.before_intent AS intent, "
            f"s.before_outcome AS outcome, 1 AS n FROM ({sql}) s "
            "WHERE s.intent = %s AND s.raw_day = 1",
            [*args, FALLBACK_INTENT],
        )
    fallbacks, fallback_args = (
        session_requests_within(store, windows)
        .filter(intent=FALLBACK_INTENT)
        .values("session_id", "created_at", "id")
        .order_by()
        .query.sql_with_params()
    )
    earlier, earlier_args = (
        in_range.values("session_id", "created_at", "id", "request_type", "intent", "outcome")
        .order_by()
        .query.sql_with_params()
    )
    return (
        "SELECT p.request_type, p.intent, p.outcome, 1 AS n "
        f"FROM ({fallbacks}) f LEFT JOIN LATERAL ("
        f"SELECT e.request_type, e.intent, e.outcome FROM ({earlier}) e "
        "WHERE e.session_id = f.session_id AND (e.created_at, e.id) < (f.created_at, f.id) "
        "ORDER BY e.created_at DESC, e.id DESC LIMIT 1) p ON TRUE",
        [*fallback_args, *earlier_args],
    )


# Requests by the product words they carry ---------------------------------------------------


def request_reads(store, days: ConversationDays) -> RequestReads:
    """``request_reads.request_reads`` of the range: the rolled-up days' words and funnels,
    and the raw days' requests grouped by their words, in one query (then the products and
    synonyms they name, as there)."""
    funnel = dict.fromkeys(FUNNEL_STEPS, 0)
    for day_funnel in days.funnels.values():
        for step in FUNNEL_STEPS:
            funnel[step] += day_funnel.get(step, 0)
    sqls: list[str] = []
    params: list[Any] = []
    steps = [f"step_{name}" for name in FUNNEL_STEPS]
    if days.raw:
        sql, args = request_groups(_raw_requests(store, days)).query.sql_with_params()
        columns = ", ".join(f"r.{c}" for c in ["words", "locale", *steps])
        sqls.append(f"SELECT {columns}, r.asked_n, r.unavailable_n, r.unheard_n FROM ({sql}) r")
        params.extend(args)
    if days.rolled_up:
        sql, args = (
            DailyProductWords.objects.filter(store=store, day__in=days.rolled_up)
            .values("words", "locale")
            .annotate(
                asked_n=Sum("asked"), unavailable_n=Sum("unavailable"), unheard_n=Sum("unheard")
            )
            .order_by()
            .query.sql_with_params()
        )
        zeros = ", ".join("0" for _ in steps)
        sqls.append(
            f"SELECT w.words, w.locale, {zeros}, w.asked_n, w.unavailable_n, w.unheard_n "
            f"FROM ({sql}) w"
        )
        params.extend(args)
    rows: list[Any] = []
    if sqls:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(sqls), params)
            rows = cursor.fetchall()
    return reads_from_rows(
        store, ((words, locale, list(counts)) for words, locale, *counts in rows), funnel
    )
