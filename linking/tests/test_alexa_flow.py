"""requests-oauthlib plays Alexa against the live server: the code grant with and without
PKCE, a wrong state, a wrong redirect URI, a refresh sent twice, a revoked and an expired
token. The shopper's side (login, consent) goes through Django's test client."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError, MismatchingStateError, OAuth2Error
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from linking.selectors import account_is_linked, linked_access

from .conftest import ALEXA_REDIRECT
from .factories import ShopperAccountFactory, make_alexa_client, sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("insecure_transport"),
]
SCOPES = ["profile", "cart", "orders"]


def shopper_consents(shopper, authorization_url: str) -> str:
    """The shopper signs in and allows: returns where the browser is sent (Alexa's URI)."""
    browser = Client()
    sign_in(browser, shopper)
    parts = urlsplit(authorization_url)
    page = browser.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200, page.content
    form = page.context["form"]
    fields = {name: form[name].value() or "" for name in form.fields if name != "allow"}
    answer = browser.post(parts.path, {**fields, "allow": "on"})
    assert answer.status_code == 302
    return answer["Location"]


def alexa_session(client_id: str, **kwargs) -> OAuth2Session:
    return OAuth2Session(client_id, redirect_uri=ALEXA_REDIRECT, scope=SCOPES, **kwargs)


def link(live_server, shopper, client_id: str, secret: str, **session_kwargs) -> dict:
    alexa = alexa_session(client_id, **session_kwargs)
    url, _state = alexa.authorization_url(f"{live_server.url}/o/authorize/")
    callback = shopper_consents(shopper, url)
    return alexa.fetch_token(
        f"{live_server.url}/o/token/", authorization_response=callback, client_secret=secret
    )


def refresh(live_server, client_id: str, secret: str, refresh_token: str) -> dict:
    return alexa_session(client_id).refresh_token(
        f"{live_server.url}/o/token/",
        refresh_token=refresh_token,
        auth=HTTPBasicAuth(client_id, secret),
    )


def test_code_grant_without_pkce_links_the_shopper(live_server, store, shopper, alexa):
    client, secret = alexa

    token = link(live_server, shopper, client.application.client_id, secret)

    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == SCOPES
    access = linked_access(store=store, access_token=token["access_token"])
    assert access is not None
    assert access.account == shopper
    assert access.scopes == frozenset(SCOPES)
    assert account_is_linked(shopper) is True
    assert Grant.objects.count() == 0  # the code is spent


def test_code_grant_with_pkce_when_the_store_asks_for_it(live_server, store, shopper):
    client, secret = make_alexa_client(store, [ALEXA_REDIRECT], pkce_required=True)

    token = link(live_server, shopper, client.application.client_id, secret, pkce="S256")

    assert linked_access(store=store, access_token=token["access_token"]).account == shopper


def test_pkce_with_the_wrong_verifier_is_refused(live_server, store, shopper):
    client, secret = make_alexa_client(store, [ALEXA_REDIRECT], pkce_required=True)
    alexa = alexa_session(client.application.client_id, pkce="S256")
    url, _state = alexa.authorization_url(f"{live_server.url}/o/authorize/")
    callback = shopper_consents(shopper, url)
    alexa._code_verifier = "x" * 64  # not the verifier the challenge was made from

    with pytest.raises(InvalidGrantError):
        alexa.fetch_token(
            f"{live_server.url}/o/token/", authorization_response=callback, client_secret=secret
        )
    assert AccessToken.objects.count() == 0


def test_a_wrong_state_is_rejected_by_the_client(live_server, shopper, alexa):
    client, secret = alexa
    alexa_client = alexa_session(client.application.client_id, state="the-state-alexa-sent")
    url, state = alexa_client.authorization_url(f"{live_server.url}/o/authorize/")
    assert state == "the-state-alexa-sent"
    # A callback from an authorization Alexa did not start: the server echoes its state.
    callback = shopper_consents(shopper, url.replace(state, "a-forged-state"))
    assert "state=a-forged-state" in callback

    with pytest.raises(MismatchingStateError):
        alexa_client.fetch_token(
            f"{live_server.url}/o/token/", authorization_response=callback, client_secret=secret
        )
    assert AccessToken.objects.count() == 0


def test_a_wrong_redirect_uri_gets_no_code(live_server, shopper, alexa):
    client, _secret = alexa
    evil = OAuth2Session(
        client.application.client_id, redirect_uri="https://evil.example/cb", scope=SCOPES
    )
    url, _state = evil.authorization_url(f"{live_server.url}/o/authorize/")
    browser = Client()
    sign_in(browser, shopper)
    parts = urlsplit(url)

    page = browser.get(f"{parts.path}?{parts.query}")

    assert page.status_code == 400
    assert "Location" not in page
    assert Grant.objects.count() == 0


def test_a_code_exchanged_with_another_redirect_uri_is_refused(live_server, shopper, alexa):
    client, secret = alexa
    alexa_client = alexa_session(client.application.client_id)
    url, _state = alexa_client.authorization_url(f"{live_server.url}/o/authorize/")
    callback = shopper_consents(shopper, url)
    alexa_client.redirect_uri = "https://layla.amazon.com/api/skill/link/M2TESTVENDOR"

    with pytest.raises(OAuth2Error) as refused:
        alexa_client.fetch_token(
            f"{live_server.url}/o/token/", authorization_response=callback, client_secret=secret
        )
    assert (refused.value.error, refused.value.description) == (
        "invalid_request",
        "Mismatching redirect URI.",
    )
    assert AccessToken.objects.count() == 0


def test_the_same_refresh_token_twice_within_the_grace_period(live_server, store, shopper, alexa):
    client, secret = alexa
    client_id = client.application.client_id
    first = link(live_server, shopper, client_id, secret)

    renewed = refresh(live_server, client_id, secret, first["refresh_token"])
    # Alexa never saw that answer (a timeout) and sends the same refresh token again.
    retried = refresh(live_server, client_id, secret, first["refresh_token"])

    assert renewed["access_token"] != first["access_token"]
    assert retried["access_token"] == renewed["access_token"]
    assert retried["refresh_token"] == renewed["refresh_token"]
    assert (retried["scope"], retried["expires_in"]) == (SCOPES, 3600)
    assert linked_access(store=store, access_token=retried["access_token"]).account == shopper
    assert linked_access(store=store, access_token=first["access_token"]) is None
    assert account_is_linked(shopper) is True
    # ... and the rotated pair keeps working.
    again = refresh(live_server, client_id, secret, retried["refresh_token"])
    assert linked_access(store=store, access_token=again["access_token"]).account == shopper


def test_an_old_refresh_token_after_the_grace_period_unlinks_its_family(
    live_server, store, shopper, alexa
):
    client, secret = alexa
    client_id = client.application.client_id
    first = link(live_server, shopper, client_id, secret)
    renewed = refresh(live_server, client_id, secret, first["refresh_token"])
    RefreshToken.objects.filter(revoked__isnull=False).update(
        revoked=timezone.now() - timedelta(seconds=301)
    )

    with pytest.raises(InvalidGrantError):
        refresh(live_server, client_id, secret, first["refresh_token"])
    # A replay after the grace period is a stolen token or a broken client: the family goes.
    assert linked_access(store=store, access_token=renewed["access_token"]) is None
    with pytest.raises(InvalidGrantError):
        refresh(live_server, client_id, secret, renewed["refresh_token"])
    assert account_is_linked(shopper) is False


def test_a_revoked_token_is_refused(live_server, store, shopper, alexa):
    client, secret = alexa
    client_id = client.application.client_id
    token = link(live_server, shopper, client_id, secret)

    answer = requests.post(
        f"{live_server.url}/o/revoke_token/",
        data={"token": token["access_token"], "token_type_hint": "access_token"},
        auth=(client_id, secret),
        timeout=10,
    )

    assert answer.status_code == 200
    assert linked_access(store=store, access_token=token["access_token"]) is None
    with pytest.raises(InvalidGrantError):
        refresh(live_server, client_id, secret, token["refresh_token"])
    assert account_is_linked(shopper) is False


def test_an_expired_access_token_is_refused_and_refreshed(live_server, store, shopper, alexa):
    client, secret = alexa
    client_id = client.application.client_id
    token = link(live_server, shopper, client_id, secret)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert linked_access(store=store, access_token=token["access_token"]) is None
    renewed = refresh(live_server, client_id, secret, token["refresh_token"])
    assert linked_access(store=store, access_token=renewed["access_token"]).account == shopper


def test_a_wrong_client_secret_is_refused(live_server, shopper, alexa):
    client, secret = alexa
    alexa_client = alexa_session(client.application.client_id)
    url, _state = alexa_client.authorization_url(f"{live_server.url}/o/authorize/")
    callback = shopper_consents(shopper, url)

    answer = requests.post(
        f"{live_server.url}/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": dict(p.split("=") for p in urlsplit(callback).query.split("&"))["code"],
            "redirect_uri": ALEXA_REDIRECT,
        },
        auth=(client.application.client_id, secret[:-1] + "x"),
        timeout=10,
    )

    assert answer.status_code == 401
    assert answer.json() == {"error": "invalid_client"}
    assert AccessToken.objects.count() == 0


def test_the_token_endpoint_answers_well_within_alexas_limit(live_server, shopper, alexa):
    """Alexa gives the token endpoint 4.5 s. The client secret is checked with a salted
    SHA-256 (linking/hashers.py), not PBKDF2's million rounds, on every exchange and refresh."""
    client, secret = alexa
    client_id = client.application.client_id
    assert client.application.client_secret.startswith("linking_sha256$")
    alexa_client = alexa_session(client_id)
    url, _state = alexa_client.authorization_url(f"{live_server.url}/o/authorize/")
    callback = shopper_consents(shopper, url)

    started = time.perf_counter()
    token = alexa_client.fetch_token(
        f"{live_server.url}/o/token/", authorization_response=callback, client_secret=secret
    )
    exchange = time.perf_counter() - started
    started = time.perf_counter()
    refresh(live_server, client_id, secret, token["refresh_token"])
    refreshed = time.perf_counter() - started

    assert exchange < 1.0, exchange
    assert refreshed < 1.0, refreshed


def test_a_code_held_by_another_stores_shopper_gets_no_token(live_server, other_store, alexa):
    """The token endpoint holds the store rule too (linking.oauth): a code whose user is not
    a shopper of the client's store is refused, however it came to exist."""
    client, secret = alexa
    stranger = ShopperAccountFactory(store=other_store)
    Grant.objects.create(
        user=stranger.user,
        application=client.application,
        code="code-of-a-stranger",
        expires=timezone.now() + timedelta(seconds=60),
        redirect_uri=ALEXA_REDIRECT,
        scope="profile cart orders",
    )

    answer = requests.post(
        f"{live_server.url}/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": "code-of-a-stranger",
            "redirect_uri": ALEXA_REDIRECT,
        },
        auth=(client.application.client_id, secret),
        timeout=10,
    )

    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant"}
    assert AccessToken.objects.count() == 0
