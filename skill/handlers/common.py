"""Small helpers every handler uses: the turn, slots, permissions, spoken names, answers."""

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from ..models import Step
from ..runtime import Turn

AUTOPAY_SCOPE = "payments:autopay_consent"
MAX_QUANTITY = 10


def turn_of(handler_input: HandlerInput) -> Turn:
    return handler_input.context


def request_of(handler_input: HandlerInput):
    return handler_input.request_envelope.request


def intent_name(handler_input: HandlerInput) -> str:
    request = request_of(handler_input)
    if isinstance(request, IntentRequest) and request.intent:
        return request.intent.name or ""
    return ""


def slot(handler_input: HandlerInput, name: str):
    request = request_of(handler_input)
    if not isinstance(request, IntentRequest) or not request.intent or not request.intent.slots:
        return None
    return request.intent.slots.get(name)


def resolution(slot_) -> tuple[str, str | None]:
    """(status, id): status is 'match', 'no_match' (words heard but no entity), 'words'
    (words but no entity resolution ran) or 'missing'."""
    if slot_ is None or not (slot_.value or slot_.resolutions):
        return "missing", None
    resolutions = slot_.resolutions
    authorities = (resolutions.resolutions_per_authority or []) if resolutions else []
    if not authorities:
        return ("words", None) if slot_.value else ("missing", None)
    for authority in authorities:
        code = authority.status.code.value if authority.status and authority.status.code else ""
        if code == "ER_SUCCESS_MATCH" and authority.values:
            return "match", authority.values[0].value.id
    return "no_match", None


def quantity(handler_input: HandlerInput, name: str) -> int | None:
    slot_ = slot(handler_input, name)
    if slot_ is None or slot_.value in (None, "", "?"):
        return None
    try:
        return int(str(slot_.value))
    except ValueError:
        return None


def consent_status(handler_input: HandlerInput) -> str:
    """payments:autopay_consent as Alexa reports it: GRANTED, DENIED or ''."""
    envelope = handler_input.request_envelope
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


def text_locale(turn: Turn) -> str | None:
    """The locale to look up translations for; None when the store's own text is it."""
    return None if turn.locale == turn.store.default_locale else turn.locale


def spoken_name(turn: Turn, product) -> str:
    return product.localized(text_locale(turn)).spoken_name


def line_name(turn: Turn, line) -> str:
    return spoken_name(turn, line.product) if line.product_id else line.name


def lines_text(turn: Turn, lines) -> str:
    return turn.voice.items([(line.quantity, line_name(turn, line)) for line in lines])


def set_step(turn: Turn, step: str, **fields) -> None:
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
