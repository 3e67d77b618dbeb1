"""Reads of a store's API keys."""

from merchant.models import Store

from .models import ApiKeyEvent, StoreApiKey


def api_keys_of_store(*, store: Store) -> list[StoreApiKey]:
    """The store's keys, working ones first, newest first."""
    keys = StoreApiKey.objects.filter(store=store).select_related("created_by")
    return sorted(keys, key=lambda k: (k.revoked, -k.created.timestamp()))


def api_key_events(*, store: Store, limit: int = 100) -> list[ApiKeyEvent]:
    return list(ApiKeyEvent.objects.filter(store=store).select_related("actor")[:limit])


def usable_key(*, plain: str) -> StoreApiKey | None:
    """The working (not revoked, not expired) key whose secret is ``plain``, else None."""
    prefix, dot, _ = plain.partition(".")
    if not dot or not prefix:
        return None
    key = StoreApiKey.objects.filter(prefix=prefix, revoked=False).select_related("store").first()
    if key is None or key.has_expired or not key.is_valid(plain):
        return None
    return key
