"""/o/authorize/: who may link, the consent page, its CSP, and the refusals (nothing issued)."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.urls import reverse
from oauth2_provider.models import Grant

from merchant.tests.factories import UserFactory

from .conftest import ALEXA_REDIRECT
from .factories import ShopperAccountFactory, make_alexa_client, sign_in

SCOPE = "profile cart orders"


def authorize_url(client_id: str, redirect_uri: str = ALEXA_REDIRECT, **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPE,
        "state": "alexa-state-123",
        **extra,
    }
    return f"/o/authorize/?{urlencode(query)}"


def consent_fields(response) -> dict[str, str]:
    """The consent form's hidden fields, as the browser would post them."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields if name != "allow"}


def test_the_endpoints_keep_their_paths():
    assert reverse("oauth2_provider:authorize") == "/o/authorize/"
    assert reverse("oauth2_provider:token") == "/o/token/"
    assert reverse("oauth2_provider:revoke-token") == "/o/revoke_token/"
    assert (
        reverse("oauth2_provider:oauth-server-metadata")
        == "/.well-known/oauth-authorization-server"
    )


def test_a_visitor_goes_to_the_stores_shop_login_and_back(client, alexa):
    app = alexa[0].application
    url = authorize_url(app.client_id)

    response = client.get(url)

    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == "/shop/tea-house/login/"
    assert parse_qs(login.query) == {"next": [url]}
    assert Grant.objects.count() == 0


def test_a_shopper_of_another_store_must_sign_in_to_this_one(client, alexa, other_store):
    sign_in(client, ShopperAccountFactory(store=other_store))

    response = client.get(authorize_url(alexa[0].application.client_id))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/shop/tea-house/login/"
    assert Grant.objects.count() == 0


def test_a_staff_session_is_not_a_shopper(client, alexa):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(authorize_url(alexa[0].application.client_id))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/shop/tea-house/login/"


def test_the_consent_page_names_the_store_and_the_scopes(client, alexa, shopper):
    sign_in(client, shopper)

    response = client.get(authorize_url(alexa[0].application.client_id))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Link Tea House with Alexa?</h1>" in html
    assert "You are signed in as sam@example.com." in html
    assert [s.strip() for s in response.context["scopes_descriptions"]] == [
        "Your name and email address",
        "Your cart and wish list: read them and add to them",
        "Your orders: read them and place orders with your saved card and address",
    ]
    for words in response.context["scopes_descriptions"]:
        assert f"<li>{words}</li>" in html


def test_the_consent_page_may_post_to_the_registered_redirect_origins_only(client, store, shopper):
    app = make_alexa_client(
        store,
        [
            "https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR",
            "https://layla.amazon.com/api/skill/link/M2TESTVENDOR",
            "https://pitangui.amazon.com/api/skill/link/OTHER",
        ],
    )[0].application
    sign_in(client, shopper)

    response = client.get(authorize_url(app.client_id))

    directives = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
    )
    assert directives["form-action"] == (
        "'self' https://pitangui.amazon.com https://layla.amazon.com"
    )
    assert directives["default-src"] == "'self'"


def test_allow_redirects_to_alexa_with_a_code_and_the_state(client, alexa, shopper):
    sign_in(client, shopper)
    page = client.get(authorize_url(alexa[0].application.client_id))

    response = client.post("/o/authorize/", {**consent_fields(page), "allow": "on"})

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == ALEXA_REDIRECT
    query = parse_qs(target.query)
    assert query["state"] == ["alexa-state-123"]
    assert query["iss"] == ["http://testserver"]  # RFC 9207
    grant = Grant.objects.get()
    assert query["code"] == [grant.code]
    assert (grant.user, grant.scope) == (shopper.user, SCOPE)


def test_cancel_tells_alexa_access_was_denied(client, alexa, shopper):
    sign_in(client, shopper)
    page = client.get(authorize_url(alexa[0].application.client_id))

    response = client.post("/o/authorize/", consent_fields(page))

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {"error": ["access_denied"], "state": ["alexa-state-123"]}
    assert Grant.objects.count() == 0


def test_a_post_naming_another_stores_client_sends_to_that_stores_login(
    client, alexa, shopper, other_store
):
    other_app = make_alexa_client(other_store, [ALEXA_REDIRECT])[0].application
    sign_in(client, shopper)
    page = client.get(authorize_url(alexa[0].application.client_id))

    response = client.post(
        "/o/authorize/", {**consent_fields(page), "client_id": other_app.client_id, "allow": "on"}
    )

    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == "/shop/coffee-corner/login/"
    back = urlsplit(parse_qs(login.query)["next"][0])
    assert back.path == "/o/authorize/"
    assert parse_qs(back.query)["client_id"] == [other_app.client_id]
    assert Grant.objects.count() == 0


def test_a_wrong_redirect_uri_is_refused_without_a_redirect(client, alexa, shopper):
    sign_in(client, shopper)

    response = client.get(
        authorize_url(alexa[0].application.client_id, redirect_uri="https://evil.example/cb")
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert "This link request cannot be completed" in response.content.decode()
    assert Grant.objects.count() == 0


def test_an_unknown_client_names_no_store(client, shopper):
    response = client.get(authorize_url("no-such-client"))

    assert response.status_code == 400
    assert "This link request names no store" in response.content.decode()


def test_a_store_that_wants_pkce_refuses_a_request_without_it(client, store, shopper):
    app = make_alexa_client(store, [ALEXA_REDIRECT], pkce_required=True)[0].application
    sign_in(client, shopper)

    response = client.get(authorize_url(app.client_id))

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["alexa-state-123"]
    assert Grant.objects.count() == 0


def test_a_store_that_wants_pkce_shows_consent_with_a_challenge(client, store, shopper):
    app = make_alexa_client(store, [ALEXA_REDIRECT], pkce_required=True)[0].application
    sign_in(client, shopper)
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    response = client.get(
        authorize_url(app.client_id, code_challenge=challenge, code_challenge_method="S256")
    )

    assert response.status_code == 200
    assert consent_fields(response)["code_challenge"] == challenge


def test_the_server_metadata_follows_rfc_8414(client):
    response = client.get("/.well-known/oauth-authorization-server")

    assert response.status_code == 200
    assert response.json() == {
        "issuer": "http://testserver",
        "authorization_endpoint": "http://testserver/o/authorize/",
        "token_endpoint": "http://testserver/o/token/",
        "revocation_endpoint": "http://testserver/o/revoke_token/",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "scopes_supported": ["cart", "catalog", "orders", "profile"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "client_id_metadata_document_supported": False,
        "authorization_response_iss_parameter_supported": True,
    }
