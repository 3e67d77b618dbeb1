"""Reading an Alexa request envelope: every read the skill makes of it, in one place.

``parse`` turns the JSON object (already parsed once, by the verifier or the view) into
ask-sdk-model classes; the other functions read what the skill needs from the result: the
application id, the user, the device and Alexa API access, the Amazon Pay permission, the
intent and its slots. Slot values are resolved here and only here: the entity id when entity
resolution matched, else the words heard.
"""

from typing import Any, cast

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, Request, RequestEnvelope, Slot
from ask_sdk_model.interfaces.system import SystemState

from alexa.scopes import AUTOPAY_SCOPE

from .envelope_rules import EnvelopeInvalid, check_envelope
from .intents import SECRET_SLOTS

ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"

# Slot resolution statuses (see ``resolution``).
MATCH, NO_MATCH, WORDS, MISSING = "match", "no_match", "words", "missing"

serializer = DefaultSerializer()


class EnvelopeError(Exception):
    """The envelope cannot be read as an Alexa request (HTTP 400)."""


def _model_from_dict(data: dict[str, Any]) -> RequestEnvelope:
    # ``DefaultSerializer.deserialize`` takes a JSON *string* and starts with ``json.loads``;
    # the body was parsed already (the verifier needs the JSON to check the timestamp and the
    # view needs it to answer), so dumping and loading it again would be a second parse on the
    # hot path. The name-mangled private method is the part of ``deserialize`` after its
    # ``json.loads`` (ask-sdk-core 1.x); it reads the dict without changing it. Objects typed
    # ``object`` in the model (a Connections.Response payload, session attributes) are the
    # caller's dicts themselves, not copies; the skill only reads them.
    deserialize = serializer._DefaultSerializer__deserialize  # type: ignore[attr-defined]
    return cast(RequestEnvelope, deserialize(data, RequestEnvelope))


def parse(data: dict[str, Any]) -> RequestEnvelope:
    """The envelope as ask-sdk-model objects; ``EnvelopeError`` when it is not one."""
    try:
        check_envelope(data)  # Alexa's documented shapes and sizes, before anything reads it
    except EnvelopeInvalid as exc:
        raise EnvelopeError(str(exc)) from exc
    try:
        parsed = _model_from_dict(data)
    except (SerializationException, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise EnvelopeError(f"envelope cannot be read: {exc}") from exc
    if parsed.request is None or not getattr(parsed.request, "object_type", None):
        raise EnvelopeError("envelope has no request")
    return parsed


# Who is asking ---------------------------------------------------------------------------


def system(envelope: RequestEnvelope) -> SystemState | None:
    return envelope.context.system if envelope.context else None


def application_id(envelope: RequestEnvelope) -> str:
    system_ = system(envelope)
    if system_ and system_.application and system_.application.application_id:
        return system_.application.application_id
    session = envelope.session
    if session and session.application and session.application.application_id:
        return session.application.application_id
    return ""


def user_id(envelope: RequestEnvelope) -> str:
    system_ = system(envelope)
    if system_ and system_.user and system_.user.user_id:
        return system_.user.user_id
    if envelope.session and envelope.session.user and envelope.session.user.user_id:
        return envelope.session.user.user_id
    return ""


def device_id(envelope: RequestEnvelope) -> str:
    system_ = system(envelope)
    return (system_.device.device_id or "") if system_ and system_.device else ""


def session_id(envelope: RequestEnvelope) -> str:
    return (envelope.session.session_id if envelope.session else "") or ""


def consent_status(envelope: RequestEnvelope) -> str:
    """payments:autopay_consent as Alexa reports it: GRANTED, DENIED or ''."""
    users = []
    if envelope.context and envelope.context.system:
        users.append(envelope.context.system.user)
    if envelope.session:
        users.append(envelope.session.user)
    for user in users:
        permissions = user.permissions if user else None
        scopes = (permissions.scopes or {}) if permissions else {}
        scope = scopes.get(AUTOPAY_SCOPE)
        if scope is not None and scope.status is not None:
            return scope.status.value
    return ""


def api_endpoint(envelope: RequestEnvelope) -> str:
    """The shopper's regional Alexa API host as the request names it ("" when absent)."""
    system_ = system(envelope)
    return (system_.api_endpoint or "") if system_ else ""


def api_access_token(envelope: RequestEnvelope) -> str:
    """The token for Alexa's APIs (the Monetization API among them); never logged or kept."""
    system_ = system(envelope)
    return (system_.api_access_token or "") if system_ else ""


def account_access_token(envelope: RequestEnvelope) -> str:
    """``context.System.user.accessToken``: the token of the shopper's linked web account
    ("" when the skill is not linked); never logged or kept."""
    system_ = system(envelope)
    user = system_.user if system_ else None
    if user is None and envelope.session is not None:
        user = envelope.session.user
    return (user.access_token or "") if user else ""


# Skill events ------------------------------------------------------------------------------

SKILL_EVENT_PREFIX = "AlexaSkillEvent."
SKILL_ENABLED = "AlexaSkillEvent.SkillEnabled"
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
PERMISSION_ACCEPTED = "AlexaSkillEvent.SkillPermissionAccepted"
PERMISSION_CHANGED = "AlexaSkillEvent.SkillPermissionChanged"
ACCOUNT_LINKED = "AlexaSkillEvent.SkillAccountLinked"
PROACTIVE_SUBSCRIPTION_CHANGED = "AlexaSkillEvent.ProactiveSubscriptionChanged"
NOT_PERSISTED = "NOT_PERSISTED"


def is_skill_event(request: Request) -> bool:
    return request_type(request).startswith(SKILL_EVENT_PREFIX)


def skill_event_body(data: dict[str, Any]) -> dict[str, Any]:
    """``request.body`` of a skill event as Alexa sent it (ask-sdk-model's classes drop
    parts of it, such as ``userInformationPersistenceStatus``); checked by the envelope
    rules before this is read. {} for other requests."""
    request = data.get("request") if isinstance(data, dict) else None
    body = request.get("body") if isinstance(request, dict) else None
    return body if isinstance(body, dict) else {}


def accepted_scopes(body: dict[str, Any]) -> list[str]:
    """SkillPermissionAccepted/Changed: the scopes granted now."""
    return [
        item["scope"]
        for item in body.get("acceptedPermissions") or []
        if isinstance(item, dict) and isinstance(item.get("scope"), str)
    ]


def subscribed_events(body: dict[str, Any]) -> list[str]:
    """ProactiveSubscriptionChanged: the event names the shopper takes now (none: [])."""
    return [
        item["eventName"]
        for item in body.get("subscriptions") or []
        if isinstance(item, dict) and isinstance(item.get("eventName"), str)
    ]


def persistence_status(body: dict[str, Any]) -> str:
    """SkillDisabled: PERSISTED (keep the shopper's data) or NOT_PERSISTED (erase it)."""
    value = body.get("userInformationPersistenceStatus")
    return value if isinstance(value, str) else ""


def without_tokens(value: Any) -> Any:
    """The JSON value with every member whose name mentions a token left out (for the log)."""
    if isinstance(value, dict):
        return {
            key: without_tokens(member)
            for key, member in value.items()
            if "token" not in key.lower()
        }
    if isinstance(value, list):
        return [without_tokens(member) for member in value]
    return value


# What is asked ---------------------------------------------------------------------------


def request_type(request: Request) -> str:
    return request.object_type or ""


def intent_name(request: Request) -> str:
    if isinstance(request, IntentRequest) and request.intent:
        return request.intent.name or ""
    return ""


def slot(request: Request, name: str) -> Slot | None:
    if not isinstance(request, IntentRequest) or not request.intent or not request.intent.slots:
        return None
    return request.intent.slots.get(name)


def resolution(slot_: Slot | None) -> tuple[str, str | None]:
    """(status, entity id): ``MATCH`` (entity resolution matched: the id), ``NO_MATCH`` (words
    heard but no entity), ``WORDS`` (words, no entity resolution ran) or ``MISSING``."""
    if slot_ is None or not (slot_.value or slot_.resolutions):
        return MISSING, None
    resolutions = slot_.resolutions
    authorities = (resolutions.resolutions_per_authority or []) if resolutions else []
    if not authorities:
        return (WORDS, None) if slot_.value else (MISSING, None)
    for authority in authorities:
        code = authority.status.code.value if authority.status and authority.status.code else ""
        if code == ER_SUCCESS_MATCH and authority.values:
            value = authority.values[0].value
            assert value is not None  # required by the envelope rules
            return MATCH, value.id
    return NO_MATCH, None


def slot_values(request: Request) -> dict[str, str]:
    """Slot name -> resolved entity id when matched, else the words heard (for the log); a
    secret slot (the voice purchase code) by its name only, its value left out."""
    if not isinstance(request, IntentRequest) or not request.intent or not request.intent.slots:
        return {}
    values: dict[str, str] = {}
    for name, slot_ in request.intent.slots.items():
        if slot_ is None:
            continue
        if name in SECRET_SLOTS:
            if slot_.value:
                values[name] = "(not logged)"
            continue
        status, entity_id = resolution(slot_)
        value = entity_id if status == MATCH and entity_id is not None else slot_.value
        if value is not None:
            values[name] = value
    return values


def quantity(request: Request, name: str) -> int | None:
    """A number slot as an int; None when empty, "?" or not a number."""
    slot_ = slot(request, name)
    if slot_ is None or slot_.value in (None, "", "?"):
        return None
    try:
        return int(str(slot_.value))
    except ValueError:
        return None
