"""Every call that moves money at Stripe carries an idempotency key made from our own
reference id (the one the payment ledger keeps under a unique constraint): the charge, the
capture at shipping, each refund and the void of a cancelled order. A call retried by the
library or by a task that runs twice is then the same call at Stripe, never a second
charge or refund. The keys are read off the HTTP requests the official library sends to
localstripe."""

from decimal import Decimal

import pytest
from stripe._http_client import RequestsClient

from cards import services as cards
from cards.models import StripePayment
from cards.tests.factories import draft_order
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import PaymentKind, PaymentTransaction
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """(method, path, Idempotency-Key) of each request the stripe library sends."""
    calls: list[tuple[str, str, str | None]] = []
    original = RequestsClient.request

    def spy(self, method, url, headers, post_data=None):
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        calls.append((method.upper(), f"/{path}", (headers or {}).get("Idempotency-Key")))
        return original(self, method, url, headers, post_data)

    monkeypatch.setattr(RequestsClient, "request", spy)
    return calls


@pytest.fixture
def customer(localstripe):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    return CustomerFactory(store=store, email="ada@example.com")


def money_calls(calls, intent_id):
    """The calls that create, capture, cancel or refund this PaymentIntent."""
    return [
        (method, path.replace(intent_id, "{pi}"), key)
        for method, path, key in calls
        if method == "POST" and (path.startswith("/v1/payment_intents") or path == "/v1/refunds")
    ]


def reference(order, kind):
    return list(
        PaymentTransaction.objects.filter(order=order, kind=kind)
        .order_by("pk")
        .values_list("reference_id", flat=True)
    )


def test_charge_capture_and_refunds_carry_our_reference_ids(
    customer, sent, django_capture_on_commit_callbacks
):
    card = cards.card_save_for_test(customer=customer)
    sent.clear()

    order = cards.order_pay_with_card(
        order=draft_order(customer), card=card, off_session=True, actor_label=orders.SHOPPER
    ).order
    with django_capture_on_commit_callbacks(execute=True):  # the capture task (eager Celery)
        orders.order_ship(order=order, carrier="UPS")
    orders.order_refund(order=order, amount=Decimal("5.00"), reason="Dented", actor_label="staff")
    orders.order_refund(order=order, reason="Returned", actor_label="staff")

    payment = StripePayment.objects.get(order=order)
    assert payment.reference_id == f"o{order.pk}-s1"
    (capture,) = reference(order, PaymentKind.CAPTURE)
    first_refund, second_refund = reference(order, PaymentKind.REFUND)
    assert len({payment.reference_id, capture, first_refund, second_refund}) == 4
    assert money_calls(sent, payment.payment_intent_id) == [
        ("POST", "/v1/payment_intents", payment.reference_id),
        ("POST", "/v1/payment_intents/{pi}/capture", capture),
        ("POST", "/v1/refunds", first_refund),
        ("POST", "/v1/refunds", second_refund),
    ]


def test_cancelling_voids_with_our_reference_id(customer, sent):
    card = cards.card_save_for_test(customer=customer)
    order = cards.order_pay_with_card(
        order=draft_order(customer), card=card, off_session=True, actor_label=orders.SHOPPER
    ).order
    sent.clear()

    orders.order_cancel(order=order, actor_label="staff")

    payment = StripePayment.objects.get(order=order)
    (void,) = reference(order, PaymentKind.VOID)
    assert money_calls(sent, payment.payment_intent_id) == [
        ("POST", "/v1/payment_intents/{pi}/cancel", void),
    ]
