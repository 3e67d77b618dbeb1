"""The account emails: verify the address, reset the password. Plain text, in the store's
language, with a link to the store's shop. Sent by ``shoppers.tasks`` after the commit of the
change that asked for them; the token is made when the email is sent, from the account as it
is then."""

import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ShopperAccount
from .tokens import reset_tokens, uidb64_of, verification_tokens

VERIFY = "verify_email"
RESET = "password_reset"

SUBJECTS = {
    VERIFY: {
        "en": "Confirm your email for {store}",
        "de": "Bestätige deine E-Mail-Adresse für {store}",
    },
    RESET: {
        "en": "Reset your {store} password",
        "de": "Setze dein Passwort für {store} zurück",
    },
}
KINDS = list(SUBJECTS)
# The shop's pages the links open (URL names of the shop app, args: slug, uidb64, token).
LINK_URL_NAMES = {VERIFY: "shop:verify_email", RESET: "shop:password_reset_confirm"}


class TransientEmailError(Exception):
    """The mail server did not take the email; the task tries again."""


def link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def account_link(account: ShopperAccount, kind: str) -> str:
    """The absolute one-time link of ``kind`` for the account, on the shop's site."""
    user = account.user
    tokens = verification_tokens if kind == VERIFY else reset_tokens
    path = reverse(
        LINK_URL_NAMES[kind],
        args=[account.store.slug, uidb64_of(user), tokens.make_token(user)],
    )
    return settings.SHOPPERS_SITE_URL.rstrip("/") + path


def send_account_email(*, account_id: int, kind: str) -> bool:
    """Send one account email; False when the account is gone (deleted before it went out)
    or, for verification, already verified."""
    account = ShopperAccount.objects.select_related("store", "user").filter(pk=account_id).first()
    if account is None or kind not in SUBJECTS:
        return False
    if kind == VERIFY and account.is_verified:
        return False
    store = account.store
    language = "de" if store.default_locale.startswith("de") else "en"
    context = {
        "store": store,
        "name": account.name,
        "link": account_link(account, kind),
        "days": link_days(),
    }
    text = render_to_string(f"shoppers/email/{kind}_{language}.txt", context)
    subject = SUBJECTS[kind][language].format(store=store.name)
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [account.email])
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientEmailError(str(exc)) from exc
    return True
