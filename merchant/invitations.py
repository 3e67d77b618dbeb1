"""The staff invitation email and its one-time link.

A new colleague's login has no usable password; the email carries a link to
``StaffWelcomeView`` (Django's ``PasswordResetConfirmView``) with a token of
``invitation_tokens``. The token is Django's password-reset token under its own salt (a
password-reset token does not open an invitation, nor the other way round); it stops working
once the password is set (the token covers the password hash) and after
``PASSWORD_RESET_TIMEOUT``. A colleague who already has a password gets the same email
without a link: they log in as usual and find the new store.
"""

import smtplib

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import StaffMembership


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "merchant.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


class TransientEmailError(Exception):
    """The mail server did not take the email; the task tries again."""


def invitation_path(user) -> str:
    """The one-time link's path (the portal's address goes in front of it)."""
    return reverse(
        "staff_welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )


def link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def send_staff_invitation(*, membership_id: int, portal_url: str) -> bool:
    """Email the colleague of ``membership_id`` their access to its store; False when the
    membership is gone (removed before the email went out)."""
    membership = (
        StaffMembership.objects.select_related("user", "store").filter(pk=membership_id).first()
    )
    if membership is None:
        return False
    user, store = membership.user, membership.store
    portal_url = portal_url.rstrip("/")
    context = {
        "store": store,
        "role": membership.get_role_display(),
        "can_refund": membership.can_refund,
        "login_name": user.get_username(),
        "login_url": portal_url + reverse("admin:login"),
        "link": None if user.has_usable_password() else portal_url + invitation_path(user),
        "days": link_days(),
    }
    text = render_to_string("merchant/email/staff_invitation.txt", context)
    subject = f"You now work for {store.name} on the voice store portal"
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientEmailError(str(exc)) from exc
    return True
