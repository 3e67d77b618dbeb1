"""Every shop URL that names an id, tried by a signed-in shopper with another shopper's ids
(same store) and with ids of another store: each answers 404 and nothing changes. The pages
of the signed-in shopper that name no id, opened under another store's address by a shopper
of this one, send to that store's login and change nothing there or here. Every URL of the
shop is in one of these lists, or in the list of pages anyone may open."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from cards.models import SavedCard
from linking.selectors import account_is_linked
from linking.tests.factories import make_alexa_client
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.tests.helpers import plan_snapshot, snapshot
from shop import urls as shop_urls
from shoppers import services as shoppers
from shoppers.models import CartLine, ShopperAccount, ShopperAddress, WishListItem

from .helpers import PASSWORD, add_address, make_shopper, order_for, product, signed_in, url

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


# The signed-in shopper's pages that name no id: (URL name, method).
OWN_PAGES = [
    ("cart", "get"),
    ("cart_discount_apply", "post"),
    ("cart_discount_remove", "post"),
    ("wishlist", "get"),
    ("checkout", "get"),
    ("checkout", "post"),
    ("orders", "get"),
    ("refill_plans", "get"),
    ("account", "get"),
    ("resend_verification", "post"),
    ("address_add", "post"),
    ("card_add", "get"),
    ("voice_code", "post"),
    ("unlink", "post"),
    ("data_download", "get"),
    ("delete_account", "post"),
]
# Pages anyone may open; their store scoping is tested where they are (test_catalog,
# test_auth: a verification or reset link of one store is refused at another).
# Tried for isolation in their own modules, with the objects they need.
TRIED_ELSEWHERE = {
    # test_linked_agents.py::test_another_stores_agent_is_not_found_and_nothing_changes
    "platform_unlink",
}

PUBLIC_PAGES = {
    "home",
    "search",
    "signup",
    "verify_email",
    "login",
    "logout",
    "password_reset",
    "password_reset_confirm",
}
EVERY_FIELD = {
    **FORM,
    "password": PASSWORD,
    "code": "1234",
    "code_again": "1234",
    "address": "1",
    "card": "1",
}
ALEXA_REDIRECT = "https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR"


def test_every_shop_url_is_tried_for_isolation():
    named = {pattern.name for pattern in shop_urls.urlpatterns}
    tried = (
        {name for name, _method, _kind in BY_ID}
        | {name for name, _method in BY_PRODUCT}
        | {name for name, _method in OWN_PAGES}
        | PUBLIC_PAGES
        | TRIED_ELSEWHERE
    )
    assert named - tried == set()
    assert tried - named == set()


def shopper_state(account):
    account.refresh_from_db()
    user = get_user_model().objects.get(pk=account.user_id)
    mine = {"user_id": account.user_id}
    return {
        "account": model_to_dict(account),
        "password": user.password,
        "addresses": list(ShopperAddress.objects.filter(account=account).values()),
        "cart": everything_of_cart(account),
        "access": list(AccessToken.objects.filter(**mine).values()),
        "refresh": list(RefreshToken.objects.filter(**mine).values()),
    }


def a_linked_shopper(store, email):
    account = make_shopper(store, email=email)
    add_address(account)
    shoppers.cart_add(customer=account.customer, product=product(store), quantity=2)
    shoppers.voice_code_set(account=account, code="4821")
    client, _secret = make_alexa_client(store, [ALEXA_REDIRECT])
    access = AccessToken.objects.create(
        user=account.user,
        application=client.application,
        token=f"iso-{account.pk}",
        expires=timezone.now() + timedelta(hours=1),
        scope="profile cart orders",
    )
    RefreshToken.objects.create(
        user=account.user,
        application=client.application,
        token=f"iso-refresh-{account.pk}",
        access_token=access,
    )
    return account


@pytest.mark.parametrize(("name", "method"), OWN_PAGES)
def test_own_pages_under_another_stores_address_send_to_its_login(name, method):
    store, other = StoreFactory(), StoreFactory()
    ada = a_linked_shopper(store, "ada@example.com")
    namesake = a_linked_shopper(other, "ada@example.com")  # the same email, another account
    before = (shopper_state(ada), shopper_state(namesake))

    response = getattr(signed_in(ada), method)(url(name, other), EVERY_FIELD)

    assert response.status_code == 302
    assert response["Location"].startswith(url("login", other) + "?next=")
    assert (shopper_state(ada), shopper_state(namesake)) == before
    assert ShopperAccount.objects.count() == 2
    assert account_is_linked(ada) and account_is_linked(namesake)
