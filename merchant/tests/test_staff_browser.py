"""In a real browser (Playwright + Debian chromium): an owner invites a support agent; the
agent opens the one-time link from the email, chooses a password, logs in and works in the
support console. The API documentation pages render under the Content Security Policy.
No page of either journey logs a console error or a CSP violation."""

import pytest
from django.core import mail

from merchant.models import Role, StaffAuditAction, StaffAuditEvent, StaffMembership
from merchant.tests.factories import MembershipFactory, StoreFactory
from merchant.tests.staff_steps import (
    choose_password,
    invitation_link,
    invite_colleague,
    log_in_after_welcome,
)
from testing import admin_login, record_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # merchant.tests.factories.UserFactory
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def watch(page) -> list[str]:
    """Console errors, uncaught exceptions and CSP violations of every page ``page`` opens."""
    errors: list[str] = []
    record_console_errors(page, errors)
    page.add_init_script(RECORD_VIOLATIONS)
    return errors


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_owner_invites_a_support_agent_who_sets_a_password_and_works_in_the_console(
    new_page, live_server
):
    store = StoreFactory(name="Alpha Shaves")
    owner = MembershipFactory(store=store, role=Role.OWNER, user__username="olga").user

    # The owner: admin home → Staff → invite.
    owner_page = new_page()
    owner_errors = watch(owner_page)
    admin_login(owner_page, live_server, owner.username, PASSWORD)
    owner_page.wait_for_url(f"{live_server.url}/admin/")
    invite_colleague(
        owner_page, live_server, store=store, email="sam@example.com", role=Role.SUPPORT_AGENT
    )
    assert "Invited sam@example.com" in owner_page.inner_text(".messagelist")
    row = owner_page.locator("tr.staff-row[data-login='sam@example.com']")
    assert row.locator("td.role").inner_text() == "Support agent"
    assert "invited sam@example.com as Support agent (may not refund)" in owner_page.inner_text(
        "#staff-audit"
    )
    assert violations(owner_page) == []

    # The agent: the link from the email, a password, the login, the support console.
    assert [email.to for email in mail.outbox] == [["sam@example.com"]]
    link = invitation_link(live_server, "sam@example.com")
    agent_page = new_page()
    agent_errors = watch(agent_page)
    choose_password(agent_page, link, login="sam@example.com", password="blue-razor-morning-42")
    log_in_after_welcome(agent_page, login="sam@example.com", password="blue-razor-morning-42")
    agent_page.wait_for_url(f"{live_server.url}/support/")
    assert agent_page.inner_text("#stores") == "(support agent of Alpha Shaves)"
    assert agent_page.locator("#logout-form button").inner_text() == "Log out"
    assert violations(agent_page) == []

    # The link worked once.
    agent_page.goto(link)
    assert "This link no longer works" in agent_page.inner_text("#link-invalid")

    # Logging out from the console.
    agent_page.goto(f"{live_server.url}/support/")
    agent_page.click("#logout-form button")
    agent_page.goto(f"{live_server.url}/support/")
    assert "/admin/login/" in agent_page.url

    membership = StaffMembership.objects.get(store=store, user__username="sam@example.com")
    assert (membership.role, membership.can_refund) == (Role.SUPPORT_AGENT, False)
    assert list(StaffAuditEvent.objects.values_list("action", "actor__username")) == [
        (StaffAuditAction.INVITED, "olga")
    ]
    assert owner_errors == [] and agent_errors == []


def test_the_api_docs_render_from_local_files_under_the_csp(page, live_server):
    errors = watch(page)
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/orders/']")
    assert "Voice store portal API" in page.inner_text(".information-container")
    assert violations(page) == []

    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector("h1:has-text('Voice store portal API')")
    page.fill("input[placeholder='Search...']", "orders")  # the search worker runs
    page.wait_for_selector("[role=search] li, [data-role='search:result']")
    assert violations(page) == []

    assert external == []
    assert errors == []
