"""Checkouts that never became an order are findable in the support console: a cart whose
payment was declined, or one the shopper left behind, appears under the "Checkouts" filter
with the decline reason in words; the default list still shows orders only."""

from html import unescape

import pytest
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services
from orders.models import OrderStatus, PaymentState, PaymentTransaction
from orders.tests.helpers import decline_checkout, open_cart, place_order

pytestmark = pytest.mark.django_db

DECLINE_WORDS = (
    "Declined: the shopper's payment method was refused; they can change it in their Amazon "
    "account and order again (InvalidPaymentMethod)"
)


@pytest.fixture
def store(db):
    return StoreFactory(payment_mode="charge_now")


@pytest.fixture
def agent(client, store):
    user = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    client.force_login(user)
    return user


def listing(client, **params):
    response = client.get(reverse("support:order_list"), params)
    assert response.status_code == 200
    return response


def text(response) -> str:
    return unescape(response.content.decode())


def numbers(response):
    return [order.number for order in response.context["orders"]]


def test_a_declined_cart_appears_under_the_filter_with_its_reason_in_words(client, agent, store):
    placed = place_order(store)
    declined = decline_checkout(open_cart(store))
    left = open_cart(store, name="Ada Lovelace")

    assert numbers(listing(client)) == [placed.number]  # the default list: orders only

    response = listing(client, checkout="declined")
    assert numbers(response) == [declined.number]
    html = text(response)
    assert DECLINE_WORDS in html
    assert 'class="badge declined">Declined</span>' in html
    assert response.context["count"] == 1

    assert numbers(listing(client, checkout="unfinished")) == [left.number, declined.number]
    # The filters that never matched carts now find them.
    assert numbers(listing(client, payment_status="declined")) == [declined.number]
    assert numbers(listing(client, status="draft")) == [left.number, declined.number]
    assert numbers(listing(client, checkout="declined", q="Grace")) == [declined.number]


def test_an_abandoned_cart_with_a_declined_payment_is_listed_too(client, agent, store):
    declined = decline_checkout(open_cart(store))
    services.cart_abandon(order=declined)
    response = listing(client, checkout="declined")
    assert numbers(response) == [declined.number]
    assert response.context["orders"][0].status == OrderStatus.ABANDONED
    assert DECLINE_WORDS in text(response)


def test_the_cart_page_says_the_checkout_failed_and_why(client, agent, store):
    declined = decline_checkout(open_cart(store), reason_code="AmazonRejected")
    response = client.get(reverse("support:order_detail", args=[declined.pk]))
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Checkout " + declined.number in html
    assert "This checkout was not completed" in html
    txn = PaymentTransaction.objects.get(order=declined, state=PaymentState.DECLINED)
    assert (
        f"Payment declined {txn.created_at:%Y-%m-%d %H:%M}: Declined by Amazon Pay "
        "(AmazonRejected)." in html
    )
    # Nothing but a note can be done to a cart; its actions say why.
    assert reverse("support:order_action", args=[declined.pk, "cancel"]) not in html
    page = client.get(reverse("support:order_action", args=[declined.pk, "cancel"]))
    assert "This checkout was never completed: there is no order to act on yet." in text(page)
    note = client.post(
        reverse("support:order_action", args=[declined.pk, "note"]),
        {"text": "Called: will retry tomorrow"},
    )
    assert note.status_code == 302


def test_another_stores_declined_cart_stays_hidden(client, agent, store):
    theirs = decline_checkout(open_cart(StoreFactory(payment_mode="charge_now")))
    assert numbers(listing(client, checkout="declined")) == []
    response = client.get(reverse("support:order_detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_the_export_follows_the_checkout_filter(client, agent, store):
    declined = decline_checkout(open_cart(store))
    place_order(store)
    response = client.get(reverse("support:order_export"), {"checkout": "declined"})
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(f"{declined.number},")
