"""The metrics of a store's days read from the raw tables: orders and the payment ledger,
the skill's interaction log, and ISP purchase results and entitlements.

``raw_days(store, first, last)`` answers every day ``first``..``last`` in a fixed number of
queries, whatever the data's size: each source is read once over the whole span and grouped
by the store's day in the database (``TruncDate`` in the store's time zone), except the
sessions, which come back as one row per session, day and shopper and are counted here
(sessions and distinct shoppers alike). ``raw_days_of`` reads several spans in the same
queries (the dashboard's range and the period before it). Used for today (never rolled
up), for days the rollup has not reached, and by the rollup itself.
"""

from datetime import date, datetime, tzinfo

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncDate

from isp.facts import DirectiveName, ProductType, PurchaseResult
from isp.models import IspEntitlement, IspPurchaseResult, IspSettings
from merchant.models import Store
from orders.models import Order, OrderSource, OrderStatus, PaymentKind, PaymentState
from orders.models import PaymentTransaction as Payment
from skill.models import Interaction
from skill.outcomes import Outcome, session_ended

from . import periods
from .metrics import SESSION_ENDS, ZERO, Day, add_order

CONSOLE = OrderSource.CONSOLE  # Interaction.source of the voice test console ("console")
FALLBACK_INTENT = "AMAZON.FallbackIntent"
FAILED_OUTCOMES = (Outcome.FALLBACK, Outcome.UNHANDLED, Outcome.ERROR)
# How a session ended, from its SessionEndedRequest (ranked: a session keeps the highest).
END_RANKS = {
    session_ended("USER_INITIATED"): 1,
    session_ended("EXCEEDED_MAX_REPROMPTS"): 2,
    session_ended("ERROR"): 3,
}
NOT_CARTS = (OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED)


Window = tuple[datetime, datetime]  # [start, stop)


def within(field: str, windows: list[Window]) -> Q:
    """``field`` falls in one of ``windows``."""
    found = Q()
    for start, stop in windows:
        found |= Q(**{f"{field}__gte": start, f"{field}__lt": stop})
    return found


def session_requests(store: Store, start: datetime, stop: datetime) -> QuerySet[Interaction]:
    """The shoppers' requests in [start, stop): a session's, not the voice test console's,
    not Alexa's skill events (no session) or CanFulfillIntentRequest probes."""
    return session_requests_within(store, [(start, stop)])


def session_requests_within(store: Store, windows: list[Window]) -> QuerySet[Interaction]:
    """``session_requests`` in any of ``windows``."""
    return (
        Interaction.objects.filter(within("created_at", windows), store=store)
        .exclude(source=CONSOLE)
        .exclude(session_id="")
        .exclude(request_type="CanFulfillIntentRequest")
    )


def raw_days(store, first: date, last: date, *, now=None, customers: bool = True) -> dict:
    """{day: Day} for ``first``..``last``; ``customers=False`` skips the per-day shopper
    counts (the rollup counts them from ``DailyActiveCustomer``)."""
    return raw_days_of(store, [(first, last)], now=now, customers=customers)


def raw_days_of(store, spans: list[tuple[date, date]], *, now=None, customers: bool = True) -> dict:
    """``raw_days`` of every day of ``spans`` ((first, last) pairs), in the same six queries
    however many spans there are."""
    by_day = {d: Day() for first, last in sorted(spans) for d in periods.days(first, last)}
    windows = [periods.span(store, first, last) for first, last in spans]
    tz = store.zoneinfo
    _orders(store, windows, tz, by_day)
    _refunds(store, windows, tz, by_day)
    _sessions(store, spans, tz, by_day, customers=customers)
    _utterances(store, windows, tz, by_day)
    _purchases(store, windows, tz, by_day)
    _subscriptions(store, by_day, now=now)
    return by_day


def _orders(store, windows, tz, by_day) -> None:
    """Orders placed, and orders cancelled, in the spans: one scan, grouped by both days."""
    placed = within("placed_at", windows)
    cancelled = within("cancelled_at", windows)
    rows = (
        Order.objects.filter(placed | cancelled, store=store, status__in=NOT_CARTS)
        .exclude(is_test=True)
        .exclude(source=CONSOLE)
        .annotate(
            placed_day=TruncDate("placed_at", tzinfo=tz),
            cancelled_day=TruncDate("cancelled_at", tzinfo=tz),
        )
        .values_list("placed_day", "cancelled_day", "payment_mode", "channel")
        .annotate(n=Count("pk"), gross=Sum("total"))
        .order_by()
    )
    for placed_day, cancelled_day, mode, channel, n, gross in rows:
        if placed_day in by_day:
            # Order totals have two places; SQLite's SUM answers with more.
            add_order(by_day[placed_day], mode, n, gross.quantize(ZERO), channel)
        if cancelled_day in by_day:
            by_day[cancelled_day].orders_cancelled += n


def _refunds(store, windows, tz, by_day) -> None:
    """Refunds completed, and chargebacks net of their reversals, in one scan of the ledger.

    A refund completes when its ledger row turns SUCCEEDED: at creation for refunds that
    complete at once, at settlement for Amazon's (the row is not saved again afterwards), so
    its day is its last update's. A chargeback, and the reversal of one, is booked SUCCEEDED
    when it is created: its day is its creation's, and a reversal counts on its own day
    (a day may give back more than it lost)."""
    refund = Q(kind=PaymentKind.REFUND)
    disputes = Q(kind__in=[PaymentKind.CHARGEBACK, PaymentKind.CHARGEBACK_REVERSAL])
    rows = (
        Payment.objects.filter(
            (refund & within("updated_at", windows)) | (disputes & within("created_at", windows)),
            store=store,
            state=PaymentState.SUCCEEDED,
        )
        .exclude(order__is_test=True)
        .annotate(
            day=TruncDate(
                Case(When(refund, then=F("updated_at")), default=F("created_at")), tzinfo=tz
            )
        )
        .values_list("day")
        .annotate(
            refunded=Sum("amount", filter=refund),
            withdrawn=Sum("amount", filter=Q(kind=PaymentKind.CHARGEBACK)),
            reinstated=Sum("amount", filter=Q(kind=PaymentKind.CHARGEBACK_REVERSAL)),
        )
        .order_by()
    )
    for day, refunded, withdrawn, reinstated in rows:
        metrics = by_day[day]
        metrics.refunded_amount = refunded or ZERO
        metrics.charged_back_amount = (withdrawn or ZERO) - (reinstated or ZERO)


def _sessions(store, spans, tz, by_day, *, customers: bool) -> None:
    """Reads the day before and after too: a session also seen the day before is "carried
    over"; a session ends on the day of its last request. With ``customers``, each row also
    names its shopper (the store's own, and the day they were first seen): the distinct
    shoppers of each day, and the new ones among them, are counted from the same rows."""
    windows = [
        periods.span(store, first - periods.ONE_DAY, last + periods.ONE_DAY)
        for first, last in spans
    ]
    rank = Case(
        *[When(outcome=outcome, then=n) for outcome, n in END_RANKS.items()],
        default=0,
        output_field=IntegerField(),
    )
    rows = session_requests_within(store, windows).annotate(day=TruncDate("created_at", tzinfo=tz))
    columns = ["session_id", "day"]
    if customers:
        rows = rows.annotate(
            shopper=Case(
                When(customer__store=store, then=F("customer_id")), output_field=IntegerField()
            ),
            first_seen=TruncDate("customer__created_at", tzinfo=tz),
        )
        columns += ["shopper", "first_seen"]
    sessions: dict[str, list] = {}
    shoppers: dict[date, set[int]] = {day: set() for day in by_day}
    new: dict[date, set[int]] = {day: set() for day in by_day}
    for session_id, day, *shopper, end in (
        rows.values_list(*columns).annotate(end=Max(rank)).order_by()
    ):
        seen = sessions.setdefault(session_id, [set(), 0])
        seen[0].add(day)
        seen[1] = max(seen[1], end)
        if shopper and shopper[0] is not None and day in by_day:
            shoppers[day].add(shopper[0])
            if shopper[1] == day:
                new[day].add(shopper[0])
    if customers:
        for day, metrics in by_day.items():
            metrics.unique_customers = len(shoppers[day])
            metrics.new_customers = len(new[day])
    for seen_days, end in sessions.values():
        for day in seen_days:
            if day not in by_day:
                continue
            metrics = by_day[day]
            metrics.sessions += 1
            if day - periods.ONE_DAY in seen_days:
                metrics.sessions_carried_over += 1
            if day + periods.ONE_DAY not in seen_days:
                metrics.sessions_by_end[SESSION_ENDS[end]] += 1


def _utterances(store, windows, tz, by_day) -> None:
    failed = Q(intent=FALLBACK_INTENT) | Q(outcome__in=FAILED_OUTCOMES)
    rows = (
        session_requests_within(store, windows)
        .filter(request_type="IntentRequest")
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list("day", "intent")
        .annotate(n=Count("pk"), failed=Count("pk", filter=failed))
        .order_by()
    )
    for day, intent, n, failed_n in rows:
        metrics = by_day[day]
        metrics.utterances += n
        metrics.failed_utterances += failed_n
        metrics.intents[intent] = [n, failed_n]


def with_shopper(store: Store, start: datetime, stop: datetime) -> QuerySet[Interaction]:
    """``session_requests`` of known shoppers, joined to them (for their creation time; the
    store condition on the shopper lets the join read only the store's shoppers)."""
    return session_requests(store, start, stop).filter(
        customer__isnull=False, customer__store=store
    )


def active_customer_rows(store: Store, start: datetime, stop: datetime, tz: tzinfo):
    """(day, customer_id, created): every shopper active on a day in [start, stop) and the
    day they were first seen (created)."""
    return (
        with_shopper(store, start, stop)
        .annotate(
            day=TruncDate("created_at", tzinfo=tz),
            created=TruncDate("customer__created_at", tzinfo=tz),
        )
        .values_list("day", "customer_id", "created")
        .distinct()
        .order_by()
    )


def _purchases(store, windows, tz, by_day) -> None:
    rows = (
        IspPurchaseResult.objects.filter(
            within("created_at", windows),
            store=store,
            result=PurchaseResult.ACCEPTED,
            name__in=[DirectiveName.BUY, DirectiveName.UPSELL],
        )
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list("day", "is_test", "currency")
        .annotate(n=Count("pk"), listed=Sum("list_price"))
        .order_by()
    )
    for day, is_test, currency, n, listed in rows:
        metrics = by_day[day]
        if is_test:
            metrics.isp_test_purchases += n
            continue
        metrics.isp_purchases += n
        if currency and listed is not None:
            metrics.isp_list_prices[currency] += listed.quantize(ZERO)  # SQLite: more places


def subscriptions(store):
    """Subscriptions shoppers hold, as the portal last observed them (Amazon reports no
    renewals or lapses, so this is "observed"): entitled subscription products, test
    purchases left out unless the store is in ISP sandbox mode, where every purchase is a
    test purchase."""
    sandbox = IspSettings.objects.filter(store=OuterRef("store"), sandbox_mode=True)
    return IspEntitlement.objects.filter(
        Q(store=store, entitled=True, product__type=ProductType.SUBSCRIPTION)
        & (~Q(purchase_mode="TEST") | Q(Exists(sandbox)))
    )


def _subscriptions(store, by_day, *, now=None) -> None:
    """Active at the end of each day (now, for today): those first recorded before then.
    The entitlement keeps no history, so a subscription that lapsed since then is missed:
    the rollup keeps the count it took first, soon after the day ended."""
    today = periods.store_today(store, now)
    counts = {
        f"d{n}": Count("pk", filter=Q(created_at__lt=periods.day_start(store, d + periods.ONE_DAY)))
        for n, d in enumerate(by_day)
        if d < today
    }
    counts["now"] = Count("pk")
    totals = subscriptions(store).aggregate(**counts)
    for n, day in enumerate(by_day):
        by_day[day].active_subscriptions = totals.get(f"d{n}", totals["now"])
