"""Keys per store (encrypted, write-only in the admin) against the environment's, one
shopper's cards out of another's reach, erasure at Stripe, test cards only on localstripe."""

import pytest
import stripe
from django.forms.models import model_to_dict

from cards import services as cards
from cards.admin import StripeSettingsForm
from cards.config import stripe_config
from cards.errors import CardNotFound, NotLocalStripe, StripeNotConfigured
from cards.models import SavedCard, StripeCustomer, StripeSettings
from cards.tests.factories import draft_order
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.customer_sections import CustomerSection, customer_sections
from orders.models import OrderStatus, PaymentTransaction
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(localstripe):
    return StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)


def test_a_store_without_keys_uses_the_environments(store, localstripe):
    config = stripe_config(store)
    assert (config.secret_key, config.publishable_key, config.webhook_secret) == (
        "sk_test_localstripe", "pk_test_localstripe", "whsec_test_localstripe",
    )  # fmt: skip
    assert (config.api_base, config.js_url, config.capture) == (
        localstripe.api_base, localstripe.js_url, "on_shipping",
    )  # fmt: skip


def test_a_stores_own_keys_are_encrypted_and_used(store, settings):
    own = StripeSettings(store=store, publishable_key="pk_test_own", capture="at_once")
    own.set_secret_key("sk_test_own_secret")
    own.set_webhook_secret("whsec_own")
    own.save()

    assert "sk_test_own_secret" not in own.secret_key_encrypted
    config = stripe_config(store)
    assert (config.secret_key, config.publishable_key, config.webhook_secret) == (
        "sk_test_own_secret", "pk_test_own", "whsec_own",
    )  # fmt: skip
    assert config.capture_at_once is True
    # Another store keeps the environment's keys.
    assert stripe_config(StoreFactory()).secret_key == "sk_test_localstripe"


def test_the_stores_key_is_the_one_sent(store):
    """localstripe refuses a key that is not sk_…: the store's own key is what it got."""
    own = StripeSettings(store=store)
    own.set_secret_key("rk_refused_by_localstripe")
    own.save()
    customer = CustomerFactory(store=store)

    with pytest.raises(stripe.AuthenticationError):
        cards.card_setup_start(customer=customer)
    assert StripeCustomer.objects.count() == 0


def test_no_keys_anywhere_means_no_cards(store, settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(StripeNotConfigured):
        cards.card_setup_start(customer=CustomerFactory(store=store))


def form_for(instance, **changes):
    data = {k: v for k, v in model_to_dict(instance).items() if v is not None}
    data.update(changes)
    return StripeSettingsForm(data=data, instance=instance)


def test_admin_keys_are_write_only(admin_client, store):
    own = StripeSettings.objects.create(store=store)
    form = form_for(own, secret_key="sk_test_typed", webhook_secret="whsec_typed")
    assert form.is_valid(), form.errors
    form.save()

    page = admin_client.get(f"/admin/cards/stripesettings/{own.pk}/change/").content.decode()
    own.refresh_from_db()
    assert "sk_test_typed" not in page and own.secret_key_encrypted not in page
    assert "whsec_typed" not in page
    assert page.count("Set. Leave empty to keep it") == 2

    form = form_for(own)  # saved without typing: kept
    assert form.is_valid(), form.errors
    form.save()
    own.refresh_from_db()
    assert (own.secret_key(), own.webhook_secret()) == ("sk_test_typed", "whsec_typed")

    form = form_for(own, forget_secret_key="on")
    assert form.is_valid(), form.errors
    form.save()
    own.refresh_from_db()
    assert (own.secret_key(), own.webhook_secret()) == ("", "whsec_typed")

    refused = form_for(own, secret_key="pk_test_wrong_kind")
    assert not refused.is_valid()
    assert refused.errors["secret_key"] == ["A Stripe secret key starts with sk_ (or rk_)."]


def test_another_shoppers_card_cannot_pay_or_be_removed(store, localstripe):
    ada, bob = CustomerFactory(store=store), CustomerFactory(store=store)
    adas_card = cards.card_save_for_test(customer=ada)
    bobs_order = draft_order(bob)

    with pytest.raises(CardNotFound):
        cards.order_pay_with_card(
            order=bobs_order, card=adas_card, off_session=True, actor_label=orders.SHOPPER
        )
    with pytest.raises(CardNotFound):
        cards.card_remove(customer=bob, card=adas_card)
    with pytest.raises(CardNotFound):
        cards.card_set_default(customer=bob, card=adas_card)

    bobs_order.refresh_from_db()
    assert bobs_order.status == OrderStatus.DRAFT
    assert PaymentTransaction.objects.count() == 0
    assert SavedCard.objects.get(pk=adas_card.pk).customer_id == ada.pk
    method = localstripe.call("GET", f"/v1/payment_methods/{adas_card.stripe_payment_method_id}")
    assert method["customer"] == ada.stripe_customer.stripe_id


def test_a_card_of_another_store_cannot_pay(store, localstripe):
    ada = CustomerFactory(store=store)
    card = cards.card_save_for_test(customer=ada)
    elsewhere = CustomerFactory(store=StoreFactory(payment_mode=PaymentMode.CHARGE_LATER))
    order = draft_order(elsewhere)
    SavedCard.objects.filter(pk=card.pk).update(customer=elsewhere)  # a forged row
    card.refresh_from_db()

    with pytest.raises(CardNotFound):
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )
    assert PaymentTransaction.objects.count() == 0


def test_forgetting_a_shopper_deletes_the_stripe_customer_after_commit(
    store, localstripe, django_capture_on_commit_callbacks
):
    ada = CustomerFactory(store=store)
    cards.card_save_for_test(customer=ada)
    stripe_id = ada.stripe_customer.stripe_id

    with django_capture_on_commit_callbacks(execute=True):
        cards.customer_stripe_forget(customer=ada)

    assert SavedCard.objects.filter(customer=ada).count() == 0
    assert StripeCustomer.objects.filter(customer=ada).count() == 0
    assert localstripe.call("GET", f"/v1/customers/{stripe_id}")["http_status"] == 404


def test_test_cards_only_on_localstripe(store, settings):
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    with pytest.raises(NotLocalStripe):
        cards.card_save_for_test(customer=CustomerFactory(store=store))
    assert SavedCard.objects.count() == 0


def test_erasing_a_customer_forgets_their_cards_and_stripe_customer(
    store, localstripe, django_capture_on_commit_callbacks
):
    ada = CustomerFactory(store=store)
    cards.card_save_for_test(customer=ada)
    stripe_id = ada.stripe_customer.stripe_id
    bob = CustomerFactory(store=store)
    bobs = cards.card_save_for_test(customer=bob)

    with django_capture_on_commit_callbacks(execute=True):
        orders.customer_erase(customer=ada)

    assert SavedCard.objects.filter(customer=ada).count() == 0
    assert StripeCustomer.objects.filter(customer=ada).count() == 0
    assert localstripe.call("GET", f"/v1/customers/{stripe_id}")["http_status"] == 404
    assert list(SavedCard.objects.all()) == [bobs]


def test_the_support_console_shows_saved_cards(store, localstripe):
    ada = CustomerFactory(store=store)
    assert customer_sections(ada) == []
    cards.card_save_for_test(customer=ada, exp_month=3, exp_year=2031)
    cards.card_save_for_test(customer=ada, number="5555555555554444", exp_month=11, exp_year=2032)

    assert customer_sections(ada) == [
        CustomerSection(
            title="Saved cards",
            rows=[
                ("Visa ending in 4242", "expires 03/2031, default"),
                ("Visa ending in 4444", "expires 11/2032"),
            ],
            empty="No saved cards.",
            order=40,
        )
    ]
