"""The skill's conversations over a store's days, read from the raw log: the interaction
paths, what came before each fallback, the Amazon Pay funnel's steps and the words shoppers
used for products. The daily rollup (``services.store_rollup_days``) keeps them per day
(``DailyPathCount``, ``DailySessionPart``, ``DailyFallbackCount``, ``DailyProductWords``,
``DailyRollup.amazon_pay_funnel``), and the dashboard reads the same shapes from the raw log
for the days not rolled up (``dashboard/conversation_reads.py``), so both give one answer.

A session whose requests all fall on one day is counted whole on that day. A session that
runs past midnight is kept as one part per day (``DailySessionPart``): a range joins the
parts of its own days, exactly as the raw log read over the range would cut the session.
A session's requests are never more than a day apart (Alexa ends a session after seconds of
silence), so the days just before and after are enough to tell which sessions ran past
midnight, as for ``DailyRollup.sessions_carried_over``.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import Case, CharField, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models import Window as Over
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lag, TruncDate

from skill import intents
from skill.models import Interaction
from skill.outcomes import Outcome

from . import periods
from .raw import END_RANKS, FALLBACK_INTENT, session_requests_within

LAUNCH = "Launch"
# A turn that hands the shopper to Amazon ends the session; the answer opens a new one.
HANDOFFS = {
    "amazon_pay": (Outcome.SETUP_SENT, Outcome.CHARGE_SENT),
    "isp": (Outcome.UPSELL_SENT, Outcome.BUY_SENT, Outcome.ISP_CANCEL_SENT),
}
HANDOFF_RANKS = {"amazon_pay": 2, "isp": 1}
STEP_SEPARATOR = "\t"

PRODUCT_INTENTS = (intents.ORDER_PRODUCT, intents.PRODUCT_INFO)
LAUNCH_OUTCOMES = (Outcome.WELCOME, Outcome.OFFER_RESUME, Outcome.OFFER_REORDER)
# The Amazon Pay funnel's steps (``skill.outcomes``): launch (the welcome, or the offer to
# resume a cart or re-order that replaces it), product pitched, order summary heard, Charge
# sent, order placed; and payments declined, counted apart.
FUNNEL_STEPS = {
    "launch": Q(request_type="LaunchRequest", outcome__in=LAUNCH_OUTCOMES),
    "pitch": Q(outcome=Outcome.PITCH),
    "summary": Q(outcome=Outcome.SUMMARY),
    "charge_sent": Q(outcome=Outcome.CHARGE_SENT),
    "order_placed": Q(outcome=Outcome.ORDER_PLACED),
    "declined": Q(outcome=Outcome.DECLINED),
}
PRODUCT_QUESTION = Q(request_type="IntentRequest", intent__in=PRODUCT_INTENTS)


# Steps and ranks ----------------------------------------------------------------------------


def step(request_type: str, intent: str) -> str:
    """A path's step: the intent's name, "Launch", or the request's type."""
    if request_type == "IntentRequest":
        return intent
    return LAUNCH if request_type == "LaunchRequest" else request_type


def step_expression() -> Case:
    return Case(
        When(request_type="IntentRequest", then=F("intent")),
        When(request_type="LaunchRequest", then=Value(LAUNCH)),
        default=F("request_type"),
        output_field=CharField(),
    )


def ranked(ranks: list[tuple[tuple[str, ...], int]]) -> Case:
    return Case(
        *[When(outcome__in=outcomes, then=n) for outcomes, n in ranks],
        default=0,
        output_field=IntegerField(),
    )


def session_aggregates(**path_options: Any) -> dict[str, Any]:
    """A session's path (its steps in order, the session's end left out), how it ended,
    whether it was handed off and whether it was launched: the aggregates of its requests
    (``path_options``: more of ``StringAgg``'s, such as its ``default``)."""
    return {
        "path": StringAgg(
            step_expression(),
            delimiter=STEP_SEPARATOR,
            order_by=("created_at", "id"),
            filter=~Q(request_type="SessionEndedRequest"),
            **path_options,
        ),
        "ending": Max(ending_rank()),
        "handoff": Max(handoff_rank()),
        "launched": Max(
            Case(When(request_type="LaunchRequest", then=1), default=0, output_field=IntegerField())
        ),
    }


def ending_rank() -> Case:
    return ranked([((outcome,), n) for outcome, n in END_RANKS.items()])


def handoff_rank() -> Case:
    return ranked([(HANDOFFS[name], n) for name, n in HANDOFF_RANKS.items()])


HANDOFF_OF: dict[str, int] = {
    str(o): HANDOFF_RANKS[k] for k, outcomes in HANDOFFS.items() for o in outcomes
}


def as_date(value: Any) -> date | None:
    """A day read by hand-written SQL: a date on PostgreSQL, text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# Sessions by day ----------------------------------------------------------------------------


@dataclass
class Fragment:
    """A session's requests on one day: the steps (``None``: none, only its end), the
    highest end and hand-off ranks, and whether it holds the launch."""

    path: str | None
    ending: int
    handoff: int
    launched: bool


def fragments_sql(requests: QuerySet[Interaction], tz: tzinfo) -> QuerySet[Any, Any]:
    """PostgreSQL: one row per session and day of ``requests``: ``session_id``, ``day``,
    ``path`` (null without a step), ``ending``, ``handoff``, ``launched`` (0 or 1)."""
    return (
        requests.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("session_id", "day")
        .annotate(**session_aggregates())
        .order_by()
    )


def fragments_here(requests: QuerySet[Interaction], tz: tzinfo) -> dict[tuple[str, date], Fragment]:
    """``fragments_sql`` for databases without an ordered string aggregate: one row per
    request, in order, put together here."""
    steps: dict[tuple[str, date], list[str]] = defaultdict(list)
    found: dict[tuple[str, date], Fragment] = {}
    for session_id, day, request_type, intent, outcome in (
        requests.annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by("session_id", "created_at", "id")
        .values_list("session_id", "day", "request_type", "intent", "outcome")
        .iterator()
    ):
        key = (session_id, day)
        part = found.setdefault(key, Fragment(None, 0, 0, False))
        if request_type != "SessionEndedRequest":
            steps[key].append(step(request_type, intent))
        part.ending = max(part.ending, END_RANKS.get(outcome, 0))
        part.handoff = max(part.handoff, HANDOFF_OF.get(outcome, 0))
        part.launched = part.launched or request_type == "LaunchRequest"
    for key, taken in steps.items():
        found[key].path = STEP_SEPARATOR.join(taken)
    return found


@dataclass
class PathRow:
    path: str
    ending: int
    handoff: int
    sessions: int
    example: str


@dataclass
class DayConversations:
    """One day's conversations as the rollup keeps them."""

    funnel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNNEL_STEPS, 0))
    paths: list[PathRow] = field(default_factory=list)
    parts: dict[str, Fragment] = field(default_factory=dict)  # session id: its part
    fallbacks: Counter = field(default_factory=Counter)  # (before_day, type, intent, outcome)
    words: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # see add_request_row


def of_days(store, days: list[date], *, in_sql: bool | None = None) -> dict[date, DayConversations]:
    """{day: DayConversations} for ``days`` (closed days, oldest first), in three queries
    over the span from the day before the first to the day after the last. ``in_sql``: the
    paths are put together by the database (PostgreSQL's way and its default)."""
    found = {day: DayConversations() for day in days}
    if not days:
        return found
    first, last = days[0], days[-1]
    window = session_requests_within(
        store, [periods.span(store, first - periods.ONE_DAY, last + periods.ONE_DAY)]
    )
    if in_sql is None:
        in_sql = connection.vendor == "postgresql"
    (_paths if in_sql else _paths_here)(window, store.zoneinfo, found)
    _fallbacks(window, store.zoneinfo, found)
    requests = session_requests_within(store, [periods.span(store, first, last)])
    for day, words, locale, counts in request_rows_by_day(requests, store.zoneinfo):
        if day in found:
            add_request_row(found[day], words, locale, counts)
    return found


def _paths(window, tz, found: dict[date, DayConversations]) -> None:
    """Whole sessions of one day counted by path; parts of the others kept by session."""
    sql, params = fragments_sql(window, tz).query.sql_with_params()
    first, last = min(found), max(found)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH f AS (SELECT s.*, COUNT(*) OVER (PARTITION BY s.session_id) AS days "
            f"FROM ({sql}) s) "
            # Whole sessions of one day, launched, counted by path (the least session id
            # as the example); then the parts of the sessions seen on more than one day.
            "SELECT f.day, COALESCE(f.path, ''), f.ending, f.handoff, COUNT(*), "
            "MIN(f.session_id), 1, FALSE FROM f "
            "WHERE f.days = 1 AND f.launched = 1 AND f.day BETWEEN %s AND %s "
            "GROUP BY f.day, COALESCE(f.path, ''), f.ending, f.handoff "
            "UNION ALL SELECT f.day, f.path, f.ending, f.handoff, 1, f.session_id, f.launched, "
            "TRUE FROM f WHERE f.days > 1 AND f.day BETWEEN %s AND %s",
            [*params, first, last, first, last],
        )
        rows = cursor.fetchall()
    for day, path, ending, handoff, n, session_id, launched, is_part in rows:
        if day not in found:
            continue
        if is_part:
            found[day].parts[session_id] = Fragment(path, ending, handoff, bool(launched))
        else:
            found[day].paths.append(PathRow(path, ending, handoff, n, session_id))


def _paths_here(window, tz, found: dict[date, DayConversations]) -> None:
    by_session: dict[str, dict[date, Fragment]] = defaultdict(dict)
    for (session_id, day), part in fragments_here(window, tz).items():
        by_session[session_id][day] = part
    counted: dict[tuple[date, str, int, int], PathRow] = {}
    for session_id, parts in sorted(by_session.items()):
        for day, part in parts.items():
            if day not in found:
                continue
            if len(parts) > 1:
                found[day].parts[session_id] = part
            elif part.launched:
                key = (day, part.path or "", part.ending, part.handoff)
                row = counted.setdefault(
                    key, PathRow(key[1], part.ending, part.handoff, 0, session_id)
                )
                row.sessions += 1
    for (day, *_), row in counted.items():
        found[day].paths.append(row)


def _fallbacks(window, tz, found: dict[date, DayConversations]) -> None:
    """Each fallback of the days with the request just before it in its session (by a
    window over the span's requests)."""
    over: dict[str, Any] = {
        "partition_by": [F("session_id")],
        "order_by": [F("created_at").asc(), F("id").asc()],
    }
    inner = (
        window.annotate(
            day=TruncDate("created_at", tzinfo=tz),
            before_day=Over(Lag(TruncDate("created_at", tzinfo=tz)), **over),
            before_type=Over(Lag("request_type"), **over),
            before_intent=Over(Lag("intent"), **over),
            before_outcome=Over(Lag("outcome"), **over),
        )
        .values("day", "intent", "before_day", "before_type", "before_intent", "before_outcome")
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.day, s.before_day, s.before_type, s.before_intent, s.before_outcome, "
            f"COUNT(*) FROM ({sql}) s WHERE s.intent = %s "
            "GROUP BY s.day, s.before_day, s.before_type, s.before_intent, s.before_outcome",
            [*params, FALLBACK_INTENT],
        )
        rows = cursor.fetchall()
    for day, before_day, request_type, intent, outcome, n in rows:
        day = as_date(day)
        if day in found:
            found[day].fallbacks[(as_date(before_day), request_type, intent, outcome)] += n


# Requests by the product words they carry --------------------------------------------------


def request_groups(requests: QuerySet[Interaction], tz: tzinfo | None = None):
    """``requests`` grouped by the Product slot's words and the locale (and, given ``tz``,
    the day first): columns ``[day,] words, locale``, then ``step_<name>`` for each of
    ``FUNNEL_STEPS``, ``asked_n``, ``unavailable_n`` and ``unheard_n``."""
    columns = ["words", "locale"]
    rows = requests.annotate(words=KeyTextTransform(intents.PRODUCT_SLOT, "slots"))
    if tz is not None:
        rows = rows.annotate(day=TruncDate("created_at", tzinfo=tz))
        columns.insert(0, "day")
    return (
        rows.values_list(*columns)
        .annotate(
            **{f"step_{name}": Count("pk", filter=q) for name, q in FUNNEL_STEPS.items()},
            asked_n=Count("pk", filter=PRODUCT_QUESTION),
            unavailable_n=Count("pk", filter=Q(outcome=Outcome.NOT_AVAILABLE)),
            unheard_n=Count("pk", filter=PRODUCT_QUESTION & Q(outcome=Outcome.CLARIFY_PRODUCT)),
        )
        .order_by()
    )


def request_rows_by_day(requests: QuerySet[Interaction], tz: tzinfo):
    """``request_groups`` by day: (day, words or None, locale, [funnel step counts...,
    asked, unavailable, unheard]), one query."""
    for day, words, locale, *counts in request_groups(requests, tz):
        yield day, words, locale, counts


def is_product_id(value: str) -> bool:
    """Slot values are the resolved entity id (a product's pk) when matched."""
    return value.strip().isdigit()


def words_key(words: Any) -> str:
    """The words as counted: spaces collapsed, lower case (a product's id as it is)."""
    value = " ".join(str(words).split())
    return value if is_product_id(value) else value.lower()


def is_unheard(key: str) -> bool:
    return bool(key) and not is_product_id(key)


def add_request_row(day: DayConversations, words, locale: str, counts: list[int]) -> None:
    """Add one ``request_rows_by_day`` row: its funnel steps, and its words' counts when it has
    words ([asked, unavailable, unheard] per (words, locale))."""
    *steps, asked_n, unavailable_n, unheard_n = counts
    for name, n in zip(FUNNEL_STEPS, steps, strict=True):
        day.funnel[name] += n
    if words is None:
        return
    key = words_key(words)
    unheard_n = unheard_n if is_unheard(key) else 0
    if asked_n or unavailable_n or unheard_n:
        seen = day.words.setdefault((key, locale), [0, 0, 0])
        seen[0] += asked_n
        seen[1] += unavailable_n
        seen[2] += unheard_n


def product_words_of(store, days: list[date], *, without=None) -> dict[date, DayConversations]:
    """The product words of ``days`` alone (``DayConversations.words``), leaving out the
    requests of the shopper ``without`` (an erasure: their words are no longer known)."""
    found = {day: DayConversations() for day in days}
    if not days:
        return found
    windows = [periods.span(store, day, day) for day in days]
    requests = session_requests_within(store, windows).filter(
        Q(slots__has_key=intents.PRODUCT_SLOT)
    )
    if without is not None:
        requests = requests.exclude(customer=without)
    for day, words, locale, counts in request_rows_by_day(requests, store.zoneinfo):
        if day in found:
            add_request_row(found[day], words, locale, counts)
    return found


def request_windows(store, days: list[date]) -> list[tuple[datetime, datetime]]:
    """[start, stop) windows covering ``days``, consecutive days joined."""
    windows: list[tuple[datetime, datetime]] = []
    for day in sorted(days):
        start, stop = periods.span(store, day, day)
        if windows and windows[-1][1] == start:
            windows[-1] = (windows[-1][0], stop)
        else:
            windows.append((start, stop))
    return windows
