"""A broker that is down after the commit never turns a committed change into an error: the
API's ship answers 200, refunds through the API and the support console show success, and
their effects (capture, emails, settlement, the Alexa notification) follow exactly once when
the outbox's sweeper runs with the broker back.

Transactional tests: each request commits for real, so its after-commit hooks run inside
the request, as in production.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders import effects
from orders.models import OrderEvent, OrderEventType, OrderStatus, PaymentKind, PaymentState
from orders.tests.helpers import place_order
from outbox.models import OutboxMessage
from outbox.services import outbox_messages_sweep
from outbox.testing import broker_down

pytestmark = pytest.mark.django_db(transaction=True)


def api_as(store, role, can_refund=False):
    client = APIClient()
    client.force_authenticate(MembershipFactory(store=store, role=role, can_refund=can_refund).user)
    return client


def waiting() -> list[tuple[str, list]]:
    return list(
        OutboxMessage.objects.filter(sent_at=None).order_by("pk").values_list("task", "args")
    )


def sweep_a_minute_later() -> int:
    return outbox_messages_sweep(now=timezone.now() + timedelta(minutes=1))


def emails_sent(order, kind) -> int:
    return OrderEvent.objects.filter(
        order=order, type=OrderEventType.EMAIL_SENT, data__kind=kind
    ).count()


def test_ship_through_the_api_answers_200_and_its_effects_follow_once(charge_later_store):
    order = place_order(charge_later_store)
    mail.outbox.clear()
    client = api_as(charge_later_store, Role.SUPPORT_AGENT)
    with broker_down():
        response = client.post(
            f"/api/orders/{order.pk}/ship/",
            {"carrier": "DHL", "tracking_number": "JD42"},
            format="json",
        )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["tracking_number"]) == ("shipped", "JD42")
    order.refresh_from_db()
    assert (order.status, order.captured_amount) == (OrderStatus.SHIPPED, Decimal("0"))
    assert waiting() == [
        (effects.CAPTURE_ORDER_PAYMENT, [order.pk]),
        (effects.SEND_ORDER_EMAIL, [order.pk, "shipped", ""]),
        ("notifications.tasks.send_order_status", [order.pk, "shipped"]),
    ]
    assert mail.outbox == []

    assert sweep_a_minute_later() == 3  # the broker is back
    order.refresh_from_db()
    assert order.captured_amount == Decimal("21.60")
    assert emails_sent(order, "shipped") == 1
    assert [m.subject for m in mail.outbox] == [
        f"Your {order.store.name} order {order.number} is on its way"
    ]
    assert sweep_a_minute_later() == 0
    assert len(mail.outbox) == 1
    assert order.transactions.filter(kind=PaymentKind.CAPTURE).count() == 1
    assert waiting() == []


def test_a_refund_through_the_api_answers_201_and_settles_once(charge_now_store):
    order = place_order(charge_now_store)
    mail.outbox.clear()
    client = api_as(charge_now_store, Role.SUPPORT_AGENT, can_refund=True)
    body = {"amount": "5.00", "reason": "Damaged box", "reference_id": "api-outage-1"}
    with broker_down():
        response = client.post(f"/api/orders/{order.pk}/refund/", body, format="json")
    assert response.status_code == 201
    assert (response.json()["reference_id"], response.json()["state"]) == (
        "api-outage-1",
        PaymentState.PENDING,
    )
    refund = order.transactions.get(kind=PaymentKind.REFUND)
    assert waiting() == [(effects.SETTLE_REFUND, [refund.pk])]

    assert sweep_a_minute_later() == 1
    refund.refresh_from_db()
    assert refund.state == PaymentState.SUCCEEDED
    assert emails_sent(order, "refund_completed") == 1
    assert sweep_a_minute_later() == 0
    assert len(mail.outbox) == 1


def test_a_refund_in_the_support_console_shows_success(client, charge_now_store):
    order = place_order(charge_now_store)
    mail.outbox.clear()
    agent = MembershipFactory(store=charge_now_store, role=Role.SUPPORT_AGENT, can_refund=True)
    client.force_login(agent.user)
    data = {"amount": "5.00", "reason": "Arrived late", "key": "o" * 32, "confirm": "1"}
    with broker_down():
        done = client.post(reverse("support:order_refund", args=[order.pk]), data, follow=True)
    assert done.status_code == 200
    assert done.redirect_chain == [(reverse("support:order_detail", args=[order.pk]), 302)]
    assert [str(m) for m in done.context["messages"]] == [
        "Refund pending: $5.00; Amazon Pay completes it shortly."
    ]
    refund = order.transactions.get(kind=PaymentKind.REFUND)
    assert (refund.amount, refund.state) == (Decimal("5.00"), PaymentState.PENDING)
    assert waiting() == [(effects.SETTLE_REFUND, [refund.pk])]

    assert sweep_a_minute_later() == 1
    refund.refresh_from_db()
    assert refund.state == PaymentState.SUCCEEDED
    assert emails_sent(order, "refund_completed") == 1
    assert sweep_a_minute_later() == 0
    assert len(mail.outbox) == 1
