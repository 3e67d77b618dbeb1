"""The transcripts page in a real browser (Debian's chromium): the owner opens the
conversations from the portal's header, reads a session turn by turn and marks it for
review; at 1280 and at 390 px the list and the session fit the screen (no sideways scroll)
and no page logs a console error."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from analytics.models import SessionReview
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.tests.factories import CustomerFactory, OrderFactory
from testing import admin_login

from .factories import InteractionFactory, launch, session_ended

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # merchant.tests.factories.UserFactory's
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SESSION = "amzn1.echo-api.session.0f9c2d5e-browser"
LONG_REPLY = (
    "The starter kit: a weighted razor handle, three blades and menthol shaving cream, for 9 "
    "dollars. Do you want to order it?"
)


@pytest.fixture
def shop(db):
    store = StoreFactory(slug="shop", name="Shave Shop", time_zone="UTC")
    owner = MembershipFactory(store=store, role=Role.OWNER, user__username="shop-owner").user
    customer = CustomerFactory(store=store, name="Ava Adams", email="ava@example.com")
    order = OrderFactory(store=store, customer=customer, placed_at=None, total=Decimal("9.00"))
    at = timezone.now() - timedelta(hours=1)
    launch(
        store=store,
        customer=customer,
        session_id=SESSION,
        outcome="welcome",
        reply="Welcome to Shave Shop. What would you like?",
        at=at,
        latency_ms=41,
    )
    InteractionFactory(
        store=store,
        customer=customer,
        session_id=SESSION,
        outcome="clarify_product",
        slots={"Product": "a very long product name nobody has in the catalogue at all"},
        reply="Sorry, I didn't catch which product you mean. Which one would you like?",
        at=at + timedelta(seconds=5),
    )
    InteractionFactory(
        store=store,
        customer=customer,
        session_id=SESSION,
        intent="AMAZON.YesIntent",
        outcome="setup_sent",
        reply=LONG_REPLY,
        directives=["Connections.SendRequest:Setup"],
        order=order,
        at=at + timedelta(seconds=12),
    )
    session_ended("USER_INITIATED", store=store, customer=customer, session_id=SESSION, at=at)
    return store, owner


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_owner_reads_a_session_and_marks_it_for_review(page, live_server, shop, console_errors):
    store, owner = shop
    page.set_viewport_size({"width": 1280, "height": 800})
    admin_login(page, live_server, owner.username, PASSWORD)
    page.locator("#portal-header").get_by_role("link", name="Conversations").click()
    page.wait_for_url(f"{live_server.url}/transcripts/shop/")
    assert page.inner_text("#session-count") == "1 session"
    row = page.locator("#session-table tbody tr").first
    assert "Ava Adams" in row.inner_text()
    assert "not understood" in row.inner_text()
    fits(page, 1280)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "12-conversations.png", full_page=True)

    row.get_by_role("link", name="Open").click()
    page.wait_for_url(f"**/transcripts/shop/sessions/{SESSION}/")
    turns = page.locator("#turns > li")
    assert turns.count() == 4
    assert LONG_REPLY in page.inner_text("#turns")
    assert "Amazon Pay Setup: asks for the billing agreement and address" in page.inner_text(
        "#turns"
    )
    fits(page, 1280)

    page.check("#review-form input[name=needs_review]")
    page.fill("#review-form textarea[name=note]", "Which product did she mean?")
    page.click("#review-form button[type=submit]")
    page.wait_for_selector("ul.messages li.success")
    assert "needs review" in page.inner_text("#review-state")
    review = SessionReview.objects.get(store=store, session_id=SESSION)
    assert (review.needs_review, review.note) == (True, "Which product did she mean?")
    page.screenshot(path=SCREENSHOTS / "13-conversation.png", full_page=True)

    # A phone: the session and the list fit the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits(page, 390)
    page.goto(f"{live_server.url}/transcripts/shop/?show=review")
    assert page.locator("#session-table tbody tr").count() == 1
    fits(page, 390)
