"""A shopper's linked web account by voice: the cart web and voice share, and the wish list.

The account comes from the request's access token (``LoadShopper``); its customer is the
turn's shopper. A turn that needs the account and has none answers with Alexa's
``LinkAccount`` card and says so. Ordering with the account's saved card is
``skill.handlers.card_checkout``.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import LinkAccountCard

from catalog.models import Product
from shoppers import selectors as shopper_selectors
from shoppers import services as shoppers
from shoppers.errors import ShopperError

from .. import intents
from ..models import Step
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from . import shopping
from .common import ask, join, set_step, spoken_name, tell

# What the linked token must allow (linking's scopes).
CART_SCOPE = "cart"
ORDERS_SCOPE = "orders"


def needs_link(handler_input: HandlerInput, turn: Turn, *scopes: str) -> Response | None:
    """None when the turn's account is linked with every scope in ``scopes``; otherwise
    the answer: the LinkAccount card in the Alexa app, and words saying why."""
    if turn.account is not None and all(scope in turn.scopes for scope in scopes):
        return None
    linked = turn.account is not None
    turn.outcome = Outcome.LINK_SCOPE_MISSING if linked else Outcome.LINK_NEEDED
    set_step(turn, Step.IDLE)
    handler_input.response_builder.set_card(LinkAccountCard())
    return tell(handler_input, turn.voice.LINK_SCOPE_MISSING if linked else turn.voice.LINK_ACCOUNT)


def cart_items_text(turn: Turn, lines: list[tuple[int, Product]]) -> str:
    """ "one starter kit and two refill packs" from (quantity, product) pairs."""
    text: str = turn.voice.items([(quantity, spoken_name(turn, p)) for quantity, p in lines])
    return text


class CartContentsHandler(AbstractRequestHandler):
    """ "what's in my cart": the shared cart's items and its total with tax and shipping."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CART_CONTENTS)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        refused = needs_link(handler_input, turn, CART_SCOPE)
        if refused is not None:
            return refused
        voice = turn.voice
        summary = shopper_selectors.cart_summary(turn.shopper)
        set_step(turn, Step.IDLE)
        if not summary.lines:
            turn.outcome = Outcome.CART_EMPTY_LINKED
            return ask(handler_input, voice.CART_EMPTY, voice.WHAT_NEXT)
        turn.outcome = Outcome.CART_READ
        items = cart_items_text(turn, [(line.quantity, line.product) for line in summary.lines])
        return ask(
            handler_input, voice.cart_contents(items, turn.money(summary.total)), voice.WHAT_NEXT
        )


class AddToCartHandler(AbstractRequestHandler):
    """ "add {Product} to my cart": into the cart the web shop shows too. A shopper without
    a linked account hears the product's pitch and orders it as today."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.ADD_TO_CART)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.account is None:
            return shopping.offer_product(handler_input, turn, with_quantity=False)
        refused = needs_link(handler_input, turn, CART_SCOPE)
        if refused is not None:
            return refused
        product, _status = shopping.product_from_slot(handler_input, turn)
        if product is None:
            return shopping.clarify_product(handler_input, turn)
        if not product.is_sellable():
            return shopping.not_available(handler_input, turn, product)
        try:
            line = shoppers.cart_add(customer=turn.shopper, product=product, quantity=1)
        except ShopperError:  # not in stock for one more
            return shopping.not_available(handler_input, turn, product)
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.CART_ADDED
        voice = turn.voice
        added = voice.added_to_cart(spoken_name(turn, product), line.quantity)
        return ask(handler_input, join(added, voice.ANYTHING_ELSE_CART), voice.ANYTHING_ELSE_CART)


class AddToWishListHandler(AbstractRequestHandler):
    """ "add {Product} to my wish list" (once: saying it again changes nothing)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.ADD_TO_WISH_LIST)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        refused = needs_link(handler_input, turn, CART_SCOPE)
        if refused is not None:
            return refused
        product, _status = shopping.product_from_slot(handler_input, turn)
        if product is None:
            return shopping.clarify_product(handler_input, turn)
        shoppers.wishlist_add(customer=turn.shopper, product=product)
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.WISH_LIST_ADDED
        voice = turn.voice
        added = voice.added_to_wish_list(spoken_name(turn, product))
        return ask(handler_input, join(added, voice.ANYTHING_ELSE), voice.ANYTHING_ELSE)


class WishListContentsHandler(AbstractRequestHandler):
    """ "what's on my wish list"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.WISH_LIST_CONTENTS)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        refused = needs_link(handler_input, turn, CART_SCOPE)
        if refused is not None:
            return refused
        voice = turn.voice
        # In the order they were saved (the selector leaves the order open).
        items = sorted(
            shopper_selectors.wishlist_items(turn.shopper), key=lambda i: (i.added_at, i.pk)
        )
        set_step(turn, Step.IDLE)
        if not items:
            turn.outcome = Outcome.WISH_LIST_EMPTY
            return ask(handler_input, voice.WISH_LIST_EMPTY, voice.WHAT_NEXT)
        turn.outcome = Outcome.WISH_LIST_READ
        names = [spoken_name(turn, item.product) for item in items]
        return ask(handler_input, voice.wish_list_contents(names), voice.WHAT_NEXT)
