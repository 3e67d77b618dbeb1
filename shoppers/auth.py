"""Who may sign in where: shoppers at their store's shop, staff at the portal, never across.

Shopper accounts use Django's own auth (users, sessions, password hashing, the
password-reset token scheme, django-axes throttling) with a backend per store rather than a
second account system: one email must be two independent accounts at two stores, so a
shopper is found by (store, email), never by the portal-wide user name. A shopper's
``auth.User`` is never staff, has no ``StaffMembership`` and a user name no one types
(``shopper-<store id>-<uuid hex>``).

- ``ShopperBackend`` authenticates ``authenticate(request, store=..., email=..., password=...)``
  and restores only users that have a shopper account.
- ``StaffModelBackend`` is Django's ``ModelBackend`` for the portal's logins (the admin, the
  consoles, the API's Basic auth) refusing every user that has a shopper account, at login
  and when a session is restored.
- ``StaffSessionAuthentication`` is DRF's session authentication for the portal's API,
  refusing a shopper's session (the API is the staff's).
- ``axes_username`` is django-axes' user name: a shopper login is counted per (store, email)
  (with the client address, per ``AXES_LOCKOUT_PARAMETERS``), a staff login per user name.
"""

from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from merchant.models import Store

from .models import ShopperAccount

SHOPPER_USERNAME_PREFIX = "shopper-"
# For ``login(request, user, backend=SHOPPER_BACKEND)`` without a password (just signed up).
SHOPPER_BACKEND = "shoppers.auth.ShopperBackend"
# Set on the request by a login form that showed the lockout in its own words.
LOCKOUT_SHOWN = "lockout_shown"


def normalize_email(email: str) -> str:
    """Emails are kept and compared lower-cased: one account per address and store."""
    return (email or "").strip().lower()


def throttle_key(store: Store | int, email: str) -> str:
    """What django-axes counts a shopper's failed logins under."""
    store_id = store if isinstance(store, int) else store.pk
    return f"shopper:{store_id}:{normalize_email(email)}"


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: (store, email) for a shopper's login, else axes' default (the
    ``username`` credential, or the posted field). On a successful login axes passes the
    user's own user name; a shopper's is mapped back to its (store, email), so a success
    clears that pair's failures."""
    credentials = credentials or {}
    store = credentials.get("store")
    if isinstance(store, Store) and credentials.get("email"):
        return throttle_key(store, credentials["email"])
    username = credentials.get("username")
    if username is None and not credentials:
        username = getattr(request, "data", request.POST).get("username")
    if isinstance(username, str) and username.startswith(SHOPPER_USERNAME_PREFIX):
        account = (
            ShopperAccount.objects.filter(user__username=username).only("store_id", "email").first()
        )
        if account is not None:
            return throttle_key(account.store_id, account.email)
    return username


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a login page that told the locked-out person in its own words
    (the shop's login form marks the request) keeps its page, answered 429; every other
    lockout gets the portal's lockout page."""
    if original_response is not None and getattr(request, LOCKOUT_SHOWN, False):
        original_response.status_code = 429
        return original_response
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)


class ShopperBackend(BaseBackend):
    """A shopper of one store, by email and password (see the module's docstring).

    ``authenticate(request, store=..., email=..., password=...)``; any other credentials
    (a staff login's user name) are not for this backend."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        store, email, password = (credentials.get(key) for key in ("store", "email", "password"))
        if not isinstance(store, Store) or not email or not isinstance(password, str):
            return None
        account = (
            ShopperAccount.objects.select_related("user")
            .filter(store=store, email=normalize_email(email))
            .first()
        )
        if account is None:
            # As long as a wrong password takes (timing does not tell who has an account).
            User().set_password(password)
            return None
        user = account.user
        if user.check_password(password) and user.is_active and not user.is_staff:
            return user
        return None

    def get_user(self, user_id: int) -> User | None:
        user = (
            User._default_manager.select_related("shopper_account")
            .filter(pk=user_id, shopper_account__isnull=False, is_staff=False)
            .first()
        )
        return user if user is not None and user.is_active else None


class StaffModelBackend(ModelBackend):
    """The portal's password login (Django's ModelBackend) for everyone but shoppers."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not is_shopper(user)

    def get_user(self, user_id: int) -> User | None:
        user = User._default_manager.filter(pk=user_id, shopper_account__isnull=True).first()
        return user if user is not None and super().user_can_authenticate(user) else None


class StaffSessionAuthentication(SessionAuthentication):
    """The API's browser-session authentication; a shopper's session is no API session."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and is_shopper(result[0]):
            return None
        return result


class StaffSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the cookie session it is."""

    target_class = "shoppers.auth.StaffSessionAuthentication"


def is_shopper(user: Any) -> bool:
    return bool(getattr(user, "pk", None)) and ShopperAccount.objects.filter(user=user).exists()
