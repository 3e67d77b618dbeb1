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

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, FilteredRelation, Q, Subquery

from catalog.models import CatalogRevision
from isp.facts import DirectiveName, PurchaseResult
from isp.models import (
    IspPurchaseResult,
    IspSettings,
    UpsellEvent,
    UpsellEventKind,
)
from merchant.models import Store
from orders.models import RefillPlan, RefillPlanEvent, RefillPlanEventType, RefillPlanStatus
from voicelab.models import SkillPackageExport

from ..conversations import HANDOFF_RANKS, HANDOFFS, LAUNCH
from ..raw import session_requests
from .conversation_reads import ConversationDays, conversation_days
from .isp_reads import (
    ExperimentRow,
    IspResults,
    ProductSales,
    Subscriptions,
    experiments,
    isp_purchases,
    isp_purchases_compared,
    isp_results_compared,
    live_subscriptions,
    sandbox_subscriptions,
)
from .reads_base import PRODUCT_INTENTS, RETENTION_WEEKS, SALES, TOP, TOP_WORDS, console_shopper
from .request_reads import (
    FUNNEL_STEPS,
    LAUNCH_OUTCOMES,
    Asked,
    AskedProduct,
    RequestReads,
    UnheardWords,
    amazon_pay_funnel,
    asked_products,
    request_reads,
    synonym_choices,
    unheard_words,
)
from .voice_reads import (
    END_LABELS,
    Cohort,
    FallbackContext,
    Path,
    fallback_contexts,
    fallback_contexts_windowed,
    monday,
    paths,
    paths_counted_here,
    retention,
    retention_first_week,
)

__all__ = [
    "Asked",
    "AskedProduct",
    "Cohort",
    "ConversationDays",
    "END_LABELS",
    "ExperimentRow",
    "IspResults",
    "FUNNEL_STEPS",
    "FallbackContext",
    "HANDOFFS",
    "HANDOFF_RANKS",
    "LAUNCH",
    "LAUNCH_OUTCOMES",
    "PRODUCT_INTENTS",
    "Path",
    "ProductSales",
    "RETENTION_WEEKS",
    "RequestReads",
    "SALES",
    "Subscriptions",
    "TOP",
    "TOP_WORDS",
    "UnheardWords",
    "amazon_pay_funnel",
    "asked_products",
    "console_shopper",
    "conversation_days",
    "experiments",
    "fallback_contexts",
    "fallback_contexts_windowed",
    "isp_purchases",
    "isp_purchases_compared",
    "isp_results_compared",
    "live_subscriptions",
    "monday",
    "paths",
    "paths_counted_here",
    "request_reads",
    "retention",
    "retention_first_week",
    "sandbox_subscriptions",
    "session_requests",
    "synonym_choices",
    "unheard_words",
]


# Sales: refill plans -------------------------------------------------------------------------


@dataclass(frozen=True)
class RefillPlans:
    active: int  # now: a plan keeps no history of its status
    started: int
    renewed: int
    failed: int  # renewals given up after the last retry (the plan paused)
    cancelled: int


def refill_plans_compared(
    store, span: tuple[datetime, datetime], previous: tuple[datetime, datetime]
) -> tuple[RefillPlans, RefillPlans]:
    """``refill_plans`` of a range and of the one before, in one query: the store's plans
    (those active now counted) joined to their events of either range."""
    kinds = {
        "started": RefillPlanEventType.CREATED,
        "renewed": RefillPlanEventType.RENEWED,
        "failed": RefillPlanEventType.RENEWAL_FAILED,
        "cancelled": RefillPlanEventType.CANCELLED,
    }
    windows = {"now": span, "before": previous}

    def during(field: str, start: datetime, stop: datetime) -> Q:
        return Q(**{f"{field}__gte": start, f"{field}__lt": stop})

    counts = (
        RefillPlan.objects.filter(store=store)
        .exclude(console_shopper("customer"))
        .annotate(
            counted=FilteredRelation(
                "events",
                condition=Q(events__store=store)
                & (during("events__created_at", *span) | during("events__created_at", *previous)),
            )
        )
        .aggregate(
            active=Count("pk", distinct=True, filter=Q(status=RefillPlanStatus.ACTIVE)),
            **{
                f"{when}_{name}": Count(
                    "counted__pk",
                    filter=Q(counted__type=kind) & during("counted__created_at", start, stop),
                )
                for when, (start, stop) in windows.items()
                for name, kind in kinds.items()
            },
        )
    )
    now, before = (
        RefillPlans(active=counts["active"], **{name: counts[f"{when}_{name}"] for name in kinds})
        for when in windows
    )
    return now, before


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


def isp_funnel(
    store,
    start: datetime,
    stop: datetime,
    *,
    sandbox: bool,
    upsell_results: dict[str, int] | None = None,
) -> dict[str, int]:
    """Suggestions made (Upsell directives sent), then how Amazon's purchase dialogue for an
    Upsell ended: accepted, declined, error (and any other result, ``other``). One query when
    the caller has read the range's Upsell results already (``isp_results_compared``), two
    otherwise."""
    offered = UpsellEvent.objects.filter(
        store=store, kind=UpsellEventKind.OFFERED, created_at__gte=start, created_at__lt=stop
    )
    if not sandbox:
        offered = offered.exclude(console_shopper("customer"))
    by_result = upsell_results
    if by_result is None:
        results = IspPurchaseResult.objects.filter(
            store=store, name=DirectiveName.UPSELL, created_at__gte=start, created_at__lt=stop
        )
        if not sandbox:
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


# The skill package ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageState:
    revision: int
    exported_revision: int | None  # None: never exported
    isp_sandbox: bool = False  # read with it: the store's ISP sandbox mode

    @property
    def stale(self) -> bool:
        return self.exported_revision != self.revision


def package_state(store) -> PackageState:
    """The catalog's revision, the last export's and whether the store's in-skill purchasing
    is in sandbox mode (``isp.selectors.store_in_isp_sandbox``), in one query."""
    revision = CatalogRevision.objects.filter(store_id=store.pk).values("number")[:1]
    exported = (
        SkillPackageExport.objects.filter(store=store)
        .order_by("-created_at", "-pk")
        .values("catalog_revision")[:1]
    )
    row = (
        Store.objects.filter(pk=store.pk)
        .annotate(
            revision=Subquery(revision),
            exported=Subquery(exported),
            sandbox=Exists(IspSettings.objects.filter(store=store, sandbox_mode=True)),
        )
        .values("revision", "exported", "sandbox")
        .get()
    )
    return PackageState(row["revision"] or 0, row["exported"], row["sandbox"])
