"""Refill plans: a product delivered every few weeks, charged on the shopper's Amazon Pay
billing agreement. The beat job finds due plans (``selectors.refill_plan_due_ids``) and a
task per plan calls ``refill_plan_renew``."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from merchant.models import PaymentMode
from webhooks.models import WebhookEventType

from .. import effects, events
from ..errors import OrderError, OrderErrorCode
from ..events import SHOPPER
from ..gateways import GatewayError, get_gateway
from ..models import (
    Customer,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    RefillPlan,
    RefillPlanStatus,
    RefillRenewal,
    RenewalState,
)
from ..pricing import order_totals
from ._locks import lock_plan, save_fields
from .payments import PaymentResult, book_authorization


@transaction.atomic
def refill_plan_create(
    *,
    customer: Customer,
    product: Product,
    quantity: int,
    interval_weeks: int,
    actor_label: str = SHOPPER,
) -> RefillPlan:
    """Start a refill plan on the customer's billing agreement; the first renewal is one
    interval from now. A repeated request returns the plan already running."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if product.store_id != customer.store_id:
        raise OrderError(OrderErrorCode.WRONG_STORE, "That product belongs to another store.")
    if int(quantity) < 1:
        raise OrderError(OrderErrorCode.BAD_QUANTITY, "Quantities start at one.")
    if int(interval_weeks) < 1:
        raise OrderError(OrderErrorCode.BAD_INTERVAL, "Refills come at least one week apart.")
    if not customer.has_open_billing_agreement:
        raise OrderError(
            OrderErrorCode.NO_BILLING_AGREEMENT, "Refills need an open Amazon Pay agreement."
        )
    existing = RefillPlan.objects.filter(
        customer=customer,
        product=product,
        status__in=[RefillPlanStatus.ACTIVE, RefillPlanStatus.PAUSED],
    ).first()
    if existing is not None:
        return existing
    plan = RefillPlan.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        quantity=int(quantity),
        interval_weeks=int(interval_weeks),
        next_run_at=timezone.now() + timedelta(weeks=int(interval_weeks)),
    )
    events.plan_created(plan, actor_label=actor_label)
    return plan


@transaction.atomic
def refill_plan_pause(
    *, plan: RefillPlan, actor: User | None = None, actor_label: str = ""
) -> RefillPlan:
    plan = lock_plan(plan)
    if plan.status != RefillPlanStatus.ACTIVE:
        raise OrderError(OrderErrorCode.PLAN_NOT_ACTIVE, f"The plan is {plan.status}.")
    plan.status = RefillPlanStatus.PAUSED
    save_fields(plan, "status")
    events.plan_paused(plan, actor=actor, actor_label=actor_label)
    return plan


@transaction.atomic
def refill_plan_resume(
    *, plan: RefillPlan, actor: User | None = None, actor_label: str = ""
) -> RefillPlan:
    """Resume a paused plan; a renewal date that passed while paused becomes now."""
    plan = lock_plan(plan)
    if plan.status != RefillPlanStatus.PAUSED:
        raise OrderError(OrderErrorCode.PLAN_NOT_PAUSED, f"The plan is {plan.status}.")
    plan.status = RefillPlanStatus.ACTIVE
    plan.next_run_at = max(plan.next_run_at, timezone.now())
    plan.failed_attempts = 0
    save_fields(plan, "status", "next_run_at", "failed_attempts")
    events.plan_resumed(plan, actor=actor, actor_label=actor_label)
    return plan


@transaction.atomic
def refill_plan_skip(
    *, plan: RefillPlan, actor: User | None = None, actor_label: str = ""
) -> RefillPlan:
    """Skip the next refill of an active plan: its renewal moves one interval later."""
    plan = lock_plan(plan)
    if plan.status != RefillPlanStatus.ACTIVE:
        raise OrderError(OrderErrorCode.PLAN_NOT_ACTIVE, f"The plan is {plan.status}.")
    plan.next_run_at += timedelta(weeks=plan.interval_weeks)
    save_fields(plan, "next_run_at")
    events.plan_skipped(plan, actor=actor, actor_label=actor_label)
    return plan


@transaction.atomic
def refill_plan_cancel(
    *, plan: RefillPlan, actor: User | None = None, actor_label: str = ""
) -> RefillPlan:
    plan = lock_plan(plan)
    if plan.status == RefillPlanStatus.CANCELLED:
        raise OrderError(OrderErrorCode.PLAN_ALREADY_CANCELLED, "The plan is already cancelled.")
    plan.status = RefillPlanStatus.CANCELLED
    save_fields(plan, "status")
    events.plan_cancelled(plan, actor=actor, actor_label=actor_label)
    return plan


# Renewals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalOutcome:
    renewal: RefillRenewal | None
    status: str  # charged | already_charged | backoff | retrying | failed
    order: Order | None = None


class _RenewalDeclined(Exception):
    def __init__(self, code: str):
        self.code = code


def refill_plan_renew(*, plan: RefillPlan, now: datetime | None = None) -> RenewalOutcome:
    """Charge the plan's period that is due (``plan.next_run_at``) on the billing agreement.

    Charge Later on the agreement: authorize now, capture when staff ship. Never charges a
    period twice: ``RefillRenewal`` is unique per (plan, period) and the gateway reference
    is derived from it, so a retried task or a crashed worker gets the first answer back. A
    decline is retried with exponential backoff (by the beat job) and after
    ``ORDERS_RENEWAL_MAX_ATTEMPTS`` reported: the plan pauses and the merchant is emailed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        plan = lock_plan(plan)
        if plan.status != RefillPlanStatus.ACTIVE:
            raise OrderError(OrderErrorCode.PLAN_NOT_ACTIVE, f"The plan is {plan.status}.")
        if plan.next_run_at > now:
            raise OrderError(OrderErrorCode.RENEWAL_NOT_DUE, "The next renewal is not due yet.")
        renewal, _ = RefillRenewal.objects.select_for_update().get_or_create(
            plan=plan, period_start=plan.next_run_at, defaults={"store_id": plan.store_id}
        )
        if renewal.state == RenewalState.SUCCEEDED:
            return RenewalOutcome(renewal, "already_charged", renewal.order)
        if renewal.state == RenewalState.FAILED:
            return RenewalOutcome(renewal, "failed")
        if renewal.next_attempt_at and renewal.next_attempt_at > now:
            return RenewalOutcome(renewal, "backoff")
        try:
            order = _renewal_order(plan, renewal)
        except _RenewalDeclined as declined:
            return _renewal_failed(plan, renewal, declined.code, now)
        renewal.state = RenewalState.SUCCEEDED
        renewal.order = order
        renewal.attempts += 1
        renewal.last_error = ""
        renewal.save(update_fields=["state", "order", "attempts", "last_error", "updated_at"])
        plan.next_run_at = renewal.period_start + timedelta(weeks=plan.interval_weeks)
        plan.failed_attempts = 0
        plan.last_error = ""
        save_fields(plan, "next_run_at", "failed_attempts", "last_error")
        events.plan_renewed(plan, order=order, period_start=renewal.period_start.isoformat())
        events.webhook_refill_plan(plan, WebhookEventType.REFILL_PLAN_RENEWED, order=order)
        effects.send_order_email(order_id=order.pk, kind="plan_renewed")
        return RenewalOutcome(renewal, "charged", order)


def _renewal_order(plan: RefillPlan, renewal: RefillRenewal) -> Order:
    """Authorize the period's amount on the agreement, then book the order. The gateway is
    asked first so a decline leaves nothing of ours behind (and Amazon's record stands)."""
    customer = plan.customer
    store = plan.store
    if not customer.has_open_billing_agreement:
        raise _RenewalDeclined("no_billing_agreement")
    product = Product.objects.select_for_update().get(pk=plan.product_id)
    if not product.is_sellable(plan.quantity):
        raise _RenewalDeclined("out_of_stock")
    line_total = product.price * plan.quantity
    totals = order_totals(store=store, line_totals=[line_total])
    reference_id = f"rfl{renewal.pk}-a{renewal.attempts}"
    try:
        result = get_gateway().authorize(
            billing_agreement_id=customer.billing_agreement_id,
            reference_id=reference_id,
            amount=totals.total,
            currency=store.currency,
            capture_now=False,
            note=f"Refill plan {plan.pk}",
        )
    except GatewayError as exc:
        raise _RenewalDeclined(exc.code) from exc
    if result.declined:
        raise _RenewalDeclined(result.reason_code or "Declined")
    order = Order.objects.create(
        store=store,
        customer=customer,
        number=f"tmp-rfl-{renewal.pk}",
        status=OrderStatus.PLACED,
        payment_mode=PaymentMode.CHARGE_LATER,
        source=OrderSource.REFILL,
        currency=store.currency,
        locale=customer.locale,
        email=customer.email,
        shipping_address=customer.shipping_address,
        placed_at=timezone.now(),
        subtotal=totals.subtotal,
        tax=totals.tax,
        shipping=totals.shipping,
        total=totals.total,
    )
    order.number = str(100000 + order.pk)
    OrderLine.objects.create(
        store=store,
        order=order,
        product=product,
        sku=product.sku,
        name=product.name,
        unit_price=product.price,
        quantity=plan.quantity,
        line_total=line_total,
    )
    if product.stock is not None:
        product.stock -= plan.quantity
        product.save(update_fields=["stock", "updated_at"])
    book_authorization(
        order,
        PaymentResult(
            reference_id=reference_id,
            external_id=result.amazon_id,
            amount=result.amount,
            raw=result.raw,
            expires_at=result.expires_at,
        ),
    )
    order.save()
    events.order_created(order, source=OrderSource.REFILL)
    events.order_placed(order, total=order.total)
    events.order_placed_by_refill(order, plan_id=plan.pk, renewal_id=renewal.pk)
    events.webhook_order(order, WebhookEventType.ORDER_PLACED)
    return order


def _renewal_failed(
    plan: RefillPlan, renewal: RefillRenewal, code: str, now: datetime
) -> RenewalOutcome:
    """A declined attempt: retry with exponential backoff, or after the last attempt pause
    the plan and report it to the merchant."""
    renewal.attempts += 1
    renewal.last_error = code[:255]
    plan.failed_attempts += 1
    plan.last_error = code[:255]
    if renewal.attempts >= settings.ORDERS_RENEWAL_MAX_ATTEMPTS:
        renewal.state = RenewalState.FAILED
        renewal.next_attempt_at = None
        plan.status = RefillPlanStatus.PAUSED
        events.plan_renewal_failed(plan, reason_code=code, attempts=renewal.attempts)
        effects.report_renewal_failure(renewal_id=renewal.pk)
        status = "failed"
    else:
        renewal.state = RenewalState.RETRYING
        delay = timedelta(
            seconds=settings.ORDERS_RENEWAL_RETRY_SECONDS * 2 ** (renewal.attempts - 1)
        )
        renewal.next_attempt_at = now + delay
        events.plan_renewal_retrying(
            plan,
            reason_code=code,
            attempts=renewal.attempts,
            next_attempt_at=renewal.next_attempt_at.isoformat(),
        )
        status = "retrying"
    renewal.save(update_fields=["attempts", "last_error", "state", "next_attempt_at", "updated_at"])
    save_fields(plan, "failed_attempts", "last_error", "status")
    if status == "failed":
        events.webhook_refill_plan(
            plan, WebhookEventType.REFILL_PLAN_FAILED, reason_code=code, attempts=renewal.attempts
        )
    return RenewalOutcome(renewal, status)
