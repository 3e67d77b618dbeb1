"""The last unit bought at the same moment through the three doors of a store paid on
delivery: the web shop's checkout of the shared cart (``shoppers.checkout_cart``), the voice
skill's order flow (its draft order placed by ``orders.order_place``, as the skill does when
the shopper says yes) and a shopping agent completing its checkout (UCP, pay on delivery).
The product row lock lets one through: exactly one order is placed, the stock ends at 0,
never below, and the other two are refused each in its own words and shape."""

import threading
from typing import Any

import pytest
from django.db import connections

from catalog.models import Product
from merchant.models import PaymentMode
from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from orders.models import CustomerEventSource, Order, OrderSource, OrderStatus
from shoppers import services as shoppers
from shoppers.errors import CheckoutError, CheckoutErrorCode
from shoppers.tests.factories import ShopperAccountFactory
from ucp.payments import POD_HANDLER_ID
from ucp.tests.conftest import UcpClient, shipping_to
from ucp.tests.schema_check import assert_checkout

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

ADDRESS = {
    "name": "Ada Lovelace",
    "addressLine1": "1 Elm St",
    "city": "Springfield",
    "stateOrRegion": "IL",
    "postalCode": "62704",
    "countryCode": "US",
}
ON_DELIVERY = {
    "payment": {
        "instruments": [{"id": "pod_1", "handler_id": POD_HANDLER_ID, "type": "pay_on_delivery"}]
    }
}


def prepare(agent: UcpClient, flowers: Any, round_number: int) -> dict[str, Any]:
    """Three shoppers each about to buy the one pot left."""
    pot = Product.objects.get(store=flowers, sku="pot_ceramic")
    pot.stock = 2
    pot.save()
    web: Any = ShopperAccountFactory(store=flowers, email=f"web{round_number}@example.com")
    shoppers.cart_add(customer=web.customer, product=pot, quantity=1)
    voice_customer = orders.customer_get_or_create(
        store=flowers,
        alexa_user_id=f"amzn1.ask.account.race{round_number}",
        locale="en-US",
        source=CustomerEventSource.VOICE,
    )
    draft = orders.cart_start(customer=voice_customer, locale="en-US", source=OrderSource.VOICE)
    draft = orders.cart_set_items(
        order=draft, items=[orders.CartItem(product=pot, quantity=1)]
    ).order
    draft = orders.cart_set_checkout(
        order=draft,
        discount_codes=[],
        option_id="",
        fee=None,
        email="voice@example.com",
        shipping_address=ADDRESS,
    )
    checkout = agent.post(
        "/checkout-sessions",
        {
            "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 1}],
            "fulfillment": shipping_to(option="std-ship"),
        },
    ).json()
    assert checkout["status"] == "ready_for_complete"
    pot.stock = 1  # the last unit
    pot.save()
    return {"web": web, "voice": draft, "agent": checkout["id"]}


def race(agent: UcpClient, ready: dict[str, Any]) -> dict[str, Any]:
    barrier = threading.Barrier(3)
    outcome: dict[str, Any] = {}

    def web() -> None:
        try:
            barrier.wait()
            outcome["web"] = shoppers.checkout_cart(
                account=ready["web"], address=ADDRESS, card=None, source="web", locale="en-US"
            ).order
        except CheckoutError as exc:
            outcome["web"] = exc
        finally:
            connections.close_all()

    def voice() -> None:
        try:
            barrier.wait()
            outcome["voice"] = orders.order_place(order=ready["voice"], payment=None).order
        except OrderError as exc:
            outcome["voice"] = exc
        finally:
            connections.close_all()

    def agent_completes() -> None:
        try:
            client = UcpClient(agent.platform, "flowers")
            barrier.wait()
            outcome["agent"] = client.post(
                f"/checkout-sessions/{ready['agent']}/complete", ON_DELIVERY
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=f) for f in (web, voice, agent_completes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcome


def test_the_last_unit_is_sold_once_through_web_voice_and_agent(agent, flowers):
    flowers.payment_mode = PaymentMode.PAY_ON_DELIVERY
    flowers.save()
    winners = []
    for round_number in range(3):
        placed_before = Order.objects.filter(status=OrderStatus.PLACED).count()
        ready = prepare(agent, flowers, round_number)
        outcome = race(agent, ready)
        assert Order.objects.filter(status=OrderStatus.PLACED).count() == placed_before + 1
        assert Product.objects.get(store=flowers, sku="pot_ceramic").stock == 0

        web, voice, response = outcome["web"], outcome["voice"], outcome["agent"]
        assert response.status_code == 200, response.content
        body = response.json()
        won = [
            name
            for name, ok in (
                ("web", isinstance(web, Order)),
                ("voice", isinstance(voice, Order)),
                ("agent", body["status"] == "completed"),
            )
            if ok
        ]
        assert len(won) == 1, outcome
        winners += won
        if "web" not in won:  # the web shop's words, and the cart keeps its line
            assert (web.code, web.message) == (
                CheckoutErrorCode.OUT_OF_STOCK,
                "Some items are no longer available: Ceramic Pot.",
            )
        if "voice" not in won:  # the skill's refusal (it says the order was not placed)
            assert (voice.code, voice.message) == (
                OrderErrorCode.OUT_OF_STOCK,
                "Ceramic Pot is no longer available.",
            )
            assert Order.objects.get(pk=ready["voice"].pk).status == OrderStatus.DRAFT
        if "agent" not in won:  # the protocol's business outcome: a message on the session
            assert body["status"] == "incomplete"
            assert body["messages"][0] == {
                "type": "error",
                "code": "out_of_stock",
                "content": "Ceramic Pot is no longer available.",
                "severity": "recoverable",
                "path": "$.line_items[0]",
            }
            assert_checkout(body)
    assert Product.objects.get(store=flowers, sku="pot_ceramic").stock == 0
    assert len(winners) == 3
