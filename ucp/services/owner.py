"""The owner's switch of the store's UCP root (the Agents page)."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from merchant.models import Store


@transaction.atomic
def ucp_set_enabled(*, store: Store, enabled: bool, actor: AbstractBaseUser) -> Store:
    """On: shopping agents reach the store's UCP root; off: it answers 404 (its profile too).
    A change is written to the store's admin history for ``actor`` in the same transaction;
    no change, no entry."""
    locked = Store.objects.select_for_update().get(pk=store.pk)
    if locked.ucp_enabled != enabled:
        locked.ucp_enabled = enabled
        locked.save(update_fields=["ucp_enabled", "updated_at"])
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[locked],
            action_flag=CHANGE,
            change_message=(
                "Switched UCP on (Agents page)." if enabled else "Switched UCP off (Agents page)."
            ),
        )
    store.ucp_enabled = enabled
    return locked
