"""20 staff members refund the same order at the same moment: the row lock serialises them,
so the refunded total never exceeds the capture and exactly the expected refunds exist."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from orders import selectors, services
from orders.errors import OrderError
from orders.models import Order, PaymentKind, PaymentTransaction
from orders.tests.helpers import place_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def refund_at_once(order, amount, threads=20):
    barrier = threading.Barrier(threads)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            services.order_refund(
                order=Order(pk=order.pk, store_id=order.store_id),
                amount=Decimal(amount),
                reason="Concurrent",
            )
            outcomes.append("ok")
        except OrderError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    return outcomes


def test_twenty_concurrent_refunds_stop_at_the_captured_amount(charge_now_store):
    assert connection.vendor == "postgresql"
    order = place_order(charge_now_store, quantity=1, price="27.78")  # 30.00 with 8 % tax
    assert order.captured_amount == Decimal("30.00")
    outcomes = refund_at_once(order, "7.00")
    order.refresh_from_db()
    assert sorted(outcomes) == ["amount_exceeds_refundable"] * 16 + ["ok"] * 4
    refunds = PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND)
    assert refunds.count() == 4
    # Eager Celery settled each refund right after its commit.
    assert (order.refunded_amount, order.refund_pending_amount) == (Decimal("28.00"), 0)
    assert order.refundable_amount() == Decimal("2.00")
    assert selectors.ledger_totals(order)["refunded"] == Decimal("28.00")
    assert sorted(refunds.values_list("reference_id", flat=True)) == [
        f"o{order.pk}-r{n}" for n in range(1, 5)
    ]


def test_twenty_concurrent_refunds_stop_at_ten_per_capture(charge_now_store):
    order = place_order(charge_now_store, quantity=1, price="92.59")  # 100.00 with tax
    outcomes = refund_at_once(order, "1.00")
    order.refresh_from_db()
    assert sorted(outcomes) == ["ok"] * 10 + ["too_many_refunds"] * 10
    assert PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND).count() == 10
    assert order.refunded_amount + order.refund_pending_amount == Decimal("10.00")
