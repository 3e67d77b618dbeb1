"""Refill plans: create, pause, resume, cancel, renew on the billing agreement, retry, report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from orders import services
from orders.errors import OrderError
from orders.models import (
    Order,
    OrderSource,
    OrderStatus,
    PaymentKind,
    PaymentStatus,
    PaymentTransaction,
    RefillPlanEvent,
    RefillPlanEventType,
    RefillPlanStatus,
    RenewalState,
    SandboxSimulation,
)
from orders.tests.helpers import make_customer, plan_snapshot

pytestmark = pytest.mark.django_db  # PostgreSQL in CI; any database locally


@pytest.fixture
def plan(charge_now_store):
    customer = make_customer(charge_now_store, locale="de-DE")
    product = ProductFactory(store=charge_now_store, price=Decimal("15.00"), stock=10)
    return services.refill_plan_create(
        customer=customer, product=product, quantity=2, interval_weeks=8
    )


def make_due(plan):
    plan.next_run_at = timezone.now() - timedelta(minutes=1)
    plan.save(update_fields=["next_run_at"])
    return plan


def assert_refused(code, fn, plan, **kwargs):
    before = plan_snapshot(plan)
    with pytest.raises(OrderError) as exc:
        fn(plan=plan, **kwargs)
    assert exc.value.code == code
    assert plan_snapshot(plan) == before


def test_create_plan(plan):
    assert plan.status == RefillPlanStatus.ACTIVE
    assert (plan.quantity, plan.interval_weeks) == (2, 8)
    delta = plan.next_run_at - timezone.now()
    assert timedelta(weeks=8) - timedelta(minutes=1) < delta <= timedelta(weeks=8)
    assert RefillPlanEvent.objects.get(plan=plan).actor_label == "shopper"
    # A repeated request (Alexa delivers twice) returns the same plan.
    again = services.refill_plan_create(
        customer=plan.customer, product=plan.product, quantity=2, interval_weeks=8
    )
    assert again.pk == plan.pk


def test_create_refusals(charge_now_store):
    customer = make_customer(charge_now_store, billing_agreement_status="CLOSED")
    product = ProductFactory(store=charge_now_store)
    with pytest.raises(OrderError) as exc:
        services.refill_plan_create(
            customer=customer, product=product, quantity=1, interval_weeks=4
        )
    assert exc.value.code == "no_billing_agreement"
    customer = make_customer(charge_now_store)
    other = ProductFactory()
    for kwargs, code in [
        ({"product": other, "quantity": 1, "interval_weeks": 4}, "wrong_store"),
        ({"product": product, "quantity": 0, "interval_weeks": 4}, "bad_quantity"),
        ({"product": product, "quantity": 1, "interval_weeks": 0}, "bad_interval"),
    ]:
        with pytest.raises(OrderError) as exc:
            services.refill_plan_create(customer=customer, **kwargs)
        assert exc.value.code == code
    assert not customer.refill_plans.exists()


def test_pause_resume_cancel(plan):
    plan = services.refill_plan_pause(plan=plan, actor_label="support")
    assert plan.status == RefillPlanStatus.PAUSED
    assert_refused("plan_not_active", services.refill_plan_pause, plan)
    assert_refused("plan_not_active", services.refill_plan_renew, plan)
    plan = services.refill_plan_resume(plan=plan)
    assert plan.status == RefillPlanStatus.ACTIVE
    assert_refused("plan_not_paused", services.refill_plan_resume, plan)
    plan = services.refill_plan_cancel(plan=plan, actor_label="shopper")
    assert plan.status == RefillPlanStatus.CANCELLED
    assert_refused("plan_already_cancelled", services.refill_plan_cancel, plan)
    assert_refused("plan_not_paused", services.refill_plan_resume, plan)
    types = list(RefillPlanEvent.objects.filter(plan=plan).values_list("type", flat=True))
    assert types == ["created", "paused", "resumed", "cancelled"]


def test_renew_not_due_is_refused(plan):
    assert_refused("renewal_not_due", services.refill_plan_renew, plan)


def test_renewal_charges_once_and_emails(plan, django_capture_on_commit_callbacks):
    make_due(plan)
    period = plan.next_run_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.refill_plan_renew(plan=plan)
    assert outcome.status == "charged"
    order = outcome.order
    assert (order.status, order.source, order.payment_mode) == (
        OrderStatus.PLACED,
        OrderSource.REFILL,
        "charge_later",
    )
    assert order.payment_status == PaymentStatus.AUTHORIZED
    assert order.total == Decimal("32.40") and order.authorized_amount == Decimal("32.40")
    assert order.lines.get().quantity == 2
    assert order.lines.get().product.stock == 8
    plan.refresh_from_db()
    assert plan.next_run_at == period + timedelta(weeks=8)
    renewal = plan.renewals.get()
    assert (renewal.state, renewal.order_id, renewal.period_start) == (
        "succeeded",
        order.pk,
        period,
    )
    # German shopper, German email.
    assert [m.subject for m in mail.outbox] == [
        f"Deine Nachlieferung von {plan.store.name}: Bestellung {order.number}"
    ]
    assert "alle 8 Wochen" in mail.outbox[0].body
    # The same period again (a retried task, a second beat) never charges twice.
    plan.next_run_at = period
    plan.save(update_fields=["next_run_at"])
    again = services.refill_plan_renew(plan=plan)
    assert again.status == "already_charged" and again.order == order
    assert Order.objects.filter(source=OrderSource.REFILL).count() == 1
    assert PaymentTransaction.objects.filter(kind=PaymentKind.AUTHORIZATION).count() == 1


def test_failed_renewal_backs_off_then_reports_and_pauses(
    plan, settings, django_capture_on_commit_callbacks
):
    settings.ORDERS_RENEWAL_MAX_ATTEMPTS = 3
    settings.ORDERS_RENEWAL_RETRY_SECONDS = 3600
    make_due(plan)
    SandboxSimulation.objects.create(
        operation="authorize",
        match=plan.customer.billing_agreement_id,
        reason_code="InvalidPaymentMethod",
    )
    now = timezone.now()
    first = services.refill_plan_renew(plan=plan, now=now)
    assert first.status == "retrying"
    renewal = first.renewal
    assert renewal.attempts == 1 and renewal.next_attempt_at == now + timedelta(hours=1)
    assert not Order.objects.filter(source=OrderSource.REFILL).exists()
    # Too early: no attempt, nothing changes.
    assert (
        services.refill_plan_renew(plan=plan, now=now + timedelta(minutes=30)).status == "backoff"
    )
    second = services.refill_plan_renew(plan=plan, now=now + timedelta(hours=1))
    assert second.status == "retrying"
    second.renewal.refresh_from_db()
    assert second.renewal.next_attempt_at == now + timedelta(hours=3)  # 1 h, then 2 h
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        third = services.refill_plan_renew(plan=plan, now=now + timedelta(hours=3))
    assert third.status == "failed"
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.PAUSED
    assert (plan.failed_attempts, plan.last_error) == (3, "InvalidPaymentMethod")
    assert third.renewal.state == RenewalState.FAILED
    assert [m.to for m in mail.outbox] == [[plan.store.support_email]]
    assert not Order.objects.filter(source=OrderSource.REFILL).exists()
    types = list(plan.events.values_list("type", flat=True))
    assert types.count(RefillPlanEventType.RENEWAL_RETRYING) == 2
    assert types.count(RefillPlanEventType.RENEWAL_FAILED) == 1


def test_retry_after_a_decline_succeeds_with_a_new_reference(plan):
    make_due(plan)
    SandboxSimulation.objects.create(
        operation="authorize", remaining=1, reason_code="AmazonRejected"
    )
    now = timezone.now()
    assert services.refill_plan_renew(plan=plan, now=now).status == "retrying"
    outcome = services.refill_plan_renew(plan=plan, now=now + timedelta(hours=2))
    assert outcome.status == "charged"
    auth = PaymentTransaction.objects.get(order=outcome.order, kind=PaymentKind.AUTHORIZATION)
    assert auth.reference_id == f"rfl{outcome.renewal.pk}-a1"


def test_beat_job_enqueues_due_plans_only(plan, charge_now_store):
    from orders.tasks import renew_due_refill_plans

    assert renew_due_refill_plans() == 0
    make_due(plan)
    assert renew_due_refill_plans() == 1  # eager: renewed in place
    plan.refresh_from_db()
    assert plan.renewals.get().state == "succeeded"
    assert renew_due_refill_plans() == 0
