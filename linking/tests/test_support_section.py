"""The support console's customer page says whether the web account is linked to Alexa as
the account page and the skill mean it: Alexa holds a live token of the store's Alexa client.
A token issued before the first voice turn is linked; an account whose shopper unlinked is
not, though its voice history stays one customer with the web account. Deleting the account
takes its tokens with it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from linking.selectors import linked_access
from linking.services import account_unlink
from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders.tests.factories import CustomerFactory
from shoppers import services as shoppers

from .conftest import ALEXA_REDIRECT
from .factories import ShopperAccountFactory, make_alexa_client

pytestmark = pytest.mark.django_db

ALEXA_USER = "amzn1.ask.account.SUPPORTSEES"


def issue(client, account, *, scope="profile cart orders", expires_in=3600, n=1):
    access = AccessToken.objects.create(
        user=account.user,
        application=client.application,
        token=f"support-access-{account.pk}-{n}",
        expires=timezone.now() + timedelta(seconds=expires_in),
        scope=scope,
    )
    RefreshToken.objects.create(
        user=account.user,
        application=client.application,
        token=f"support-refresh-{account.pk}-{n}",
        access_token=access,
    )
    return access


def customer_page(client, store, customer) -> str:
    staff = MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user
    client.force_login(staff)
    response = client.get(f"/support/customers/{customer.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_linked_before_the_first_voice_turn_is_linked(client, store, shopper):
    alexa, _secret = make_alexa_client(store, [ALEXA_REDIRECT])
    issue(alexa, shopper, scope="profile cart")

    page = customer_page(client, store, shopper.customer)

    assert "<h2>Linked Alexa</h2>" in page
    assert "<dt>Alexa</dt><dd>linked</dd>" in page
    assert "<dt>Alexa may</dt><dd>profile, cart</dd>" in page
    assert "<dt>Voice and web</dt><dd>no voice turn yet</dd>" in page


def test_an_expired_access_token_with_a_live_refresh_token_is_still_linked(client, store, shopper):
    alexa, _secret = make_alexa_client(store, [ALEXA_REDIRECT])
    issue(alexa, shopper, expires_in=-60)

    page = customer_page(client, store, shopper.customer)

    assert "<dt>Alexa</dt><dd>linked</dd>" in page
    assert "<dt>Alexa may</dt><dd>profile, cart, orders</dd>" in page


def test_after_unlinking_the_voice_history_stays_but_alexa_is_not_linked(client, store, shopper):
    alexa, _secret = make_alexa_client(store, [ALEXA_REDIRECT])
    issue(alexa, shopper)
    shoppers.account_attach_alexa_user(account=shopper, alexa_user_id=ALEXA_USER)
    linked_page = customer_page(client, store, shopper.customer)
    assert "<dt>Alexa</dt><dd>linked</dd>" in linked_page
    assert "<dt>Voice and web</dt><dd>one customer with the Alexa user</dd>" in linked_page

    account_unlink(account=shopper)

    page = customer_page(client, store, shopper.customer)
    assert "<dt>Alexa</dt><dd>not linked</dd>" in page
    assert "<dt>Alexa</dt><dd>linked</dd>" not in page
    assert "Alexa may" not in page
    assert "<dt>Voice and web</dt><dd>one customer with the Alexa user</dd>" in page


def test_another_stores_token_does_not_link_the_account(client, store, other_store, shopper):
    make_alexa_client(store, [ALEXA_REDIRECT])
    theirs, _secret = make_alexa_client(other_store, [ALEXA_REDIRECT])
    issue(theirs, shopper)

    page = customer_page(client, store, shopper.customer)

    assert "<dt>Alexa</dt><dd>not linked</dd>" in page


def test_a_voice_only_customer_has_no_linked_alexa_section(client, store):
    voice_only = CustomerFactory(store=store, alexa_user_id=ALEXA_USER)
    ShopperAccountFactory(store=store)  # someone else's account

    page = customer_page(client, store, voice_only)

    assert "Linked Alexa" not in page


def test_deleting_the_account_takes_its_link_to_alexa(
    client, store, shopper, django_capture_on_commit_callbacks
):
    alexa, _secret = make_alexa_client(store, [ALEXA_REDIRECT])
    access = issue(alexa, shopper)
    customer = shopper.customer

    with django_capture_on_commit_callbacks(execute=True):
        shoppers.account_delete(account=shopper)

    assert linked_access(store=store, access_token=access.token) is None
    assert (AccessToken.objects.count(), RefreshToken.objects.count()) == (0, 0)
    page = customer_page(client, store, customer)
    assert "Linked Alexa" not in page and "Web account" not in page
