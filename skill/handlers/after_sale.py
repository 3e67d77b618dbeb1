"""After buying: where is my order, cancel my order, refunds, refill plans."""

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from merchant.models import PaymentMode
from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order, OrderStatus, PaymentStatus, RefillPlan

from .. import intents, outcomes, premium, selectors
from ..models import Step
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from . import purchases
from .common import ask, join, lines_text, set_step, spoken_name, tell, text_locale

logger = logging.getLogger(__name__)


def _contact(turn: Turn) -> str:
    store = turn.store
    text: str = turn.voice.contact(store.support_phone, store.support_email, store.support_url)
    return text


class OrderStatusHandler(AbstractRequestHandler):
    """ "where is my order": the real latest order and what happened to it."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.ORDER_STATUS)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        order = selectors.latest_order(customer=turn.customer)
        set_step(turn, Step.IDLE)
        if order is None:
            turn.outcome = Outcome.NO_ORDERS
            return ask(handler_input, join(voice.NO_ORDERS, voice.WHAT_NEXT), voice.WHAT_NEXT)
        items = lines_text(turn, selectors.order_lines(order=order, locale=text_locale(turn) or ""))
        refunded = turn.money(order.refunded_amount)
        if order.payment_status == PaymentStatus.REFUNDED:
            text = voice.status_refunded(order.number, items, refunded)
        elif order.payment_status == PaymentStatus.PARTIALLY_REFUNDED:
            text = voice.status_partially_refunded(order.number, items, refunded)
        elif order.status == OrderStatus.SHIPPED:
            text = voice.status_shipped(order.number, items, order.carrier)
        elif order.status == OrderStatus.DELIVERED:
            text = voice.status_delivered(order.number, items)
        elif order.status == OrderStatus.CANCELLED:
            text = voice.status_cancelled(order.number, items)
        else:
            text = voice.status_placed(order.number, items, turn.store.delivery_promise)
        turn.outcome = outcomes.order_status(order.status)
        return ask(handler_input, join(text, voice.ANYTHING_ELSE), voice.ANYTHING_ELSE)


class CancelOrderHandler(AbstractRequestHandler):
    """ "cancel my order" (not AMAZON.CancelIntent): say which order and ask to confirm."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CANCEL_ORDER)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        order = selectors.latest_order(customer=turn.customer, statuses=selectors.KEPT)
        if order is None:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.NOTHING_TO_CANCEL
            return ask(handler_input, join(voice.NOTHING_TO_CANCEL, voice.WHAT_NEXT))
        if order.status != OrderStatus.PLACED:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.RETURN_GUIDANCE
            return ask(
                handler_input,
                join(
                    voice.cannot_cancel_shipped(
                        order.number, turn.store.cancellation_policy, _contact(turn)
                    ),
                    voice.ANYTHING_ELSE,
                ),
                voice.ANYTHING_ELSE,
            )
        items = lines_text(turn, selectors.order_lines(order=order, locale=text_locale(turn) or ""))
        set_step(turn, Step.CONFIRM_CANCEL, order=order)
        turn.outcome = Outcome.CONFIRM_CANCEL
        return ask(
            handler_input, voice.confirm_cancel(order.number, items, turn.money(order.total))
        )


def cancel_confirmed(handler_input: HandlerInput, turn: Turn) -> Response:
    voice = turn.voice
    order = turn.shopper_conversation.order
    set_step(turn, Step.IDLE)
    if order is None:
        return ask(handler_input, join(voice.NOTHING_TO_CANCEL, voice.WHAT_NEXT))
    paid = order.captured_amount
    try:
        order = orders.order_cancel(
            order=order, actor_label="shopper", reason="Cancelled by the shopper by voice"
        )
    except OrderError as exc:
        turn.outcome = outcomes.cancel_refused(exc.code)
        if exc.code == OrderErrorCode.ALREADY_CANCELLED:
            return ask(
                handler_input, join(voice.status_cancelled(order.number, ""), voice.WHAT_NEXT)
            )
        return ask(
            handler_input,
            join(
                voice.cannot_cancel_shipped(
                    order.number, turn.store.cancellation_policy, _contact(turn)
                ),
                voice.ANYTHING_ELSE,
            ),
            voice.ANYTHING_ELSE,
        )
    turn.outcome = Outcome.ORDER_CANCELLED
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        text = voice.cancelled_nothing_paid(order.number)
    elif paid > 0:
        text = voice.cancelled_refund(order.number, turn.money(paid))
    else:
        text = voice.cancelled_released(order.number)
    return tell(handler_input, text)


class RefundHandler(AbstractRequestHandler):
    """ "I want a refund": the store's policy and contact, a card, and a request for support.
    In a store that sells in-skill products, "refund the pro pack" goes to Amazon, and a
    plain "I want a refund" asks which when the shopper has both."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REFUND)(handler_input) or (
            is_intent_name(intents.REFUND_ISP)(handler_input)
            and premium.isp_store(turn_of(handler_input))
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        order = selectors.latest_order(customer=turn.customer, statuses=selectors.KEPT)
        if premium.isp_store(turn):
            named = is_intent_name(intents.REFUND_ISP)(handler_input)
            answer = purchases.refund(handler_input, turn, has_order=order is not None, named=named)
            if answer is not None:
                return answer
        return refund_guidance(handler_input, turn, order)


def refund_guidance(handler_input: HandlerInput, turn: Turn, order: Order | None) -> Response:
    """The order refund answer (also "no" to "is this about the pro pack?")."""
    voice = turn.voice
    store = turn.store
    if turn.customer is not None:  # a request naming no user: guidance, nothing to record
        orders.refund_request_create(customer=turn.customer, order=order, channel="voice")
    handler_input.response_builder.set_card(
        SimpleCard(
            title=voice.REFUND_CARD_TITLE,
            content=voice.refund_card(
                store.name,
                store.refund_policy,
                store.support_phone,
                store.support_email,
                store.support_url,
            ),
        )
    )
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.REFUND_GUIDANCE
    return tell(
        handler_input,
        voice.refund_guidance(
            store.name,
            store.refund_policy,
            _contact(turn),
            recorded=turn.customer is not None,
        ),
    )


def refill_accepted(handler_input: HandlerInput, turn: Turn) -> Response:
    voice = turn.voice
    product = turn.shopper_conversation.product
    set_step(turn, Step.IDLE)
    if product is None or not product.refill_interval_weeks:
        return ask(handler_input, voice.WHAT_NEXT)
    try:
        plan = orders.refill_plan_create(
            customer=turn.shopper,
            product=product,
            quantity=max(1, turn.shopper_conversation.quantity),
            interval_weeks=product.refill_interval_weeks,
            actor_label="shopper",
        )
    except OrderError as exc:
        turn.outcome = outcomes.refill_refused(exc.code)
        turn.error_code = exc.code
        return tell(handler_input, voice.APOLOGY)
    turn.outcome = Outcome.REFILL_PLAN_STARTED
    return tell(
        handler_input, voice.refill_started(spoken_name(turn, product), plan.interval_weeks)
    )


class CancelRefillsHandler(AbstractRequestHandler):
    """ "cancel my refills": name the plans and ask to confirm. In a store that sells
    subscriptions in the skill, "cancel my subscription" cancels that one when it is all
    the shopper has, and asks which when they also have a refill plan."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CANCEL_REFILLS)(handler_input) or (
            is_intent_name(intents.CANCEL_SUBSCRIPTION)(handler_input)
            and premium.isp_store(turn_of(handler_input))
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        plans = selectors.active_refill_plans(
            customer=turn.customer, locale=text_locale(turn) or ""
        )
        if premium.isp_store(turn):
            named = is_intent_name(intents.CANCEL_SUBSCRIPTION)(handler_input)
            answer = purchases.cancel_subscription(
                handler_input, turn, has_plans=bool(plans), named=named
            )
            if answer is not None:
                return answer
        return offer_cancel_refills(handler_input, turn, plans)


def offer_cancel_refills(
    handler_input: HandlerInput, turn: Turn, plans: list[RefillPlan] | None = None
) -> Response:
    """Name the refill plans and ask to confirm (also "no" to "cancel the shave club?")."""
    voice = turn.voice
    if plans is None:
        plans = selectors.active_refill_plans(
            customer=turn.customer, locale=text_locale(turn) or ""
        )
    if not plans:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.NO_REFILL_PLAN
        return ask(handler_input, join(voice.NO_REFILL_PLAN, voice.WHAT_NEXT))
    set_step(turn, Step.CONFIRM_CANCEL_REFILLS)
    turn.outcome = Outcome.CONFIRM_CANCEL_REFILLS
    names = [spoken_name(turn, plan.product) for plan in plans]
    return ask(handler_input, voice.confirm_cancel_refills(names))


def refills_cancel_confirmed(handler_input: HandlerInput, turn: Turn) -> Response:
    set_step(turn, Step.IDLE)
    for plan in selectors.active_refill_plans(customer=turn.customer, locale=""):
        try:
            orders.refill_plan_cancel(plan=plan, actor_label="shopper")
        except OrderError as exc:  # cancelled meanwhile
            logger.info("refill plan %s: %s", plan.pk, exc)
    turn.outcome = Outcome.REFILLS_CANCELLED
    return tell(handler_input, turn.voice.REFILLS_CANCELLED)
