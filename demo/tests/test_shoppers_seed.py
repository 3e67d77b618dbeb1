"""The demo's shopper accounts: three web shoppers with an address, a cart, a wish list and a
saved test card (localstripe), one linked to the demo's Alexa user."""

import pytest

from cards.selectors import customer_cards
from demo.seed import DEMO_PASSWORD, seed_demo_store
from demo.shoppers_seed import DEMO_LINKED_USER_ID, seed_demo_shoppers
from linking.selectors import linked_access
from shoppers.models import ShopperAccount
from shoppers.selectors import cart_summary, default_address, wishlist_items

pytestmark = pytest.mark.django_db


def test_three_shoppers_with_carts_wish_lists_cards_and_one_linked(localstripe, client):
    store = seed_demo_store().store
    summary = seed_demo_shoppers(store, password=DEMO_PASSWORD)
    assert summary.accounts == [
        "ava.reed@example.com",
        "ben.ortiz@example.com",
        "chloe.martin@example.com",
    ]
    assert (summary.cards, summary.cards_skipped) == (3, "")
    accounts = {a.email: a for a in ShopperAccount.objects.filter(store=store)}
    assert all(a.email_verified_at is not None for a in accounts.values())
    carts = {
        email: [(line.product.sku, line.quantity) for line in cart_summary(a.customer).lines]
        for email, a in accounts.items()
    }
    assert carts == {
        "ava.reed@example.com": [("NN-KIT", 1), ("NN-CREAM-6", 2)],
        "ben.ortiz@example.com": [("NN-BLADES-8", 1)],
        "chloe.martin@example.com": [("NN-BLADES-8", 2)],
    }
    wishes = {
        email: sorted(item.product.sku for item in wishlist_items(a.customer))
        for email, a in accounts.items()
    }
    assert wishes == {
        "ava.reed@example.com": ["NN-BLADES-8"],
        "ben.ortiz@example.com": ["NN-CREAM-6", "NN-KIT"],
        "chloe.martin@example.com": ["NN-CREAM-6"],
    }
    for account in accounts.values():
        assert [c.describe() for c in customer_cards(account.customer)] == ["Visa ending in 4242"]
        assert default_address(account) is not None
    ava = accounts["ava.reed@example.com"]
    assert ava.customer.alexa_user_id == DEMO_LINKED_USER_ID
    access = linked_access(store=store, access_token=summary.linked_token)
    assert access is not None and access.account == ava
    # The shop takes the demo password.
    page = client.post(
        "/shop/no-nicks/login/", {"email": "ben.ortiz@example.com", "password": DEMO_PASSWORD}
    )
    assert page.status_code == 302

    # Seeding again keeps everything: no second account, card or token.
    again = seed_demo_shoppers(store, password=DEMO_PASSWORD)
    assert (again.cards, again.linked_token) == (3, "")
    assert ShopperAccount.objects.filter(store=store).count() == 3
    assert sum(len(customer_cards(a.customer)) for a in accounts.values()) == 3
