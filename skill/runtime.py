"""Running the skill on one request envelope.

``handle_envelope(envelope, source="voice")`` is the one entry point: the ``/alexa/`` view
calls it after verification, and the voice test console calls it with ``source="console"``
(orders started in that turn are test orders). The ask-sdk-core skill is built once per
process. Each call:

1. deserializes the envelope (``EnvelopeError`` when it cannot be read),
2. picks the store by application id (``UnknownSkill`` when no store serves it),
3. runs the skill with a ``Turn`` (store, shopper, conversation, voice) as its context,
4. saves the conversation step and logs one ``Interaction`` row (one short transaction),
   and returns the response envelope as a dict.
"""

import json
import logging
import time
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import IntentRequest, RequestEnvelope

from merchant.models import Store
from orders.models import Customer, OrderSource

from . import selectors, services, speech
from .models import Conversation
from .process_cache import ProcessCache

logger = logging.getLogger(__name__)

serializer = DefaultSerializer()


class EnvelopeError(Exception):
    """The envelope cannot be read as an Alexa request (HTTP 400)."""


class UnknownSkill(Exception):
    """No store serves this application id (HTTP 400)."""


@dataclass
class Turn:
    """What a handler needs besides the request: passed as the skill's ``context``."""

    store: Store
    locale: str
    voice: ModuleType
    source: str = OrderSource.VOICE
    customer: Customer | None = None
    conversation: Conversation | None = None
    outcome: str = ""
    error_code: str = ""
    save_conversation: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def is_test(self) -> bool:
        return self.source == OrderSource.CONSOLE

    def money(self, amount) -> str:
        return speech.money(amount, self.store.currency, self.locale)


@cache
def get_skill():
    """The ask-sdk-core skill, built once per process."""
    from .handlers import EXCEPTION_HANDLERS, REQUEST_HANDLERS, REQUEST_INTERCEPTORS

    builder = SkillBuilder()
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler)
    for interceptor in REQUEST_INTERCEPTORS:
        builder.add_global_request_interceptor(interceptor)
    for handler in EXCEPTION_HANDLERS:
        builder.add_exception_handler(handler)
    return builder.create()


def parse_envelope(envelope: dict) -> RequestEnvelope:
    if not isinstance(envelope, dict):
        raise EnvelopeError("envelope is not a JSON object")
    try:
        parsed = serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    except (SerializationException, TypeError, ValueError, AttributeError) as exc:
        raise EnvelopeError(f"envelope cannot be read: {exc}") from exc
    if parsed.request is None or not getattr(parsed.request, "object_type", None):
        raise EnvelopeError("envelope has no request")
    return parsed


def application_id(envelope: RequestEnvelope) -> str:
    system = envelope.context.system if envelope.context else None
    if system and system.application and system.application.application_id:
        return system.application.application_id
    session = envelope.session
    if session and session.application and session.application.application_id:
        return session.application.application_id
    return ""


_stores = ProcessCache()


def clear_store_cache(**kwargs) -> None:
    """Forget cached stores (on any Store or SkillId save/delete in this process)."""
    _stores.clear()


def store_for(envelope: RequestEnvelope) -> Store:
    """The store serving the envelope's skill id, cached per process for a few seconds
    (``ALEXA_STORE_CACHE_SECONDS``): a settings change reaches every worker within that."""
    app_id = application_id(envelope)
    if not app_id:
        raise UnknownSkill("no application id")
    store = _stores.get_or_load(app_id, lambda: selectors.store_for_application_id(app_id))
    if store is None:
        raise UnknownSkill(app_id)
    return store


def choose_locale(store: Store, requested: str | None) -> str:
    if requested in store.locales() and requested in speech.SUPPORTED:
        return requested
    return store.default_locale if store.default_locale in speech.SUPPORTED else "en-US"


def slot_values(request) -> dict:
    """Slot name -> resolved entity id when matched, else the words heard."""
    if not isinstance(request, IntentRequest) or not request.intent or not request.intent.slots:
        return {}
    values = {}
    for name, slot in request.intent.slots.items():
        if slot is None:
            continue
        resolved = _resolved_id(slot)
        value = resolved if resolved is not None else slot.value
        if value is not None:
            values[name] = value
    return values


def _resolved_id(slot) -> str | None:
    resolutions = slot.resolutions
    for authority in (resolutions.resolutions_per_authority or []) if resolutions else []:
        code = authority.status.code.value if authority.status and authority.status.code else ""
        if code == "ER_SUCCESS_MATCH" and authority.values:
            return authority.values[0].value.id
    return None


def handle_envelope(envelope: dict, *, source: str = "voice") -> dict:
    """Run the skill on an already-verified request envelope; return the response envelope.

    Raises ``EnvelopeError`` or ``UnknownSkill`` for requests no store can answer.
    """
    started = time.perf_counter()
    request_envelope = parse_envelope(envelope)
    store = store_for(request_envelope)
    request = request_envelope.request
    locale = choose_locale(store, getattr(request, "locale", None))
    turn = Turn(store=store, locale=locale, voice=speech.for_locale(locale), source=source)

    response = get_skill().invoke(request_envelope=request_envelope, context=turn)

    intent = ""
    if isinstance(request, IntentRequest) and request.intent:
        intent = request.intent.name or ""
    session = request_envelope.session
    services.turn_record(
        conversation=turn.conversation if turn.save_conversation else None,
        store=store,
        customer=turn.customer,
        request_type=request.object_type or "",
        intent=intent,
        slots=slot_values(request),
        session_id=(session.session_id if session else "") or "",
        locale=locale,
        source=source,
        latency_ms=int((time.perf_counter() - started) * 1000),
        outcome=turn.outcome or "answered",
        error_code=turn.error_code,
    )
    return serializer.serialize(response)
