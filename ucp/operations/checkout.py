"""The checkout and order operations (checkout.md, order.md), the same for REST
(``ucp.views``) and MCP (``ucp.mcp``): each takes the store, the negotiated platform, the
linked shopper (or None), the decoded payload and the base of the URLs in responses, and
answers ``(status, body)``. A refusal is a ``UcpError``, which the transport answers (and,
under an idempotency key, remembers) as the spec's error for that transport.
"""

from collections.abc import Callable
from typing import Any

from merchant.models import Store
from shoppers.models import ShopperAccount

from ..models import CheckoutSession
from ..negotiation import Platform
from ..parsing import checkout_input
from ..presenters import checkout_json, order_json
from ..protocol import CART, CHECKOUT, ORDER, error_body, not_found
from ..selectors import session_for_order, session_for_platform
from ..services.checkout import NothingAvailable, checkout_create, checkout_update
from ..services.completion import checkout_cancel, checkout_complete
from ..services.order_updates import order_record_platform_reports
from ..wallet import offered_instruments, owns_order, with_shopper_defaults
from .cart import cart_checkout
from .common import Reply, require

# The request's payload, or how to read it: REST reads the body only where the operation
# used to (a malformed body of an unknown session stays a 404, as before).
Payload = dict[str, Any] | Callable[[], dict[str, Any]]


def _read(payload: Payload) -> dict[str, Any]:
    return payload() if callable(payload) else payload


def _checkout(
    session: CheckoutSession,
    platform: Platform,
    shopper: ShopperAccount | None,
    base_url: str,
) -> dict[str, Any]:
    return checkout_json(
        session,
        capabilities=platform.capabilities,
        base_url=base_url,
        offered=offered_instruments(shopper, session.order.customer_id),
    )


def _session(store: Store, platform: Platform, checkout_id: str) -> CheckoutSession:
    session = session_for_platform(store=store, public_id=checkout_id, platform=platform)
    if session is None:
        raise not_found("Checkout session")
    return session


def create_checkout(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    payload: Payload,
    base_url: str,
) -> Reply:
    require(platform, CHECKOUT)
    body = _read(payload)
    if CART in platform.capabilities and body.get("cart_id") is not None:
        return cart_checkout(
            store=store, platform=platform, shopper=shopper, payload=body, base_url=base_url
        )
    data = checkout_input(with_shopper_defaults(body, shopper))
    try:
        session = checkout_create(
            store=store,
            platform=platform,
            data=data,
            base_url=base_url,
            customer=shopper.customer if shopper else None,
        )
    except NothingAvailable as exc:
        return 200, error_body(exc, continue_url=f"{base_url}/shop/{store.slug}/")
    return 201, _checkout(session, platform, shopper, base_url)


def get_checkout(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    checkout_id: str,
    base_url: str,
) -> Reply:
    require(platform, CHECKOUT)
    session = _session(store, platform, checkout_id)
    return 200, _checkout(session, platform, shopper, base_url)


def update_checkout(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    checkout_id: str,
    payload: Payload,
    base_url: str,
) -> Reply:
    require(platform, CHECKOUT)
    session = _session(store, platform, checkout_id)
    if not owns_order(shopper, session.order.customer_id):
        shopper = None  # another shopper's defaults never go into this session
    data = checkout_input(with_shopper_defaults(_read(payload), shopper))
    session = checkout_update(session=session, data=data)
    return 200, _checkout(session, platform, shopper, base_url)


def complete_checkout(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    checkout_id: str,
    payload: Payload,
    base_url: str,
) -> Reply:
    require(platform, CHECKOUT)
    session = _session(store, platform, checkout_id)
    session = checkout_complete(
        session=session, body=_read(payload), platform=platform, shopper=shopper
    )
    return 200, _checkout(session, platform, shopper, base_url)


def cancel_checkout(*, store: Store, platform: Platform, checkout_id: str, base_url: str) -> Reply:
    require(platform, CHECKOUT)
    session = checkout_cancel(session=_session(store, platform, checkout_id))
    return 200, checkout_json(session, capabilities=platform.capabilities, base_url=base_url)


def _order_session(
    store: Store, platform: Platform, order_id: str, shopper: ShopperAccount | None = None
) -> CheckoutSession:
    require(platform, ORDER)
    session = session_for_order(store=store, order_public_id=order_id, platform=platform)
    if session is None or (
        shopper is not None and not owns_order(shopper, session.order.customer_id)
    ):
        raise not_found("Order")
    return session


def get_order(
    *,
    store: Store,
    platform: Platform,
    order_id: str,
    shopper: ShopperAccount | None = None,
) -> Reply:
    """The order as the platform sees it; with ``shopper`` (MCP, where orders are read for
    a linked shopper), only that shopper's."""
    session = _order_session(store, platform, order_id, shopper)
    return 200, order_json(session, capabilities=platform.capabilities)


def record_order_reports(
    *, store: Store, platform: Platform, order_id: str, payload: Payload
) -> Reply:
    """``PUT /orders/{id}``: the platform's own reports, kept apart from the order."""
    session = _order_session(store, platform, order_id)
    shown = order_json(session, capabilities=platform.capabilities)
    session = order_record_platform_reports(session=session, body=_read(payload), shown=shown)
    return 200, order_json(session, capabilities=platform.capabilities)
