"""What a store's own shop domain may be: a public host name (``shop.example.com``), never an
address, a bare name or one of the portal's own hosts (``ALLOWED_HOSTS``)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import validate_host

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalized_domain(value: str) -> str:
    return (value or "").strip().lower().rstrip(".")


def validate_shop_domain(value: str) -> None:
    domain = normalized_domain(value)
    if not domain:
        return
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        raise ValidationError(
            "Give a host name only, like shop.example.com: letters, digits, hyphens and "
            "dots, no https:// and no path.",
            code="invalid",
        )
    if labels[-1].isdigit():
        raise ValidationError("Give a host name, not an IP address.", code="invalid")
    portal_hosts = [host for host in settings.ALLOWED_HOSTS if host != "*"]
    if validate_host(domain, portal_hosts):
        raise ValidationError(
            "This is one of the portal's own host names; give the store's own domain.",
            code="portal_host",
        )
