"""Yes and No: what they mean depends on the step the conversation is at."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from orders import services as orders
from orders.models import OrderStatus

from .. import intents, selectors
from ..models import Step
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from . import after_sale, card_checkout, checkout, in_skill, purchases, shopping
from .common import ask, join, set_step, tell


def _step(turn: Turn) -> str:
    return turn.conversation.step if turn.conversation else Step.IDLE


def order_offered_product(handler_input: HandlerInput, turn: Turn) -> Response:
    conversation = turn.shopper_conversation
    product = conversation.product
    if product is None:
        return shopping.offer_choices(handler_input, turn)
    if not product.is_sellable(conversation.quantity):
        return shopping.not_available(handler_input, turn, product)
    cart = orders.cart_start(
        customer=turn.shopper, locale=turn.locale, source=turn.source, is_test=turn.is_test
    )
    result = orders.cart_set_items(
        order=cart, items=[orders.CartItem(product=product, quantity=conversation.quantity)]
    )
    if result.unavailable:
        return shopping.not_available(handler_input, turn, product)
    turn.outcome = Outcome.CART_BUILT
    return checkout.start(handler_input, turn, result.order)


def resume_cart(handler_input: HandlerInput, turn: Turn) -> Response:
    order = turn.shopper_conversation.order
    if order is None or order.status != OrderStatus.DRAFT:
        return shopping.offer_choices(handler_input, turn)
    turn.outcome = Outcome.RESUME
    return checkout.start(handler_input, turn, order)


class YesHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.YES)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        step = _step(turn)
        if step == Step.OFFER_PRODUCT:
            return order_offered_product(handler_input, turn)
        if step == Step.OFFER_RESUME:
            return resume_cart(handler_input, turn)
        if step == Step.OFFER_REORDER:
            return shopping.reorder(handler_input, turn, turn.shopper_conversation.order)
        if step == Step.CONFIRM_ORDER:
            return checkout.complete(handler_input, turn)
        if step in card_checkout.CONFIRM_STEPS or step in card_checkout.CODE_STEPS:
            return card_checkout.confirmed(handler_input, turn)
        if step == Step.OFFER_REFILL:
            return after_sale.refill_accepted(handler_input, turn)
        if step == Step.CONFIRM_CANCEL:
            return after_sale.cancel_confirmed(handler_input, turn)
        if step == Step.CONFIRM_CANCEL_REFILLS:
            return after_sale.refills_cancel_confirmed(handler_input, turn)
        if step == Step.OFFER_ORDER_UPDATES:
            return checkout.order_updates_accepted(handler_input, turn)
        if step == Step.OFFER_MORE_CONTENT:
            return in_skill.play_content(handler_input, turn)
        if step in (Step.OFFER_ISP_INFO, Step.OFFER_ISP_BUY):
            return in_skill.isp_info_accepted(handler_input, turn)
        if step in (Step.CHOOSE_CANCEL, Step.CHOOSE_REFUND):
            return purchases.pending_cancel_confirmed(handler_input, turn)
        turn.outcome = Outcome.YES_WITHOUT_QUESTION
        return shopping.offer_choices(handler_input, turn)


class NoHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.NO)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        step = _step(turn)
        if step == Step.OFFER_RESUME:
            shopping.drop_cart(turn)
            turn.outcome = Outcome.START_ANEW
            return shopping.offer_choices(handler_input, turn, voice.FRESH_START)
        if step in (Step.OFFER_PRODUCT, Step.OFFER_REORDER):
            turn.outcome = Outcome.DECLINED_OFFER
            return shopping.offer_choices(handler_input, turn)
        if step == Step.CONFIRM_ORDER:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.KEPT_CART
            return tell(handler_input, voice.KEEP_CART)
        if step in card_checkout.CONFIRM_STEPS or step in card_checkout.CODE_STEPS:
            return card_checkout.declined(handler_input, turn)
        if step == Step.OFFER_REFILL:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.REFILL_DECLINED
            return tell(handler_input, voice.REFILL_DECLINED)
        if step == Step.CONFIRM_CANCEL:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.ORDER_KEPT
            return ask(
                handler_input, join(voice.ORDER_KEPT, voice.ANYTHING_ELSE), voice.ANYTHING_ELSE
            )
        if step == Step.CONFIRM_CANCEL_REFILLS:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.REFILLS_KEPT
            return tell(handler_input, voice.REFILLS_KEPT)
        if step == Step.OFFER_ORDER_UPDATES:
            return checkout.order_updates_declined(handler_input, turn)
        if step in (Step.OFFER_ISP_INFO, Step.OFFER_ISP_BUY):
            turn.outcome = Outcome.DECLINED_OFFER
            return shopping.offer_choices(handler_input, turn, voice.DECLINED)
        if step == Step.CHOOSE_CANCEL:
            return after_sale.offer_cancel_refills(handler_input, turn)
        if step == Step.CHOOSE_REFUND:
            order = selectors.latest_order(customer=turn.shopper, statuses=selectors.KEPT)
            return after_sale.refund_guidance(handler_input, turn, order)
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.GOODBYE
        return tell(handler_input, voice.GOODBYE)
