"""The owner opens the dashboard from the admin's home in a real browser (Debian's chromium):
the charts are drawn by the vendored Chart.js under the Content Security Policy (no
violation, no console error), the page fits a 390 px phone without sideways scrolling, and
an unmatched word becomes a synonym in one click."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import ProductSynonym
from catalog.tests.factories import ProductFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.tests.factories import CustomerFactory, OrderFactory
from testing import admin_login

from .factories import InteractionFactory, launch, session_ended

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # merchant.tests.factories.UserFactory's
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
CHARTS_DRAWN = """() => {
  const canvases = Array.from(document.querySelectorAll("canvas[data-chart]"));
  return canvases.map((c) => [c.dataset.chart, !!window.Chart.getChart(c), c.width > 0]);
}"""


@pytest.fixture
def shop(db):
    store = StoreFactory(slug="shop", name="Shave Shop", time_zone="UTC")
    owner = MembershipFactory(store=store, role=Role.OWNER, user__username="shop-owner").user
    ProductFactory(store=store, name="Starter Kit")
    ProductFactory(store=store, name="Blade Refills")
    earlier = timezone.now() - timedelta(hours=1)
    for n, words in enumerate(["beard oil", "beard oil", "safety razor"]):
        customer = CustomerFactory(store=store)
        session = f"s{n}"
        launch(store=store, customer=customer, session_id=session, outcome="welcome", at=earlier)
        InteractionFactory(
            store=store,
            customer=customer,
            session_id=session,
            outcome="clarify_product",
            slots={"Product": words},
            at=earlier + timedelta(seconds=10),
        )
        session_ended(
            "USER_INITIATED",
            store=store,
            customer=customer,
            session_id=session,
            at=earlier + timedelta(seconds=20),
        )
        OrderFactory(store=store, customer=customer, placed_at=earlier, total=Decimal("12.50"))
    return store, owner


def test_the_owner_sees_the_charts_and_adds_a_synonym(page, live_server, shop):
    store, owner = shop
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

    admin_login(page, live_server, owner.username, PASSWORD)
    page.click("#dashboard-link")  # one store: straight to its dashboard
    page.wait_for_url(f"{live_server.url}/dashboard/shop/")
    page.click("ul.presets >> text=7 days")
    page.wait_for_url("**/dashboard/shop/?range=7")
    drawn = page.evaluate(CHARTS_DRAWN)
    # Ten charts, but a doughnut of one slice is a table only: every order was paid one way
    # and every session ended by the shopper.
    assert len(drawn) == 8
    assert page.locator("#chart-payment-modes canvas, #chart-session-ends canvas").count() == 0
    assert all(has_chart and wide for _, has_chart, wide in drawn), drawn
    assert page.inner_text("#figure-orders_placed .value") == "3"
    assert page.evaluate("window.__cspViolations") == []

    # A phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.reload()
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(CHARTS_DRAWN)[0][1]

    # "beard oil" (heard twice) becomes a synonym of the starter kit in one click.
    row = page.locator("#chart-unheard tbody tr", has_text="beard oil")
    assert row.locator("td").first.inner_text() == "2"  # times heard
    row.locator("select").select_option(label="Starter Kit")
    row.locator("button").click()
    page.wait_for_selector("#messages li.success")
    assert "“beard oil” is now a synonym of Starter Kit (en-US)" in page.inner_text("#messages")
    assert "skill package is stale" in page.inner_text("#messages")
    assert "Now a synonym of Starter Kit" in page.inner_text("#chart-unheard")
    assert page.is_visible("#package-stale")
    synonym = ProductSynonym.objects.get(store=store)
    assert (synonym.product.name, synonym.value, synonym.locale) == (
        "Starter Kit",
        "beard oil",
        "en-US",
    )
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
