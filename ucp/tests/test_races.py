"""Two platforms completing one session at the same moment: the session row lock lets one
through; the other is refused, and there is one order, paid once, stock taken once."""

import threading
from typing import Any

import pytest
from django.db import connections

from catalog.models import Product
from orders.models import Order, OrderStatus, PaymentTransaction
from ucp.tests.conftest import UcpClient, paid, shipping_to

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("postgres_only")
def test_two_completes_at_once_make_one_order(agent: UcpClient) -> None:
    created = agent.post(
        "/checkout-sessions",
        {
            "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 1}],
            "fulfillment": shipping_to(option="std-ship"),
        },
    ).json()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def complete() -> None:
        try:
            barrier.wait()
            client = UcpClient(agent.platform, "flowers")
            statuses.append(
                client.post(f"/checkout-sessions/{created['id']}/complete", paid()).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [200, 409]
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 1
    assert PaymentTransaction.objects.filter(kind="authorization").count() == 1
    assert Product.objects.get(sku="pot_ceramic").stock == 1999


def test_a_second_complete_after_the_first_is_refused(agent: UcpClient) -> None:
    created = agent.post(
        "/checkout-sessions",
        {
            "line_items": [{"item": {"id": "pot_ceramic"}, "quantity": 1}],
            "fulfillment": shipping_to(option="std-ship"),
        },
    ).json()
    first = agent.post(f"/checkout-sessions/{created['id']}/complete", paid())
    second = agent.post(f"/checkout-sessions/{created['id']}/complete", paid())
    assert (first.status_code, second.status_code) == (200, 409)
    body: Any = second.json()
    assert body["messages"][0]["code"] == "checkout_completed"
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 1
