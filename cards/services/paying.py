"""Paying a draft order with a saved card: a PaymentIntent confirmed at once, off session
when the shopper is not at the screen (voice), authorized only (``capture_method=manual``)
when the store captures on shipping. The order is placed through ``orders.order_place``
with gateway "stripe"; capture, void and refunds then go through ``cards.gateway``.

A bank that wants the shopper to authenticate (3-D Secure) leaves the order a draft: the
shopper gets an email with a link to the finish page, which confirms the payment with
Stripe.js; the page's return call or the webhook, whichever comes first, places the order
(``card_payment_finish``: once).

Our reference (``o<order id>-s<attempt>``) is the Idempotency-Key of the PaymentIntent: an
attempt that never heard back from Stripe is repeated with the same key.
"""

from datetime import datetime

import stripe
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from stripe.params import PaymentIntentCreateParams

from merchant.models import PaymentMode
from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order
from orders.services import PaymentResult, PlaceResult

from .. import effects
from ..config import stripe_client, stripe_config
from ..errors import CardDeclined, CardNeedsAuthentication, CardNotFound, StripeUnavailable
from ..gateway import AUTHORIZATION_LIFETIME, NAME
from ..models import SavedCard, StripeCustomer, StripePayment, StripePaymentStatus
from ..money import to_minor

FINISH_SALT = "cards.finish_payment"
FINISH_MAX_AGE = 7 * 24 * 3600
AUTHORIZED_STATUSES = ("requires_capture", "succeeded")
S = StripePaymentStatus


def finish_token(payment: StripePayment) -> str:
    return signing.dumps(payment.pk, salt=FINISH_SALT)


def payment_for_token(*, store_slug: str, token: str) -> StripePayment | None:
    """The payment a finish link names, in that store; None when forged or too old."""
    try:
        pk = signing.loads(token, salt=FINISH_SALT, max_age=FINISH_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        StripePayment.objects.select_related("order", "store")
        .filter(pk=pk, store__slug=store_slug)
        .first()
    )


def finish_path(payment: StripePayment) -> str:
    return reverse(
        "cards:finish_payment",
        kwargs={"store_slug": payment.store.slug, "token": finish_token(payment)},
    )


def finish_url(payment: StripePayment) -> str:
    return settings.CARDS_PUBLIC_BASE_URL.rstrip("/") + finish_path(payment)


@transaction.atomic
def _attempt(*, order: Order, card: SavedCard) -> StripePayment:
    """Check the order and card and make the attempt (or pick up one that never heard back
    from Stripe, to repeat it with the same key)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if card.customer_id != order.customer_id or card.store_id != order.store_id:
        raise CardNotFound("No such card.", code="not_found")
    if not order.can_place():
        raise OrderError(OrderErrorCode.NOT_A_CART, f"Order {order.number} is {order.status}.")
    if order.total <= 0:
        raise OrderError(OrderErrorCode.BAD_AMOUNT, "There is nothing to pay.")
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        raise OrderError(
            OrderErrorCode.NO_PAYMENT_EXPECTED, "Pay-on-delivery orders are paid on delivery."
        )
    config = stripe_config(order.store)
    unanswered = StripePayment.objects.filter(
        order=order,
        status=S.CREATING,
        payment_method_id=card.stripe_payment_method_id,
        amount=order.total,
        capture_at_once=config.capture_at_once,
    ).first()
    if unanswered is not None:
        return unanswered
    attempt = StripePayment.objects.filter(order=order).count() + 1
    return StripePayment.objects.create(
        store=order.store,
        order=order,
        card=card,
        payment_method_id=card.stripe_payment_method_id,
        reference_id=f"o{order.pk}-s{attempt}"[:32],
        amount=order.total,
        currency=order.currency,
        capture_at_once=config.capture_at_once,
    )


def order_pay_with_card(
    *, order: Order, card: SavedCard, off_session: bool, actor_label: str = orders.SHOPPER
) -> PlaceResult:
    """Charge the draft order on the card and place it. Raises ``CardDeclined`` (nothing
    placed) or ``CardNeedsAuthentication`` (nothing placed yet; the link is emailed)."""
    payment = _attempt(order=order, card=card)
    config = stripe_config(order.store)
    client = stripe_client(config)
    stripe_customer = StripeCustomer.objects.get(customer_id=card.customer_id)
    params: PaymentIntentCreateParams = {
        "amount": to_minor(payment.amount, payment.currency),
        "currency": payment.currency.lower(),
        "customer": stripe_customer.stripe_id,
        "payment_method": payment.payment_method_id,
        "capture_method": "automatic" if payment.capture_at_once else "manual",
        "confirm": True,
        "metadata": {
            "reference_id": payment.reference_id,
            "order": order.number,
            "store": order.store.slug,
        },
    }
    if off_session:
        params["off_session"] = True
    if not config.is_localstripe:
        # Stripe enables automatic payment methods by default, and confirming then needs a
        # return_url unless redirects are ruled out; a saved card never redirects.
        # localstripe knows neither parameter and refuses unknown ones.
        params["automatic_payment_methods"] = {"enabled": True, "allow_redirects": "never"}
    try:
        intent = client.v1.payment_intents.create(params, {"idempotency_key": payment.reference_id})
    except stripe.CardError as exc:
        error = exc.error
        failed_intent = getattr(error, "payment_intent", None) if error else None
        intent_id = str(failed_intent.get("id", "")) if failed_intent else ""
        code = (error.code if error else "") or "card_declined"
        if code == "authentication_required" and intent_id:
            _needs_authentication(payment, intent_id)
        reason = (getattr(error, "decline_code", None) if error else None) or code
        _declined(payment, intent_id=intent_id, code=reason)
        raise CardDeclined(exc.user_message or "Your card was declined.", code=reason) from exc
    except stripe.StripeError as exc:
        # Unknown outcome: the attempt stays "creating" and is repeated with the same key.
        raise StripeUnavailable(
            "The card could not be charged just now. Please try again.", code="stripe_error"
        ) from exc
    if intent.status in AUTHORIZED_STATUSES:
        return _place(payment, intent.id, intent.status, actor_label=actor_label)
    if intent.status == "requires_action" or (
        intent.status == "requires_payment_method" and intent.next_action
    ):
        _needs_authentication(payment, intent.id)
    _declined(payment, intent_id=intent.id, code=intent.status)
    raise CardDeclined("Your card was declined.", code=intent.status)


def _needs_authentication(payment: StripePayment, intent_id: str) -> None:
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        payment.payment_intent_id = intent_id
        if payment.status == S.CREATING:
            payment.status = S.REQUIRES_ACTION
            effects.send_payment_link(stripe_payment_id=payment.pk)
        payment.save(update_fields=["payment_intent_id", "status", "updated_at"])
    raise CardNeedsAuthentication(finish_url(payment))


@transaction.atomic
def _declined(payment: StripePayment, *, intent_id: str, code: str) -> None:
    payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
    payment.status, payment.failure_code = S.FAILED, code[:60]
    if intent_id:
        payment.payment_intent_id = intent_id
    payment.save(update_fields=["status", "failure_code", "payment_intent_id", "updated_at"])
    orders.order_record_decline(
        order=payment.order,
        payment=PaymentResult(
            reference_id=payment.reference_id,
            external_id=intent_id,
            amount=payment.amount,
            declined=True,
            reason_code=code[:60],
            gateway=NAME,
        ),
    )


def _payment_result(payment: StripePayment, intent_id: str, status: str) -> PaymentResult:
    captured = status == "succeeded"
    expires_at: datetime | None = None if captured else timezone.now() + AUTHORIZATION_LIFETIME
    return PaymentResult(
        reference_id=payment.reference_id,
        external_id=intent_id,
        amount=payment.amount,
        captured=captured,
        capture_external_id=intent_id if captured else "",
        expires_at=expires_at,
        raw={"stripeId": intent_id, "status": status},
        gateway=NAME,
    )


def _place(payment: StripePayment, intent_id: str, status: str, *, actor_label: str):
    """Book the authorized PaymentIntent and place the order, once. A cart that can no
    longer be placed gets its money back."""
    result = _payment_result(payment, intent_id, status)
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment.payment_intent_id = intent_id
        payment.status = S.CAPTURED if result.captured else S.AUTHORIZED
        booked = order.transactions.filter(reference_id=payment.reference_id).exists()
        if not booked and order.can_place() and order.total != payment.amount:
            problem = OrderError(
                OrderErrorCode.NOT_A_CART, "The order changed while the payment was confirmed."
            )
        else:
            problem = None
            try:
                placed = orders.order_place(order=order, payment=result, actor_label=actor_label)
            except OrderError as exc:
                problem = exc
        if problem is None:
            payment.save(update_fields=["payment_intent_id", "status", "updated_at"])
            return placed
        if order.can_place():
            orders.order_release_unplaceable_payment(
                order=order, payment=result, reason=f"Not placed: {problem.message}"
            )
        payment.status = S.RELEASED
        payment.save(update_fields=["payment_intent_id", "status", "updated_at"])
    if not order.transactions.filter(reference_id=payment.reference_id).exists():
        _give_back(payment, intent_id, status)
    raise problem


def _give_back(payment: StripePayment, intent_id: str, status: str) -> None:
    """Money for an order that is no longer a cart (placed another way, or abandoned):
    released at Stripe without touching the ledger, which never saw it."""
    client = stripe_client(stripe_config(payment.store))
    key = f"{payment.reference_id}-x"
    if status == "succeeded":
        client.v1.refunds.create({"payment_intent": intent_id}, {"idempotency_key": key})
    else:
        client.v1.payment_intents.cancel(intent_id, {}, {"idempotency_key": key})


def card_payment_finish(*, payment: StripePayment, actor_label: str) -> PlaceResult | None:
    """The shopper authenticated (the finish page's return call) or Stripe says so (the
    webhook): place the order if the PaymentIntent is authorized. None while it is not."""
    payment.refresh_from_db()
    if payment.status in (S.AUTHORIZED, S.CAPTURED):
        return PlaceResult(order=Order.objects.get(pk=payment.order_id), created=False)
    if payment.status != S.REQUIRES_ACTION:
        return None
    client = stripe_client(stripe_config(payment.store))
    try:
        intent = client.v1.payment_intents.retrieve(payment.payment_intent_id)
    except stripe.StripeError as exc:
        raise StripeUnavailable("Stripe could not be reached.", code="stripe_error") from exc
    if intent.status in AUTHORIZED_STATUSES:
        return _place(payment, intent.id, intent.status, actor_label=actor_label)
    if intent.status == "canceled":
        with transaction.atomic():
            StripePayment.objects.filter(pk=payment.pk, status=S.REQUIRES_ACTION).update(
                status=S.FAILED, failure_code="canceled", updated_at=timezone.now()
            )
    return None
