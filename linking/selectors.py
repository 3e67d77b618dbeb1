"""Reads of account linking: the store's Alexa client, the shopper an access token names, and
whether an account is linked. Every lookup is scoped by the store."""

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from merchant.models import Store

from .models import StoreAlexaClient

if TYPE_CHECKING:  # the account is reached as ``user.shopper_account``
    from shoppers.models import ShopperAccount


@dataclass(frozen=True)
class LinkedAccess:
    account: "ShopperAccount"
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def alexa_client_of_store(store: Store) -> StoreAlexaClient | None:
    return StoreAlexaClient.objects.select_related("application").filter(store=store).first()


def alexa_client_by_client_id(client_id: str) -> StoreAlexaClient | None:
    """The store client with this OAuth client id (with its store and application)."""
    if not client_id:
        return None
    return (
        StoreAlexaClient.objects.select_related("store", "application")
        .filter(application__client_id=client_id)
        .first()
    )


def shopper_of_store(
    user: AbstractBaseUser | AnonymousUser, store: Store
) -> "ShopperAccount | None":
    """The user's shopper account when it belongs to ``store`` (a staff login has none)."""
    if not user.is_authenticated or not user.is_active:
        return None
    account: ShopperAccount | None = getattr(user, "shopper_account", None)
    if account is None or account.store_id != store.pk:
        return None
    return account


def linked_access(*, store: Store, access_token: str, scope: str = "") -> LinkedAccess | None:
    """The shopper account and scopes an Alexa request's access token carries; None when the
    token is unknown (or revoked: revoking deletes it), expired, another store's, or lacks
    ``scope`` (when given). One query."""
    if not access_token:
        return None
    checksum = hashlib.sha256(access_token.encode()).hexdigest()
    token = (
        AccessToken.objects.select_related("user__shopper_account")
        .filter(
            token_checksum=checksum,
            application__store_alexa_client__store=store,
            expires__gt=timezone.now(),
        )
        .first()
    )
    if token is None or token.user is None:
        return None
    account = shopper_of_store(token.user, store)
    if account is None:
        return None
    scopes = frozenset(token.scope.split())
    if scope and scope not in scopes:
        return None
    return LinkedAccess(account=account, scopes=scopes)


def account_is_linked(account: "ShopperAccount") -> bool:
    """Whether Alexa holds a live token for the account: an unexpired access token or a
    refresh token not revoked, issued to its store's client."""
    mine = Q(user_id=account.user_id, application__store_alexa_client__store_id=account.store_id)
    return bool(
        RefreshToken.objects.filter(mine, revoked__isnull=True).exists()
        or AccessToken.objects.filter(mine, expires__gt=timezone.now()).exists()
    )
