"""Property: whatever body a platform sends to the checkout, order, catalog and cart
operations, the answer is never a 5xx; a 4xx is the spec's error response, and a refused
create writes nothing (a catalog call never writes). Bodies are valid ones mutated (a field
dropped, nulled or given another type, huge strings and numbers, control characters, deep
nesting) plus bodies that are not JSON. The MCP endpoint gets the same treatment: malformed
JSON-RPC envelopes, wrong types and unknown fields in tool arguments, huge values (a
JSON-RPC error or an ``isError`` result, nothing written). Derandomized: the same cases on
every run; Hypothesis prints the smallest failing body."""

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauth2_provider.models import AccessToken

from linking.services import platform_client_register
from orders.models import Order
from shoppers.models import Cart, CartLine
from ucp.models import AgentCart, CheckoutSession
from ucp.tests.conftest import UcpClient, paid, shipping_to
from ucp.tests.schema_check import assert_error, assert_valid

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.just("x" * 100_000),
    st.just("\u0000\u001f\ud7ff"),
    st.just("\ud800 lone surrogate"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just(json.loads("[" * 50 + "]" * 50)),
)


def valid_create() -> dict[str, Any]:
    return {
        "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 1}],
        "buyer": {"email": "a@example.com", "first_name": "A", "consent": {"marketing": True}},
        "discounts": {"codes": ["10OFF"]},
        "fulfillment": shipping_to(option="std-ship"),
        "payment": paid()["payment"],
    }


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def mutate(body: dict[str, Any], path: tuple, action: str, odd: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    parent: Any = body
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "drop" and isinstance(parent, dict):
        del parent[last]
    else:
        parent[last] = odd
    return body


@st.composite
def mutated_bodies(draw: Any, valid: Any = valid_create) -> bytes:
    body = valid()
    if draw(st.integers(0, 9)) == 0:
        return draw(
            st.sampled_from(
                [b"", b"{", b"null", b"\xff\xfe", b"[1,2]", b'{"a":1}' * 3, b"[" * 100_000]
            )
        )
    for _ in range(draw(st.integers(1, 3))):
        candidates = paths(body)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        body = mutate(body, path, draw(st.sampled_from(["drop", "set"])), draw(ODD_VALUES))
    return json.dumps(body).encode()


def check(response: Any) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert_error(response.json())


@FUZZ
@given(raw=mutated_bodies())
def test_create_never_fails_with_5xx_and_a_refusal_writes_nothing(
    agent: UcpClient, raw: bytes
) -> None:
    sessions, orders = CheckoutSession.objects.count(), Order.objects.count()
    response = agent.post("/checkout-sessions", raw=raw)
    check(response)
    if response.status_code != 201:
        assert (CheckoutSession.objects.count(), Order.objects.count()) == (sessions, orders)


@FUZZ
@given(raw=mutated_bodies())
def test_update_complete_and_order_updates_never_fail_with_5xx(
    agent: UcpClient, raw: bytes
) -> None:
    created = agent.post("/checkout-sessions", valid_create()).json()
    check(agent.put(f"/checkout-sessions/{created['id']}", None, raw=raw))
    check(agent.post(f"/checkout-sessions/{created['id']}/complete", raw=raw))
    done = agent.post(f"/checkout-sessions/{created['id']}/complete", paid())
    if done.status_code == 200 and done.json().get("order"):
        check(agent.put(f"/orders/{done.json()['order']['id']}", None, raw=raw))


# The MCP binding: JSON-RPC envelopes and tool arguments, malformed the same ways ------------

MCP_FUZZ = settings(FUZZ, max_examples=80)
ENVELOPES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b"\xff\xfe",
    b"[" * 100_000,
    b'{"jsonrpc":"2.0"}',
    b'{"jsonrpc":"1.0","id":1,"method":"tools/list"}',
    b'{"jsonrpc":"2.0","id":1,"method":"no/such/method"}',
    b'{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}',
    b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"x"}',
    b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"drop_tables"}}',
]
TOOL_NAMES = st.sampled_from(
    ["create_checkout", "complete_checkout", "get_order", "cancel_checkout"]
)


@pytest.fixture
def mcp_token(flowers: Any) -> str:
    client, _secret = platform_client_register(store=flowers, name="Fuzzer")
    token = AccessToken.objects.create(
        application=client.application,
        token="fuzz-token",
        expires=timezone.now() + timedelta(hours=1),
        scope="catalog",
    )
    return str(token.token)


@st.composite
def mcp_bodies(draw: Any, profile: str) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(ENVELOPES))
    name = draw(TOOL_NAMES)
    arguments: dict[str, Any] = {
        "meta": {"ucp-agent": {"profile": profile}, "idempotency-key": "fuzz-1"},
        "checkout": valid_create(),
        "id": "chk_unknown",
        "surplus": {"unknown": True},
    }
    request: dict[str, Any] = {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(request)))
        request = mutate(request, path, draw(st.sampled_from(["drop", "set"])), draw(ODD_VALUES))
    return json.dumps(request).encode()


def mcp_post(raw: bytes, token: str) -> Any:
    return Client().post(
        "/ucp/flowers/mcp",
        data=raw,
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
        },
    )


@MCP_FUZZ
@given(data=st.data())
def test_mcp_requests_never_fail_with_5xx_and_a_refusal_writes_nothing(
    agent: UcpClient, mcp_token: str, data: Any
) -> None:
    raw = data.draw(mcp_bodies(agent.platform.profile_url))
    sessions, orders = CheckoutSession.objects.count(), Order.objects.count()

    response = mcp_post(raw, mcp_token)

    assert response.status_code < 500, response.content[:500]
    assert response.status_code in (200, 202, 400, 403, 404, 406, 409, 415, 422, 424)
    answer = json.loads(response.content) if response.content else {}
    refused = "error" in answer or answer.get("result", {}).get("isError", True)
    if "error" in answer:
        assert isinstance(answer["error"]["code"], int) and answer["error"]["message"]
    if refused:
        assert (CheckoutSession.objects.count(), Order.objects.count()) == (sessions, orders)


def valid_search() -> dict[str, Any]:
    return {
        "query": "roses",
        "context": {"language": "en", "currency": "USD", "address_country": "US"},
        "filters": {"categories": ["Flowers"], "price": {"min": 100, "max": 10000}},
        "pagination": {"limit": 5, "cursor": "bzo1"},
    }


def valid_lookup() -> dict[str, Any]:
    return {
        "ids": ["bouquet_roses", "pot_ceramic"],
        "id": "bouquet_roses",
        "selected": [{"name": "Size", "label": "L"}],
        "preferences": ["Size"],
        "context": {"language": "de"},
        "filters": {"price": {"max": 5000}},
    }


def valid_cart() -> dict[str, Any]:
    return {
        "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 2}],
        "buyer": {"email": "a@example.com"},
        "context": {"address_country": "US", "postal_code": "62704"},
    }


def answered(response: Any, schema: str) -> None:
    """Never a 5xx; a refusal or an in-band error in the error shape, else the operation's
    own response schema."""
    check(response)
    body = response.json()
    if response.status_code < 400 and body.get("ucp", {}).get("status") != "error":
        assert_valid(body, schema)
    elif response.status_code < 400:
        assert_error(body)


def written() -> tuple[int, ...]:
    return (
        AgentCart.objects.count(),
        Cart.objects.count(),
        CartLine.objects.count(),
        CheckoutSession.objects.count(),
        Order.objects.count(),
    )


@FUZZ
@given(search=mutated_bodies(valid_search), lookup=mutated_bodies(valid_lookup))
def test_catalog_operations_never_fail_with_5xx_and_write_nothing(
    agent: UcpClient, search: bytes, lookup: bytes
) -> None:
    before = written()
    answered(
        agent.post("/catalog/search", raw=search),
        "shopping/catalog_search.json#/$defs/search_response",
    )
    answered(
        agent.post("/catalog/lookup", raw=lookup),
        "shopping/catalog_lookup.json#/$defs/lookup_response",
    )
    answered(
        agent.post("/catalog/product", raw=lookup),
        "shopping/catalog_lookup.json#/$defs/get_product_response",
    )
    assert written() == before


@FUZZ
@given(raw=mutated_bodies(valid_cart))
def test_cart_create_never_fails_with_5xx_and_a_refusal_writes_nothing(
    agent: UcpClient, raw: bytes
) -> None:
    before = written()
    response = agent.post("/carts", raw=raw)
    answered(response, "shopping/cart.json")
    if response.status_code != 201:
        assert written() == before


@FUZZ
@given(raw=mutated_bodies(valid_cart))
def test_cart_update_cancel_and_conversion_never_fail_with_5xx(
    agent: UcpClient, raw: bytes
) -> None:
    cart_id = agent.post("/carts", valid_cart()).json()["id"]
    before = written()
    response = agent.put(f"/carts/{cart_id}", None, raw=raw)
    answered(response, "shopping/cart.json")
    if response.status_code >= 400:
        assert written() == before
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict):  # a checkout from the cart, whatever else the body says
        converted = agent.post("/checkout-sessions", {**body, "cart_id": cart_id})
        check(converted)
    answered(agent.post(f"/carts/{cart_id}/cancel", raw=raw), "shopping/cart.json")
