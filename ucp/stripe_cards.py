"""The card payment handler over the store's Stripe account (``stripe_card``).

The platform tokenizes the buyer's card with the store's publishable key (the handler's
``config``) and sends the Stripe PaymentMethod id (``pm_...``) as the instrument's token
credential. The portal confirms a PaymentIntent for the draft order's total with it:
authorized only when the store captures on shipping, captured at once otherwise, exactly
like the shop's card orders. The ledger row carries the gateway "stripe", so capture on
shipping, void on cancel and refunds go through ``cards.gateway`` as for web card orders.

A declined card is the spec's payment failure (402 ``payment_failed``). A bank that wants
the buyer to authenticate (3-D Secure) gets the intent canceled and the checkout escalated
to the buyer (overview.md, Payment Architecture, "Challenge Required"): nothing is placed.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import stripe
from django.utils import timezone

from cards.config import stripe_client, stripe_config
from cards.errors import StripeNotConfigured
from cards.gateway import AUTHORIZATION_LIFETIME, NAME
from cards.money import to_minor
from merchant.models import PaymentMode, Store
from orders import services as orders
from orders.models import Order

from .protocol import VERSION, UcpError

STRIPE_HANDLER_ID = "stripe_card"
STRIPE_HANDLER_NAMESPACE = "com.stripe.card"
STRIPE_HANDLER_SPEC = "https://docs.stripe.com/payments/payment-methods"
AUTHORIZED = ("requires_capture", "succeeded")


@dataclass
class NeedsBuyer(Exception):
    """The bank wants the buyer to authenticate: the checkout is escalated, nothing placed."""

    content: str


def takes_cards(store: Store) -> bool:
    config = stripe_config(store)
    return bool(config.secret_key and config.publishable_key)


def handler_entry(store: Store) -> dict[str, Any]:
    return {
        "id": STRIPE_HANDLER_ID,
        "version": VERSION,
        "spec": STRIPE_HANDLER_SPEC,
        "available_instruments": [{"type": "card"}],
        "config": {
            "publishable_key": stripe_config(store).publishable_key,
            "credential": "token",
            "token_type": "stripe_payment_method",
        },
    }


def _declined(content: str) -> UcpError:
    return UcpError(402, "payment_failed", content, severity="recoverable")


def _reference(order: Order, token: str) -> str:
    """Our reference and the PaymentIntent's Idempotency-Key (<= 32 characters): the same
    token for the same order repeats the same attempt."""
    digest = hashlib.sha256(f"{order.pk}:{token}".encode()).hexdigest()[:10]
    return f"ucp{order.pk}-{digest}"[:32]


def charge(*, order: Order, token: str) -> orders.PaymentResult | None:
    """Confirm a PaymentIntent for the order's total with the PaymentMethod ``token``.
    ``UcpError`` 402 when declined, ``NeedsBuyer`` when the bank wants 3-D Secure; None for
    stores paid on delivery (nothing to charge)."""
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        return None
    if not token.startswith("pm_"):
        raise _declined("The payment token is not a Stripe payment method.")
    config = stripe_config(order.store)
    try:
        client = stripe_client(config)
    except StripeNotConfigured as exc:
        raise _declined(exc.message) from exc
    reference_id = _reference(order, token)
    params: dict[str, Any] = {
        "amount": to_minor(order.total, order.currency),
        "currency": order.currency.lower(),
        "payment_method": token,
        "capture_method": "automatic" if config.capture_at_once else "manual",
        "confirm": True,
        "metadata": {
            "reference_id": reference_id,
            "order": order.number,
            "store": order.store.slug,
        },
    }
    if not config.is_localstripe:
        # A token never redirects; localstripe knows neither parameter.
        params["automatic_payment_methods"] = {"enabled": True, "allow_redirects": "never"}
    try:
        intent = client.v1.payment_intents.create(
            params,  # type: ignore[arg-type]
            {"idempotency_key": reference_id},
        )
    except stripe.CardError as exc:
        error = exc.error
        code = (error.code if error else "") or "card_declined"
        if code == "authentication_required":
            failed = getattr(error, "payment_intent", None) if error else None
            if failed and failed.get("id"):
                release(order=order, payment_intent_id=str(failed["id"]), captured=False)
            raise NeedsBuyer("Your bank wants you to confirm this payment.") from exc
        raise _declined(exc.user_message or "The card was declined.") from exc
    except stripe.StripeError as exc:
        raise _declined("The card could not be charged just now.") from exc
    if intent.status in AUTHORIZED:
        captured = intent.status == "succeeded"
        expires_at: datetime | None = None
        if not captured:
            expires_at = timezone.now() + AUTHORIZATION_LIFETIME
        return orders.PaymentResult(
            reference_id=reference_id,
            external_id=intent.id,
            amount=order.total,
            captured=captured,
            capture_external_id=intent.id if captured else "",
            expires_at=expires_at,
            raw={"stripeId": intent.id, "status": intent.status, "handler": STRIPE_HANDLER_ID},
            gateway=NAME,
        )
    release(order=order, payment_intent_id=intent.id, captured=False)
    if intent.status == "requires_action":
        raise NeedsBuyer("Your bank wants you to confirm this payment.")
    raise _declined("The card was declined.")


def release(*, order: Order, payment_intent_id: str, captured: bool) -> None:
    """Give the money of an order that was not placed back at Stripe (the ledger never saw
    it): a refund when captured, a cancel otherwise."""
    client = stripe_client(stripe_config(order.store))
    key = f"{payment_intent_id}-x"
    if captured:
        client.v1.refunds.create({"payment_intent": payment_intent_id}, {"idempotency_key": key})
    else:
        client.v1.payment_intents.cancel(payment_intent_id, {}, {"idempotency_key": key})
