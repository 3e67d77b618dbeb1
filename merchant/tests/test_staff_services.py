"""The staff services (merchant/services.py): invitations of new and existing logins, role
changes, removals, the last owner kept, every change audited in the same transaction, and
another store's owner refused with nothing changed."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from merchant import services
from merchant.invitations import invitation_tokens
from merchant.models import Role, StaffAuditAction, StaffAuditEvent, StaffMembership
from merchant.services import StaffError, StaffErrorCode
from merchant.tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PORTAL = "https://portal.example.com/"


@pytest.fixture
def store():
    return StoreFactory(name="Alpha Shaves")


@pytest.fixture
def owner(store):
    return MembershipFactory(store=store, role=Role.OWNER, user__username="olga").user


def audit_rows(store):
    return list(
        StaffAuditEvent.objects.filter(store=store)
        .order_by("pk")
        .values_list("action", "actor__username", "subject_user__username", "data")
    )


def memberships(store):
    return sorted(
        StaffMembership.objects.filter(store=store).values_list(
            "user__username", "role", "can_refund"
        )
    )


def invite(store, actor, email, role=Role.SUPPORT_AGENT, can_refund=False):
    return services.staff_invite(
        store=store,
        actor=actor,
        email=email,
        role=role,
        can_refund=can_refund,
        portal_url=PORTAL,
    )


# Inviting --------------------------------------------------------------------------------------


def test_inviting_a_new_email_creates_a_login_without_password_and_emails_a_one_time_link(
    store, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(store, owner, "Sam@Example.COM", can_refund=True)

    user = User.objects.get(email="Sam@example.com")
    assert invitation.new_login is True
    assert invitation.membership.user == user
    assert (user.username, user.is_staff, user.is_superuser) == ("sam@example.com", True, False)
    assert user.has_usable_password() is False
    assert memberships(store) == [
        ("olga", Role.OWNER, False),
        ("sam@example.com", Role.SUPPORT_AGENT, True),
    ]
    assert audit_rows(store) == [
        (
            StaffAuditAction.INVITED,
            "olga",
            "sam@example.com",
            {"email": "Sam@example.com", "role": "support_agent", "can_refund": True},
        )
    ]
    (email,) = mail.outbox
    assert email.to == ["Sam@example.com"]
    assert email.subject == "You now work for Alpha Shaves on the voice store portal"
    assert "as support agent with the permission to refund" in email.body
    assert "login name sam@example.com" in email.body
    link = re.search(r"https://portal\.example\.com/account/welcome/(\S+)/(\S+)/", email.body)
    assert link is not None
    assert invitation_tokens.check_token(user, link.group(2)) is True


def test_inviting_an_email_that_has_a_login_adds_a_membership_not_a_second_user(
    store, owner, django_capture_on_commit_callbacks
):
    other_store = StoreFactory(name="Bravo Blades")
    existing = MembershipFactory(
        store=other_store, role=Role.CATALOG_EDITOR, user__username="eve", user__email="eve@x.com"
    ).user
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(store, owner, "EVE@x.com", role=Role.CATALOG_EDITOR)

    assert invitation.new_login is False
    assert User.objects.count() == users_before
    assert sorted(
        StaffMembership.objects.filter(user=existing).values_list("store__name", "role")
    ) == [("Alpha Shaves", Role.CATALOG_EDITOR), ("Bravo Blades", Role.CATALOG_EDITOR)]
    assert audit_rows(store) == [
        (
            StaffAuditAction.ADDED,
            "olga",
            "eve",
            {"email": "eve@x.com", "role": "catalog_editor", "can_refund": False},
        )
    ]
    (email,) = mail.outbox
    assert email.to == ["eve@x.com"]
    assert "Alpha Shaves is now among your stores" in email.body
    assert "/account/welcome/" not in email.body  # she has a password: no link


def test_the_refund_permission_is_kept_for_support_agents_only(store, owner):
    invite(store, owner, "cat@x.com", role=Role.CATALOG_EDITOR, can_refund=True)
    invite(store, owner, "own@x.com", role=Role.OWNER, can_refund=True)
    assert memberships(store) == [
        ("cat@x.com", Role.CATALOG_EDITOR, False),
        ("olga", Role.OWNER, False),
        ("own@x.com", Role.OWNER, False),
    ]


@pytest.mark.parametrize(
    "email, role, code, field",
    [
        ("not-an-email", Role.SUPPORT_AGENT, StaffErrorCode.BAD_EMAIL, "email"),
        ("", Role.SUPPORT_AGENT, StaffErrorCode.BAD_EMAIL, "email"),
        ("sam@x.com", "", StaffErrorCode.ROLE_REQUIRED, "role"),
        ("sam@x.com", "manager", StaffErrorCode.ROLE_REQUIRED, "role"),
    ],
)
def test_a_bad_email_or_a_missing_role_is_refused_in_words(store, owner, email, role, code, field):
    with pytest.raises(StaffError) as refused:
        invite(store, owner, email, role=role)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message == code.wording
    assert memberships(store) == [("olga", Role.OWNER, False)]
    assert audit_rows(store) == []


def test_inviting_someone_who_already_works_for_the_store_is_refused(store, owner):
    MembershipFactory(store=store, role=Role.SUPPORT_AGENT, user__email="sam@x.com")
    with pytest.raises(StaffError) as refused:
        invite(store, owner, "sam@x.com", role=Role.OWNER)
    assert refused.value.code == StaffErrorCode.ALREADY_STAFF
    assert refused.value.message == (
        "sam@x.com already works for Alpha Shaves as support agent: change their role in the "
        "list instead."
    )
    assert audit_rows(store) == []


def test_an_email_shared_by_two_logins_is_refused(store, owner):
    UserFactory(email="twin@x.com")
    UserFactory(email="TWIN@x.com")
    with pytest.raises(StaffError) as refused:
        invite(store, owner, "twin@x.com")
    assert refused.value.code == StaffErrorCode.AMBIGUOUS_EMAIL
    assert memberships(store) == [("olga", Role.OWNER, False)]


# Changing and removing -------------------------------------------------------------------------


def test_changing_a_role_is_saved_and_audited_with_before_and_after(store, owner):
    agent = MembershipFactory(
        store=store, role=Role.SUPPORT_AGENT, user__username="sam", user__email="sam@x.com"
    )
    services.staff_membership_change(
        store=store, actor=owner, membership_id=agent.pk, role=Role.SUPPORT_AGENT, can_refund=True
    )
    services.staff_membership_change(
        store=store, actor=owner, membership_id=agent.pk, role=Role.OWNER
    )
    assert memberships(store) == [("olga", Role.OWNER, False), ("sam", Role.OWNER, False)]
    assert audit_rows(store) == [
        (
            StaffAuditAction.CHANGED,
            "olga",
            "sam",
            {
                "email": "sam@x.com",
                "before": {"role": "support_agent", "can_refund": False},
                "after": {"role": "support_agent", "can_refund": True},
            },
        ),
        (
            StaffAuditAction.CHANGED,
            "olga",
            "sam",
            {
                "email": "sam@x.com",
                "before": {"role": "support_agent", "can_refund": True},
                "after": {"role": "owner", "can_refund": False},
            },
        ),
    ]
    event = StaffAuditEvent.objects.filter(store=store).order_by("pk").last()
    assert event.describe() == "changed sam@x.com from Support agent (may refund) to Owner"


def test_saving_the_same_role_changes_and_audits_nothing(store, owner):
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True)
    services.staff_membership_change(
        store=store, actor=owner, membership_id=agent.pk, role=Role.SUPPORT_AGENT, can_refund=True
    )
    assert audit_rows(store) == []


def test_removing_a_colleague_ends_their_access_to_this_store_only(store, owner):
    other_store = StoreFactory()
    sam = MembershipFactory(
        store=store, role=Role.SUPPORT_AGENT, user__username="sam", user__email="sam@x.com"
    )
    MembershipFactory(store=other_store, user=sam.user, role=Role.OWNER)

    services.staff_membership_remove(store=store, actor=owner, membership_id=sam.pk)

    assert memberships(store) == [("olga", Role.OWNER, False)]
    assert list(StaffMembership.objects.filter(user=sam.user).values_list("store", "role")) == [
        (other_store.pk, Role.OWNER)
    ]
    assert User.objects.filter(pk=sam.user.pk).exists()
    assert audit_rows(store) == [
        (
            StaffAuditAction.REMOVED,
            "olga",
            "sam",
            {"email": "sam@x.com", "role": "support_agent", "can_refund": False},
        )
    ]


def test_the_last_owner_can_be_neither_removed_nor_demoted(store, owner):
    mine = StaffMembership.objects.get(user=owner, store=store)
    with pytest.raises(StaffError) as removed:
        services.staff_membership_remove(store=store, actor=owner, membership_id=mine.pk)
    with pytest.raises(StaffError) as demoted:
        services.staff_membership_change(
            store=store, actor=owner, membership_id=mine.pk, role=Role.SUPPORT_AGENT
        )
    for refused in (removed, demoted):
        assert refused.value.code == StaffErrorCode.LAST_OWNER
        assert refused.value.message == (
            "olga@example.com is the last owner of Alpha Shaves: make someone else an owner first."
        )
    assert memberships(store) == [("olga", Role.OWNER, False)]
    assert audit_rows(store) == []


def test_with_a_second_owner_an_owner_may_step_down(store, owner):
    MembershipFactory(store=store, role=Role.OWNER, user__username="otto")
    mine = StaffMembership.objects.get(user=owner, store=store)
    services.staff_membership_remove(store=store, actor=owner, membership_id=mine.pk)
    assert memberships(store) == [("otto", Role.OWNER, False)]
    assert [row[0] for row in audit_rows(store)] == [StaffAuditAction.REMOVED]


# Who may ---------------------------------------------------------------------------------------


def test_another_stores_owner_is_refused_and_nothing_changes(store, owner):
    other_owner = MembershipFactory(store=StoreFactory(name="Bravo Blades"), role=Role.OWNER).user
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT)
    users_before = User.objects.count()

    attempts = [
        lambda: invite(store, other_owner, "new@x.com"),
        lambda: services.staff_membership_change(
            store=store, actor=other_owner, membership_id=agent.pk, role=Role.OWNER
        ),
        lambda: services.staff_membership_remove(
            store=store, actor=other_owner, membership_id=agent.pk
        ),
        lambda: services.staff_invitation_resend(
            store=store, actor=other_owner, membership_id=agent.pk, portal_url=PORTAL
        ),
    ]
    for attempt in attempts:
        with pytest.raises(StaffError) as refused:
            attempt()
        assert refused.value.code == StaffErrorCode.NOT_AN_OWNER
        assert refused.value.message == "Only the owners of Alpha Shaves manage its staff."
    assert User.objects.count() == users_before
    assert memberships(store) == sorted(
        [("olga", Role.OWNER, False), (agent.user.username, Role.SUPPORT_AGENT, False)]
    )
    assert StaffAuditEvent.objects.count() == 0
    assert mail.outbox == []


def test_a_support_agent_of_the_store_is_refused_too(store, owner):
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    with pytest.raises(StaffError) as refused:
        invite(store, agent, "new@x.com", role=Role.OWNER)
    assert refused.value.code == StaffErrorCode.NOT_AN_OWNER
    assert not User.objects.filter(email="new@x.com").exists()


def test_a_membership_of_another_store_cannot_be_reached_through_this_one(store, owner):
    elsewhere = MembershipFactory(store=StoreFactory(), role=Role.SUPPORT_AGENT)
    with pytest.raises(StaffError) as refused:
        services.staff_membership_remove(store=store, actor=owner, membership_id=elsewhere.pk)
    assert refused.value.code == StaffErrorCode.NOT_STAFF
    assert StaffMembership.objects.filter(pk=elsewhere.pk).exists()
    assert StaffAuditEvent.objects.count() == 0


# Sending the invitation again ----------------------------------------------------------------


def test_the_invitation_is_sent_again_until_the_colleague_has_logged_in(
    store, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(store, owner, "sam@x.com").membership
        services.staff_invitation_resend(
            store=store, actor=owner, membership_id=membership.pk, portal_url=PORTAL
        )
    assert len(mail.outbox) == 2
    assert all("/account/welcome/" in email.body for email in mail.outbox)
    assert [row[0] for row in audit_rows(store)] == [
        StaffAuditAction.INVITED,
        StaffAuditAction.INVITATION_RESENT,
    ]

    membership.user.set_password("a-fine-long-password")
    membership.user.last_login = timezone.now()
    membership.user.save()
    with pytest.raises(StaffError) as refused:
        services.staff_invitation_resend(
            store=store, actor=owner, membership_id=membership.pk, portal_url=PORTAL
        )
    assert refused.value.code == StaffErrorCode.PASSWORD_ALREADY_SET
    assert len(mail.outbox) == 2


def test_the_invitation_email_waits_for_the_commit(
    store, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(store, owner, "sam@x.com")
    assert len(callbacks) == 1  # queued after the commit only
    assert mail.outbox == []
