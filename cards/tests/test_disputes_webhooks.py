"""Card disputes reach the merchant's systems: a chargeback booked from Stripe's signed events
is one ``chargeback.created`` webhook, its reversal one ``chargeback.reversed``, delivered
signed to the endpoints that chose them and to no other; a repeated report books nothing
and sends nothing."""

import time
from datetime import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cards.tests import test_disputes_ledger
from cards.tests.test_disputes_ledger import dispute, figures
from cards.tests.test_refunds_and_webhook import event, post_event
from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders import services as orders
from orders.models import PaymentKind, PaymentStatus, PaymentTransaction
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookEventType
from webhooks.testing.receiver import Receiver
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

D = Decimal
# The dispute tests' fixtures: a Stripe store capturing at once, and an order paid by card.
store, paid_order = test_disputes_ledger.store, test_disputes_ledger.paid_order
DISPUTE = "dp_1QdLedger0001"
CHARGEBACK_TYPES = ["chargeback.created", "chargeback.reversed"]


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receivers():
    """The merchant's accounting (subscribed to the chargebacks) and its shop system
    (subscribed to every other event)."""
    started = [Receiver().start(), Receiver().start()]
    yield started
    for receiver in started:
        receiver.stop()


@pytest.fixture
def endpoints(store, receivers):
    accounting, shop = receivers
    subscribed = WebhookEndpointFactory(store=store, url=accounting.url, events=CHARGEBACK_TYPES)
    others = [t for t in WebhookEventType.values if t not in CHARGEBACK_TYPES]
    unsubscribed = WebhookEndpointFactory(store=store, url=shop.url, events=others)
    accounting.secret, shop.secret = subscribed.secret, unsubscribed.secret
    return subscribed, unsubscribed


def as_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def api_order(store, order):
    api = APIClient()
    api.force_authenticate(MembershipFactory(store=store, role=Role.OWNER).user)
    return api.get(f"/api/orders/{order.pk}/").json()


def test_a_dispute_withdrawn_then_won_is_one_webhook_each_with_exact_amounts(
    client, store, paid_order, endpoints, receivers, django_capture_on_commit_callbacks
):
    accounting, shop = receivers
    subscribed, unsubscribed = endpoints
    now = int(time.time())
    withdrawn = event(
        "charge.dispute.funds_withdrawn",
        dispute(paid_order, status="needs_response", amount=1660, moves=[-1660]),
        created=now - 60,
    )
    # The same withdrawal told again in another event (a new id, a later state).
    under_review = event(
        "charge.dispute.updated",
        dispute(paid_order, status="under_review", amount=1660, moves=[-1660]),
        created=now - 30,
    )
    reinstated = event(
        "charge.dispute.funds_reinstated",
        dispute(paid_order, status="won", amount=1660, moves=[-1660, 1660]),
        created=now,
    )
    closed = event(
        "charge.dispute.closed",
        dispute(paid_order, status="won", amount=1660, moves=[-1660, 1660]),
        created=now,
    )

    with django_capture_on_commit_callbacks(execute=True):
        # A part was refunded first: the shop system hears of it, accounting does not.
        orders.order_refund(order=paid_order, amount=D("5.00"), reason="Dented")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, store, withdrawn).json() == {
            "outcome": "dispute needs_response, chargeback booked"
        }
    assert accounting.types() == ["chargeback.created"]
    created_order = api_order(store, paid_order)  # the order as it was then

    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, store, withdrawn).json() == {"outcome": "duplicate"}
        assert post_event(client, store, under_review).json() == {"outcome": "dispute under_review"}
        # The ledger service itself, asked again for the same dispute: a no-op.
        assert (
            orders.order_book_chargeback(
                order=paid_order, dispute_id=DISPUTE, amount=D("16.60"), gateway="stripe"
            )
            is None
        )
    assert accounting.types() == ["chargeback.created"]
    assert WebhookEvent.objects.filter(type__startswith="chargeback.").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, store, reinstated).json() == {
            "outcome": "dispute won, chargeback reversed"
        }
        assert post_event(client, store, closed).json() == {"outcome": "older or same state"}
        assert (
            orders.order_book_chargeback_reversal(
                order=paid_order, dispute_id=DISPUTE, gateway="stripe"
            )
            is None
        )

    # Exactly one delivery of each, to the subscribed endpoint only, verified and delivered.
    assert accounting.rejected == shop.rejected == []
    assert accounting.types() == ["chargeback.created", "chargeback.reversed"]
    assert len(accounting.unique) == len(accounting.received) == 2
    assert shop.types() == ["refund.completed"]
    assert sorted(
        WebhookDelivery.objects.filter(event__type__startswith="chargeback.").values_list(
            "event__type", "endpoint", "state", "attempts"
        )
    ) == [
        ("chargeback.created", subscribed.pk, DeliveryState.SUCCEEDED, 1),
        ("chargeback.reversed", subscribed.pk, DeliveryState.SUCCEEDED, 1),
    ]
    assert not WebhookDelivery.objects.filter(
        endpoint=unsubscribed, event__type__startswith="chargeback."
    ).exists()

    chargeback = PaymentTransaction.objects.get(order=paid_order, kind=PaymentKind.CHARGEBACK)
    reversal = PaymentTransaction.objects.get(
        order=paid_order, kind=PaymentKind.CHARGEBACK_REVERSAL
    )
    sent = {e["type"]: e["payload"] for e in accounting.received}
    created = sent["chargeback.created"]
    assert sorted(created) == ["data", "timestamp", "type"]
    assert sorted(created["data"]) == ["chargeback", "order"]
    assert {**created["data"]["chargeback"], "created_at": None} == {
        "kind": "chargeback",
        "state": "succeeded",
        "reference_id": f"dispute:{DISPUTE}:withdrawn",
        "external_id": DISPUTE,
        "amount": "16.60",
        "currency": "USD",
        "reason_code": "",
        "created_at": None,
    }
    assert as_datetime(created["data"]["chargeback"]["created_at"]) == chargeback.created_at
    order = created["data"]["order"]
    assert {k: order[k] for k in ("number", "captured_amount", "refunded_amount",
                                  "charged_back_amount", "net", "refundable",
                                  "payment_status")} == {
        "number": paid_order.number, "captured_amount": "21.60", "refunded_amount": "5.00",
        "charged_back_amount": "16.60", "net": "0.00", "refundable": "0.00",
        "payment_status": "charged_back",
    }  # fmt: skip
    assert order == created_order  # exactly GET /api/orders/<id>/ at that moment
    assert [t["kind"] for t in order["transactions"]][-2:] == ["refund", "chargeback"]

    reversed_ = sent["chargeback.reversed"]
    assert sorted(reversed_["data"]) == ["chargeback_reversal", "order"]
    assert {**reversed_["data"]["chargeback_reversal"], "created_at": None} == {
        "kind": "chargeback_reversal",
        "state": "succeeded",
        "reference_id": f"dispute:{DISPUTE}:reinstated",
        "external_id": DISPUTE,
        "amount": "16.60",
        "currency": "USD",
        "reason_code": "",
        "created_at": None,
    }
    assert (
        as_datetime(reversed_["data"]["chargeback_reversal"]["created_at"]) == reversal.created_at
    )
    order = reversed_["data"]["order"]
    assert {k: order[k] for k in ("charged_back_amount", "net", "refundable",
                                  "payment_status")} == {
        "charged_back_amount": "0.00", "net": "16.60", "refundable": "16.60",
        "payment_status": "partially_refunded",
    }  # fmt: skip
    assert order == api_order(store, paid_order)
    assert figures(paid_order) == (
        D("21.60"), D("5.00"), D("0.00"), D("16.60"), D("16.60"),
        PaymentStatus.PARTIALLY_REFUNDED,
    )  # fmt: skip


def test_both_moves_in_one_event_are_two_webhooks_in_order(
    client, store, paid_order, endpoints, receivers, django_capture_on_commit_callbacks
):
    accounting, shop = receivers
    won = event(
        "charge.dispute.funds_reinstated",
        dispute(paid_order, status="won", moves=[-2160, 2160]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, store, won).json() == {
            "outcome": "dispute won, chargeback booked and chargeback reversed"
        }
        assert post_event(client, store, won).json() == {"outcome": "duplicate"}
    assert accounting.types() == ["chargeback.created", "chargeback.reversed"]
    first, second = (e["payload"]["data"] for e in accounting.received)
    assert (first["chargeback"]["amount"], first["order"]["charged_back_amount"]) == (
        "21.60", "21.60",
    )  # fmt: skip
    assert (first["order"]["net"], first["order"]["payment_status"]) == ("0.00", "charged_back")
    assert (second["chargeback_reversal"]["amount"], second["order"]["charged_back_amount"]) == (
        "21.60", "0.00",
    )  # fmt: skip
    assert (second["order"]["net"], second["order"]["payment_status"]) == ("21.60", "captured")
    assert shop.received == []


def test_an_endpoint_may_choose_one_of_them(
    client, store, paid_order, receivers, django_capture_on_commit_callbacks
):
    accounting, _ = receivers
    endpoint = WebhookEndpointFactory(
        store=store, url=accounting.url, events=["chargeback.reversed"]
    )
    accounting.secret = endpoint.secret
    now = int(time.time())
    withdrawn = event(
        "charge.dispute.funds_withdrawn",
        dispute(paid_order, status="needs_response", amount=1000, moves=[-1000]),
        created=now - 60,
    )
    won = event(
        "charge.dispute.closed",
        dispute(paid_order, status="won", amount=1000, moves=[-1000, 1000]),
        created=now,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, store, withdrawn).json() == {
            "outcome": "dispute needs_response, chargeback booked"
        }
    assert figures(paid_order)[2:4] == (D("10.00"), D("11.60"))
    assert accounting.received == []
    assert WebhookEvent.objects.count() == 0  # nobody wanted it: nothing stored
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, store, won).json() == {
            "outcome": "dispute won, chargeback reversed"
        }
    assert accounting.types() == ["chargeback.reversed"]
    reversal = accounting.received[0]["payload"]["data"]["chargeback_reversal"]
    assert (reversal["amount"], reversal["reference_id"]) == (
        "10.00", f"dispute:{DISPUTE}:reinstated",
    )  # fmt: skip
    assert list(WebhookEvent.objects.values_list("type", flat=True)) == ["chargeback.reversed"]
