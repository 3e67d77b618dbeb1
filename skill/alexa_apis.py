"""Alexa's own APIs a turn may call: the device's address (Device Settings API, permission
``read::alexa:device:all:address``) and the shopper's email (Customer Profile API,
``alexa::profile:email:read``).

Calls go to the request's ``apiEndpoint`` with its ``apiAccessToken`` through the one client
for Amazon (``alexa.http``): over HTTPS, only to the hosts in ``ALEXA_API_HOSTS`` (Amazon's
three regions), each within ``ALEXA_API_TIMEOUT_SECONDS``. Amazon answers 200 with the value,
204 when the shopper has set none, 403 when the permission is not granted. An answer of
another shape (not an object of strings, a value longer than any address line, an email that
is not one) is treated as "not available", as Amazon being unreachable is. The calls are made
here rather than through ask-sdk's service clients because those fail to read the error
bodies Amazon sends with a 403 (``{"code": "ACCESS_DENIED", ...}`` is not in their
error-code enum), which would turn "not granted" into an exception.

The voice test console has no Amazon behind it: its turns get the Amazon Pay sandbox's
address for the locale and the store's sandbox email, or a refusal when the console's
permission control is not "granted".
"""

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ask_sdk_core.handler_input import HandlerInput
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from alexa import http
from alexa.scopes import ADDRESS_SCOPE

from . import amazon_pay_sandbox, envelope
from .envelope_rules import clean_text
from .turn import Turn

logger = logging.getLogger(__name__)

ADDRESS_PATH = "/v1/devices/{device_id}/settings/address"
EMAIL_PATH = "/v2/accounts/~current/settings/Profile.email"
ADDRESS_FIELDS = ("addressLine1", "addressLine2", "addressLine3", "city", "stateOrRegion",
                  "districtOrCounty", "postalCode", "countryCode")  # fmt: skip
MAX_EMAIL = 254  # what the customer's and the order's email hold
MAX_ADDRESS_FIELD = 200  # longer than any line Amazon keeps (its address lines hold 60)


class PermissionMissing(Exception):
    """The shopper has not granted the permission (HTTP 403)."""


class Unavailable(Exception):
    """Amazon's API could not be reached, refused the host, or failed."""


@dataclass
class Contact:
    address: dict[str, str]
    email: str


def delivery_contact(handler_input: HandlerInput, turn: Turn, *, want_email: bool) -> Contact:
    """The device's address (raises ``PermissionMissing`` or ``Unavailable``; empty when the
    shopper set none) and, when ``want_email``, the shopper's email ("" when not granted,
    not set or not reachable)."""
    if turn.is_test:
        return _console_contact(handler_input, turn)
    device_id = quote(envelope.device_id(handler_input.request_envelope), safe="")
    status, body = _get(handler_input, ADDRESS_PATH.format(device_id=device_id))
    if status == 403:
        raise PermissionMissing(ADDRESS_SCOPE)
    if status not in (200, 204):
        logger.warning("device address for store %s: HTTP %s", turn.store.pk, status)
        raise Unavailable(f"HTTP {status}")
    address = _address(_json(body)) if status == 200 else {}
    if address is None:
        logger.warning("device address for store %s: an answer of another shape", turn.store.pk)
        raise Unavailable("device address of another shape")
    return Contact(address=address, email=profile_email(handler_input, turn) if want_email else "")


def _address(found: object) -> dict[str, str] | None:
    """The Device Settings API's address as Amazon documents it (an object whose fields are
    strings or null, without control characters), its non-blank fields stripped; None for
    any other shape."""
    if not isinstance(found, dict):
        return None
    address: dict[str, str] = {}
    for key in ADDRESS_FIELDS:
        value = found.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > MAX_ADDRESS_FIELD or not clean_text(value):
            return None
        if value.strip():
            address[key] = value.strip()
    return address


def profile_email(handler_input: HandlerInput, turn: Turn) -> str:
    """The shopper's email from their Amazon profile; "" when not granted, not set or not
    reachable (the order goes on without a confirmation email)."""
    if turn.is_test:
        return turn.store.sandbox_customer_email if _console_granted(handler_input) else ""
    try:
        status, body = _get(handler_input, EMAIL_PATH)
    except Unavailable:
        return ""
    if status != 200:
        if status not in (204, 403):
            logger.warning("profile email for store %s: HTTP %s", turn.store.pk, status)
        return ""
    email = _json(body)
    if not isinstance(email, str) or len(email.strip()) > MAX_EMAIL or not clean_text(email):
        return ""
    try:
        validate_email(email.strip())
    except ValidationError:
        return ""
    return email.strip()


def _get(handler_input: HandlerInput, path: str) -> tuple[int, str]:
    system = envelope.system(handler_input.request_envelope)
    endpoint = (system.api_endpoint or "").rstrip("/") if system else ""
    token = system.api_access_token if system else ""
    if not token:
        raise Unavailable("no apiAccessToken")
    try:
        response = http.get(
            endpoint + path,
            allowed=http.amazon_hosts(settings.ALEXA_API_HOSTS),
            timeout=settings.ALEXA_API_TIMEOUT_SECONDS,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
    except http.HostNotAllowed as exc:
        raise Unavailable(str(exc)) from exc
    except http.Unreachable as exc:
        logger.warning("Alexa API unreachable: %s", exc)
        raise Unavailable(str(exc)) from exc
    return response.status_code, response.text


def _json(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _console_granted(handler_input: HandlerInput) -> bool:
    return envelope.consent_status(handler_input.request_envelope) == "GRANTED"


def _console_contact(handler_input: HandlerInput, turn: Turn) -> Contact:
    if not _console_granted(handler_input):
        raise PermissionMissing(ADDRESS_SCOPE)
    country = {"en-GB": "UK", "de-DE": "DE"}.get(turn.locale, "US")
    sandbox = amazon_pay_sandbox.ADDRESSES[country]
    return Contact(
        address={key: value for key, value in sandbox.items() if key in ADDRESS_FIELDS and value},
        email=turn.store.sandbox_customer_email,
    )
