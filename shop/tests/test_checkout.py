"""Checkout against localstripe: the cart's totals (the voice flow's tax and shipping), the
default address and card chosen, the order placed as a web order, the form posted twice
placing one order, a declined card and a card needing 3-D Secure placing nothing, and
mistakes answered in words."""

from decimal import Decimal

import pytest

from cards import services as cards
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderChannel, OrderStatus
from shoppers import services as shoppers
from shoppers.models import CartLine

from .helpers import add_address, make_shopper, product, signed_in, url

pytestmark = pytest.mark.django_db

DECLINED_WHEN_CHARGED = "4000000000000341"
NEEDS_AUTHENTICATION = "4000002500003155"


@pytest.fixture
def store(localstripe):
    return StoreFactory(name="No Nicks", shipping_fee=Decimal("4.99"))


@pytest.fixture
def ada(store):
    return make_shopper(store)


@pytest.fixture
def razor(store):
    return product(store, name="Razor", price="20.00", stock=5)


def placed(account):
    return list(
        Order.objects.filter(customer=account.customer)
        .exclude(status=OrderStatus.DRAFT)
        .values_list("channel", "total")
    )


def cart_of(account):
    return list(
        CartLine.objects.filter(cart__customer=account.customer).values_list(
            "product__name", "quantity"
        )
    )


def test_checkout_page_prices_the_cart_and_chooses_the_defaults(store, ada, razor):
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=2)
    home = add_address(ada)
    add_address(ada, line1="9 Work Rd")
    card = cards.card_save_for_test(customer=ada.customer)

    response = signed_in(ada).get(url("checkout", store))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="subtotal">$40.00</dd>' in page
    assert '<dd id="tax">$3.60</dd>' in page
    assert '<dd id="shipping">$4.99</dd>' in page
    assert '<dd id="total">$48.59</dd>' in page
    assert response.context["form"].initial == {"address": home.pk, "card": card.pk}
    assert "Visa ending in 4242" in page
    assert "Place order · $48.59" in page


def test_place_an_order_with_a_saved_card(store, ada, razor):
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=2)
    address = add_address(ada)
    card = cards.card_save_for_test(customer=ada.customer)
    client = signed_in(ada)

    response = client.post(url("checkout", store), {"address": address.pk, "card": card.pk})

    order = Order.objects.get(customer=ada.customer, status=OrderStatus.PLACED)
    assert response.status_code == 302
    assert response["Location"] == url("order", store, order.number)
    assert (order.channel, order.total, order.shipping_address["addressLine1"]) == (
        OrderChannel.WEB,
        Decimal("48.59"),
        "1 Main St",
    )
    assert cart_of(ada) == []
    page = client.get(response["Location"]).content.decode()
    assert f"Thank you! Order {order.number} is placed." in page

    # The same form again (a double click): the same order, no second one.
    again = client.post(url("checkout", store), {"address": address.pk, "card": card.pk})
    assert again["Location"] == url("order", store, order.number)
    assert placed(ada) == [(OrderChannel.WEB, Decimal("48.59"))]


def test_a_declined_card_places_nothing(store, ada, razor):
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=1)
    address = add_address(ada)
    card = cards.card_save_for_test(customer=ada.customer, number=DECLINED_WHEN_CHARGED)

    response = signed_in(ada).post(url("checkout", store), {"address": address.pk, "card": card.pk})

    assert response.status_code == 400
    assert (
        "Your card was declined. Nothing was charged: choose another card, or try again in a "
        "moment." in response.content.decode()
    )
    assert placed(ada) == []
    assert cart_of(ada) == [("Razor", 1)]


def test_a_card_needing_authentication_goes_to_the_finish_page(store, ada, razor):
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=1)
    address = add_address(ada)
    card = cards.card_save_for_test(customer=ada.customer, number=NEEDS_AUTHENTICATION)

    response = signed_in(ada).post(url("checkout", store), {"address": address.pk, "card": card.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(f"/shop/{store.slug}/pay/")
    assert placed(ada) == []
    assert cart_of(ada) == [("Razor", 1)]


def test_mistakes_in_words(store, ada, razor):
    client = signed_in(ada)
    empty = client.get(url("checkout", store))
    assert "Your cart is empty." in empty.content.decode()

    shoppers.cart_add(customer=ada.customer, product=razor, quantity=1)
    nothing = client.post(url("checkout", store), {})
    page = nothing.content.decode()
    assert nothing.status_code == 400
    assert "Choose where to deliver, or add an address first." in page
    assert "Choose the card to pay with, or add a card first." in page

    grace = make_shopper(store, email="grace@example.com")
    theirs = add_address(grace)
    their_card = cards.card_save_for_test(customer=grace.customer)
    stolen = client.post(url("checkout", store), {"address": theirs.pk, "card": their_card.pk})
    page = stolen.content.decode()
    assert "That address is not in your address book any more: choose one." in page
    assert "That card is not saved in your account any more: choose one." in page
    assert placed(ada) == [] and placed(grace) == []


def test_sold_out_since_it_was_added(store, ada, razor):
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=2)
    address = add_address(ada)
    card = cards.card_save_for_test(customer=ada.customer)
    type(razor).objects.filter(pk=razor.pk).update(stock=1)

    response = signed_in(ada).post(url("checkout", store), {"address": address.pk, "card": card.pk})

    assert response.status_code == 400
    assert "Some items are no longer available: Razor." in response.content.decode()
    assert placed(ada) == []


def test_pay_on_delivery_needs_no_card(localstripe):
    store = StoreFactory(payment_mode=PaymentMode.PAY_ON_DELIVERY)
    ada = make_shopper(store)
    shoppers.cart_add(customer=ada.customer, product=product(store, price="10.00"), quantity=1)
    address = add_address(ada)
    client = signed_in(ada)
    assert "Pay on delivery" in client.get(url("checkout", store)).content.decode()
    response = client.post(url("checkout", store), {"address": address.pk, "card": ""})
    assert response.status_code == 302
    assert placed(ada) == [(OrderChannel.WEB, Decimal("10.80"))]
