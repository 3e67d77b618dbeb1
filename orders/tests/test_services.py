"""Every back-office transition, and every refused one leaves the order exactly as it was."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from merchant.models import ExpiryAction
from merchant.tests.factories import StoreFactory, UserFactory
from orders import selectors, services
from orders.errors import OrderError
from orders.models import (
    OrderEvent,
    OrderEventType,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentStatus,
    PaymentTransaction,
    RefundRequestStatus,
    SandboxSimulation,
)
from orders.tests.helpers import place_order, snapshot

pytestmark = pytest.mark.django_db  # PostgreSQL in CI; any database locally

D = Decimal


def events(order, type_):
    return OrderEvent.objects.filter(order=order, type=type_)


def assert_refused(code, fn, order, **kwargs):
    before = snapshot(order)
    with pytest.raises(OrderError) as exc:
        fn(order=order, **kwargs)
    assert exc.value.code == code
    assert snapshot(order) == before


def assert_ledger_matches(order):
    order.refresh_from_db()
    totals = selectors.ledger_totals(order)
    assert totals == {
        "authorized": order.authorized_amount,
        "captured": order.captured_amount,
        "refunded": order.refunded_amount,
        "refund_pending": order.refund_pending_amount,
        "charged_back": order.charged_back_amount,
    }


# Cancel -------------------------------------------------------------------------------------


def test_cancel_charge_later_voids_authorization_and_restocks_once(
    charge_later_store, django_capture_on_commit_callbacks
):
    order = place_order(charge_later_store, quantity=3)
    product = order.lines.get().product
    assert Product.objects.get(pk=product.pk).stock == 47
    staff = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_cancel(order=order, actor=staff, reason="Changed mind")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payment_status == PaymentStatus.VOIDED
    assert order.captured_amount == 0 and order.refund_pending_amount == 0
    assert order.restocked_at is not None
    assert Product.objects.get(pk=product.pk).stock == 50
    void = PaymentTransaction.objects.get(order=order, kind=PaymentKind.VOID)
    assert void.state == PaymentState.SUCCEEDED and void.amount == D("32.40")
    cancelled = events(order, OrderEventType.CANCELLED).get()
    assert cancelled.actor == staff and cancelled.data == {
        "reason": "Changed mind",
        "restock": True,
    }
    assert events(order, OrderEventType.RESTOCKED).count() == 1
    assert [m.subject for m in mail.outbox][
        -1
    ] == f"Your {order.store.name} order {order.number} is cancelled"
    # A second cancel is refused and restocks nothing.
    assert_refused("already_cancelled", services.order_cancel, order)
    assert Product.objects.get(pk=product.pk).stock == 50
    assert_ledger_matches(order)


def test_cancel_charge_now_refunds_the_capture(charge_now_store):
    order = place_order(charge_now_store)
    order = services.order_cancel(order=order, actor_label="shopper")
    assert order.status == OrderStatus.CANCELLED
    assert order.refund_pending_amount == D("21.60") and order.refunded_amount == 0
    refund = PaymentTransaction.objects.get(order=order, kind=PaymentKind.REFUND)
    assert refund.state == PaymentState.PENDING and refund.reason == "Order cancelled"
    services.refund_settle(transaction_id=refund.pk)
    order.refresh_from_db()
    assert order.refunded_amount == D("21.60") and order.refund_pending_amount == 0
    assert order.payment_status == PaymentStatus.REFUNDED
    assert order.lines.get().refunded_quantity == 2
    assert_ledger_matches(order)


def test_cancel_without_restock_leaves_stock(charge_later_store):
    order = place_order(charge_later_store, quantity=3)
    order = services.order_cancel(order=order, restock=False)
    assert order.restocked_at is None
    assert order.lines.get().product.stock == 47
    assert not events(order, OrderEventType.RESTOCKED).exists()


def test_cancel_pay_on_delivery(pod_store):
    order = place_order(pod_store)
    order = services.order_cancel(order=order)
    assert order.status == OrderStatus.CANCELLED
    assert order.payment_status == PaymentStatus.PENDING
    assert not PaymentTransaction.objects.filter(order=order).exists()


def test_cancel_refused_once_shipped(charge_later_store):
    order = place_order(charge_later_store)
    services.order_ship(order=order, carrier="UPS", tracking_number="1Z999")
    assert_refused("cannot_cancel", services.order_cancel, order)


def test_cancel_refused_for_a_cart(charge_now_store):
    customer = place_order(charge_now_store).customer
    cart = services.cart_start(customer=customer, locale="en-US")
    assert_refused("cannot_cancel", services.order_cancel, cart)


# Ship, deliver, notes ------------------------------------------------------------------------


def test_ship_charge_later_captures_after_commit_and_emails_tracking(
    charge_later_store, django_capture_on_commit_callbacks
):
    order = place_order(charge_later_store)
    assert order.payment_status == PaymentStatus.AUTHORIZED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.order_ship(order=order, carrier="DHL", tracking_number="JD0001")
    assert len(callbacks) == 3  # the capture task, the shipped email, the Alexa notification
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.shipped_at is not None
    assert (order.carrier, order.tracking_number) == ("DHL", "JD0001")
    assert order.payment_status == PaymentStatus.CAPTURED
    assert order.captured_amount == D("21.60")
    capture = PaymentTransaction.objects.get(order=order, kind=PaymentKind.CAPTURE)
    assert capture.parent.kind == PaymentKind.AUTHORIZATION
    assert events(order, OrderEventType.SHIPPED).get().data == {
        "carrier": "DHL",
        "tracking_number": "JD0001",
    }
    shipped = [m for m in mail.outbox if "on its way" in m.subject]
    assert len(shipped) == 1 and "JD0001" in shipped[0].body
    assert "JD0001" in shipped[0].alternatives[0][0]
    assert_ledger_matches(order)


def test_ship_refusals(charge_now_store):
    order = place_order(charge_now_store)
    assert_refused("carrier_required", services.order_ship, order, carrier=" ")
    services.order_ship(order=order, carrier="UPS")
    assert_refused("cannot_ship", services.order_ship, order, carrier="UPS")


def test_deliver_and_refusal(charge_now_store):
    order = place_order(charge_now_store)
    assert_refused("cannot_deliver", services.order_deliver, order)
    services.order_ship(order=order, carrier="UPS")
    order = services.order_deliver(order=order, actor_label="carrier webhook")
    assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None
    assert events(order, OrderEventType.DELIVERED).get().actor_label == "carrier webhook"
    assert_refused("cannot_deliver", services.order_deliver, order)


def test_notes_are_appended(charge_now_store):
    order = place_order(charge_now_store)
    staff = UserFactory()
    services.order_add_note(order=order, text="Called the shopper", actor=staff)
    services.order_add_note(order=order, text="Second note", actor=staff)
    notes = list(events(order, OrderEventType.NOTE).values_list("data__text", "actor"))
    assert notes == [("Called the shopper", staff.pk), ("Second note", staff.pk)]
    assert_refused("empty_note", services.order_add_note, order, text="   ")
    assert_refused("note_too_long", services.order_add_note, order, text="x" * 2001)


# Capture, void, collection ------------------------------------------------------------------


def test_capture_and_refusals(charge_later_store):
    order = place_order(charge_later_store)
    order = services.order_capture(order=order, actor_label="system")
    assert order.captured_amount == D("21.60")
    assert order.payment_status == PaymentStatus.CAPTURED
    assert_refused("already_captured", services.order_capture, order)
    assert_refused("cannot_void", services.order_void, order)
    assert_ledger_matches(order)


def test_capture_refused_after_void(charge_later_store):
    order = place_order(charge_later_store)
    order = services.order_void(order=order, reason="Fraud suspicion")
    assert order.payment_status == PaymentStatus.VOIDED
    assert order.status == OrderStatus.PLACED
    assert_refused("cannot_capture", services.order_capture, order)
    assert_refused("cannot_void", services.order_void, order)


def test_capture_of_an_expired_authorization_fails_and_says_so(charge_later_store):
    order = place_order(charge_later_store)
    from orders.models import SandboxObject

    SandboxObject.objects.filter(kind="authorization").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(OrderError) as exc:
        services.order_capture(order=order)
    assert exc.value.code == "capture_failed"
    assert exc.value.data == {"reason": "InvalidAuthorizationStatus"}
    order.refresh_from_db()
    assert order.captured_amount == 0 and order.payment_status == PaymentStatus.AUTHORIZED
    failed = events(order, OrderEventType.PAYMENT_CAPTURE_FAILED).get()
    assert failed.data == {"reason_code": "InvalidAuthorizationStatus"}


def test_capture_declined_by_sandbox_simulation(charge_later_store):
    order = place_order(charge_later_store)
    SandboxSimulation.objects.create(operation="capture", reason_code="AmazonRejected")
    with pytest.raises(OrderError) as exc:
        services.order_capture(order=order)
    assert exc.value.data == {"reason": "AmazonRejected"}
    order.refresh_from_db()
    assert order.captured_amount == 0
    assert not PaymentTransaction.objects.filter(order=order, kind=PaymentKind.CAPTURE).exists()


def test_mark_collected_pay_on_delivery(pod_store):
    order = place_order(pod_store)
    services.order_ship(order=order, carrier="Own van")
    order = services.order_mark_collected(order=order, actor_label="driver")
    assert order.captured_amount == order.total == D("21.60")
    assert order.payment_status == PaymentStatus.CAPTURED
    collection = PaymentTransaction.objects.get(order=order)
    assert (collection.kind, collection.gateway) == (PaymentKind.COLLECTION, "manual")
    assert_refused("cannot_collect", services.order_mark_collected, order)
    # Refunds of cash payments complete at once (no Amazon round trip).
    refund = services.order_refund(order=order, amount=D("5.00"), reason="Damaged")
    assert refund.state == PaymentState.SUCCEEDED
    order.refresh_from_db()
    assert order.refunded_amount == D("5.00")
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_mark_collected_refused_for_amazon_pay(charge_now_store):
    order = place_order(charge_now_store)
    assert_refused("cannot_collect", services.order_mark_collected, order)


# Refunds ------------------------------------------------------------------------------------


def test_partial_refund_is_pending_then_completed(charge_now_store):
    order = place_order(charge_now_store)
    mail.outbox.clear()
    refund = services.order_refund(order=order, amount=D("5.50"), reason="Late delivery")
    order.refresh_from_db()
    assert refund.state == PaymentState.PENDING
    assert order.refund_pending_amount == D("5.50") and order.refunded_amount == 0
    assert order.refundable_amount() == D("16.10")
    assert order.payment_status == PaymentStatus.CAPTURED
    assert events(order, OrderEventType.REFUND_PENDING).get().data["amount"] == "5.50"
    services.refund_settle(transaction_id=refund.pk)
    # Settling twice is a no-op.
    services.refund_settle(transaction_id=refund.pk)
    order.refresh_from_db()
    assert order.refunded_amount == D("5.50") and order.refund_pending_amount == 0
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert events(order, OrderEventType.REFUND_COMPLETED).count() == 1
    assert_ledger_matches(order)


def test_refund_completed_email_once_per_refund(
    charge_now_store, django_capture_on_commit_callbacks
):
    order = place_order(charge_now_store)
    mail.outbox.clear()
    for amount in ("2.00", "3.00"):
        with django_capture_on_commit_callbacks(execute=True):
            services.order_refund(order=order, amount=D(amount), reason="Goodwill")
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"Your refund for {order.store.name} order {order.number}") == 2
    bodies = " ".join(m.body for m in mail.outbox)
    assert "$2.00" in bodies and "$3.00" in bodies


def test_refund_by_lines_and_quantities(charge_now_store):
    order = place_order(charge_now_store, quantity=3)
    line = order.lines.get()
    refund = services.order_refund(order=order, lines={line.pk: 2}, reason="Two arrived broken")
    assert refund.amount == D("21.60")  # 2 × 10.00 + 8 % tax
    line.refresh_from_db()
    assert line.refunded_quantity == 2
    assert_refused(
        "bad_refund_quantity", services.order_refund, order, lines={line.pk: 2}, reason="x"
    )
    assert_refused("unknown_line", services.order_refund, order, lines={999999: 1}, reason="x")


def test_full_refund(charge_now_store):
    order = place_order(charge_now_store)
    refund = services.order_refund(order=order, reason="Never arrived")
    assert refund.amount == D("21.60")
    services.refund_settle(transaction_id=refund.pk)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    assert order.refundable_amount() == 0
    assert order.lines.get().refunded_quantity == 2
    assert_refused("cannot_refund", services.order_refund, order, amount=D("0.01"), reason="x")


def test_declined_refund_gives_back_amount_and_quantities(charge_now_store):
    order = place_order(charge_now_store)
    line = order.lines.get()
    SandboxSimulation.objects.create(operation="refund", reason_code="AmazonRejected")
    refund = services.order_refund(order=order, lines={line.pk: 1}, reason="Broken")
    services.refund_settle(transaction_id=refund.pk)
    refund.refresh_from_db()
    order.refresh_from_db()
    line.refresh_from_db()
    assert (refund.state, refund.reason_code) == (PaymentState.DECLINED, "AmazonRejected")
    assert order.refund_pending_amount == 0 and order.refunded_amount == 0
    assert order.refundable_amount() == D("21.60")
    assert line.refunded_quantity == 0
    assert (
        events(order, OrderEventType.REFUND_DECLINED).get().data["reason_code"] == "AmazonRejected"
    )


def test_declined_refund_by_amazon_simulation_note(charge_now_store):
    order = place_order(charge_now_store)
    note = '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "ProcessingFailure"}}'
    refund = services.order_refund(order=order, amount=D("1.00"), reason=note)
    services.refund_settle(transaction_id=refund.pk)
    refund.refresh_from_db()
    assert (refund.state, refund.reason_code) == (PaymentState.DECLINED, "ProcessingFailure")


def test_refund_refusals_change_nothing(charge_now_store):
    order = place_order(charge_now_store)
    assert_refused(
        "amount_exceeds_refundable", services.order_refund, order, amount=D("21.61"), reason="x"
    )
    assert_refused("bad_amount", services.order_refund, order, amount=D("0"), reason="x")
    assert_refused("reason_required", services.order_refund, order, amount=D("1"), reason=" ")
    services.order_refund(order=order, amount=D("20.00"), reason="x")
    assert_refused(
        "amount_exceeds_refundable", services.order_refund, order, amount=D("1.61"), reason="x"
    )


def test_refund_refused_when_nothing_captured(charge_later_store):
    order = place_order(charge_later_store)
    assert_refused("cannot_refund", services.order_refund, order, amount=D("1"), reason="x")


def test_at_most_ten_refunds_per_capture(charge_now_store):
    order = place_order(charge_now_store)
    for _ in range(10):
        services.order_refund(order=order, amount=D("1.00"), reason="x")
    assert_refused("too_many_refunds", services.order_refund, order, amount=D("1.00"), reason="x")


def test_refund_is_idempotent_on_reference(charge_now_store):
    order = place_order(charge_now_store)
    key = "f" * 32
    first = services.order_refund(order=order, amount=D("4.00"), reason="x", reference_id=key)
    again = services.order_refund(order=order, amount=D("4.00"), reason="x", reference_id=key)
    assert first.pk == again.pk
    order.refresh_from_db()
    assert order.refund_pending_amount == D("4.00")
    assert PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND).count() == 1
    other = place_order(charge_now_store)
    assert_refused(
        "reference_conflict",
        services.order_refund,
        other,
        amount=D("1"),
        reason="x",
        reference_id=key,
    )


def test_refunds_after_shipping_and_delivery(charge_now_store):
    order = place_order(charge_now_store)
    services.order_ship(order=order, carrier="UPS")
    services.order_deliver(order=order)
    refund = services.order_refund(order=order, amount=D("3.00"), reason="Scratched")
    assert refund.state == PaymentState.PENDING


def test_database_refuses_refunds_above_capture(charge_now_store):
    order = place_order(charge_now_store)
    from orders.models import Order

    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(refunded_amount=D("21.61"))


# Refund requests ----------------------------------------------------------------------------


def test_refund_request_resolve(charge_now_store):
    order = place_order(charge_now_store)
    request = services.refund_request_create(customer=order.customer, order=order)
    staff = UserFactory()
    with pytest.raises(OrderError) as exc:
        services.refund_request_resolve(refund_request=request, resolution=" ", actor=staff)
    assert exc.value.code == "resolution_required"
    request = services.refund_request_resolve(
        refund_request=request, resolution="Refunded 5.00", actor=staff
    )
    assert request.status == RefundRequestStatus.RESOLVED and request.resolved_by == staff
    assert events(order, OrderEventType.REFUND_REQUEST_RESOLVED).get().data["resolution"] == (
        "Refunded 5.00"
    )
    with pytest.raises(OrderError) as exc:
        services.refund_request_resolve(refund_request=request, resolution="again", actor=staff)
    assert exc.value.code == "already_resolved"
    request.refresh_from_db()
    assert request.resolution == "Refunded 5.00"


# Authorizations close to expiry -------------------------------------------------------------


def _age_authorization(order, left: timedelta):
    PaymentTransaction.objects.filter(order=order, kind=PaymentKind.AUTHORIZATION).update(
        expires_at=timezone.now() + left
    )


def test_expiring_authorizations_are_warned_once_then_captured(db):
    store = StoreFactory(
        payment_mode="charge_later", authorization_expiry_action=ExpiryAction.CAPTURE
    )
    fresh, warned, due = place_order(store), place_order(store), place_order(store)
    _age_authorization(warned, timedelta(days=5))
    _age_authorization(due, timedelta(hours=12))
    warn_ids, act_ids = selectors.authorizations_expiring()
    assert (warn_ids, act_ids) == ([warned.pk], [due.pk])
    from orders.tasks import check_expiring_authorizations

    assert check_expiring_authorizations() == {"warned": 1, "settled": 1}
    assert check_expiring_authorizations() == {"warned": 0, "settled": 0}
    for order in (fresh, warned, due):
        order.refresh_from_db()
    assert fresh.payment_status == PaymentStatus.AUTHORIZED
    assert warned.payment_status == PaymentStatus.AUTHORIZED
    assert events(warned, OrderEventType.AUTHORIZATION_EXPIRING).count() == 1
    assert due.payment_status == PaymentStatus.CAPTURED and due.status == OrderStatus.PLACED
    assert not events(fresh, OrderEventType.AUTHORIZATION_EXPIRING).exists()


def test_expiring_authorization_released_per_store_setting(db):
    store = StoreFactory(
        payment_mode="charge_later", authorization_expiry_action=ExpiryAction.RELEASE
    )
    placed, shipped = place_order(store), place_order(store)
    PaymentTransaction.objects.filter(kind=PaymentKind.AUTHORIZATION).update(
        expires_at=timezone.now() + timedelta(hours=2)
    )
    # A shipped order whose capture did not happen yet keeps its status, loses the hold.
    from orders.models import Order

    Order.objects.filter(pk=shipped.pk).update(status=OrderStatus.SHIPPED)
    from orders.tasks import check_expiring_authorizations

    assert check_expiring_authorizations() == {"warned": 0, "settled": 2}
    placed.refresh_from_db()
    shipped.refresh_from_db()
    assert (placed.status, placed.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.VOIDED)
    assert placed.restocked_at is not None
    assert (shipped.status, shipped.payment_status) == (OrderStatus.SHIPPED, PaymentStatus.VOIDED)
