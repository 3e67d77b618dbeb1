"""The dashboard's in-skill purchasing reads: purchases by product, subscriptions (exact
from the sandbox's state, or as observed), and upsell experiments' arms."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

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

from .reads_base import SALES

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
    return isp_purchases_compared(store, start, start, stop, sandbox=sandbox)[0]


def isp_purchases_compared(
    store, previous_start: datetime, start: datetime, stop: datetime, *, sandbox: bool
) -> tuple[list[ProductSales], list[ProductSales]]:
    """``isp_purchases`` of [start, stop) and of the range just before it, [previous_start,
    start), in one query."""
    found = isp_results_compared(store, previous_start, start, stop, sandbox=sandbox)
    return found.now, found.before


@dataclass(frozen=True)
class IspResults:
    now: list[ProductSales]  # ``isp_purchases`` of the range
    before: list[ProductSales]  # and of the range before it
    upsell_results: dict[str, int]  # the range's Upsell results: {result: how many}

    def started(self, product_type: str) -> int:
        """Purchases of the range of products of ``product_type`` (subscriptions begun)."""
        return sum(sales.purchases for sales in self.now if sales.type == product_type)


def isp_results_compared(
    store, previous_start: datetime, start: datetime, stop: datetime, *, sandbox: bool
) -> IspResults:
    """The purchase results the dashboard shows, in one query: ``isp_purchases`` of [start,
    stop) and of [previous_start, start), and how the range's Upsell dialogues ended (every
    result, accepted or not: the ISP funnel). Test purchases count only in ISP sandbox mode."""
    name = InSkillProductLocalization.objects.filter(
        product=OuterRef("product"), locale=store.default_locale
    ).values("name")[:1]
    accepted_sales = Q(result=PurchaseResult.ACCEPTED, name__in=SALES)
    upsells = Q(name=DirectiveName.UPSELL, created_at__gte=start)
    results = IspPurchaseResult.objects.filter(
        accepted_sales | upsells, store=store, created_at__gte=previous_start, created_at__lt=stop
    )
    if not sandbox:
        results = results.filter(is_test=False)
    rows = (
        results.annotate(
            product_name=Subquery(name),
            now=Case(
                When(created_at__gte=start, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values_list(
            "now",
            "name",
            "result",
            "product_id",
            "product__reference_name",
            "product_name",
            "product__type",
            "currency",
        )
        .annotate(n=Count("pk"), listed=Sum("list_price"))
        .order_by()
    )
    found: dict[bool, dict[int, ProductSales]] = {True: {}, False: {}}
    upsell_results: Counter = Counter()
    for now, directive, result, pk, reference, spoken, type_, currency, n, listed in rows:
        if now and directive == DirectiveName.UPSELL:
            upsell_results[result] += n
        if result != PurchaseResult.ACCEPTED or directive not in SALES:
            continue
        sales = found[now].setdefault(pk, ProductSales(pk, spoken or reference, type_))
        sales.purchases += n
        if currency and listed is not None:
            sales.list_prices[currency] += listed

    def ranked(by_product: dict[int, ProductSales]) -> list[ProductSales]:
        return sorted(by_product.values(), key=lambda s: (-s.purchases, s.name))

    return IspResults(ranked(found[True]), ranked(found[False]), dict(upsell_results))


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
        if not self.trials_ended or self.trials_paid is None:
            return None
        return self.trials_paid / self.trials_ended

    @property
    def churn_text(self) -> str:
        churn = self.churn
        return "–" if churn is None else f"{churn * 100:.1f} %"

    @property
    def trial_to_paid_text(self) -> str:
        if self.trials_ended is None:
            return "not observable live"
        trial_to_paid = self.trial_to_paid
        if trial_to_paid is None:
            return "– (no trial ended)"
        return f"{trial_to_paid * 100:.1f} % ({self.trials_paid} of {self.trials_ended})"


def _subscriptions_started(store, start, stop, *, sandbox: bool) -> int:
    return (
        _sales(store, start, stop, sandbox=sandbox)
        .filter(product__type=ProductType.SUBSCRIPTION)
        .count()
    )


def sandbox_subscriptions(
    store, start: datetime, stop: datetime, *, now: datetime, started: int | None = None
):
    """Exact, from the ISP sandbox's own state (what Amazon knows: the paid or trial period's
    end, auto-renewal, trial used) and when each subscription began (its first accepted
    purchase). A subscription the sandbox never saw (bought while the portal recorded
    Amazon's answers without it, as the demo history does) counts as observed: active while
    the portal last saw it entitled. Three queries, one row per subscriber and product (four
    without ``started``, the subscriptions begun in the range, when the caller has them)."""
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
    # (user id, product id) -> (period end, auto-renew, trial used)
    rows = SandboxEntitlement.objects.filter(
        store=store, product__type=ProductType.SUBSCRIPTION
    ).values_list("user_id", "product_id", "period_end", "auto_renew", "trial_used")
    sandbox: dict[tuple[str, int], tuple[datetime | None, bool, bool]] = {
        (user_id, product_id): (period_end, auto_renew, trial_used)
        for user_id, product_id, period_end, auto_renew, trial_used in rows
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
    if started is None:
        started = _subscriptions_started(store, start, stop, sandbox=True)
    return Subscriptions(
        exact=True,
        active_start=active_start,
        active_end=active_end,
        started=started,
        ended=ended,
        trials_ended=trials_ended,
        trials_paid=trials_paid,
        observed=observed,
    )


def live_subscriptions(
    store, start, stop, *, active_start: int, active_end: int, started: int | None = None
):
    """As observed: active counts are the analytics snapshots (``active_subscriptions`` of
    the periods ending at ``start`` and at ``stop``), starts the accepted purchases, ends
    the subscriptions the skill last saw not entitled after having sold them. Renewals,
    trial conversions and lapses of shoppers who do not come back are never reported.
    ``started``: the starts, when the caller has them (``IspResults.started``)."""
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
    if started is None:
        started = _subscriptions_started(store, start, stop, sandbox=False)
    return Subscriptions(
        exact=False,
        active_start=active_start,
        active_end=active_end,
        started=started,
        ended=ended,
        trials_ended=None,
        trials_paid=None,
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
    one query (each arm's counts a subquery of the experiment's row)."""

    def counted(rows, experiment: str):
        return Coalesce(
            Subquery(rows.order_by().values(experiment).annotate(n=Count("pk")).values("n")),
            0,
        )

    arms = {}
    for arm in Arm.values:
        offered = UpsellEvent.objects.filter(
            store=store, experiment=OuterRef("pk"), arm=arm, kind=UpsellEventKind.OFFERED
        )
        bought = IspPurchaseResult.objects.filter(
            store=store,
            attempt__experiment=OuterRef("pk"),
            attempt__arm=arm,
            name=DirectiveName.UPSELL,
            result=PurchaseResult.ACCEPTED,
        )
        arms[f"offered_{arm}"] = counted(offered, "experiment")
        arms[f"bought_{arm}"] = counted(bought, "attempt__experiment")
    rows = (
        UpsellExperiment.objects.filter(store=store)
        .select_related("product")
        .annotate(**arms)
        .order_by(F("ended_at").desc(nulls_first=True), "-started_at", "-pk")
    )
    found = []
    for experiment in rows:
        results = []
        for arm in Arm.values:
            trials = getattr(experiment, f"offered_{arm}")
            successes = getattr(experiment, f"bought_{arm}")
            low, high = wilson_interval(successes, trials)
            rate = successes / trials if trials else 0.0
            results.append(ArmResult(arm, trials, successes, rate, low, high))
        found.append(ExperimentRow(experiment, results))
    return found
