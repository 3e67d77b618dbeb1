"""In a real browser on a phone: the demo owner adds a webhook endpoint, copies its secret
from the field shown once, and sends a test event that the receiver verifies with it."""

import pytest

from testing import admin_login
from webhooks.models import WebhookEndpoint
from webhooks.testing.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_owner_copies_the_secret_and_sends_a_test_event(
    new_page, live_server, demo_store, settings, console_errors
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver().start()
    try:
        page = console_errors.watch(
            new_page(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
        )
        admin_login(page, live_server, "owner")
        page.wait_for_selector("#portal-links")
        page.goto(f"{live_server.url}/admin/webhooks/webhookendpoint/add/")
        page.select_option("#id_store", str(demo_store.pk))
        page.fill("#id_url", receiver.url)
        page.check("input[name=events][value='order.placed']")
        page.click("input[name=_continue]")
        field = page.locator("input.webhook-secret")
        secret = field.input_value()
        assert secret == WebhookEndpoint.objects.get(store=demo_store).secret
        assert field.get_attribute("readonly") is not None
        page.click("button.copy-secret")
        page.wait_for_selector("button.copy-secret:text('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == secret
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        receiver.secret = secret
        page.click("button.send-test-event")
        page.wait_for_selector(".messagelist .success")
        said = page.inner_text(".messagelist")
        assert f"Delivered to {receiver.url}: it answered HTTP 200 in " in said
        assert page.locator("input.webhook-secret").count() == 0  # shown once
        assert [entry["type"] for entry in receiver.received] == ["webhook.test"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        receiver.stop()
