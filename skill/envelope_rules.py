"""What Alexa documents about a request envelope, checked before anything reads it.

A request that breaks a rule gets HTTP 400 and never reaches the database: wrong types,
``null`` where Alexa sends an object or a list, ids and strings longer than Alexa ever sends,
NUL bytes, other control characters or lone UTF-16 surrogates in any string, nesting deeper
than any real envelope. Unknown fields are allowed (Alexa adds fields over time), but their
strings and depth are checked like the rest. ``check_envelope`` is pure and cheap: one walk
over the parsed JSON.

The payloads of Amazon Pay's results (``Connections.Response`` named ``Setup`` or ``Charge``)
are typed too: each member the skill reads has the JSON type Amazon documents and at most
the length the portal keeps (an agreement id, an authorization id, a reason code), so a
result of another shape is refused here rather than half-read by a handler.

Sources: the Alexa request and response JSON reference (``userId`` "is never more than 255
characters"; ids are ``amzn1.`` strings; ``timestamp`` is ISO 8601; ``locale`` is a
language-region code), the entity-resolution and Connections.Response shapes, Amazon Pay
for Alexa's Setup and Charge results (``billingAgreementDetails``,
``authorizationDetails``), and the skill events' shapes.
"""

import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

MAX_DEPTH = 24  # the deepest real envelope (a Connections.Response payload) is about 10
MAX_ID = 255
MAX_TOKEN = 4096  # apiAccessToken, consentToken: JWTs of about 1 KB
MAX_TEXT = 2048  # a slot value, a status message, a token
MAX_NAME = 200  # intent, slot and request type names
MAX_ITEMS = 100  # slots, authorities, values, directives: Alexa sends a handful

# C0 controls except tab, newline and carriage return; and lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LOCALE = re.compile(r"[a-z]{2,3}-[A-Z]{2}")
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})", re.ASCII
)
_NAME = re.compile(r"[A-Za-z0-9_.:-]+")
_CODE = re.compile(r"[A-Za-z0-9_.:-]*")  # Amazon Pay's states and codes ("" when none)


class EnvelopeInvalid(ValueError):
    """The body breaks what Alexa documents; ``str(exc)`` names the field and the rule."""


Rule = Callable[[Any, str], None]


def _fail(path: str, what: str) -> NoReturn:
    raise EnvelopeInvalid(f"{path}: {what}")


def text(max_len: int = MAX_TEXT, pattern: re.Pattern[str] | None = None) -> Rule:
    def check(value: object, path: str) -> None:
        if not isinstance(value, str):
            _fail(path, "must be a string")
        if len(value) > max_len:
            _fail(path, f"longer than {max_len} characters")
        if pattern is not None and not pattern.fullmatch(value):
            _fail(path, "is not in the documented format")

    return check


def flag(value: object, path: str) -> None:
    if not isinstance(value, bool):
        _fail(path, "must be true or false")


def number(value: object, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, "must be a number")


def status_code(value: object, path: str) -> None:
    """Alexa sends the code as a string ("200"); some simulators send a number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        _fail(path, "must be a status code")
    if len(str(value)) > 3:
        _fail(path, "is not an HTTP status code")


def timestamp(value: object, path: str) -> None:
    """ISO 8601 as Alexa sends it; epoch milliseconds are read too (see verification)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value < 10**14:
            _fail(path, "is not a time")
        return
    text(40, _TIMESTAMP)(value, path)


def amount(value: object, path: str) -> None:
    """A price's amount: Amazon Pay sends a decimal string ("9.72"); a number is read too."""
    if isinstance(value, str):
        text(40)(value, path)
    else:
        number(value, path)


def free(value: object, path: str) -> None:
    """Anything JSON (a payload, session attributes): strings and depth checked by the walk."""


def obj(
    fields: dict[str, Rule] | None = None,
    *,
    required: Sequence[str] = (),
    values: Rule | None = None,
) -> Rule:
    """An object with known ``fields`` (absent or ``null`` allowed unless ``required``);
    ``values`` checks every member of a map such as ``slots``."""

    def check(value: object, path: str) -> None:
        if not isinstance(value, dict):
            _fail(path, "must be an object")
        for name in required:
            if value.get(name) is None:
                _fail(f"{path}.{name}", "is required")
        for name, rule in (fields or {}).items():
            member = value.get(name)
            if member is not None:
                rule(member, f"{path}.{name}")
        if values is not None:
            if len(value) > MAX_ITEMS:
                _fail(path, f"more than {MAX_ITEMS} members")
            for name, member in value.items():
                if len(name) > MAX_NAME:
                    _fail(path, "a member name is too long")
                values(member, f"{path}.{name}")

    return check


def items(rule: Rule) -> Rule:
    def check(value: object, path: str) -> None:
        if not isinstance(value, list):
            _fail(path, "must be a list")
        if len(value) > MAX_ITEMS:
            _fail(path, f"more than {MAX_ITEMS} items")
        for n, member in enumerate(value):
            if member is None:
                _fail(f"{path}[{n}]", "must not be null")
            rule(member, f"{path}[{n}]")

    return check


_ID = text(MAX_ID)
_APPLICATION = obj({"applicationId": _ID})
_PERMISSIONS = obj(
    {"consentToken": text(MAX_TOKEN), "scopes": obj(values=obj({"status": text(40)}))}
)
_USER = obj({"userId": _ID, "accessToken": text(MAX_TOKEN), "permissions": _PERMISSIONS})
_SESSION = obj(
    {
        "new": flag,
        "sessionId": _ID,
        "application": _APPLICATION,
        "attributes": obj(values=free),
        "user": _USER,
    }
)
_SYSTEM = obj(
    {
        "application": _APPLICATION,
        "user": _USER,
        "person": obj({"personId": _ID, "accessToken": text(MAX_TOKEN)}),
        "device": obj({"deviceId": _ID, "supportedInterfaces": obj(values=free)}),
        "apiEndpoint": text(MAX_NAME),
        "apiAccessToken": text(MAX_TOKEN),
    }
)
_CONTEXT = obj({"System": _SYSTEM}, values=free)

_RESOLUTION = obj(
    {
        "authority": text(MAX_TEXT),
        "status": obj({"code": text(40, _NAME)}),
        "values": items(obj({"value": obj({"name": text(), "id": text()})}, required=["value"])),
    }
)
_SLOT = obj(
    {
        "name": text(MAX_NAME),
        "value": text(),
        "confirmationStatus": text(40, _NAME),
        "resolutions": obj({"resolutionsPerAuthority": items(_RESOLUTION)}),
        "slotValue": free,
    }
)
_INTENT = obj(
    {
        "name": text(MAX_NAME, _NAME),
        "confirmationStatus": text(40, _NAME),
        "slots": obj(values=_SLOT),
    },
)
_COMMON = {
    "type": text(MAX_NAME, _NAME),
    "requestId": _ID,
    "timestamp": timestamp,
    "locale": text(10, _LOCALE),
}
_BY_TYPE: dict[str, Rule] = {
    "IntentRequest": obj(
        {**_COMMON, "dialogState": text(40, _NAME), "intent": _INTENT},
        required=["intent"],
    ),
    "CanFulfillIntentRequest": obj({**_COMMON, "intent": _INTENT}, required=["intent"]),
    "SessionEndedRequest": obj(
        {
            **_COMMON,
            "reason": text(40, _NAME),
            "error": obj({"type": text(MAX_NAME), "message": text()}),
        }
    ),
    "Connections.Response": obj(
        {
            **_COMMON,
            "name": text(MAX_NAME, _NAME),
            "status": obj({"code": status_code, "message": text()}),
            "payload": obj(values=free),
            "token": text(),
        }
    ),
}
# Amazon Pay's results (``Connections.Response`` payloads), by the request's ``name``. Ids and
# codes are bounded by what the portal keeps of them (orders.models: Customer,
# PaymentTransaction); timestamps are read leniently (verification.parse_timestamp).
_PRICE = obj({"amount": amount, "currencyCode": text(3)})
_ADDRESS = obj(
    {
        key: text(MAX_NAME)
        for key in (
            "name",
            "addressLine1",
            "addressLine2",
            "addressLine3",
            "city",
            "districtOrCounty",
            "stateOrRegion",
            "postalCode",
            "countryCode",
            "phone",
        )
    },
    values=free,
)
_ERROR_FIELDS = {"errorCode": text(MAX_NAME), "errorMessage": text()}
_SETUP_PAYLOAD = obj(
    {
        "billingAgreementDetails": obj(
            {
                "billingAgreementId": text(60),
                "billingAgreementStatus": text(20, _CODE),
                "creationTimestamp": text(40),
                "destination": _ADDRESS,
                "checkoutLanguage": text(10),
                "releaseEnvironment": text(20),
            },
            values=free,
        ),
        **_ERROR_FIELDS,
    },
    values=free,
)
_CHARGE_PAYLOAD = obj(
    {
        "amazonOrderReferenceId": text(MAX_ID),
        "authorizationDetails": obj(
            {
                "amazonAuthorizationId": text(80),
                "authorizationReferenceId": text(MAX_ID),
                "sellerAuthorizationNote": text(),
                "authorizationAmount": _PRICE,
                "capturedAmount": _PRICE,
                "authorizationFee": _PRICE,
                "idList": items(text(80)),
                "creationTimestamp": text(40),
                "expirationTimestamp": text(40),
                "authorizationStatus": obj(
                    {
                        "state": text(20, _CODE),
                        "lastUpdateTimestamp": text(40),
                        "reasonCode": text(60, _CODE),
                        "reasonDescription": text(),
                    }
                ),
                "softDecline": flag,
                "captureNow": flag,
                "softDescriptor": text(),
            },
            values=free,
        ),
        **_ERROR_FIELDS,
    },
    values=free,
)
_CONNECTIONS_PAYLOADS: dict[str, Rule] = {"Setup": _SETUP_PAYLOAD, "Charge": _CHARGE_PAYLOAD}
_REQUEST = obj(_COMMON, required=["type"])
# Skill events: the documented members of ``body`` are typed; anything else Alexa adds is
# walked like the rest.
_SKILL_EVENT_BODY = obj(
    {
        "acceptedPermissions": items(obj({"scope": text(MAX_NAME)})),
        "acceptedPersonPermissions": items(obj({"scope": text(MAX_NAME)})),
        "subscriptions": items(obj({"eventName": text(MAX_NAME, _NAME)})),
        "userInformationPersistenceStatus": text(40, _NAME),
        "accessToken": text(MAX_TOKEN),
    },
    values=free,
)
_SKILL_EVENT = obj(
    {
        **_COMMON,
        "body": _SKILL_EVENT_BODY,
        "eventCreationTime": text(40, _TIMESTAMP),
        "eventPublishingTime": text(40, _TIMESTAMP),
    }
)


def check_envelope(envelope: Any) -> None:
    """Raise ``EnvelopeInvalid`` unless ``envelope`` has the shape Alexa documents."""
    if not isinstance(envelope, dict):
        _fail("body", "must be a JSON object")
    _walk(envelope, "body", 0)
    obj(
        {"version": text(16), "session": _SESSION, "context": _CONTEXT},
        required=["request"],
    )(envelope, "body")
    request = envelope["request"]
    _REQUEST(request, "request")
    type_rule = _BY_TYPE.get(request["type"])
    if type_rule is not None:
        type_rule(request, "request")
    elif request["type"].startswith("AlexaSkillEvent."):
        _SKILL_EVENT(request, "request")
    if request["type"] == "Connections.Response":  # its ``name`` is a string by now
        payload_rule = _CONNECTIONS_PAYLOADS.get(request.get("name"))
        if payload_rule is not None:
            payload_rule(request.get("payload") or {}, "request.payload")


def clean_text(value: str) -> bool:
    """No control character (but tab and newlines) and no unpaired surrogate: what the
    database and the speech can hold. Also for what Amazon's APIs answer."""
    return not _FORBIDDEN.search(value)


def _walk(value: Any, path: str, depth: int) -> None:
    """Every string anywhere: no control characters or lone surrogates; bounded depth."""
    if depth > MAX_DEPTH:
        _fail(path, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if _FORBIDDEN.search(value):
            _fail(path, "contains a control character or an unpaired surrogate")
    elif isinstance(value, dict):
        for key, member in value.items():
            if _FORBIDDEN.search(key):
                _fail(path, "a member name contains a control character")
            _walk(member, path, depth + 1)
    elif isinstance(value, list):
        for member in value:
            _walk(member, path, depth + 1)
    elif isinstance(value, float) and value != value:  # NaN (json accepts it, Alexa never sends it)
        _fail(path, "is not a number")
