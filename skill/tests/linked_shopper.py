"""A No Nicks shopper whose web account is linked to Alexa: the account (through the shoppers
services, as the web shop's sign-up makes it), a default address, a saved test card on
localstripe, and an access token issued to the store's Alexa client the way
django-oauth-toolkit issues it at the end of account linking.

``linked`` (a fixture, imported by the skill's conftest) gives a ``Linked`` with a
``Shopper`` that sends the token in ``context.System.user.accessToken``.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import cast

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from cards import services as cards
from cards.models import SavedCard
from demo.seed import DEMO_SKILL_ID
from linking.selectors import alexa_client_of_store
from linking.services import alexa_client_rotate
from linking.tests.factories import ShopperAccountFactory
from merchant.models import Store
from shoppers import services as shoppers
from shoppers.models import ShopperAccount
from skill.testing.envelopes import Shopper

LINKED_USER = "amzn1.ask.account.LINKED"
ALEXA_REDIRECT = "https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR"
ALL_SCOPES = "profile cart orders"
VISA = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # saved fine; every charge is declined
NEEDS_AUTHENTICATION = "4000002760003184"  # every off-session charge needs 3-D Secure


def link_token(
    store: Store, account: ShopperAccount, *, scope: str = ALL_SCOPES, expires_in: int = 3600
) -> str:
    """A fresh access token for the account, issued to the store's Alexa client."""
    client = alexa_client_of_store(store)
    if client is None:
        client, _secret = alexa_client_rotate(store=store, redirect_uris=[ALEXA_REDIRECT])
    token = f"linked-{uuid.uuid4().hex}"
    AccessToken.objects.create(
        user=account.user,
        application=client.application,
        token=token,
        expires=timezone.now() + timedelta(seconds=expires_in),
        scope=scope,
    )
    return token


def make_account(store: Store, email: str = "ada@example.com") -> ShopperAccount:
    # The linking tests' factory: an account as sign-up makes it, without the verification
    # email (whose link is the web shop's page).
    account = cast(
        ShopperAccount, ShopperAccountFactory(store=store, email=email, name="Ada Lovelace")
    )
    shoppers.address_add(
        account=account,
        name="Ada Lovelace",
        line1="12 Pike Street",
        city="Seattle",
        region="WA",
        postal_code="98101",
        country="US",
    )
    return account


@dataclass
class Linked:
    store: Store
    account: ShopperAccount
    card: SavedCard
    token: str
    shopper: Shopper

    def device(self, client, device_id: str) -> Shopper:
        """The same shopper on another Echo (same user, same token)."""
        other = Shopper(client, DEMO_SKILL_ID, user_id=LINKED_USER, account_token=self.token)
        other.device_id = device_id
        return other


@pytest.fixture
def linked(client, demo_store, localstripe, unverified):
    # Shipping costs something here, so the summary says tax and shipping.
    demo_store.shipping_fee = Decimal("4.00")
    demo_store.save(update_fields=["shipping_fee"])
    account = make_account(demo_store)
    card = cards.card_save_for_test(customer=account.customer, number=VISA)
    token = link_token(demo_store, account)
    shopper = Shopper(client, DEMO_SKILL_ID, user_id=LINKED_USER, account_token=token)
    return Linked(store=demo_store, account=account, card=card, token=token, shopper=shopper)
