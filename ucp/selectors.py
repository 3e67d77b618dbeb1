"""Reads of the UCP server, always scoped by store and by the platform that made the
session: a platform reaches only the checkouts and orders it created, in this store."""

from merchant.models import Store

from .models import CheckoutSession
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
