"""Premium content and in-skill products by voice: "give me a tip", "what can I buy",
"tell me about the pro pack", "buy the pro pack", "what have I bought", "how many sessions
do I have left". The purchase results, cancels and refunds are in ``purchases.py``."""

from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.errors import IspError, IspErrorCode
from isp.facts import DirectiveName, ProductType
from isp.models import ContentCollection, InSkillProduct

from .. import content, intents, premium, selling
from ..envelope import MATCH, resolution
from ..models import Step
from ..outcomes import Outcome
from ..turn import Premium, Turn, turn_of
from .common import ask, join, set_step, slot


def _for_isp_store(intent: str) -> Callable[[HandlerInput], bool]:
    def predicate(handler_input: HandlerInput) -> bool:
        return is_intent_name(intent)(handler_input) and premium.isp_store(turn_of(handler_input))

    return predicate


def _set_pending(turn: Turn, step: str, product: InSkillProduct | None = None) -> None:
    set_step(turn, step)
    isp_services.shopper_state_set(customer=turn.shopper, product=product)


# Content -------------------------------------------------------------------------------------


def play_content(
    handler_input: HandlerInput,
    turn: Turn,
    collection: ContentCollection | None = None,
    *prefix: str,
    may_suggest: bool = True,
    pick: content.Pick | None = None,
) -> Response:
    """The next content item of ``collection`` (the shopper's current one by default), or
    ``pick`` when the caller chose it; when the free part is used up, one suggestion if the
    policy allows, else a repeat; never a dead end."""
    voice = turn.voice
    isp = premium.load(handler_input, turn)
    collection = collection or content.collection_for(turn, isp, None)
    if collection is None:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.NOTHING_TO_PLAY
        return ask(handler_input, join(*prefix, voice.NOTHING_TO_PLAY))
    if pick is None or pick.item is None:
        pick = content.pick_content(turn, isp, collection)
    if pick.item is None and pick.extenders:
        product = selling.upsell_choice(turn, isp, pick.extenders) if may_suggest else None
        if product is not None:
            return suggest(handler_input, turn, isp, product, voice.UPSELL_FINISHED)
        repeat = content.least_recent_open(turn, isp, collection)
        if repeat is None:
            isp_services.shopper_state_set(customer=turn.shopper, collection=collection)
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.CONTENT_LOCKED
            locked = premium.name(turn, pick.extenders[0])
            return ask(handler_input, join(*prefix, voice.locked(locked)))
        pick = content.Pick(item=repeat, repeat=True)
    if pick.item is None:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.NOTHING_TO_PLAY
        return ask(handler_input, join(*prefix, voice.NOTHING_TO_PLAY))
    try:
        text, left = content.play(turn, isp, pick.item, spend=pick.spend)
    except IspError as exc:
        if exc.code != IspErrorCode.NO_UNITS_LEFT:
            raise
        # Another device spent the last unit a moment ago: pick again.
        assert pick.item.product_id is not None  # units are spent on a consumable
        isp.balances[pick.item.product_id] = 0
        return play_content(handler_input, turn, collection, *prefix, may_suggest=may_suggest)
    parts = [*prefix, voice.HEARD_BEFORE if pick.repeat else "", text]
    if pick.spend:
        assert pick.item.product is not None  # units are spent on a consumable
        parts.append(voice.units_left(left, premium.name(turn, pick.item.product)))
    set_step(turn, Step.OFFER_MORE_CONTENT)
    turn.outcome = (
        Outcome.CONTENT_UNIT_SPENT
        if pick.spend
        else Outcome.CONTENT_REPEATED
        if pick.repeat
        else Outcome.CONTENT_PLAYED
    )
    return ask(handler_input, join(*parts, voice.ANOTHER_QUESTION), voice.ANOTHER_QUESTION)


def suggest(
    handler_input: HandlerInput, turn: Turn, isp: Premium, product: InSkillProduct, context: str
) -> Response:
    """An Upsell: the skill's message (what it gives, a yes/no question, no price) is read by
    Alexa, then Amazon's offer follows."""
    message, experiment, arm = selling.suggestion(turn, isp, product, context)
    turn.outcome = Outcome.UPSELL_SENT
    set_step(turn, Step.IDLE)
    return selling.send(
        handler_input,
        turn,
        isp,
        DirectiveName.UPSELL,
        product,
        message=message,
        experiment=experiment,
        arm=arm,
    )


class ContentHandler(AbstractRequestHandler):
    """ "give me a tip", "play a sleep session"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _for_isp_store(intents.CONTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        isp = premium.load(handler_input, turn)
        collection = content.collection_for(turn, isp, slot(handler_input, intents.COLLECTION_SLOT))
        return play_content(handler_input, turn, collection)


# What can I buy, tell me about, buy, what have I bought, how many left -----------------------


def which_one(handler_input: HandlerInput, turn: Turn, isp: Premium, *prefix: str) -> Response:
    """A name the skill could not place: say what can be bought."""
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.CLARIFY_ISP_PRODUCT
    names = premium.names(turn, premium.for_sale(isp))
    return ask(handler_input, join(*prefix, turn.voice.which_purchase(names)))


class WhatCanIBuyHandler(AbstractRequestHandler):
    """Every product the shopper can buy, by name and summary, then an offer to hear more."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _for_isp_store(intents.WHAT_CAN_I_BUY)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        isp = premium.load(handler_input, turn)
        if not isp.states.available:
            set_step(turn, Step.OFFER_MORE_CONTENT)
            turn.outcome = Outcome.SHOP_UNAVAILABLE
            return ask(handler_input, voice.SHOP_UNAVAILABLE)
        products = premium.for_sale(isp)
        if not products:
            set_step(turn, Step.IDLE)
            turn.outcome = Outcome.NOTHING_FOR_SALE
            return ask(handler_input, voice.NOTHING_FOR_SALE)
        listed = []
        for product in products:
            texts = product.texts(turn.locale)
            listed.append((premium.name(turn, product), texts.summary if texts else ""))
        _set_pending(turn, Step.OFFER_ISP_INFO, products[0] if len(products) == 1 else None)
        turn.outcome = Outcome.FOR_SALE_LISTED
        return ask(handler_input, voice.for_sale(listed), voice.HEAR_MORE_WHICH)


def describe(
    handler_input: HandlerInput, turn: Turn, isp: Premium, product: InSkillProduct
) -> Response:
    """The product's description and "Would you like to buy it?" (yes sends Buy)."""
    voice = turn.voice
    texts = product.texts(turn.locale)
    text = voice.description(premium.name(turn, product), texts.description if texts else "")
    turn.outcome = Outcome.ISP_PRODUCT_INFO
    if isp.owns(product):
        set_step(turn, Step.IDLE)
        return ask(handler_input, join(text, voice.already_owned(premium.name(turn, product))))
    if not isp.purchasable(product):
        set_step(turn, Step.IDLE)
        return ask(handler_input, join(text, voice.not_for_sale(premium.name(turn, product))))
    _set_pending(turn, Step.OFFER_ISP_BUY, product)
    return ask(handler_input, join(text, voice.BUY_QUESTION), voice.BUY_QUESTION)


class IspProductInfoHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _for_isp_store(intents.ISP_PRODUCT_INFO)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        isp = premium.load(handler_input, turn)
        product, _ = premium.product_named(turn, isp, slot(handler_input, intents.ISP_PRODUCT_SLOT))
        if product is None:
            return which_one(handler_input, turn, isp)
        return describe(handler_input, turn, isp, product)


def buy(handler_input: HandlerInput, turn: Turn, isp: Premium, product: InSkillProduct) -> Response:
    """A named product: straight to Amazon's offer (Buy), unless owned or not for sale."""
    voice = turn.voice
    name = premium.name(turn, product)
    if isp.owns(product):
        collection, pick = content.content_for_product(turn, isp, product)
        answer = play_content(handler_input, turn, collection, voice.already_owned(name), pick=pick)
        turn.outcome = Outcome.ISP_ALREADY_OWNED
        return answer
    if not isp.purchasable(product) or not isp.states.available:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.ISP_NOT_FOR_SALE
        return ask(handler_input, join(voice.not_for_sale(name), voice.ANOTHER_QUESTION))
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.BUY_SENT
    return selling.send(handler_input, turn, isp, DirectiveName.BUY, product)


class BuyHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _for_isp_store(intents.BUY)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        isp = premium.load(handler_input, turn)
        product, _ = premium.product_named(turn, isp, slot(handler_input, intents.ISP_PRODUCT_SLOT))
        if product is None:
            return which_one(handler_input, turn, isp)
        return buy(handler_input, turn, isp, product)


class RerouteToIspHandler(AbstractRequestHandler):
    """ "order the pro pack", "tell me about the shave club": physical-order words that name
    an in-skill product (the two slot types overlap in what shoppers say) go to Buy or to
    the product's description."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        intent = handler_input.request_envelope.request
        if not (
            is_intent_name(intents.ORDER_PRODUCT)(handler_input)
            or is_intent_name(intents.PRODUCT_INFO)(handler_input)
        ):
            return False
        turn = turn_of(handler_input)
        product_slot = slot(handler_input, intents.PRODUCT_SLOT)
        if not premium.isp_store(turn) or resolution(product_slot)[0] == MATCH:
            return False
        if product_slot is None or not product_slot.value or intent is None:
            return False
        products = isp_selectors.store_products(store=turn.store)
        return premium.product_for_words(turn, products, product_slot.value) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        isp = premium.load(handler_input, turn)
        product_slot = slot(handler_input, intents.PRODUCT_SLOT)
        words = product_slot.value if product_slot is not None else None
        product = premium.product_for_words(turn, isp.products, words or "")
        if product is None:  # can_handle found it by these words a moment ago
            return which_one(handler_input, turn, isp)
        if is_intent_name(intents.ORDER_PRODUCT)(handler_input):
            return buy(handler_input, turn, isp, product)
        return describe(handler_input, turn, isp, product)


class WhatHaveIBoughtHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _for_isp_store(intents.WHAT_HAVE_I_BOUGHT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        isp = premium.load(handler_input, turn)
        owned = [p for p in isp.products if isp.owns(p)]
        owned += [
            p
            for p in isp.products
            if p.type == ProductType.CONSUMABLE and premium.balance(turn, isp, p) > 0
        ]
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.OWNED_LISTED
        if not owned:
            return ask(handler_input, turn.voice.NOTHING_OWNED)
        return ask(handler_input, turn.voice.owned(premium.names(turn, owned)))


class InventoryHandler(AbstractRequestHandler):
    """ "how many sessions do I have left": exact, from the ledger."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _for_isp_store(intents.INVENTORY)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        isp = premium.load(handler_input, turn)
        product, _ = premium.product_named(turn, isp, slot(handler_input, intents.ISP_PRODUCT_SLOT))
        consumables = [p for p in isp.products if p.type == ProductType.CONSUMABLE]
        if product is not None and product.type == ProductType.CONSUMABLE:
            consumables = [product]
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.INVENTORY
        if not consumables:
            return ask(handler_input, voice.NO_CONSUMABLES)
        entries = [(premium.balance(turn, isp, p), premium.name(turn, p)) for p in consumables]
        if len(entries) > 1:
            entries = [e for e in entries if e[0] > 0] or entries[:1]
        if len(entries) == 1 and entries[0][0] == 0:
            return ask(handler_input, join(voice.NO_UNITS, voice.WHAT_NEXT))
        return ask(handler_input, join(voice.inventory(entries), voice.WHAT_NEXT))


def isp_info_accepted(handler_input: HandlerInput, turn: Turn) -> Response:
    """Yes to "Would you like to buy it?" (Buy), or to "which one would you like to hear
    more about?" when one product was listed (its description)."""
    isp = premium.load(handler_input, turn)
    product = isp.state.product if isp.state is not None else None
    if product is None:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.CLARIFY_ISP_PRODUCT
        return ask(handler_input, turn.voice.HEAR_MORE_WHICH)
    if turn.conversation is not None and turn.conversation.step == Step.OFFER_ISP_BUY:
        return buy(handler_input, turn, isp, product)
    return describe(handler_input, turn, isp, product)
