"""The shopper's orders and refill plans: the list and the page (every channel), cancel while
allowed, a refund request, pause/resume/cancel a plan. Another shopper's or another store's
order or plan answers 404 and nothing changes."""

from datetime import timedelta

import pytest

from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import OrderStatus, RefillPlanStatus, RefundRequest
from orders.tests.helpers import plan_snapshot, snapshot

from .helpers import make_shopper, order_for, product, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(name="No Nicks")


@pytest.fixture
def ada(store):
    return make_shopper(store)


@pytest.fixture
def grace(store):
    return make_shopper(store, email="grace@example.com", name="Grace Hopper")


def test_order_list_shows_only_the_shoppers_placed_orders(store, ada, grace):
    mine = order_for(ada)
    order_for(grace)
    orders.cart_start(customer=ada.customer, locale="en-US")  # a cart is not an order

    response = signed_in(ada).get(url("orders", store))

    assert [o.number for o in response.context["page"].items] == [mine.number]
    assert f"Order {mine.number}" in response.content.decode()
    assert "ordered with Alexa" in response.content.decode()  # a voice order, same history


def test_order_page_shows_lines_totals_timeline_and_tracking(store, ada):
    order = order_for(ada, quantity=2, price="10.00")
    orders.order_ship(order=order, carrier="UPS", tracking_number="1Z999")

    page = signed_in(ada).get(url("order", store, order.number)).content.decode()

    assert '<p id="order-status" class="status">Shipped</p>' in page
    assert "Tracking: UPS 1Z999" in page
    assert '<dd id="order-total">$21.60</dd>' in page
    assert "Order placed" in page and "Shipped" in page
    assert "Payment authorized" not in page  # the back office's business
    assert "Cancel this order" not in page and "Ask for a refund" in page


def test_shopper_cancels_an_order_before_it_ships(store, ada):
    order = order_for(ada)
    client = signed_in(ada)

    response = client.post(url("order_cancel", store, order.number))

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.filter(type="cancelled", actor_label="shopper").count() == 1
    again = client.post(url("order_cancel", store, order.number), follow=True)
    assert "This order is already cancelled." in again.content.decode()


def test_a_shipped_order_cannot_be_cancelled_and_says_why(store, ada):
    order = order_for(ada)
    orders.order_ship(order=order, carrier="UPS", tracking_number="1Z")
    before = snapshot(order)
    response = signed_in(ada).post(url("order_cancel", store, order.number), follow=True)
    assert "it can no longer be cancelled. Ask for a refund instead." in response.content.decode()
    assert snapshot(order) == before


def test_refund_request_once(store, ada):
    order = order_for(ada)
    orders.order_ship(order=order, carrier="UPS", tracking_number="1Z")
    client = signed_in(ada)

    client.post(url("order_refund_request", store, order.number))
    again = client.post(url("order_refund_request", store, order.number), follow=True)

    request = RefundRequest.objects.get()
    assert (request.order, request.customer, request.channel) == (order, ada.customer, "web")
    assert "You already asked for a refund" in again.content.decode()
    assert "You asked for a refund on" in again.content.decode()


def test_another_shoppers_order_is_not_found_and_unchanged(store, ada, grace):
    theirs = order_for(grace)
    before = snapshot(theirs)
    client = signed_in(ada)
    for name in ("order",):
        assert client.get(url(name, store, theirs.number)).status_code == 404
    for name in ("order_cancel", "order_refund_request"):
        assert client.post(url(name, store, theirs.number)).status_code == 404
    assert snapshot(theirs) == before
    assert RefundRequest.objects.count() == 0


def test_another_stores_order_is_not_found_even_for_its_own_shopper(store, ada):
    other = StoreFactory()
    elsewhere = make_shopper(other, email=ada.email)  # the same email: another account
    theirs = order_for(elsewhere)
    before = snapshot(theirs)
    client = signed_in(ada)
    assert client.get(url("order", other, theirs.number)).status_code == 302  # not signed in there
    assert client.get(url("order", store, theirs.number)).status_code == 404
    assert client.post(url("order_cancel", store, theirs.number)).status_code == 404
    assert snapshot(theirs) == before


@pytest.fixture
def plan(store, ada):
    order_for(ada)  # gives the customer a billing agreement
    refill = product(store, refill_interval_weeks=8, repeat_purchase=True)
    return orders.refill_plan_create(
        customer=ada.customer, product=refill, quantity=1, interval_weeks=8
    )


def test_pause_resume_and_cancel_a_plan(store, ada, plan):
    client = signed_in(ada)
    listed = client.get(url("refill_plans", store))
    assert [p.pk for p in listed.context["plans"]] == [plan.pk]

    client.post(url("refill_plan_pause", store, plan.pk))
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.PAUSED
    refused = client.post(url("refill_plan_pause", store, plan.pk), follow=True)
    assert "Only an active plan can be paused or skipped." in refused.content.decode()

    client.post(url("refill_plan_resume", store, plan.pk))
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.ACTIVE

    client.post(url("refill_plan_cancel", store, plan.pk))
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.CANCELLED
    assert list(plan.events.values_list("type", "actor_label")) == [
        ("created", "shopper"),
        ("paused", "shopper"),
        ("resumed", "shopper"),
        ("cancelled", "shopper"),
    ]


def test_skip_the_next_refill_moves_the_renewal_one_interval(store, ada, plan):
    client = signed_in(ada)
    first = plan.next_run_at
    answer = client.post(url("refill_plan_skip", store, plan.pk), follow=True)
    assert "The next refill is skipped; the one after comes as planned." in answer.content.decode()
    plan.refresh_from_db()
    assert plan.next_run_at == first + timedelta(weeks=8)
    assert plan.status == RefillPlanStatus.ACTIVE
    event = plan.events.get(type="skipped")
    assert (event.actor_label, event.data) == (
        "shopper",
        {"next_run_at": plan.next_run_at.isoformat()},
    )
    client.post(url("refill_plan_pause", store, plan.pk))
    refused = client.post(url("refill_plan_skip", store, plan.pk), follow=True)
    assert "Only an active plan can be paused or skipped." in refused.content.decode()
    plan.refresh_from_db()
    assert plan.next_run_at == first + timedelta(weeks=8)


def test_another_shoppers_plan_is_not_found_and_unchanged(store, grace, plan):
    before = plan_snapshot(plan)
    client = signed_in(grace)
    for name in (
        "refill_plan_pause",
        "refill_plan_skip",
        "refill_plan_resume",
        "refill_plan_cancel",
    ):
        assert client.post(url(name, store, plan.pk)).status_code == 404
    assert client.get(url("refill_plans", store)).context["plans"] == []
    assert plan_snapshot(plan) == before


def test_order_pages_need_a_signed_in_shopper(client, store, ada):
    order = order_for(ada)
    response = client.get(url("order", store, order.number))
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/shop/{store.slug}/login/?next=%2Fshop%2F{store.slug}%2Forders%2F{order.number}%2F"
    )
