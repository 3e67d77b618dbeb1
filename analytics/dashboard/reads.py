"""The dashboard's reads that ``analytics.selectors`` does not offer: refill plans, the Amazon
Pay and ISP funnels, in-skill purchases and subscriptions, retention cohorts, interaction
paths, what the skill did not understand, the products asked for, upsell experiments, and
whether the skill package is stale.

Every function is scoped by the store it is given and answers in a fixed number of queries,
whatever the data's size (rows come back grouped, or one per session or per subscriber at
most). Test traffic is left out as in ``analytics.raw``: the voice test console's requests
(``session_requests``), test orders, and shoppers seen through the console; a store in ISP
sandbox mode has only test purchases (the sandbox marks every one), so its ISP figures count
them, and they are exact there.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lag, Lower, TruncDate

from catalog.models import Product, ProductSynonym
from catalog.selectors import catalog_revision
from isp.experiments import ArmResult, wilson_interval
from isp.facts import DirectiveName, ProductType, PurchaseResult
from isp.models import (
    Arm,
    InSkillProductLocalization,
    IspEntitlement,
    IspPurchaseResult,
    SandboxEntitlement,
    UpsellEvent,
    UpsellEventKind,
    UpsellExperiment,
)
from orders.models import RefillPlan, RefillPlanEvent, RefillPlanEventType, RefillPlanStatus
from skill import intents
from skill.launch.selectors import latest_export
from skill.models import Interaction
from skill.outcomes import Outcome

from .. import periods
from ..metrics import SESSION_ENDS
from ..models import DailyActiveCustomer, DailyRollup
from ..raw import CONSOLE, END_RANKS, FALLBACK_INTENT, session_requests, with_shopper

TOP = 10
TOP_WORDS = 20
PRODUCT_INTENTS = (intents.ORDER_PRODUCT, intents.PRODUCT_INFO)
SALES = (DirectiveName.BUY, DirectiveName.UPSELL)  # Cancel is not a sale
RETENTION_WEEKS = 12  # the console's grid: weeks 0..11


def console_shopper(outer: str) -> Exists:
    """The shopper ``outer`` names talked to the store through the voice test console: a
    test shopper (their plans and suggestions are test traffic)."""
    return Exists(Interaction.objects.filter(customer=OuterRef(outer), source=CONSOLE))


# Sales: refill plans -------------------------------------------------------------------------


@dataclass(frozen=True)
class RefillPlans:
    active: int  # now: a plan keeps no history of its status
    started: int
    renewed: int
    failed: int  # renewals given up after the last retry (the plan paused)
    cancelled: int


def refill_plans(store, start: datetime, stop: datetime) -> RefillPlans:
    active = (
        RefillPlan.objects.filter(store=store, status=RefillPlanStatus.ACTIVE)
        .exclude(console_shopper("customer"))
        .count()
    )
    counts = (
        RefillPlanEvent.objects.filter(store=store, created_at__gte=start, created_at__lt=stop)
        .exclude(console_shopper("plan__customer"))
        .aggregate(
            started=Count("pk", filter=Q(type=RefillPlanEventType.CREATED)),
            renewed=Count("pk", filter=Q(type=RefillPlanEventType.RENEWED)),
            failed=Count("pk", filter=Q(type=RefillPlanEventType.RENEWAL_FAILED)),
            cancelled=Count("pk", filter=Q(type=RefillPlanEventType.CANCELLED)),
        )
    )
    return RefillPlans(active=active, **counts)


# Funnels -------------------------------------------------------------------------------------

LAUNCH_OUTCOMES = (Outcome.WELCOME, Outcome.OFFER_RESUME, Outcome.OFFER_REORDER)


def amazon_pay_funnel(store, start: datetime, stop: datetime) -> dict[str, int]:
    """Turns that reached each step (``skill.outcomes``): launch (the welcome, or the offer
    to resume a cart or re-order that replaces it), product pitched, order summary heard,
    Charge sent, order placed; and payments declined, counted apart."""
    return session_requests(store, start, stop).aggregate(
        launch=Count("pk", filter=Q(request_type="LaunchRequest", outcome__in=LAUNCH_OUTCOMES)),
        pitch=Count("pk", filter=Q(outcome=Outcome.PITCH)),
        summary=Count("pk", filter=Q(outcome=Outcome.SUMMARY)),
        charge_sent=Count("pk", filter=Q(outcome=Outcome.CHARGE_SENT)),
        order_placed=Count("pk", filter=Q(outcome=Outcome.ORDER_PLACED)),
        declined=Count("pk", filter=Q(outcome=Outcome.DECLINED)),
    )


def isp_funnel(store, start: datetime, stop: datetime, *, sandbox: bool) -> dict[str, int]:
    """Suggestions made (Upsell directives sent), then how Amazon's purchase dialogue for an
    Upsell ended: accepted, declined, error (and any other result, ``other``)."""
    offered = UpsellEvent.objects.filter(
        store=store, kind=UpsellEventKind.OFFERED, created_at__gte=start, created_at__lt=stop
    )
    results = IspPurchaseResult.objects.filter(
        store=store, name=DirectiveName.UPSELL, created_at__gte=start, created_at__lt=stop
    )
    if not sandbox:
        offered = offered.exclude(console_shopper("customer"))
        results = results.filter(is_test=False)
    by_result = dict(results.values_list("result").annotate(n=Count("pk")).order_by())
    known = (PurchaseResult.ACCEPTED, PurchaseResult.DECLINED, PurchaseResult.ERROR)
    return {
        "suggested": offered.count(),
        "accepted": by_result.get(PurchaseResult.ACCEPTED, 0),
        "declined": by_result.get(PurchaseResult.DECLINED, 0),
        "error": by_result.get(PurchaseResult.ERROR, 0),
        "other": sum(n for result, n in by_result.items() if result not in known),
    }


# In-skill purchases and subscriptions --------------------------------------------------------


def _sales(store, start: datetime, stop: datetime, *, sandbox: bool):
    """ACCEPTED Buy and Upsell results in [start, stop) (``analytics.raw``'s purchases)."""
    sales = IspPurchaseResult.objects.filter(
        store=store,
        result=PurchaseResult.ACCEPTED,
        name__in=SALES,
        created_at__gte=start,
        created_at__lt=stop,
    )
    return sales if sandbox else sales.filter(is_test=False)


@dataclass
class ProductSales:
    product_id: int
    name: str
    type: str
    purchases: int = 0
    list_prices: Counter = field(default_factory=Counter)  # currency: sum of list prices


def isp_purchases(store, start: datetime, stop: datetime, *, sandbox: bool) -> list[ProductSales]:
    """Accepted purchases per in-skill product, most bought first, with the sum of their list
    prices per currency (earnings are estimated from it)."""
    name = InSkillProductLocalization.objects.filter(
        product=OuterRef("product"), locale=store.default_locale
    ).values("name")[:1]
    rows = (
        _sales(store, start, stop, sandbox=sandbox)
        .annotate(product_name=Subquery(name))
        .values_list(
            "product_id", "product__reference_name", "product_name", "product__type", "currency"
        )
        .annotate(n=Count("pk"), listed=Sum("list_price"))
        .order_by()
    )
    found: dict[int, ProductSales] = {}
    for pk, reference, spoken, type_, currency, n, listed in rows:
        sales = found.setdefault(pk, ProductSales(pk, spoken or reference, type_))
        sales.purchases += n
        if currency and listed is not None:
            sales.list_prices[currency] += listed
    return sorted(found.values(), key=lambda s: (-s.purchases, s.name))


@dataclass(frozen=True)
class Subscriptions:
    exact: bool  # sandbox: exact; live: as observed
    active_start: int
    active_end: int
    started: int
    ended: int
    trials_ended: int | None  # None: not observable (live)
    trials_paid: int | None
    observed: int = 0  # sandbox stores: subscriptions the sandbox never saw (as observed)

    @property
    def churn(self) -> float | None:
        """Ended ÷ active at the start of the period."""
        return self.ended / self.active_start if self.active_start else None

    @property
    def trial_to_paid(self) -> float | None:
        """Paid starts ÷ trials that ended in the period."""
        return self.trials_paid / self.trials_ended if self.trials_ended else None

    @property
    def churn_text(self) -> str:
        churn = self.churn
        return "–" if churn is None else f"{churn * 100:.1f} %"

    @property
    def trial_to_paid_text(self) -> str:
        if self.trials_ended is None:
            return "not observable live"
        if not self.trials_ended:
            return "– (no trial ended)"
        return f"{self.trial_to_paid * 100:.1f} % ({self.trials_paid} of {self.trials_ended})"


def _subscriptions_started(store, start, stop, *, sandbox: bool) -> int:
    return (
        _sales(store, start, stop, sandbox=sandbox)
        .filter(product__type=ProductType.SUBSCRIPTION)
        .count()
    )


def sandbox_subscriptions(store, start: datetime, stop: datetime, *, now: datetime):
    """Exact, from the ISP sandbox's own state (what Amazon knows: the paid or trial period's
    end, auto-renewal, trial used) and when each subscription began (its first accepted
    purchase). A subscription the sandbox never saw (bought while the portal recorded
    Amazon's answers without it, as the demo history does) counts as observed: active while
    the portal last saw it entitled. Three queries, one row per subscriber and product."""
    begun = (
        IspPurchaseResult.objects.filter(
            store=store,
            result=PurchaseResult.ACCEPTED,
            name__in=SALES,
            product__type=ProductType.SUBSCRIPTION,
        )
        .values_list("customer_id", "customer__alexa_user_id", "product_id", "product__trial_days")
        .annotate(began=Min("created_at"))
        .order_by()
    )
    sandbox = {
        (user_id, product_id): state
        for user_id, product_id, *state in SandboxEntitlement.objects.filter(
            store=store, product__type=ProductType.SUBSCRIPTION
        ).values_list("user_id", "product_id", "period_end", "auto_renew", "trial_used")
    }
    entitled = set(
        IspEntitlement.objects.filter(
            store=store, product__type=ProductType.SUBSCRIPTION, entitled=True
        ).values_list("customer_id", "product_id")
    )
    until = min(stop, now)

    def active(began, period_end, auto_renew, at) -> bool:
        return began < at and (auto_renew or (period_end is not None and period_end > at))

    active_start = active_end = ended = trials_ended = trials_paid = observed = 0
    for customer_id, user_id, product_id, trial_days, began in begun:
        state = sandbox.get((user_id, product_id))
        if state is None:
            observed += 1
            held = (customer_id, product_id) in entitled
            active_start += held and began < start
            active_end += held and began < until
            continue
        period_end, auto_renew, trial_used = state
        active_start += active(began, period_end, auto_renew, start)
        active_end += active(began, period_end, auto_renew, until)
        if not auto_renew and period_end and start <= period_end < until:
            ended += 1  # cancelled (or a trial not taken up), and its last period is over
        if trial_used and trial_days:
            trial_end = began + timedelta(days=trial_days)
            if start <= trial_end < until:
                trials_ended += 1
                trials_paid += auto_renew or (period_end is not None and period_end > trial_end)
    return Subscriptions(
        exact=True,
        active_start=active_start,
        active_end=active_end,
        started=_subscriptions_started(store, start, stop, sandbox=True),
        ended=ended,
        trials_ended=trials_ended,
        trials_paid=trials_paid,
        observed=observed,
    )


def live_subscriptions(store, start, stop, *, active_start: int, active_end: int):
    """As observed: active counts are the analytics snapshots (``active_subscriptions`` of
    the periods ending at ``start`` and at ``stop``), starts the accepted purchases, ends
    the subscriptions the skill last saw not entitled after having sold them. Renewals,
    trial conversions and lapses of shoppers who do not come back are never reported."""
    sold = IspPurchaseResult.objects.filter(
        customer=OuterRef("customer"),
        product=OuterRef("product"),
        result=PurchaseResult.ACCEPTED,
        name__in=SALES,
    )
    ended = (
        IspEntitlement.objects.filter(
            store=store,
            product__type=ProductType.SUBSCRIPTION,
            entitled=False,
            observed_at__gte=start,
            observed_at__lt=stop,
        )
        .filter(Exists(sold))
        .count()
    )
    return Subscriptions(
        exact=False,
        active_start=active_start,
        active_end=active_end,
        started=_subscriptions_started(store, start, stop, sandbox=False),
        ended=ended,
        trials_ended=None,
        trials_paid=None,
    )


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


def retention(store, first: date, last: date) -> list[Cohort]:
    """Weekly cohorts (Monday to Sunday, the store's days) of the shoppers first seen in the
    weeks of ``first``..``last`` (at most the last 12), and how many of each were active in
    each following week up to ``last``. Rolled-up days are read from ``DailyActiveCustomer``,
    the others (today at least) from the raw log, as ``analytics.selectors`` does: three
    queries, one row per shopper and active day."""
    last_week = monday(last)
    first_week = max(monday(first), last_week - timedelta(weeks=RETENTION_WEEKS - 1))
    rolled_up = set(
        DailyRollup.objects.filter(store=store, day__gte=first_week, day__lte=last).values_list(
            "day", flat=True
        )
    )
    rows = list(
        DailyActiveCustomer.objects.filter(
            store=store, day__gte=first_week, day__lte=last
        ).values_list("customer_id", "day", "is_new")
    )
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
            .values_list("customer_id", "day", "is_new")
            .distinct()
            .order_by()
        )
        # A rolled-up day inside the raw span counts from its rollup (its raw rows may be gone).
        rows += [row for row in raw_rows if row[1] not in rolled_up]
    first_seen: dict[int, date] = {}
    active_weeks: dict[int, set] = defaultdict(set)
    for customer_id, day, is_new in rows:
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

LAUNCH = "Launch"
END_LABELS = {
    "skill_ended": "the skill ended it",
    "user_ended": "the shopper ended it",
    "no_response": "no response",
    "failed": "failed",
    "amazon_pay": "handed to Amazon Pay",
    "isp": "handed to Amazon's purchase dialogue",
}
# A turn that hands the shopper to Amazon ends the session; the answer opens a new one.
HANDOFFS = {
    "amazon_pay": (Outcome.SETUP_SENT, Outcome.CHARGE_SENT),
    "isp": (Outcome.UPSELL_SENT, Outcome.BUY_SENT, Outcome.ISP_CANCEL_SENT),
}
HANDOFF_RANKS = {"amazon_pay": 2, "isp": 1}


@dataclass(frozen=True)
class Path:
    steps: tuple[str, ...]
    end: str  # one of END_LABELS
    sessions: int

    @property
    def text(self) -> str:
        return " › ".join([*self.steps, f"END: {END_LABELS[self.end]}"])


def _step_expression():
    return Case(
        When(request_type="IntentRequest", then=F("intent")),
        When(request_type="LaunchRequest", then=Value(LAUNCH)),
        default=F("request_type"),
        output_field=CharField(),
    )


def _ranked(ranks: dict):
    return Case(
        *[When(outcome__in=outcomes, then=n) for outcomes, n in ranks],
        default=0,
        output_field=IntegerField(),
    )


def _end(ending: int, handoff: int) -> str:
    for name, rank in HANDOFF_RANKS.items():
        if handoff == rank:
            return name
    return SESSION_ENDS[ending]


def _step(request_type: str, intent: str) -> str:
    if request_type == "IntentRequest":
        return intent
    return LAUNCH if request_type == "LaunchRequest" else request_type


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
            .annotate(
                path=StringAgg(
                    _step_expression(),
                    delimiter="\t",
                    order_by=("created_at", "id"),
                    filter=~Q(request_type="SessionEndedRequest"),
                    default=Value(""),
                ),
                ending=Max(_ranked([((o,), n) for o, n in END_RANKS.items()])),
                handoff=Max(_ranked([(HANDOFFS[k], n) for k, n in HANDOFF_RANKS.items()])),
                launched=Max(
                    Case(
                        When(request_type="LaunchRequest", then=1),
                        default=0,
                        output_field=IntegerField(),
                    )
                ),
            )
            .order_by()
        )
        sql, params = per_session.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT s."path", s."ending", s."handoff", COUNT(*) AS n FROM ({sql}) s '
                'WHERE s."launched" = 1 GROUP BY s."path", s."ending", s."handoff" '
                'ORDER BY n DESC, s."path", s."ending", s."handoff" LIMIT %s',
                [*params, TOP],
            )
            rows = cursor.fetchall()
        return [
            Path(tuple(p for p in path.split("\t") if p), _end(ending, handoff), n)
            for path, ending, handoff, n in rows
        ]
    return paths_counted_here(requests)


def paths_counted_here(requests) -> list[Path]:
    """``paths`` for databases without an ordered string aggregate: one row per request."""
    handoff_of = {o: HANDOFF_RANKS[k] for k, outcomes in HANDOFFS.items() for o in outcomes}
    sessions: dict[str, list] = {}
    for session_id, request_type, intent, outcome in (
        requests.order_by("session_id", "created_at", "id")
        .values_list("session_id", "request_type", "intent", "outcome")
        .iterator()
    ):
        seen = sessions.setdefault(session_id, [[], 0, 0])
        if request_type == "SessionEndedRequest":
            seen[1] = max(seen[1], END_RANKS.get(outcome, 0))
        else:
            seen[0].append(_step(request_type, intent))
        seen[2] = max(seen[2], handoff_of.get(outcome, 0))
    counted = Counter(
        (tuple(steps), _end(ending, handoff))
        for steps, ending, handoff in sessions.values()
        if steps and steps[0] == LAUNCH
    )
    ranked = sorted(counted.items(), key=lambda item: (-item[1], "\t".join(item[0][0]), item[0][1]))
    return [Path(steps, end, n) for (steps, end), n in ranked[:TOP]]


# Heard but not understood --------------------------------------------------------------------


@dataclass
class UnheardWords:
    words: str  # as heard, spaces collapsed, lower case
    locale: str
    times: int
    synonym_of: str = ""  # the product it names now, once added


def _is_product_id(value: str) -> bool:
    """Slot values are the resolved entity id (a product's pk) when matched."""
    return value.strip().isdigit()


def unheard_words(store, start: datetime, stop: datetime) -> list[UnheardWords]:
    """The words shoppers used for a product that matched none (the Product slot of an order
    or product question holds the words, not an id, and the skill had to ask which product),
    most heard first; with the product they name now if they were added as a synonym."""
    rows = (
        session_requests(store, start, stop)
        .filter(
            request_type="IntentRequest",
            intent__in=PRODUCT_INTENTS,
            outcome=Outcome.CLARIFY_PRODUCT,
        )
        .annotate(words=KeyTextTransform(intents.PRODUCT_SLOT, "slots"))
        .filter(words__isnull=False)
        .values_list("words", "locale")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted: Counter = Counter()
    for words, locale, n in rows:
        words = " ".join(str(words).lower().split())
        if words and not _is_product_id(words):
            counted[(words, locale)] += n
    top = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:TOP_WORDS]
    found = [UnheardWords(words, locale, n) for (words, locale), n in top]
    if found:
        synonyms = (
            ProductSynonym.objects.filter(store=store)
            .annotate(lowered=Lower("value"))
            .filter(lowered__in=sorted({w.words for w in found}))
            .values_list("lowered", "locale", "product__name")
        )
        named = {}
        for words, locale, product in synonyms:
            named[(words, locale)] = product
        for item in found:
            item.synonym_of = named.get((item.words, item.locale)) or named.get(
                (item.words, ""), ""
            )
    return found


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
        return _step(self.request_type, self.intent)


def fallback_contexts(store, start: datetime, stop: datetime) -> list[FallbackContext]:
    """What came just before each AMAZON.FallbackIntent in its session (the request and the
    skill's outcome), most frequent first: where shoppers get lost."""
    window = {"partition_by": [F("session_id")], "order_by": [F("created_at").asc(), F("id")]}
    inner = (
        session_requests(store, start, stop)
        .annotate(
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
    return [
        FallbackContext(request_type or "", intent or "", outcome or "", n)
        for request_type, intent, outcome, n in rows
    ]


@dataclass(frozen=True)
class AskedProduct:
    label: str  # the product's name, or the words heard in quotes
    product_id: int | None
    times: int
    stock: int | None = None
    active: bool = True


@dataclass(frozen=True)
class Asked:
    most: list  # [AskedProduct]: what shoppers asked for most
    unavailable: list  # [AskedProduct]: asked for while out of stock or not for sale


def asked_products(store, start: datetime, stop: datetime) -> Asked:
    """Products named in order and product questions (three queries: both counts, then the
    products' names and stock)."""
    asked = KeyTextTransform(intents.PRODUCT_SLOT, "slots")
    base = session_requests(store, start, stop).annotate(asked=asked).filter(asked__isnull=False)
    most = (
        base.filter(request_type="IntentRequest", intent__in=PRODUCT_INTENTS)
        .values_list("asked")
        .annotate(n=Count("pk"))
        .order_by()
    )
    unavailable = (
        base.filter(outcome=Outcome.NOT_AVAILABLE)
        .values_list("asked")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def merged(rows) -> Counter:
        counted: Counter = Counter()
        for value, n in rows:
            value = " ".join(str(value).split())
            counted[value if _is_product_id(value) else value.lower()] += n
        return counted

    most, unavailable = merged(most), merged(unavailable)
    ids = {int(v) for v in [*most, *unavailable] if _is_product_id(v)}
    products = {
        pk: (name, stock, active)
        for pk, name, stock, active in Product.objects.filter(store=store, pk__in=ids).values_list(
            "pk", "name", "stock", "active"
        )
    }

    def listed(counted: Counter) -> list[AskedProduct]:
        found = []
        for value, n in counted.items():
            if _is_product_id(value) and int(value) in products:
                name, stock, active = products[int(value)]
                found.append(AskedProduct(name, int(value), n, stock, active))
            elif not _is_product_id(value):
                found.append(AskedProduct(f"“{value}”", None, n))
        return sorted(found, key=lambda a: (-a.times, a.label))[:TOP]

    return Asked(listed(most), listed(unavailable))


def synonym_choices(store) -> list[tuple[int, str]]:
    return list(
        Product.objects.filter(store=store, active=True).order_by("name").values_list("pk", "name")
    )


# Upsell experiments --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentRow:
    experiment: UpsellExperiment
    arms: list  # [isp.experiments.ArmResult], A then B

    @property
    def arm_rows(self) -> list[dict]:
        """Each arm as the page writes it: what it tries, counts, shares in percent."""
        e = self.experiment
        tried = {
            Arm.A: e.message_a if e.kind == "message" else str(e.per_session_a),
            Arm.B: e.message_b if e.kind == "message" else str(e.per_session_b),
        }
        return [
            {
                "arm": arm.arm,
                "tried": tried[arm.arm],
                "suggestions": arm.suggestions,
                "purchases": arm.purchases,
                "conversion": f"{arm.conversion * 100:.1f} %",
                "interval": f"{arm.low * 100:.1f} % to {arm.high * 100:.1f} %",
            }
            for arm in self.arms
        ]


def experiments(store) -> list[ExperimentRow]:
    """The store's experiments, running first, each arm's results as
    ``isp.experiments.experiment_results`` computes them (suggestions made under the arm,
    accepted Upsell purchases, conversion and its 95 % Wilson interval), for all of them in
    three queries."""
    rows = list(
        UpsellExperiment.objects.filter(store=store)
        .select_related("product")
        .order_by(F("ended_at").desc(nulls_first=True), "-started_at", "-pk")
    )
    offered = Counter(
        {
            (experiment_id, arm): n
            for experiment_id, arm, n in UpsellEvent.objects.filter(
                store=store, experiment__isnull=False, kind=UpsellEventKind.OFFERED
            )
            .values_list("experiment_id", "arm")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    bought = Counter(
        {
            (experiment_id, arm): n
            for experiment_id, arm, n in IspPurchaseResult.objects.filter(
                store=store,
                attempt__experiment__isnull=False,
                name=DirectiveName.UPSELL,
                result=PurchaseResult.ACCEPTED,
            )
            .values_list("attempt__experiment_id", "attempt__arm")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    found = []
    for experiment in rows:
        arms = []
        for arm in Arm.values:
            trials, successes = offered[(experiment.pk, arm)], bought[(experiment.pk, arm)]
            low, high = wilson_interval(successes, trials)
            rate = successes / trials if trials else 0.0
            arms.append(ArmResult(arm, trials, successes, rate, low, high))
        found.append(ExperimentRow(experiment, arms))
    return found


# The skill package ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageState:
    revision: int
    exported_revision: int | None  # None: never exported

    @property
    def stale(self) -> bool:
        return self.exported_revision != self.revision


def package_state(store) -> PackageState:
    export = latest_export(store=store)
    return PackageState(
        catalog_revision(store_id=store.pk), export.catalog_revision if export else None
    )
