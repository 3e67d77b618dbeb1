"""Checkout sessions over REST against a seeded store: exact totals from the portal's
pricing, fulfillment options, discounts, completion into an agent order, cancel; every
response valid against the 2026-04-08 schemas."""

from decimal import Decimal

import pytest

from catalog.models import Product
from discounts.models import Discount
from orders.models import Order, OrderChannel, OrderSource, OrderStatus, PaymentStatus
from ucp.models import CheckoutSession
from ucp.tests.conftest import paid, roses, shipping_to, total
from ucp.tests.schema_check import assert_checkout, assert_error

pytestmark = pytest.mark.django_db


def pots(quantity: int) -> dict:
    return {"line_items": [{"item": {"id": "pot_ceramic"}, "quantity": quantity}]}


def test_create_prices_the_lines_and_offers_the_rates_for_the_destination(agent):
    response = agent.post("/checkout-sessions", {**roses(2), "fulfillment": shipping_to("US")})
    assert response.status_code == 201
    body = response.json()
    assert_checkout(body)
    assert body["status"] == "incomplete"
    assert body["currency"] == "USD"
    assert body["line_items"][0]["id"] == "li_1"
    assert body["line_items"][0]["item"] == {
        "id": "bouquet_roses",
        "title": "Bouquet of Red Roses",
        "price": 3500,
    }
    assert body["line_items"][0]["totals"] == [
        {"type": "subtotal", "amount": 7000},
        {"type": "total", "amount": 7000},
    ]
    group = body["fulfillment"]["methods"][0]["groups"][0]
    assert [(o["id"], o["title"], o["totals"]) for o in group["options"]] == [
        ("std-ship", "Standard Shipping", [{"type": "total", "amount": 0}]),
        ("exp-ship-us", "Express Shipping (US)", [{"type": "total", "amount": 1500}]),
    ]
    assert body["ucp"]["payment_handlers"]["dev.ucp.mock_payment_handler"][0]["id"] == (
        "mock_payment_handler"
    )


def test_international_destination_and_chosen_option_set_the_total(agent):
    body = agent.post(
        "/checkout-sessions",
        {**pots(1), "fulfillment": shipping_to("CA", "M5V 2H1", "exp-ship-intl")},
    ).json()
    assert_checkout(body)
    assert body["status"] == "ready_for_complete"
    options = body["fulfillment"]["methods"][0]["groups"][0]["options"]
    assert [o["id"] for o in options] == ["std-ship", "exp-ship-intl"]
    assert body["totals"] == [
        {"type": "subtotal", "amount": 1500},
        {"type": "fulfillment", "amount": 2500},
        {"type": "tax", "amount": 0},
        {"type": "total", "amount": 4000},
    ]
    order = CheckoutSession.objects.get(public_id=body["id"]).order
    assert (order.subtotal, order.shipping, order.total) == (
        Decimal("15.00"),
        Decimal("25.00"),
        Decimal("40.00"),
    )
    assert order.shipping_option == "exp-ship-intl"
    assert order.shipping_address["countryCode"] == "CA"


def test_discount_codes_apply_case_insensitively_once_and_unknown_ones_warn(agent):
    created = agent.post(
        "/checkout-sessions", {**pots(2), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    body = agent.put(
        f"/checkout-sessions/{created['id']}",
        {
            **pots(2),
            "fulfillment": created["fulfillment"],
            "discounts": {"codes": ["10off", "NOPE"]},
        },
    ).json()
    assert_checkout(body)
    assert body["discounts"]["codes"] == ["10off", "NOPE"]
    assert body["discounts"]["applied"] == [
        {
            "code": "10OFF",
            "title": "10% Off",
            "amount": 300,
            "method": "across",
            "allocations": [{"path": "$.totals.subtotal", "amount": 300}],
        }
    ]
    assert body["totals"] == [
        {"type": "subtotal", "amount": 3000},
        {"type": "discount", "amount": -300},
        {"type": "fulfillment", "amount": 500},
        {"type": "tax", "amount": 0},
        {"type": "total", "amount": 3200},
    ]
    assert body["messages"] == [
        {
            "type": "warning",
            "code": "discount_code_invalid",
            "path": "$.discounts.codes[1]",
            "content": "Code 'NOPE' cannot be applied.",
        }
    ]
    order = CheckoutSession.objects.get(public_id=body["id"]).order
    assert (order.discount, order.discount_codes, order.total) == (
        Decimal("3.00"),
        ["10OFF"],
        Decimal("32.00"),
    )
    cleared = agent.put(
        f"/checkout-sessions/{created['id']}",
        {**pots(2), "fulfillment": body["fulfillment"], "discounts": {"codes": []}},
    ).json()
    assert total(cleared, "discount") is None
    assert total(cleared, "total") == 3500


def test_complete_places_an_agent_order_paid_on_the_sandbox(agent, platform):
    created = agent.post(
        "/checkout-sessions",
        {
            **pots(2),
            "fulfillment": shipping_to(option="exp-ship-us"),
            "discounts": {"codes": ["FIXED500"]},
            "buyer": {"email": "ada@example.com"},
        },
    ).json()
    response = agent.post(f"/checkout-sessions/{created['id']}/complete", paid())
    assert response.status_code == 200
    body = response.json()
    assert_checkout(body)
    assert body["status"] == "completed"
    assert body["order"]["id"].startswith("ord_")
    assert response["Signature-Input"].startswith(
        'sig1=("@status" "content-digest" "content-type")'
    )
    order = Order.objects.get(ucp_session__public_id=created["id"])
    assert (order.status, order.channel, order.source) == (
        OrderStatus.PLACED,
        OrderChannel.AGENT,
        OrderSource.AGENT,
    )
    assert order.agent_name == platform.base.removeprefix("http://")
    assert (order.subtotal, order.discount, order.shipping, order.total) == (
        Decimal("30.00"),
        Decimal("5.00"),
        Decimal("15.00"),
        Decimal("40.00"),
    )
    assert (order.payment_status, order.captured_amount) == (
        PaymentStatus.CAPTURED,
        Decimal("40.00"),
    )
    assert order.email == "ada@example.com"
    assert Discount.objects.get(store=order.store, code="FIXED500").times_used == 1
    assert Product.objects.get(store=order.store, sku="pot_ceramic").stock == 1998


def test_a_declined_payment_is_402_and_places_nothing(agent):
    created = agent.post(
        "/checkout-sessions", {**pots(1), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    response = agent.post(f"/checkout-sessions/{created['id']}/complete", paid("fail_token"))
    assert response.status_code == 402
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "payment_failed"
    session = CheckoutSession.objects.get(public_id=created["id"])
    assert (session.status, session.order.status) == ("ready_for_complete", OrderStatus.DRAFT)
    assert Product.objects.get(sku="pot_ceramic").stock == 2000


def test_complete_without_fulfillment_is_400_and_a_completed_session_cannot_change(agent):
    created = agent.post("/checkout-sessions", pots(1)).json()
    refused = agent.post(f"/checkout-sessions/{created['id']}/complete", paid())
    assert refused.status_code == 400
    assert (
        "Fulfillment address and option must be selected"
        in refused.json()["messages"][0]["content"]
    )
    agent.put(
        f"/checkout-sessions/{created['id']}",
        {**pots(1), "fulfillment": shipping_to(option="std-ship")},
    )
    assert agent.post(f"/checkout-sessions/{created['id']}/complete", paid()).status_code == 200
    again = agent.post(f"/checkout-sessions/{created['id']}/complete", paid())
    assert again.status_code == 409
    assert agent.post(f"/checkout-sessions/{created['id']}/cancel").status_code == 409
    assert agent.put(f"/checkout-sessions/{created['id']}", pots(3)).status_code == 409
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 1


def test_cancel_abandons_the_cart_once(agent):
    created = agent.post("/checkout-sessions", pots(1)).json()
    canceled = agent.post(f"/checkout-sessions/{created['id']}/cancel")
    assert canceled.status_code == 200
    assert_checkout(canceled.json())
    assert canceled.json()["status"] == "canceled"
    assert (
        CheckoutSession.objects.get(public_id=created["id"]).order.status == OrderStatus.ABANDONED
    )
    assert agent.post(f"/checkout-sessions/{created['id']}/cancel").status_code == 409


def test_unavailable_items_make_no_session(agent):
    out = agent.post(
        "/checkout-sessions", {"line_items": [{"item": {"id": "gardenias"}, "quantity": 1}]}
    )
    missing = agent.post(
        "/checkout-sessions", {"line_items": [{"item": {"id": "pink_wumpus"}, "quantity": 1}]}
    )
    assert (out.status_code, missing.status_code) == (200, 200)
    for response, code in ((out, "out_of_stock"), (missing, "not_found")):
        assert_error(response.json())
        assert response.json()["ucp"]["status"] == "error"
        assert response.json()["messages"][0]["code"] == code
    assert CheckoutSession.objects.count() == 0
    assert Order.objects.count() == 0


def test_a_quantity_above_the_stock_is_cut_with_a_warning(agent):
    body = agent.post(
        "/checkout-sessions", {"line_items": [{"item": {"id": "orchid_white"}, "quantity": 900}]}
    ).json()
    assert_checkout(body)
    assert body["line_items"][0]["quantity"] == 800
    assert body["messages"] == [
        {
            "type": "warning",
            "code": "quantity_adjusted",
            "path": "$.line_items[0].quantity",
            "content": "Quantity adjusted: 900 requested, 800 in stock.",
        },
        {
            "type": "info",
            "code": "fulfillment_required",
            "path": "$.fulfillment",
            "content": "Choose a shipping destination, then a shipping option.",
        },
    ]
