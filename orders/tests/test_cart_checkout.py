"""``cart_set_checkout``: a checkout's codes, shipping option and delivery contact set on the
cart under one lock and priced once, with the same refusals as every cart service."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from discounts.tests.factories import DiscountFactory
from merchant.tests.factories import StoreFactory
from orders import services
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order, OrderSource
from orders.tests.helpers import make_customer, place_order

pytestmark = pytest.mark.django_db

ADDRESS = {"addressLine1": "1 Elm St", "city": "Springfield", "countryCode": "US"}


def cart_of(store, *, price="20.00", quantity=2):
    customer = make_customer(store)
    cart = services.cart_start(customer=customer, locale="en-US", source=OrderSource.AGENT)
    product = ProductFactory(store=store, price=Decimal(price), stock=10)
    return services.cart_set_items(
        order=cart, items=[services.CartItem(product=product, quantity=quantity)]
    ).order


def test_codes_option_and_contact_are_set_and_priced_once(django_assert_num_queries):
    store = StoreFactory(tax_rate=Decimal("0.0800"), shipping_fee=Decimal("4.00"))
    DiscountFactory(store=store, code="SPRING", value=Decimal("10"))
    cart = cart_of(store)
    # Its savepoint and release (inside the test's transaction), the lock, the lines'
    # totals, the store's discounts, and one UPDATE for everything.
    with django_assert_num_queries(6):
        cart = services.cart_set_checkout(
            order=cart,
            discount_codes=["spring", "NOPE"],
            option_id="exp-ship",
            fee=Decimal("15.00"),
            email="ada@example.com",
            shipping_address=ADDRESS,
        )
    stored = Order.objects.get(pk=cart.pk)
    assert (stored.subtotal, stored.discount, stored.shipping) == (
        Decimal("40.00"),
        Decimal("4.00"),
        Decimal("15.00"),
    )
    assert (stored.tax, stored.total) == (Decimal("4.08"), Decimal("55.08"))
    assert stored.discount_codes == ["SPRING"]
    assert (stored.shipping_option, stored.shipping_option_fee) == ("exp-ship", Decimal("15.00"))
    assert (stored.email, stored.shipping_address) == ("ada@example.com", ADDRESS)


def test_no_option_means_the_stores_standard_shipping():
    store = StoreFactory(shipping_fee=Decimal("4.00"))
    cart = services.cart_set_checkout(
        order=cart_of(store),
        discount_codes=[],
        option_id="",
        fee=None,
        email="",
        shipping_address={},
    )
    stored = Order.objects.get(pk=cart.pk)
    assert (stored.shipping_option, stored.shipping_option_fee, stored.shipping) == (
        "",
        None,
        Decimal("4.00"),
    )


def test_a_negative_fee_and_a_placed_order_are_refused_and_nothing_changes():
    store = StoreFactory()
    cart = cart_of(store)
    with pytest.raises(OrderError) as refused:
        services.cart_set_checkout(
            order=cart,
            discount_codes=[],
            option_id="odd",
            fee=Decimal("-1.00"),
            email="ada@example.com",
            shipping_address=ADDRESS,
        )
    assert refused.value.code == OrderErrorCode.BAD_SHIPPING_FEE
    stored = Order.objects.get(pk=cart.pk)
    assert (stored.shipping_option, stored.email) == ("", "")

    placed = place_order(store)
    with pytest.raises(OrderError) as refused:
        services.cart_set_checkout(
            order=placed,
            discount_codes=[],
            option_id="",
            fee=None,
            email="other@example.com",
            shipping_address=ADDRESS,
        )
    assert refused.value.code == OrderErrorCode.NOT_A_CART
    assert Order.objects.get(pk=placed.pk).email == placed.email
