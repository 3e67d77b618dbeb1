"""Reads of the launch checklist: package exports, certification runs, and what a
certification case looks up about its test shopper."""

from merchant.models import Area
from merchant.selectors import stores_for_user
from orders.models import Order, OrderStatus, RefundRequest
from voicelab.models import CERTIFICATION_RUN_ACTIVE, CertificationRun, SkillPackageExport

PAST_RUNS = 20  # runs listed on the page


def launch_stores(*, user):
    """The stores whose launch checklist ``user`` may see: owners only (the settings area)."""
    return stores_for_user(user=user, area=Area.SETTINGS)


def latest_export(*, store) -> SkillPackageExport | None:
    return (
        SkillPackageExport.objects.filter(store=store)
        .select_related("exported_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def store_runs(*, store, limit: int = PAST_RUNS) -> list[CertificationRun]:
    return list(
        CertificationRun.objects.filter(store=store)
        .select_related("started_by")
        .order_by("-started_at", "-pk")[:limit]
    )


def store_run(*, store, run_id) -> CertificationRun | None:
    return CertificationRun.objects.filter(store=store, pk=run_id).select_related("store").first()


def active_run(*, store) -> CertificationRun | None:
    return CertificationRun.objects.filter(store=store, status__in=CERTIFICATION_RUN_ACTIVE).first()


def shopper_latest_order(*, store, alexa_user_id: str) -> Order | None:
    """The test shopper's latest order (cart included)."""
    return (
        Order.objects.filter(store=store, customer__alexa_user_id=alexa_user_id)
        .order_by("-created_at", "-pk")
        .first()
    )


def shopper_placed_orders(*, store, alexa_user_id: str) -> int:
    return (
        Order.objects.filter(store=store, customer__alexa_user_id=alexa_user_id)
        .exclude(status__in=[OrderStatus.DRAFT, OrderStatus.ABANDONED])
        .count()
    )


def shopper_refund_requests(*, store, alexa_user_id: str) -> int:
    return RefundRequest.objects.filter(store=store, customer__alexa_user_id=alexa_user_id).count()
