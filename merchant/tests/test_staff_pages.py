"""The staff pages (/admin/merchant/store/<id>/staff/), the invitation's one-time link
(/account/welcome/...), and who sees what with memberships in two stores."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from merchant.invitations import invitation_path
from merchant.models import Role, StaffAuditAction, StaffAuditEvent, StaffMembership
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def store():
    return StoreFactory(name="Alpha Shaves")


@pytest.fixture
def owner(store):
    return MembershipFactory(store=store, role=Role.OWNER, user__username="olga").user


def staff_url(store):
    return reverse("admin:merchant_store_staff", args=[store.pk])


def member_url(membership):
    return reverse("admin:merchant_store_staff_member", args=[membership.store_id, membership.pk])


def state(store):
    return (
        sorted(StaffMembership.objects.filter(store=store).values_list("user_id", "role")),
        User.objects.count(),
        StaffAuditEvent.objects.count(),
    )


# The staff page --------------------------------------------------------------------------------


def test_an_owner_invites_a_colleague_from_the_staff_page(
    client, store, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            staff_url(store),
            {"email": "sam@example.com", "role": Role.SUPPORT_AGENT, "can_refund": "on"},
            follow=True,
        )
    assert response.redirect_chain == [(staff_url(store), 302)]
    html = response.content.decode()
    assert "Invited sam@example.com: an email on its way tells them how to log in." in html
    assert "invited, has not logged in yet" in html
    assert "invited sam@example.com as Support agent (may refund)" in html  # the audit
    membership = StaffMembership.objects.get(store=store, user__email="sam@example.com")
    assert (membership.role, membership.can_refund) == (Role.SUPPORT_AGENT, True)
    (email,) = mail.outbox
    assert "http://testserver/account/welcome/" in email.body


def test_inviting_an_email_with_a_login_elsewhere_answers_the_same_words_as_a_new_one(
    client, store, owner, django_capture_on_commit_callbacks
):
    """Whether an email has a login for another store is that store's business: the page
    answers alike; each email says what is right (a link to choose a password, or log in)."""
    MembershipFactory(
        store=StoreFactory(name="Bravo Blades"),
        role=Role.OWNER,
        user__username="eve",
        user__email="eve@x.com",
    )
    client.force_login(owner)

    def invite(email):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                staff_url(store), {"email": email, "role": Role.SUPPORT_AGENT}, follow=True
            )
        html = response.content.decode()
        [message] = [str(m) for m in response.context["messages"]]
        [audit] = re.findall(r"<td>(invited [^<]*)</td>", html)[:1]
        return message.replace(email, "EMAIL"), audit.replace(email, "EMAIL")

    new_login = invite("sam@x.com")
    login_elsewhere = invite("eve@x.com")
    assert (
        new_login
        == login_elsewhere
        == (
            "Invited EMAIL: an email on its way tells them how to log in.",
            "invited EMAIL as Support agent (may not refund)",
        )
    )

    # The staff list and each member's page tell nothing more: both are "invited" under the
    # email address until they log in, with the same offer to send the invitation again.
    def seen(email):
        membership = StaffMembership.objects.get(store=store, user__email=email)
        rows = client.get(staff_url(store)).content.decode()
        [row] = re.findall(rf'<tr class="staff-row" data-login="{email}">(.*?)</tr>', rows, re.S)
        page = client.get(
            reverse("admin:merchant_store_staff_member", args=[store.pk, membership.pk])
        ).content.decode()
        [intro] = re.findall(r"<p>(Invited as .*?)</p>", page, re.S)
        return [
            text.replace(email, "EMAIL").replace(str(membership.pk), "ID")
            for text in (row, intro, str("resend-form" in page))
        ]

    assert seen("sam@x.com") == seen("eve@x.com")
    assert "invited, has not logged in yet" in seen("eve@x.com")[0]
    assert "eve</th>" not in seen("eve@x.com")[0]

    sam_email, eve_email, *_ = mail.outbox
    assert "/account/welcome/" in sam_email.body
    assert "/account/welcome/" not in eve_email.body
    assert "Alpha Shaves is now among your stores." in eve_email.body


@pytest.mark.parametrize(
    "data, words",
    [
        ({"email": "sam@", "role": Role.OWNER}, "Write the colleague&#x27;s email address, e.g."),
        ({"email": "", "role": Role.OWNER}, "Write the colleague&#x27;s email address."),
        (
            {"email": "sam@example.com", "role": ""},
            "Choose a role: owner, catalog editor or support agent.",
        ),
    ],
)
def test_form_errors_are_worded(client, store, owner, data, words):
    client.force_login(owner)
    before = state(store)
    response = client.post(staff_url(store), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert state(store) == before


def test_the_last_owner_is_kept_with_a_worded_error(client, store, owner):
    client.force_login(owner)
    mine = StaffMembership.objects.get(store=store, user=owner)
    before = state(store)
    for data in ({"action": "remove"}, {"action": "change", "role": Role.CATALOG_EDITOR}):
        response = client.post(member_url(mine), data)
        assert response.status_code == 200
        assert (
            "olga@example.com is the last owner of Alpha Shaves: make someone else an owner "
            "first." in response.content.decode()
        )
    assert state(store) == before


def test_an_owner_changes_a_role_then_removes_the_access(client, store, owner):
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, user__username="sam")
    client.force_login(owner)
    response = client.post(
        member_url(agent), {"action": "change", "role": Role.CATALOG_EDITOR}, follow=True
    )
    assert response.redirect_chain == [(staff_url(store), 302)]
    agent.refresh_from_db()
    assert agent.role == Role.CATALOG_EDITOR

    response = client.post(member_url(agent), {"action": "remove"}, follow=True)
    assert response.redirect_chain == [(staff_url(store), 302)]
    assert "Removed the access of sam@example.com to Alpha Shaves." in response.content.decode()
    assert not StaffMembership.objects.filter(pk=agent.pk).exists()
    assert list(
        StaffAuditEvent.objects.filter(store=store).order_by("pk").values_list("action", flat=True)
    ) == [StaffAuditAction.CHANGED, StaffAuditAction.REMOVED]


def test_another_stores_owner_gets_404_and_changes_nothing(client, store, owner):
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT)
    stranger = MembershipFactory(store=StoreFactory(name="Bravo Blades"), role=Role.OWNER).user
    client.force_login(stranger)
    before = state(store)

    assert client.get(staff_url(store)).status_code == 404
    assert client.get(member_url(agent)).status_code == 404
    assert client.post(staff_url(store), {"email": "x@x.com", "role": "owner"}).status_code == 404
    assert client.post(member_url(agent), {"action": "remove"}).status_code == 404
    response = client.post(member_url(agent), {"action": "change", "role": "owner"})
    assert response.status_code == 404
    assert "Alpha Shaves" not in response.content.decode()
    assert state(store) == before


def test_a_support_agent_of_the_store_gets_the_styled_403(client, store, owner):
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    client.force_login(agent)
    before = state(store)
    response = client.post(staff_url(store), {"email": "x@x.com", "role": "owner"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not open this page" in html
    assert "Only the store&#x27;s owners manage its staff." in html
    assert state(store) == before
    assert client.get(reverse("admin:merchant_store_staff_index")).status_code == 403


def test_the_staff_index_leads_an_owner_of_one_store_to_its_page(client, store, owner):
    client.force_login(owner)
    response = client.get(reverse("admin:merchant_store_staff_index"))
    assert (response.status_code, response["Location"]) == (302, staff_url(store))
    home = client.get(reverse("admin:index")).content.decode()
    assert 'id="staff-link"' in home


def test_memberships_are_changed_only_on_the_staff_page(client, store, owner):
    client.force_login(owner)
    assert client.get(reverse("admin:merchant_staffmembership_add")).status_code == 403
    mine = StaffMembership.objects.get(store=store, user=owner)
    change = reverse("admin:merchant_staffmembership_change", args=[mine.pk])
    response = client.post(change, {"user": owner.pk, "store": store.pk, "role": "catalog_editor"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.role == Role.OWNER


# Two stores, two roles -------------------------------------------------------------------------


def test_staff_of_two_stores_get_what_each_membership_grants(client, store, owner):
    bravo = StoreFactory(name="Bravo Blades")
    MembershipFactory(store=bravo, role=Role.OWNER)
    MembershipFactory(store=bravo, user=owner, role=Role.SUPPORT_AGENT)
    client.force_login(owner)

    assert client.get(staff_url(store)).status_code == 200
    assert client.get(staff_url(bravo)).status_code == 403
    changelist = client.get(reverse("admin:merchant_store_changelist")).content.decode()
    stores = changelist.split('<table id="result_list">')[1]  # the header names both stores
    assert "Alpha Shaves" in stores and "Bravo Blades" not in stores
    header = client.get(reverse("support:order_list")).content.decode()
    assert "(owner of Alpha Shaves; support agent of Bravo Blades)" in header


# The support console's header ------------------------------------------------------------------


def test_the_support_console_says_who_and_where_and_logs_out(client, store):
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, user__username="sam").user
    client.force_login(agent)
    html = client.get(reverse("support:order_list")).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "sam" in html and "(support agent of Alpha Shaves)" in html
    assert f'<form method="post" action="{reverse("admin:logout")}" id="logout-form">' in html

    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


# The one-time link -----------------------------------------------------------------------------


def invited(store, owner, client, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url(store), {"email": "sam@example.com", "role": Role.SUPPORT_AGENT})
    client.logout()
    (email,) = mail.outbox
    return re.search(r"http://testserver(/account/welcome/\S+/\S+/)", email.body).group(1)


def test_the_link_sets_the_password_once(client, store, owner, django_capture_on_commit_callbacks):
    link = invited(store, owner, client, django_capture_on_commit_callbacks)
    response = client.get(link, follow=True)
    set_password = response.redirect_chain[-1][0]
    assert set_password.endswith("/set-password/")
    html = response.content.decode()
    assert "Your login name is <strong" in html and "sam@example.com" in html

    response = client.post(
        set_password,
        {"new_password1": "blue-razor-morning-42", "new_password2": "blue-razor-morning-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff_welcome_done") + "?to=support"
    done = client.get(response["Location"]).content.decode()
    assert 'href="/admin/login/?next=/support/"' in done
    user = User.objects.get(email="sam@example.com")
    assert user.check_password("blue-razor-morning-42")

    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again
    assert 'name="new_password1"' not in again


def test_a_password_reset_token_does_not_open_an_invitation(client, store):
    user = MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset_token = default_token_generator.make_token(user)
    html = client.get(f"/account/welcome/{uid}/{reset_token}/", follow=True).content.decode()
    assert "This link no longer works" in html
    assert invitation_path(user).startswith(f"/account/welcome/{uid}/")


def test_an_invited_colleague_shows_under_their_login_once_they_have_logged_in(
    client, store, owner, django_capture_on_commit_callbacks
):
    eve = MembershipFactory(
        store=StoreFactory(name="Bravo Blades"), user__username="eve", user__email="eve@x.com"
    ).user
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url(store), {"email": "eve@x.com", "role": Role.SUPPORT_AGENT})
    assert 'data-login="eve@x.com"' in client.get(staff_url(store)).content.decode()

    client.force_login(eve)  # Django sets last_login on every login
    client.force_login(owner)
    html = client.get(staff_url(store)).content.decode()
    [row] = re.findall(r'<tr class="staff-row" data-login="eve">(.*?)</tr>', html, re.S)
    assert '<td data-label="Status">active</td>' in row


def test_memberships_from_before_the_column_are_not_waiting_for_a_login(store):
    membership = MembershipFactory(store=store, user__username="old")
    StaffMembership.objects.filter(pk=membership.pk).update(created_at=None)
    membership.refresh_from_db()
    assert membership.awaiting_first_login() is False
