"""An agent's order in the back office: the support console lists and shows it with the
platform's name, and the owner's dashboard counts it under the agent channel."""

import pytest
from django.test import Client
from django.urls import reverse

from analytics import periods
from analytics.selectors import analytics_summary
from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders.models import Order
from ucp.tests.conftest import paid, roses, shipping_to
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def test_an_agent_order_is_in_the_support_console_and_on_the_dashboard(flowers, agent, platform):
    name = platform.base.removeprefix("http://")
    created = agent.post(
        "/checkout-sessions", {**roses(2), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    assert agent.post(f"/checkout-sessions/{created['id']}/complete", paid()).status_code == 200
    order = Order.objects.get(ucp_session__public_id=created["id"])
    support = Client()
    support.force_login(MembershipFactory(store=flowers, role=Role.SUPPORT_AGENT).user)

    listing = support.get(reverse("support:order_list")).content.decode()
    detail = support.get(reverse("support:order_detail", args=[order.pk])).content.decode()

    assert order.number in listing
    assert f'<td data-label="Channel">Agent<br><span class="muted">{name}</span></td>' in listing
    assert f"<dt>Channel</dt><dd>Agent ({name})</dd>" in detail
    today = periods.store_today(flowers)
    summary = analytics_summary(store=flowers, start=today, end=today)
    assert summary["orders_by_channel"] == {
        "agent": {"orders_placed": 1, "gross_revenue": str(order.total)}
    }


def test_an_agent_order_reaches_the_merchants_webhooks_with_its_channel(flowers, agent, platform):
    name = platform.base.removeprefix("http://")
    WebhookEndpointFactory(store=flowers, events=["order.placed", "order.shipped"])
    created = agent.post(
        "/checkout-sessions", {**roses(2), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    assert agent.post(f"/checkout-sessions/{created['id']}/complete", paid()).status_code == 200
    order = Order.objects.get(ucp_session__public_id=created["id"])

    placed = WebhookEvent.objects.get(store=flowers, type="order.placed")
    sent = placed.payload["data"]["order"]
    assert (sent["number"], sent["channel"], sent["agent_name"]) == (order.number, "agent", name)
    assert str(sent["total"]) == str(order.total)
    assert [line["quantity"] for line in sent["lines"]] == [2]
    assert WebhookDelivery.objects.filter(event=placed).count() == 1
