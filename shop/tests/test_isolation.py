"""Every shop URL that names an id, tried by a signed-in shopper with another shopper's ids
(same store) and with ids of another store: each answers 404 and nothing changes."""

import pytest
from django.forms.models import model_to_dict

from cards.models import SavedCard
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.tests.helpers import plan_snapshot, snapshot
from shoppers import services as shoppers
from shoppers.models import CartLine, ShopperAddress, WishListItem

from .helpers import add_address, make_shopper, order_for, product, signed_in, url

pytestmark = pytest.mark.django_db

# (URL name, method, which of the victim's ids it takes)
BY_ID = [
    ("order", "get", "order"),
    ("order_cancel", "post", "order"),
    ("order_refund_request", "post", "order"),
    ("refill_plan_pause", "post", "plan"),
    ("refill_plan_resume", "post", "plan"),
    ("refill_plan_skip", "post", "plan"),
    ("refill_plan_cancel", "post", "plan"),
    ("address_edit", "get", "address"),
    ("address_edit", "post", "address"),
    ("address_delete", "post", "address"),
    ("address_default", "post", "address"),
    ("card_remove", "post", "card"),
    ("card_default", "post", "card"),
]
# Product and category ids: a shopper's own cart, but another store's product.
BY_PRODUCT = [
    ("product", "get"),
    ("category", "get"),
    ("cart_add", "post"),
    ("cart_update", "post"),
    ("cart_remove", "post"),
    ("cart_save_for_later", "post"),
    ("wishlist_add", "post"),
    ("wishlist_remove", "post"),
    ("wishlist_move_to_cart", "post"),
]
FORM = {
    "quantity": "1",
    "name": "Mallory",
    "line1": "1 Evil Way",
    "city": "Nowhere",
    "postal_code": "00000",
    "country": "US",
}


def victim_rows(store, email):
    """A shopper of ``store`` with an order, a plan, an address, a saved card, a cart line
    and a wish-list item."""
    account = make_shopper(store, email=email)
    order = order_for(account)
    refill = product(store, refill_interval_weeks=4, repeat_purchase=True)
    plan = orders.refill_plan_create(
        customer=account.customer, product=refill, quantity=1, interval_weeks=4
    )
    address = add_address(account)
    card = SavedCard.objects.create(
        store=store,
        customer=account.customer,
        stripe_payment_method_id=f"pm_isolation_{account.pk}",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2031,
        is_default=True,
    )
    shoppers.cart_add(customer=account.customer, product=refill, quantity=2)
    shoppers.wishlist_add(customer=account.customer, product=refill)
    return account, {"order": order, "plan": plan, "address": address, "card": card}


def everything(account, rows):
    card = rows["card"]
    card.refresh_from_db()
    return {
        "order": snapshot(rows["order"]),
        "plan": plan_snapshot(rows["plan"]),
        "addresses": list(ShopperAddress.objects.filter(account=account).values()),
        "card": model_to_dict(card),
        "cart": list(CartLine.objects.filter(cart__customer=account.customer).values()),
        "wishlist": list(WishListItem.objects.filter(customer=account.customer).values()),
    }


def key(name, rows):
    return rows["order"].number if name == "order" else rows[name].pk


@pytest.mark.parametrize(("name", "method", "kind"), BY_ID)
def test_another_shoppers_ids_are_not_found(name, method, kind):
    store = StoreFactory()
    victim, rows = victim_rows(store, "victim@example.com")
    mallory = make_shopper(store, email="mallory@example.com")
    before = everything(victim, rows)

    response = getattr(signed_in(mallory), method)(url(name, store, key(kind, rows)), FORM)

    assert response.status_code == 404
    assert everything(victim, rows) == before


@pytest.mark.parametrize(("name", "method", "kind"), BY_ID)
def test_another_stores_ids_are_not_found(name, method, kind):
    store, other = StoreFactory(), StoreFactory()
    victim, rows = victim_rows(other, "victim@example.com")
    mallory = make_shopper(store, email="victim@example.com")  # the same email, another store
    before = everything(victim, rows)

    response = getattr(signed_in(mallory), method)(url(name, store, key(kind, rows)), FORM)

    assert response.status_code == 404
    assert everything(victim, rows) == before


@pytest.mark.parametrize(("name", "method"), BY_PRODUCT)
def test_another_stores_products_are_not_found(name, method):
    store, other = StoreFactory(), StoreFactory()
    victim, rows = victim_rows(other, "victim@example.com")
    theirs = rows["plan"].product
    mallory = make_shopper(store, email="mallory@example.com")
    mine = product(store)
    shoppers.cart_add(customer=mallory.customer, product=mine, quantity=1)
    before = (everything(victim, rows), everything_of_cart(mallory))
    target = theirs.category_id if name == "category" else theirs.pk

    response = getattr(signed_in(mallory), method)(url(name, store, target), FORM)

    assert response.status_code == 404
    assert (everything(victim, rows), everything_of_cart(mallory)) == before


def everything_of_cart(account):
    return (
        list(CartLine.objects.filter(cart__customer=account.customer).values()),
        list(WishListItem.objects.filter(customer=account.customer).values()),
    )
