"""The support order page renders for an order in every status and with every kind of
timeline event (a cancel with restock once broke it for good), and a refund form sent twice
says the second time that nothing more was refunded."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services
from orders.models import OrderEvent, OrderEventType, PaymentKind, PaymentTransaction
from orders.tests.helpers import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return StoreFactory(payment_mode="charge_now")


@pytest.fixture
def agent(client, store):
    user = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    client.force_login(user)
    return user


def page(client, order):
    response = client.get(reverse("support:order_detail", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_cancelled_and_restocked_order_keeps_its_page(client, agent, store):
    order = place_order(store, quantity=2)
    services.order_cancel(order=order, actor=agent, restock=True, reason="Changed mind")
    sku = order.lines.get().sku
    for _ in range(2):  # every later view too
        html = page(client, order)
        assert "Restocked" in html
        assert f"{sku} × 2" in html


@pytest.mark.parametrize("status", ["placed", "shipped", "delivered", "cancelled", "refunded"])
def test_the_page_renders_in_every_status(client, agent, store, status):
    order = place_order(store)
    if status in {"shipped", "delivered"}:
        services.order_ship(order=order, carrier="UPS", tracking_number="1Z999", actor=agent)
    if status == "delivered":
        services.order_deliver(order=order, actor=agent)
    if status == "cancelled":
        services.order_cancel(order=order, actor=agent, restock=False)
    if status == "refunded":
        services.order_refund(order=order, reason="Broken", actor=agent)
    services.order_add_note(order=order, text="Called the shopper\nleft a message", actor=agent)
    html = page(client, order)
    assert order.number in html
    assert "Called the shopper<br>left a message" in html


@pytest.mark.parametrize("event_type", list(OrderEventType))
def test_the_page_renders_every_event_type_whatever_its_data(client, agent, store, event_type):
    order = place_order(store)
    OrderEvent.objects.create(
        store=store,
        order=order,
        type=event_type,
        data={"items": {"NN-KIT": 2}, "values": [1, 2], "keys": "k", "amount": "1.00"},
    )
    html = page(client, order)
    assert escape(event_type.label) in html  # "shopper's" is escaped in the page
    if event_type != OrderEventType.NOTE:  # a note shows its text only
        assert "NN-KIT × 2" in html


def test_a_refund_form_sent_twice_says_the_second_time_that_nothing_more_was_refunded(
    client, agent, store
):
    order = place_order(store)
    url = reverse("support:order_refund", args=[order.pk])
    key = client.get(url).context["form"].initial["key"]
    data = {"amount": "5.00", "reason": "Arrived late", "key": key, "confirm": "1"}
    first = client.post(url, data, follow=True).content.decode()
    assert "Refund pending: $5.00; Amazon Pay completes it shortly." in first
    second = client.post(url, data, follow=True).content.decode()
    assert "This refund of $5.00 was already made; nothing more was refunded." in second
    assert "Amazon Pay completes it shortly" not in second
    refunds = PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND)
    assert list(refunds.values_list("amount", flat=True)) == [Decimal("5.00")]
