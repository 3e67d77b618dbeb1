"""Secrets kept on database rows (a store's Alexa messaging client secret), encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with the keys in
``FIELD_ENCRYPTION_KEY``: the first key encrypts, every key decrypts, so a key is rotated by
putting the new one first and re-saving the secrets. With ``DEBUG`` on and no key set, a key
derived from ``SECRET_KEY`` is used so ``make run`` works; otherwise encrypting or decrypting
without a key raises ``ImproperlyConfigured``, and ``manage.py check --deploy`` reports the
missing key (``config/security.py``). Plain values are never logged nor shown again.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY = "FIELD_ENCRYPTION_KEY must be set when DEBUG is off."


class UndecryptableSecret(Exception):
    """The stored value was encrypted with a key that is no longer configured."""


def configured_keys() -> list[str]:
    keys = settings.FIELD_ENCRYPTION_KEY
    if isinstance(keys, str):
        keys = [keys]
    return [key.strip() for key in keys if key and key.strip()]


def key_problem() -> str:
    """Why the configured keys cannot be used ("" when they can)."""
    keys = configured_keys()
    if not keys:
        return "" if settings.DEBUG else MISSING_KEY
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return "FIELD_ENCRYPTION_KEY holds a value that is not a Fernet key."
    return ""


def _fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured(MISSING_KEY)
        digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not a Fernet key.") from exc


def encrypt(plain: str) -> str:
    """The encrypted token ("" for "")."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value ("" for ""); ``UndecryptableSecret`` when no configured key fits."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise UndecryptableSecret("the stored secret does not match FIELD_ENCRYPTION_KEY") from exc
