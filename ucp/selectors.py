"""Reads of the UCP server, always scoped by store and by the platform that made the
session: a platform reaches only the checkouts and orders it created, in this store."""

from django.utils import timezone

from merchant.models import Store
from shoppers.models import ShopperAccount

from .models import AgentCart, CheckoutSession, SessionStatus
from .negotiation import Platform


def session_for_platform(
    *, store: Store, public_id: str, platform: Platform
) -> CheckoutSession | None:
    return (
        CheckoutSession.objects.select_related("store", "order")
        .filter(store=store, public_id=public_id, platform_profile_url=platform.profile_url)
        .first()
    )


def session_for_order(
    *, store: Store, order_public_id: str, platform: Platform
) -> CheckoutSession | None:
    return (
        CheckoutSession.objects.select_related("store", "order")
        .filter(
            store=store,
            order_public_id=order_public_id,
            platform_profile_url=platform.profile_url,
            status="completed",
        )
        .first()
    )


def agent_cart_for(
    *, store: Store, public_id: str, platform: Platform, shopper: ShopperAccount | None
) -> AgentCart | None:
    """The platform's live cart session ``public_id`` in this store: not canceled, not
    expired, not cleared by its completed checkout; a shopper's cart only for that shopper's
    own token."""
    session = (
        AgentCart.objects.select_related("store", "cart__customer", "checkout")
        .filter(
            store=store,
            public_id=public_id,
            platform_profile_url=platform.profile_url,
            canceled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if session is None:
        return None
    if session.checkout is not None and session.checkout.status == SessionStatus.COMPLETED:
        return None
    if session.shopper_owned and (
        shopper is None or shopper.customer_id != session.cart.customer_id
    ):
        return None
    return session
