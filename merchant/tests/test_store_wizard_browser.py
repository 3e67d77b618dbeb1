"""In a real browser on a phone (390 px): the demo owner creates a second store with the
wizard, is refused an invocation name Alexa would not accept, and lands on the new store."""

import pytest

from merchant.models import Role, StaffMembership, Store
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_owner_creates_a_second_store_on_a_phone(page, live_server, demo_store):
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    admin_login(page, live_server, "owner")
    page.wait_for_selector("#portal-links")
    page.goto(f"{live_server.url}/admin/merchant/store/")
    page.click("a.create-store-link")

    assert "Step 1 of 3: Name and languages" in page.inner_text("#store-wizard h2")
    assert fits(page)
    page.fill("#id_brand-name", "Blade Works")
    page.check("input[name='brand-enabled_locales'][value='de-DE']")
    page.click("#store-wizard input[type=submit]")

    page.wait_for_selector("#id_voice-invocation_name")
    page.fill("#id_voice-invocation_name", "open blade works")
    page.click("#store-wizard input[type=submit]")
    page.wait_for_selector(".errorlist")
    assert 'contains the launch word "open"' in page.inner_text(".errorlist")
    assert fits(page)
    page.fill("#id_voice-invocation_name", "blade works")
    page.click("#store-wizard input[type=submit]")

    page.wait_for_selector("#id_money-payment_mode")
    assert page.input_value("#id_money-support_email") == "owner@nonicks.example.com"
    page.select_option("#id_money-payment_mode", "pay_on_delivery")
    assert fits(page)
    page.screenshot(path="docs/screenshots/13-create-another-store.png", full_page=True)
    page.click("#store-wizard input[type=submit]")

    page.wait_for_selector(".messagelist .success")
    assert "Blade Works is created and you are its owner." in page.inner_text(".messagelist")
    store = Store.objects.get(name="Blade Works")
    assert page.url == f"{live_server.url}/admin/merchant/store/{store.pk}/change/"
    assert store.enabled_locales == ["en-US", "de-DE"]
    assert StaffMembership.objects.get(store=store).role == Role.OWNER
    assert fits(page)
    # The invocation name refused above answered 400; nothing else logged an error.
    assert [e for e in errors if "status of 400" not in e] == []
