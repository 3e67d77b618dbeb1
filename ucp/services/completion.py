"""Completing and cancelling checkout sessions.

Completion locks the session row first, so two platforms (or one platform twice) completing
the same session give one order: the second finds it completed and is refused. The payment
is approved by its handler, authorized for the order's total and booked by ``order_place``
(which takes the stock and counts the discount codes) in the same transaction; an item sold
out meanwhile is a message on the session (a business outcome), nothing is charged.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from cards.gateway import NAME as STRIPE
from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from shoppers.models import ShopperAccount

from ..models import CheckoutSession, SessionStatus
from ..negotiation import Platform
from ..parsing import instruments
from ..payments import approve, authorize
from ..protocol import UcpError, error_message
from ..stripe_cards import NeedsBuyer, release
from ..wallet import WALLET_HANDLER_ID
from .checkout import refuse_unless_open, status_of
from .wallet_payment import wallet_place
from .webhooks import order_webhook_queue

FULFILLMENT_MISSING = "Fulfillment address and option must be selected before completing."


def _locked(session: CheckoutSession) -> CheckoutSession:
    """The session's row locked (its own row only: locking the joined store row would stop
    every other channel's order of the store, and deadlock with them on the products)."""
    return (
        CheckoutSession.objects.select_for_update(of=("self",))
        .select_related("store", "order")
        .get(pk=session.pk, store_id=session.store_id)
    )


def _chosen(found: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    for index, instrument in enumerate(found):
        if instrument.get("selected"):
            return index, instrument
    return 0, found[0]


@transaction.atomic
def checkout_complete(
    *,
    session: CheckoutSession,
    body: dict[str, Any],
    platform: Platform,
    shopper: ShopperAccount | None = None,
) -> CheckoutSession:
    """Place the session's order, paid with the request's instrument. ``UcpError``: 409 when
    the session is no longer open, 400 when it is not ready, 402 when the payment fails.
    A saved card of the linked ``shopper`` (the partner wallet) is charged by the cards app;
    a bank's 3-D Secure leaves the session open, escalated to the buyer."""
    session = _locked(session)
    refuse_unless_open(session)
    given = instruments(body.get("payment"), required=True)
    if status_of(session) != SessionStatus.READY:
        if not session.line_items:
            raise UcpError(400, "missing", "The checkout has no line items.", path="$.line_items")
        raise UcpError(400, "missing", FULFILLMENT_MISSING, path="$.fulfillment")
    index, instrument = _chosen(given)
    path = f"$.payment.instruments[{index}]"
    order = session.order
    payment = None
    try:
        if instrument["handler_id"] == WALLET_HANDLER_ID:
            placed, instrument = wallet_place(
                session=session, instrument=instrument, shopper=shopper, path=path
            )
        else:
            approval = approve(
                store=session.store,
                checkout_id=session.public_id,
                instrument=instrument,
                ap2=body.get("ap2"),
                path=path,
            )
            payment = authorize(order=order, approval=approval)
            with transaction.atomic():
                placed = orders.order_place(
                    order=order, payment=payment, actor_label=f"Agent {session.platform_name}"
                ).order
    except NeedsBuyer as exc:
        session.messages = [
            error_message("requires_3ds", exc.content, severity="requires_buyer_input")
        ]
        session.save(update_fields=["messages"])
        return session
    except OrderError as exc:
        if payment is not None and payment.gateway == STRIPE:
            release(order=order, payment_intent_id=payment.external_id, captured=payment.captured)
        if exc.code in (OrderErrorCode.OUT_OF_STOCK, OrderErrorCode.DISCOUNT_UNAVAILABLE):
            _record_refusal(session, exc)
            return session
        raise UcpError(409, str(exc.code), exc.message) from exc
    session.order = placed
    session.status = SessionStatus.COMPLETED
    session.completed_at = timezone.now()
    session.instruments = [{k: v for k, v in instrument.items() if k != "credential"}]
    session.messages = []
    if platform.webhook_url and not session.webhook_url:
        session.webhook_url = platform.webhook_url
    session.save()
    order_webhook_queue(session=session, event="order_created")
    return session


def _record_refusal(session: CheckoutSession, exc: OrderError) -> None:
    """The payment authorized in this transaction is rolled back with it (the sandbox keeps
    its books in this database); the session stays open with the reason as a message."""
    transaction.set_rollback(True)
    sku = exc.data.get("sku", "")
    path = next(
        (f"$.line_items[{i}]" for i, line in enumerate(session.line_items) if line["sku"] == sku),
        "$.line_items",
    )
    if exc.code == OrderErrorCode.OUT_OF_STOCK:
        message = error_message("out_of_stock", exc.message, path=path)
    else:
        message = error_message("discount_code_invalid", exc.message, path="$.discounts.codes")
    session.messages = [message]
    session.status = SessionStatus.INCOMPLETE


@transaction.atomic
def checkout_cancel(*, session: CheckoutSession) -> CheckoutSession:
    """Cancel an open session (its cart is abandoned); 409 once completed or canceled."""
    session = _locked(session)
    refuse_unless_open(session)
    session.order = orders.cart_abandon(order=session.order)
    session.status = SessionStatus.CANCELED
    session.canceled_at = timezone.now()
    session.messages = []
    session.save()
    return session
