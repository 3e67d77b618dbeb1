"""A new cart abandons the customer's earlier cart of the same source only: a linked shopper
has carts in several places at once (a voice conversation, a web checkout waiting for the
bank, agents' checkout sessions), and starting one never cancels another."""

import pytest

from merchant.tests.factories import StoreFactory
from orders import services
from orders.models import OrderSource, OrderStatus
from orders.tests.helpers import make_customer

pytestmark = pytest.mark.django_db


def statuses(*orders):
    for order in orders:
        order.refresh_from_db()
    return [order.status for order in orders]


def test_a_new_voice_cart_abandons_the_earlier_voice_cart_only():
    customer = make_customer(StoreFactory())
    web = services.cart_start(customer=customer, locale="en-US", source=OrderSource.WEB)
    agent = services.cart_start(
        customer=customer, locale="en-US", source=OrderSource.AGENT, agent_name="Alexa+"
    )
    first = services.cart_start(customer=customer, locale="en-US")
    second = services.cart_start(customer=customer, locale="en-US")
    assert statuses(web, agent, first, second) == [
        OrderStatus.DRAFT,
        OrderStatus.DRAFT,
        OrderStatus.ABANDONED,
        OrderStatus.DRAFT,
    ]


def test_a_new_web_checkout_abandons_the_earlier_web_checkout_not_the_voice_cart():
    customer = make_customer(StoreFactory())
    voice = services.cart_start(customer=customer, locale="en-US")
    first = services.cart_start(customer=customer, locale="en-US", source=OrderSource.WEB)
    second = services.cart_start(customer=customer, locale="en-US", source=OrderSource.WEB)
    assert statuses(voice, first, second) == [
        OrderStatus.DRAFT,
        OrderStatus.ABANDONED,
        OrderStatus.DRAFT,
    ]


def test_agent_checkout_sessions_of_one_shopper_are_independent_carts():
    customer = make_customer(StoreFactory())
    voice = services.cart_start(customer=customer, locale="en-US")
    sessions = [
        services.cart_start(
            customer=customer, locale="en-US", source=OrderSource.AGENT, agent_name=name
        )
        for name in ("Alexa+", "Alexa+", "Gemini")
    ]
    assert statuses(voice, *sessions) == [OrderStatus.DRAFT] * 4
