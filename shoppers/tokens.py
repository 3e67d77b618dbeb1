"""The one-time links of a shopper account: email verification and password reset.

Both are Django's password-reset token scheme (HMAC of the user's state and a timestamp,
valid for ``PASSWORD_RESET_TIMEOUT``) under their own salts, so one kind never opens the
other, and each covers the account's store: a link works only at the shop of that store.
The verification token covers the email (a link for an old address stops working) and stays
valid after use, so a second click changes nothing; the reset token covers the password hash
and the last login, so it stops working once used.
"""

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class VerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "shoppers.tokens.VerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        account = user.shopper_account
        return f"{user.pk}{account.store_id}{account.email}{timestamp}"


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "shoppers.tokens.ResetTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.shopper_account.store_id}{super()._make_hash_value(user, timestamp)}"


verification_tokens = VerificationTokenGenerator()
reset_tokens = ResetTokenGenerator()


def uidb64_of(user: Any) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_of(uidb64: str) -> int | None:
    try:
        return int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
