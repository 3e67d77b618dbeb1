"""Ordering by voice with a linked account's saved card: "order my cart" and "order
{Product} from my wish list".

The summary states the items, the total with tax and shipping, the default card ("your
Visa ending in 4242") and the default address; on yes (and the voice purchase code, when
the store asks for one) ``shoppers.services`` places the order with the card. A declined
card is said plainly and nothing is placed; a card that needs the shopper (3-D Secure) is
never charged by voice: the shopper hears that a link was sent, and the Alexa app shows it
on a card (``cards`` emails it too). Two devices ordering the same cart at once place one
order: the checkout locks the cart, and the second finds it empty.
"""

import math
from datetime import datetime
from decimal import Decimal

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard, StandardCard
from django.utils import timezone

from cards import selectors as card_selectors
from cards.errors import CardDeclined, CardNeedsAuthentication
from cards.models import SavedCard
from catalog.models import Product
from merchant.money import display
from orders.models import Order
from orders.pricing import order_totals
from shoppers import selectors as shopper_selectors
from shoppers import services as shoppers
from shoppers.errors import CheckoutError, CheckoutErrorCode
from shoppers.models import ShopperAccount, ShopperAddress

from .. import intents, speech
from ..models import Step
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from . import shopping
from .common import ask, join, line_name, set_step, slot, spoken_name, tell
from .linked import CART_SCOPE, ORDERS_SCOPE, cart_items_text, needs_link

# Steps that wait for the shopper's yes, and for their code, per kind of order.
CONFIRM_STEPS = {Step.CONFIRM_CART_ORDER, Step.CONFIRM_WISH_LIST_ORDER}
CODE_STEPS = {Step.CART_ORDER_CODE, Step.WISH_LIST_ORDER_CODE}
CODE_STEP_OF: dict[str, str] = {
    Step.CONFIRM_CART_ORDER: Step.CART_ORDER_CODE,
    Step.CONFIRM_WISH_LIST_ORDER: Step.WISH_LIST_ORDER_CODE,
}
CART_STEPS = {Step.CONFIRM_CART_ORDER, Step.CART_ORDER_CODE}


def pays_by_card(turn: Turn) -> bool:
    """The store charges saved cards (a store paid on delivery takes the order without one,
    and asks no voice purchase code)."""
    return turn.store.uses_amazon_pay


def payment_card(turn: Turn) -> SavedCard | None:
    return card_selectors.default_card(turn.shopper) if pays_by_card(turn) else None


def code_required(turn: Turn) -> bool:
    return pays_by_card(turn) and turn.store.voice_purchase_code_required


def spoken_card(turn: Turn, card: SavedCard) -> str:
    voice = turn.voice
    text: str = voice.card_name(speech.card_brand(card.brand), card.last4)
    return text


def _not_ready(handler_input: HandlerInput, turn: Turn) -> Response | None:
    """Why the account cannot order by voice now (purchases paused, no code set, no card,
    no address): the answer, or None."""
    voice = turn.voice
    account = turn.account
    assert account is not None  # needs_link ran
    answer, outcome = "", ""
    if code_required(turn) and shoppers.voice_code_locked(account):
        answer = voice.voice_purchases_paused(minutes_left(account))
        outcome = Outcome.VOICE_PURCHASES_PAUSED
    elif code_required(turn) and not shopper_selectors.voice_code_is_set(account):
        answer, outcome = voice.VOICE_CODE_NOT_SET, Outcome.VOICE_CODE_NOT_SET
    elif pays_by_card(turn) and payment_card(turn) is None:
        answer, outcome = voice.NO_SAVED_CARD, Outcome.NO_SAVED_CARD
    elif shopper_selectors.default_address(account) is None:
        answer, outcome = voice.NO_SAVED_ADDRESS, Outcome.NO_SAVED_ADDRESS
    if not answer:
        return None
    set_step(turn, Step.IDLE)
    turn.outcome = outcome
    return tell(handler_input, answer)


def minutes_left(account: ShopperAccount) -> int:
    """Whole minutes until voice purchases start again (at least one while paused)."""
    until: datetime | None = account.voice_code_locked_until
    if until is None:
        return 0
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


def _summary(
    handler_input: HandlerInput,
    turn: Turn,
    *,
    step: str,
    items_text: str,
    total: Decimal,
    tax: Decimal,
    shipping: Decimal,
    product: Product | None = None,
) -> Response:
    voice = turn.voice
    account = turn.account
    assert account is not None  # needs_link ran
    card = payment_card(turn)
    address = shopper_selectors.default_address(account)
    assert address is not None  # _not_ready ran
    text = voice.card_order_summary(
        items_text=items_text,
        total=turn.money(total),
        tax=turn.money(tax) if tax else "",
        shipping=turn.money(shipping) if shipping else "",
        card=spoken_card(turn, card) if card is not None else "",
        address_text=voice.address(address.as_order_address()),
        prices_include_tax=turn.store.prices_include_tax,
    )
    set_step(turn, step, product=product, quantity=1, order=None)
    turn.outcome = Outcome.CARD_SUMMARY
    return ask(handler_input, text, voice.CARD_ORDER_QUESTION)


class OrderCartHandler(AbstractRequestHandler):
    """ "order my cart": the summary of the shared cart, then the question."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.ORDER_CART)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        refused = needs_link(handler_input, turn, CART_SCOPE, ORDERS_SCOPE)
        if refused is None:
            refused = _not_ready(handler_input, turn)
        if refused is not None:
            return refused
        voice = turn.voice
        summary = shopper_selectors.cart_summary(turn.shopper)
        if not summary.lines:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.CART_EMPTY_LINKED
            return ask(handler_input, voice.CART_EMPTY, voice.WHAT_NEXT)
        missing = [spoken_name(turn, line.product) for line in summary.lines if not line.available]
        if missing:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.CART_UNAVAILABLE
            return tell(handler_input, voice.cart_unavailable(missing))
        items = cart_items_text(turn, [(line.quantity, line.product) for line in summary.lines])
        return _summary(
            handler_input,
            turn,
            step=Step.CONFIRM_CART_ORDER,
            items_text=items,
            total=summary.total,
            tax=summary.tax,
            shipping=summary.shipping,
        )


class OrderFromWishListHandler(AbstractRequestHandler):
    """ "order {Product} from my wish list": one of it, charged to the saved card (the cart
    is left as it is)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.ORDER_FROM_WISH_LIST)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        refused = needs_link(handler_input, turn, CART_SCOPE, ORDERS_SCOPE)
        if refused is not None:
            return refused
        product, _status = shopping.product_from_slot(handler_input, turn)
        if product is None:
            return shopping.clarify_product(handler_input, turn)
        wished = {item.product_id for item in shopper_selectors.wishlist_items(turn.shopper)}
        if product.pk not in wished:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.NOT_ON_WISH_LIST
            return ask(handler_input, turn.voice.not_on_wish_list(spoken_name(turn, product)))
        if not product.is_sellable():
            return shopping.not_available(handler_input, turn, product)
        refused = _not_ready(handler_input, turn)
        if refused is not None:
            return refused
        totals = order_totals(store=turn.store, line_totals=[product.price])
        return _summary(
            handler_input,
            turn,
            step=Step.CONFIRM_WISH_LIST_ORDER,
            items_text=cart_items_text(turn, [(1, product)]),
            total=totals.total,
            tax=totals.tax,
            shipping=totals.shipping,
            product=product,
        )


# The answers: yes, no, the code --------------------------------------------------------------


def confirmed(handler_input: HandlerInput, turn: Turn) -> Response:
    """Yes to the summary: the code first when the store asks for one, else the order."""
    step = turn.shopper_conversation.step
    if step in CODE_STEPS:  # a yes is not a code
        turn.outcome = Outcome.VOICE_CODE_ASKED
        return ask(handler_input, turn.voice.VOICE_CODE_PROMPT)
    refused = needs_link(handler_input, turn, CART_SCOPE, ORDERS_SCOPE) or _not_ready(
        handler_input, turn
    )
    if refused is not None:
        return refused
    if code_required(turn):
        set_step(turn, CODE_STEP_OF[step], product=turn.shopper_conversation.product)
        turn.outcome = Outcome.VOICE_CODE_ASKED
        return ask(handler_input, turn.voice.VOICE_CODE_PROMPT)
    return place(handler_input, turn, cart=step in CART_STEPS)


def declined(handler_input: HandlerInput, turn: Turn) -> Response:
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.CARD_ORDER_KEPT
    return tell(handler_input, turn.voice.CARD_ORDER_KEPT)


class VoiceCodeHandler(AbstractRequestHandler):
    """The four digits, when asked for them: right -> the order; wrong -> again; the third
    wrong one pauses voice purchases (``shoppers.services.voice_code_check``)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.VOICE_CODE)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        step = turn.conversation.step if turn.conversation else Step.IDLE
        if step not in CODE_STEPS:
            turn.outcome = Outcome.VOICE_CODE_NOT_ASKED
            return ask(handler_input, voice.VOICE_CODE_NOT_ASKED)
        refused = needs_link(handler_input, turn, CART_SCOPE, ORDERS_SCOPE)
        if refused is not None:
            return refused
        account = turn.account
        assert account is not None  # needs_link
        if shoppers.voice_code_locked(account):
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.VOICE_PURCHASES_PAUSED
            return tell(handler_input, voice.voice_purchases_paused(minutes_left(account)))
        code_slot = slot(handler_input, intents.CODE_SLOT)
        code = (code_slot.value or "") if code_slot else ""
        check = shoppers.voice_code_check(account=account, code=code)
        if check.ok:
            return place(handler_input, turn, cart=step in CART_STEPS)
        if check.locked_until is not None:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.VOICE_CODE_LOCKED
            return tell(handler_input, voice.VOICE_CODE_LOCKED)
        turn.outcome = Outcome.VOICE_CODE_WRONG
        return ask(handler_input, voice.VOICE_CODE_WRONG, voice.VOICE_CODE_PROMPT)


# Placing -------------------------------------------------------------------------------------


def place(handler_input: HandlerInput, turn: Turn, *, cart: bool) -> Response:
    """Order the cart (``cart``) or the wish list item the conversation holds, charged to the
    default card, delivered to the default address."""
    refused = _not_ready(handler_input, turn)
    if refused is not None:
        return refused
    voice = turn.voice
    account = turn.account
    assert account is not None  # needs_link ran
    card = payment_card(turn)
    address = shopper_selectors.default_address(account)
    assert address is not None  # _not_ready ran
    product = turn.shopper_conversation.product
    set_step(turn, Step.IDLE)
    try:
        if cart:
            result = shoppers.checkout_cart(
                account=account,
                address=address,
                card=card,
                source=turn.source,
                locale=turn.locale,
            )
        else:
            if product is None:
                turn.outcome = Outcome.NOTHING_TO_COMPLETE
                return ask(handler_input, voice.WISH_LIST_EMPTY, voice.WHAT_NEXT)
            result = shoppers.checkout_items(
                account=account,
                items=[(product, 1)],
                address=address,
                card=card,
                source=turn.source,
                locale=turn.locale,
            )
    except CardDeclined:
        assert card is not None  # only a card is declined
        turn.outcome = Outcome.CARD_DECLINED
        return tell(handler_input, voice.card_declined(spoken_card(turn, card)))
    except CardNeedsAuthentication as exc:
        turn.outcome = Outcome.CARD_NEEDS_AUTHENTICATION
        handler_input.response_builder.set_card(
            StandardCard(
                title=voice.PAYMENT_LINK_CARD_TITLE,
                text=voice.payment_link_card(turn.store.name, exc.finish_url),
            )
        )
        return tell(handler_input, voice.PAYMENT_LINK_SENT)
    except CheckoutError as exc:
        return checkout_refused(handler_input, turn, exc, product=None if cart else product)
    return placed(handler_input, turn, result.order, card, address)


def checkout_refused(
    handler_input: HandlerInput, turn: Turn, exc: CheckoutError, *, product: Product | None
) -> Response:
    voice = turn.voice
    turn.error_code = str(exc.code)[:60]
    if exc.code == CheckoutErrorCode.EMPTY_CART:
        turn.outcome = Outcome.CART_GONE
        return tell(handler_input, voice.CART_GONE)
    if exc.code == CheckoutErrorCode.NO_CARD:
        turn.outcome = Outcome.NO_SAVED_CARD
        return tell(handler_input, voice.NO_SAVED_CARD)
    if exc.code == CheckoutErrorCode.NO_ADDRESS:
        turn.outcome = Outcome.NO_SAVED_ADDRESS
        return tell(handler_input, voice.NO_SAVED_ADDRESS)
    turn.outcome = Outcome.CART_UNAVAILABLE
    if product is not None:
        return ask(
            handler_input,
            join(voice.not_available(spoken_name(turn, product), []), voice.WHAT_NEXT),
        )
    summary = shopper_selectors.cart_summary(turn.shopper)
    missing = [spoken_name(turn, line.product) for line in summary.lines if not line.available]
    if missing:
        return tell(handler_input, voice.cart_unavailable(missing))
    return tell(handler_input, join(voice.NOT_PLACED, voice.APOLOGY))


def placed(
    handler_input: HandlerInput,
    turn: Turn,
    order: Order,
    card: SavedCard | None,
    address: ShopperAddress,
) -> Response:
    """The order is placed: say so, and the confirmation card in the Alexa app."""
    voice = turn.voice
    store = turn.store
    lines = order.lines.select_related("product").order_by("pk")
    destination = address.as_order_address()
    total = turn.money(order.total)
    if card is None:
        text = voice.placed_pay_on_delivery(total)
        paid_by = voice.PAY_ON_DELIVERY_CARD
    else:
        text = voice.card_order_placed(order.number, total, spoken_card(turn, card))
        paid_by = voice.paid_with_card(
            voice.card_name_text(speech.card_brand(card.brand), card.last4)
        )
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
                    str(destination[k])
                    for k in ("name", "addressLine1", "city", "postalCode")
                    if destination.get(k)
                ),
                paid_by=paid_by,
            ),
        )
    )
    turn.outcome = Outcome.CARD_ORDER_PLACED
    set_step(turn, Step.IDLE, order=order)
    return tell(handler_input, text)
