"""The partner wallet against localstripe: identity linking in the profile; a linked shopper's
bearer token brings their saved cards as instruments, their email and default address;
completing with a saved card places an agent order on the "stripe" gateway, refundable
through orders; 3-D Secure escalates with nothing placed; another store's token and another
shopper's card reach nothing. Every response valid against the 2026-04-08 schemas."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cards import services as cards
from cards.models import CaptureMode, StripePayment
from cards.tests.factories import StripeSettingsFactory
from linking.services import sandbox_link_issue
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import Order, OrderChannel, OrderStatus, PaymentKind, PaymentTransaction
from shoppers.tests.factories import ShopperAccountFactory, ShopperAddressFactory
from ucp.models import CheckoutSession
from ucp.tests.conftest import roses
from ucp.tests.schema_check import assert_checkout, assert_error, assert_profile, assert_valid

pytestmark = pytest.mark.django_db

NEEDS_AUTH = "4000002760003184"


@pytest.fixture
def shopper(flowers, localstripe):
    account = ShopperAccountFactory(store=flowers, email="ada@example.com", name="Ada Lovelace")
    ShopperAddressFactory(account=account)
    return account


def bearer(account: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox_link_issue(account=account)}"}


def wallet_pay(card_id: int) -> dict[str, Any]:
    return {
        "payment": {
            "instruments": [
                {
                    "id": f"card_{card_id}",
                    "handler_id": "saved_card",
                    "type": "card",
                    "selected": True,
                }
            ]
        }
    }


def with_option(agent: Any, session_id: str, headers: dict[str, str]) -> dict[str, Any]:
    body = agent.client.get(
        f"{agent.root}/checkout-sessions/{session_id}", headers={**agent.headers(), **headers}
    ).json()
    method = body["fulfillment"]["methods"][0]
    update = {
        **roses(2),
        "fulfillment": {
            "methods": [
                {
                    "type": "shipping",
                    "destinations": method["destinations"],
                    "selected_destination_id": method["selected_destination_id"],
                    "groups": [{"id": "package_1", "selected_option_id": "std-ship"}],
                }
            ]
        },
    }
    response = agent.client.put(
        f"{agent.root}/checkout-sessions/{session_id}",
        data=update,
        content_type="application/json",
        headers={**agent.headers(), **headers},
    )
    assert response.status_code == 200
    return dict(response.json())


def test_the_profile_names_identity_linking_over_the_portals_oauth_server(agent, localstripe):
    body = agent.client.get(f"{agent.root}/.well-known/ucp").json()
    assert_profile(body)
    entry = body["ucp"]["capabilities"]["dev.ucp.common.identity_linking"][0]
    assert_valid(
        entry, "common/identity_linking.json#/$defs/dev.ucp.common.identity_linking/business_schema"
    )
    assert entry["config"] == {
        "scopes": {},
        "issuer": "http://testserver/",
        "authorization_endpoint": "http://testserver/o/authorize/",
        "token_endpoint": "http://testserver/o/token/",
        "revocation_endpoint": "http://testserver/o/revoke_token/",
        "metadata": "http://testserver/.well-known/oauth-authorization-server",
    }
    assert body["ucp"]["payment_handlers"]["com.stripe.saved_card"][0]["id"] == "saved_card"


def test_a_linked_shopper_sees_their_cards_and_defaults_then_pays_with_one(agent, flowers, shopper):
    StripeSettingsFactory(store=flowers, capture=CaptureMode.AT_ONCE)
    card = cards.card_save_for_test(customer=shopper.customer, number="5555555555554444")
    headers = bearer(shopper)
    created = agent.post("/checkout-sessions", roses(2), **headers)
    assert created.status_code == 201
    body = created.json()
    assert_checkout(body)
    assert body["buyer"] == {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    destination = body["fulfillment"]["methods"][0]["destinations"][0]
    assert (destination["street_address"], destination["postal_code"]) == (
        "12 Analytical Row",
        "98101",
    )
    assert body["payment"]["instruments"] == [
        {
            "id": f"card_{card.pk}",
            "handler_id": "saved_card",
            "type": "card",
            "display": {
                "brand": "visa",  # localstripe names every brand visa
                "last_digits": "4444",
                "expiry_month": 12,
                "expiry_year": card.exp_year,
            },
        }
    ]
    ready = with_option(agent, body["id"], headers)
    assert ready["status"] == "ready_for_complete"
    done = agent.post(f"/checkout-sessions/{body['id']}/complete", wallet_pay(card.pk), **headers)
    assert done.status_code == 200
    result = done.json()
    assert_checkout(result)
    assert result["status"] == "completed"
    assert result["payment"]["instruments"][0]["display"]["last_digits"] == "4444"
    order = Order.objects.get(ucp_session__public_id=body["id"])
    assert (order.status, order.channel, order.customer_id, order.total) == (
        OrderStatus.PLACED,
        OrderChannel.AGENT,
        shopper.customer_id,
        Decimal("70.00"),
    )
    capture = order.transactions.get(kind=PaymentKind.CAPTURE)
    assert (capture.gateway, capture.amount) == ("stripe", Decimal("70.00"))
    refund = orders.order_refund(order=order, reason="Wilted", actor_label="Support")
    assert (refund.gateway, refund.amount) == ("stripe", Decimal("70.00"))


def test_without_a_token_no_cards_are_offered(agent, shopper):
    cards.card_save_for_test(customer=shopper.customer)
    body = agent.post("/checkout-sessions", roses(1)).json()
    assert_checkout(body)
    assert body["payment"]["instruments"] == []
    assert "buyer" not in body


def test_3d_secure_escalates_with_nothing_placed_until_the_buyer_confirms(
    agent, shopper, localstripe
):
    card = cards.card_save_for_test(customer=shopper.customer, number=NEEDS_AUTH)
    headers = bearer(shopper)
    created = agent.post("/checkout-sessions", roses(2), **headers).json()
    with_option(agent, created["id"], headers)
    ledger = PaymentTransaction.objects.count()
    response = agent.post(
        f"/checkout-sessions/{created['id']}/complete", wallet_pay(card.pk), **headers
    )
    assert response.status_code == 200
    body = response.json()
    assert_checkout(body)
    assert body["status"] == "requires_escalation"
    assert [(m["code"], m["severity"]) for m in body["messages"]] == [
        ("requires_3ds", "requires_buyer_input")
    ]
    assert body["continue_url"] == "http://testserver/shop/flowers/"
    session = CheckoutSession.objects.get(public_id=created["id"])
    assert (session.status, session.order.status) == ("ready_for_complete", OrderStatus.DRAFT)
    assert PaymentTransaction.objects.count() == ledger
    payment = StripePayment.objects.get(order=session.order)
    assert payment.status == "requires_action"
    # The buyer confirms with the bank on the finish page; the platform retries.
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    localstripe.call(
        "POST",
        f"/v1/payment_intents/{payment.payment_intent_id}/_authenticate?success=true",
        {"key": localstripe.publishable_key, "client_secret": intent["client_secret"]},
    )
    finished = Client().post(cards.finish_path(payment))
    assert (finished.status_code, finished["Location"]) == (302, cards.finish_path(payment))
    payment.refresh_from_db()
    assert payment.status == "authorized"
    retried = agent.post(
        f"/checkout-sessions/{created['id']}/complete", wallet_pay(card.pk), **headers
    )
    assert retried.status_code == 200
    assert_checkout(retried.json())
    assert (retried.json()["status"], retried.json()["messages"]) == ("completed", [])
    session.refresh_from_db()
    assert session.order.status == OrderStatus.PLACED
    assert session.order.transactions.filter(kind=PaymentKind.AUTHORIZATION).count() == 1


def test_another_stores_token_is_refused_with_nothing_made(agent, shopper):
    other = ShopperAccountFactory(store=StoreFactory(slug="elsewhere"))
    sessions = CheckoutSession.objects.count()
    response = agent.post("/checkout-sessions", roses(1), **bearer(other))
    assert response.status_code == 401
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "identity_required"
    assert response["WWW-Authenticate"] == (
        'Bearer realm="http://testserver/", scope="orders", error="invalid_token"'
    )
    assert CheckoutSession.objects.count() == sessions
    with_key = agent.post("/checkout-sessions", roses(1), key="k-401", **bearer(other))
    assert with_key.status_code == 401
    assert with_key["WWW-Authenticate"] == response["WWW-Authenticate"]
    assert CheckoutSession.objects.count() == sessions


def test_another_shoppers_card_and_session_reach_nothing(agent, flowers, shopper):
    mine = cards.card_save_for_test(customer=shopper.customer)
    intruder = ShopperAccountFactory(store=flowers)
    ShopperAddressFactory(account=intruder)
    cards.card_save_for_test(customer=intruder.customer)
    theirs = bearer(intruder)
    created = agent.post("/checkout-sessions", roses(2), **theirs).json()
    with_option(agent, created["id"], theirs)
    ledger = PaymentTransaction.objects.count()
    refused = agent.post(
        f"/checkout-sessions/{created['id']}/complete", wallet_pay(mine.pk), **theirs
    )
    assert refused.status_code == 402
    assert_error(refused.json())
    # The shopper's own token on the intruder's session: no cards offered, none charged.
    own = bearer(shopper)
    shown = agent.client.get(
        f"{agent.root}/checkout-sessions/{created['id']}", headers={**agent.headers(), **own}
    ).json()
    assert shown["payment"]["instruments"] == []
    again = agent.post(f"/checkout-sessions/{created['id']}/complete", wallet_pay(mine.pk), **own)
    assert again.status_code == 402
    session = CheckoutSession.objects.get(public_id=created["id"])
    assert (session.status, session.order.status) == ("ready_for_complete", OrderStatus.DRAFT)
    assert PaymentTransaction.objects.count() == ledger
    assert not StripePayment.objects.filter(order=session.order).exists()
