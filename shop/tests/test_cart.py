"""The cart and the wish list pages: add, change the quantity, remove, save for later, move
to cart; stock checked and answered in words; another store's product is not found and
nothing changes; the cart is the one the voice skill fills."""

import pytest

from merchant.tests.factories import StoreFactory
from shoppers import services as shoppers
from shoppers.models import CartLine, WishListItem

from .helpers import make_shopper, product, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(name="No Nicks")


@pytest.fixture
def ada(store):
    return make_shopper(store)


def lines(account):
    return list(
        CartLine.objects.filter(cart__customer=account.customer)
        .order_by("product__name")
        .values_list("product__name", "quantity")
    )


def wished(account):
    return list(
        WishListItem.objects.filter(customer=account.customer).values_list(
            "product__name", flat=True
        )
    )


def test_add_change_and_remove(store, ada):
    razor = product(store, name="Razor", price="20.00")
    client = signed_in(ada)

    added = client.post(url("cart_add", store, razor.pk), {"quantity": "2"})
    assert added.status_code == 302 and added["Location"] == url("cart", store)
    assert lines(ada) == [("Razor", 2)]

    page = client.get(url("cart", store))
    assert page.context["cart_count"] == 2
    body = page.content.decode()
    assert '<dd id="subtotal">$40.00</dd>' in body
    assert '<dd id="tax">$3.20</dd>' in body and '<dd id="total">$43.20</dd>' in body

    client.post(url("cart_update", store, razor.pk), {"quantity": "3"})
    assert lines(ada) == [("Razor", 3)]
    client.post(url("cart_update", store, razor.pk), {"quantity": "0"})
    assert lines(ada) == []


def test_remove_button(store, ada):
    razor = product(store, name="Razor")
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=1)
    response = signed_in(ada).post(url("cart_remove", store, razor.pk), follow=True)
    assert lines(ada) == []
    assert "Razor is out of your cart." in response.content.decode()


def test_more_than_in_stock_is_refused_in_words(store, ada):
    razor = product(store, name="Razor", stock=2)
    client = signed_in(ada)
    response = client.post(url("cart_add", store, razor.pk), {"quantity": "3"})
    assert response.status_code == 409
    assert "Razor is not available in that quantity." in response.content.decode()
    assert lines(ada) == []
    client.post(url("cart_add", store, razor.pk), {"quantity": "2"})
    too_many = client.post(url("cart_update", store, razor.pk), {"quantity": "5"})
    assert too_many.status_code == 400
    assert "Razor is not available in that quantity." in too_many.content.decode()
    assert lines(ada) == [("Razor", 2)]


def test_quantity_mistakes_are_answered_in_words(store, ada):
    razor = product(store, name="Razor")
    client = signed_in(ada)
    words = client.post(url("cart_add", store, razor.pk), {"quantity": "two"})
    zero = client.post(url("cart_add", store, razor.pk), {"quantity": "0"})
    assert "The quantity is a whole number, like 1 or 2." in words.content.decode()
    assert "The quantity starts at 1." in zero.content.decode()
    assert lines(ada) == []


def test_save_for_later_and_move_back(store, ada):
    razor = product(store, name="Razor")
    client = signed_in(ada)
    client.post(url("cart_add", store, razor.pk), {"quantity": "1"})

    client.post(url("cart_save_for_later", store, razor.pk))
    assert (lines(ada), wished(ada)) == ([], ["Razor"])
    listed = client.get(url("wishlist", store))
    assert [i.product.name for i in listed.context["items"]] == ["Razor"]

    client.post(url("wishlist_move_to_cart", store, razor.pk))
    assert (lines(ada), wished(ada)) == ([("Razor", 1)], [])


def test_wishlist_add_and_remove(store, ada):
    brush = product(store, name="Brush")
    client = signed_in(ada)
    client.post(url("wishlist_add", store, brush.pk))
    client.post(url("wishlist_add", store, brush.pk))  # twice: still once
    assert wished(ada) == ["Brush"]
    page = client.get(url("product", store, brush.pk)).content.decode()
    assert "On your <a" in page and "Add to wish list" not in page
    client.post(url("wishlist_remove", store, brush.pk))
    assert wished(ada) == []


def test_another_stores_product_is_not_found_and_nothing_changes(store, ada):
    theirs = product(StoreFactory(), name="Theirs")
    client = signed_in(ada)
    for name in (
        "cart_add",
        "cart_update",
        "cart_remove",
        "cart_save_for_later",
        "wishlist_add",
        "wishlist_remove",
        "wishlist_move_to_cart",
    ):
        assert client.post(url(name, store, theirs.pk), {"quantity": "1"}).status_code == 404
    assert (lines(ada), wished(ada)) == ([], [])


def test_each_shopper_sees_their_own_cart(store, ada):
    grace = make_shopper(store, email="grace@example.com")
    razor = product(store, name="Razor")
    shoppers.cart_add(customer=grace.customer, product=razor, quantity=4)
    assert signed_in(ada).get(url("cart", store)).context["summary"].lines == []
    assert lines(grace) == [("Razor", 4)]


def test_cart_and_wishlist_need_a_signed_in_shopper(client, store):
    razor = product(store)
    assert client.get(url("cart", store))["Location"].startswith(url("login", store))
    assert client.post(url("cart_add", store, razor.pk))["Location"].startswith(url("login", store))
    assert client.get(url("wishlist", store)).status_code == 302
