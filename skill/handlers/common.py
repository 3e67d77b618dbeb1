"""Small helpers every handler uses: the request, slots, spoken names, answers.

The reads of the envelope itself are in ``skill.envelope``; these take a handler's
``handler_input`` and delegate there.
"""

from collections.abc import Iterable
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Request, Response, Slot

from catalog.models import Product
from orders.models import OrderLine

from .. import envelope
from ..models import Step
from ..turn import Turn

MAX_QUANTITY = 10


def request_of(handler_input: HandlerInput) -> Request:
    request = handler_input.request_envelope.request
    assert request is not None  # envelope.parse refuses an envelope without one
    return request


def slot(handler_input: HandlerInput, name: str) -> Slot | None:
    return envelope.slot(request_of(handler_input), name)


def quantity(handler_input: HandlerInput, name: str) -> int | None:
    return envelope.quantity(request_of(handler_input), name)


def consent_status(handler_input: HandlerInput) -> str:
    """payments:autopay_consent as Alexa reports it: GRANTED, DENIED or ''."""
    return envelope.consent_status(handler_input.request_envelope)


def text_locale(turn: Turn) -> str | None:
    """The locale to look up translations for; None when the store's own text is it."""
    return None if turn.locale == turn.store.default_locale else turn.locale


def spoken_name(turn: Turn, product: Product) -> str:
    return product.localized(text_locale(turn)).spoken_name


def line_name(turn: Turn, line: OrderLine) -> str:
    return spoken_name(turn, line.product) if line.product is not None else line.name


def lines_text(turn: Turn, lines: Iterable[OrderLine]) -> str:
    text: str = turn.voice.items([(line.quantity, line_name(turn, line)) for line in lines])
    return text


def set_step(turn: Turn, step: str, **fields: Any) -> None:
    """Move the conversation on; saved once at the end of the turn."""
    conversation = turn.conversation
    if conversation is None:
        return
    conversation.step = step
    for name, value in fields.items():
        setattr(conversation, name, value)
    if step == Step.IDLE:
        conversation.product = fields.get("product")
        conversation.token = fields.get("token", "")
    turn.save_conversation = True


def ask(handler_input: HandlerInput, text: str, reprompt: str | None = None) -> Response:
    return handler_input.response_builder.speak(text).ask(reprompt or text).response


def tell(handler_input: HandlerInput, text: str) -> Response:
    builder = handler_input.response_builder
    if text:
        builder.speak(text)
    return builder.set_should_end_session(True).response


def join(*parts: str) -> str:
    return " ".join(p for p in parts if p)
