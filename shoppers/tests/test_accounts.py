"""Deleting an account (the erasure rule: personal data goes, order facts stay) and "download
my data"."""

from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from cards import models as card_models
from cards import selectors as card_selectors
from cards import services as cards
from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import CustomerEvent, CustomerEventType, Order, OrderStatus
from shoppers import services
from shoppers.models import Cart, CartLine, ShopperAccount, ShopperAddress, WishListItem
from shoppers.selectors import account_export

from .factories import ShopperAccountFactory, ShopperAddressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    store = StoreFactory(
        name="No Nicks", payment_mode=PaymentMode.PAY_ON_DELIVERY, tax_rate=Decimal("0.08")
    )
    return ShopperAccountFactory(store=store, email="ada@example.com", name="Ada")


def order_something(account, sku="SOAP", price="5.00", quantity=2):
    product = ProductFactory(store=account.store, sku=sku, name=sku.title(), price=Decimal(price))
    services.cart_add(customer=account.customer, product=product, quantity=quantity)
    return services.checkout_cart(
        account=account,
        address=ShopperAddress.objects.filter(account=account).first()
        or ShopperAddressFactory(account=account),
        card=None,
        source="web",
        locale="en-US",
    ).order


def test_deleting_the_account_erases_the_person_and_keeps_the_order_facts(
    account, monkeypatch, django_capture_on_commit_callbacks
):
    forgotten = []
    original = cards.customer_stripe_forget

    def forget(*, customer):
        forgotten.append(customer.pk)
        return original(customer=customer)

    monkeypatch.setattr(cards, "customer_stripe_forget", forget)
    order = order_something(account)
    brush = ProductFactory(store=account.store)
    services.cart_add(customer=account.customer, product=brush)
    services.wishlist_add(customer=account.customer, product=brush)
    AccessAttempt.objects.create(
        username=f"shopper:{account.store_id}:ada@example.com",
        ip_address="10.0.0.1",
        user_agent="",
        failures_since_start=2,
    )
    neighbour = ShopperAccountFactory(store=account.store)
    services.cart_add(customer=neighbour.customer, product=brush)
    user_id, customer, number = account.user_id, account.customer, order.number

    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(account=account)

    assert forgotten == [customer.pk]
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not ShopperAccount.objects.filter(pk=account.pk).exists()
    assert not ShopperAddress.objects.filter(account_id=account.pk).exists()
    assert not Cart.objects.filter(customer=customer).exists()
    assert not WishListItem.objects.filter(customer=customer).exists()
    assert not AccessAttempt.objects.exists()
    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.alexa_user_id.startswith("erased:")
    assert (customer.email, customer.name, customer.shipping_address) == ("", "", {})
    assert list(
        CustomerEvent.objects.filter(customer=customer, type=CustomerEventType.ERASED).values_list(
            "source", flat=True
        )
    ) == ["web"]
    order.refresh_from_db()
    assert (order.number, order.status, order.total, order.customer_id) == (
        number,
        OrderStatus.PLACED,
        Decimal("10.80"),
        customer.pk,
    )
    assert order.email == ""
    assert order.shipping_address == {"stateOrRegion": "WA", "countryCode": "US"}
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("SOAP", 2)]
    # The neighbour's account is untouched.
    neighbour.refresh_from_db()
    assert CartLine.objects.filter(cart__customer=neighbour.customer).count() == 1


def test_download_my_data(account, monkeypatch):
    account.email_verified_at = account.created_at
    account.save()
    home = ShopperAddressFactory(account=account)
    order = order_something(account, sku="SOAP", price="5.00", quantity=2)
    Order.objects.filter(pk=order.pk).update(carrier="UPS", tracking_number="1Z999")
    brush = ProductFactory(store=account.store, sku="BRUSH", name="Brush")
    services.cart_add(customer=account.customer, product=brush, quantity=3)
    wish = services.wishlist_add(customer=account.customer, product=brush)
    services.voice_code_set(account=account, code="4711")
    card = card_models.SavedCard(
        store=account.store,
        customer=account.customer,
        stripe_payment_method_id="pm_card_visa",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2030,
        is_default=True,
    )
    monkeypatch.setattr(
        card_selectors,
        "customer_cards",
        lambda customer: [card] if customer == account.customer else [],
    )
    # A cart the voice flow abandoned is not an order.
    Order.objects.create(
        store=account.store,
        customer=account.customer,
        number="1",
        currency="USD",
        payment_mode=account.store.payment_mode,
        status=OrderStatus.ABANDONED,
    )
    order.refresh_from_db()

    data = account_export(ShopperAccount.objects.get(pk=account.pk))

    assert data == {
        "account": {
            "store": "No Nicks",
            "email": "ada@example.com",
            "name": "Ada",
            "email_verified_at": account.created_at.isoformat(),
            "created_at": account.created_at.isoformat(),
            "voice_purchase_code_set": True,
        },
        "addresses": [
            {
                "name": "Ada Lovelace",
                "addressLine1": "12 Analytical Row",
                "addressLine2": "Flat 3",
                "city": "Seattle",
                "stateOrRegion": "WA",
                "postalCode": "98101",
                "countryCode": "US",
                "phone": "+1 206 555 0100",
                "is_default": True,
            }
        ],
        "cards": [
            {
                "brand": "visa",
                "last4": "4242",
                "exp_month": 12,
                "exp_year": 2030,
                "is_default": True,
            }
        ],
        "orders": [
            {
                "number": order.number,
                "channel": "web",
                "status": "placed",
                "payment_status": "pending",
                "placed_at": order.placed_at.isoformat(),
                "currency": "USD",
                "subtotal": "10.00",
                "tax": "0.80",
                "shipping": "0.00",
                "total": "10.80",
                "refunded": "0.00",
                "email": "ada@example.com",
                "shipping_address": home.as_order_address(),
                "carrier": "UPS",
                "tracking_number": "1Z999",
                "lines": [
                    {
                        "sku": "SOAP",
                        "name": "Soap",
                        "quantity": 2,
                        "unit_price": "5.00",
                        "line_total": "10.00",
                    }
                ],
            }
        ],
        "cart": [{"sku": "BRUSH", "name": "Brush", "quantity": 3}],
        "wish_list": [{"sku": "BRUSH", "name": "Brush", "added_at": wish.added_at.isoformat()}],
    }


def test_the_export_holds_nothing_of_another_shopper(account):
    neighbour = ShopperAccountFactory(store=account.store)
    order_something(neighbour)
    services.wishlist_add(customer=neighbour.customer, product=ProductFactory(store=account.store))
    data = account_export(account)
    assert (data["orders"], data["cart"], data["wish_list"], data["addresses"]) == ([], [], [], [])


def test_erasing_the_customer_by_voice_takes_the_linked_web_account(account):
    """SkillDisabled without keeping data erases the customer; the web account linked to it
    goes in the same transaction (orders.signals.customer_erased)."""
    ShopperAddressFactory(account=account)
    soap = ProductFactory(store=account.store)
    services.cart_add(customer=account.customer, product=soap)
    services.wishlist_add(customer=account.customer, product=soap)
    user_id, customer = account.user_id, account.customer
    neighbour = ShopperAccountFactory(store=account.store)

    orders.customer_erase(customer=customer)

    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not ShopperAccount.objects.filter(pk=account.pk).exists()
    assert not ShopperAddress.objects.filter(account_id=account.pk).exists()
    assert not Cart.objects.filter(customer=customer).exists()
    assert not WishListItem.objects.filter(customer=customer).exists()
    assert ShopperAccount.objects.filter(pk=neighbour.pk).exists()
