"""Browser steps of a staff invitation (Playwright), shared by the tests that walk it: the owner
invites a colleague from the staff page, the colleague opens the one-time link from the email,
chooses a password and logs in."""

import re

from django.core import mail


def invite_colleague(page, live_server, *, store, email, role, can_refund=False):
    """From the admin's home (an owner's page), Staff → the invitation form → Invite."""
    page.click("#staff-link")
    page.wait_for_url(f"{live_server.url}/admin/merchant/store/{store.pk}/staff/")
    page.fill("#id_email", email)
    page.select_option("#id_role", role)
    if can_refund:
        page.check("#id_can_refund")
    page.click("#invite-form input[type=submit]")
    page.get_by_text(re.compile(rf"^Invited {re.escape(email)}:")).wait_for()


def invitation_link(live_server, email) -> str:
    """The one-time link of the invitation emailed to ``email`` (eager Celery sent it)."""
    (message,) = [message for message in mail.outbox if message.to == [email]]
    link = re.search(rf"{re.escape(live_server.url)}/account/welcome/\S+/\S+/", str(message.body))
    assert link is not None, message.body
    return link.group(0)


def choose_password(page, link, *, login, password):
    """The colleague opens the link and chooses a password; the page says it is set."""
    page.goto(link)
    assert page.url.endswith("/set-password/")  # the token left the address bar
    assert page.inner_text("#login-name") == login
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.click("#welcome-form input[type=submit]")
    page.wait_for_selector("#password-set")


def log_in_after_welcome(page, *, login, password):
    """Click "Log in" on the password-set page and fill the login form (it leads where the
    role starts: the support console for support agents)."""
    page.click("#log-in")
    page.fill("#id_username", login)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
