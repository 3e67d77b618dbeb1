"""In a real browser (Playwright + Debian chromium): an owner invites a support agent; the
agent opens the one-time link from the email, chooses a password, logs in and works in the
support console. The API documentation pages render under the Content Security Policy.
No page of either journey logs a console error or a CSP violation."""

import re

import pytest
from django.core import mail

from merchant.models import Role, StaffAuditAction, StaffAuditEvent, StaffMembership
from merchant.tests.factories import MembershipFactory, StoreFactory

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
    return errors


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def log_in(page, live_server, username, password, next_path=""):
    page.goto(f"{live_server.url}/admin/login/{next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


@pytest.fixture
def new_page(chromium):
    """Pages in separate browser contexts (the owner's and the agent's sessions)."""
    contexts = []

    def make():
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_owner_invites_a_support_agent_who_sets_a_password_and_works_in_the_console(
    new_page, live_server
):
    store = StoreFactory(name="Alpha Shaves")
    owner = MembershipFactory(store=store, role=Role.OWNER, user__username="olga").user

    # The owner: admin home → Staff → invite.
    owner_page = new_page()
    owner_errors = watch(owner_page)
    log_in(owner_page, live_server, owner.username, PASSWORD)
    owner_page.wait_for_url(f"{live_server.url}/admin/")
    owner_page.click("#staff-link")
    owner_page.wait_for_url(f"{live_server.url}/admin/merchant/store/{store.pk}/staff/")
    owner_page.fill("#id_email", "sam@example.com")
    owner_page.select_option("#id_role", Role.SUPPORT_AGENT)
    owner_page.click("#invite-form input[type=submit]")
    owner_page.wait_for_selector(".messagelist .success")
    assert "Invited sam@example.com" in owner_page.inner_text(".messagelist")
    row = owner_page.locator("tr.staff-row[data-login='sam@example.com']")
    assert row.locator("td.role").inner_text() == "Support agent"
    assert "invited sam@example.com as Support agent (may not refund)" in owner_page.inner_text(
        "#staff-audit"
    )
    assert violations(owner_page) == []

    # The agent: the link from the email, a password, the login, the support console.
    (email,) = mail.outbox
    assert email.to == ["sam@example.com"]
    link = re.search(rf"{re.escape(live_server.url)}/account/welcome/\S+/\S+/", email.body)
    agent_page = new_page()
    agent_errors = watch(agent_page)
    agent_page.goto(link.group(0))
    assert agent_page.url.endswith("/set-password/")  # the token left the address bar
    assert agent_page.inner_text("#login-name") == "sam@example.com"
    agent_page.fill("#id_new_password1", "blue-razor-morning-42")
    agent_page.fill("#id_new_password2", "blue-razor-morning-42")
    agent_page.click("#welcome-form input[type=submit]")
    agent_page.wait_for_selector("#password-set")
    agent_page.click("#log-in")
    agent_page.fill("#id_username", "sam@example.com")
    agent_page.fill("#id_password", "blue-razor-morning-42")
    agent_page.click("input[type=submit]")
    agent_page.wait_for_url(f"{live_server.url}/support/")
    assert agent_page.inner_text("#stores") == "(support agent of Alpha Shaves)"
    assert agent_page.locator("#logout-form button").inner_text() == "Log out"
    assert violations(agent_page) == []

    # The link worked once.
    agent_page.goto(link.group(0))
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
