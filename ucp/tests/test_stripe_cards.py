"""The Stripe card handler against localstripe: advertised only with Stripe keys; a payment
method token charged into an agent order on the "stripe" gateway (refundable through orders'
refund service); a decline is the spec's payment failure; a 3-D Secure card escalates the
checkout to the buyer with nothing placed. Every response valid against the schemas."""

from decimal import Decimal
from typing import Any

import pytest

from cards.models import CaptureMode
from cards.tests.factories import StripeSettingsFactory
from orders import services as orders
from orders.models import (
    Order,
    OrderChannel,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentTransaction,
)
from ucp.models import CheckoutSession
from ucp.tests.conftest import roses, shipping_to
from ucp.tests.schema_check import assert_checkout, assert_error, assert_profile

pytestmark = pytest.mark.django_db

NAMESPACE = "com.stripe.card"
DECLINED_ON_CHARGE = "4000000000000341"
NEEDS_AUTH = "4000002760003184"


def payment_method(localstripe: Any, number: str = "4242424242424242") -> str:
    card = {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    created = localstripe.call("POST", "/v1/payment_methods", {"type": "card", "card": card})
    return str(created["id"])


def with_token(token: str) -> dict[str, Any]:
    return {
        "payment": {
            "instruments": [
                {
                    "id": "instr_1",
                    "handler_id": "stripe_card",
                    "type": "card",
                    "credential": {"type": "token", "token": token},
                }
            ]
        }
    }


def ready_session(agent: Any) -> str:
    created = agent.post(
        "/checkout-sessions", {**roses(2), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    assert created["status"] == "ready_for_complete"
    return str(created["id"])


def test_the_handler_is_advertised_only_when_the_store_has_stripe_keys(agent, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    without = agent.client.get(f"{agent.root}/.well-known/ucp").json()
    assert_profile(without)
    assert NAMESPACE not in without["ucp"]["payment_handlers"]
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    body = agent.client.get(f"{agent.root}/.well-known/ucp").json()
    assert_profile(body)
    assert body["ucp"]["payment_handlers"][NAMESPACE] == [
        {
            "id": "stripe_card",
            "version": "2026-04-08",
            "spec": "https://docs.stripe.com/payments/payment-methods",
            "available_instruments": [{"type": "card"}],
            "config": {
                "publishable_key": "pk_test_x",
                "credential": "token",
                "token_type": "stripe_payment_method",
            },
        }
    ]


def test_a_payment_method_token_places_an_agent_order_on_the_stripe_gateway(
    agent, flowers, localstripe
):
    StripeSettingsFactory(store=flowers, capture=CaptureMode.AT_ONCE)
    session_id = ready_session(agent)
    response = agent.post(
        f"/checkout-sessions/{session_id}/complete", with_token(payment_method(localstripe))
    )
    assert response.status_code == 200
    body = response.json()
    assert_checkout(body)
    assert body["status"] == "completed"
    assert body["payment"]["instruments"] == [
        {"id": "instr_1", "handler_id": "stripe_card", "type": "card"}
    ]
    order = Order.objects.get(ucp_session__public_id=session_id)
    assert (order.status, order.channel, order.total) == (
        OrderStatus.PLACED,
        OrderChannel.AGENT,
        Decimal("70.00"),
    )
    charge = order.transactions.get(kind=PaymentKind.CAPTURE)
    assert (charge.gateway, charge.amount, charge.state) == (
        "stripe",
        Decimal("70.00"),
        PaymentState.SUCCEEDED,
    )
    intent = localstripe.call("GET", f"/v1/payment_intents/{charge.external_id}")
    assert (intent["status"], intent["amount"]) == ("succeeded", 7000)
    refund = orders.order_refund(
        order=order, amount=Decimal("20.00"), reason="Wilted", actor_label="Support"
    )
    assert (refund.gateway, refund.amount, refund.state) == (
        "stripe",
        Decimal("20.00"),
        PaymentState.SUCCEEDED,
    )


def test_a_store_capturing_on_shipping_only_authorizes(agent, localstripe):
    session_id = ready_session(agent)
    response = agent.post(
        f"/checkout-sessions/{session_id}/complete", with_token(payment_method(localstripe))
    )
    assert response.status_code == 200
    order = Order.objects.get(ucp_session__public_id=session_id)
    auth = order.transactions.get(kind=PaymentKind.AUTHORIZATION)
    assert auth.gateway == "stripe"
    assert not order.transactions.filter(kind=PaymentKind.CAPTURE).exists()
    intent = localstripe.call("GET", f"/v1/payment_intents/{auth.external_id}")
    assert intent["status"] == "requires_capture"


def test_a_declined_card_is_the_payment_failure_with_nothing_placed(agent, localstripe):
    session_id = ready_session(agent)
    ledger = PaymentTransaction.objects.count()
    response = agent.post(
        f"/checkout-sessions/{session_id}/complete",
        with_token(payment_method(localstripe, DECLINED_ON_CHARGE)),
    )
    assert response.status_code == 402
    body = response.json()
    assert_error(body)
    assert body["messages"][0]["code"] == "payment_failed"
    assert body["messages"][0]["severity"] == "recoverable"
    session = CheckoutSession.objects.get(public_id=session_id)
    assert (session.status, session.order.status) == ("ready_for_complete", OrderStatus.DRAFT)
    assert PaymentTransaction.objects.count() == ledger


def test_a_token_that_is_not_a_payment_method_is_declined(agent, localstripe):
    session_id = ready_session(agent)
    response = agent.post(f"/checkout-sessions/{session_id}/complete", with_token("tok_visa"))
    assert response.status_code == 402
    assert_error(response.json())
    assert CheckoutSession.objects.get(public_id=session_id).order.status == OrderStatus.DRAFT


def test_3d_secure_escalates_to_the_buyer_with_nothing_placed(agent, localstripe):
    session_id = ready_session(agent)
    ledger = PaymentTransaction.objects.count()
    response = agent.post(
        f"/checkout-sessions/{session_id}/complete",
        with_token(payment_method(localstripe, NEEDS_AUTH)),
    )
    assert response.status_code == 200
    body = response.json()
    assert_checkout(body)
    assert body["status"] == "requires_escalation"
    assert body["messages"] == [
        {
            "type": "error",
            "code": "requires_3ds",
            "content": "Your bank wants you to confirm this payment.",
            "severity": "requires_buyer_input",
        }
    ]
    assert body["continue_url"] == "http://testserver/shop/flowers/"
    session = CheckoutSession.objects.get(public_id=session_id)
    assert session.order.status == OrderStatus.DRAFT
    assert PaymentTransaction.objects.count() == ledger
    # Another card completes the same checkout.
    again = agent.post(
        f"/checkout-sessions/{session_id}/complete", with_token(payment_method(localstripe))
    )
    assert again.status_code == 200
    assert again.json()["status"] == "completed"
    assert again.json()["messages"] == []
