"""The owner's switch of the store's UCP root (the Agents page)."""

from django.db import transaction

from merchant.models import Store


@transaction.atomic
def ucp_set_enabled(*, store: Store, enabled: bool) -> Store:
    """On: shopping agents reach the store's UCP root; off: it answers 404 (its profile too)."""
    locked = Store.objects.select_for_update().get(pk=store.pk)
    if locked.ucp_enabled != enabled:
        locked.ucp_enabled = enabled
        locked.save(update_fields=["ucp_enabled", "updated_at"])
    store.ucp_enabled = enabled
    return locked
