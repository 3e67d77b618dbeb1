"""Paying: permission check, Amazon Pay Setup, the order summary, Charge, and the results.

A ``Connections.SendRequest`` directive ends the Alexa session, so everything the next
request needs (the cart, the step, the directive's token) is in ``Conversation``. The
directives and results themselves are ``skill.amazon_pay``; the order a result's token names
is always looked up within the store and the customer.
"""

import logging
from collections.abc import Iterable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import ConnectionsResponse
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard

from alexa.scopes import ADDRESS_SCOPE, AUTOPAY_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from catalog.models import Product
from merchant.money import display
from orders import services as orders
from orders.amazon_pay_facts import AGREEMENT_OPEN, DECLINED
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order, OrderLine, OrderStatus
from orders.services import PaymentResult

from .. import alexa_apis, amazon_pay, outcomes, selectors
from ..models import Step
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from .common import (
    ask,
    consent_status,
    join,
    line_name,
    lines_text,
    request_of,
    set_step,
    spoken_name,
    tell,
    text_locale,
)

logger = logging.getLogger(__name__)


# Starting checkout ------------------------------------------------------------------------


def start(handler_input: HandlerInput, turn: Turn, order: Order, *prefix: str) -> Response:
    """The cart is built: go to the summary (pay on delivery, or an agreement we have),
    ask for permission, or send Setup."""
    store = turn.store
    set_step(turn, Step.IDLE, order=order)
    if not store.uses_amazon_pay:
        if not turn.shopper.shipping_address:
            refused = fetch_delivery_contact(handler_input, turn, *prefix)
            if refused is not None:
                return refused
        return summary(handler_input, turn, order, *prefix)
    if consent_status(handler_input) != "GRANTED":
        return permission_needed(handler_input, turn, *prefix)
    customer = turn.shopper
    if customer.has_open_billing_agreement and customer.shipping_address:
        return summary(handler_input, turn, order, *prefix)
    return send_setup(handler_input, turn, order)


def fetch_delivery_contact(
    handler_input: HandlerInput, turn: Turn, *prefix: str
) -> Response | None:
    """Pay on delivery: the address to deliver to, and the email for the confirmation, from
    the shopper's Alexa settings. Returns the answer when the order cannot go on yet (the
    cart stays, and is offered again at the next launch)."""
    voice = turn.voice
    try:
        contact = alexa_apis.delivery_contact(
            handler_input, turn, want_email=not turn.shopper.email
        )
    except alexa_apis.PermissionMissing:
        turn.outcome = Outcome.ADDRESS_PERMISSION_NEEDED
        handler_input.response_builder.set_card(
            AskForPermissionsConsentCard(permissions=[ADDRESS_SCOPE, EMAIL_SCOPE])
        )
        return tell(handler_input, join(*prefix, voice.NEED_ADDRESS_PERMISSION))
    except alexa_apis.Unavailable:
        turn.outcome = Outcome.ADDRESS_UNAVAILABLE
        turn.error_code = "device_address_unavailable"
        return tell(handler_input, join(*prefix, voice.ADDRESS_UNAVAILABLE))
    if not contact.address.get("addressLine1") or not contact.address.get("city"):
        turn.outcome = Outcome.NO_DEVICE_ADDRESS
        return tell(handler_input, join(*prefix, voice.NO_DEVICE_ADDRESS))
    turn.customer = orders.customer_store_delivery_contact(
        customer=turn.shopper, address=contact.address, email=contact.email
    )
    return None


def permission_needed(handler_input: HandlerInput, turn: Turn, *prefix: str) -> Response:
    turn.outcome = Outcome.PERMISSION_NEEDED
    set_step(turn, Step.IDLE)
    handler_input.response_builder.set_card(
        AskForPermissionsConsentCard(permissions=[AUTOPAY_SCOPE])
    )
    return tell(handler_input, join(*prefix, turn.voice.NEED_PERMISSION))


def send_setup(handler_input: HandlerInput, turn: Turn, order: Order) -> Response:
    token = amazon_pay.setup_token(order)
    directive = amazon_pay.setup_directive(
        store=turn.store, customer=turn.shopper, locale=turn.locale, token=token
    )
    set_step(turn, Step.AWAITING_SETUP, order=order, token=token)
    turn.outcome = Outcome.SETUP_SENT
    handler_input.response_builder.add_directive(directive)
    return handler_input.response_builder.set_should_end_session(True).response


def summary(handler_input: HandlerInput, turn: Turn, order: Order, *prefix: str) -> Response:
    """Seller of record, items, total with tax and shipping, address, the question."""
    voice = turn.voice
    store = turn.store
    lines = selectors.order_lines(order=order, locale=text_locale(turn) or "")
    if not lines:
        set_step(turn, Step.IDLE, order=None)
        turn.outcome = Outcome.EMPTY_CART
        return ask(handler_input, voice.EMPTY_CART)
    address = turn.shopper.shipping_address or order.shipping_address or {}
    text = voice.summary(
        seller=store.name,
        items_text=lines_text(turn, lines),
        total=turn.money(order.total),
        tax=turn.money(order.tax) if order.tax else "",
        shipping=turn.money(order.shipping) if order.shipping else None,
        address_text=voice.address(address) if address else "",
        pay_on_delivery=not store.uses_amazon_pay,
        prices_include_tax=store.prices_include_tax,
    )
    set_step(turn, Step.CONFIRM_ORDER, order=order)
    turn.outcome = Outcome.SUMMARY
    return ask(handler_input, join(*prefix, text), voice.COMPLETE_QUESTION)


# Completing the order -----------------------------------------------------------------------


def complete(handler_input: HandlerInput, turn: Turn) -> Response:
    """The shopper said yes to the summary: Charge, or place a pay-on-delivery order."""
    order = turn.shopper_conversation.order
    if order is None or order.status != OrderStatus.DRAFT:
        set_step(turn, Step.IDLE, order=None)
        turn.outcome = Outcome.NOTHING_TO_COMPLETE
        return ask(handler_input, turn.voice.EMPTY_CART)
    store = turn.store
    if not store.uses_amazon_pay:
        try:
            result = orders.order_place(order=order, payment=None)
        except OrderError as exc:
            return place_refused(handler_input, turn, exc)
        return placed(handler_input, turn, result.order)
    if consent_status(handler_input) != "GRANTED":
        return permission_needed(handler_input, turn)
    if not turn.shopper.has_open_billing_agreement:
        return send_setup(handler_input, turn, order)
    return send_charge(handler_input, turn, order)


def send_charge(handler_input: HandlerInput, turn: Turn, order: Order) -> Response:
    reference = amazon_pay.charge_reference(order)
    token = amazon_pay.charge_token(order, reference)
    directive = amazon_pay.charge_directive(
        store=turn.store, customer=turn.shopper, order=order, reference=reference, token=token
    )
    set_step(turn, Step.AWAITING_CHARGE, order=order, token=token)
    turn.outcome = Outcome.CHARGE_SENT
    handler_input.response_builder.add_directive(directive)
    return handler_input.response_builder.set_should_end_session(True).response


def placed(handler_input: HandlerInput, turn: Turn, order: Order) -> Response:
    """The order is placed: say so, send the confirmation card, maybe offer refills."""
    voice = turn.voice
    store = turn.store
    lines = selectors.order_lines(order=order, locale=text_locale(turn) or "")
    total = turn.money(order.total)
    if store.uses_amazon_pay:
        text = voice.paid(total)
        paid_by = voice.PAID_WITH_AMAZON_PAY
    else:
        text = voice.placed_pay_on_delivery(total)
        paid_by = voice.PAY_ON_DELIVERY_CARD
    address = order.shipping_address or {}
    handler_input.response_builder.set_card(
        SimpleCard(
            title=voice.confirmation_card_title(order.number),
            content=voice.confirmation_card(
                seller=store.name,
                number=order.number,
                lines=[
                    f"{line.quantity} × {line_name(turn, line)}: "
                    f"{display(line.line_total, order.currency, turn.locale)}"
                    for line in lines
                ],
                total=display(order.total, order.currency, turn.locale),
                address_text=", ".join(
                    str(address[k])
                    for k in ("name", "addressLine1", "city", "postalCode")
                    if address.get(k)
                ),
                paid_by=paid_by,
            ),
        )
    )
    turn.outcome = Outcome.ORDER_PLACED
    set_step(turn, Step.IDLE, order=order)
    refill = refill_candidate(turn, lines)
    if refill is not None:
        set_step(turn, Step.OFFER_REFILL, order=order, product=refill, quantity=1)
        offer = voice.refill_offer(spoken_name(turn, refill), refill.refill_interval_weeks)
        return ask(handler_input, join(text, offer), offer)
    if offers_order_updates(turn):
        # Asked once per shopper, whatever they answer (or if they answer nothing).
        turn.customer = orders.customer_mark_order_updates_offered(customer=turn.shopper)
        set_step(turn, Step.OFFER_ORDER_UPDATES, order=order)
        return ask(handler_input, join(text, voice.ORDER_UPDATES_OFFER), voice.ORDER_UPDATES_OFFER)
    return tell(handler_input, text)


def offers_order_updates(turn: Turn) -> bool:
    """Offer order notifications on Alexa: the store can send them and this shopper was
    never asked (and does not have them already)."""
    customer = turn.shopper
    return (
        turn.store.has_messaging_credentials
        and customer.order_updates_offered_at is None
        and not customer.order_updates_subscribed
    )


def order_updates_accepted(handler_input: HandlerInput, turn: Turn) -> Response:
    """Yes: the permission card for notifications; Alexa reports the shopper's choice in a
    ProactiveSubscriptionChanged skill event."""
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.ORDER_UPDATES_PERMISSION_ASKED
    handler_input.response_builder.set_card(
        AskForPermissionsConsentCard(permissions=[NOTIFICATIONS_SCOPE])
    )
    return tell(handler_input, turn.voice.ORDER_UPDATES_PERMISSION)


def order_updates_declined(handler_input: HandlerInput, turn: Turn) -> Response:
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.ORDER_UPDATES_DECLINED
    return tell(handler_input, turn.voice.ORDER_UPDATES_DECLINED)


def refill_candidate(turn: Turn, lines: Iterable[OrderLine]) -> Product | None:
    """A product of the order that can come on a refill plan the shopper does not have."""
    if not turn.shopper.has_open_billing_agreement:
        return None
    for line in lines:
        product = line.product
        if product is not None and product.refill_interval_weeks and product.is_sellable():
            if not selectors.has_active_refill_plan(customer=turn.shopper, product=product):
                return product
    return None


def sold_out_after_payment(
    handler_input: HandlerInput, turn: Turn, order: Order, payment: PaymentResult, exc: OrderError
) -> Response:
    """Amazon took the payment but the cart sold out meanwhile: give the money back."""
    orders.order_release_unplaceable_payment(
        order=order, payment=payment, reason=f"Sold out before placing: {exc.message}"
    )
    turn.outcome = Outcome.SOLD_OUT_PAYMENT_RELEASED
    turn.error_code = exc.code
    set_step(turn, Step.IDLE, order=None)
    return ask(
        handler_input, join(turn.voice.SOLD_OUT_PAYMENT_RETURNED, turn.voice.DECLINE_CONTINUE)
    )


def place_refused(handler_input: HandlerInput, turn: Turn, exc: OrderError) -> Response:
    turn.outcome = outcomes.place_refused(exc.code)
    turn.error_code = exc.code
    set_step(turn, Step.IDLE)
    order_id = turn.conversation.order_id if turn.conversation else None
    if exc.code == OrderErrorCode.OUT_OF_STOCK:
        logger.error("order %s could not be placed: %s", order_id, exc)
        return ask(handler_input, join(turn.voice.NOT_PLACED, turn.voice.DECLINE_CONTINUE))
    if exc.code == OrderErrorCode.NOT_A_CART:
        return tell(handler_input, turn.voice.ORDER_ALREADY_PLACED)
    logger.error("order %s could not be placed: %s", order_id, exc)
    return tell(handler_input, turn.voice.APOLOGY)


# Amazon Pay results -------------------------------------------------------------------------


def _token_order(turn: Turn, token: str | None, kind: str) -> tuple[Order | None, str]:
    parts = amazon_pay.token_parts(token, kind)
    if parts is None:
        return None, ""
    order_id, rest = parts
    return selectors.customer_order(customer=turn.shopper, order_id=order_id), rest


def amazon_pay_error(
    handler_input: HandlerInput, turn: Turn, request: ConnectionsResponse
) -> Response:
    """Permission errors: say how to enable; Amazon's own: nothing to add; others are for
    the merchant (logged, in the interaction log) and a short apology for the shopper."""
    code = amazon_pay.error_code(request)
    turn.error_code = code or "unknown"
    set_step(turn, Step.IDLE)
    if code in amazon_pay.PERMISSION_ERRORS:
        return permission_needed(handler_input, turn)
    if code in amazon_pay.AMAZON_SPEAKS:
        turn.outcome = Outcome.AMAZON_PAY_HANDLED
        return tell(handler_input, "")
    turn.outcome = Outcome.MERCHANT_ERROR
    logger.error(
        "Amazon Pay %s failed for store %s (%s): %s %s",
        request.name,
        turn.store.slug,
        turn.store.pk,
        code,
        amazon_pay.error_message(request),
    )
    return tell(handler_input, turn.voice.MERCHANT_PROBLEM)


class SetupResultHandler(AbstractRequestHandler):
    """Setup came back: keep the agreement and address, then the order summary."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return amazon_pay.is_result(request_of(handler_input), amazon_pay.SETUP)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        request = request_of(handler_input)
        assert isinstance(request, ConnectionsResponse)  # can_handle
        if turn.customer is None:
            return tell(handler_input, turn.voice.APOLOGY)
        if not amazon_pay.is_success(request):
            return amazon_pay_error(handler_input, turn, request)
        result = amazon_pay.read_setup(request)
        store = turn.store
        email = ""
        if not turn.customer.email:
            email = (
                store.sandbox_customer_email
                if store.sandbox_mode
                else alexa_apis.profile_email(handler_input, turn)
            )
        is_open = result.status == AGREEMENT_OPEN
        turn.customer = orders.customer_store_billing_agreement(
            customer=turn.customer,
            agreement_id=result.agreement_id,
            status=result.status,
            address=result.address if is_open else {},
            email=email,
        )
        if not is_open or not result.agreement_id:
            turn.outcome = outcomes.agreement(result.status)
            set_step(turn, Step.IDLE)
            return tell(handler_input, turn.voice.AGREEMENT_NOT_OPEN)
        order, _ = _token_order(turn, request.token, "setup")
        if order is None or order.status != OrderStatus.DRAFT:
            turn.outcome = Outcome.SETUP_WITHOUT_CART
            set_step(turn, Step.IDLE)
            return ask(handler_input, turn.voice.EMPTY_CART)
        return summary(handler_input, turn, order)


class ChargeResultHandler(AbstractRequestHandler):
    """Charge came back: place the order (once), or carry on after a decline."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return amazon_pay.is_result(request_of(handler_input), amazon_pay.CHARGE)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        request = request_of(handler_input)
        assert isinstance(request, ConnectionsResponse)  # can_handle
        voice = turn.voice
        if turn.customer is None:
            return tell(handler_input, voice.APOLOGY)
        if not amazon_pay.is_success(request):
            return amazon_pay_error(handler_input, turn, request)
        order, token_reference = _token_order(turn, request.token, "charge")
        if order is None:
            turn.outcome = Outcome.CHARGE_UNKNOWN_ORDER
            turn.error_code = "unknown_token"
            logger.error("Charge result with unknown token for store %s", turn.store.pk)
            return tell(handler_input, voice.APOLOGY)
        result = amazon_pay.read_charge(
            request, token_reference=token_reference, fallback_amount=order.total
        )
        payment = result.payment
        if not result.succeeded:
            # Amazon Pay has told the shopper about the decline; we only say the order is
            # not placed and nothing was charged, and carry on.
            if result.state == DECLINED:
                orders.order_record_decline(order=order, payment=payment)
            turn.outcome = Outcome.DECLINED
            turn.error_code = payment.reason_code or result.state or "no_state"
            set_step(turn, Step.IDLE, order=order if order.status == OrderStatus.DRAFT else None)
            return ask(handler_input, join(voice.NOT_PLACED, voice.DECLINE_CONTINUE))
        try:
            placing = orders.order_place(order=order, payment=payment)
        except OrderError as exc:
            if exc.code == OrderErrorCode.OUT_OF_STOCK:
                return sold_out_after_payment(handler_input, turn, order, payment, exc)
            return place_refused(handler_input, turn, exc)
        response = placed(handler_input, turn, placing.order)
        if not placing.created:  # Alexa delivered the same result again: nothing new placed
            turn.outcome = Outcome.DUPLICATE_CHARGE_RESULT
        return response
