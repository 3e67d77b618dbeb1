"""The portal's one look on a phone (Debian's chromium, 390 × 844): the support console's
order list and order page and the owner's dashboard fit the screen without sideways
scrolling, the shared header says who is logged in, and no page logs an error (the CSP
included: no inline script or style)."""

import pytest
from django.urls import reverse

from orders.tests.helpers import place_order
from testing import admin_login, record_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def watch(page) -> list[str]:
    errors: list[str] = []
    record_console_errors(page, errors)
    page.add_init_script(RECORD_VIOLATIONS)
    return errors


def check_fits(page, url: str, username: str, stores: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} scrolls sideways: {width}px"
    assert page.inner_text("#who").startswith(username)
    assert page.inner_text("#stores") == stores
    assert page.locator("#logout-form button").is_visible()
    header_right = page.evaluate(
        "document.querySelector('.portal-header').getBoundingClientRect().right"
    )
    assert header_right <= PHONE["width"]
    assert page.evaluate("window.__cspViolations") == []


def test_the_support_console_and_dashboard_fit_a_phone(page, live_server, demo_store):
    order = place_order(demo_store)
    errors = watch(page)
    page.set_viewport_size(PHONE)
    admin_login(page, live_server, "owner")
    page.wait_for_selector("#portal-links")

    base = live_server.url
    check_fits(page, f"{base}{reverse('support:order_list')}", "owner", "(owner of No Nicks)")
    assert page.locator("#order-table tbody tr").count() >= 1
    # A row is a card: the first cell's label is drawn by CSS from data-label.
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#order-table tbody td'), '::before').content"
    )
    assert label == '"Order"'

    check_fits(
        page,
        f"{base}{reverse('support:order_detail', args=[order.pk])}",
        "owner",
        "(owner of No Nicks)",
    )
    assert order.number in page.inner_text("h1")

    check_fits(page, f"{base}{reverse('dashboard:index')}", "owner", "(owner of No Nicks)")
    page.wait_for_selector("canvas[data-chart]")
    widest = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('canvas'),"
        " (c) => c.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
    assert page.locator('.portal-nav a[aria-current="page"]').inner_text() == "Dashboard"
    assert errors == []


def test_a_support_agent_sees_the_order_pages_fit_a_phone(page, live_server, demo_store):
    order = place_order(demo_store)
    errors = watch(page)
    page.set_viewport_size(PHONE)
    admin_login(page, live_server, "support")
    page.wait_for_selector("#portal-header")

    base = live_server.url
    stores = "(support agent of No Nicks)"
    check_fits(page, f"{base}{reverse('support:order_list')}", "support", stores)
    # Support may read the conversations, nothing else of the owner's pages.
    assert page.locator(".portal-nav a").all_inner_texts() == [
        "Support console",
        "Conversations",
        "API docs",
    ]
    check_fits(page, f"{base}{reverse('support:order_detail', args=[order.pk])}", "support", stores)
    assert errors == []
