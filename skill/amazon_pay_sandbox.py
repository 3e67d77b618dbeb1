"""The embedded Amazon Pay sandbox: what Alexa would send back for a Setup or Charge directive.

Amazon switched Amazon Pay for Alexa Skills off in 2023, so no live round trip can happen.
This module answers a ``Connections.SendRequest`` directive the way Alexa's Amazon Pay
sandbox did, so tests and the voice test console can walk the whole purchase:

* ``respond(directive)`` returns the ``Connections.Response`` *request* (the ``request``
  object of the envelope Alexa would post to the skill).
* ``response_envelope(previous_envelope, skill_response)`` takes the envelope the skill just
  answered and its response, finds the directive, and returns the full next request envelope.

Outcomes:

* Setup: ``billingAgreementStatus`` ``OPEN`` with a sandbox shipping address for the
  directive's country.
* Charge: ``AuthorizeAndCapture`` comes back ``Closed``/``MaxCapturesProcessed``; ``Authorize``
  comes back ``Open``. A ``SandboxSimulation`` JSON in ``sellerAuthorizationNote`` (as Amazon's
  sandbox read it) produces a decline, e.g.
  ``{"SandboxSimulation": {"State": "Declined", "ReasonCode": "InvalidPaymentMethod"}}``.
* ``simulate=`` forces an outcome: ``"Declined:<ReasonCode>"`` (e.g.
  ``"Declined:AmazonRejected"``), ``"Agreement:<STATUS>"`` (e.g. ``"Agreement:SUSPENDED"``)
  for Setup, or any error code from ``ERRORS`` (``"ACCESS_DENIED"``, ``"InvalidSellerId"``...).
"""

import json
import uuid
from datetime import UTC, datetime

from orders.amazon_pay_facts import (
    AGREEMENT_OPEN,
    AUTHORIZATION_LIFETIME,
    BILLING_AGREEMENT_PREFIX,
    CLOSED,
    DECLINED,
    MAX_CAPTURES_PROCESSED,
    OPEN,
    ORDER_REFERENCE_PREFIX,
    SOFT_DECLINE,
    sandbox_simulation,
)

from .amazon_pay import (
    CHARGE,
    CONNECTIONS_RESPONSE,
    ERRORS,
    SEND_REQUEST,
    SETUP,
    SUCCESS_CODE,
    find_directive,
)

SUCCESS = {"code": SUCCESS_CODE, "message": "OK"}
CAPTURE_NOW = "AuthorizeAndCapture"  # paymentAction of a Charge that captures at once

ADDRESSES = {
    "US": {
        "name": "Sandbox Shopper",
        "addressLine1": "410 Terry Ave N",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98109",
        "countryCode": "US",
        "phone": "+1 206 555 0123",
    },
    "UK": {
        "name": "Sandbox Shopper",
        "addressLine1": "1 Principal Place",
        "addressLine2": "Worship Street",
        "city": "London",
        "stateOrRegion": "",
        "postalCode": "EC2A 2FA",
        "countryCode": "GB",
        "phone": "+44 20 7946 0000",
    },
    "DE": {
        "name": "Sandbox Kundin",
        "addressLine1": "Marcel-Breuer-Straße 12",
        "city": "München",
        "stateOrRegion": "",
        "postalCode": "80807",
        "countryCode": "DE",
        "phone": "+49 89 0000 0000",
    },
}


def _amazon_id(prefix: str) -> str:
    """An id shaped like Amazon's: ``C01-1234567-1234567``."""
    digits = f"{uuid.uuid4().int % 10**14:014d}"
    return f"{prefix}-{digits[:7]}-{digits[7:]}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(name: str | None, token: str, code: str, message: str = "") -> dict:
    return {
        "type": CONNECTIONS_RESPONSE,
        "name": name,
        "status": {"code": ERRORS[code], "message": code},
        "payload": {"errorCode": code, "errorMessage": message or f"Sandbox simulated {code}."},
        "token": token,
    }


def respond(directive: dict, *, simulate: str | None = None) -> dict:
    """The ``Connections.Response`` request Alexa would send for ``directive``."""
    if directive.get("type") != SEND_REQUEST:
        raise ValueError("not a Connections.SendRequest directive")
    name = directive.get("name")
    token = directive.get("token") or ""
    payload = directive.get("payload") or {}
    if simulate is not None and simulate in ERRORS:
        return _error(name, token, simulate)
    if name == SETUP:
        return _setup(payload, token, simulate)
    if name == CHARGE:
        return _charge(payload, token, simulate)
    raise ValueError(f"unknown Amazon Pay request {name!r}")


def _setup(payload: dict, token: str, simulate: str | None) -> dict:
    status = AGREEMENT_OPEN
    if simulate and simulate.startswith("Agreement:"):
        status = simulate.split(":", 1)[1]
    country = payload.get("countryOfEstablishment", "US")
    address = ADDRESSES.get(country, ADDRESSES["US"])
    return {
        "type": CONNECTIONS_RESPONSE,
        "name": SETUP,
        "status": dict(SUCCESS),
        "payload": {
            "billingAgreementDetails": {
                "billingAgreementId": _amazon_id(BILLING_AGREEMENT_PREFIX),
                "billingAgreementStatus": status,
                "creationTimestamp": _now(),
                "destination": dict(address),
                "checkoutLanguage": payload.get("checkoutLanguage", "en_US"),
                "releaseEnvironment": "SANDBOX" if payload.get("sandboxMode") else "LIVE",
            }
        },
        "token": token,
    }


def _charge(payload: dict, token: str, simulate: str | None) -> dict:
    attributes = payload.get("authorizeAttributes") or {}
    amount = attributes.get("authorizationAmount") or {}
    capture_now = payload.get("paymentAction") == CAPTURE_NOW
    simulation = sandbox_simulation(attributes.get("sellerAuthorizationNote"))
    if simulate and simulate.startswith("Declined:"):
        simulation = {"State": DECLINED, "ReasonCode": simulate.split(":", 1)[1]}
    declined = simulation.get("State") == DECLINED
    authorization_id = _amazon_id(ORDER_REFERENCE_PREFIX) + "-A" + f"{uuid.uuid4().int % 10**6:06d}"
    if declined:
        state, reason = DECLINED, simulation.get("ReasonCode", SOFT_DECLINE)
    elif capture_now:
        state, reason = CLOSED, MAX_CAPTURES_PROCESSED
    else:
        state, reason = OPEN, ""
    captured = not declined and capture_now
    created = datetime.now(UTC)
    details = {
        "amazonAuthorizationId": authorization_id,
        "authorizationReferenceId": attributes.get("authorizationReferenceId", ""),
        "authorizationAmount": dict(amount),
        "capturedAmount": (
            dict(amount)
            if captured
            else {"amount": "0", "currencyCode": amount.get("currencyCode", "USD")}
        ),
        "authorizationFee": {"amount": "0", "currencyCode": amount.get("currencyCode", "USD")},
        "idList": [authorization_id.replace("-A", "-C")] if captured else [],
        "creationTimestamp": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expirationTimestamp": (created + AUTHORIZATION_LIFETIME).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "authorizationStatus": {
            "state": state,
            "lastUpdateTimestamp": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reasonCode": reason,
        },
        "softDecline": declined and reason == SOFT_DECLINE,
        "captureNow": capture_now,
        "softDescriptor": attributes.get("softDescriptor", ""),
    }
    return {
        "type": CONNECTIONS_RESPONSE,
        "name": CHARGE,
        "status": dict(SUCCESS),
        "payload": {
            "amazonOrderReferenceId": _amazon_id(ORDER_REFERENCE_PREFIX),
            "authorizationDetails": details,
        },
        "token": token,
    }


def response_envelope(
    previous_envelope: dict, skill_response: dict, *, simulate: str | None = None
) -> dict:
    """The full request envelope Alexa would post after ``skill_response``'s directive.

    The directive ended the session, so the envelope starts a new session for the same user
    and device; ``request`` is ``respond(directive)`` with a fresh id, timestamp and locale.
    """
    directive = find_directive(skill_response)
    if directive is None:
        raise ValueError("the skill response holds no Connections.SendRequest directive")
    previous_request = previous_envelope.get("request") or {}
    envelope = json.loads(json.dumps(previous_envelope))
    session = envelope.get("session")
    if session is not None:
        session["new"] = True
        session["sessionId"] = f"amzn1.echo-api.session.{uuid.uuid4()}"
        session["attributes"] = {}
    request = respond(directive, simulate=simulate)
    envelope["request"] = {
        "type": request.pop("type"),
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": _now(),
        "locale": previous_request.get("locale", "en-US"),
        **request,
    }
    return envelope
