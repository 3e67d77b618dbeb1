"""Chargebacks: money the shopper's bank took back from the store in a card dispute, and the
reversal when the store won the dispute and the money came back.

Each is booked once per dispute, by reference (``dispute:<id>:withdrawn`` and
``dispute:<id>:reinstated``, unique in the ledger), so a repeated report is a no-op. A
reversal needs its chargeback: a gateway that learns of both at once books the chargeback
first. The order's ``charged_back_amount`` moves with each row; what was charged back is no
longer refundable (``Order.refundable_amount``). Each booking also tells the merchant's
systems, through the webhooks outbox in the same transaction (``chargeback.created``,
``chargeback.reversed``); a repeated report books nothing and emits nothing.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from merchant.money import quantize

from .. import events
from ..errors import OrderError, OrderErrorCode
from ..models import Order, PaymentKind, PaymentState, PaymentTransaction
from ..selectors import order_capture_transaction, order_chargeback_transaction
from ._locks import lock_order, save_fields
from .payments import sync_payment_status

WITHDRAWN = "withdrawn"
REINSTATED = "reinstated"


def chargeback_reference(dispute_id: str, step: str) -> str:
    """Our reference of a dispute's withdrawal or reinstatement (unique in the ledger)."""
    return f"dispute:{dispute_id}:{step}"


@transaction.atomic
def order_book_chargeback(
    *,
    order: Order,
    dispute_id: str,
    amount: Decimal,
    reason: str = "",
    gateway: str,
    raw: dict[str, Any] | None = None,
    actor_label: str = "",
) -> PaymentTransaction | None:
    """Book the dispute's funds withdrawn: ``amount`` of the payment went back to the
    shopper's bank. Returns None when this dispute's chargeback was already booked."""
    order = lock_order(order)
    reference_id = chargeback_reference(dispute_id, WITHDRAWN)
    if PaymentTransaction.objects.filter(reference_id=reference_id).exists():
        return None
    capture = order_capture_transaction(order)
    if capture is None:
        raise OrderError(
            OrderErrorCode.NOTHING_CAPTURED, "Nothing was captured, so nothing can be charged back."
        )
    amount = quantize(amount, order.currency)
    if amount <= 0 or amount > order.captured_amount - order.charged_back_amount:
        raise OrderError(
            OrderErrorCode.BAD_AMOUNT,
            f"A chargeback of {amount} {order.currency} does not fit the payment of order "
            f"{order.number}.",
        )
    txn = PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.CHARGEBACK,
        state=PaymentState.SUCCEEDED,
        reference_id=reference_id,
        external_id=dispute_id,
        parent=capture,
        amount=amount,
        currency=order.currency,
        reason=reason.replace("_", " ")[:255],
        gateway=gateway,
        raw=raw or {},
    )
    order.charged_back_amount += amount
    sync_payment_status(order)
    save_fields(order, "charged_back_amount", "payment_status")
    events.chargeback(
        order,
        actor_label=actor_label,
        amount=str(amount),
        reason=txn.reason,
        dispute=dispute_id,
        reference_id=reference_id,
    )
    events.webhook_ledger_row(order, txn)
    return txn


@transaction.atomic
def order_book_chargeback_reversal(
    *,
    order: Order,
    dispute_id: str,
    amount: Decimal | None = None,
    gateway: str,
    raw: dict[str, Any] | None = None,
    actor_label: str = "",
) -> PaymentTransaction | None:
    """Book the dispute's funds reinstated: the money of its chargeback came back (all of it,
    or ``amount`` of it). Returns None when this reversal was already booked."""
    order = lock_order(order)
    reference_id = chargeback_reference(dispute_id, REINSTATED)
    if PaymentTransaction.objects.filter(reference_id=reference_id).exists():
        return None
    withdrawn = order_chargeback_transaction(
        order=order, reference_id=chargeback_reference(dispute_id, WITHDRAWN)
    )
    if withdrawn is None:
        raise OrderError(
            OrderErrorCode.NOTHING_CHARGED_BACK,
            f"Dispute {dispute_id} has no chargeback on order {order.number}.",
        )
    amount = withdrawn.amount if amount is None else quantize(amount, order.currency)
    amount = min(amount, withdrawn.amount, order.charged_back_amount)
    txn = PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.CHARGEBACK_REVERSAL,
        state=PaymentState.SUCCEEDED,
        reference_id=reference_id,
        external_id=dispute_id,
        parent=withdrawn,
        amount=amount,
        currency=order.currency,
        gateway=gateway,
        raw=raw or {},
    )
    order.charged_back_amount -= amount
    sync_payment_status(order)
    save_fields(order, "charged_back_amount", "payment_status")
    events.chargeback_reversed(
        order,
        actor_label=actor_label,
        amount=str(amount),
        dispute=dispute_id,
        reference_id=reference_id,
    )
    events.webhook_ledger_row(order, txn)
    return txn
