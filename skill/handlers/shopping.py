"""Opening the store and choosing what to buy: launch, browse, product questions, orders,
re-orders, starting over and going home."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import Image, StandardCard

from catalog.images import absolute_url
from catalog.models import Product
from isp import selectors as isp_selectors
from orders import services as orders
from orders.models import Order, OrderLine, OrderStatus

from .. import intents, premium, selectors
from ..envelope import MATCH, WORDS, resolution
from ..models import Step
from ..outcomes import Outcome
from ..speech.pitch import product_pitch
from ..turn import Turn, turn_of
from . import checkout
from .common import (
    MAX_QUANTITY,
    ask,
    join,
    lines_text,
    quantity,
    set_step,
    slot,
    spoken_name,
    text_locale,
)


def choice_names(turn: Turn) -> list[str]:
    """At most three things to offer, from the catalog's categories, never what the shopper
    already owns and cannot use twice."""
    # A shopper without a single kept order owns nothing: skip the ownership check.
    owner = None if turn.owns_nothing else turn.customer
    categories = selectors.suggested_categories(
        store=turn.store, customer=owner, locale=text_locale(turn) or ""
    )
    return [category.spoken(text_locale(turn)) for category in categories]


def collection_names(turn: Turn) -> list[str]:
    return [c.spoken_name for c in isp_selectors.active_collections(store=turn.store)]


def offer_choices(handler_input: HandlerInput, turn: Turn, *prefix: str) -> Response:
    set_step(turn, Step.IDLE)
    visit = turn.conversation.visits if turn.conversation else 0
    names = choice_names(turn)
    if not names and premium.isp_store(turn):  # a store selling content only
        return ask(handler_input, join(*prefix, turn.voice.content_choices(collection_names(turn))))
    return ask(handler_input, join(*prefix, turn.voice.choices(names, visit)))


def reorderable_lines(turn: Turn, order: Order) -> list[OrderLine]:
    """Lines of a past order the shopper may buy again: repeat-purchase products only."""
    lines = selectors.order_lines(order=order, locale=text_locale(turn) or "")
    return [line for line in lines if line.product is not None and line.product.repeat_purchase]


class LaunchHandler(AbstractRequestHandler):
    """Welcome; then continue an interrupted cart, offer a re-order, or up to three choices."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        conversation = turn.conversation
        visit = 0
        if conversation is not None:
            conversation.visits += 1
            visit = conversation.visits - 1
            turn.save_conversation = True
        welcome = voice.welcome(turn.store.name, visit)
        turn.outcome = Outcome.WELCOME
        if turn.customer is None:
            return ask(handler_input, join(welcome, voice.choices(choice_names(turn), visit)))

        cart = conversation.order if conversation and conversation.order_id else None
        if cart is not None and cart.status == OrderStatus.DRAFT:
            lines = selectors.order_lines(order=cart, locale=text_locale(turn) or "")
            if lines:
                set_step(turn, Step.OFFER_RESUME, order=cart)
                turn.outcome = Outcome.OFFER_RESUME
                return ask(
                    handler_input,
                    join(welcome, voice.offer_resume(lines_text(turn, lines))),
                    voice.RESUME_PROMPT,
                )
        if turn.new_customer:
            turn.owns_nothing = True
        else:  # a returning shopper may have ordered before
            last = turn.last_kept_lines
            if last is None:  # not read with the shopper
                last = selectors.last_kept_order_lines(
                    customer=turn.customer, locale=text_locale(turn) or ""
                )
            turn.owns_nothing = not last
            lines = [
                line
                for line in last
                if line.product is not None
                and line.product.repeat_purchase
                and line.product.is_sellable()
            ]
            if lines:
                set_step(turn, Step.OFFER_REORDER, order_id=lines[0].order_id)
                turn.outcome = Outcome.OFFER_REORDER
                return ask(
                    handler_input,
                    join(welcome, voice.offer_reorder(lines_text(turn, lines))),
                    voice.REORDER_PROMPT,
                )
        return offer_choices(handler_input, turn, welcome)


def pitch_product(
    handler_input: HandlerInput, turn: Turn, product: Product, wanted: int, *prefix: str
) -> Response:
    """The one-breath pitch and "Do you want to order it?"; remembers the offer."""
    voice = turn.voice
    pitch = product_pitch(product, turn.locale, translated=text_locale(turn) is not None)
    parts = [*prefix, pitch.ssml]
    question = voice.PITCH_QUESTION
    if wanted > 1:
        parts.append(voice.quantity_price(wanted, turn.money(product.price * wanted)))
        question = voice.PITCH_QUESTION_MANY
    set_step(turn, Step.OFFER_PRODUCT, product=product, quantity=wanted)
    turn.outcome = Outcome.PITCH
    if product.image_card_small:
        # The uploaded picture on the Alexa app's card, at Amazon's two sizes, over HTTPS.
        text = product.localized(text_locale(turn))
        handler_input.response_builder.set_card(
            StandardCard(
                title=product.name,
                text=text.card_description or text.spoken_description,
                image=Image(
                    small_image_url=absolute_url(product.image_card_small.name),
                    large_image_url=absolute_url(product.image_card_large.name),
                ),
            )
        )
    return ask(handler_input, join(*parts, question), question)


def product_from_slot(handler_input: HandlerInput, turn: Turn) -> tuple[Product | None, str]:
    """(product or None, status) from the Product slot, by entity id or by words."""
    product_slot = slot(handler_input, intents.PRODUCT_SLOT)
    status, entity_id = resolution(product_slot)
    if status == MATCH:
        return selectors.product_for_voice(
            store=turn.store, product_id=entity_id, locale=text_locale(turn) or ""
        ), status
    if status == WORDS and product_slot is not None:
        return selectors.product_by_words(
            store=turn.store,
            words=product_slot.value,
            locale=turn.locale,
            translated=text_locale(turn) is not None,
        ), status
    return None, status


def clarify_product(handler_input: HandlerInput, turn: Turn) -> Response:
    products = selectors.products_to_suggest(
        store=turn.store, customer=turn.customer, locale=text_locale(turn) or ""
    )
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.CLARIFY_PRODUCT
    return ask(handler_input, turn.voice.which_product([spoken_name(turn, p) for p in products]))


def not_available(handler_input: HandlerInput, turn: Turn, product: Product) -> Response:
    alternatives = [
        p
        for p in selectors.products_to_suggest(
            store=turn.store,
            customer=turn.customer,
            locale=text_locale(turn) or "",
            category=product.category,
        )
        if p.pk != product.pk
    ] or [
        p
        for p in selectors.products_to_suggest(
            store=turn.store, customer=turn.customer, locale=text_locale(turn) or ""
        )
        if p.pk != product.pk
    ]
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.NOT_AVAILABLE
    return ask(
        handler_input,
        turn.voice.not_available(
            spoken_name(turn, product), [spoken_name(turn, p) for p in alternatives]
        ),
    )


def offer_product(handler_input: HandlerInput, turn: Turn, *, with_quantity: bool) -> Response:
    product, status = product_from_slot(handler_input, turn)
    if product is None:
        return clarify_product(handler_input, turn)
    wanted = quantity(handler_input, intents.QUANTITY_SLOT) if with_quantity else None
    wanted = wanted or 1
    if wanted < 1 or wanted > MAX_QUANTITY:
        turn.outcome = Outcome.BAD_QUANTITY
        return ask(handler_input, turn.voice.too_many(MAX_QUANTITY))
    if not product.is_sellable(wanted):
        return not_available(handler_input, turn, product)
    if selectors.owns_one_off(customer=turn.customer, product=product):
        refills = selectors.products_to_suggest(
            store=turn.store, customer=turn.customer, locale=text_locale(turn) or "", limit=1
        )
        refills = [p for p in refills if p.pk != product.pk]
        turn.outcome = Outcome.ALREADY_OWNED
        if refills:
            set_step(turn, Step.OFFER_PRODUCT, product=refills[0], quantity=1)
        else:
            set_step(turn, Step.IDLE)
        return ask(
            handler_input,
            turn.voice.already_own(
                spoken_name(turn, product), [spoken_name(turn, p) for p in refills]
            ),
        )
    return pitch_product(handler_input, turn, product, wanted)


class OrderProductHandler(AbstractRequestHandler):
    """ "order a starter kit", "two packs of refills": the pitch, then the offer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.ORDER_PRODUCT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return offer_product(handler_input, turn_of(handler_input), with_quantity=True)


class ProductInfoHandler(AbstractRequestHandler):
    """ "tell me about the starter kit": the same one-breath pitch and offer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.PRODUCT_INFO)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return offer_product(handler_input, turn_of(handler_input), with_quantity=False)


class BrowseHandler(AbstractRequestHandler):
    """ "what do you have", "what refills do you sell"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.BROWSE)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        category_slot = slot(handler_input, intents.CATEGORY_SLOT)
        status, entity_id = resolution(category_slot)
        category = None
        if status in (MATCH, WORDS):
            category = selectors.category_by_id_or_words(
                store=turn.store,
                category_id=entity_id,
                words=category_slot.value if category_slot else "",
                locale=turn.locale,
            )
        if category is None:
            turn.outcome = Outcome.BROWSE
            return offer_choices(handler_input, turn)
        products = selectors.products_to_suggest(
            store=turn.store,
            customer=turn.customer,
            locale=text_locale(turn) or "",
            category=category,
        )
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.BROWSE_CATEGORY
        if not products:
            turn.outcome = Outcome.BROWSE_CATEGORY_EMPTY
            return ask(
                handler_input,
                join(turn.voice.nothing_in_category(category.name), turn.voice.WHAT_NEXT),
            )
        if len(products) == 1:
            return pitch_product(handler_input, turn, products[0], 1)
        return ask(
            handler_input,
            turn.voice.category_products(
                category.spoken(text_locale(turn)), [spoken_name(turn, p) for p in products]
            ),
        )


def reorder(handler_input: HandlerInput, turn: Turn, order: Order | None = None) -> Response:
    """Rebuild the last order at today's prices; say what is unavailable; go to checkout."""
    voice = turn.voice
    order = order or selectors.latest_order(customer=turn.customer, statuses=selectors.KEPT)
    if order is None:
        turn.outcome = Outcome.NO_ORDERS
        return offer_choices(handler_input, turn, voice.NO_ORDERS)
    lines = reorderable_lines(turn, order)
    if not lines:
        turn.outcome = Outcome.NOTHING_TO_REORDER
        return offer_choices(handler_input, turn)
    cart = orders.cart_start(
        customer=turn.shopper, locale=turn.locale, source=turn.source, is_test=turn.is_test
    )
    result = orders.cart_set_items(
        order=cart,
        items=[
            orders.CartItem(product=line.product, quantity=line.quantity)
            for line in lines
            if line.product is not None  # each is (reorderable_lines)
        ],
    )
    missing = [spoken_name(turn, p) for p in result.unavailable]
    note = voice.unavailable_left_out(missing) if missing else ""
    if not result.order.lines.exists():
        set_step(turn, Step.IDLE, order=None)
        turn.outcome = Outcome.REORDER_UNAVAILABLE
        return offer_choices(handler_input, turn, note)
    turn.outcome = Outcome.REORDER
    return checkout.start(handler_input, turn, result.order, note)


class ReorderHandler(AbstractRequestHandler):
    """ "reorder", "order my usual"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REORDER)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return reorder(handler_input, turn)


class StartOverHandler(AbstractRequestHandler):
    """ "start over", "new order": the unfinished cart is dropped."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.START_OVER)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        drop_cart(turn)
        turn.outcome = Outcome.START_OVER
        return offer_choices(handler_input, turn, turn.voice.FRESH_START)


def drop_cart(turn: Turn) -> None:
    conversation = turn.conversation
    order = conversation.order if conversation else None
    if order is not None and order.status == OrderStatus.DRAFT:
        orders.cart_abandon(order=order)
    set_step(turn, Step.IDLE, order=None)


class NavigateHomeHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.NAVIGATE_HOME)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        turn.outcome = Outcome.HOME
        return offer_choices(handler_input, turn, turn.voice.HOME)
