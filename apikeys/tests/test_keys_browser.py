"""In a real browser (Playwright + Debian chromium) on a phone's width (390 px) and a
laptop's: an owner opens API keys from the header, makes a key, copies it with the button,
and revokes it; no console error, no CSP violation, no sideways scroll."""

import pytest

from apikeys.models import StoreApiKey
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from testing import admin_login, record_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 1280])
def test_an_owner_makes_copies_and_revokes_a_key(new_page, live_server, width):
    store = StoreFactory(name="Alpha Shaves")
    owner = MembershipFactory(store=store, role=Role.OWNER, user__username="olga").user
    page = new_page(
        viewport={"width": width, "height": 844},
        permissions=["clipboard-read", "clipboard-write"],
    )
    errors: list[str] = []
    record_console_errors(page, errors)
    page.add_init_script(RECORD_VIOLATIONS)
    admin_login(page, live_server, owner.username, "secret-pass-123")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/api-keys/")
    assert page.inner_text(".no-keys") == "No keys yet: make the first one below."
    page.fill("#id_name", "Warehouse sync")
    page.check("input[name=scopes][value='catalog:read']")
    page.check("input[name=scopes][value='catalog:write']")
    page.click("#new-key-form input[type=submit]")
    shown = page.input_value("#new-api-key")
    key = StoreApiKey.objects.get()
    assert shown.startswith(key.prefix + ".") and key.scopes == ["catalog:read", "catalog:write"]
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
    page.click("[data-copy-from=new-api-key]")
    page.wait_for_function("document.querySelector('[data-copy-from]').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    if width == 390:
        page.screenshot(path="docs/screenshots/api-keys-phone.png", full_page=True)
    page.reload()
    assert page.locator("#new-api-key").count() == 0  # shown once
    page.click(f"article[data-prefix='{key.prefix}'] button.revoke")
    assert "Revoked the key “Warehouse sync”" in page.inner_text(".messagelist")
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
    key.refresh_from_db()
    assert key.revoked is True
    assert errors == []
    assert page.evaluate("window.__cspViolations") == []
