"""Which stores a staff member may work on, and for what."""

from django.db.models import QuerySet

from .models import Area, Role, StaffMembership, Store

_ROLES_FOR_AREA = {
    Area.CATALOG: [Role.OWNER, Role.CATALOG_EDITOR],
    Area.ORDERS: [Role.OWNER, Role.SUPPORT_AGENT],
    Area.SETTINGS: [Role.OWNER],
}


def stores_for_user(*, user, area: str) -> QuerySet[Store]:
    """The stores in which ``user`` may work on ``area`` (superusers: every store)."""
    if not user.is_authenticated or not user.is_active:
        return Store.objects.none()
    if user.is_superuser:
        return Store.objects.all()
    memberships = StaffMembership.objects.filter(user=user)
    if area == Area.REFUNDS:
        memberships = memberships.filter(role=Role.OWNER) | memberships.filter(
            role=Role.SUPPORT_AGENT, can_refund=True
        )
    else:
        memberships = memberships.filter(role__in=_ROLES_FOR_AREA[area])
    return Store.objects.filter(pk__in=memberships.values("store_id"))


def user_can(*, user, store: Store, area: str) -> bool:
    return stores_for_user(user=user, area=area).filter(pk=store.pk).exists()


def user_has_area(*, user, area: str) -> bool:
    return stores_for_user(user=user, area=area).exists()
