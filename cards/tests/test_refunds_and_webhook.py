"""Refunds from the support console's service, and Stripe's webhook: signatures, repeats,
events out of order, 3-D Secure finished by whichever comes first."""

import time
from decimal import Decimal

import pytest
from django.urls import reverse

from cards import services as cards
from cards.errors import CardNeedsAuthentication
from cards.gateway import REFUND_STATES
from cards.models import CaptureMode, StripeDispute, StripeEvent, StripePayment, StripeSettings
from cards.testing import signed_event
from cards.tests.factories import draft_order
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.amazon_pay_facts import PENDING
from orders.models import (
    OrderEvent,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentStatus,
    PaymentTransaction,
)
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(localstripe):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    StripeSettings.objects.create(store=store, capture=CaptureMode.AT_ONCE)
    return store


@pytest.fixture
def customer(store):
    return CustomerFactory(store=store, email="ada@example.com")


@pytest.fixture
def paid_order(customer):
    card = cards.card_save_for_test(customer=customer)
    return cards.order_pay_with_card(
        order=draft_order(customer), card=card, off_session=True, actor_label=orders.SHOPPER
    ).order


def intent_of(order):
    return StripePayment.objects.get(order=order).payment_intent_id


def post_event(client, store, event, secret="whsec_test_localstripe"):
    payload, signature = signed_event(event, secret)
    return client.post(
        reverse("cards:stripe_webhook", args=[store.slug]),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def event(kind, obj, *, created=None, event_id=None):
    return {
        "id": event_id or f"evt_{kind.replace('.', '_')}_{time.monotonic_ns()}",
        "object": "event",
        "type": kind,
        "created": created or int(time.time()),
        "data": {"object": obj},
    }


def money(order):
    order.refresh_from_db()
    return (order.captured_amount, order.refunded_amount, order.refund_pending_amount)


def test_partial_then_full_refund_from_the_support_console(paid_order, localstripe):
    order = paid_order
    orders.order_refund(order=order, amount=Decimal("5.00"), reason="Dented", actor_label="staff")
    assert money(order) == (Decimal("21.60"), Decimal("5.00"), Decimal("0"))
    orders.order_refund(order=order, reason="Returned", actor_label="staff")
    assert money(order) == (Decimal("21.60"), Decimal("21.60"), Decimal("0"))
    assert order.payment_status == PaymentStatus.REFUNDED

    refunds = PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND)
    assert list(refunds.values_list("state", "amount", "gateway")) == [
        (PaymentState.SUCCEEDED, Decimal("5.00"), "stripe"),
        (PaymentState.SUCCEEDED, Decimal("16.60"), "stripe"),
    ]
    at_stripe = localstripe.call("GET", f"/v1/refunds?payment_intent={intent_of(order)}")
    assert sorted((r["id"], r["amount"], r["status"]) for r in at_stripe["data"]) == sorted(
        (txn.external_id, int(txn.amount * 100), "succeeded") for txn in refunds
    )


def pending_refund(order, monkeypatch):
    """A refund Stripe answered "pending" (as it does for some cards)."""
    with monkeypatch.context() as patched:
        patched.setitem(REFUND_STATES, "succeeded", PENDING)
        txn = orders.order_refund(
            order=order, amount=Decimal("5.00"), reason="Dented", actor_label="staff"
        )
    assert txn.state == PaymentState.PENDING
    return txn


def test_the_webhook_settles_a_pending_refund_once_and_older_events_change_nothing(
    client, store, paid_order, localstripe, monkeypatch
):
    txn = pending_refund(paid_order, monkeypatch)
    assert money(paid_order) == (Decimal("21.60"), Decimal("0"), Decimal("5.00"))
    refund = localstripe.call("GET", f"/v1/refunds/{txn.external_id}")
    now = int(time.time())
    succeeded = event("refund.updated", refund, created=now)

    answer = post_event(client, store, succeeded)

    assert answer.status_code == 200 and answer.json() == {"outcome": "refund succeeded"}
    assert money(paid_order) == (Decimal("21.60"), Decimal("5.00"), Decimal("0"))
    # The same event again, and an older one ("pending"), change nothing.
    assert post_event(client, store, succeeded).json() == {"outcome": "duplicate"}
    older = event("refund.created", {**refund, "status": "pending"}, created=now - 60)
    assert post_event(client, store, older).json() == {"outcome": "already settled"}
    assert money(paid_order) == (Decimal("21.60"), Decimal("5.00"), Decimal("0"))
    txn.refresh_from_db()
    assert txn.state == PaymentState.SUCCEEDED
    assert StripeEvent.objects.filter(store=store).count() == 2


def test_a_failed_refund_is_booked_as_declined(client, store, paid_order, localstripe, monkeypatch):
    txn = pending_refund(paid_order, monkeypatch)
    # Stripe fails the refund (simulated in localstripe: the refund's status changes).
    failed = localstripe.call("POST", f"/v1/refunds/{txn.external_id}", {"status": "failed"})
    assert failed["status"] == "failed"

    answer = post_event(client, store, event("refund.failed", failed))

    assert answer.json() == {"outcome": "refund declined"}
    txn.refresh_from_db()
    assert (txn.state, txn.reason_code) == (PaymentState.DECLINED, "failed")
    assert money(paid_order) == (Decimal("21.60"), Decimal("0"), Decimal("0"))


def test_a_bad_signature_is_refused_and_nothing_is_booked(
    client, store, paid_order, localstripe, monkeypatch
):
    txn = pending_refund(paid_order, monkeypatch)
    refund = localstripe.call("GET", f"/v1/refunds/{txn.external_id}")
    forged = event("refund.updated", refund)

    answer = post_event(client, store, forged, secret="whsec_someone_else")
    unsigned = client.post(
        reverse("cards:stripe_webhook", args=[store.slug]),
        data=b"{}",
        content_type="application/json",
    )

    assert (answer.status_code, unsigned.status_code) == (400, 400)
    assert StripeEvent.objects.count() == 0
    txn.refresh_from_db()
    assert txn.state == PaymentState.PENDING
    assert money(paid_order) == (Decimal("21.60"), Decimal("0"), Decimal("5.00"))


def test_a_store_with_its_own_webhook_secret_refuses_the_environments(client, store, localstripe):
    own = StripeSettings.objects.get(store=store)
    own.set_webhook_secret("whsec_store_own")
    own.save()
    ping = event("customer.created", {"id": "cus_x"})

    assert post_event(client, store, ping).status_code == 400
    assert post_event(client, store, ping, secret="whsec_store_own").json() == {
        "outcome": "ignored"
    }


def needs_authentication(customer, number="4000002760003184"):
    card = cards.card_save_for_test(customer=customer, number=number)
    order = draft_order(customer)
    with pytest.raises(CardNeedsAuthentication):
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )
    return order, StripePayment.objects.get(order=order)


def authenticate(localstripe, payment, success=True):
    """What localstripe's Stripe.js does when the shopper passes (or fails) 3-D Secure."""
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    return localstripe.call(
        "POST",
        f"/v1/payment_intents/{payment.payment_intent_id}/_authenticate"
        f"?success={'true' if success else 'false'}",
        {"key": localstripe.publishable_key, "client_secret": intent["client_secret"]},
    )


def test_3ds_finished_on_the_page_then_the_webhook_places_once(client, customer, localstripe):
    order, payment = needs_authentication(customer)
    page_url = cards.finish_path(payment)
    page = client.get(page_url)
    assert page.status_code == 200
    assert b"Confirm the payment" in page.content
    policy = page["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and localstripe.api_base in policy

    assert authenticate(localstripe, payment)["status"] == "succeeded"
    done = client.post(page_url)
    assert done.status_code == 302
    assert b"is placed" in client.get(page_url).content

    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.PLACED, PaymentStatus.CAPTURED)
    succeeded = event("payment_intent.succeeded", {"id": payment.payment_intent_id})
    assert post_event(client, customer.store, succeeded).json() == {"outcome": "already booked"}
    assert OrderEvent.objects.filter(order=order, type="placed").count() == 1
    assert (
        PaymentTransaction.objects.filter(order=order, kind=PaymentKind.AUTHORIZATION).count() == 1
    )


def test_3ds_failure_then_success_with_the_webhook_first(client, customer, localstripe):
    order, payment = needs_authentication(customer)
    failed = authenticate(localstripe, payment, success=False)
    assert failed["status"] == "requires_payment_method"
    failure = event(
        "payment_intent.payment_failed",
        {"id": payment.payment_intent_id, "last_payment_error": failed["last_payment_error"]},
    )
    assert post_event(client, customer.store, failure).json() == {"outcome": "decline booked"}
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert list(order.transactions.values_list("kind", "state", "reason_code")) == [
        (PaymentKind.AUTHORIZATION, PaymentState.DECLINED, "payment_intent_authentication_failure")
    ]


def test_3ds_success_told_by_the_webhook_first_then_the_page(client, customer, localstripe):
    order, payment = needs_authentication(customer, number="4000002500003155")
    authenticate(localstripe, payment)
    told = event("payment_intent.succeeded", {"id": payment.payment_intent_id})

    assert post_event(client, customer.store, told).json() == {"outcome": "placed"}
    assert client.post(cards.finish_path(payment)).status_code == 302

    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert OrderEvent.objects.filter(order=order, type="placed").count() == 1
    # A failure reported late (older than the success) changes nothing.
    late = event("payment_intent.payment_failed", {"id": payment.payment_intent_id})
    assert post_event(client, customer.store, late).json() == {"outcome": "already booked"}
    assert order.transactions.filter(state=PaymentState.DECLINED).count() == 0


def test_disputes_are_written_on_the_timeline_newest_state_wins(client, store, paid_order):
    pi = intent_of(paid_order)
    now = int(time.time())
    dispute = {
        "id": "dp_test_1",
        "object": "dispute",
        "payment_intent": pi,
        "amount": 2160,
        "currency": "usd",
        "reason": "fraudulent",
        "status": "needs_response",
    }
    opened = event("charge.dispute.created", dispute, created=now - 100)
    closed = event("charge.dispute.closed", {**dispute, "status": "lost"}, created=now)
    stale = event("charge.dispute.updated", {**dispute, "status": "under_review"}, created=now - 50)

    assert post_event(client, store, opened).json() == {"outcome": "dispute needs_response"}
    # Lost: the disputed money is booked as a chargeback (cards/tests/test_disputes_ledger.py).
    assert post_event(client, store, closed).json() == {
        "outcome": "dispute lost, chargeback booked"
    }
    assert post_event(client, store, stale).json() == {"outcome": "older or same state"}
    assert list(
        PaymentTransaction.objects.filter(
            order=paid_order, kind=PaymentKind.CHARGEBACK
        ).values_list("reference_id", "amount")
    ) == [("dispute:dp_test_1:withdrawn", Decimal("21.60"))]

    row = StripeDispute.objects.get()
    assert (row.order_id, row.status, row.amount, row.reason) == (
        paid_order.pk, "lost", Decimal("21.60"), "fraudulent",
    )  # fmt: skip
    notes = OrderEvent.objects.filter(order=paid_order, type="note").order_by("pk")
    assert [n.data["text"] for n in notes] == [
        "Stripe dispute dp_test_1: needs response (fraudulent), 21.60 USD.",
        "Stripe dispute dp_test_1: lost (fraudulent), 21.60 USD.",
    ]


def test_another_stores_events_and_links_find_nothing(client, store, paid_order, localstripe):
    other = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    pi = intent_of(paid_order)
    before = list(PaymentTransaction.objects.values_list("pk", "state"))

    told = event("payment_intent.succeeded", {"id": pi})
    dispute = event(
        "charge.dispute.created",
        {"id": "dp_x", "payment_intent": pi, "amount": 100, "currency": "usd", "status": "x"},
    )
    assert post_event(client, other, told).json() == {"outcome": "unknown payment"}
    assert post_event(client, other, dispute).json() == {"outcome": "unknown payment"}
    assert StripeDispute.objects.count() == 0
    assert list(PaymentTransaction.objects.values_list("pk", "state")) == before

    payment = StripePayment.objects.get(order=paid_order)
    path = cards.finish_path(payment)
    assert (
        client.get(path.replace(f"/shop/{store.slug}/", f"/shop/{other.slug}/")).status_code == 404
    )
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_a_refund_failing_after_it_succeeded_is_told_on_the_timeline(
    client, store, paid_order, localstripe
):
    txn = orders.order_refund(order=paid_order, amount=Decimal("5.00"), reason="Dented")
    assert txn.state == PaymentState.SUCCEEDED
    failed = localstripe.call("POST", f"/v1/refunds/{txn.external_id}", {"status": "failed"})

    answer = post_event(client, store, event("refund.failed", failed))

    assert answer.json() == {"outcome": "refund failed after success"}
    note = OrderEvent.objects.filter(order=paid_order, type="note").get()
    assert note.data["text"] == (
        f"Stripe reports that refund {txn.reference_id} (5.00 USD) failed after it had "
        "succeeded: the money did not reach the shopper."
    )
    assert money(paid_order) == (Decimal("21.60"), Decimal("5.00"), Decimal("0"))
