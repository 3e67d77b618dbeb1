"""The one way this app reaches Amazon: HTTPS only, to allow-listed hosts only, no redirects,
within ``ALEXA_NOTIFICATION_TIMEOUT_SECONDS``. Nothing here logs a body, a token or a
secret."""

from urllib.parse import urlsplit

import requests
from django.conf import settings


class Unreachable(Exception):
    """The call failed before an HTTP answer (retryable)."""


class HostNotAllowed(Unreachable):
    """Not HTTPS, or not a host in the allow-list: never called."""


def post(url: str, *, allowed_hosts: list[str], **kwargs) -> requests.Response:
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc not in allowed_hosts:
        raise HostNotAllowed(f"not an allowed Amazon host: {parts.netloc or '?'}")
    try:
        return requests.post(
            url,
            timeout=settings.ALEXA_NOTIFICATION_TIMEOUT_SECONDS,
            allow_redirects=False,
            **kwargs,
        )
    except requests.RequestException as exc:
        raise Unreachable(f"{parts.netloc}: {type(exc).__name__}") from exc
