"""The cart capability (cart-rest.md) on the portal's carts: a platform's guest cart, a linked
shopper's own cart shared with the web shop and voice, and the conversion of a cart to a
checkout session. Every response valid against the 2026-04-08 schemas."""

from typing import Any

import pytest

from catalog.models import Product
from linking.services import sandbox_link_issue
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderStatus
from shoppers import services as shoppers
from shoppers.models import Cart, CartCheckout, CartLine
from shoppers.selectors import cart_lines
from shoppers.tests.factories import ShopperAccountFactory
from ucp.models import AgentCart, CheckoutSession
from ucp.protocol import CART, VERSION
from ucp.tests.conftest import UcpClient, paid, shipping_to
from ucp.tests.platform import start_platform
from ucp.tests.schema_check import assert_checkout, assert_error, assert_valid

pytestmark = pytest.mark.django_db


def lines(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"item": {"id": sku}, "quantity": quantity} for sku, quantity in pairs]


def cart_call(agent: UcpClient, method: str, path: str, body: Any = None, token: str = "") -> Any:
    headers = agent.headers(**({"Authorization": f"Bearer {token}"} if token else {}))
    call = getattr(agent.client, method)
    kwargs: dict[str, Any] = {"headers": headers}
    if method != "get":
        kwargs.update(data=body if body is not None else {}, content_type="application/json")
    response = call(agent.root + path, **kwargs)
    assert response.status_code < 500
    return response


def valid_cart(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert_valid(body, "shopping/cart.json")
    return body


def shown(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(line["item"]["id"], line["quantity"]) for line in body["line_items"]]


def test_a_guest_cart_is_created_read_replaced_and_canceled(agent, flowers):
    created = valid_cart(
        cart_call(
            agent,
            "post",
            "/carts",
            {"line_items": lines(("bouquet_roses", 2)), "context": {"address_country": "US"}},
        ),
        201,
    )
    assert created["ucp"] == {"version": VERSION, "capabilities": {CART: [{"version": VERSION}]}}
    assert shown(created) == [("bouquet_roses", 2)]
    assert created["currency"] == "USD"
    assert created["totals"][0] == {"type": "subtotal", "amount": 7000}
    assert created["totals"][1]["amount"] == 7000
    assert created["context"] == {"address_country": "US"}
    assert created["continue_url"] == "http://testserver/shop/flowers/"
    cart_id = created["id"]
    assert shown(valid_cart(cart_call(agent, "get", f"/carts/{cart_id}"))) == [("bouquet_roses", 2)]

    updated = valid_cart(
        cart_call(
            agent,
            "put",
            f"/carts/{cart_id}",
            {
                "id": cart_id,
                "line_items": lines(("pot_ceramic", 5000), ("pink_wumpus", 1), ("gardenias", 1)),
            },
        )
    )
    assert shown(updated) == [("pot_ceramic", 2000)]  # cut to the stock; roses replaced
    assert [(m["type"], m["code"]) for m in updated["messages"]] == [
        ("warning", "quantity_adjusted"),
        ("error", "not_found"),
        ("error", "out_of_stock"),
    ]
    assert "context" not in updated  # replaced by the request's (none)

    canceled = valid_cart(cart_call(agent, "post", f"/carts/{cart_id}/cancel"))
    assert shown(canceled) == [("pot_ceramic", 2000)]  # the state before the cancel
    gone = cart_call(agent, "get", f"/carts/{cart_id}")
    assert gone.status_code == 200
    assert_error(gone.json())
    assert gone.json()["messages"][0]["code"] == "not_found"
    assert gone.json()["continue_url"] == "http://testserver/shop/flowers/"
    assert CartLine.objects.count() == 0


def test_a_cart_of_nothing_available_is_not_made(agent, flowers):
    response = cart_call(agent, "post", "/carts", {"line_items": lines(("gardenias", 1))})
    assert response.status_code == 200
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "out_of_stock"
    assert (AgentCart.objects.count(), Cart.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"line_items": []},
        {"line_items": "x"},
        {"line_items": lines(("bouquet_roses", 0))},
        {"line_items": lines(("bouquet_roses", 1)), "context": []},
        {"line_items": lines(("bouquet_roses", 1)), "buyer": {"email": 5}},
    ],
)
def test_bad_cart_requests_are_400_and_write_nothing(agent, flowers, body):
    response = cart_call(agent, "post", "/carts", body)
    assert response.status_code == 400
    assert_error(response.json())
    assert (AgentCart.objects.count(), Cart.objects.count(), Order.objects.count()) == (0, 0, 0)


@pytest.fixture
def ada(flowers):
    return ShopperAccountFactory(store=flowers, email="ada@example.com", name="Ada Lovelace")


def test_a_linked_shopper_s_cart_is_the_one_web_and_voice_share(agent, flowers, ada):
    pot = Product.objects.get(sku="pot_ceramic")
    shoppers.cart_add(customer=ada.customer, product=pot, quantity=1)  # from the web shop
    token = sandbox_link_issue(account=ada)
    created = valid_cart(
        cart_call(agent, "post", "/carts", {"line_items": lines(("bouquet_roses", 2))}, token), 201
    )
    assert shown(created) == [("pot_ceramic", 1), ("bouquet_roses", 2)]
    assert created["continue_url"] == "http://testserver/shop/flowers/cart/"
    cart_id = created["id"]
    # Nobody else reaches it: no token, another shopper's token.
    other = sandbox_link_issue(account=ShopperAccountFactory(store=flowers))
    for wrong in ("", other):
        refused = cart_call(agent, "get", f"/carts/{cart_id}", token=wrong)
        assert refused.status_code == 200
        assert refused.json()["messages"][0]["code"] == "not_found"
    # The web shop's change shows; the agent's replacement is the web shop's cart too.
    shoppers.cart_set_quantity(customer=ada.customer, product=pot, quantity=3)
    assert shown(valid_cart(cart_call(agent, "get", f"/carts/{cart_id}", token=token))) == [
        ("pot_ceramic", 3),
        ("bouquet_roses", 2),
    ]
    valid_cart(
        cart_call(
            agent, "put", f"/carts/{cart_id}", {"line_items": lines(("orchid_white", 1))}, token
        )
    )
    assert [(line.product.sku, line.quantity) for line in cart_lines(ada.customer)] == [
        ("orchid_white", 1)
    ]
    # The same platform creating again gets the same session; cancel keeps the shopper's cart.
    again = valid_cart(
        cart_call(agent, "post", "/carts", {"line_items": lines(("bouquet_roses", 1))}, token), 201
    )
    assert again["id"] == cart_id
    valid_cart(cart_call(agent, "post", f"/carts/{cart_id}/cancel", token=token))
    assert len(cart_lines(ada.customer)) == 2


def test_a_cart_becomes_a_checkout_once_and_leaves_the_cart_when_placed(agent, flowers):
    cart_id = valid_cart(
        cart_call(
            agent,
            "post",
            "/carts",
            {"line_items": lines(("pot_ceramic", 2)), "buyer": {"email": "cart@example.com"}},
        ),
        201,
    )["id"]
    request = {
        "cart_id": cart_id,
        "line_items": lines(("bouquet_roses", 9)),  # ignored: the cart's contents win
        "buyer": {"email": "ignored@example.com"},
        "fulfillment": shipping_to(option="std-ship"),
    }
    first = agent.post("/checkout-sessions", request)
    assert first.status_code == 201, first.content
    body = first.json()
    assert_checkout(body)
    assert [(li["item"]["id"], li["quantity"]) for li in body["line_items"]] == [("pot_ceramic", 2)]
    assert body["buyer"]["email"] == "cart@example.com"
    again = agent.post("/checkout-sessions", request)
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert CheckoutSession.objects.count() == 1

    done = agent.post(f"/checkout-sessions/{body['id']}/complete", paid())
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    session = CheckoutSession.objects.get()
    assert session.order.status == OrderStatus.PLACED
    assert CartCheckout.objects.get().order_id == session.order_id
    assert CartLine.objects.count() == 0  # what the order bought left the cart
    gone = cart_call(agent, "get", f"/carts/{cart_id}")
    assert gone.json()["messages"][0]["code"] == "not_found"


def test_an_unknown_cart_id_makes_no_checkout(agent, flowers):
    response = agent.post("/checkout-sessions", {"cart_id": "cart_nothing"})
    assert response.status_code == 200
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "not_found"
    assert (CheckoutSession.objects.count(), Order.objects.count()) == (0, 0)


def test_another_platform_or_store_reaches_nothing_of_a_cart(agent, flowers):
    cart_id = valid_cart(
        cart_call(agent, "post", "/carts", {"line_items": lines(("pot_ceramic", 1))}), 201
    )["id"]
    other = start_platform()
    try:
        stranger = UcpClient(other, "flowers")
        StoreFactory(slug="weeds")
        elsewhere = UcpClient(agent.platform, "weeds")
        for client, method, path in (
            (stranger, "get", f"/carts/{cart_id}"),
            (stranger, "put", f"/carts/{cart_id}"),
            (stranger, "post", f"/carts/{cart_id}/cancel"),
            (elsewhere, "get", f"/carts/{cart_id}"),
        ):
            response = cart_call(client, method, path, {"line_items": lines(("orchid_white", 1))})
            assert response.status_code == 200
            assert_error(response.json())
            assert response.json()["messages"][0]["code"] == "not_found"
        converted = stranger.post("/checkout-sessions", {"cart_id": cart_id})
        assert converted.json()["messages"][0]["code"] == "not_found"
    finally:
        other.server.shutdown()
        other.server.server_close()
    assert [(line.product.sku, line.quantity) for line in CartLine.objects.all()] == [
        ("pot_ceramic", 1)
    ]
    assert (AgentCart.objects.get().canceled_at, CheckoutSession.objects.count()) == (None, 0)
