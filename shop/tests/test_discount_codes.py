"""Discount codes in the web shop: entered on the cart, shown as a discount line on the cart
and at checkout, refused in words (nothing changed), given to the order and counted when it
is placed; a code that stopped applying before checkout places nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from discounts.models import Discount, DiscountKind
from discounts.tests.factories import DiscountFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderStatus
from shoppers import services as shoppers
from shoppers.models import Cart

from .helpers import add_address, make_shopper, product, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    # Paid on delivery: the checkout needs no card (the card path is cards' own tests').
    return StoreFactory(
        name="No Nicks",
        shipping_fee=Decimal("4.99"),
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        amazon_pay_seller_id="",
    )


@pytest.fixture
def ada(store):
    account = make_shopper(store)
    razor = product(store, name="Razor", price="20.00", stock=5)
    shoppers.cart_add(customer=account.customer, product=razor, quantity=2)
    return account


@pytest.fixture
def save10(store):
    return DiscountFactory(store=store, code="SAVE10", title="10% off", usage_limit=1)


def codes_of(account):
    return Cart.objects.get(customer=account.customer).discount_codes


def test_a_code_shows_its_discount_line_on_the_cart_and_at_checkout(store, ada, save10):
    client = signed_in(ada)
    response = client.post(url("cart_discount_apply", store), {"code": " save10 "})
    assert (response.status_code, response["Location"]) == (302, url("cart", store))
    assert codes_of(ada) == ["SAVE10"]
    for page in (client.get(url("cart", store)), client.get(url("checkout", store))):
        html = page.content.decode()
        assert '<dd id="subtotal">$40.00</dd>' in html
        assert '<dd id="discount-1">−$4.00</dd>' in html
        assert '<dd id="tax">$3.28</dd>' in html  # 8 % of 36.00 + 4.99
        assert '<dd id="total">$44.27</dd>' in html
    assert Discount.objects.get(pk=save10.pk).times_used == 0  # counted only when placed


@pytest.mark.parametrize(
    ("make", "typed", "words"),
    [
        (None, "NOPE", "There is no discount code NOPE in this shop."),
        ({"ends_at": -1}, "OLD", "The discount code OLD has expired."),
        ({"starts_at": 1}, "SOON", "The discount code SOON is not valid yet."),
        ({"usage_limit": 1, "times_used": 1}, "GONE", "The discount code GONE has been used up."),
        ({"active": False}, "OFF", "The discount code OFF is no longer offered."),
        (None, "", "Type the discount code."),
        (None, "X" * 41, "Discount codes are at most 40 characters long."),
    ],
)
def test_a_code_that_does_not_apply_is_refused_in_words(store, ada, make, typed, words):
    if make is not None:
        now = timezone.now()
        fields = {
            key: now + timedelta(days=value) if key.endswith("_at") else value
            for key, value in make.items()
        }
        DiscountFactory(store=store, code=typed, **fields)
    response = signed_in(ada).post(url("cart_discount_apply", store), {"code": typed})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert codes_of(ada) == []


def test_another_stores_code_is_unknown_here(store, ada):
    DiscountFactory(store=StoreFactory(), code="THEIRS")
    response = signed_in(ada).post(url("cart_discount_apply", store), {"code": "THEIRS"})
    assert "There is no discount code THEIRS in this shop." in response.content.decode()
    assert codes_of(ada) == []


def test_a_code_is_removed_from_the_cart(store, ada, save10):
    client = signed_in(ada)
    client.post(url("cart_discount_apply", store), {"code": "SAVE10"})
    client.post(url("cart_discount_apply", store), {"code": "Save10"})  # once only
    assert codes_of(ada) == ["SAVE10"]
    client.post(url("cart_discount_remove", store), {"code": "save10"})
    assert codes_of(ada) == []
    assert '<dd id="total">$48.59</dd>' in client.get(url("cart", store)).content.decode()


def test_placing_the_order_gives_it_the_discount_and_counts_the_code(store, ada, save10):
    client = signed_in(ada)
    address = add_address(ada)
    client.post(url("cart_discount_apply", store), {"code": "SAVE10"})
    response = client.post(url("checkout", store), {"address": address.pk, "card": ""})
    order = Order.objects.get(customer=ada.customer, status=OrderStatus.PLACED)
    assert response["Location"] == url("order", store, order.number)
    assert (order.discount, order.discount_codes, order.total) == (
        Decimal("4.00"),
        ["SAVE10"],
        Decimal("44.27"),
    )
    assert Discount.objects.get(pk=save10.pk).times_used == 1
    assert codes_of(ada) == []


def test_a_code_that_stopped_applying_places_nothing_and_says_so(store, ada, save10):
    client = signed_in(ada)
    address = add_address(ada)
    client.post(url("cart_discount_apply", store), {"code": "SAVE10"})
    Discount.objects.filter(pk=save10.pk).update(times_used=1)  # another order used it up
    cart = client.get(url("cart", store)).content.decode()
    assert "The discount code SAVE10 has been used up." in cart
    assert '<dd id="total">$48.59</dd>' in cart
    response = client.post(url("checkout", store), {"address": address.pk, "card": ""})
    assert response.status_code == 400
    assert (
        "The discount code SAVE10 can no longer be used: remove it from your cart to go on."
        in response.content.decode()
    )
    assert not Order.objects.filter(customer=ada.customer).exclude(status=OrderStatus.DRAFT)
    assert Discount.objects.get(pk=save10.pk).times_used == 1
    client.post(url("cart_discount_remove", store), {"code": "SAVE10"})
    placed = client.post(url("checkout", store), {"address": address.pk, "card": ""})
    assert placed.status_code == 302
    order = Order.objects.get(customer=ada.customer, status=OrderStatus.PLACED)
    assert (order.discount, order.total) == (Decimal("0.00"), Decimal("48.59"))


def test_a_fixed_code_never_takes_more_than_the_items(store, ada):
    DiscountFactory(store=store, code="BIG", title="$100 off", kind=DiscountKind.FIXED, value=100)
    client = signed_in(ada)
    client.post(url("cart_discount_apply", store), {"code": "big"})
    html = client.get(url("cart", store)).content.decode()
    assert '<dd id="discount-1">−$40.00</dd>' in html
    assert '<dd id="total">$5.39</dd>' in html
