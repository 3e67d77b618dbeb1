"""Linking a shopper without the Alexa app's consent: sandbox stores only (the demo's linked
shopper, the voice console playing as a linked shopper)."""

import pytest
from oauth2_provider.models import AccessToken, RefreshToken

from linking import services
from linking.errors import LinkingError, LinkingErrorCode
from linking.models import AlexaClientAction, AlexaClientEvent, StoreAlexaClient
from linking.selectors import linked_access
from merchant.tests.factories import StoreFactory
from shoppers.tests.factories import ShopperAccountFactory

pytestmark = pytest.mark.django_db


def test_a_sandbox_store_links_a_shopper_with_every_scope():
    store = StoreFactory(sandbox_mode=True)
    account = ShopperAccountFactory(store=store)
    token = services.sandbox_link_issue(account=account)
    access = linked_access(store=store, access_token=token)
    assert access is not None and access.account == account
    assert access.scopes == frozenset({"profile", "cart", "orders"})
    client = StoreAlexaClient.objects.get(store=store)
    assert client.application.redirect_uris.split() == [
        f"https://{host}/api/skill/link/M0SANDBOXVENDOR"
        for host in (
            "pitangui.amazon.com",
            "layla.amazon.com",
            "alexa.amazon.co.jp",
            "skills-store.amazon.com",
        )
    ]
    assert RefreshToken.objects.get(access_token__token=token).user_id == account.user_id
    assert list(AlexaClientEvent.objects.filter(store=store).values_list("action", flat=True)) == [
        AlexaClientAction.LINKED,
        AlexaClientAction.CREATED,
    ]
    # Another store's request with the token names no one.
    assert linked_access(store=StoreFactory(), access_token=token) is None
    # A second link keeps the client and issues another token.
    assert services.sandbox_link_issue(account=account) != token
    assert StoreAlexaClient.objects.filter(store=store).count() == 1


def test_a_live_store_refuses_and_nothing_is_made():
    store = StoreFactory(sandbox_mode=False)
    account = ShopperAccountFactory(store=store)
    with pytest.raises(LinkingError) as refused:
        services.sandbox_link_issue(account=account)
    assert refused.value.code == LinkingErrorCode.NOT_SANDBOX
    assert str(refused.value) == (
        "Only a store in sandbox mode can link a shopper without the shopper's consent."
    )
    assert not StoreAlexaClient.objects.filter(store=store).exists()
    assert not AccessToken.objects.exists()
    assert not AlexaClientEvent.objects.exists()
