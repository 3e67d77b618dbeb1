"""Help, Fallback, Stop/Cancel, session end, anything else, and errors; plus
the interceptor that loads the shopper before a handler (``runtime`` saves the step after)."""

import logging

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues

from linking import selectors as linking
from orders import services as orders
from shoppers import services as shoppers
from shoppers.models import ShopperAccount

from .. import envelope, intents, outcomes, premium, selectors, services
from ..models import Step
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from . import card_checkout, shopping
from .common import ask, consent_status, join, request_of, set_step, tell, text_locale

logger = logging.getLogger(__name__)

# Steps and what a shopper hears again when lost there.
REPROMPTS: dict[str, str] = {
    Step.OFFER_PRODUCT: "PITCH_QUESTION",
    Step.CONFIRM_ORDER: "COMPLETE_QUESTION",
    Step.OFFER_RESUME: "RESUME_PROMPT",
    Step.OFFER_REORDER: "REORDER_PROMPT",
    Step.OFFER_MORE_CONTENT: "ANOTHER_QUESTION",
    Step.OFFER_ISP_BUY: "BUY_QUESTION",
    Step.OFFER_ISP_INFO: "HEAR_MORE_WHICH",
    Step.CONFIRM_CART_ORDER: "CARD_ORDER_QUESTION",
    Step.CONFIRM_WISH_LIST_ORDER: "CARD_ORDER_QUESTION",
    Step.CART_ORDER_CODE: "VOICE_CODE_PROMPT",
    Step.WISH_LIST_ORDER_CODE: "VOICE_CODE_PROMPT",
}
YES_NO_STEPS = {
    Step.CHOOSE_CANCEL,
    Step.CHOOSE_REFUND,
    Step.OFFER_REFILL,
    Step.CONFIRM_CANCEL,
    Step.CONFIRM_CANCEL_REFILLS,
    Step.OFFER_ORDER_UPDATES,
}


class LoadShopper(AbstractRequestInterceptor):
    """The customer and their conversation for this turn (one query for a known shopper,
    a launch included)."""

    def process(self, handler_input: HandlerInput) -> None:
        turn = turn_of(handler_input)
        user_id = envelope.user_id(handler_input.request_envelope)
        if not user_id:
            return
        request_type = envelope.request_type(request_of(handler_input))
        launch = request_type == "LaunchRequest"
        # A launch reads the latest kept order's lines in the same round trip (one query).
        read = selectors.shopper_for_turn(
            store=turn.store,
            alexa_user_id=user_id,
            with_last_order=launch,
            locale=text_locale(turn) or "",
        )
        customer = read.customer if read is not None else None
        if not request_type.startswith("AlexaSkillEvent."):
            account = linked_account(handler_input, turn)
            if account is not None and (customer is None or customer.pk != account.customer_id):
                # First sight of this Alexa user on the linked account (or Alexa gave the
                # shopper a new user id): the account's customer takes the user id, and
                # what a voice-only customer with that id had moves onto it.
                shoppers.account_attach_alexa_user(account=account, alexa_user_id=user_id)
                read = selectors.shopper_for_turn(
                    store=turn.store,
                    alexa_user_id=user_id,
                    with_last_order=launch,
                    locale=text_locale(turn) or "",
                )
                customer = read.customer if read is not None else None
        if read is not None and launch:
            turn.last_kept_lines = read.last_kept_lines
        if customer is None:
            if request_type == "SessionEndedRequest" or request_type.startswith("AlexaSkillEvent."):
                return
            customer = orders.customer_get_or_create(
                store=turn.store, alexa_user_id=user_id, locale=turn.locale
            )
            turn.new_customer = True
        consent = consent_status(handler_input)
        if consent and consent != customer.payment_consent:
            customer = orders.customer_set_payment_consent(customer=customer, status=consent)
        turn.customer = customer
        turn.conversation = services.conversation_for(customer=customer)


def linked_account(handler_input: HandlerInput, turn: Turn) -> ShopperAccount | None:
    """The web account the request's access token names, kept on the turn with the token's
    scopes; None when the request carries no token or one the store does not know (unknown,
    expired, revoked or another store's)."""
    token = envelope.account_access_token(handler_input.request_envelope)
    if not token:
        return None
    access = linking.linked_access(store=turn.store, access_token=token)
    if access is None:
        return None
    turn.account, turn.scopes = access.account, access.scopes
    return access.account


class HelpHandler(AbstractRequestHandler):
    """Help for where the shopper is."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.HELP)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        step = turn.conversation.step if turn.conversation else Step.IDLE
        turn.outcome = outcomes.help_at(step)
        if step == Step.OFFER_PRODUCT:
            return ask(handler_input, voice.HELP_OFFER)
        if step == Step.CONFIRM_ORDER:
            return ask(handler_input, voice.HELP_CONFIRM)
        if step in card_checkout.CODE_STEPS:  # waiting for the code, not a yes or no
            return ask(handler_input, voice.VOICE_CODE_PROMPT)
        if step in (*REPROMPTS, *YES_NO_STEPS) and step not in (
            Step.OFFER_PRODUCT,
            Step.CONFIRM_ORDER,
        ):
            return ask(
                handler_input,
                join(voice.HELP_YES_NO, getattr(voice, REPROMPTS.get(step, "WHAT_NEXT"))),
            )
        names = shopping.choice_names(turn)
        if not names and premium.isp_store(turn):  # a store selling content only
            return ask(handler_input, voice.help_content(shopping.collection_names(turn)))
        return ask(handler_input, join(voice.HELP_START, voice.choices(names, 0)))


class FallbackHandler(AbstractRequestHandler):
    """Not understood: a gentle re-prompt for the current step."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.FALLBACK)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        step = turn.conversation.step if turn.conversation else Step.IDLE
        turn.outcome = Outcome.FALLBACK
        if step in REPROMPTS:
            return ask(handler_input, join(voice.FALLBACK, getattr(voice, REPROMPTS[step])))
        if step in YES_NO_STEPS:
            return ask(handler_input, join(voice.FALLBACK, voice.HELP_YES_NO))
        names = shopping.choice_names(turn)
        if not names and premium.isp_store(turn):  # a store selling content only
            text = voice.content_choices(shopping.collection_names(turn))
            return ask(handler_input, join(voice.FALLBACK, text))
        return ask(handler_input, join(voice.FALLBACK, voice.choices(names, 0)))


class StopHandler(AbstractRequestHandler):
    """Stop and Cancel end politely; an unfinished cart stays for next time."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.STOP)(handler_input) or is_intent_name(intents.CANCEL)(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.GOODBYE
        return tell(handler_input, turn.voice.GOODBYE)


class SessionEndedHandler(AbstractRequestHandler):
    """No speech is allowed in answer to SessionEndedRequest."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        request = request_of(handler_input)
        reason = getattr(request, "reason", None)
        turn.outcome = outcomes.session_ended(reason.value if reason else None)
        if reason is not None and reason.value == "ERROR":
            logger.warning("session ended with error: %s", getattr(request, "error", None))
        return handler_input.response_builder.response


class CanFulfillHandler(AbstractRequestHandler):
    """Name-free requests: the skill does not claim them."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn_of(handler_input).outcome = Outcome.CAN_FULFILL_NO
        builder = handler_input.response_builder
        builder.set_can_fulfill_intent(CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO))
        return builder.response


class AnythingElseHandler(AbstractRequestHandler):
    """Last in line: intents this skill does not know and request types it ignores."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        turn.outcome = Outcome.UNHANDLED
        if isinstance(request_of(handler_input), IntentRequest):
            return ask(handler_input, join(turn.voice.CANT_HELP, turn.voice.WHAT_NEXT))
        return handler_input.response_builder.response


class ApologyHandler(AbstractExceptionHandler):
    """Anything that went wrong mid-turn (a database error too): a spoken apology."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        turn = turn_of(handler_input)
        logger.exception("skill turn failed for store %s", turn.store.pk, exc_info=exception)
        turn.outcome = Outcome.ERROR
        turn.error_code = type(exception).__name__[:60]
        turn.save_conversation = False
        response = handler_input.response_builder.response
        response.directives = None  # never send a half-built directive or card
        response.card = None
        response.reprompt = None
        return tell(handler_input, turn.voice.APOLOGY)
