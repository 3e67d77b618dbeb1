"""Stripe's webhook events, booked into the payment ledger.

Events arrive more than once and in any order. Each is handled once per store
(``StripeEvent``, in the same transaction as its effect), and every effect only moves
forward: a payment is placed once (the ledger is idempotent on our reference), a pending
refund is settled with the refund's state read from Stripe at that moment (so an older event
cannot bring back an older state), a payment failure is booked only while the order is still
a draft, and a dispute's state is replaced only by an event created later than the one that
set it.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from merchant.models import Store
from orders import services as orders
from orders.models import PaymentKind, PaymentState, PaymentTransaction
from orders.services import PaymentResult

from ..gateway import NAME
from ..models import StripeDispute, StripeEvent, StripePayment, StripePaymentStatus
from ..money import from_minor
from .paying import card_payment_finish

STRIPE = "stripe"
PAYMENT_AUTHORIZED = {"payment_intent.succeeded", "payment_intent.amount_capturable_updated"}
PAYMENT_FAILED = {"payment_intent.payment_failed"}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
DISPUTE_EVENTS = {
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
}


def stripe_event_handle(*, store: Store, event: dict[str, Any]) -> str:
    """Handle one verified event; returns what was done ("duplicate" when seen before)."""
    obj = event.get("data", {}).get("object", {}) or {}
    created = datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
    try:
        with transaction.atomic():
            seen = StripeEvent.objects.create(
                store=store,
                event_id=str(event["id"]),
                type=str(event.get("type", ""))[:100],
                object_id=str(obj.get("id", ""))[:255],
                created=created,
            )
            outcome = _dispatch(store, str(event.get("type", "")), obj, created, seen)
            seen.outcome = outcome[:60]
            seen.save(update_fields=["outcome"])
            return outcome
    except IntegrityError:
        if StripeEvent.objects.filter(store=store, event_id=str(event["id"])).exists():
            return "duplicate"
        raise


def _dispatch(
    store: Store, kind: str, obj: dict[str, Any], created: datetime, seen: StripeEvent
) -> str:
    if kind in PAYMENT_AUTHORIZED:
        return _payment_authorized(store, obj)
    if kind in PAYMENT_FAILED:
        return _payment_failed(store, obj, seen)
    if kind in REFUND_EVENTS:
        return _refund_changed(store, obj)
    if kind in DISPUTE_EVENTS:
        return _dispute_changed(store, obj, created)
    return "ignored"


def _payment(store: Store, intent_id: str) -> StripePayment | None:
    if not intent_id:
        return None
    return StripePayment.objects.filter(store=store, payment_intent_id=intent_id).first()


def _payment_authorized(store: Store, obj: dict[str, Any]) -> str:
    payment = _payment(store, str(obj.get("id", "")))
    if payment is None:
        return "unknown payment"
    if payment.status != StripePaymentStatus.REQUIRES_ACTION:
        return "already booked"
    placed = card_payment_finish(payment=payment, actor_label=orders.SYSTEM)
    return "placed" if placed is not None and placed.created else "not placed"


def _payment_failed(store: Store, obj: dict[str, Any], seen: StripeEvent) -> str:
    """A failed attempt (e.g. 3-D Secure refused): booked as a decline while the order is
    a draft; the shopper may still try again on the finish page."""
    payment = _payment(store, str(obj.get("id", "")))
    if payment is None:
        return "unknown payment"
    if payment.status != StripePaymentStatus.REQUIRES_ACTION:
        return "already booked"  # declined at once (booked then), or placed since
    if not payment.order.can_place():
        return "order not a cart"
    error = obj.get("last_payment_error") or {}
    code = str(error.get("decline_code") or error.get("code") or "payment_failed")[:60]
    booked = orders.order_record_decline(
        order=payment.order,
        payment=PaymentResult(
            reference_id=f"{payment.reference_id[:13]}-{seen.event_id[-18:]}",
            external_id=payment.payment_intent_id,
            amount=payment.amount,
            declined=True,
            reason_code=code,
            gateway=NAME,
        ),
    )
    return "decline booked" if booked else "already booked"


def _refund_changed(store: Store, obj: dict[str, Any]) -> str:
    txn = PaymentTransaction.objects.filter(
        store=store, kind=PaymentKind.REFUND, gateway=NAME, external_id=str(obj.get("id", ""))
    ).first()
    if txn is None:
        return "unknown refund"
    if txn.state == PaymentState.SUCCEEDED and obj.get("status") in ("failed", "canceled"):
        # Stripe fails a refund after it succeeded when the card can no longer take it: the
        # ledger keeps the refund, and staff read on the timeline that the money came back.
        orders.order_add_note(
            order=txn.order,
            text=(
                f"Stripe reports that refund {txn.reference_id} ({txn.amount} {txn.currency}) "
                "failed after it had succeeded: the money did not reach the shopper."
            ),
            actor_label=STRIPE,
        )
        return "refund failed after success"
    if txn.state != PaymentState.PENDING:
        return "already settled"
    settled = orders.refund_settle(transaction_id=txn.pk)
    return f"refund {settled.state}"


def _dispute_changed(store: Store, obj: dict[str, Any], created: datetime) -> str:
    payment = _payment(store, str(obj.get("payment_intent") or ""))
    if payment is None:
        return "unknown payment"
    currency = str(obj.get("currency", payment.currency)).upper()
    amount: Decimal = from_minor(int(obj.get("amount") or 0), currency)
    status, reason = str(obj.get("status", ""))[:40], str(obj.get("reason", ""))[:60]
    dispute = StripeDispute.objects.select_for_update().filter(dispute_id=str(obj["id"])).first()
    if dispute is not None:
        if dispute.store_id != store.pk:
            return "another store's dispute"
        if created < dispute.event_created or dispute.status == status:
            return "older or same state"
        dispute.status, dispute.reason, dispute.event_created = status, reason, created
        dispute.save(update_fields=["status", "reason", "event_created", "updated_at"])
    else:
        dispute = StripeDispute.objects.create(
            store=store,
            order=payment.order,
            dispute_id=str(obj["id"]),
            amount=amount,
            currency=currency,
            reason=reason,
            status=status,
            event_created=created,
        )
    orders.order_add_note(
        order=payment.order,
        text=(
            f"Stripe dispute {dispute.dispute_id}: {status.replace('_', ' ')}"
            f" ({reason.replace('_', ' ') or 'no reason given'}), {amount} {currency}."
        ),
        actor_label=STRIPE,
    )
    return f"dispute {status}"
