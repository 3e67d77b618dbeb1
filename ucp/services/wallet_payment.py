"""Completing a checkout with a saved card of the linked shopper (the partner wallet): the
card is charged off session by ``cards.services.order_pay_with_card``, which places the
order with the gateway "stripe" (so capture, void and refunds work as for web card orders).
"""

from typing import Any

from cards import services as cards
from cards.errors import CardDeclined, CardNeedsAuthentication, CardNotFound
from cards.models import SavedCard, StripePaymentStatus
from cards.selectors import order_card_payments
from orders.models import Order, OrderStatus
from shoppers.models import ShopperAccount

from ..models import CheckoutSession
from ..protocol import UcpError
from ..stripe_cards import NeedsBuyer
from ..wallet import card_instrument, identity_required, owns_order, saved_card

PAID = (StripePaymentStatus.AUTHORIZED, StripePaymentStatus.CAPTURED)
UNAVAILABLE = "This card is not available for this checkout."


def wallet_place(
    *,
    session: CheckoutSession,
    instrument: dict[str, Any],
    shopper: ShopperAccount | None,
    path: str,
) -> tuple[Order, dict[str, Any]]:
    """Charge the saved card the instrument names and place the order; the order and the
    instrument as the checkout shows it. ``UcpError`` 401 without a linked shopper, 402 when
    the card is not the shopper's (or the session not theirs) or is declined; ``NeedsBuyer``
    when the bank wants 3-D Secure (nothing placed; the shopper is emailed the finish link);
    ``OrderError`` when the order can no longer be placed."""
    if shopper is None:
        raise identity_required(session.base_url, invalid=False)
    card = saved_card(shopper, instrument["id"])
    if card is None or not owns_order(shopper, session.order.customer_id):
        raise UcpError(402, "payment_failed", UNAVAILABLE, path=f"{path}.id")
    if session.order.status != OrderStatus.DRAFT and _paid_with(session.order, card):
        # The buyer confirmed the payment with their bank (the escalation's link): the cards
        # app placed the order; the platform's retry completes the checkout.
        return session.order, card_instrument(card)
    try:
        placed = cards.order_pay_with_card(
            order=session.order,
            card=card,
            off_session=True,
            actor_label=f"Agent {session.platform_name}",
        ).order
    except CardNeedsAuthentication as exc:
        raise NeedsBuyer("Your bank wants you to confirm this payment.") from exc
    except CardNotFound as exc:
        raise UcpError(402, "payment_failed", UNAVAILABLE, path=f"{path}.id") from exc
    except CardDeclined as exc:
        raise UcpError(402, "payment_failed", exc.message) from exc
    return placed, card_instrument(card)


def _paid_with(order: Order, card: SavedCard) -> bool:
    return any(
        payment.card_id == card.pk and payment.status in PAID
        for payment in order_card_payments(order.pk, order.store_id)
    )
