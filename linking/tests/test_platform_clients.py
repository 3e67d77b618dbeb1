"""A store's platform clients: ``ucp_platform_client`` registers or rotates one and prints
its settings; requests-oauthlib plays the platform against the live server with both
grants (client credentials for itself, the code grant with PKCE for a shopper); another
store's shopper, the Alexa client and a revoked client get nothing."""

import io
import json
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken
from oauthlib.common import Request
from oauthlib.oauth2 import BackendApplicationClient
from oauthlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidScopeError,
    OAuth2Error,
    UnauthorizedClientError,
)
from requests_oauthlib import OAuth2Session

from linking.models import PlatformClientAction, PlatformClientEvent, StorePlatformClient
from linking.oauth import StoreOAuth2Validator
from linking.selectors import agent_access, linked_access
from linking.services import platform_client_register, platform_client_revoke

from .factories import ShopperAccountFactory, sign_in

CALLBACK = "https://platform.example/oauth/callback"
SHOPPER_SCOPES = ["profile", "cart", "orders"]


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("ucp_platform_client", *args, stdout=out)
    text = out.getvalue()
    assert text.count("\n") <= 1  # exactly one JSON object
    return json.loads(text)


@pytest.fixture
def platform(store, http_redirects):
    return platform_client_register(store=store, name="Alexa+", redirect_uris=[CALLBACK])


def client_credentials(live_server, client_id: str, secret: str, **kwargs) -> dict:
    session = OAuth2Session(client=BackendApplicationClient(client_id=client_id))
    return session.fetch_token(
        f"{live_server.url}/o/token/", client_id=client_id, client_secret=secret, **kwargs
    )


def shopper_consents(shopper, authorization_url: str) -> str:
    browser = Client()
    sign_in(browser, shopper)
    parts = urlsplit(authorization_url)
    page = browser.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200, page.content
    assert "Link Tea House with Alexa+?" in page.content.decode()
    form = page.context["form"]
    fields = {name: form[name].value() or "" for name in form.fields if name != "allow"}
    answer = browser.post(parts.path, {**fields, "allow": "on"})
    assert answer.status_code == 302
    return str(answer["Location"])


def link(live_server, shopper, client_id: str, secret: str, **kwargs) -> dict:
    platform = OAuth2Session(client_id, redirect_uri=CALLBACK, scope=SHOPPER_SCOPES, **kwargs)
    url, _state = platform.authorization_url(f"{live_server.url}/o/authorize/")
    callback = shopper_consents(shopper, url)
    return platform.fetch_token(
        f"{live_server.url}/o/token/", authorization_response=callback, client_secret=secret
    )


# The command ---------------------------------------------------------------------------------


def test_the_command_registers_a_client_and_prints_one_json_object(settings, store):
    settings.PUBLIC_BASE_URL = "https://shop.example.org/"

    printed = run("--store", "tea-house", "--name", "Alexa+")

    client = StorePlatformClient.objects.select_related("application").get(store=store)
    assert list(printed) == ["client_id", "client_secret", "token_url", "scopes"]
    assert printed["client_id"] == client.application.client_id
    assert check_password(printed["client_secret"], client.application.client_secret)
    assert printed["token_url"] == "https://shop.example.org/o/token/"
    assert printed["scopes"] == ["profile", "cart", "orders", "catalog"]
    assert (client.name, client.revoked_at, client.rotated_at) == ("Alexa+", None, None)
    assert client.application.authorization_grant_type == "authorization-code"
    event = PlatformClientEvent.objects.get()
    assert (event.action, event.actor_label, event.client) == (
        PlatformClientAction.CREATED,
        "ucp_platform_client command",
        client,
    )
    assert event.data == {"name": "Alexa+", "redirect_uris": [], "client_id": printed["client_id"]}


def test_running_it_again_rotates_the_secret_of_that_name_only(store, other_store):
    first = run("--store", "tea-house", "--name", "Alexa+", "--redirect-uri", CALLBACK)
    other = run("--store", "tea-house", "--name", "Gemini")
    elsewhere = run("--store", "coffee-corner", "--name", "Alexa+")

    second = run("--store", "tea-house", "--name", "Alexa+")

    client = StorePlatformClient.objects.get(store=store, name="Alexa+")
    assert second["client_id"] == first["client_id"]
    assert len({first["client_id"], other["client_id"], elsewhere["client_id"]}) == 3
    assert check_password(second["client_secret"], client.application.client_secret)
    assert not check_password(first["client_secret"], client.application.client_secret)
    assert client.redirect_uris() == [CALLBACK]
    assert client.rotated_at is not None
    assert StorePlatformClient.objects.count() == 3
    assert (
        list(PlatformClientEvent.objects.filter(client=client).values_list("action", flat=True))[0]
        == PlatformClientAction.ROTATED
    )


def test_the_command_refuses_an_unknown_store_a_blank_name_and_a_bad_uri(store):
    with pytest.raises(CommandError, match='No store with the slug "nope"'):
        run("--store", "nope", "--name", "Alexa+")
    with pytest.raises(CommandError, match="Name the platform"):
        run("--store", "tea-house", "--name", "   ")
    with pytest.raises(CommandError, match="ftp://x is not a redirect URI"):
        run("--store", "tea-house", "--name", "Alexa+", "--redirect-uri", "ftp://x")
    assert StorePlatformClient.objects.count() == 0
    assert PlatformClientEvent.objects.count() == 0


# Client credentials: the platform itself --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_client_credentials_give_the_platform_a_token_without_a_user(live_server, store, platform):
    client, secret = platform

    token = client_credentials(live_server, client.application.client_id, secret)

    assert (token["token_type"], token["scope"], token["expires_in"]) == (
        "Bearer",
        ["catalog"],
        3600,
    )
    assert "refresh_token" not in token
    stored = AccessToken.objects.get()
    assert (stored.user, stored.application_id, stored.scope) == (
        None,
        client.application_id,
        "catalog",
    )
    access = agent_access(store=store, access_token=token["access_token"])
    assert access is not None
    assert (access.account, access.scopes, access.platform_client_id) == (
        None,
        frozenset({"catalog"}),
        client.pk,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_client_credentials_never_carry_a_shoppers_scope(live_server, platform):
    client, secret = platform
    with pytest.raises(InvalidScopeError):
        client_credentials(
            live_server, client.application.client_id, secret, scope=["catalog", "orders"]
        )
    assert AccessToken.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_the_alexa_client_cannot_use_client_credentials(live_server, alexa):
    client, secret = alexa
    with pytest.raises(UnauthorizedClientError):
        client_credentials(live_server, client.application.client_id, secret)
    assert AccessToken.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_a_wrong_secret_gets_nothing(live_server, platform):
    client, _secret = platform
    with pytest.raises(InvalidClientError):
        client_credentials(live_server, client.application.client_id, "not-the-secret")
    assert AccessToken.objects.count() == 0


# The code grant with PKCE: a shopper links their account to the platform ----------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_a_shopper_links_their_account_to_the_platform_with_pkce(
    live_server, store, shopper, platform
):
    client, secret = platform

    token = link(live_server, shopper, client.application.client_id, secret, pkce="S256")

    assert token["scope"] == SHOPPER_SCOPES
    assert "refresh_token" in token
    access = agent_access(store=store, access_token=token["access_token"])
    assert access is not None
    assert (access.account, access.platform_client_id) == (shopper, client.pk)
    assert access.scopes == frozenset(SHOPPER_SCOPES)
    # The Alexa skill's own lookup knows only the Alexa client's tokens.
    assert linked_access(store=store, access_token=token["access_token"]) is None
    assert Grant.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_the_platform_must_send_pkce(live_server, shopper, platform):
    client, _secret = platform
    session = OAuth2Session(client.application.client_id, redirect_uri=CALLBACK)
    url, _state = session.authorization_url(f"{live_server.url}/o/authorize/")
    browser = Client()
    sign_in(browser, shopper)
    parts = urlsplit(url)

    page = browser.get(f"{parts.path}?{parts.query}")

    assert page.status_code == 302
    assert "error=invalid_request" in page["Location"]
    assert "Code+challenge+required" in page["Location"]
    assert Grant.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_a_shopper_of_another_store_gets_no_code_and_no_token(
    live_server, store, other_store, platform
):
    client, secret = platform
    stranger = ShopperAccountFactory(store=other_store)
    session = OAuth2Session(
        client.application.client_id, redirect_uri=CALLBACK, scope=SHOPPER_SCOPES, pkce="S256"
    )
    url, _state = session.authorization_url(f"{live_server.url}/o/authorize/")
    browser = Client()
    sign_in(browser, stranger)
    parts = urlsplit(url)

    page = browser.get(f"{parts.path}?{parts.query}")

    # Sent to the store's own login, as anyone not signed in as its shopper.
    assert page.status_code == 302
    assert page["Location"].startswith("/shop/tea-house/login/?next=")
    assert Grant.objects.count() == 0
    assert AccessToken.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_the_shopper_scopes_never_include_the_platforms_own(live_server, shopper, platform):
    client, _secret = platform
    session = OAuth2Session(
        client.application.client_id,
        redirect_uri=CALLBACK,
        scope=["orders", "catalog"],
        pkce="S256",
    )
    url, _state = session.authorization_url(f"{live_server.url}/o/authorize/")
    browser = Client()
    sign_in(browser, shopper)
    parts = urlsplit(url)

    page = browser.get(f"{parts.path}?{parts.query}")

    assert page.status_code == 302
    assert page["Location"].startswith(f"{CALLBACK}?error=invalid_scope")
    assert Grant.objects.count() == 0
    assert AccessToken.objects.count() == 0


# Revoking ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("insecure_transport")
def test_a_revoked_client_loses_its_tokens_and_gets_nothing_more(
    live_server, store, shopper, platform
):
    client, secret = platform
    linked = link(live_server, shopper, client.application.client_id, secret, pkce="S256")
    own = client_credentials(live_server, client.application.client_id, secret)

    assert platform_client_revoke(client=client, actor_label="owner") == 3

    client.refresh_from_db()
    assert client.revoked_at is not None
    assert agent_access(store=store, access_token=linked["access_token"]) is None
    assert agent_access(store=store, access_token=own["access_token"]) is None
    assert AccessToken.objects.count() == 0
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0
    event = PlatformClientEvent.objects.filter(client=client).first()
    assert (event.action, event.data) == (
        PlatformClientAction.REVOKED,
        {"refresh_tokens": 1, "access_tokens": 2},
    )
    with pytest.raises(InvalidClientError):  # the old secret no longer authenticates it
        client_credentials(live_server, client.application.client_id, secret)
    with pytest.raises(OAuth2Error):
        OAuth2Session(client.application.client_id).refresh_token(
            f"{live_server.url}/o/token/",
            refresh_token=linked["refresh_token"],
            client_id=client.application.client_id,
            client_secret=secret,
        )
    browser = Client()
    sign_in(browser, shopper)
    page = browser.get("/o/authorize/", {"client_id": client.application.client_id})
    assert page.status_code == 400
    assert AccessToken.objects.count() == 0
    assert platform_client_revoke(client=client) == 0  # already revoked: nothing happens
    assert PlatformClientEvent.objects.filter(action=PlatformClientAction.REVOKED).count() == 1


def test_a_revoked_client_is_refused_every_grant_by_the_validator(store, platform):
    """Even with its secret (as if it had leaked before the revocation)."""
    client, _secret = platform
    platform_client_revoke(client=client)
    request = Request("https://shop.example/o/token/")
    request.client = client.application
    validator = StoreOAuth2Validator()
    for grant in ("client_credentials", "authorization_code", "refresh_token"):
        request.grant_type = grant
        assert validator.validate_grant_type("x", grant, client.application, request) is False


def test_registering_a_revoked_name_again_reinstates_it_with_a_new_secret(store, platform):
    client, _secret = platform
    platform_client_revoke(client=client)

    again, secret = platform_client_register(store=store, name="Alexa+")

    assert again.pk == client.pk
    assert again.revoked_at is None
    assert check_password(secret, again.application.client_secret)
    event = PlatformClientEvent.objects.filter(client=client).first()
    assert (event.action, event.data["reinstated"]) == (PlatformClientAction.ROTATED, True)


def test_denied_consent_issues_nothing(store, shopper, platform):
    """The shopper presses Cancel: the platform hears access_denied."""
    client, _secret = platform
    session = OAuth2Session(
        client.application.client_id, redirect_uri=CALLBACK, scope=SHOPPER_SCOPES, pkce="S256"
    )
    url, _state = session.authorization_url("https://testserver/o/authorize/")
    browser = Client()
    sign_in(browser, shopper)
    parts = urlsplit(url)
    form = browser.get(f"{parts.path}?{parts.query}").context["form"]
    fields = {name: form[name].value() or "" for name in form.fields if name != "allow"}
    answer = browser.post(parts.path, fields)
    assert answer.status_code == 302
    assert "error=access_denied" in answer["Location"]
    assert Grant.objects.count() == 0
