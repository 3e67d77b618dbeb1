"""Writes to a store's API keys: make one (the key itself is returned once, never stored),
revoke one, note its last use. Every change is audited in its own transaction."""

from datetime import timedelta
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from merchant.models import Store

from .models import ApiKeyAction, ApiKeyEvent, Scope, StoreApiKey

# A key's last use is written at most this often (every request would be a write).
LAST_USE_PRECISION = timedelta(minutes=1)


def _clean_scopes(scopes) -> list[str]:
    known = set(Scope.values)
    asked = [str(scope).strip() for scope in scopes if str(scope).strip()]
    unknown = [scope for scope in asked if scope not in known]
    if unknown:
        raise ValidationError(
            {
                "scopes": f"Unknown scope {', '.join(unknown)}: choose from "
                f"{', '.join(Scope.values)}."
            }
        )
    if not asked:
        raise ValidationError({"scopes": "Choose at least one scope: what may the key do?"})
    return [scope for scope in Scope.values if scope in asked]


@transaction.atomic
def api_key_create(
    *, store: Store, name: str, scopes, actor: User | None, actor_label: str = ""
) -> tuple[StoreApiKey, str]:
    """A new key of ``store`` and the key itself (shown once; only its hash is kept)."""
    name = " ".join((name or "").split())
    longest = StoreApiKey._meta.get_field("name").max_length or 50
    if not name:
        raise ValidationError({"name": "Name the key, e.g. after the tool that will use it."})
    if len(name) > longest:
        raise ValidationError({"name": f"A key's name has at most {longest} characters."})
    clean = _clean_scopes(scopes)
    made, plain = StoreApiKey.objects.create_key(
        store=store, name=name, scopes=clean, created_by=actor
    )
    key = cast(StoreApiKey, made)
    ApiKeyEvent.objects.create(
        store=store,
        key=key,
        action=ApiKeyAction.CREATED,
        actor=actor,
        actor_label=actor_label,
        data={"name": name, "prefix": key.prefix, "scopes": clean},
    )
    return key, plain


class ApiKeyError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def api_key_revoke(*, store: Store, prefix: str, actor: User) -> StoreApiKey:
    """Revoke the store's key ``prefix`` for good; another store's key is not found."""
    key = StoreApiKey.objects.select_for_update().filter(store=store, prefix=prefix).first()
    if key is None:
        raise ApiKeyError("No key of this store has that id.")
    if key.revoked:
        raise ApiKeyError(f"The key “{key.name}” was revoked already.")
    key.revoked = True
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked", "revoked_at"])
    ApiKeyEvent.objects.create(
        store=store,
        key=key,
        action=ApiKeyAction.REVOKED,
        actor=actor,
        data={"name": key.name, "prefix": key.prefix, "scopes": key.scopes},
    )
    return key


def api_key_used(*, key: StoreApiKey) -> None:
    """Note that ``key`` was just used (to the minute)."""
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USE_PRECISION:
        return
    StoreApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USE_PRECISION)
    ).update(last_used_at=now)
    key.last_used_at = now
