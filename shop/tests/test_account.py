"""The account pages: the address book, the voice purchase code, download my data, delete my
account. Mistakes are answered in words; another shopper's address is not found and left
alone."""

import json

import pytest
from django.contrib.auth.models import User
from django.forms.models import model_to_dict

from merchant.tests.factories import StoreFactory
from orders.models import Customer
from shoppers.models import ShopperAccount, ShopperAddress

from .helpers import PASSWORD, add_address, make_shopper, order_for, signed_in, url

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "Ada Park",
    "line1": "12 Elm Road",
    "line2": "",
    "city": "Leeds",
    "region": "West Yorkshire",
    "postal_code": "LS1 4AP",
    "country": "GB",
    "phone": "+44 113 496 0000",
}


@pytest.fixture
def store():
    return StoreFactory(name="No Nicks")


@pytest.fixture
def ada(store):
    return make_shopper(store)


def book(account):
    return list(
        ShopperAddress.objects.filter(account=account)
        .order_by("pk")
        .values_list("line1", "city", "is_default")
    )


def test_account_page(store, ada):
    add_address(ada)
    page = signed_in(ada).get(url("account", store)).content.decode()
    assert "Ada Park · ada@example.com" in page
    assert "1 Main St<br>Seattle, WA 98109<br>United States" in page
    assert "Alexa is not linked." in page
    assert "No card saved yet." in page


def test_add_edit_default_and_delete_addresses(store, ada):
    client = signed_in(ada)
    response = client.post(url("address_add", store), ADDRESS)
    assert response.status_code == 302 and response["Location"] == url("account", store)
    first = ShopperAddress.objects.get(account=ada)
    assert first.as_order_address() == {
        "name": "Ada Park",
        "addressLine1": "12 Elm Road",
        "addressLine2": "",
        "city": "Leeds",
        "stateOrRegion": "West Yorkshire",
        "postalCode": "LS1 4AP",
        "countryCode": "GB",
        "phone": "+44 113 496 0000",
    }
    second = add_address(ada, line1="2 Oak St", city="Portland")

    client.post(url("address_edit", store, first.pk), {**ADDRESS, "line1": "14 Elm Road"})
    client.post(url("address_default", store, second.pk))
    assert book(ada) == [("14 Elm Road", "Leeds", False), ("2 Oak St", "Portland", True)]

    client.post(url("address_delete", store, first.pk))
    assert book(ada) == [("2 Oak St", "Portland", True)]


def test_address_mistakes_are_answered_in_words(store, ada):
    response = signed_in(ada).post(
        url("address_add", store), {**ADDRESS, "line1": "", "country": "XX", "phone": "call me"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Fill in the street address." in page
    assert "Choose a country from the list." in page
    assert "A phone number has digits, spaces and + - ( ) only." in page
    assert book(ada) == []


def test_adding_an_address_from_checkout_goes_back_there(store, ada):
    checkout = url("checkout", store)
    response = signed_in(ada).post(url("address_add", store), {**ADDRESS, "next": checkout})
    assert response["Location"] == checkout
    evil = signed_in(ada).post(
        url("address_add", store), {**ADDRESS, "next": "https://evil.example/"}
    )
    assert evil["Location"] == url("account", store)


def test_another_shoppers_address_is_not_found_and_unchanged(store, ada):
    grace = make_shopper(store, email="grace@example.com")
    theirs = add_address(grace)
    before = model_to_dict(theirs)
    client = signed_in(ada)
    assert client.get(url("address_edit", store, theirs.pk)).status_code == 404
    assert client.post(url("address_edit", store, theirs.pk), ADDRESS).status_code == 404
    assert client.post(url("address_delete", store, theirs.pk)).status_code == 404
    assert client.post(url("address_default", store, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert model_to_dict(theirs) == before


def test_voice_code(store, ada):
    client = signed_in(ada)
    mismatch = client.post(url("voice_code", store), {"code": "1234", "code_again": "1243"})
    letters = client.post(url("voice_code", store), {"code": "12a4", "code_again": "12a4"})
    short = client.post(url("voice_code", store), {"code": "123", "code_again": "123"})
    assert mismatch.status_code == 400
    assert "The two codes differ." in mismatch.content.decode()
    assert "Four digits, please." in letters.content.decode()
    assert "Four digits, please." in short.content.decode()
    ada.refresh_from_db()
    assert ada.voice_code_hash == ""

    done = client.post(url("voice_code", store), {"code": "4821", "code_again": "4821"})
    assert done.status_code == 302
    ada.refresh_from_db()
    assert ada.voice_code_hash != "" and "4821" not in ada.voice_code_hash


def test_download_my_data(store, ada):
    add_address(ada)
    order = order_for(ada)
    response = signed_in(ada).get(url("data_download", store))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{store.slug}-my-data-'
    )
    data = json.loads(response.content)
    text = json.dumps(data)
    assert "ada@example.com" in text and order.number in text and "1 Main St" in text


def test_delete_account_asks_for_the_password(store, ada):
    order = order_for(ada)
    client = signed_in(ada)
    wrong = client.post(url("delete_account", store), {"password": "not-it"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    assert ShopperAccount.objects.filter(pk=ada.pk).exists()

    done = client.post(url("delete_account", store), {"password": PASSWORD})
    assert done.status_code == 302 and done["Location"] == url("home", store)
    assert not ShopperAccount.objects.filter(pk=ada.pk).exists()
    assert not User.objects.filter(pk=ada.user_id).exists()
    order.refresh_from_db()
    assert order.email == "" and Customer.objects.get(pk=order.customer_id).email == ""
    assert client.get(url("account", store)).status_code == 302  # signed out


def test_unlink_alexa_revokes_the_accounts_tokens(store, ada):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, RefreshToken

    from linking.services import alexa_client_rotate

    client_app, _secret = alexa_client_rotate(
        store=store, redirect_uris=["https://pitangui.amazon.com/api/skill/link/M2TEST"]
    )
    access = AccessToken.objects.create(
        user=ada.user,
        application=client_app.application,
        token="alexa-access-token",
        expires=timezone.now() + timedelta(hours=1),
        scope="profile cart orders",
    )
    RefreshToken.objects.create(
        user=ada.user,
        application=client_app.application,
        token="alexa-refresh",
        access_token=access,
    )
    client = signed_in(ada)
    page = client.get(url("account", store)).content.decode()
    assert "Alexa is linked" in page and "Unlink Alexa" in page

    response = client.post(url("unlink", store), follow=True)

    assert "Alexa is no longer linked to your account." in response.content.decode()
    assert "Alexa is not linked." in response.content.decode()
    assert not AccessToken.objects.filter(user=ada.user).exists()
    assert RefreshToken.objects.get(user=ada.user).revoked is not None
