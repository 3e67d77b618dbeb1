"""Reads of account linking: the store's Alexa client and platform clients, the shopper (or
the platform) an access token names, and whether an account is linked. Every lookup is
scoped by the store."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from merchant.models import Store

from .models import StoreAlexaClient, StorePlatformClient

if TYPE_CHECKING:  # the account is reached as ``user.shopper_account``
    from django.db.models import QuerySet

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


def platform_clients_of_store(store: Store) -> list[StorePlatformClient]:
    """The store's platform clients, revoked ones included, by name."""
    return list(
        StorePlatformClient.objects.select_related("application")
        .filter(store=store)
        .order_by("name", "pk")
    )


def platform_client_of_store(store: Store, name: str) -> StorePlatformClient | None:
    return (
        StorePlatformClient.objects.select_related("application")
        .filter(store=store, name=name)
        .first()
    )


def store_client_by_client_id(client_id: str) -> StoreAlexaClient | StorePlatformClient | None:
    """The store's Alexa client or live platform client with this OAuth client id (with its
    store and application); a revoked platform client is no one's."""
    if not client_id:
        return None
    alexa = alexa_client_by_client_id(client_id)
    if alexa is not None:
        return alexa
    return (
        StorePlatformClient.objects.select_related("store", "application")
        .filter(application__client_id=client_id, revoked_at__isnull=True)
        .first()
    )


def client_store_id(application_id: int) -> int | None:
    """The store whose Alexa client, or live platform client, the application is."""
    alexa = (
        StoreAlexaClient.objects.filter(application_id=application_id)
        .values_list("store_id", flat=True)
        .first()
    )
    if alexa is not None:
        return int(alexa)
    platform = (
        StorePlatformClient.objects.filter(application_id=application_id, revoked_at__isnull=True)
        .values_list("store_id", flat=True)
        .first()
    )
    return None if platform is None else int(platform)


def live_platform_client(application_id: int) -> StorePlatformClient | None:
    return StorePlatformClient.objects.filter(
        application_id=application_id, revoked_at__isnull=True
    ).first()


def _store_clients(store: Store) -> Q:
    """Tokens issued to the store's Alexa client or to one of its live platform clients."""
    return Q(application__store_alexa_client__store=store) | Q(
        application__store_platform_client__store=store,
        application__store_platform_client__revoked_at__isnull=True,
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


@dataclass(frozen=True)
class AgentAccess:
    """What a token sent by a shopping platform carries: the shopper it was issued for (None
    for the platform's own client-credentials token), its scopes, and the platform client
    (None: the store's Alexa client)."""

    account: "ShopperAccount | None"
    scopes: frozenset[str]
    platform_client_id: int | None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def agent_access(*, store: Store, access_token: str) -> AgentAccess | None:
    """The access a live token of the store's Alexa client or of one of its live platform
    clients gives; None when the token is unknown (or revoked), expired, another store's, or
    names a user who is not a shopper of this store. One query."""
    if not access_token:
        return None
    checksum = hashlib.sha256(access_token.encode()).hexdigest()
    token = (
        AccessToken.objects.select_related(
            "user__shopper_account", "application__store_platform_client"
        )
        .filter(_store_clients(store), token_checksum=checksum, expires__gt=timezone.now())
        .first()
    )
    if token is None:
        return None
    platform = getattr(token.application, "store_platform_client", None)
    platform_id = platform.pk if platform is not None else None
    scopes = frozenset(token.scope.split())
    if token.user is None:  # client credentials: the platform itself, never the Alexa client
        if platform_id is None:
            return None
        return AgentAccess(account=None, scopes=scopes, platform_client_id=platform_id)
    account = shopper_of_store(token.user, store)
    if account is None:
        return None
    return AgentAccess(account=account, scopes=scopes, platform_client_id=platform_id)


def account_is_linked(account: "ShopperAccount") -> bool:
    """Whether Alexa holds a live token for the account: an unexpired access token or a
    refresh token not revoked, issued to its store's client."""
    mine = Q(user_id=account.user_id, application__store_alexa_client__store_id=account.store_id)
    return bool(
        RefreshToken.objects.filter(mine, revoked__isnull=True).exists()
        or AccessToken.objects.filter(mine, expires__gt=timezone.now()).exists()
    )


@dataclass(frozen=True)
class LinkedPlatform:
    """A shopping platform the shopper linked their account to (UCP identity linking)."""

    client_id: int  # the StorePlatformClient
    name: str
    linked_since: datetime


def platforms_linked_to_account(account: "ShopperAccount") -> list[LinkedPlatform]:
    """The store's live platform clients that hold a live token for the account (an
    unexpired access token or a refresh token not revoked, as ``account_is_linked`` says of
    Alexa), by name, each with the oldest of those tokens. One query."""
    now = timezone.now()
    access = AccessToken.objects.filter(
        user_id=account.user_id, application_id=OuterRef("application_id"), expires__gt=now
    )
    refresh = RefreshToken.objects.filter(
        user_id=account.user_id, application_id=OuterRef("application_id"), revoked__isnull=True
    )

    def oldest(tokens: "QuerySet[AccessToken] | QuerySet[RefreshToken]") -> Subquery:
        first = tokens.values("application_id").annotate(first=Min("created")).values("first")
        return Subquery(first[:1])

    clients = (
        StorePlatformClient.objects.filter(store_id=account.store_id, revoked_at__isnull=True)
        .filter(Exists(access) | Exists(refresh))
        .annotate(access_since=oldest(access), refresh_since=oldest(refresh))
        .annotate(
            # Least of the two, portable: PostgreSQL's LEAST skips a NULL, SQLite's does not.
            since=Least(
                Coalesce("access_since", "refresh_since"), Coalesce("refresh_since", "access_since")
            )
        )
        .order_by("name", "pk")
    )
    return [
        LinkedPlatform(client_id=client.pk, name=client.name, linked_since=client.since)
        for client in clients
    ]


def platform_client_by_id(store: Store, client_id: int) -> StorePlatformClient | None:
    """One of the store's platform clients (revoked ones included); another store's is None."""
    return StorePlatformClient.objects.filter(store=store, pk=client_id).first()
