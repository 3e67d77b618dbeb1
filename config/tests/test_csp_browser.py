"""The admin, the support console and the voice console work under the Content Security
Policy: no violation and no console error while they load and the voice console talks."""

import pytest

from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_admin_and_consoles_load_without_csp_violations(page, live_server, demo_store):
    errors = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} {msg.location.get('url')}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(RECORD_VIOLATIONS)

    admin_login(page, live_server, "owner")
    pages = [
        "/admin/",
        "/admin/catalog/product/",
        "/admin/catalog/product/add/",
        f"/admin/merchant/store/{demo_store.pk}/change/",
        "/admin/orders/order/",
        "/support/",
        "/console/",
    ]
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("window.__cspViolations") == [], path

    # The console's script (a static file now) runs: a turn reaches the skill and back.
    page.click("button[data-action=launch]")
    page.wait_for_selector("#transcript .turn .speech")
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
