"""Saved cards on the account pages, against localstripe: the card form (Stripe's element,
the Content Security Policy allowing Stripe.js), saving a SetupIntent confirmed in the
browser, mistakes in words, making a card the default, removing it (detached at Stripe)."""

import pytest

from cards import services as cards
from cards.models import SavedCard
from merchant.tests.factories import StoreFactory

from .helpers import make_shopper, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(localstripe):
    return StoreFactory(name="No Nicks")


@pytest.fixture
def ada(store):
    return make_shopper(store)


def confirm_in_the_browser(localstripe, setup_intent_id, client_secret, number="4242424242424242"):
    """What Stripe.js does on the page: confirm the SetupIntent with the card's details."""
    return localstripe.call(
        "POST",
        f"/v1/setup_intents/{setup_intent_id}/confirm",
        {
            "key": localstripe.publishable_key,
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
            },
        },
    )


def test_card_form_allows_stripe_js_and_saves_the_confirmed_card(store, ada, localstripe):
    client = signed_in(ada)
    checkout = url("checkout", store)
    page = client.get(url("card_add", store), {"next": checkout})

    assert page.status_code == 200
    setup = page.context["card_setup"]
    assert f'<script src="{localstripe.js_url}"' in page.content.decode()
    assert localstripe.api_base in page["Content-Security-Policy"]
    confirmed = confirm_in_the_browser(localstripe, setup.setup_intent_id, setup.client_secret)
    assert confirmed["status"] == "succeeded"

    saved = client.post(
        url("card_add", store) + f"?next={checkout}", {"setup_intent_id": setup.setup_intent_id}
    )

    assert saved.status_code == 302 and saved["Location"] == checkout
    card = SavedCard.objects.get(customer=ada.customer)
    assert (card.describe(), card.is_default) == ("Visa ending in 4242", True)
    account = client.get(url("account", store)).content.decode()
    assert "Visa ending in 4242" in account and "pays by default" in account


def test_card_mistakes_in_words(store, ada):
    client = signed_in(ada)
    missing = client.post(url("card_add", store), {"setup_intent_id": ""})
    unknown = client.post(url("card_add", store), {"setup_intent_id": "seti_nothing"})
    assert missing.status_code == 400
    assert "The card was not saved: fill in the card details and try again." in (
        missing.content.decode()
    )
    assert unknown.status_code == 400
    assert "The card was not saved: That card setup is unknown." in unknown.content.decode()
    assert not SavedCard.objects.exists()


def test_another_shoppers_setup_is_not_saved_here(store, ada, localstripe):
    grace = make_shopper(store, email="grace@example.com")
    theirs = cards.card_setup_start(customer=grace.customer)
    confirm_in_the_browser(localstripe, theirs.setup_intent_id, theirs.client_secret)
    response = signed_in(ada).post(
        url("card_add", store), {"setup_intent_id": theirs.setup_intent_id}
    )
    assert response.status_code == 400
    assert "That card setup belongs to someone else." in response.content.decode()
    assert not SavedCard.objects.exists()


def test_default_and_remove(store, ada, localstripe):
    first = cards.card_save_for_test(customer=ada.customer)
    second = cards.card_save_for_test(customer=ada.customer, number="5555555555554444")
    client = signed_in(ada)

    client.post(url("card_default", store, second.pk))
    assert list(
        SavedCard.objects.filter(customer=ada.customer).order_by("pk").values_list("is_default")
    ) == [(False,), (True,)]

    removed = client.post(url("card_remove", store, second.pk), follow=True)

    assert f"{second.describe()} is removed from your account." in removed.content.decode()
    assert list(
        SavedCard.objects.filter(customer=ada.customer).values_list("pk", "is_default")
    ) == [(first.pk, True)]
    method = localstripe.call("GET", f"/v1/payment_methods/{second.stripe_payment_method_id}")
    assert method["customer"] is None


def test_a_store_without_stripe_keys_says_so(ada, store, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    response = signed_in(ada).get(url("card_add", store), follow=True)
    assert "Cards cannot be added at the moment:" in response.content.decode()
