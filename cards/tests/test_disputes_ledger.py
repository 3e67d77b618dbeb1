"""Card disputes in the payment ledger: Stripe's signed events through the webhook endpoint
book the chargeback (funds withdrawn) and its reversal (funds reinstated) once each, in
whatever order and however often they arrive; what was charged back is not refundable, in
the refund service, the support console and the API alike."""

import html
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cards import services as cards
from cards.models import CaptureMode, StripeDispute, StripeSettings
from cards.tests.factories import draft_order
from cards.tests.test_refunds_and_webhook import event, intent_of, post_event
from merchant.models import PaymentMode, Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import selectors
from orders import services as orders
from orders.errors import OrderError
from orders.models import OrderEvent, PaymentKind, PaymentStatus, PaymentTransaction
from orders.tests.factories import CustomerFactory
from orders.tests.helpers import snapshot

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def store(localstripe):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    StripeSettings.objects.create(store=store, capture=CaptureMode.AT_ONCE)
    return store


@pytest.fixture
def paid_order(store):
    customer = CustomerFactory(store=store, email="ada@example.com")
    card = cards.card_save_for_test(customer=customer)
    return cards.order_pay_with_card(
        order=draft_order(customer), card=card, off_session=True, actor_label=orders.SHOPPER
    ).order


@pytest.fixture
def agent(store):
    return MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user


def dispute(order, *, status, amount=2160, moves=(), dispute_id="dp_1QdLedger0001"):
    """Stripe's dispute object; ``moves``: its balance transactions (minor units, negative
    for the withdrawal, positive for the reinstatement)."""
    return {
        "id": dispute_id,
        "object": "dispute",
        "payment_intent": intent_of(order),
        "amount": amount,
        "currency": "usd",
        "reason": "product_not_received",
        "status": status,
        "balance_transactions": [
            {
                "id": f"txn_{dispute_id}_{n}",
                "object": "balance_transaction",
                "amount": move,
                "currency": "usd",
                "fee": 1500 if move < 0 else -1500,
                "reporting_category": "dispute" if move < 0 else "dispute_reversal",
            }
            for n, move in enumerate(moves)
        ],
    }


def ledger(order):
    return list(
        PaymentTransaction.objects.filter(
            order=order, kind__in=[PaymentKind.CHARGEBACK, PaymentKind.CHARGEBACK_REVERSAL]
        )
        .order_by("pk")
        .values_list("kind", "state", "reference_id", "external_id", "amount")
    )


def figures(order):
    """(captured, refunded, charged back, net, refundable, payment status), checked against
    the ledger recomputed from its rows."""
    order.refresh_from_db()
    totals = selectors.ledger_totals(order)
    assert (totals["captured"], totals["refunded"], totals["charged_back"]) == (
        order.captured_amount, order.refunded_amount, order.charged_back_amount,
    )  # fmt: skip
    return (
        order.captured_amount,
        order.refunded_amount,
        order.charged_back_amount,
        order.net_amount(),
        order.refundable_amount(),
        order.payment_status,
    )


def timeline(order):
    return list(
        OrderEvent.objects.filter(order=order, type__in=["chargeback", "chargeback_reversed"])
        .order_by("pk")
        .values_list("type", "actor_label", "data")
    )


WITHDRAWN = ("chargeback", "succeeded", "dispute:dp_1QdLedger0001:withdrawn", "dp_1QdLedger0001")
REINSTATED = (
    "chargeback_reversal", "succeeded", "dispute:dp_1QdLedger0001:reinstated", "dp_1QdLedger0001",
)  # fmt: skip


def test_a_lost_dispute_is_one_chargeback_and_leaves_nothing_to_refund(client, store, paid_order):
    now = int(time.time())
    opened = event(
        "charge.dispute.created", dispute(paid_order, status="needs_response"), created=now - 30
    )
    withdrawn = event(
        "charge.dispute.funds_withdrawn",
        dispute(paid_order, status="needs_response", moves=[-2160]),
        created=now - 20,
    )
    lost = event(
        "charge.dispute.closed", dispute(paid_order, status="lost", moves=[-2160]), created=now
    )

    assert post_event(client, store, opened).json() == {"outcome": "dispute needs_response"}
    assert figures(paid_order) == (D("21.60"), 0, 0, D("21.60"), D("21.60"), PaymentStatus.CAPTURED)
    assert post_event(client, store, withdrawn).json() == {
        "outcome": "older or same state, chargeback booked"
    }
    assert post_event(client, store, withdrawn).json() == {"outcome": "duplicate"}
    assert post_event(client, store, lost).json() == {"outcome": "dispute lost"}

    assert ledger(paid_order) == [(*WITHDRAWN, D("21.60"))]
    chargeback = PaymentTransaction.objects.get(order=paid_order, kind=PaymentKind.CHARGEBACK)
    assert (chargeback.gateway, chargeback.reason, chargeback.parent.kind) == (
        "stripe", "product not received", PaymentKind.CAPTURE,
    )  # fmt: skip
    assert figures(paid_order) == (
        D("21.60"), 0, D("21.60"), D("0.00"), D("0.00"), PaymentStatus.CHARGED_BACK,
    )  # fmt: skip
    assert timeline(paid_order) == [
        (
            "chargeback",
            "stripe",
            {
                "amount": "21.60",
                "reason": "product not received",
                "dispute": "dp_1QdLedger0001",
                "reference_id": "dispute:dp_1QdLedger0001:withdrawn",
            },
        )
    ]
    # The refund service refuses the disputed money, in words.
    before = snapshot(paid_order)
    with pytest.raises(OrderError) as refused:
        orders.order_refund(order=paid_order, amount=D("1.00"), reason="Goodwill")
    assert refused.value.code == "charged_back"
    assert refused.value.data == {"refundable": "$0.00", "charged_back": "$21.60"}
    assert snapshot(paid_order) == before


def test_reinstated_before_withdrawn_and_repeated_books_each_once(client, store, paid_order):
    # A part was refunded first; the shopper's bank disputed the rest and the store won.
    orders.order_refund(order=paid_order, amount=D("5.00"), reason="Dented", actor_label="staff")
    now = int(time.time())
    reinstated = event(
        "charge.dispute.funds_reinstated",
        dispute(paid_order, status="won", amount=1660, moves=[-1660, 1660]),
        created=now,
    )
    withdrawn = event(
        "charge.dispute.funds_withdrawn",
        dispute(paid_order, status="needs_response", amount=1660, moves=[-1660]),
        created=now - 600,
    )
    closed = event(
        "charge.dispute.closed",
        dispute(paid_order, status="won", amount=1660, moves=[-1660, 1660]),
        created=now,
    )

    assert post_event(client, store, reinstated).json() == {
        "outcome": "dispute won, chargeback booked and chargeback reversed"
    }
    assert post_event(client, store, reinstated).json() == {"outcome": "duplicate"}
    assert post_event(client, store, withdrawn).json() == {"outcome": "older or same state"}
    assert post_event(client, store, closed).json() == {"outcome": "older or same state"}

    assert ledger(paid_order) == [(*WITHDRAWN, D("16.60")), (*REINSTATED, D("16.60"))]
    assert figures(paid_order) == (
        D("21.60"), D("5.00"), D("0.00"), D("16.60"), D("16.60"),
        PaymentStatus.PARTIALLY_REFUNDED,
    )  # fmt: skip
    assert [row[0] for row in timeline(paid_order)] == ["chargeback", "chargeback_reversed"]
    assert StripeDispute.objects.get().status == "won"


def test_a_won_dispute_after_the_withdrawal_gives_the_refund_back(client, store, paid_order, agent):
    now = int(time.time())
    withdrawn = event(
        "charge.dispute.funds_withdrawn",
        dispute(paid_order, status="needs_response", moves=[-2160]),
        created=now - 60,
    )
    # Stripe's closing event without its balance transactions: "won" after a withdrawal
    # means the money came back.
    won = event(
        "charge.dispute.closed",
        {**dispute(paid_order, status="won"), "balance_transactions": []},
        created=now,
    )

    assert post_event(client, store, withdrawn).json() == {
        "outcome": "dispute needs_response, chargeback booked"
    }
    client.force_login(agent)
    refund_page = reverse("support:order_refund", args=[paid_order.pk])
    page = html.unescape(client.get(refund_page).content.decode())
    assert (
        "Not possible for the order as it is now: At most $0.00 can be refunded: the shopper's "
        "bank already took $21.60 back in a card dispute (chargeback), and that money cannot be "
        "refunded again." in page
    )
    assert post_event(client, store, won).json() == {"outcome": "dispute won, chargeback reversed"}
    assert post_event(client, store, withdrawn).json() == {"outcome": "duplicate"}

    assert ledger(paid_order) == [(*WITHDRAWN, D("21.60")), (*REINSTATED, D("21.60"))]
    assert figures(paid_order) == (
        D("21.60"), 0, D("0.00"), D("21.60"), D("21.60"), PaymentStatus.CAPTURED,
    )  # fmt: skip
    page = html.unescape(client.get(refund_page).content.decode())
    assert 'id="refusal"' not in page and "Refundable maximum: $21.60" in page
    detail = html.unescape(
        client.get(reverse("support:order_detail", args=[paid_order.pk])).content.decode()
    )
    assert "Chargeback: the shopper's bank took the payment back" in detail
    assert "Chargeback reversed: the money came back" in detail
    assert "Card dispute: dp_1QdLedger0001" in detail
    assert "Chargeback reversed (funds reinstated)" in detail  # the ledger's row
    assert '<dd id="charged-back">$0.00 <span class="muted">(the dispute' in detail


def test_the_console_refuses_more_than_what_the_dispute_left(client, store, paid_order, agent):
    lost = event(
        "charge.dispute.closed", dispute(paid_order, status="lost", amount=1000, moves=[-1000])
    )
    assert post_event(client, store, lost).json() == {"outcome": "dispute lost, chargeback booked"}
    assert figures(paid_order) == (
        D("21.60"), 0, D("10.00"), D("11.60"), D("11.60"), PaymentStatus.CHARGED_BACK,
    )  # fmt: skip
    client.force_login(agent)
    refund_page = reverse("support:order_refund", args=[paid_order.pk])
    detail = html.unescape(
        client.get(reverse("support:order_detail", args=[paid_order.pk])).content.decode()
    )
    assert '<dd id="charged-back">$10.00 <span class="muted">(taken back by the shopper' in detail
    assert '<dd id="net">$11.60</dd>' in detail and '<dd id="refundable">$11.60</dd>' in detail
    assert "Charged back (dispute)" in detail  # the payment badge

    before = snapshot(paid_order)
    form = {"amount": "11.61", "reason": "Goodwill", "key": "k" * 32}
    answer = client.post(refund_page, form)
    assert answer.status_code == 400
    assert (
        "At most $11.60 can be refunded: the shopper's bank already took $10.00 back in a card "
        "dispute (chargeback), and that money cannot be refunded again."
        in html.unescape(answer.content.decode())
    )
    assert snapshot(paid_order) == before
    # The whole remaining amount goes through, and then nothing is left.
    answer = client.post(refund_page, {**form, "amount": "11.60", "confirm": "1"})
    assert answer.status_code == 302
    assert figures(paid_order) == (
        D("21.60"), D("11.60"), D("10.00"), D("0.00"), D("0.00"), PaymentStatus.CHARGED_BACK,
    )  # fmt: skip

    api = APIClient()
    api.force_authenticate(agent)
    shown = api.get(f"/api/orders/{paid_order.pk}/").json()
    assert {k: shown[k] for k in ("captured_amount", "refunded_amount", "charged_back_amount",
                                  "net", "refundable", "payment_status")} == {
        "captured_amount": "21.60", "refunded_amount": "11.60", "charged_back_amount": "10.00",
        "net": "0.00", "refundable": "0.00", "payment_status": "charged_back",
    }  # fmt: skip
    assert [t["kind"] for t in shown["transactions"]][-2:] == ["chargeback", "refund"]


def test_an_inquiry_moves_no_money(client, store, paid_order):
    inquiry = dispute(paid_order, status="warning_needs_response")
    assert post_event(client, store, event("charge.dispute.created", inquiry)).json() == {
        "outcome": "dispute warning_needs_response"
    }
    closed = event("charge.dispute.closed", {**inquiry, "status": "warning_closed"})
    assert post_event(client, store, closed).json() == {"outcome": "dispute warning_closed"}
    assert ledger(paid_order) == []
    assert figures(paid_order)[2:5] == (D("0.00"), D("21.60"), D("21.60"))
