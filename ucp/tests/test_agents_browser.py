"""The owner's Agents page in Chromium at 1280 px and on a phone (390 px, no sideways
scrolling): registering a platform shows its secret once in a copyable field, revoking it,
switching UCP off; no console errors (the CSP included)."""

import pytest
from django.core.management import call_command

from linking.models import StorePlatformClient
from merchant.models import Role, Store
from merchant.tests.factories import MembershipFactory
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "agents-page-42"


@pytest.mark.parametrize(
    ("size", "phone"),
    [({"width": 1280, "height": 900}, False), ({"width": 390, "height": 844}, True)],
)
def test_the_owner_registers_revokes_and_switches_off(
    new_page, console_errors, live_server, tmp_path, size, phone
):
    call_command("ucp_conformance_fixtures", store="flowers", out=str(tmp_path), create_store=True)
    store = Store.objects.get(slug="flowers")
    user = MembershipFactory(store=store, role=Role.OWNER).user
    user.set_password(PASSWORD)
    user.save()
    options = {"viewport": size, **({"is_mobile": True, "has_touch": True} if phone else {})}
    page = console_errors.watch(new_page(**options))

    admin_login(page, live_server, user.username, PASSWORD, next_path="/console/agents/")
    page.wait_for_url(f"{live_server.url}/console/agents/stores/{store.pk}/")
    assert page.input_value("#profile-url") == f"{live_server.url}/ucp/flowers/.well-known/ucp"

    page.fill("#id_name", "Alexa+")
    page.get_by_role("button", name="Register", exact=True).click()
    client = StorePlatformClient.objects.get(store=store, name="Alexa+")
    secret = page.input_value("#client-secret")
    assert len(secret) >= 30
    assert page.input_value("#client-id") == client.application.client_id
    fits(page, size)
    page.screenshot(path=f"docs/screenshots/agents-page-{size['width']}.png", full_page=True)
    page.get_by_role("button", name="Copy the client secret").click()
    page.wait_for_function("document.querySelector('[data-copy=client-secret]')")

    page.get_by_role("button", name="Revoke Alexa+").click()
    assert "Alexa+ is revoked: its tokens no longer work." in page.inner_text("body")
    assert page.locator("#client-secret").count() == 0  # the secret was shown once
    client.refresh_from_db()
    assert client.revoked_at is not None

    page.get_by_role("button", name="Switch UCP off").click()
    assert "Off: the store's UCP root and profile answer" in page.inner_text("#ucp-state")
    store.refresh_from_db()
    assert store.ucp_enabled is False
    fits(page, size)


def fits(page, size) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
