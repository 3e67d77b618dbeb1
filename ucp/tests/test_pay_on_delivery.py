"""Pay on delivery as a payment handler: offered by stores paid on delivery, it places the
agent's order with nothing charged (collected later on the manual gateway, as for voice
orders); a store that takes payment when ordering refuses it with nothing placed."""

from typing import Any

import pytest
from django.test import Client

from merchant.models import PaymentMode
from orders import services as orders
from orders.models import Order, OrderChannel, OrderStatus, PaymentKind, PaymentTransaction
from ucp.models import CheckoutSession
from ucp.payments import POD_HANDLER_ID, POD_HANDLER_NAMESPACE
from ucp.tests.conftest import shipping_to
from ucp.tests.schema_check import assert_checkout, assert_error, assert_profile

pytestmark = pytest.mark.django_db

ON_DELIVERY = {
    "payment": {
        "instruments": [{"id": "pod_1", "handler_id": POD_HANDLER_ID, "type": "pay_on_delivery"}]
    }
}


def ready(agent: Any) -> str:
    response = agent.post(
        "/checkout-sessions",
        {
            "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 2}],
            "fulfillment": shipping_to(option="std-ship"),
        },
    )
    assert response.status_code == 201
    return response.json()["id"]


def test_a_store_paid_on_delivery_offers_the_handler_and_places_unpaid_orders(agent, flowers):
    flowers.payment_mode = PaymentMode.PAY_ON_DELIVERY
    flowers.save()
    profile = Client().get("/ucp/flowers/.well-known/ucp").json()
    assert_profile(profile)
    assert profile["ucp"]["payment_handlers"][POD_HANDLER_NAMESPACE] == [
        {
            "id": "pay_on_delivery",
            "version": "2026-04-08",
            "available_instruments": [{"type": "pay_on_delivery"}],
            "config": {"collected": "on_delivery", "credential": "none"},
        }
    ]
    checkout_id = ready(agent)
    response = agent.post(f"/checkout-sessions/{checkout_id}/complete", ON_DELIVERY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert_checkout(body)
    assert body["status"] == "completed"
    assert POD_HANDLER_NAMESPACE in body["ucp"]["payment_handlers"]
    order = Order.objects.get(status=OrderStatus.PLACED)
    assert (order.channel, order.payment_mode) == (OrderChannel.AGENT, PaymentMode.PAY_ON_DELIVERY)
    assert not PaymentTransaction.objects.filter(order=order).exists()  # nothing charged
    orders.order_mark_collected(order=order)  # the courier brought the money back
    collected = PaymentTransaction.objects.get(order=order)
    assert (collected.kind, collected.gateway, collected.amount) == (
        PaymentKind.COLLECTION,
        "manual",
        order.total,
    )


def test_a_store_that_charges_when_ordering_refuses_pay_on_delivery(agent, flowers):
    assert flowers.payment_mode == PaymentMode.CHARGE_NOW
    profile = Client().get("/ucp/flowers/.well-known/ucp").json()
    assert POD_HANDLER_NAMESPACE not in profile["ucp"]["payment_handlers"]
    checkout_id = ready(agent)
    response = agent.post(f"/checkout-sessions/{checkout_id}/complete", ON_DELIVERY)
    assert response.status_code == 400
    assert_error(response.json())
    assert response.json()["messages"][0] == {
        "type": "error",
        "code": "payment_handler_unsupported",
        "content": "This store does not take payment on delivery; pay with a handler of its "
        "profile.",
        "severity": "recoverable",
        "path": "$.payment.instruments[0].handler_id",
    }
    assert CheckoutSession.objects.get().status == "ready_for_complete"
    assert not Order.objects.filter(status=OrderStatus.PLACED).exists()
    assert not PaymentTransaction.objects.exists()
