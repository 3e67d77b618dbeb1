"""The MCP binding against the live server with the ``mcp`` SDK's own client
(streamable_http_client + ClientSession): tools listed with a platform's client-credentials
token, refused without one (401, no WWW-Authenticate) and with another store's, protocol
version 2025-03-26 accepted, and a linked shopper's checkout paid from the partner wallet.
RFC 9728 metadata of the endpoint."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import anyio
import pytest
import requests
from django.test import Client
from django.utils import timezone
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.types import LATEST_PROTOCOL_VERSION
from oauth2_provider.models import AccessToken
from oauthlib.common import generate_token

from cards import services as cards
from cards.models import CaptureMode
from cards.tests.factories import StripeSettingsFactory
from linking.models import StorePlatformClient
from linking.services import platform_client_register
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order, OrderChannel, OrderStatus, PaymentKind
from shoppers.tests.factories import ShopperAccountFactory, ShopperAddressFactory
from ucp.models import AgentError, CheckoutSession
from ucp.tests.schema_check import assert_checkout

pytestmark = pytest.mark.django_db(transaction=True)

TOOLS = [
    "create_checkout",
    "get_checkout",
    "update_checkout",
    "complete_checkout",
    "cancel_checkout",
    "get_order",
    "search_catalog",
    "lookup_catalog",
    "get_product",
    "create_cart",
    "get_cart",
    "update_cart",
    "cancel_cart",
]


@pytest.fixture
def gemini(flowers) -> tuple[StorePlatformClient, str]:
    return platform_client_register(store=flowers, name="Gemini")


def client_token(live_server, client: StorePlatformClient, secret: str) -> str:
    answer = requests.post(
        f"{live_server.url}/o/token/",
        data={"grant_type": "client_credentials"},
        auth=(client.application.client_id, secret),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def shopper_token(client: StorePlatformClient, account: Any) -> str:
    """A token as the code grant issues it (the grant itself: linking's tests)."""
    token = AccessToken.objects.create(
        user=account.user,
        application=client.application,
        token=generate_token(),
        expires=timezone.now() + timedelta(hours=1),
        scope="profile cart orders",
    )
    return str(token.token)


def endpoint(live_server) -> str:
    return f"{live_server.url}/ucp/flowers/mcp"


async def _session(url: str, token: str, work: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = create_mcp_http_client(headers=headers)
    async with http, streamable_http_client(url, http_client=http) as (read, write, _session_id):
        async with ClientSession(read, write) as session:
            initialized = await session.initialize()
            return await work(session, initialized)


def with_session(url: str, token: str, work: Any) -> Any:
    # The SDK's client on an event loop of its own thread: this one may hold the browser
    # tests' session-wide Playwright loop, and anyio refuses to start a second loop here.
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(anyio.run, _session, url, token, work).result()


def rpc(url: str, token: str, method: str, params: dict, **headers: str) -> requests.Response:
    return requests.post(
        url,
        data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            **({"Authorization": f"Bearer {token}"} if token else {}),
            **headers,
        },
        timeout=10,
    )


def initialize(version: str) -> dict[str, Any]:
    return {
        "protocolVersion": version,
        "capabilities": {},
        "clientInfo": {"name": "Alexa+ MCP Client", "version": "1.0"},
    }


def test_a_platforms_client_credentials_token_lists_the_tools(live_server, gemini):
    token = client_token(live_server, *gemini)

    async def work(session: ClientSession, initialized: Any) -> Any:
        return initialized, await session.list_tools()

    initialized, listed = with_session(endpoint(live_server), token, work)

    assert initialized.protocolVersion == LATEST_PROTOCOL_VERSION
    assert [tool.name for tool in listed.tools] == TOOLS
    complete = next(tool for tool in listed.tools if tool.name == "complete_checkout")
    assert complete.inputSchema["required"] == ["meta", "id", "checkout"]
    assert complete.inputSchema["properties"]["meta"]["required"] == [
        "ucp-agent",
        "idempotency-key",
    ]


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not-a-token", "Basic abc"])
def test_without_a_valid_token_the_answer_is_401_without_a_challenge(live_server, flowers, header):
    response = requests.post(
        endpoint(live_server),
        data=json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize("2025-03-26")}
        ),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            **({"Authorization": header} if header else {}),
        },
        timeout=10,
    )
    assert response.status_code == 401
    assert "WWW-Authenticate" not in response.headers
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32000, "message": "Unauthorized"},
    }


def test_the_sdk_client_is_refused_without_a_token(live_server, flowers):
    async def work(session: ClientSession, initialized: Any) -> Any:
        return initialized

    with pytest.raises(Exception) as refused:
        with_session(endpoint(live_server), "", work)
    assert "401" in repr(refused.value) or "Unauthorized" in repr(refused.value)


def test_another_stores_client_reaches_nothing(live_server, flowers, platform):
    elsewhere = StoreFactory(slug="elsewhere")
    theirs = client_token(live_server, *platform_client_register(store=elsewhere, name="Gemini"))
    sessions = CheckoutSession.objects.count()
    create = {
        "name": "create_checkout",
        "arguments": {
            "meta": {"ucp-agent": {"profile": platform.profile_url}},
            "checkout": {"line_items": [{"item": {"id": "bouquet_roses"}, "quantity": 1}]},
        },
    }

    response = rpc(endpoint(live_server), theirs, "tools/call", create)

    assert response.status_code == 401
    assert "WWW-Authenticate" not in response.headers
    assert CheckoutSession.objects.count() == sessions
    # The same token at its own store's endpoint is fine.
    listed = rpc(f"{live_server.url}/ucp/elsewhere/mcp", theirs, "tools/list", {})
    assert listed.status_code == 200


def test_protocol_version_2025_03_26_is_accepted(live_server, gemini):
    token = client_token(live_server, *gemini)

    started = rpc(endpoint(live_server), token, "initialize", initialize("2025-03-26"))
    listed = rpc(
        endpoint(live_server), token, "tools/list", {}, **{"Mcp-Protocol-Version": "2025-03-26"}
    )

    assert started.status_code == 200
    assert started.json()["result"]["protocolVersion"] == "2025-03-26"
    assert started.headers["Content-Type"].startswith("application/json")
    assert listed.status_code == 200
    assert [tool["name"] for tool in listed.json()["result"]["tools"]] == TOOLS


def test_the_resource_metadata_follows_rfc_9728(live_server, flowers):
    response = requests.get(
        f"{live_server.url}/.well-known/oauth-protected-resource/ucp/flowers/mcp", timeout=10
    )
    assert response.status_code == 200
    assert response.json() == {
        "resource": f"{live_server.url}/ucp/flowers/mcp",
        "authorization_servers": [live_server.url],
        "scopes_supported": ["catalog", "profile", "cart", "orders"],
        "bearer_methods_supported": ["header"],
        "resource_name": flowers.name,
    }
    server = requests.get(f"{live_server.url}/.well-known/oauth-authorization-server", timeout=10)
    assert server.json()["issuer"] == live_server.url
    missing = requests.get(
        f"{live_server.url}/.well-known/oauth-protected-resource/ucp/nope/mcp", timeout=10
    )
    assert missing.status_code == 404


def test_a_linked_shopper_pays_from_the_partner_wallet_through_mcp(
    live_server, flowers, platform, gemini, localstripe
):
    StripeSettingsFactory(store=flowers, capture=CaptureMode.AT_ONCE)
    shopper = ShopperAccountFactory(store=flowers, email="ada@example.com", name="Ada Lovelace")
    ShopperAddressFactory(account=shopper)
    card = cards.card_save_for_test(customer=shopper.customer, number="5555555555554444")
    token = shopper_token(gemini[0], shopper)
    meta = {"ucp-agent": {"profile": platform.profile_url}}

    async def work(session: ClientSession, initialized: Any) -> Any:
        created = await session.call_tool(
            "create_checkout",
            {
                "meta": meta,
                "checkout": {"line_items": [{"item": {"id": "bouquet_roses"}, "quantity": 2}]},
            },
        )
        body = created.structuredContent or {}
        method = body["fulfillment"]["methods"][0]
        updated = await session.call_tool(
            "update_checkout",
            {
                "meta": meta,
                "id": body["id"],
                "checkout": {
                    "line_items": [{"item": {"id": "bouquet_roses"}, "quantity": 2}],
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
                },
            },
        )
        pay = {
            "payment": {
                "instruments": [
                    {
                        "id": f"card_{card.pk}",
                        "handler_id": "saved_card",
                        "type": "card",
                        "selected": True,
                    }
                ]
            }
        }
        completed = await session.call_tool(
            "complete_checkout",
            {"meta": {**meta, "idempotency-key": "mcp-k1"}, "id": body["id"], "checkout": pay},
        )
        again = await session.call_tool(
            "complete_checkout",
            {"meta": {**meta, "idempotency-key": "mcp-k1"}, "id": body["id"], "checkout": pay},
        )
        order_id = (completed.structuredContent or {})["order"]["id"]
        order = await session.call_tool("get_order", {"meta": meta, "id": order_id})
        return created, updated, completed, again, order

    created, updated, completed, again, order = with_session(endpoint(live_server), token, work)

    assert created.isError is False
    assert_checkout(created.structuredContent)
    assert json.loads(created.content[0].text) == created.structuredContent
    assert created.structuredContent["buyer"]["email"] == "ada@example.com"
    assert [i["id"] for i in created.structuredContent["payment"]["instruments"]] == [
        f"card_{card.pk}"
    ]
    assert updated.structuredContent["status"] == "ready_for_complete"
    assert completed.isError is False
    assert_checkout(completed.structuredContent)
    assert completed.structuredContent["status"] == "completed"
    assert again.structuredContent == completed.structuredContent  # replayed, not charged twice
    placed = Order.objects.get(ucp_session__public_id=created.structuredContent["id"])
    assert (placed.status, placed.channel, placed.customer_id) == (
        OrderStatus.PLACED,
        OrderChannel.AGENT,
        shopper.customer_id,
    )
    assert placed.transactions.filter(kind=PaymentKind.CAPTURE).count() == 1
    assert order.isError is False
    assert order.structuredContent["id"] == completed.structuredContent["order"]["id"]


def test_orders_need_the_shoppers_own_token(live_server, flowers, platform, gemini):
    token = client_token(live_server, *gemini)
    call = {
        "name": "get_order",
        "arguments": {"meta": {"ucp-agent": {"profile": platform.profile_url}}, "id": "ord_x"},
    }

    response = rpc(endpoint(live_server), token, "tools/call", call)

    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["data"]["code"]) == (-32000, "identity_required")


def test_the_catalog_is_browsed_with_the_platforms_token(live_server, flowers, platform, gemini):
    token = client_token(live_server, *gemini)

    async def work(session: ClientSession, initialized: Any) -> Any:
        return await session.call_tool(
            "search_catalog",
            {
                "meta": {"ucp-agent": {"profile": platform.profile_url}},
                "catalog": {"query": "roses"},
            },
        )

    found = with_session(endpoint(live_server), token, work)

    assert found.isError is False
    assert "bouquet_roses" in json.dumps(found.structuredContent)


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_only_post_is_served_no_stream_no_session(live_server, gemini, method):
    token = client_token(live_server, *gemini)

    response = requests.request(
        method,
        endpoint(live_server),
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
        timeout=10,
    )

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json()["error"]["code"] == -32600


def test_a_cart_is_made_read_and_canceled_through_mcp(live_server, flowers, platform, gemini):
    token = client_token(live_server, *gemini)
    meta = {"ucp-agent": {"profile": platform.profile_url}}

    async def work(session: ClientSession, initialized: Any) -> Any:
        line = {"item": {"id": "bouquet_roses"}, "quantity": 2}
        made = await session.call_tool(
            "create_cart", {"meta": meta, "cart": {"line_items": [line]}}
        )
        cart_id = (made.structuredContent or {})["id"]
        read = await session.call_tool("get_cart", {"meta": meta, "id": cart_id})
        gone = await session.call_tool(
            "cancel_cart", {"meta": {**meta, "idempotency-key": "c-1"}, "id": cart_id}
        )
        return made, read, gone

    made, read, gone = with_session(endpoint(live_server), token, work)

    assert made.isError is False
    assert [(li["item"]["id"], li["quantity"]) for li in made.structuredContent["line_items"]] == [
        ("bouquet_roses", 2)
    ]
    assert read.structuredContent["id"] == made.structuredContent["id"]
    assert gone.isError is False


def test_failed_tool_calls_are_on_the_owners_agents_page_in_the_words_of_rest(
    live_server, flowers, platform, gemini
):
    token = client_token(live_server, *gemini)
    name = platform.base.removeprefix("http://")
    meta = {"ucp-agent": {"profile": platform.profile_url}}
    calls = [
        {"name": "get_checkout", "arguments": {"meta": meta, "id": "nope"}},
        {"name": "get_order", "arguments": {"meta": meta, "id": "ord_x"}},
        {"name": "search_catalog", "arguments": {"meta": meta}},
        {"name": "search_catalog", "arguments": {"meta": meta, "catalog": {"query": "roses"}}},
    ]

    answers = [rpc(endpoint(live_server), token, "tools/call", call) for call in calls]

    assert [a.status_code for a in answers] == [200, 403, 200, 200]
    assert answers[0].json()["result"]["isError"] is True
    assert answers[2].json()["error"]["code"] == -32602
    assert answers[3].json()["result"]["isError"] is False
    rows = list(
        AgentError.objects.filter(store=flowers)
        .order_by("pk")
        .values_list("operation", "status", "code", "message", "platform")
    )
    assert rows == [
        ("Read a checkout", 404, "not_found", "Checkout session not found.", name),
        (
            "Read an order",
            403,
            "identity_required",
            "This call needs the shopper's own token.",
            name,
        ),
        (
            "Search the catalog",
            400,
            "invalid_request",
            "$: 'catalog' is a required property",
            name,
        ),
    ]
    owner = Client()
    owner.force_login(MembershipFactory(store=flowers, role=Role.OWNER).user)
    page = owner.get(f"/console/agents/stores/{flowers.pk}/").content.decode()
    assert "Checkout session not found." in page
    assert "Read an order" in page and "Search the catalog" in page
