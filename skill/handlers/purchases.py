"""Amazon's purchase dialogue coming back (``Connections.Response`` for Buy, Upsell and
Cancel), and cancelling or returning in-skill products by voice.

"Cancel my subscription" and "I want a refund" also mean a refill plan or an order: the
handlers in ``after_sale.py`` ask ``cancel_subscription`` and ``refund`` here first; these
act when the words can only mean an in-skill product, ask which when they can mean both,
and return None to let the order flow answer.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import ConnectionsResponse

from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.errors import IspError
from isp.facts import DirectiveName, PurchaseResult
from isp.models import InSkillProduct

from .. import content, intents, outcomes, premium, selling
from ..models import Step
from ..outcomes import Outcome
from ..turn import Premium, Turn, turn_of
from .common import ask, join, request_of, set_step, slot
from .in_skill import play_content

SUCCESS = "200"
ISP_DIRECTIVES = {DirectiveName.BUY, DirectiveName.UPSELL, DirectiveName.CANCEL}


def send_cancel(
    handler_input: HandlerInput, turn: Turn, isp: Premium, product: InSkillProduct
) -> Response:
    """Cancel ends a subscription, or sends the shopper to Amazon's customer service for a
    one-time product or consumable (Amazon's way to a refund)."""
    set_step(turn, Step.IDLE)
    turn.outcome = Outcome.ISP_CANCEL_SENT
    return selling.send(handler_input, turn, isp, DirectiveName.CANCEL, product)


def _pending(turn: Turn, step: str, product: InSkillProduct | None) -> None:
    set_step(turn, step)
    isp_services.shopper_state_set(customer=turn.shopper, product=product)


def cancel_subscription(
    handler_input: HandlerInput, turn: Turn, *, has_plans: bool, named: bool
) -> Response | None:
    """ "cancel my subscription" / "cancel the shave club": the Cancel directive, a question
    when a refill plan could be meant too, or None (the refill-plan flow answers)."""
    isp = premium.load(handler_input, turn)
    product, status = premium.product_named(
        turn, isp, slot(handler_input, intents.ISP_PRODUCT_SLOT)
    )
    if product is not None:
        return send_cancel(handler_input, turn, isp, product)
    subscriptions = premium.subscriptions_owned(isp)
    if len(subscriptions) > 1:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.CLARIFY_ISP_PRODUCT
        return ask(handler_input, turn.voice.which_cancel(premium.names(turn, subscriptions)))
    if subscriptions and has_plans:
        _pending(turn, Step.CHOOSE_CANCEL, subscriptions[0])
        turn.outcome = Outcome.CHOOSE_CANCEL
        return ask(handler_input, turn.voice.choose_cancel(premium.name(turn, subscriptions[0])))
    if subscriptions:
        return send_cancel(handler_input, turn, isp, subscriptions[0])
    if named and not has_plans:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.NO_SUBSCRIPTION
        return ask(handler_input, turn.voice.NO_SUBSCRIPTION)
    return None


def refund(
    handler_input: HandlerInput, turn: Turn, *, has_order: bool, named: bool
) -> Response | None:
    """ "refund the pro pack" / "I want a refund": Cancel for an in-skill product (Amazon's
    customer service refunds it), a question when an order could be meant too, or None."""
    isp = premium.load(handler_input, turn)
    product, _ = premium.product_named(turn, isp, slot(handler_input, intents.ISP_PRODUCT_SLOT))
    if product is not None:
        return send_cancel(handler_input, turn, isp, product)
    items = premium.refundable(turn, isp)
    if items and has_order:
        _pending(turn, Step.CHOOSE_REFUND, items[0] if len(items) == 1 else None)
        turn.outcome = Outcome.CHOOSE_REFUND
        return ask(handler_input, turn.voice.choose_refund(_any_of(turn, items)))
    if len(items) == 1:
        return send_cancel(handler_input, turn, isp, items[0])
    if items:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.CLARIFY_ISP_PRODUCT
        return ask(handler_input, turn.voice.which_cancel(premium.names(turn, items)))
    if named and not has_order:
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.NOTHING_TO_REFUND
        return ask(handler_input, join(turn.voice.NOTHING_TO_REFUND, turn.voice.WHAT_NEXT))
    return None


def _any_of(turn: Turn, products: list[InSkillProduct]) -> str:
    names = premium.names(turn, products)
    if len(names) == 1:
        return names[0]
    one_of: str = turn.voice.one_of(names)
    return one_of


def pending_cancel_confirmed(handler_input: HandlerInput, turn: Turn) -> Response:
    """Yes to "cancel the shave club?" or "is this about the pro pack?"."""
    isp = premium.load(handler_input, turn)
    product = isp.state.product if isp.state is not None else None
    if product is None:
        items = premium.refundable(turn, isp)
        set_step(turn, Step.IDLE)
        turn.outcome = Outcome.CLARIFY_ISP_PRODUCT
        return ask(handler_input, turn.voice.which_cancel(premium.names(turn, items)))
    return send_cancel(handler_input, turn, isp, product)


# Amazon's purchase dialogue came back --------------------------------------------------------


def _resume(handler_input: HandlerInput, turn: Turn, token: str, *prefix: str) -> Response:
    """Free or owned content where the shopper was (kept with the directive's token), with
    no suggestion on this turn."""
    attempt = isp_selectors.purchase_attempt(customer=turn.shopper, token=token)
    collection = None
    if attempt is not None and attempt.resume.get("collection"):
        collection = isp_selectors.collection_by_id(
            store=turn.store, pk=attempt.resume["collection"]
        )
    if collection is None and not isp_selectors.active_collections(store=turn.store):
        set_step(turn, Step.IDLE)
        return ask(handler_input, join(*prefix, turn.voice.WHAT_NEXT))
    return play_content(handler_input, turn, collection, *prefix, may_suggest=False)


class PurchaseResultHandler(AbstractRequestHandler):
    """Buy or Upsell accepted (or already owned): the content at once. Declined: "OK" and
    the free content goes on. ERROR: Alexa already told the shopper; say nothing of it and
    go on. Cancel: a "what next?". A failed request: one short sentence and go on."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = request_of(handler_input)
        return isinstance(request, ConnectionsResponse) and request.name in ISP_DIRECTIVES

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        voice = turn.voice
        request = request_of(handler_input)
        assert isinstance(request, ConnectionsResponse)  # can_handle
        name = request.name or ""  # one of ISP_DIRECTIVES (can_handle)
        payload = request.payload if isinstance(request.payload, dict) else {}
        token = request.token or ""
        result = str(payload.get("purchaseResult") or "")
        status = str(request.status.code) if request.status is not None else ""
        failed = status != SUCCESS or result not in PurchaseResult.values
        row = None
        if not failed:
            try:
                row = isp_services.purchase_result_record(
                    customer=turn.shopper,
                    product_id=str(payload.get("productId") or ""),
                    name=name,
                    result=result,
                    token=token,
                    locale=turn.locale,
                    is_test=turn.is_test or isp_selectors.store_in_isp_sandbox(turn.store),
                    message=str(payload.get("message") or ""),
                )
            except IspError:
                failed = True
        if failed or row is None:
            response = _resume(handler_input, turn, token, voice.PURCHASE_DID_NOT_GO_THROUGH)
            turn.outcome = Outcome.PURCHASE_RESULT_FAILED
            return response
        attempt = row.attempt
        continues = attempt.resume.get("session", "") if attempt is not None else ""
        isp = premium.load(handler_input, turn, refresh=True, continues=str(continues))
        outcome = outcomes.purchase_result(name, result)
        if name == DirectiveName.CANCEL:
            set_step(turn, Step.IDLE)
            response = ask(handler_input, voice.CANCEL_DONE_NEXT)
        elif result in (PurchaseResult.ACCEPTED, PurchaseResult.ALREADY_PURCHASED):
            collection, pick = content.content_for_product(turn, isp, row.product)
            bought = voice.bought(premium.name(turn, row.product))
            if collection is None:
                set_step(turn, Step.IDLE)
                response = ask(handler_input, join(bought, voice.WHAT_NEXT))
            else:
                response = play_content(
                    handler_input, turn, collection, bought, may_suggest=False, pick=pick
                )
        elif result == PurchaseResult.DECLINED:
            response = _resume(handler_input, turn, token, voice.DECLINED)
        else:  # ERROR (or NOT_ENTITLED to a Buy): Alexa has said what went wrong
            response = _resume(handler_input, turn, token)
        turn.outcome = outcome
        return response
