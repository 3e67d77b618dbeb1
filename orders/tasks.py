"""Celery tasks of the orders app. Tasks take ids, load fresh rows and call services.

Every task is safe to run twice (acks_late: a worker killed mid-task gets the message
redelivered): the services are idempotent on database state, not on task bookkeeping.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError

from . import effects, emails, selectors, services
from .errors import OrderError, OrderErrorCode
from .models import Order, PaymentState, RefillPlan, RefillRenewal

log = logging.getLogger(__name__)

# Codes that mean "already done or no longer applicable": the task has nothing left to do.
_SETTLED = {
    OrderErrorCode.ALREADY_CAPTURED,
    OrderErrorCode.CANNOT_CAPTURE,
    OrderErrorCode.PLAN_NOT_ACTIVE,
    OrderErrorCode.RENEWAL_NOT_DUE,
}


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_order_email(self, order_id: int, kind: str, key: str = ""):
    try:
        emails.send_order_email(order_id=order_id, kind=kind, key=key)
    except emails.TransientEmailError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=4,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def capture_order_payment(self, order_id: int):
    """Charge Later: capture the authorization of a shipped order."""
    order = Order.objects.get(pk=order_id)
    try:
        services.order_capture(order=order, actor_label=services.SYSTEM)
    except OrderError as exc:
        if exc.code in _SETTLED:
            return exc.code.value
        if exc.code == OrderErrorCode.CAPTURE_FAILED:
            log.warning("Capture of order %s refused: %s", order.number, exc.data)
            raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
        raise
    return "captured"


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=20,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def settle_refund(self, transaction_id: int):
    """Amazon refunds are asynchronous: ask until the refund is Completed or Declined."""
    txn = services.refund_settle(transaction_id=transaction_id)
    if txn.state == PaymentState.PENDING:
        delay = min(settings.ORDERS_REFUND_POLL_SECONDS * 2**self.request.retries, 3600)
        raise self.retry(countdown=delay)
    return txn.state


@shared_task(acks_late=True)
def settle_pending_refunds():
    """Beat sweeper: a refund whose settle task was lost is settled anyway."""
    ids = selectors.pending_refund_ids(limit=1000)
    effects.settle_refunds_now(ids)
    return len(ids)


@shared_task(acks_late=True)
def check_expiring_authorizations():
    """Beat job: warn about authorizations near their 30-day expiry; capture or release
    those about to expire, per ``store.authorization_expiry_action``."""
    warn_ids, act_ids = selectors.authorizations_expiring()
    warned = settled = 0
    for pk in warn_ids:
        warned += services.order_warn_authorization_expiring(order=Order.objects.get(pk=pk))
    for pk in act_ids:
        order = Order.objects.get(pk=pk)
        services.order_warn_authorization_expiring(order=order)
        try:
            services.order_settle_expiring_authorization(order=order)
            settled += 1
        except OrderError as exc:
            log.error("Expiring authorization of order %s: %s", order.number, exc)
    return {"warned": warned, "settled": settled}


@shared_task(acks_late=True)
def renew_due_refill_plans():
    """Beat job: one renewal task per plan that is due (the service skips plans in backoff)."""
    ids = selectors.refill_plan_due_ids()
    effects.renew_refill_plans_now(ids)
    return len(ids)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def renew_refill_plan(self, plan_id: int):
    plan = RefillPlan.objects.get(pk=plan_id)
    try:
        outcome = services.refill_plan_renew(plan=plan)
    except OrderError as exc:
        if exc.code in _SETTLED:
            return exc.code.value
        raise
    return outcome.status


@shared_task(acks_late=True)
def report_renewal_failure(renewal_id: int):
    """Tell the merchant that a refill plan could not be charged and was paused."""
    renewal = RefillRenewal.objects.select_related("plan__store", "plan__customer").get(
        pk=renewal_id
    )
    plan = renewal.plan
    log.error(
        "Refill plan %s of store %s failed after %s attempts: %s",
        plan.pk,
        plan.store.slug,
        renewal.attempts,
        renewal.last_error,
    )
    if plan.store.support_email:
        send_mail(
            f"Refill plan {plan.pk} could not be charged",
            f"The renewal of {plan} for {plan.customer} due {renewal.period_start:%Y-%m-%d} "
            f"failed {renewal.attempts} times ({renewal.last_error}). The plan is paused; "
            "resume it from the support console once the shopper's payment works again.",
            settings.DEFAULT_FROM_EMAIL,
            [plan.store.support_email],
        )
