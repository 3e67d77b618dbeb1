"""Agent orders after checkout: GET/PUT /orders/{id}, the simulation hook, and the order
webhooks to the platform (signed per RFC 9421, retried with the same id, timestamp and
body), also for a shipment made in the support console."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from orders import services as orders
from orders.models import OrderStatus
from ucp.models import CheckoutSession, OrderWebhook
from ucp.signing import content_digest, verify
from ucp.tests.conftest import SECRET, paid, shipping_to
from ucp.tests.schema_check import assert_error, assert_order

pytestmark = pytest.mark.django_db


def place(agent, django_capture_on_commit_callbacks) -> dict:
    created = agent.post(
        "/checkout-sessions",
        {
            "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 1}],
            "fulfillment": shipping_to(option="std-ship"),
        },
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        done = agent.post(f"/checkout-sessions/{created['id']}/complete", paid()).json()
    return done


def test_get_order_is_the_full_entity(agent, django_capture_on_commit_callbacks):
    done = place(agent, django_capture_on_commit_callbacks)
    response = agent.get(f"/orders/{done['order']['id']}")
    assert response.status_code == 200
    body = response.json()
    assert_order(body)
    assert (body["id"], body["checkout_id"]) == (done["order"]["id"], done["id"])
    assert body["line_items"][0]["quantity"] == {"original": 1, "total": 1, "fulfilled": 0}
    assert body["fulfillment"]["expectations"][0]["description"] == "Standard Shipping"
    assert body["fulfillment"]["expectations"][0]["destination"]["postal_code"] == "62704"
    assert body["totals"][-1] == {"type": "total", "amount": 2000}


def test_put_order_keeps_the_platforms_reports_and_refuses_bad_ones(
    agent, django_capture_on_commit_callbacks
):
    done = place(agent, django_capture_on_commit_callbacks)
    path = f"/orders/{done['order']['id']}"
    order = agent.get(path).json()
    bad = {
        **order,
        "adjustments": [
            {
                "id": "a1",
                "type": "refund",
                "occurred_at": "2026-01-01T00:00:00Z",
                "status": "INVALID",
            }
        ],
    }
    refused = agent.put(path, bad)
    assert refused.status_code == 422
    assert_error(refused.json())
    assert agent.put(path, {**order, "adjustments": {"id": "a1"}}).status_code == 422
    event = {
        "id": "evt_p1",
        "occurred_at": "2026-01-02T00:00:00Z",
        "type": "shipped",
        "line_items": [{"id": "li_1", "quantity": 1}],
        "tracking_number": "TRACK123",
    }
    kept = agent.put(path, {**order, "fulfillment": {**order["fulfillment"], "events": [event]}})
    assert kept.status_code == 200
    assert_order(kept.json())
    assert kept.json()["fulfillment"]["events"] == [event]
    session = CheckoutSession.objects.get(public_id=done["id"])
    assert session.order.status == OrderStatus.PLACED  # the portal's order is untouched


def test_simulation_hook_needs_the_setting_and_the_secret(
    agent, settings, django_capture_on_commit_callbacks
):
    done = place(agent, django_capture_on_commit_callbacks)
    path = f"/ucp/flowers/testing/simulate-shipping/{done['order']['id']}"
    assert Client().post(path, headers={"Simulation-Secret": "wrong"}).status_code == 403
    assert Client().post(path).status_code == 403
    settings.UCP_SIMULATION_SECRET = ""
    assert Client().post(path, headers={"Simulation-Secret": SECRET}).status_code == 404
    settings.UCP_SIMULATION_SECRET = SECRET
    with django_capture_on_commit_callbacks(execute=True):
        shipped = Client().post(path, headers={"Simulation-Secret": SECRET})
    assert shipped.status_code == 200
    assert_order(shipped.json())
    assert [e["type"] for e in shipped.json()["fulfillment"]["events"]] == ["shipped"]
    assert CheckoutSession.objects.get(public_id=done["id"]).order.status == OrderStatus.SHIPPED


def _signature_parts(headers: dict[str, str]) -> tuple[list[str], str, str]:
    signature_input = headers["signature-input"]
    names = re.findall(r'"([^"]+)"', signature_input.split(")")[0])
    params = signature_input.removeprefix("sig1=")
    found = re.search(r"sig1=:([^:]+):", headers["signature"])
    assert found is not None
    value = found.group(1)
    return names, params, value


def test_completion_webhook_is_signed_with_the_published_key(
    agent, platform, django_capture_on_commit_callbacks
):
    done = place(agent, django_capture_on_commit_callbacks)
    [delivery] = platform.deliveries
    assert delivery.payload["id"] == done["order"]["id"]
    assert_order(delivery.payload)
    headers = delivery.headers
    assert headers["webhook-id"].startswith("evt_")
    assert headers["content-digest"] == content_digest(delivery.body)
    assert headers["ucp-agent"] == 'profile="http://testserver/ucp/flowers/.well-known/ucp"'
    names, params, value = _signature_parts(headers)
    assert names == [
        "@method",
        "@authority",
        "@path",
        "content-digest",
        "content-type",
        "ucp-agent",
    ]
    values = {
        "@method": "POST",
        "@authority": platform.base.removeprefix("http://"),
        "@path": "/webhook",
        "content-digest": headers["content-digest"],
        "content-type": headers["content-type"],
        "ucp-agent": headers["ucp-agent"],
    }
    jwk = Client().get("/ucp/flowers/.well-known/ucp").json()["signing_keys"][0]
    assert verify(
        jwk=jwk, components=[(n, values[n]) for n in names], params=params, signature_b64=value
    )
    values["@path"] = "/elsewhere"
    assert not verify(
        jwk=jwk, components=[(n, values[n]) for n in names], params=params, signature_b64=value
    )


def test_a_failed_delivery_is_retried_as_the_same_event(
    agent, platform, django_capture_on_commit_callbacks
):
    platform.failures = 1
    place(agent, django_capture_on_commit_callbacks)
    first, second = platform.deliveries
    assert (first.status, second.status) == (500, 200)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.headers["webhook-timestamp"] == second.headers["webhook-timestamp"]
    assert first.body == second.body
    webhook = OrderWebhook.objects.get()
    assert (webhook.state, webhook.attempts) == ("delivered", 2)


def test_a_shipment_from_the_back_office_reaches_the_platform(
    agent, platform, django_capture_on_commit_callbacks
):
    done = place(agent, django_capture_on_commit_callbacks)
    session = CheckoutSession.objects.get(public_id=done["id"])
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_ship(
            order=session.order, carrier="UPS", tracking_number="1Z9", actor_label="Staff"
        )
    created, shipped = platform.deliveries
    events = shipped.payload["fulfillment"]["events"]
    assert [(e["type"], e["tracking_number"], e["carrier"]) for e in events] == [
        ("shipped", "1Z9", "UPS")
    ]
    assert shipped.headers["webhook-id"] != created.headers["webhook-id"]
    assert shipped.payload["line_items"][0]["status"] == "fulfilled"


def test_an_agent_order_is_refunded_in_the_back_office_and_the_platform_sees_it(
    agent, django_capture_on_commit_callbacks
):
    done = place(agent, django_capture_on_commit_callbacks)
    order = CheckoutSession.objects.get(public_id=done["id"]).order
    assert order.refundable_amount() == Decimal("20.00")
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_refund(order=order, amount=Decimal("7.50"), reason="Damaged")
    body = agent.get(f"/orders/{done['order']['id']}").json()
    assert_order(body)
    [refund] = body["adjustments"]
    assert (refund["type"], refund["totals"]) == ("refund", [{"type": "total", "amount": -750}])
    assert refund["status"] in ("pending", "completed")


def test_a_platform_that_keeps_failing_is_left_to_the_sweeper(
    agent, platform, django_capture_on_commit_callbacks
):
    platform.failures = 100
    place(agent, django_capture_on_commit_callbacks)
    assert [d.status for d in platform.deliveries] == [500, 500, 500]
    webhook = OrderWebhook.objects.get()
    assert (webhook.state, webhook.attempts, webhook.last_status_code) == ("pending", 3, 500)
    assert webhook.next_attempt_at is not None


def test_delivery_refunds_and_a_cancellation_reach_the_platform_once_each(
    agent, platform, django_capture_on_commit_callbacks
):
    kept = place(agent, django_capture_on_commit_callbacks)
    order = CheckoutSession.objects.get(public_id=kept["id"]).order
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_ship(order=order, carrier="UPS", tracking_number="1Z9", actor_label="S")
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_deliver(order=order, actor_label="Staff")
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_refund(order=order, amount=Decimal("7.50"), reason="Damaged")
    dropped = place(agent, django_capture_on_commit_callbacks)
    other = CheckoutSession.objects.get(public_id=dropped["id"]).order
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_cancel(order=other, actor_label="Staff", reason="Out of pots")

    sent = list(
        OrderWebhook.objects.order_by("pk").values_list("session__public_id", "event", "state")
    )
    assert sent == [
        (kept["id"], "order_created", "delivered"),
        (kept["id"], "shipped", "delivered"),
        (kept["id"], "delivered", "delivered"),
        (kept["id"], "refund_pending", "delivered"),  # the sandbox settles it after commit
        (kept["id"], "refund_completed", "delivered"),
        (dropped["id"], "order_created", "delivered"),
        (dropped["id"], "cancelled", "delivered"),  # its payment refunded in full
        (dropped["id"], "refund_completed", "delivered"),
    ]
    assert (
        len({d.headers["webhook-id"] for d in platform.deliveries})
        == len(sent)
        == len(platform.deliveries)
    )
    for delivery in platform.deliveries:
        assert_order(delivery.payload)
    payloads = [d.payload for d in platform.deliveries]
    assert [e["type"] for e in payloads[2]["fulfillment"]["events"]] == ["shipped", "delivered"]
    assert [(a["type"], a["status"], a["totals"]) for a in payloads[4]["adjustments"]] == [
        ("refund", "completed", [{"type": "total", "amount": -750}])
    ]
    assert [e["type"] for e in payloads[6]["fulfillment"]["events"]] == ["canceled"]
    assert [(a["status"], a["totals"]) for a in payloads[7]["adjustments"]] == [
        ("completed", [{"type": "total", "amount": -2000}])
    ]
