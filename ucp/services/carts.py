"""Cart sessions of platforms (cart.md) on this portal's carts.

A linked shopper's cart session is their own cart, the one the web shop and the voice skill
share: create sets the quantities of the items it names and leaves the rest of the cart as it
is; update replaces the whole cart; cancel ends the platform's session and leaves the
shopper's cart alone. Without a linked shopper the platform's cart is the cart of a guest
customer made for it: cancel empties it. A cart converted to a checkout is tied to it
(``shoppers.cart_checkout_link``), so what the placed order bought leaves the cart.
"""

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from merchant.models import Store
from orders import services as orders
from orders.models import CustomerEventSource
from shoppers import services as shoppers
from shoppers.errors import ShopperError
from shoppers.models import CartLine, ShopperAccount
from shoppers.services.cart import lock_cart

from ..models import AgentCart, CheckoutSession
from ..negotiation import Platform
from ..protocol import UcpError

CART_LIFETIME = timedelta(days=30)


def _set_lines(customer: Any, items: list[tuple[Product, int]], *, replace: bool) -> list[CartLine]:
    try:
        return shoppers.cart_set_lines(customer=customer, items=items, replace=replace)
    except ShopperError as exc:  # sold out since the items were checked
        raise UcpError(409, "out_of_stock", str(exc.message)) from exc


@transaction.atomic
def agent_cart_create(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    items: list[tuple[Product, int]],
    buyer: dict[str, Any],
    context: dict[str, Any],
) -> tuple[AgentCart, list[CartLine]]:
    """The platform's cart session with ``items`` in it (see the module's docstring)."""
    expires_at = timezone.now() + CART_LIFETIME
    public_id = "cart_" + secrets.token_urlsafe(18)
    if shopper is not None:
        customer = shopper.customer
        cart = lock_cart(customer)
        lines = _set_lines(customer, items, replace=False)
        session = (
            AgentCart.objects.select_for_update()
            .filter(
                store=store,
                cart=cart,
                shopper_owned=True,
                platform_profile_url=platform.profile_url,
                canceled_at__isnull=True,
                checkout__isnull=True,
            )
            .first()
        )
        if session is not None:
            session.buyer, session.context, session.expires_at = buyer, context, expires_at
            session.save(update_fields=["buyer", "context", "expires_at", "updated_at"])
            return session, lines
    else:
        customer = orders.customer_get_or_create(
            store=store,
            alexa_user_id=f"ucp-cart:{public_id}",
            locale=store.default_locale,
            source=CustomerEventSource.API,
        )
        cart = lock_cart(customer)
        lines = _set_lines(customer, items, replace=True)
    session = AgentCart.objects.create(
        store=store,
        public_id=public_id,
        cart=cart,
        shopper_owned=shopper is not None,
        platform_profile_url=platform.profile_url,
        platform_name=platform.name,
        buyer=buyer,
        context=context,
        expires_at=expires_at,
    )
    return session, lines


def _locked(session: AgentCart) -> AgentCart:
    return (
        AgentCart.objects.select_for_update(of=("self",))
        .select_related("cart__customer")
        .get(pk=session.pk, store_id=session.store_id)
    )


@transaction.atomic
def agent_cart_update(
    *,
    session: AgentCart,
    items: list[tuple[Product, int]],
    buyer: dict[str, Any],
    context: dict[str, Any],
) -> tuple[AgentCart, list[CartLine]]:
    """Replace the cart's contents, buyer and context with the request's."""
    session = _locked(session)
    lines = _set_lines(session.cart.customer, items, replace=True)
    session.buyer, session.context = buyer, context
    session.expires_at = timezone.now() + CART_LIFETIME
    session.save(update_fields=["buyer", "context", "expires_at", "updated_at"])
    return session, lines


@transaction.atomic
def agent_cart_cancel(*, session: AgentCart) -> AgentCart:
    """End the platform's cart session; a guest cart is emptied, a shopper's kept."""
    session = _locked(session)
    if not session.shopper_owned:
        shoppers.cart_empty(customer=session.cart.customer)
    session.canceled_at = timezone.now()
    session.save(update_fields=["canceled_at", "updated_at"])
    return session


@transaction.atomic
def agent_cart_link_checkout(*, session: AgentCart, checkout: CheckoutSession) -> AgentCart:
    """The checkout converted from the cart: the cart's one active checkout, and the cart
    gives up what its order buys once placed."""
    session = _locked(session)
    session.checkout = checkout
    session.save(update_fields=["checkout", "updated_at"])
    shoppers.cart_checkout_link(cart=session.cart, order=checkout.order)
    return session
