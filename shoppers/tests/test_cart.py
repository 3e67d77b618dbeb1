"""The shared cart and the wish list: exact quantities and totals (priced as the voice flow
prices an order), stock checked, another store's products refused with nothing changed."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory
from orders import services as orders
from shoppers import services
from shoppers.errors import ShopperError
from shoppers.models import CartLine, WishListItem
from shoppers.selectors import cart_count, cart_summary, wishlist_items

from .factories import ShopperAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(
        tax_rate=Decimal("0.0825"),
        shipping_fee=Decimal("4.99"),
        free_shipping_threshold=Decimal("50.00"),
    )


@pytest.fixture
def customer(store):
    return ShopperAccountFactory(store=store).customer


def cart_state(customer):
    return sorted(
        CartLine.objects.filter(cart__customer=customer).values_list("product__sku", "quantity")
    )


def test_adding_twice_adds_up_and_the_summary_prices_like_a_voice_order(store, customer):
    soap = ProductFactory(store=store, sku="SOAP", name="Soap", price=Decimal("3.50"))
    brush = ProductFactory(store=store, sku="BRUSH", name="Brush", price=Decimal("12.25"))
    services.cart_add(customer=customer, product=soap)
    line = services.cart_add(customer=customer, product=soap, quantity=2)
    services.cart_add(customer=customer, product=brush)
    assert line.quantity == 3
    assert cart_state(customer) == [("BRUSH", 1), ("SOAP", 3)]
    assert cart_count(customer) == 4

    summary = cart_summary(customer)
    assert [
        (line.product.sku, line.quantity, line.unit_price, line.line_total, line.available)
        for line in summary.lines
    ] == [
        ("SOAP", 3, Decimal("3.50"), Decimal("10.50"), True),
        ("BRUSH", 1, Decimal("12.25"), Decimal("12.25"), True),
    ]
    # 22.75 + 4.99 shipping (under the 50.00 threshold); tax 8.25 % of 27.74 = 2.29
    assert (summary.subtotal, summary.shipping, summary.tax, summary.total, summary.currency) == (
        Decimal("22.75"),
        Decimal("4.99"),
        Decimal("2.29"),
        Decimal("30.03"),
        "USD",
    )
    voice = orders.cart_set_items(
        order=orders.cart_start(customer=customer, locale="en-US"),
        items=[
            orders.CartItem(product=soap, quantity=3),
            orders.CartItem(product=brush, quantity=1),
        ],
    ).order
    assert (voice.subtotal, voice.shipping, voice.tax, voice.total) == (
        summary.subtotal,
        summary.shipping,
        summary.tax,
        summary.total,
    )


def test_tax_inclusive_store_and_free_shipping(customer, store):
    store.prices_include_tax = True
    store.tax_rate = Decimal("0.19")
    store.currency = "EUR"
    store.save()
    wine = ProductFactory(store=store, price=Decimal("25.00"))
    services.cart_add(customer=customer, product=wine, quantity=2)
    summary = cart_summary(customer)
    # 50.00 reaches the threshold: no shipping; 19 % contained in 50.00 = 7.98
    assert (summary.subtotal, summary.shipping, summary.tax, summary.total, summary.currency) == (
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("7.98"),
        Decimal("50.00"),
        "EUR",
    )


def test_a_line_that_ran_out_shows_unavailable_and_is_left_out_of_the_totals(store, customer):
    soap = ProductFactory(store=store, sku="SOAP", price=Decimal("3.50"), stock=5)
    brush = ProductFactory(store=store, sku="BRUSH", price=Decimal("12.25"))
    services.cart_add(customer=customer, product=soap, quantity=4)
    services.cart_add(customer=customer, product=brush)
    soap.stock = 2
    soap.save()
    summary = cart_summary(customer)
    assert [(line.product.sku, line.available) for line in summary.lines] == [
        ("SOAP", False),
        ("BRUSH", True),
    ]
    assert not summary.all_available
    assert (summary.subtotal, summary.total) == (Decimal("12.25"), Decimal("18.66"))


def test_more_than_the_stock_is_refused_and_nothing_changes(store, customer):
    soap = ProductFactory(store=store, name="Soap", stock=3)
    services.cart_add(customer=customer, product=soap, quantity=2)
    with pytest.raises(ShopperError) as refused:
        services.cart_add(customer=customer, product=soap, quantity=2)
    assert refused.value.code == "out_of_stock"
    assert refused.value.message == "Soap is not available in that quantity."
    with pytest.raises(ShopperError):
        services.cart_set_quantity(customer=customer, product=soap, quantity=4)
    assert cart_state(customer) == [(soap.sku, 2)]


def test_set_quantity_and_zero_removes(store, customer):
    soap = ProductFactory(store=store, sku="SOAP")
    services.cart_add(customer=customer, product=soap)
    assert services.cart_set_quantity(customer=customer, product=soap, quantity=7).quantity == 7
    assert cart_state(customer) == [("SOAP", 7)]
    assert services.cart_set_quantity(customer=customer, product=soap, quantity=0) is None
    assert cart_state(customer) == []
    with pytest.raises(ShopperError) as refused:
        services.cart_add(customer=customer, product=soap, quantity=0)
    assert refused.value.code == "bad_quantity"


def test_another_stores_product_is_refused_and_nothing_changes(store, customer):
    mine = ProductFactory(store=store, sku="MINE")
    theirs = ProductFactory(sku="THEIRS")
    services.cart_add(customer=customer, product=mine)
    services.wishlist_add(customer=customer, product=mine)
    for call in (
        lambda: services.cart_add(customer=customer, product=theirs),
        lambda: services.cart_set_quantity(customer=customer, product=theirs, quantity=1),
        lambda: services.cart_remove(customer=customer, product=theirs),
        lambda: services.wishlist_add(customer=customer, product=theirs),
        lambda: services.wishlist_remove(customer=customer, product=theirs),
        lambda: services.wishlist_move_to_cart(customer=customer, product=theirs),
    ):
        with pytest.raises(ShopperError) as refused:
            call()
        assert refused.value.code == "not_found"
    assert cart_state(customer) == [("MINE", 1)]
    assert list(WishListItem.objects.values_list("product__sku", flat=True)) == ["MINE"]


def test_one_shoppers_cart_is_not_anothers(store, customer):
    soap = ProductFactory(store=store)
    neighbour = ShopperAccountFactory(store=store).customer
    services.cart_add(customer=neighbour, product=soap, quantity=2)
    assert cart_summary(customer).lines == []
    assert cart_count(customer) == 0
    services.cart_remove(customer=customer, product=soap)
    assert cart_state(neighbour) == [(soap.sku, 2)]


def test_wish_list_add_once_remove_and_move_to_cart(store, customer):
    soap = ProductFactory(store=store, sku="SOAP")
    brush = ProductFactory(store=store, sku="BRUSH")
    first = services.wishlist_add(customer=customer, product=soap)
    assert services.wishlist_add(customer=customer, product=soap).pk == first.pk
    services.wishlist_add(customer=customer, product=brush)
    assert [item.product.sku for item in wishlist_items(customer)] == ["BRUSH", "SOAP"]

    line = services.wishlist_move_to_cart(customer=customer, product=soap, quantity=2)
    assert (line.product_id, line.quantity) == (soap.pk, 2)
    assert [item.product.sku for item in wishlist_items(customer)] == ["BRUSH"]
    assert cart_state(customer) == [("SOAP", 2)]

    services.wishlist_remove(customer=customer, product=brush)
    assert wishlist_items(customer) == []
    with pytest.raises(ShopperError) as refused:
        services.wishlist_move_to_cart(customer=customer, product=brush)
    assert refused.value.code == "not_found"
    assert cart_state(customer) == [("SOAP", 2)]


def test_moving_a_sold_out_item_keeps_it_on_the_wish_list(store, customer):
    gone = ProductFactory(store=store, stock=0)
    services.wishlist_add(customer=customer, product=gone)
    with pytest.raises(ShopperError) as refused:
        services.wishlist_move_to_cart(customer=customer, product=gone)
    assert refused.value.code == "out_of_stock"
    assert [item.product_id for item in wishlist_items(customer)] == [gone.pk]
    assert cart_state(customer) == []
