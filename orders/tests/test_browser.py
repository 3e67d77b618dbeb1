"""Browser tests (Playwright + Debian chromium) of the support console on a live server."""

from decimal import Decimal

import pytest

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import PaymentKind, PaymentTransaction
from orders.tests.helpers import place_order, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/support/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/support/")


def test_support_agent_refunds_part_of_an_order_and_sees_the_timeline(page, live_server):
    store = StoreFactory(payment_mode="charge_now")
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    order = place_order(store)
    log_in(page, live_server, agent)
    page.click(f"text={order.number}")
    page.click(f"a[href='/support/orders/{order.pk}/refund/']")
    assert "Refundable maximum: $21.60" in page.inner_text("#refundable")
    page.fill("#id_amount", "25.00")
    page.fill("#id_reason", "Scratched handle")
    page.click("button:has-text('Review refund')")
    assert "At most 21.60 USD can be refunded." in page.content()
    page.fill("#id_amount", "7.50")
    page.click("button:has-text('Review refund')")
    assert page.inner_text("#refund-amount") == "$7.50"
    page.click("button:has-text('Confirm refund')")
    page.wait_for_url(f"{live_server.url}/support/orders/{order.pk}/")
    timeline = page.inner_text("#timeline")
    assert "Refund pending" in timeline and agent.username in timeline
    # Eager Celery settled the sandbox refund right after the commit.
    assert "Refund completed" in timeline
    assert page.inner_text("#refunded") == "$7.50"
    refund = PaymentTransaction.objects.get(order=order, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.reason) == (Decimal("7.50"), "Scratched handle")


def test_catalog_editor_is_refused_the_refund_page(page, live_server):
    store = StoreFactory(payment_mode="charge_now")
    editor = MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user
    order = place_order(store)
    before = snapshot(order)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    response = page.goto(f"{live_server.url}/support/orders/{order.pk}/refund/")
    assert response.status == 403
    assert "Refundable" not in page.content()
    assert snapshot(order) == before


def test_the_cancel_forms_checkbox_sits_beside_its_label(page, live_server):
    store = StoreFactory(payment_mode="charge_now")
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user
    order = place_order(store)
    log_in(page, live_server, agent)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/support/orders/{order.pk}/cancel/")
        box = page.locator("#id_restock").bounding_box()
        words = page.locator("label[for=id_restock]").bounding_box()
        assert box and words
        # The same line: the box's middle within the label's height, and the words after it.
        assert words["y"] <= box["y"] + box["height"] / 2 <= words["y"] + words["height"]
        assert box["x"] < box["x"] + box["width"] <= words["x"] + words["width"]
        assert words["height"] < 2.5 * box["height"]
