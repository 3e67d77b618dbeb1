"""Writes of account linking: the store's Alexa client (created or its secret rotated, its
settings changed), the shopping platforms' clients (registered or rotated, revoked) and a
shopper's unlink from Alexa or from a platform. Each is one transaction with its audit row."""

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import generate_token

from merchant.models import Store

from .alexa_hosts import alexa_redirect_uris
from .errors import LinkingError, LinkingErrorCode
from .models import (
    AlexaClientAction,
    AlexaClientEvent,
    PlatformClientAction,
    PlatformClientEvent,
    StoreAlexaClient,
    StorePlatformClient,
)

# The vendor id in a sandbox store's redirect URIs when the deployment names none.
SANDBOX_VENDOR_ID = "M0SANDBOXVENDOR"

if TYPE_CHECKING:  # the shoppers app's model, reached through its own foreign keys
    from shoppers.models import ShopperAccount


def clean_redirect_uris(uris: list[str]) -> list[str]:
    """The URIs without blanks and repeats; refuses any that is not an absolute URI on an
    allowed scheme (https; tests add http) or that carries a fragment."""
    schemes = list(oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES)
    cleaned = list(dict.fromkeys(u.strip() for u in uris if u.strip()))
    if not cleaned:
        raise LinkingError(LinkingErrorCode.NO_REDIRECT_URIS)
    for uri in cleaned:
        parts = urlsplit(uri)
        if parts.scheme not in schemes or not parts.hostname or parts.fragment or " " in uri:
            raise LinkingError(
                LinkingErrorCode.BAD_REDIRECT_URI, uri=uri, schemes=" or ".join(schemes)
            )
    return cleaned


def default_redirect_uris() -> list[str]:
    if not settings.ALEXA_VENDOR_ID:
        raise LinkingError(LinkingErrorCode.NO_REDIRECT_URIS)
    return alexa_redirect_uris(settings.ALEXA_VENDOR_ID)


def _actor(actor: AbstractBaseUser | None, actor_label: str) -> dict[str, object]:
    label = actor_label or (actor.get_username() if actor is not None else "")
    return {"actor": actor, "actor_label": label}


@transaction.atomic
def alexa_client_rotate(
    *,
    store: Store,
    redirect_uris: list[str] | None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
) -> tuple[StoreAlexaClient, str]:
    """Create the store's Alexa client, or give the existing one a new secret; returns the
    client and the secret in plain text, the one time it exists (DOT keeps only its hash).

    ``redirect_uris`` None keeps the client's URIs (a new client gets the four Alexa hosts
    with ``ALEXA_VENDOR_ID``). Tokens already issued stay valid; Alexa refreshes them with
    the new secret once the skill's account-linking settings carry it.
    """
    Store.objects.select_for_update().filter(pk=store.pk).first()  # one rotation at a time
    client = StoreAlexaClient.objects.select_related("application").filter(store=store).first()
    if redirect_uris is not None:
        uris = clean_redirect_uris(redirect_uris)
    elif client is not None:
        uris = client.redirect_uris()
    else:
        uris = default_redirect_uris()
    secret = generate_client_secret()
    if client is None:
        application = Application(
            name=f"Alexa: {store.name}"[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(uris),
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=False,
        )
        application.save()
        client = StoreAlexaClient.objects.create(store=store, application=application)
        action = AlexaClientAction.CREATED
    else:
        application = client.application
        application.client_secret = secret
        application.redirect_uris = " ".join(uris)
        application.save(update_fields=["client_secret", "redirect_uris", "updated"])
        client.rotated_at = timezone.now()
        client.save(update_fields=["rotated_at"])
        action = AlexaClientAction.ROTATED
    AlexaClientEvent.objects.create(
        store=store,
        action=action,
        data={"client_id": application.client_id, "redirect_uris": uris},
        **_actor(actor, actor_label),
    )
    return client, secret


@transaction.atomic
def alexa_client_update(
    *,
    client: StoreAlexaClient,
    redirect_uris: list[str],
    pkce_required: bool,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
) -> StoreAlexaClient:
    """Change the client's redirect URIs and PKCE switch (the secret stays)."""
    client = (
        StoreAlexaClient.objects.select_for_update().select_related("application").get(pk=client.pk)
    )
    uris = clean_redirect_uris(redirect_uris)
    before = {"redirect_uris": client.redirect_uris(), "pkce_required": client.pkce_required}
    after = {"redirect_uris": uris, "pkce_required": pkce_required}
    if before == after:
        return client
    client.application.redirect_uris = " ".join(uris)
    client.application.save(update_fields=["redirect_uris", "updated"])
    client.pkce_required = pkce_required
    client.save(update_fields=["pkce_required"])
    AlexaClientEvent.objects.create(
        store=client.store,
        action=AlexaClientAction.CHANGED,
        data={"before": before, "after": after},
        **_actor(actor, actor_label),
    )
    return client


def _account_tokens_revoke(*, account: "ShopperAccount", application_id: int) -> tuple[int, int]:
    """Delete the account's pending codes and access tokens of the application and revoke its
    refresh tokens; returns how many refresh and access tokens were live."""
    mine = {"user_id": account.user_id, "application_id": application_id}
    Grant.objects.filter(**mine).delete()
    refreshed = RefreshToken.objects.filter(**mine, revoked__isnull=True).update(
        revoked=timezone.now()
    )
    # Deleting the access tokens also closes the refresh grace period: a revoked refresh
    # token is honoured again only while the access token it was exchanged for exists.
    _, deleted = AccessToken.objects.filter(**mine).delete()
    return int(refreshed), int(deleted.get(AccessToken._meta.label, 0))


@transaction.atomic
def account_unlink(*, account: "ShopperAccount", actor_label: str = "shopper") -> int:
    """Revoke every token and pending code the account holds for its store's Alexa client;
    returns how many access and refresh tokens were live. Alexa's next request carries a
    token that no longer names anyone, and its refresh is refused."""
    client = StoreAlexaClient.objects.filter(store_id=account.store_id).first()
    if client is None:
        return 0
    refreshed, accessed = _account_tokens_revoke(
        account=account, application_id=client.application_id
    )
    if refreshed or accessed:
        AlexaClientEvent.objects.create(
            store_id=account.store_id,
            action=AlexaClientAction.UNLINKED,
            actor_label=actor_label,
            data={"account_id": account.pk, "refresh_tokens": refreshed, "access_tokens": accessed},
        )
    return int(refreshed + accessed)


@transaction.atomic
def sandbox_link_issue(*, account: "ShopperAccount", actor_label: str = "demo") -> str:
    """Link ``account`` as if its shopper had just consented in the Alexa app: an access
    token (with its refresh token) for the store's Alexa client and every scope; returns the
    access token, which Alexa would send as ``context.System.user.accessToken``.

    Only for stores in sandbox mode (the demo's linked shopper, the voice console playing as
    a linked shopper): refuses a live store, so no one at the store can act as a shopper
    there. The store's client is created if it has none (its secret is not needed here).
    """
    store = Store.objects.get(pk=account.store_id)
    if not store.sandbox_mode:
        raise LinkingError(LinkingErrorCode.NOT_SANDBOX)
    client = StoreAlexaClient.objects.select_related("application").filter(store=store).first()
    if client is None:  # Alexa's hosts with the deployment's vendor id, or a sandbox one
        uris = alexa_redirect_uris(settings.ALEXA_VENDOR_ID or SANDBOX_VENDOR_ID)
        client, _secret = alexa_client_rotate(store=store, redirect_uris=uris)
    scopes = " ".join(oauth2_settings.DEFAULT_SCOPES)  # every shopper scope
    expires = timezone.now() + timedelta(seconds=oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
    access = AccessToken.objects.create(
        user_id=account.user_id,
        application=client.application,
        token=generate_token(),
        expires=expires,
        scope=scopes,
    )
    RefreshToken.objects.create(
        user_id=account.user_id,
        application=client.application,
        token=generate_token(),
        access_token=access,
    )
    AlexaClientEvent.objects.create(
        store=store,
        action=AlexaClientAction.LINKED,
        actor_label=actor_label,
        data={"account_id": account.pk, "sandbox": True},
    )
    return str(access.token)


@transaction.atomic
def platform_client_register(
    *,
    store: Store,
    name: str,
    redirect_uris: list[str] | None = None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
) -> tuple[StorePlatformClient, str]:
    """Register the platform's client at the store under ``name``, or give the one of that
    name a new secret (a revoked one is reinstated); returns the client and the secret in
    plain text, the one time it exists.

    ``redirect_uris`` (the platform's identity-linking callbacks) replace the client's when
    given; None or empty keeps them (a new client without any can use client credentials
    only until they are set). Tokens already issued stay valid on a rotation.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise LinkingError(LinkingErrorCode.BAD_PLATFORM_NAME)
    Store.objects.select_for_update().filter(pk=store.pk).first()  # one registration at a time
    client = (
        StorePlatformClient.objects.select_related("application")
        .filter(store=store, name=name)
        .first()
    )
    if redirect_uris:
        uris = clean_redirect_uris(redirect_uris)
    else:
        uris = client.redirect_uris() if client is not None else []
    secret = generate_client_secret()
    data: dict[str, object] = {"name": name, "redirect_uris": uris}
    if client is None:
        application = Application(
            name=f"{name}: {store.name}"[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(uris),
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=False,
        )
        application.save()
        client = StorePlatformClient.objects.create(store=store, application=application, name=name)
        action = PlatformClientAction.CREATED
    else:
        application = client.application
        application.client_secret = secret
        application.redirect_uris = " ".join(uris)
        application.save(update_fields=["client_secret", "redirect_uris", "updated"])
        if client.revoked_at is not None:
            data["reinstated"] = True
        client.rotated_at = timezone.now()
        client.revoked_at = None
        client.save(update_fields=["rotated_at", "revoked_at"])
        action = PlatformClientAction.ROTATED
    data["client_id"] = application.client_id
    PlatformClientEvent.objects.create(
        store=store, client=client, action=action, data=data, **_actor(actor, actor_label)
    )
    return client, secret


@transaction.atomic
def platform_client_revoke(
    *, client: StorePlatformClient, actor: AbstractBaseUser | None = None, actor_label: str = ""
) -> int:
    """Revoke the platform's client: its pending codes and every token it holds (the platform's
    own and its linked shoppers') are gone, its secret is replaced by one nobody knows, and
    the validator allows it no grant. Returns how many access and refresh tokens were live;
    a client already revoked is left as it is (0)."""
    client = (
        StorePlatformClient.objects.select_for_update()
        .select_related("application")
        .get(pk=client.pk)
    )
    if client.revoked_at is not None:
        return 0
    application = client.application
    now = timezone.now()
    Grant.objects.filter(application=application).delete()
    refreshed = RefreshToken.objects.filter(application=application, revoked__isnull=True).update(
        revoked=now
    )
    _, deleted = AccessToken.objects.filter(application=application).delete()
    accessed = deleted.get(AccessToken._meta.label, 0)
    application.client_secret = generate_client_secret()
    application.save(update_fields=["client_secret", "updated"])
    client.revoked_at = now
    client.save(update_fields=["revoked_at"])
    PlatformClientEvent.objects.create(
        store=client.store,
        client=client,
        action=PlatformClientAction.REVOKED,
        data={"refresh_tokens": refreshed, "access_tokens": accessed},
        **_actor(actor, actor_label),
    )
    return int(refreshed + accessed)


@transaction.atomic
def account_platform_unlink(
    *, account: "ShopperAccount", client: StorePlatformClient, actor_label: str = "shopper"
) -> int:
    """Unlink the account from a shopping platform (UCP identity linking): every token and
    pending code the account holds for the platform's client is revoked, so the platform
    no longer sees the shopper's cart, wallet or orders; the platform's own
    (client-credentials) token and other shoppers' stay. Returns how many access and refresh
    tokens were live."""
    if client.store_id != account.store_id:
        raise LinkingError(LinkingErrorCode.NOT_THIS_STORE)
    refreshed, accessed = _account_tokens_revoke(
        account=account, application_id=client.application_id
    )
    if refreshed or accessed:
        PlatformClientEvent.objects.create(
            store_id=account.store_id,
            client=client,
            action=PlatformClientAction.UNLINKED,
            actor_label=actor_label,
            data={"account_id": account.pk, "refresh_tokens": refreshed, "access_tokens": accessed},
        )
    return refreshed + accessed
