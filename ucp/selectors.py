"""Reads of the UCP server, always scoped by store and by the platform that made the
session: a platform reaches only the checkouts and orders it created, in this store."""

from merchant.models import Store
from orders.models import Order, OrderChannel, OrderStatus

from .models import AgentError, CheckoutSession
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


# The owner's Agents page -----------------------------------------------------------------------

RECENT = 20


def agent_orders(*, store: Store, limit: int = RECENT) -> list[Order]:
    """The store's latest orders placed by shopping agents (channel "agent")."""
    return list(
        Order.objects.filter(store=store, channel=OrderChannel.AGENT)
        .exclude(status=OrderStatus.DRAFT)
        .only("number", "agent_name", "status", "total", "currency", "placed_at", "store_id")
        .order_by("-placed_at", "-pk")[:limit]
    )


def agent_errors(*, store: Store, limit: int = RECENT) -> list[AgentError]:
    return list(AgentError.objects.filter(store=store).order_by("-created_at", "-pk")[:limit])
