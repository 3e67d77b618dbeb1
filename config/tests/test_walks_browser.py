"""Walks through the portal per role in a real browser (Playwright + Debian's chromium), on the
demo No Nicks store: the owner invites a support agent who refunds an order; the catalog
editor edits a product and is never shown a link that refuses them; the support agent finds
a declined checkout; the owner runs the launch checklist's certification cases, then opens
the dashboard and places an order on the voice console. No page of any walk logs a console
error or throws (the ``console_errors`` fixture).

The walks photograph the pages they pass through into ``docs/screenshots/`` (full page,
1280×800 viewport), the pictures of the README's "First ten minutes": running these tests
makes them again.

Selectors name URLs, element ids and the accessible names of links and buttons, never the
look of a page."""

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from catalog.models import Product
from demo.history import seed_history
from demo.isp_seed import seed_demo_isp
from demo.seed import roll_up_history
from merchant.models import Role, StaffMembership
from merchant.tests.staff_steps import (
    choose_password,
    invitation_link,
    invite_colleague,
    log_in_after_welcome,
)
from orders.models import Order, OrderStatus, PaymentKind, PaymentTransaction
from orders.tests.helpers import decline_checkout, make_customer, open_cart, place_order
from testing import admin_login
from voicelab.models import CertificationRun
from voicelab.tests.console_steps import last_speech, press, say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
DECLINE_WORDS = (
    "Declined: the shopper's payment method was refused; they can change it in their Amazon "
    "account and order again (InvalidPaymentMethod)"
)
SAM = "sam@nonicks.example.com"  # the support agent the owner invites
CERTIFICATION_CASES = 14  # the demo store's Amazon Pay and in-skill purchasing cases
HISTORY_DAYS = 30  # `make run` seeds 90; a month fills the pages as well, in seconds


def shoot(page, name: str) -> None:
    """A full-page picture of what ``page`` shows, as ``docs/screenshots/<name>``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True, animations="disabled", caret="hide")


def link(page, name: str):
    """The link whose accessible name is ``name``; the last one when the header's navigation
    names the same place as the page's content (the content comes after the header)."""
    return page.get_by_role("link", name=name, exact=True).last


def seed_recent_history(store) -> None:
    """A month of the demo store's history (shoppers' sessions, orders, refunds) rolled up,
    as `make run` seeds it, so the pictures show the pages as a merchant finds them."""
    seed_history(store, days=HISTORY_DAYS)
    roll_up_history(store, days=HISTORY_DAYS)


@pytest.fixture
def walker(page, console_errors):
    """The walk's page at the pictures' size, watched for console errors."""
    page.set_viewport_size(VIEWPORT)
    return page


@pytest.fixture
def kit(demo_store):
    return Product.objects.get(store=demo_store, sku="NN-KIT")


def test_owner_invites_a_support_agent_who_refunds_an_order(
    walker, new_page, console_errors, live_server, demo_store, kit
):
    url = live_server.url
    seed_recent_history(demo_store)
    order = place_order(
        demo_store, product=kit, quantity=1, customer=make_customer(demo_store, name="Ada Park")
    )

    # The owner: the admin's home, then Staff → invite a support agent who may refund.
    owner = walker
    admin_login(owner, live_server, "owner")
    owner.wait_for_url(f"{url}/admin/")
    shoot(owner, "01-admin-home-owner.png")
    invite_colleague(
        owner,
        live_server,
        store=demo_store,
        email=SAM,
        role=Role.SUPPORT_AGENT,
        can_refund=True,
    )
    row = owner.locator("#staff").get_by_role("row").filter(has_text=SAM)
    assert "Support agent" in row.inner_text()
    shoot(owner, "02-staff-invite.png")
    membership = StaffMembership.objects.get(store=demo_store, user__username=SAM)
    assert (membership.role, membership.can_refund) == (Role.SUPPORT_AGENT, True)

    # The agent: the one-time link from the email, a password, the login, the console.
    agent = console_errors.watch(new_page(viewport=VIEWPORT))
    link_in_email = invitation_link(live_server, SAM)
    choose_password(agent, link_in_email, login=SAM, password="lather-42-up")
    log_in_after_welcome(agent, login=SAM, password="lather-42-up")
    agent.wait_for_url(f"{url}/support/")
    assert link(agent, order.number).is_visible()
    shoot(agent, "03-support-order-list.png")

    link(agent, order.number).click()
    agent.wait_for_url(f"{url}/support/orders/{order.pk}/")
    shoot(agent, "04-order-page.png")

    # A full refund: the amount left empty refunds the maximum.
    link(agent, "Refund").click()
    agent.wait_for_url(f"{url}/support/orders/{order.pk}/refund/")
    assert "Refundable maximum: $9.72" in agent.inner_text("#refundable")
    agent.fill("#id_reason", "Arrived with a cracked handle")
    agent.get_by_role("button", name="Review refund").click()
    assert agent.inner_text("#refund-amount") == "$9.72"
    shoot(agent, "05-refund.png")
    agent.get_by_role("button", name="Confirm refund").click()
    agent.wait_for_url(f"{url}/support/orders/{order.pk}/")
    timeline = agent.inner_text("#timeline")
    assert "Refund completed" in timeline  # eager Celery settled the sandbox refund
    assert SAM in timeline
    assert agent.inner_text("#refunded") == "$9.72"

    refund = PaymentTransaction.objects.get(order=order, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.reason) == (Decimal("9.72"), "Arrived with a cracked handle")


def _same_origin_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
    found = []
    for href in hrefs:
        href = urldefrag(href).url
        if href.startswith(origin + "/") and href not in found:
            found.append(href)
    return found


def _visit(page, href: str) -> tuple[int, str]:
    """The status and final address of ``href`` opened in the browser (or fetched with the
    same session when the browser would download it instead of showing it)."""
    try:
        response = page.goto(href)
    except PlaywrightError as exc:
        if "Download is starting" not in str(exc):
            raise
        response = page.request.get(href)
        return response.status, response.url
    return response.status, page.url


def test_catalog_editor_edits_a_product_and_is_never_shown_a_refused_link(
    walker, live_server, demo_store, kit
):
    url = live_server.url
    editor = walker
    admin_login(editor, live_server, "editor")
    editor.wait_for_url(f"{url}/admin/")

    editor.goto(f"{url}/admin/catalog/product/")
    link(editor, kit.name).click()
    editor.wait_for_url(f"{url}/admin/catalog/product/{kit.pk}/change/")
    editor.fill("#id_price", "10.00")  # "10 dollars": the pitch stays at 16 words
    shoot(editor, "06-catalog-product.png")
    editor.get_by_role("button", name="Save", exact=True).click()
    editor.wait_for_url(f"{url}/admin/catalog/product/")
    assert "was changed successfully" in editor.content()
    kit.refresh_from_db()
    assert kit.price == Decimal("10.00")

    # Every link of the home page (its header navigation and the admin's home) opens.
    editor.goto(f"{url}/admin/")
    hrefs = _same_origin_links(editor, url)
    assert f"{url}/admin/catalog/product/" in hrefs
    refused = []
    for href in hrefs:
        status, landed = _visit(editor, href)
        if status >= 400 or urlsplit(landed).path == "/admin/login/":
            refused.append(f"{href} → {status} {landed}")
    assert refused == []


def test_support_agent_finds_a_declined_checkout_and_reads_why(
    walker, live_server, demo_store, kit
):
    url = live_server.url
    placed = place_order(demo_store, product=kit, customer=make_customer(demo_store))
    declined = decline_checkout(open_cart(demo_store, name="Grace Hopper", product=kit))
    txn = PaymentTransaction.objects.get(order=declined, kind=PaymentKind.AUTHORIZATION)

    agent = walker
    admin_login(agent, live_server, "support", next_path="/support/")
    agent.wait_for_url(f"{url}/support/")
    assert link(agent, placed.number).is_visible()
    assert agent.get_by_role("link", name=declined.number, exact=True).count() == 0

    agent.select_option("#id_checkout", label="Checkouts with a declined payment")
    agent.get_by_role("button", name="Filter").click()
    agent.wait_for_url(re.compile(r"[?&]checkout=declined"))
    assert agent.get_by_role("link", name=placed.number, exact=True).count() == 0
    assert DECLINE_WORDS in agent.get_by_role("main").inner_text()

    link(agent, declined.number).click()
    agent.wait_for_url(f"{url}/support/orders/{declined.pk}/")
    assert "This checkout was not completed" in agent.inner_text("#checkout-notice")
    assert agent.inner_text("#decline-reason") == (
        f"Payment declined {txn.created_at:%Y-%m-%d %H:%M}: {DECLINE_WORDS}."
    )
    shoot(agent, "07-declined-checkout.png")


def test_owner_runs_the_certification_cases_then_sees_the_dashboard_and_the_voice_console(
    walker, live_server, demo_store, settings
):
    url = live_server.url
    # The skill reaches the ISP sandbox on the live server, as `make run` points it at itself.
    settings.ISP_SANDBOX_BASE_URL = f"{url}/sandbox/monetization"
    seed_demo_isp(demo_store)
    seed_recent_history(demo_store)

    owner = walker
    admin_login(owner, live_server, "owner")
    owner.wait_for_url(f"{url}/admin/")
    # The owner now has two stores (No Nicks and the digital-only Sleep Well): a choice first.
    owner.goto(f"{url}/console/launch/")
    link(owner, demo_store.name).click()
    checklist = f"{url}/console/launch/stores/{demo_store.pk}/"
    owner.wait_for_url(checklist)
    shoot(owner, "08-launch-checklist.png")

    # Eager Celery: the request plays every case, then the run's page comes back.
    owner.get_by_role("button", name="Run the certification cases").click()
    owner.wait_for_url(re.compile(re.escape(checklist) + r"runs/\d+/$"), timeout=90_000)
    assert owner.inner_text("#run-status-badge") == "Passed"
    cases = owner.locator("details[id^='case-']")
    assert cases.count() == CERTIFICATION_CASES
    badges = [cases.nth(i).locator("summary").inner_text() for i in range(cases.count())]
    assert [badge.split()[0] for badge in badges] == ["Passed"] * CERTIFICATION_CASES
    cases.first.locator("summary").click()  # the first conversation, open in the picture
    shoot(owner, "09-certification-run.png")
    (run,) = CertificationRun.objects.filter(store=demo_store)
    assert (run.status, run.counts()) == (
        "passed",
        {"passed": CERTIFICATION_CASES, "failed": 0, "skipped": 0},
    )

    owner.goto(f"{url}/dashboard/")
    link(owner, demo_store.name).click()
    owner.wait_for_url(re.compile(re.escape(f"{url}/dashboard/{demo_store.slug}/")))
    shoot(owner, "10-dashboard.png")

    before = set(Order.objects.values_list("pk", flat=True))
    owner.goto(f"{url}/console/")
    owner.uncheck("#speak")  # headless chromium has no voices
    press(owner, "Open the skill", 1)
    say(owner, "order a starter kit")
    press(owner, "Yes", 2)  # Setup, then the sandbox's answer
    press(owner, "Yes", 2)  # Charge, then the sandbox's answer
    assert "Your order has been placed." in last_speech(owner)
    shoot(owner, "11-voice-console.png")
    (placed,) = Order.objects.exclude(pk__in=before).filter(status=OrderStatus.PLACED)
    assert (placed.store, placed.is_test) == (demo_store, True)
    assert owner.locator(f"a[href='/support/orders/{placed.pk}/']").count() == 1
