"""The dashboard's voice reads: retention cohorts, and the interaction paths and what came
before the fallbacks read from the raw log over a range (the page reads those two through
``conversation_reads``, which takes the rolled-up days from the rollups; the products asked
for and the words not understood are ``request_reads``)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    Window,
)
from django.db.models.functions import Lag, TruncDate

from .. import periods
from ..conversations import (
    HANDOFF_OF,
    HANDOFF_RANKS,
    LAUNCH,
    session_aggregates,
    step,
)
from ..metrics import SESSION_ENDS
from ..models import DailyActiveCustomer, DailyRollup
from ..raw import END_RANKS, FALLBACK_INTENT, session_requests, with_shopper
from ..words import step_words
from .reads_base import RETENTION_WEEKS, TOP

# Retention -----------------------------------------------------------------------------------


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Cohort:
    week: date  # the Monday of the week its shoppers were first seen
    size: int
    returned: list  # n = 0..11: shoppers of the cohort active in week n (None: not yet)

    @property
    def shares(self) -> list:
        return [None if n is None else (n / self.size if self.size else 0.0) for n in self.returned]


def retention_first_week(first: date, last: date) -> date:
    """The Monday of the first cohort ``retention`` shows (at most the last 12 weeks)."""
    return max(monday(first), monday(last) - timedelta(weeks=RETENTION_WEEKS - 1))


def retention(
    store, first: date, last: date, *, rolled_up_days: set[date] | None = None
) -> list[Cohort]:
    """Weekly cohorts (Monday to Sunday, the store's days) of the shoppers first seen in the
    weeks of ``first``..``last`` (at most the last 12), and how many of each were active in
    each following week up to ``last``. Rolled-up days are read from ``DailyActiveCustomer``,
    the others (today at least) from the raw log, as ``analytics.selectors`` does: one row per
    shopper and active day, both sources in one query (and one more unless
    ``rolled_up_days``, the days rolled up from ``retention_first_week`` on, are known)."""
    last_week = monday(last)
    first_week = retention_first_week(first, last)
    if rolled_up_days is None:
        rolled_up_days = set(
            DailyRollup.objects.filter(store=store, day__gte=first_week, day__lte=last).values_list(
                "day", flat=True
            )
        )
    rolled_up = {day for day in rolled_up_days if first_week <= day <= last}
    rows = DailyActiveCustomer.objects.filter(
        store=store, day__gte=first_week, day__lte=last
    ).values_list("customer_id", "day", "is_new", Value(False, output_field=BooleanField()))
    missing = [d for d in periods.days(first_week, last) if d not in rolled_up]
    if missing:
        tz = store.zoneinfo
        raw_rows = (
            with_shopper(store, *periods.span(store, missing[0], missing[-1]))
            .annotate(
                day=TruncDate("created_at", tzinfo=tz),
                created=TruncDate("customer__created_at", tzinfo=tz),
            )
            .annotate(is_new=ExpressionWrapper(Q(created=F("day")), output_field=BooleanField()))
            .values_list("customer_id", "day", "is_new", Value(True, output_field=BooleanField()))
            .distinct()
            .order_by()
        )
        rows = rows.order_by().union(raw_rows, all=True)
    # A rolled-up day inside the raw span counts from its rollup (its raw rows may be gone).
    found = [row[:3] for row in rows if not (row[3] and row[1] in rolled_up)]
    first_seen: dict[int, date] = {}
    active_weeks: dict[int, set] = defaultdict(set)
    for customer_id, day, is_new in found:
        active_weeks[customer_id].add(monday(day))
        if is_new:
            first_seen[customer_id] = min(first_seen.get(customer_id, day), day)
    members: dict[date, list[int]] = defaultdict(list)
    for customer_id, day in first_seen.items():
        members[monday(day)].append(customer_id)
    cohorts = []
    week = first_week
    while week <= last_week:
        shoppers = members.get(week, [])
        returned = []
        for n in range(RETENTION_WEEKS):
            later = week + timedelta(weeks=n)
            returned.append(
                None if later > last_week else sum(later in active_weeks[c] for c in shoppers)
            )
        cohorts.append(Cohort(week, len(shoppers), returned))
        week += timedelta(weeks=1)
    return cohorts


# Interaction paths ---------------------------------------------------------------------------

END_LABELS = {
    "skill_ended": "the skill ended it",
    "user_ended": "the shopper ended it",
    "no_response": "no response",
    "failed": "failed",
    "amazon_pay": "handed to Amazon Pay",
    "isp": "handed to Amazon's purchase dialogue",
}


@dataclass(frozen=True)
class Path:
    steps: tuple[str, ...]
    end: str  # one of END_LABELS
    sessions: int
    example: str = ""  # one session that took the path (the transcripts page opens it)

    @property
    def text(self) -> str:
        """The path in words: "Opens the skill › Order product › Yes › END: ..."."""
        return " › ".join([*(step_words(s) for s in self.steps), f"END: {END_LABELS[self.end]}"])


def end_of(ending: int, handoff: int) -> str:
    """How a session ended, from its end and hand-off ranks (``analytics.conversations``)."""
    for name, rank in HANDOFF_RANKS.items():
        if handoff == rank:
            return name
    return SESSION_ENDS[ending]


def paths(store, start: datetime, stop: datetime) -> list[Path]:
    """The most common whole sessions opened by a launch: their requests in order (intents
    by name, the launch as "Launch"), then how the session ended (``analytics.raw``'s ranks,
    or the hand-off to Amazon Pay or Amazon's purchase dialogue, which ends a session: the
    answer comes back in a new one, counted in the funnels). PostgreSQL builds and counts the
    paths itself; other databases send one row per request, in order."""
    requests = session_requests(store, start, stop)
    if connection.vendor == "postgresql":
        per_session = (
            requests.values("session_id")
            .annotate(**session_aggregates(default=Value("")))
            .order_by()
        )
        sql, params = per_session.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT s."path", s."ending", s."handoff", COUNT(*) AS n, '
                f'MIN(s."session_id") FROM ({sql}) s '
                'WHERE s."launched" = 1 GROUP BY s."path", s."ending", s."handoff" '
                'ORDER BY n DESC, s."path", s."ending", s."handoff" LIMIT %s',
                [*params, TOP],
            )
            rows = cursor.fetchall()
        return [
            Path(tuple(p for p in path.split("\t") if p), end_of(ending, handoff), n, example)
            for path, ending, handoff, n, example in rows
        ]
    return paths_counted_here(requests)


def paths_counted_here(requests) -> list[Path]:
    """``paths`` for databases without an ordered string aggregate: one row per request."""
    sessions: dict[str, list] = {}
    for session_id, request_type, intent, outcome in (
        requests.order_by("session_id", "created_at", "id")
        .values_list("session_id", "request_type", "intent", "outcome")
        .iterator()
    ):
        seen = sessions.setdefault(session_id, [[], 0, 0])  # steps, ending, hand-off
        if request_type == "SessionEndedRequest":
            seen[1] = max(seen[1], END_RANKS.get(outcome, 0))
        else:
            seen[0].append(step(request_type, intent))
        seen[2] = max(seen[2], HANDOFF_OF.get(outcome, 0))
    counted: Counter = Counter()
    example: dict = {}
    for session_id, (steps, ending, handoff) in sessions.items():
        if steps and steps[0] == LAUNCH:
            key = (tuple(steps), end_of(ending, handoff))
            counted[key] += 1
            example[key] = min(example.get(key, session_id), session_id)
    ranked = sorted(counted.items(), key=lambda item: (-item[1], "\t".join(item[0][0]), item[0][1]))
    return [Path(steps, end, n, example[(steps, end)]) for (steps, end), n in ranked[:TOP]]


# Where shoppers get lost --------------------------------------------------------------------


@dataclass(frozen=True)
class FallbackContext:
    request_type: str  # of the request before the fallback ("" when it opened the session)
    intent: str
    outcome: str
    times: int

    @property
    def step(self) -> str:
        if not self.request_type:
            return "(the session's first request)"
        return step(self.request_type, self.intent)


def fallback_contexts(store, start: datetime, stop: datetime) -> list[FallbackContext]:
    """What came just before each AMAZON.FallbackIntent in its session (the request and the
    skill's outcome), most frequent first: where shoppers get lost. On PostgreSQL each
    fallback looks up the request before it through the session's index (the fallbacks are
    few; the range's requests are many); other databases number every request of the range
    in its session (``fallback_contexts_windowed``)."""
    requests = session_requests(store, start, stop)
    if connection.vendor != "postgresql":
        return fallback_contexts_windowed(requests)
    fallbacks, fallback_params = (
        requests.filter(intent=FALLBACK_INTENT)
        .values("session_id", "created_at", "id")
        .order_by()
        .query.sql_with_params()
    )
    earlier, earlier_params = (
        requests.values("session_id", "created_at", "id", "request_type", "intent", "outcome")
        .order_by()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.request_type, p.intent, p.outcome, COUNT(*) AS n "
            f"FROM ({fallbacks}) f LEFT JOIN LATERAL ("
            f"SELECT e.request_type, e.intent, e.outcome FROM ({earlier}) e "
            "WHERE e.session_id = f.session_id AND (e.created_at, e.id) < (f.created_at, f.id) "
            "ORDER BY e.created_at DESC, e.id DESC LIMIT 1) p ON TRUE "
            "GROUP BY p.request_type, p.intent, p.outcome "
            "ORDER BY n DESC, p.request_type, p.intent, p.outcome LIMIT %s",
            [*fallback_params, *earlier_params, TOP],
        )
        rows = cursor.fetchall()
    return contexts(rows)


def fallback_contexts_windowed(requests) -> list[FallbackContext]:
    """``fallback_contexts`` for databases without lateral joins: the request before each
    one by a window over every request of the range."""
    window: dict[str, Any] = {
        "partition_by": [F("session_id")],
        "order_by": [F("created_at").asc(), F("id")],
    }
    inner = (
        requests.annotate(
            prev_type=Window(Lag("request_type"), **window),
            prev_intent=Window(Lag("intent"), **window),
            prev_outcome=Window(Lag("outcome"), **window),
        )
        .values("intent", "prev_type", "prev_intent", "prev_outcome")
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.prev_type, s.prev_intent, s.prev_outcome, COUNT(*) AS n "
            f"FROM ({sql}) s WHERE s.intent = %s "
            "GROUP BY s.prev_type, s.prev_intent, s.prev_outcome "
            "ORDER BY n DESC, s.prev_type, s.prev_intent, s.prev_outcome LIMIT %s",
            [*params, FALLBACK_INTENT, TOP],
        )
        rows = cursor.fetchall()
    return contexts(rows)


def contexts(rows) -> list[FallbackContext]:
    return [
        FallbackContext(request_type or "", intent or "", outcome or "", n)
        for request_type, intent, outcome, n in rows
    ]
