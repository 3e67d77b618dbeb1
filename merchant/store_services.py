"""Creating a store from the portal: an owner's second brand (``store_create``).

The creator becomes the new store's owner; the creation is audited in the new store's staff
audit (``StaffAuditAction.STORE_CREATED``) and the admin's history, in the same transaction.
The store is checked by its own rules (``Store.clean``: locales, the invocation name in every
locale, the time zone, an Amazon Pay seller id when Amazon Pay takes the payments).
"""

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from .models import PaymentMode, Role, StaffAuditAction, StaffAuditEvent, StaffMembership, Store

# The country of establishment a new store starts with, from its default locale (Amazon Pay
# needs it; the store's settings change it).
COUNTRY_OF_LOCALE = {"en-US": "US", "en-GB": "UK", "de-DE": "DE"}


def may_create_store(user: User | AnonymousUser) -> bool:
    """Owners of a store (and superusers) may create another one."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(
        user.is_superuser
        or StaffMembership.objects.filter(user_id=user.pk, role=Role.OWNER).exists()
    )


def _free_slug(name: str) -> str:
    base = (slugify(name) or "store")[:40]
    slug, number = base, 1
    while Store.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def store_create(
    *,
    actor: User,
    name: str,
    invocation_name: str,
    enabled_locales: list[str],
    default_locale: str,
    currency: str,
    time_zone: str,
    payment_mode: str,
    amazon_pay_seller_id: str = "",
    support_email: str,
) -> Store:
    """A new store owned by ``actor``; ``ValidationError`` (per field, in words) when one of
    the store's rules refuses it, ``PermissionDenied`` when ``actor`` owns no store."""
    if not may_create_store(actor):
        raise PermissionDenied("Only a store's owners create another store.")
    store = Store(
        slug=_free_slug(name),
        name=name.strip(),
        invocation_name=invocation_name.strip(),
        enabled_locales=[loc for loc in enabled_locales if loc != default_locale],
        default_locale=default_locale,
        currency=currency,
        time_zone=time_zone,
        payment_mode=payment_mode,
        amazon_pay_seller_id=amazon_pay_seller_id.strip()
        if payment_mode != PaymentMode.PAY_ON_DELIVERY
        else "",
        country_of_establishment=COUNTRY_OF_LOCALE.get(default_locale, "US"),
        support_email=support_email,
        sandbox_mode=True,
    )
    store.enabled_locales = [default_locale, *store.enabled_locales]
    store.full_clean()
    store.save()
    StaffMembership.objects.create(user=actor, store=store, role=Role.OWNER)
    StaffAuditEvent.objects.create(
        store=store,
        actor=actor,
        subject_user=actor,
        action=StaffAuditAction.STORE_CREATED,
        data={"email": actor.email or actor.get_username(), "role": Role.OWNER},
    )
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[store],
        action_flag=ADDITION,
        change_message="Created from the portal's new-store wizard.",
    )
    return store
