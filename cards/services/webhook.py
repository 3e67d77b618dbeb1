"""Stripe's webhook events, booked into the payment ledger.

Events arrive more than once and in any order. Each is handled once per store
(``StripeEvent``, in the same transaction as its effect), and every effect only moves
forward: a payment is placed once (the ledger is idempotent on our reference), a pending
refund is settled with the refund's state read from Stripe at that moment (so an older event
cannot bring back an older state), a payment failure is booked only while the order is still
a draft, and a dispute's state is replaced only by an event created later than the one that
set it. A dispute's money is booked into the ledger as a chargeback (funds withdrawn) and
its reversal (funds reinstated), each once per dispute by its reference, whichever event
tells of it first: a reinstatement told before its withdrawal books both.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from merchant.models import Store
from orders import services as orders
from orders.errors import OrderError
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
FUNDS_WITHDRAWN = "charge.dispute.funds_withdrawn"
FUNDS_REINSTATED = "charge.dispute.funds_reinstated"
DISPUTE_EVENTS = {
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
    FUNDS_WITHDRAWN,
    FUNDS_REINSTATED,
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
        return _dispute_changed(store, kind, obj, created)
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


def _dispute_changed(store: Store, kind: str, obj: dict[str, Any], created: datetime) -> str:
    payment = _payment(store, str(obj.get("payment_intent") or ""))
    if payment is None:
        return "unknown payment"
    currency = str(obj.get("currency", payment.currency)).upper()
    amount: Decimal = from_minor(int(obj.get("amount") or 0), currency)
    status, reason = str(obj.get("status", ""))[:40], str(obj.get("reason", ""))[:60]
    dispute = StripeDispute.objects.select_for_update().filter(dispute_id=str(obj["id"])).first()
    if dispute is not None and dispute.store_id != store.pk:
        return "another store's dispute"
    if dispute is not None and (created < dispute.event_created or dispute.status == status):
        outcome = "older or same state"
    else:
        if dispute is not None:
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
        outcome = f"dispute {status}"
    try:
        booked = _dispute_money(dispute, kind, obj, statuses={status, dispute.status})
    except OrderError as exc:  # the ledger refused it (nothing captured): staff read why
        orders.order_add_note(
            order=payment.order,
            text=f"Stripe dispute {dispute.dispute_id}: not booked in the ledger: {exc.message}",
            actor_label=STRIPE,
        )
        booked = f"not booked ({exc.code})"
    return f"{outcome}, {booked}" if booked else outcome


def _dispute_money(
    dispute: StripeDispute, kind: str, obj: dict[str, Any], *, statuses: set[str]
) -> str:
    """Book what the dispute did to the money, as far as this event tells: funds withdrawn
    (the chargeback) and reinstated (its reversal), each once, whatever the order of the
    events. Stripe withdraws the disputed amount when a chargeback opens (most networks) or
    when it is lost, and reinstates it when the store wins; a reinstatement implies the
    withdrawal before it, and an inquiry (``warning_*``) moves no money. The dispute's
    ``balance_transactions`` (zero, one or two) show both moves."""
    moves = [bt for bt in obj.get("balance_transactions") or [] if isinstance(bt, dict)]
    withdrawals = [bt for bt in moves if int(bt.get("amount") or 0) < 0]
    reinstatements = [bt for bt in moves if int(bt.get("amount") or 0) > 0]
    reinstated = kind == FUNDS_REINSTATED or bool(reinstatements)
    withdrawn = (
        reinstated
        or kind == FUNDS_WITHDRAWN
        or bool(withdrawals)
        or "lost" in statuses
        or PaymentTransaction.objects.filter(
            reference_id=orders.chargeback_reference(dispute.dispute_id, "withdrawn")
        ).exists()
    )
    reinstated = reinstated or (withdrawn and "won" in statuses)
    done = []
    if withdrawn and orders.order_book_chargeback(
        order=dispute.order,
        dispute_id=dispute.dispute_id,
        amount=dispute.amount,
        reason=dispute.reason,
        gateway=NAME,
        raw={"balance_transactions": [bt.get("id", "") for bt in withdrawals]},
        actor_label=STRIPE,
    ):
        done.append("chargeback booked")
    if reinstated and orders.order_book_chargeback_reversal(
        order=dispute.order,
        dispute_id=dispute.dispute_id,
        amount=_reinstated_amount(reinstatements, dispute.currency),
        gateway=NAME,
        raw={"balance_transactions": [bt.get("id", "") for bt in reinstatements]},
        actor_label=STRIPE,
    ):
        done.append("chargeback reversed")
    return " and ".join(done)


def _reinstated_amount(reinstatements: list[dict[str, Any]], currency: str) -> Decimal | None:
    """What came back, read from Stripe's reinstatement when it is in the dispute's currency
    (part of it when the payment was partly refunded); None: all that was withdrawn."""
    same = [bt for bt in reinstatements if str(bt.get("currency", "")).upper() == currency]
    if not same:
        return None
    return from_minor(sum(int(bt["amount"]) for bt in same), currency)
