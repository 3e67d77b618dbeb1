"""The sandbox's Login with Amazon consent page and the authorization code grant: an owner of
a store in sandbox mode approves, the code buys a token pair for that store's vendor once."""

from urllib.parse import parse_qs, urlencode, urlsplit

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from smapi_sandbox.models import AuthorizationCode, Vendor

CALLBACK = "http://testserver/console/smapi/callback/"


def authorize_url(**extra) -> str:
    params = {
        "client_id": "amzn1.application-oa2-client.portal",
        "scope": "alexa::ask:skills:readwrite alexa::ask:models:readwrite",
        "response_type": "code",
        "redirect_uri": CALLBACK,
        "state": "xyz",
        **extra,
    }
    return f"/sandbox/lwa/ap/oa?{urlencode(params)}"


def test_an_owner_approves_and_the_code_is_exchanged_once_for_tokens(client, db):
    store = StoreFactory(name="Sandboxed", sandbox_mode=True)
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    assert client.get(authorize_url()).status_code == 302  # to the login page
    client.force_login(owner)
    page = client.get(authorize_url())
    assert page.status_code == 200
    assert b"Sandboxed" in page.content and b"alexa::ask:skills:readwrite" in page.content
    answer = client.post(authorize_url(), {"store": store.pk, "decision": "allow"})
    assert answer.status_code == 302
    target = urlsplit(answer["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == CALLBACK
    assert query["state"] == ["xyz"]
    code = query["code"][0]

    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": "amzn1.application-oa2-client.portal",
        "client_secret": "the deployment's secret",
    }
    tokens = client.post("/sandbox/lwa/auth/o2/token", exchange)
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["access_token"].startswith("Atza|") and body["refresh_token"].startswith("Atzr|")
    vendors = client.get("/sandbox/smapi/v1/vendors", HTTP_AUTHORIZATION=body["access_token"])
    assert vendors.json()["vendors"][0]["id"] == Vendor.objects.get(store=store).vendor_id
    again = client.post("/sandbox/lwa/auth/o2/token", exchange)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_deny_a_foreign_redirect_and_a_non_owner_get_no_code(client, db):
    store = StoreFactory(sandbox_mode=True)
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    client.force_login(owner)
    denied = client.post(authorize_url(), {"store": store.pk, "decision": "deny"})
    assert parse_qs(urlsplit(denied["Location"]).query) == {
        "error": ["access_denied"],
        "state": ["xyz"],
    }
    foreign = client.get(authorize_url(redirect_uri="https://evil.example.org/cb"))
    assert foreign.status_code == 400
    assert b"The redirect_uri must be an address of this portal." in foreign.content

    editor = MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user
    client.force_login(editor)
    refused = client.post(authorize_url(), {"store": store.pk, "decision": "allow"})
    assert refused.status_code == 400
    assert b"You own no store in sandbox mode" in refused.content
    live = StoreFactory(sandbox_mode=False)
    client.force_login(MembershipFactory(store=live, role=Role.OWNER).user)
    assert client.get(authorize_url()).status_code == 400
    assert not AuthorizationCode.objects.exists()
