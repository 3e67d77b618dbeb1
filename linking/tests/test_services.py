"""The store's Alexa client, a shopper's unlink, and what an access token names."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from linking.errors import LinkingError, LinkingErrorCode
from linking.models import AlexaClientAction, AlexaClientEvent, StoreAlexaClient
from linking.pkce import pkce_required
from linking.selectors import account_is_linked, linked_access
from linking.services import account_unlink, alexa_client_rotate, alexa_client_update

from .conftest import ALEXA_REDIRECT
from .factories import ShopperAccountFactory, make_alexa_client

ALEXA_HOSTS_URIS = [
    "https://pitangui.amazon.com/api/skill/link/M2VENDOR",
    "https://layla.amazon.com/api/skill/link/M2VENDOR",
    "https://alexa.amazon.co.jp/api/skill/link/M2VENDOR",
    "https://skills-store.amazon.com/api/skill/link/M2VENDOR",
]


def issue(account, client, *, scope="profile cart orders", seconds=3600, token="tok"):
    access = AccessToken.objects.create(
        user=account.user,
        application=client.application,
        token=token,
        scope=scope,
        expires=timezone.now() + timedelta(seconds=seconds),
    )
    RefreshToken.objects.create(
        user=account.user, application=client.application, token=f"r-{token}", access_token=access
    )
    return access


def test_a_new_client_gets_the_four_alexa_hosts_with_the_vendor_id(settings, store):
    settings.ALEXA_VENDOR_ID = "M2VENDOR"

    client, secret = alexa_client_rotate(store=store, redirect_uris=None, actor_label="command")

    app = client.application
    assert client.redirect_uris() == ALEXA_HOSTS_URIS
    assert (app.client_type, app.authorization_grant_type) == ("confidential", "authorization-code")
    assert (app.name, app.skip_authorization, app.user) == ("Alexa: Tea House", False, None)
    assert len(secret) == 128
    assert app.client_secret != secret
    assert check_password(secret, app.client_secret)
    assert client.pkce_required is False
    event = AlexaClientEvent.objects.get()
    assert (event.action, event.actor_label) == (AlexaClientAction.CREATED, "command")
    assert event.data == {"client_id": app.client_id, "redirect_uris": ALEXA_HOSTS_URIS}


def test_without_a_vendor_id_a_new_client_needs_redirect_uris(settings, store):
    settings.ALEXA_VENDOR_ID = ""

    with pytest.raises(LinkingError) as refused:
        alexa_client_rotate(store=store, redirect_uris=None)

    assert refused.value.code == LinkingErrorCode.NO_REDIRECT_URIS
    assert (StoreAlexaClient.objects.count(), Application.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "uri",
    ["http://pitangui.amazon.com/api/skill/link/X", "/api/skill/link/X", "https://a.example/#x"],
)
def test_a_bad_redirect_uri_is_refused(store, uri):
    with pytest.raises(LinkingError) as refused:
        alexa_client_rotate(store=store, redirect_uris=[uri])

    assert refused.value.message == (
        f"{uri} is not a redirect URI: an absolute https address without a fragment."
    )
    assert StoreAlexaClient.objects.count() == 0


def test_rotating_gives_a_new_secret_and_keeps_the_client_and_its_tokens(store, shopper, alexa):
    client, old_secret = alexa
    access = issue(shopper, client)

    rotated, new_secret = alexa_client_rotate(store=store, redirect_uris=None)

    app = Application.objects.get()
    assert rotated.pk == client.pk
    assert app.client_id == client.application.client_id
    assert new_secret != old_secret
    assert check_password(new_secret, app.client_secret)
    assert not check_password(old_secret, app.client_secret)
    assert rotated.redirect_uris() == [ALEXA_REDIRECT]
    assert rotated.rotated_at is not None
    assert AccessToken.objects.get() == access
    assert [e.action for e in AlexaClientEvent.objects.order_by("pk")] == ["created", "rotated"]


def test_update_changes_the_uris_and_pkce_with_an_audit_row(store, alexa):
    client, _secret = alexa

    alexa_client_update(client=client, redirect_uris=ALEXA_HOSTS_URIS[:2], pkce_required=True)

    client.refresh_from_db()
    client.application.refresh_from_db()
    assert client.redirect_uris() == ALEXA_HOSTS_URIS[:2]
    assert client.pkce_required is True
    event = AlexaClientEvent.objects.get(action=AlexaClientAction.CHANGED)
    assert event.data == {
        "before": {"redirect_uris": [ALEXA_REDIRECT], "pkce_required": False},
        "after": {"redirect_uris": ALEXA_HOSTS_URIS[:2], "pkce_required": True},
    }


def test_an_update_that_changes_nothing_writes_nothing(alexa):
    client, _secret = alexa

    alexa_client_update(client=client, redirect_uris=[ALEXA_REDIRECT], pkce_required=False)

    assert AlexaClientEvent.objects.filter(action=AlexaClientAction.CHANGED).count() == 0


def test_pkce_follows_the_stores_client(store, other_store):
    plain = make_alexa_client(store, [ALEXA_REDIRECT])[0]
    strict = make_alexa_client(other_store, [ALEXA_REDIRECT], pkce_required=True)[0]

    assert pkce_required(plain.application.client_id) is False
    assert pkce_required(strict.application.client_id) is True
    assert pkce_required("no-such-client") is True


def test_linked_access_names_the_account_and_its_scopes(store, shopper, alexa):
    issue(shopper, alexa[0], scope="profile cart")

    access = linked_access(store=store, access_token="tok")

    assert access.account == shopper
    assert access.scopes == frozenset({"profile", "cart"})
    assert access.allows("cart") and not access.allows("orders")
    assert linked_access(store=store, access_token="tok", scope="cart").account == shopper
    assert linked_access(store=store, access_token="tok", scope="orders") is None


def test_linked_access_refuses_unknown_expired_and_another_stores_tokens(
    store, other_store, shopper, alexa
):
    issue(shopper, alexa[0], seconds=-1, token="expired")
    other_client = make_alexa_client(other_store, [ALEXA_REDIRECT])[0]
    issue(ShopperAccountFactory(store=other_store), other_client, token="theirs")

    assert linked_access(store=store, access_token="") is None
    assert linked_access(store=store, access_token="unknown") is None
    assert linked_access(store=store, access_token="expired") is None
    assert linked_access(store=store, access_token="theirs") is None
    assert linked_access(store=other_store, access_token="theirs") is not None


def test_linked_access_takes_one_query(store, shopper, alexa, django_assert_num_queries):
    issue(shopper, alexa[0])

    with django_assert_num_queries(1):
        assert linked_access(store=store, access_token="tok").account.email == "sam@example.com"


def test_unlink_revokes_the_accounts_tokens_for_its_store_only(store, shopper, alexa):
    client = alexa[0]
    issue(shopper, client)
    other = ShopperAccountFactory(store=store)
    issue(other, client, token="other")
    Grant.objects.create(
        user=shopper.user,
        application=client.application,
        code="pending",
        expires=timezone.now() + timedelta(seconds=60),
        redirect_uri=ALEXA_REDIRECT,
        scope="profile",
    )
    assert account_is_linked(shopper) is True

    assert account_unlink(account=shopper) == 2

    assert linked_access(store=store, access_token="tok") is None
    assert account_is_linked(shopper) is False
    assert Grant.objects.count() == 0
    assert RefreshToken.objects.get(token="r-tok").revoked is not None
    assert linked_access(store=store, access_token="other").account == other
    assert account_is_linked(other) is True
    event = AlexaClientEvent.objects.get(action=AlexaClientAction.UNLINKED)
    assert event.data == {"account_id": shopper.pk, "refresh_tokens": 1, "access_tokens": 1}


def test_unlinking_an_account_that_is_not_linked_changes_nothing(store, shopper, alexa):
    assert account_unlink(account=shopper) == 0
    assert AlexaClientEvent.objects.filter(action=AlexaClientAction.UNLINKED).count() == 0
