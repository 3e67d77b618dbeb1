"""Identity linking through the store's platform clients: a shopper's token issued to any of
them opens the partner wallet on REST checkouts; the platform's own client-credentials token
is no shopper's; a token of another store's platform client, or of a revoked client,
reaches nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from oauthlib.common import generate_token

from cards import services as cards
from linking.models import StorePlatformClient
from linking.services import platform_client_register, platform_client_revoke
from merchant.tests.factories import StoreFactory
from shoppers.tests.factories import ShopperAccountFactory, ShopperAddressFactory
from ucp.models import CheckoutSession
from ucp.tests.conftest import roses
from ucp.tests.schema_check import assert_checkout, assert_error

pytestmark = pytest.mark.django_db


def issue(client: StorePlatformClient, account: Any = None, scope: str = "") -> dict[str, str]:
    """A token as the token endpoint issues it: a shopper's (code grant) or the platform's
    own (client credentials, no user)."""
    token = AccessToken.objects.create(
        user=account.user if account is not None else None,
        application=client.application,
        token=generate_token(),
        expires=timezone.now() + timedelta(hours=1),
        scope=scope or ("profile cart orders" if account is not None else "catalog"),
    )
    return {"Authorization": f"Bearer {token.token}"}


@pytest.fixture
def shopper(flowers, localstripe):
    account = ShopperAccountFactory(store=flowers, email="ada@example.com", name="Ada Lovelace")
    ShopperAddressFactory(account=account)
    return account


@pytest.fixture
def gemini(flowers):
    return platform_client_register(store=flowers, name="Gemini")[0]


def test_a_shopper_linked_to_a_platform_client_gets_the_wallet(agent, shopper, gemini):
    card = cards.card_save_for_test(customer=shopper.customer, number="5555555555554444")
    created = agent.post("/checkout-sessions", roses(1), **issue(gemini, shopper))
    assert created.status_code == 201
    body = created.json()
    assert_checkout(body)
    assert body["buyer"]["email"] == "ada@example.com"
    assert [i["id"] for i in body["payment"]["instruments"]] == [f"card_{card.pk}"]
    session = CheckoutSession.objects.get(public_id=body["id"])
    assert session.order.customer_id == shopper.customer_id


@pytest.mark.parametrize("case", ["other_store", "revoked", "platform_itself", "no_orders"])
def test_tokens_that_name_no_shopper_of_this_store_are_refused(agent, shopper, gemini, case):
    if case == "other_store":
        elsewhere = StoreFactory(slug="elsewhere")
        stranger = ShopperAccountFactory(store=elsewhere)
        headers = issue(platform_client_register(store=elsewhere, name="Gemini")[0], stranger)
    elif case == "revoked":
        headers = issue(gemini, shopper)
        platform_client_revoke(client=gemini)
    elif case == "platform_itself":
        headers = issue(gemini)
    else:
        headers = issue(gemini, shopper, scope="profile cart")
    sessions = CheckoutSession.objects.count()

    response = agent.post("/checkout-sessions", roses(1), **headers)

    assert response.status_code == 401
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "identity_required"
    assert CheckoutSession.objects.count() == sessions
