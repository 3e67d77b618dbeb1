"""Running the skill on one request envelope.

``handle_envelope(envelope, source="voice")`` is the one entry point: the ``/alexa/`` view
calls it after verification, and the voice test console calls it with ``source="console"``
(orders started in that turn are test orders). The ask-sdk-core skill is built once per
process. Each call:

1. reads the envelope (``envelope.parse``: ``EnvelopeError`` when it cannot be read),
2. picks the store by application id (``UnknownSkill`` when no store serves it),
3. runs the skill with a ``Turn`` (store, shopper, conversation, voice) as its context,
4. saves the conversation step and logs one ``Interaction`` row (one short transaction),
   and returns the response envelope as a dict.
"""

import html
import logging
import re
import time
from functools import cache
from typing import Any, cast

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

from merchant.models import Store

from . import envelope, metrics, selectors, services, speech
from .envelope import EnvelopeError as EnvelopeError  # what callers catch: HTTP 400
from .handlers import EXCEPTION_HANDLERS, REQUEST_HANDLERS, REQUEST_INTERCEPTORS
from .outcomes import Outcome
from .process_cache import ProcessCache
from .turn import Turn

logger = logging.getLogger(__name__)

serializer = DefaultSerializer()


class UnknownSkill(Exception):
    """No store serves this application id (HTTP 400)."""


@cache
def get_skill() -> CustomSkill:
    """The ask-sdk-core skill, built once per process."""
    builder = SkillBuilder()
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler)
    for interceptor in REQUEST_INTERCEPTORS:
        builder.add_global_request_interceptor(interceptor)
    for exception_handler in EXCEPTION_HANDLERS:
        builder.add_exception_handler(exception_handler)
    return builder.create()


_stores: ProcessCache[str, Store | None] = ProcessCache()


def clear_store_cache(**kwargs: object) -> None:
    """Forget cached stores (on any Store or SkillId save/delete in this process)."""
    _stores.clear()


def store_for(request_envelope: RequestEnvelope) -> Store:
    """The store serving the envelope's skill id, cached per process for a few seconds
    (``ALEXA_STORE_CACHE_SECONDS``): a settings change reaches every worker within that."""
    app_id = envelope.application_id(request_envelope)
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


def handle_envelope(data: dict[str, Any], *, source: str = "voice") -> dict[str, Any] | None:
    """Run the skill on an already-verified request envelope; return the response envelope
    (``None`` for a skill event, which is answered with an empty body).

    Raises ``EnvelopeError`` or ``UnknownSkill`` for requests no store can answer.
    """
    started = time.perf_counter()
    request_envelope = envelope.parse(data)
    response = run_turn(request_envelope, data, source=source, started=started)
    if response is None:
        return None  # Alexa ignores the answer to a skill event: HTTP 200, empty body
    return cast(dict[str, Any], serializer.serialize(response))


def run_turn(
    request_envelope: RequestEnvelope, data: dict[str, Any], *, source: str, started: float
) -> ResponseEnvelope | None:
    """One turn on a parsed envelope: the ResponseEnvelope (``None`` for a skill event).
    ``data`` is the envelope as JSON (a skill event's body is read from it)."""
    store = store_for(request_envelope)
    request = request_envelope.request
    assert request is not None  # envelope.parse refuses an envelope without one
    locale = choose_locale(store, getattr(request, "locale", None))
    turn = Turn(store=store, locale=locale, voice=speech.for_locale(locale), source=source)
    skill_event = envelope.is_skill_event(request)
    if skill_event:
        turn.event_body = envelope.skill_event_body(data)

    response = get_skill().invoke(request_envelope=request_envelope, context=turn)

    request_type = envelope.request_type(request)
    outcome = turn.outcome or Outcome.ANSWERED
    services.turn_record(
        conversation=turn.conversation if turn.save_conversation else None,
        store=store,
        customer=turn.customer,
        request_type=request_type,
        intent=envelope.intent_name(request),
        slots=envelope.slot_values(request),
        session_id=envelope.session_id(request_envelope),
        locale=locale,
        source=source,
        latency_ms=int((time.perf_counter() - started) * 1000),
        outcome=outcome,
        error_code=turn.error_code,
        reply=reply_words(response),
        directives=directive_names(response),
        order_id=turn.conversation.order_id if turn.conversation is not None else None,
    )
    metrics.record_turn(
        request_type=request_type, outcome=outcome, seconds=time.perf_counter() - started
    )
    return None if skill_event else response


_TAG = re.compile(r"<[^>]+>")


def reply_words(response: ResponseEnvelope | None) -> str:
    """What the skill said in a turn, as the shopper heard it: no SSML tags, no entities (the
    transcripts page reads it from the log)."""
    body = response.response if response is not None else None
    speech_out = body.output_speech if body is not None else None
    if speech_out is None:
        return ""
    text = getattr(speech_out, "ssml", None) or getattr(speech_out, "text", None) or ""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def directive_names(response: ResponseEnvelope | None) -> list[str]:
    """The directives a turn sent, each as ``type`` or ``type:name`` (never its payload,
    which may hold tokens)."""
    body = response.response if response is not None else None
    names = []
    for directive in (body.directives if body is not None else None) or []:
        kind = getattr(directive, "object_type", "") or type(directive).__name__
        name = getattr(directive, "name", None)
        names.append(f"{kind}:{name}" if isinstance(name, str) and name else kind)
    return names
