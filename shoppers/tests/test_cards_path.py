"""Checkout and account deletion with real saved cards, against localstripe (the embedded
fake Stripe): the cards app's ``order_pay_with_card`` inside checkout's cart lock."""

from decimal import Decimal

import pytest

from cards import services as cards
from cards.errors import CardDeclined, CardNeedsAuthentication
from cards.models import SavedCard, StripeCustomer
from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import (
    Order,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentStatus,
    PaymentTransaction,
)
from shoppers import services
from shoppers.models import CartCheckout, CartLine
from shoppers.selectors import account_export

from .factories import ShopperAccountFactory, ShopperAddressFactory

pytestmark = pytest.mark.django_db

NEEDS_AUTH = "4000002760003184"
DECLINED_ON_CHARGE = "4000000000000341"


@pytest.fixture
def account(localstripe):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER, tax_rate=Decimal("0.08"))
    account = ShopperAccountFactory(store=store, email="ada@example.com")
    ShopperAddressFactory(account=account)
    soap = ProductFactory(store=store, sku="SOAP", price=Decimal("5.00"))
    services.cart_add(customer=account.customer, product=soap, quantity=2)
    return account


def cart_state(account):
    return sorted(
        CartLine.objects.filter(cart__customer=account.customer).values_list(
            "product__sku", "quantity"
        )
    )


def checkout(account, card):
    return services.checkout_cart(
        account=account,
        address=account.addresses.get(),
        card=card,
        source="voice",
        locale="en-US",
    )


def test_a_saved_card_is_authorized_and_the_cart_emptied(
    account, django_capture_on_commit_callbacks
):
    card = cards.card_save_for_test(customer=account.customer)
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout(account, card).order
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.authorized_amount, order.total) == (
        OrderStatus.PLACED,
        PaymentStatus.AUTHORIZED,
        Decimal("10.80"),
        Decimal("10.80"),
    )
    assert cart_state(account) == []
    assert account_export(account)["cards"] == [
        {
            "brand": "visa",
            "last4": "4242",
            "exp_month": 12,
            "exp_year": card.exp_year,
            "is_default": True,
        }
    ]


def test_a_card_declined_at_the_charge_places_nothing(account):
    card = cards.card_save_for_test(customer=account.customer, number=DECLINED_ON_CHARGE)
    with pytest.raises(CardDeclined):
        checkout(account, card)
    (draft,) = Order.objects.filter(customer=account.customer)
    assert (draft.status, draft.payment_status) == (OrderStatus.DRAFT, PaymentStatus.PENDING)
    # The decline is on the draft's ledger: it was committed, not rolled back with the lock.
    assert list(
        PaymentTransaction.objects.filter(order=draft).values_list(
            "kind", "state", "amount", "gateway"
        )
    ) == [(PaymentKind.AUTHORIZATION, PaymentState.DECLINED, Decimal("10.80"), "stripe")]
    assert cart_state(account) == [("SOAP", 2)]
    assert not CartCheckout.objects.exists()


def test_a_card_needing_3ds_sends_the_link_and_keeps_the_cart(
    account, django_capture_on_commit_callbacks, mailoutbox
):
    card = cards.card_save_for_test(customer=account.customer, number=NEEDS_AUTH)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(CardNeedsAuthentication) as needs:
            checkout(account, card)
    assert f"/shop/{account.store.slug}/pay/" in needs.value.finish_url
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]
    (draft,) = Order.objects.filter(customer=account.customer)
    assert draft.status == OrderStatus.DRAFT
    assert cart_state(account) == [("SOAP", 2)]
    assert CartCheckout.objects.get().order_id == draft.pk


def test_deleting_the_account_forgets_the_cards_and_the_stripe_customer(
    account, django_capture_on_commit_callbacks
):
    cards.card_save_for_test(customer=account.customer)
    assert StripeCustomer.objects.filter(customer=account.customer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(account=account)
    assert not SavedCard.objects.exists()
    assert not StripeCustomer.objects.exists()
