"""Which stores a staff member may work on, and for what; who works for a store."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import Area, Role, StaffAuditEvent, StaffMembership, Store

_ROLES_FOR_AREA: dict[str, list[Role]] = {
    Area.CATALOG: [Role.OWNER, Role.CATALOG_EDITOR],
    Area.ORDERS: [Role.OWNER, Role.SUPPORT_AGENT],
    Area.SETTINGS: [Role.OWNER],
}


def stores_for_user(*, user: User | AnonymousUser, area: str) -> QuerySet[Store]:
    """The stores in which ``user`` may work on ``area`` (superusers: every store). A request
    made with a store's API key (``apikeys.auth.ApiKeyClient``) reaches that store only; what
    it may do there is its scopes' business (``apikeys.auth.StaffOrScopedKey``)."""
    key_store_id = getattr(user, "api_key_store_id", None)
    if key_store_id is not None:
        return Store.objects.filter(pk=key_store_id)
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


def areas_of_user(*, user: User | AnonymousUser, memberships: list[StaffMembership]) -> set[str]:
    """The areas in which ``user`` works in some store, from their memberships: the rules of
    ``stores_for_user`` without a query (the page header asks on every page)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Area.values)
    roles = {m.role for m in memberships}
    areas: set[str] = {area for area, allowed in _ROLES_FOR_AREA.items() if roles & set(allowed)}
    if Role.OWNER in roles or any(
        m.role == Role.SUPPORT_AGENT and m.can_refund for m in memberships
    ):
        areas.add(Area.REFUNDS)
    return areas


def user_can(*, user: User | AnonymousUser, store: Store, area: str) -> bool:
    return stores_for_user(user=user, area=area).filter(pk=store.pk).exists()


def user_has_area(*, user: User | AnonymousUser, area: str) -> bool:
    return stores_for_user(user=user, area=area).exists()


def memberships_of_user(*, user: User | AnonymousUser) -> list[StaffMembership]:
    """The user's roles, one per store, by store name (for "who am I" in page headers)."""
    if not user.is_authenticated or user.pk is None:
        return []
    return list(
        StaffMembership.objects.filter(user=user).select_related("store").order_by("store__name")
    )


def store_in_memberships(
    *, memberships: list[StaffMembership], slug: str, area: str
) -> tuple[Store | None, bool]:
    """From ``memberships`` (``memberships_of_user``, which the page header reads anyway): the
    store ``slug`` when they let the user work on ``area`` there, and whether the user works
    for that store at all. ``stores_for_user`` and ``works_for`` without a query, for a user
    who is neither a superuser nor an API key (ask ``stores_for_user`` for those)."""
    for membership in memberships:
        if membership.store.slug == slug:
            if area == Area.REFUNDS:
                allowed = membership.role == Role.OWNER or (
                    membership.role == Role.SUPPORT_AGENT and membership.can_refund
                )
            else:
                allowed = membership.role in _ROLES_FOR_AREA[area]
            return (membership.store if allowed else None), True
    return None, False


def store_managed_by(*, user: User | AnonymousUser, store_id: int) -> Store | None:
    """The store ``store_id`` when ``user`` may manage its staff (owners, superusers)."""
    return stores_for_user(user=user, area=Area.SETTINGS).filter(pk=store_id).first()


def works_for(*, user: User, store_id: int) -> bool:
    return StaffMembership.objects.filter(user=user, store_id=store_id).exists()


def staff_of_store(*, store: Store) -> list[StaffMembership]:
    """The store's staff, owners first, then by login name."""
    rank: dict[str, int] = {Role.OWNER: 0, Role.SUPPORT_AGENT: 1, Role.CATALOG_EDITOR: 2}
    memberships = StaffMembership.objects.filter(store=store).select_related("user")
    return sorted(memberships, key=lambda m: (rank.get(m.role, 9), m.user.get_username()))


def staff_membership(*, store: Store, membership_id: int) -> StaffMembership | None:
    return (
        StaffMembership.objects.filter(store=store, pk=membership_id).select_related("user").first()
    )


def staff_audit_events(*, store: Store, limit: int = 100) -> list[StaffAuditEvent]:
    """The store's latest staff changes, newest first."""
    return list(StaffAuditEvent.objects.filter(store=store).select_related("actor")[:limit])
