"""API keys on the portal's REST API: ``Authorization: Bearer <key>``.

``ApiKeyAuthentication`` (in ``REST_FRAMEWORK``'s authentication classes) turns a store's
working key into the request's client, an ``ApiKeyClient``: not a login, so no password and no
second factor are involved (an owner's integration uses a key where HTTP Basic is refused to
accounts that need a second factor). The client reaches its key's store only
(``merchant.selectors.stores_for_user`` answers that store for it), and
``StaffOrScopedKey`` lets it do what its scopes say: a view names its ``api_scope``
("orders"), reads need ``<api_scope>:read``, writes ``<api_scope>:write``.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import StoreApiKey
from .selectors import usable_key
from .services import api_key_used


class ApiKeyClient:
    """``request.user`` of a request made with a key: authenticated, no staff member."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, key: StoreApiKey):
        self.key = key
        self.api_key_store_id = key.store_id

    def get_username(self) -> str:
        return self.key.label()

    def __str__(self) -> str:
        return self.key.label()

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def is_verified(self) -> bool:
        return False


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the key as “Authorization: Bearer <key>”, nothing else in the header."
            )
        try:
            plain = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("This API key is unknown or revoked.") from exc
        key = usable_key(plain=plain)
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is unknown or revoked.")
        api_key_used(key=key)
        return ApiKeyClient(key), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def request_key(request) -> StoreApiKey | None:
    """The key the request was made with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, StoreApiKey) else None


def acting(request) -> dict[str, Any]:
    """Who acts, for the services' ``actor``/``actor_label``: the logged-in staff member, or
    the key by its name."""
    key = request_key(request)
    if key is not None:
        return {"actor": None, "actor_label": key.label()}
    return {"actor": request.user}


def needed_scope(request, view) -> str:
    scopes = getattr(view, "api_scopes", {})
    action = getattr(view, "action", None)
    if action in scopes:
        return scopes[action]
    kind = "read" if request.method in SAFE_METHODS else "write"
    return f"{view.api_scope}:{kind}"


class StaffOrScopedKey(BasePermission):
    """A logged-in staff member (their roles decide the rest), or a key with the scope."""

    def has_permission(self, request, view):
        key = request_key(request)
        if key is None:
            return bool(request.user and request.user.is_authenticated)
        scope = needed_scope(request, view)
        if scope in key.scopes:
            return True
        self.message = f"This API key may not do this: it needs the {scope} scope."
        return False


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema names it: a bearer token, a store's API key."""

    target_class = "apikeys.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A store's API key, made on the portal's API keys page.",
        }
