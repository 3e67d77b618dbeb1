"""Negotiation, the profile, idempotency, malformed bodies and isolation between stores and
platforms: refusals in the spec's error shape, with nothing written."""

import json

import pytest
from django.test import Client

from merchant.tests.factories import StoreFactory
from orders.models import Order
from ucp.models import CheckoutSession, IdempotencyRecord
from ucp.negotiation import intersect, parse_agent_header
from ucp.tests.conftest import UcpClient, roses
from ucp.tests.platform import platform_profile, start_platform
from ucp.tests.schema_check import assert_checkout, assert_error, assert_profile

pytestmark = pytest.mark.django_db


def test_profile_lists_the_rest_endpoint_capabilities_handlers_and_keys(flowers):
    response = Client().get("/ucp/flowers/.well-known/ucp")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.json()
    assert_profile(body)
    services = body["ucp"]["services"]["dev.ucp.shopping"]
    assert [(s["transport"], s["endpoint"], s["schema"].rsplit("/", 1)[1]) for s in services] == [
        ("rest", "http://testserver/ucp/flowers", "rest.openapi.json"),
        ("mcp", "http://testserver/ucp/flowers/mcp", "mcp.openrpc.json"),
    ]
    assert sorted(body["ucp"]["capabilities"]) == [
        "dev.ucp.common.identity_linking",
        "dev.ucp.shopping.buyer_consent",
        "dev.ucp.shopping.cart",
        "dev.ucp.shopping.catalog.lookup",
        "dev.ucp.shopping.catalog.search",
        "dev.ucp.shopping.checkout",
        "dev.ucp.shopping.discount",
        "dev.ucp.shopping.fulfillment",
        "dev.ucp.shopping.order",
    ]
    assert [k["kty"] for k in body["signing_keys"]] == ["EC"]


def test_without_the_simulation_secret_no_test_handler_is_offered(flowers, settings):
    settings.UCP_SIMULATION_SECRET = ""
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""  # and no Stripe keys
    assert Client().get("/ucp/flowers/.well-known/ucp").json()["ucp"]["payment_handlers"] == {}


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        ("", 400, "invalid_profile_url"),
        ('profile="..."', 400, "invalid_profile_url"),
        ('profile="https://x.invalid/p"; version="2099-01-01"', 422, "version_unsupported"),
        ('profile="http://127.0.0.1:9/none.json"', 424, "profile_unreachable"),
    ],
)
def test_negotiation_failures(flowers, header, status, code):
    response = Client().post(
        "/ucp/flowers/checkout-sessions",
        data=roses(),
        content_type="application/json",
        headers={"UCP-Agent": header},
    )
    assert response.status_code == status
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == code
    assert CheckoutSession.objects.count() == 0


def test_a_platform_on_another_version_is_refused(flowers, platform):
    platform.profile = platform_profile(platform.webhook_url, version="2026-01-23")
    response = UcpClient(platform, "flowers").post("/checkout-sessions", roses())
    assert response.status_code == 422
    assert response.json()["messages"][0]["code"] == "version_unsupported"


def test_loopback_profiles_are_refused_outside_test_deployments(flowers, platform, settings):
    settings.UCP_SIMULATION_SECRET = ""
    response = UcpClient(platform, "flowers").post("/checkout-sessions", roses())
    assert response.status_code == 400
    assert response.json()["messages"][0]["code"] == "invalid_profile_url"


def test_capabilities_are_the_intersection(flowers, platform):
    caps = platform.profile["ucp"]["capabilities"]
    caps["dev.ucp.shopping.discount"] = [{"version": "2026-01-23"}]  # no mutual version
    body = UcpClient(platform, "flowers").post("/checkout-sessions", roses()).json()
    assert sorted(body["ucp"]["capabilities"]) == [
        "dev.ucp.shopping.buyer_consent",
        "dev.ucp.shopping.checkout",
        "dev.ucp.shopping.fulfillment",
    ]
    assert "discounts" not in body


def test_same_key_same_body_replays_and_another_body_is_409(agent):
    first = agent.post("/checkout-sessions", roses(), key="k-1")
    again = agent.post("/checkout-sessions", roses(), key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    conflict = agent.post("/checkout-sessions", roses(2), key="k-1")
    assert conflict.status_code == 409
    assert_error(conflict.json())
    assert CheckoutSession.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"[]",
        b'"text"',
        json.dumps({"line_items": "x"}).encode(),
        json.dumps({"line_items": []}).encode(),
        json.dumps({"line_items": [{"item": {"id": 5}, "quantity": 1}]}).encode(),
        json.dumps({"line_items": [{"item": {"id": "bouquet_roses"}, "quantity": 0}]}).encode(),
        json.dumps({"line_items": [{"item": {"id": "bouquet_roses"}, "quantity": "2"}]}).encode(),
        json.dumps(
            {"line_items": [{"item": {"id": "bouquet_roses"}, "quantity": 10**30}]}
        ).encode(),
        json.dumps({**roses(), "buyer": {"email": "x" * 500}}).encode(),
        json.dumps({**roses(), "discounts": {"codes": "10OFF"}}).encode(),
        json.dumps({**roses(), "fulfillment": {"methods": [{"type": "pickup"}]}}).encode(),
        json.dumps(
            {**roses(), "fulfillment": {"methods": [{"destinations": [{"postal_code": 5}]}]}}
        ).encode(),
        json.dumps({**roses(), "buyer": {"consent": {"marketing": "yes"}}}).encode(),
    ],
)
def test_malformed_bodies_are_4xx_and_write_nothing(agent, raw):
    response = agent.post("/checkout-sessions", raw=raw)
    assert 400 <= response.status_code < 500
    assert_error(response.json())
    assert CheckoutSession.objects.count() == 0
    assert Order.objects.count() == 0


def test_a_malformed_update_changes_nothing(agent):
    created = agent.post("/checkout-sessions", roses()).json()
    response = agent.put(
        f"/checkout-sessions/{created['id']}", {"line_items": [{"item": {}, "quantity": 1}]}
    )
    assert response.status_code == 400
    current = agent.get(f"/checkout-sessions/{created['id']}").json()
    assert_checkout(current)
    assert current["line_items"][0]["quantity"] == 1


def test_a_session_is_reached_only_in_its_store_and_by_its_platform(agent, platform):
    created = agent.post("/checkout-sessions", roses()).json()
    StoreFactory(slug="other")
    elsewhere = UcpClient(platform, "other").get(f"/checkout-sessions/{created['id']}")
    assert elsewhere.status_code == 404
    assert_error(elsewhere.json())
    stranger = start_platform()
    try:
        stranger_client = UcpClient(stranger, "flowers")
        assert stranger_client.get(f"/checkout-sessions/{created['id']}").status_code == 404
        assert stranger_client.post(f"/checkout-sessions/{created['id']}/cancel").status_code == 404
    finally:
        stranger.server.shutdown()
        stranger.server.server_close()
    assert CheckoutSession.objects.get(public_id=created["id"]).status == "incomplete"
    assert_checkout(agent.get(f"/checkout-sessions/{created['id']}").json())


def test_intersection_outside_test_deployments_keeps_only_what_both_list(settings):
    settings.UCP_SIMULATION_SECRET = ""
    both = {
        "dev.ucp.shopping.fulfillment": {"2026-04-08"},
        "dev.ucp.shopping.order": {"2026-04-08"},
    }
    # The fulfillment extension leaves with its parent (checkout) missing.
    assert intersect(both) == frozenset({"dev.ucp.shopping.order"})
    both["dev.ucp.shopping.checkout"] = {"2026-01-23", "2026-04-08"}
    assert intersect(both) == frozenset(
        {"dev.ucp.shopping.checkout", "dev.ucp.shopping.fulfillment", "dev.ucp.shopping.order"}
    )


def test_agent_header_members_are_read_as_dictionary_or_parameters():
    assert parse_agent_header('profile="https://a.example/p", version="2026-04-08"') == {
        "profile": "https://a.example/p",
        "version": "2026-04-08",
    }
    assert parse_agent_header('profile="https://a.example/p"; version="x"')["version"] == "x"
    assert parse_agent_header("garbage") == {}


def test_idempotency_keys_are_each_platforms_own(agent, platform):
    first = agent.post("/checkout-sessions", roses(), key="shared-key")
    stranger = start_platform()
    try:
        theirs = UcpClient(stranger, "flowers").post(
            "/checkout-sessions", roses(), key="shared-key"
        )
    finally:
        stranger.server.shutdown()
        stranger.server.server_close()
    assert (first.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()["id"] != first.json()["id"]
    assert CheckoutSession.objects.count() == 2
