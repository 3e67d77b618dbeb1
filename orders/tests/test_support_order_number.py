"""Support order pages by the order number shown everywhere (``/support/orders/number/<n>/``)
and the search box going straight to an order given its exact number; both scoped by the
staff member's stores."""

import pytest
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order, OrderStatus
from orders.tests.helpers import open_cart, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return StoreFactory(payment_mode="charge_now")


@pytest.fixture
def agent(store, client):
    user = MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user
    client.force_login(user)
    return user


def by_number(number: str) -> str:
    return reverse("support:order_by_number", args=[number])


def detail(order) -> str:
    return reverse("support:order_detail", args=[order.pk])


def test_the_number_address_leads_to_the_orders_page(client, agent, store):
    order = place_order(store)
    assert by_number(order.number) == f"/support/orders/number/{order.number}/"
    response = client.get(by_number(order.number))
    assert (response.status_code, response["Location"]) == (302, detail(order))
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["order"] == order


def test_a_cart_is_reached_by_its_number_too(client, agent, store):
    cart = open_cart(store)
    assert cart.status == OrderStatus.DRAFT
    response = client.get(by_number(cart.number))
    assert (response.status_code, response["Location"]) == (302, detail(cart))


def test_another_stores_number_and_an_unknown_number_are_404s(client, agent, store):
    elsewhere = place_order(StoreFactory())
    assert not Order.objects.filter(store=store, number=elsewhere.number).exists()
    assert client.get(by_number(elsewhere.number)).status_code == 404
    assert client.get(by_number("999999999")).status_code == 404
    assert client.get(by_number("not-a-number")).status_code == 404


def test_a_number_two_of_ones_stores_share_opens_the_list_searched_for_it(client, store):
    other = StoreFactory()
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    MembershipFactory(store=other, user=owner, role=Role.OWNER)
    first = place_order(store)
    second = place_order(other)
    Order.objects.filter(pk=second.pk).update(number=first.number)
    client.force_login(owner)
    response = client.get(by_number(first.number))
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('support:order_list')}?q={first.number}",
    )
    listed = client.get(response["Location"])  # the search lists both, no redirect
    assert listed.status_code == 200
    assert sorted(o.pk for o in listed.context["orders"]) == sorted([first.pk, second.pk])


def test_a_catalog_editor_and_a_visitor_cannot_use_the_number_address(client, store):
    order = place_order(store)
    response = client.get(by_number(order.number))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user)
    assert client.get(by_number(order.number)).status_code == 403


def test_the_search_box_goes_straight_to_an_order_by_its_exact_number(client, agent, store):
    order = place_order(store)
    place_order(store)
    url = reverse("support:order_list")
    response = client.get(url, {"q": order.number})
    assert (response.status_code, response["Location"]) == (302, detail(order))
    # Another store's number finds nothing here: the list, empty.
    elsewhere = place_order(StoreFactory())
    other = client.get(url, {"q": elsewhere.number})
    assert other.status_code == 200 and list(other.context["orders"]) == []
    # A number with another filter that excludes it: the list, empty, no redirect.
    filtered = client.get(url, {"q": order.number, "status": "cancelled"})
    assert filtered.status_code == 200 and list(filtered.context["orders"]) == []
