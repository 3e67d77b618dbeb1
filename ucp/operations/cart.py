"""The cart capability (cart.md; REST ``POST /carts``, ``GET``/``PUT /carts/{id}``,
``POST /carts/{id}/cancel``; MCP ``create_cart``, ``get_cart``, ``update_cart``,
``cancel_cart``) on this portal's carts, and the conversion of a cart to a checkout session
(``cart_id`` on create checkout).

With a linked shopper's token the cart is the shopper's own, shared with the web shop and
the voice skill (``ucp.services.carts``); without one, a guest cart of the platform's. Items
that cannot be sold are left out with a message; a quantity above the stock is cut to it
with a warning; a create whose every item is unavailable makes no cart (HTTP 200, the error
``out_of_stock`` or ``not_found``). An unknown, expired, canceled or converted-and-completed
cart, or another shopper's, is HTTP 200 with the error ``not_found`` (cart-rest.md).
"""

from typing import Any

from django.utils import timezone

from merchant.models import Store
from shoppers.models import CartLine, ShopperAccount
from shoppers.selectors import cart_lines

from ..cart_presenters import cart_json
from ..models import AgentCart
from ..negotiation import Platform
from ..parsing import LineItemInput, buyer, checkout_input, line_items, obj, text
from ..presenters import checkout_json
from ..protocol import CART, CHECKOUT, UcpError, bad_request, error_body
from ..selectors import agent_cart_for
from ..services.carts import (
    agent_cart_cancel,
    agent_cart_create,
    agent_cart_link_checkout,
    agent_cart_update,
)
from ..services.checkout import NothingAvailable, checkout_create, resolve_lines
from ..wallet import offered_instruments, owns_order, with_shopper_defaults
from .common import Reply, answer, base_of, require

CONTEXT_FIELDS = (
    "address_country",
    "address_region",
    "postal_code",
    "intent",
    "language",
    "currency",
)


def _not_found() -> UcpError:
    """The in-band ``not_found`` of cart-rest.md (HTTP 200, with the shop to continue in)."""
    return UcpError(200, "not_found", "Cart not found or has expired.", "unrecoverable")


def _context(value: Any) -> dict[str, str]:
    raw = obj(value, "$.context")
    kept = {}
    for name in CONTEXT_FIELDS:
        v = text(raw.get(name), f"$.context.{name}", limit=500 if name == "intent" else 60)
        if v:
            kept[name] = v
    return kept


def _items(
    store: Store, payload: dict[str, Any], *, create: bool
) -> tuple[list[tuple[Any, int]], list[dict[str, Any]], list[str]]:
    """The request's line items resolved to (product, quantity), the messages about the
    ones left out or cut, and the failure codes."""
    wanted: list[LineItemInput] = []
    if create or payload.get("line_items") != []:
        wanted = line_items(payload.get("line_items"))
    result, _ = resolve_lines(store=store, wanted=wanted, previous_ids=set(), next_number=1)
    items = [(item.product, item.quantity) for item in result.items]
    return items, result.messages, result.failure_codes


def _reply(
    status: int,
    session: AgentCart,
    lines: list[CartLine],
    platform: Platform,
    base_url: str,
    messages: list[dict[str, Any]] | None = None,
) -> tuple[int, dict[str, Any]]:
    body = cart_json(
        session,
        lines,
        capabilities=platform.capabilities,
        base_url=base_of(base_url),
        messages=messages,
    )
    return status, body


def _answered(run: Any, store: Store, base_url: str) -> Reply:
    """The reply of ``run``; an in-band error (HTTP 200) names the shop to continue in."""
    status, body = answer(run, writes=True)
    if status == 200 and body.get("ucp", {}).get("status") == "error":
        body["continue_url"] = f"{base_of(base_url)}/shop/{store.slug}/"
    return status, body


def cart_create(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    payload: dict[str, Any],
    base_url: str = "",
) -> Reply:
    """``POST /carts``: 201 and the cart."""

    def run() -> Reply:
        require(platform, CART)
        items, messages, failures = _items(store, payload, create=True)
        who = buyer(payload.get("buyer"))
        context = _context(payload.get("context"))
        if not items:
            code = "out_of_stock" if "out_of_stock" in failures else "not_found"
            words = {
                "out_of_stock": "All requested items are out of stock.",
                "not_found": "No requested item was found in this store.",
            }[code]
            raise UcpError(200, code, words, severity="unrecoverable")
        session, lines = agent_cart_create(
            store=store, platform=platform, shopper=shopper, items=items, buyer=who, context=context
        )
        return _reply(201, session, lines, platform, base_url, messages)

    return _answered(run, store, base_url)


def _find(store: Store, platform: Platform, shopper: ShopperAccount | None, cart_id: str) -> Any:
    require(platform, CART)
    found = agent_cart_for(store=store, public_id=cart_id[:60], platform=platform, shopper=shopper)
    if found is None:
        raise _not_found()
    return found


def cart_get(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    cart_id: str,
    payload: dict[str, Any] | None = None,
    base_url: str = "",
) -> Reply:
    """``GET /carts/{id}``: the cart as it is now (also after web or voice changed it)."""

    def run() -> Reply:
        session = _find(store, platform, shopper, cart_id)
        return _reply(200, session, cart_lines(session.cart.customer), platform, base_url)

    return _answered(run, store, base_url)


def cart_update(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    cart_id: str,
    payload: dict[str, Any],
    base_url: str = "",
) -> Reply:
    """``PUT /carts/{id}``: the request replaces the cart (its lines, buyer and context);
    an empty ``line_items`` empties it."""

    def run() -> Reply:
        session = _find(store, platform, shopper, cart_id)
        given = payload.get("id")
        if given is not None and given != cart_id:
            raise bad_request("$.id is not the id of this cart.", path="$.id")
        items, messages, _ = _items(store, payload, create=False)
        session, lines = agent_cart_update(
            session=session,
            items=items,
            buyer=buyer(payload.get("buyer")),
            context=_context(payload.get("context")),
        )
        return _reply(200, session, lines, platform, base_url, messages)

    return _answered(run, store, base_url)


def cart_cancel(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    cart_id: str,
    payload: dict[str, Any] | None = None,
    base_url: str = "",
) -> Reply:
    """``POST /carts/{id}/cancel``: the cart as it was; afterwards its id is not found."""

    def run() -> Reply:
        session = _find(store, platform, shopper, cart_id)
        before = _reply(200, session, cart_lines(session.cart.customer), platform, base_url)
        agent_cart_cancel(session=session)
        return before

    return _answered(run, store, base_url)


def cart_checkout(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    payload: dict[str, Any],
    base_url: str = "",
) -> Reply:
    """Create checkout with ``cart_id`` (cart.md, Cart-to-Checkout Conversion): the cart's
    lines, buyer and context make the session (the payload's own line items and buyer are
    ignored; its fulfillment, discounts and payment are used); a cart whose checkout is still
    open gets that checkout back (200). 201 and the new checkout otherwise."""
    root = base_of(base_url)

    def run() -> Reply:
        require(platform, CHECKOUT)
        cart_id = text(payload.get("cart_id"), "$.cart_id", limit=60, required=True)
        session = _find(store, platform, shopper, cart_id)
        existing = session.checkout
        if existing is not None and existing.is_open() and existing.expires_at > timezone.now():
            return 200, _checkout(existing, platform, shopper, root)
        lines = cart_lines(session.cart.customer)
        if not lines:
            raise bad_request("The cart is empty: nothing to check out.", path="$.cart_id")
        body = {k: v for k, v in payload.items() if k != "cart_id"}
        body["line_items"] = [
            {"item": {"id": line.product.sku}, "quantity": line.quantity} for line in lines
        ]
        if session.buyer:
            body["buyer"] = session.buyer
        owner = shopper if owns_order(shopper, session.cart.customer_id) else None
        data = checkout_input(with_shopper_defaults(body, owner))
        try:
            checkout = checkout_create(
                store=store,
                platform=platform,
                data=data,
                base_url=root,
                customer=session.cart.customer,
            )
        except NothingAvailable as exc:
            return 200, error_body(exc, continue_url=f"{root}/shop/{store.slug}/")
        agent_cart_link_checkout(session=session, checkout=checkout)
        return 201, _checkout(checkout, platform, owner, root)

    return _answered(run, store, base_url)


def _checkout(
    checkout: Any, platform: Platform, shopper: ShopperAccount | None, root: str
) -> dict[str, Any]:
    return checkout_json(
        checkout,
        capabilities=platform.capabilities,
        base_url=root,
        offered=offered_instruments(shopper, checkout.order.customer_id),
    )
