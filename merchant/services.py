"""Every write to a store's staff: invitations, role changes, removals.

Each service is keyword-only and atomic: it takes the store's row lock (so two owners who act
at once cannot both remove the other and leave the store without an owner), checks that the
actor owns the store, re-checks the rules under the lock, writes a ``StaffAuditEvent`` in the
same transaction and raises ``StaffError`` with a ``StaffErrorCode`` when it refuses. The
invitation email is recorded in the outbox and sent after the commit (``merchant.tasks``).
"""

from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from outbox.services import outbox_message_add

from .codes import WordedCode
from .models import Area, Role, StaffAuditAction, StaffAuditEvent, StaffMembership, Store
from .selectors import user_can

SEND_INVITATION = "merchant.tasks.send_staff_invitation"


class StaffErrorCode(WordedCode):
    """A stable code and the sentence the owner reads when a staff change is refused."""

    NOT_AN_OWNER = "not_an_owner", "Only the owners of {store} manage its staff."
    BAD_EMAIL = "bad_email", "Write the colleague's email address, e.g. name@example.com."
    EMAIL_TOO_LONG = (
        "email_too_long",
        "Email addresses of at most 150 characters can be login names; use a shorter one.",
    )
    ROLE_REQUIRED = "role_required", "Choose a role: owner, catalog editor or support agent."
    ALREADY_STAFF = (
        "already_staff",
        "{email} already works for {store} as {role}: change their role in the list instead.",
    )
    AMBIGUOUS_EMAIL = (
        "ambiguous_email",
        "Several logins use {email}: ask the portal's administrator which one to invite.",
    )
    USERNAME_TAKEN = (
        "username_taken",
        "A login named {email} exists with another email address: ask the portal's administrator.",
    )
    NOT_STAFF = "not_staff", "That person does not work for {store} (any more)."
    LAST_OWNER = (
        "last_owner",
        "{email} is the last owner of {store}: make someone else an owner first.",
    )
    PASSWORD_ALREADY_SET = (
        "password_already_set",
        "{email} has already logged in since the invitation.",
    )


class StaffError(Exception):
    """A refused staff change. ``field`` names the form field the wording belongs to."""

    def __init__(self, code: StaffErrorCode | str, *, field: str | None = None, **data: object):
        self.code = StaffErrorCode(code)  # type: ignore[call-arg]  # a lookup by value
        self.field = field
        self.data = data
        super().__init__(f"{self.code}: {self.message}")

    @property
    def message(self) -> str:
        try:
            return self.code.wording.format(**self.data)
        except (KeyError, IndexError):
            return self.code.wording


@dataclass(frozen=True)
class Invitation:
    membership: StaffMembership
    new_login: bool  # a login was created (else an existing one got the membership)


# Helpers ---------------------------------------------------------------------------------------


def _lock_store(store: Store) -> Store:
    """Serialises every staff change of one store (the owner count is read under it)."""
    return Store.objects.select_for_update().get(pk=store.pk)


def _check_owner(*, actor: User | AnonymousUser, store: Store) -> None:
    if not user_can(user=actor, store=store, area=Area.SETTINGS):
        raise StaffError(StaffErrorCode.NOT_AN_OWNER, store=store.name)


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise StaffError(StaffErrorCode.ROLE_REQUIRED, field="role")


def _can_refund(role: str, can_refund: bool) -> bool:
    # Owners always refund and catalog editors never do: the flag means something only for
    # support agents, so it is stored only for them (the page shows no stale "may refund").
    return bool(can_refund) and role == Role.SUPPORT_AGENT


def _locked_membership(*, store: Store, membership_id: int) -> StaffMembership:
    membership = (
        StaffMembership.objects.select_for_update()
        .select_related("user")
        .filter(pk=membership_id, store=store)
        .first()
    )
    if membership is None:
        raise StaffError(StaffErrorCode.NOT_STAFF, store=store.name)
    return membership


def _check_not_last_owner(membership: StaffMembership, store: Store) -> None:
    if membership.role != Role.OWNER:
        return
    owners = StaffMembership.objects.filter(store=store, role=Role.OWNER).count()
    if owners <= 1:
        raise StaffError(StaffErrorCode.LAST_OWNER, email=_email(membership.user), store=store.name)


def _email(user: User) -> str:
    return user.email or user.get_username()


class _Grant(TypedDict):
    role: str
    can_refund: bool


def _grant(membership: StaffMembership) -> _Grant:
    return {"role": membership.role, "can_refund": membership.can_refund}


def _audit(
    *,
    store: Store,
    actor: User | AnonymousUser,
    subject_user: User,
    action: StaffAuditAction,
    data: dict[str, object],
) -> StaffAuditEvent:
    return StaffAuditEvent.objects.create(
        store=store,
        actor=actor if isinstance(actor, User) and actor.pk else None,
        subject_user=subject_user,
        action=action,
        data=data,
    )


def _queue_invitation_email(*, membership_id: int, portal_url: str) -> None:
    """In the outbox, with the invitation: sent after the commit, or by the outbox's sweeper
    when the broker was down (the staff page also offers "Send the invitation again")."""
    outbox_message_add(task=SEND_INVITATION, args=(membership_id, portal_url))


def normalize_email(email: str) -> str:
    return BaseUserManager.normalize_email((email or "").strip())


def _user_for_email(email: str) -> User | None:
    """The one staff-capable login with this email (case-insensitive), None when there is
    none. Shoppers' logins are never it: a shop account (``shoppers``, the reverse relation
    ``shopper_account``) is not a staff login, and one email may have one at every store."""
    users = list(
        get_user_model()._default_manager.filter(email__iexact=email, shopper_account__isnull=True)[
            :2
        ]
    )
    if len(users) > 1:
        raise StaffError(StaffErrorCode.AMBIGUOUS_EMAIL, field="email", email=email)
    return users[0] if users else None


def _create_login(email: str) -> User:
    """A staff login named by its email, without a usable password: the invitation's
    one-time link sets it."""
    User = get_user_model()
    username = email.lower()
    if User._default_manager.filter(username__iexact=username).exists():
        raise StaffError(StaffErrorCode.USERNAME_TAKEN, field="email", email=email)
    user = User(username=username, email=email, is_staff=True)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same login created by a concurrent invitation
        raise StaffError(StaffErrorCode.USERNAME_TAKEN, field="email", email=email) from exc
    return user


# Services --------------------------------------------------------------------------------------


@transaction.atomic
def staff_invite(
    *,
    store: Store,
    actor: User | AnonymousUser,
    email: str,
    role: str,
    can_refund: bool = False,
    portal_url: str,
) -> Invitation:
    """Give ``email`` a role in ``store``: a new login (with a one-time link to set its
    password) or, when a login has this email, a membership for that login. ``portal_url``
    is the portal's address the emailed link starts with (``https://portal.example.com/``)."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise StaffError(StaffErrorCode.BAD_EMAIL, field="email") from exc
    username_length = get_user_model()._meta.get_field("username").max_length
    if username_length is not None and len(email) > username_length:
        raise StaffError(StaffErrorCode.EMAIL_TOO_LONG, field="email")
    _check_role(role)
    store = _lock_store(store)
    _check_owner(actor=actor, store=store)

    user = _user_for_email(email)
    new_login = user is None
    if user is None:
        user = _create_login(email)
    else:
        existing = StaffMembership.objects.filter(user=user, store=store).first()
        if existing is not None:
            raise StaffError(
                StaffErrorCode.ALREADY_STAFF,
                field="email",
                email=email,
                store=store.name,
                role=existing.get_role_display().lower(),
            )
        if not user.is_staff:
            user.is_staff = True  # the admin lets only staff logins in
            user.save(update_fields=["is_staff"])
    membership = StaffMembership.objects.create(
        user=user, store=store, role=role, can_refund=_can_refund(role, can_refund)
    )
    _audit(
        store=store,
        actor=actor,
        subject_user=user,
        action=StaffAuditAction.INVITED if new_login else StaffAuditAction.ADDED,
        data={"email": _email(user), **_grant(membership)},
    )
    _queue_invitation_email(membership_id=membership.pk, portal_url=portal_url)
    return Invitation(membership=membership, new_login=new_login)


@transaction.atomic
def staff_invitation_resend(
    *, store: Store, actor: User | AnonymousUser, membership_id: int, portal_url: str
) -> StaffMembership:
    """The invitation again, for a colleague who has not logged in since it (a new one-time
    link when they have no password yet)."""
    store = _lock_store(store)
    _check_owner(actor=actor, store=store)
    membership = _locked_membership(store=store, membership_id=membership_id)
    if membership.user.has_usable_password() and not membership.awaiting_first_login():
        raise StaffError(StaffErrorCode.PASSWORD_ALREADY_SET, email=_email(membership.user))
    _audit(
        store=store,
        actor=actor,
        subject_user=membership.user,
        action=StaffAuditAction.INVITATION_RESENT,
        data={"email": _email(membership.user), **_grant(membership)},
    )
    _queue_invitation_email(membership_id=membership.pk, portal_url=portal_url)
    return membership


@transaction.atomic
def staff_membership_change(
    *,
    store: Store,
    actor: User | AnonymousUser,
    membership_id: int,
    role: str,
    can_refund: bool = False,
) -> StaffMembership:
    """Change a colleague's role and refund permission in ``store``; the last owner stays an
    owner. Nothing changes (and nothing is audited) when both are already so."""
    _check_role(role)
    store = _lock_store(store)
    _check_owner(actor=actor, store=store)
    membership = _locked_membership(store=store, membership_id=membership_id)
    before = _grant(membership)
    after: _Grant = {"role": role, "can_refund": _can_refund(role, can_refund)}
    if before == after:
        return membership
    if role != Role.OWNER:
        _check_not_last_owner(membership, store)
    membership.role, membership.can_refund = after["role"], after["can_refund"]
    membership.save(update_fields=["role", "can_refund"])
    _audit(
        store=store,
        actor=actor,
        subject_user=membership.user,
        action=StaffAuditAction.CHANGED,
        data={"email": _email(membership.user), "before": before, "after": after},
    )
    return membership


@transaction.atomic
def staff_membership_remove(
    *, store: Store, actor: User | AnonymousUser, membership_id: int
) -> None:
    """End a colleague's access to ``store`` (their login and other stores stay); the last
    owner cannot be removed."""
    store = _lock_store(store)
    _check_owner(actor=actor, store=store)
    membership = _locked_membership(store=store, membership_id=membership_id)
    _check_not_last_owner(membership, store)
    _audit(
        store=store,
        actor=actor,
        subject_user=membership.user,
        action=StaffAuditAction.REMOVED,
        data={"email": _email(membership.user), **_grant(membership)},
    )
    membership.delete()
