"""What every operation shares: refusals turned into the spec's error response, the
capability check, the base of the URLs in responses."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from ..negotiation import Platform
from ..protocol import UcpError, capability_missing, error_body

Reply = tuple[int, dict[str, Any]]


def answer(operation: Callable[[], Reply], *, writes: bool = False) -> Reply:
    """The operation's reply (one transaction for an operation that ``writes``); a
    ``UcpError`` it raises undoes its writes and becomes its error response."""
    try:
        if not writes:
            return operation()
        with transaction.atomic():
            return operation()
    except UcpError as exc:
        return exc.status, error_body(exc)


def require(platform: Platform, capability: str) -> None:
    if capability not in platform.capabilities:
        raise capability_missing(capability)


def base_of(base_url: str) -> str:
    """The scheme and host the platform reached us at; the portal's public URL when the
    transport does not say."""
    return (base_url or settings.PUBLIC_BASE_URL).rstrip("/")
