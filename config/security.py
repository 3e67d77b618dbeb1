"""Security rules of the project: the portal never serves without a secret key (unless DEBUG
supplies a local one), and the client address that login throttling counts behind proxies."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from merchant import crypto

MISSING = "SECRET_KEY must be set when DEBUG is off."


def secret_key_is_set() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return False


def require_secret_key() -> None:
    """Called by the WSGI and ASGI entry points before they serve anything."""
    if not secret_key_is_set():
        raise ImproperlyConfigured(MISSING)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if secret_key_is_set():
        return []
    return [Error(MISSING, hint="Set SECRET_KEY in the environment.", id="config.E001")]


@register(Tags.security, deploy=True)
def check_field_encryption_key(app_configs, **kwargs):
    """Secrets stored on rows (messaging client secrets) need a real key in production."""
    problem = crypto.key_problem()
    if not problem:
        return []
    return [
        Error(
            problem,
            hint="Set FIELD_ENCRYPTION_KEY to a key made by `python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`.",
            id="config.E002",
        )
    ]


def client_ip(request) -> str | None:
    """The client's address for login throttling (django-axes).

    Behind ``TRUSTED_PROXY_COUNT`` proxies (a load balancer: 1) the client is the entry that
    the outermost trusted proxy appended to X-Forwarded-For; entries further left were
    written by the client and may be forged. Without proxies: REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    if len(forwarded) < trusted:
        return remote
    return forwarded[-trusted] or remote
