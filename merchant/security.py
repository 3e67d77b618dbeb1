"""The portal never serves without a secret key (unless DEBUG supplies a local one)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

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
    return [Error(MISSING, hint="Set SECRET_KEY in the environment.", id="merchant.E001")]
