"""The OAuth endpoints tried with another store's client: its own valid id and secret, and
a code, refresh token or access token that the first store's Alexa client issued to its own
shopper. Each is refused (the revocation endpoint answers 200 as RFC 7009 wants, and revokes
nothing), and the first store's link keeps working."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from linking.selectors import account_is_linked, linked_access

from .conftest import ALEXA_REDIRECT
from .factories import make_alexa_client, sign_in
from .test_authorize import authorize_url, consent_fields

pytestmark = pytest.mark.django_db


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def code_for(shopper, client_id: str) -> str:
    browser = Client()
    sign_in(browser, shopper)
    page = browser.get(authorize_url(client_id))
    answer = browser.post("/o/authorize/", {**consent_fields(page), "allow": "on"})
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer["Location"]).query)["code"][0]


def token_call(client_id: str, secret: str, **data: str):
    return Client().post("/o/token/", data, headers=basic(client_id, secret))


def exchange(client_id: str, secret: str, code: str):
    return token_call(
        client_id,
        secret,
        grant_type="authorization_code",
        code=code,
        redirect_uri=ALEXA_REDIRECT,
    )


def tokens_state() -> list[tuple]:
    return sorted(
        [
            ("access", t.token, t.expires, t.user_id, t.application_id)
            for t in AccessToken.objects.all()
        ]
        + [
            ("refresh", t.token, t.revoked, t.user_id, t.application_id)
            for t in RefreshToken.objects.all()
        ],
        key=repr,
    )


@pytest.fixture
def theirs(other_store):
    """The other store's Alexa client, with the same redirect URI as ours."""
    client, secret = make_alexa_client(other_store, [ALEXA_REDIRECT])
    return client.application.client_id, secret


@pytest.fixture
def ours(alexa):
    client, secret = alexa
    return client.application.client_id, secret


def test_another_stores_client_cannot_exchange_our_code(store, shopper, ours, theirs):
    code = code_for(shopper, ours[0])

    refused = exchange(*theirs, code)

    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant"}
    assert AccessToken.objects.count() == 0
    assert Grant.objects.filter(code=code).count() == 1
    # The code is still ours to exchange.
    answer = exchange(*ours, code)
    assert answer.status_code == 200
    assert linked_access(store=store, access_token=answer.json()["access_token"]).account == shopper


def test_another_stores_client_cannot_refresh_our_token(store, shopper, ours, theirs):
    token = exchange(*ours, code_for(shopper, ours[0])).json()
    before = tokens_state()

    refused = token_call(*theirs, grant_type="refresh_token", refresh_token=token["refresh_token"])

    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant"}
    assert tokens_state() == before
    assert linked_access(store=store, access_token=token["access_token"]).account == shopper
    renewed = token_call(*ours, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert renewed.status_code == 200


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_another_stores_client_cannot_revoke_our_tokens(store, shopper, ours, theirs, kind):
    token = exchange(*ours, code_for(shopper, ours[0])).json()
    before = tokens_state()

    answer = Client().post(
        "/o/revoke_token/",
        {"token": token[kind], "token_type_hint": kind},
        headers=basic(*theirs),
    )

    assert answer.status_code == 200  # RFC 7009 2.2: no word on whose token it was
    assert tokens_state() == before
    assert linked_access(store=store, access_token=token["access_token"]).account == shopper
    assert account_is_linked(shopper) is True


def test_our_client_with_another_stores_secret_gets_nothing(store, shopper, ours, theirs):
    code = code_for(shopper, ours[0])

    refused = exchange(ours[0], theirs[1], code)

    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_client"}
    assert AccessToken.objects.count() == 0
