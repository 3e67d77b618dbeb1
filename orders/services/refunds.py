"""Refunds (in full, by amount or by lines) and shoppers' refund requests.

Amazon Pay refunds start Pending and are settled later (``refund_settle``, polled by a
task); pay-on-delivery refunds (money handed back) complete at once.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from merchant.money import display, quantize

from .. import effects, events, signals
from ..errors import OrderError, OrderErrorCode
from ..events import SHOPPER
from ..gateways import MAX_REFUNDS_PER_CAPTURE, GatewayError, get_gateway
from ..models import (
    Customer,
    Order,
    OrderEventType,
    OrderLine,
    PaymentKind,
    PaymentState,
    PaymentTransaction,
    RefundRequest,
    RefundRequestStatus,
)
from ..selectors import order_capture_transaction
from ._locks import lock_lines, lock_order, save_fields
from .payments import gateway_for, gateway_refusal, payment_ref, sync_payment_status


def refund_limit_error(order: Order, *, nothing_left: bool = False) -> OrderError:
    """The refusal of a refund above what is left of ``order``, in words that
    name the chargeback when a card dispute took part of the payment back. ``nothing_left``:
    the order has nothing to refund at all (``cannot_refund``)."""
    refundable = str(order.refundable_amount())
    if order.charged_back_amount > 0:
        return OrderError(
            OrderErrorCode.CHARGED_BACK,
            f"At most {refundable} {order.currency} can be refunded; "
            f"{order.charged_back_amount} {order.currency} was charged back.",
            refundable=display(order.refundable_amount(), order.currency),
            charged_back=display(order.charged_back_amount, order.currency),
        )
    if nothing_left:
        return OrderError(
            OrderErrorCode.CANNOT_REFUND,
            f"Order {order.number} has nothing to refund.",
            refundable=refundable,
        )
    return OrderError(
        OrderErrorCode.AMOUNT_EXCEEDS_REFUNDABLE,
        f"At most {refundable} {order.currency} can be refunded.",
        refundable=refundable,
    )


def refund_amount_for_lines(
    order: Order, lines: list[OrderLine], quantities: dict[int, int]
) -> Decimal:
    """Money for refunding ``quantities`` ({line id: quantity}), tax included."""
    by_id = {line.pk: line for line in lines}
    amount = Decimal("0")
    for line_id, quantity in quantities.items():
        line = by_id.get(int(line_id))
        if line is None:
            raise OrderError(
                OrderErrorCode.UNKNOWN_LINE, "That line is not on this order.", line=line_id
            )
        quantity = int(quantity)
        if quantity < 0 or quantity > line.quantity - line.refunded_quantity:
            raise OrderError(
                OrderErrorCode.BAD_REFUND_QUANTITY,
                f"At most {line.quantity - line.refunded_quantity} of {line.name} can be refunded.",
                line=line.pk,
            )
        amount += line.unit_price * quantity
    store = order.store
    if not store.prices_include_tax:
        amount += amount * store.tax_rate
    return quantize(amount, order.currency)


def issue_refund(
    order: Order,
    lines: list[OrderLine],
    *,
    amount: Decimal,
    quantities: dict[int, int],
    reason: str,
    actor: User | None,
    actor_label: str,
    reference_id: str = "",
) -> PaymentTransaction:
    """Refund ``amount`` of the capture at the gateway and book it (order and lines locked)."""
    capture = order_capture_transaction(order)
    if capture is None:
        raise OrderError(
            OrderErrorCode.NOTHING_CAPTURED, "Nothing was captured, so nothing can be refunded."
        )
    amount = quantize(amount, order.currency)
    if amount <= 0:
        raise OrderError(OrderErrorCode.BAD_AMOUNT, "Refund a positive amount.")
    if amount > order.refundable_amount():
        raise refund_limit_error(order)
    count = PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND).count()
    if capture.kind == PaymentKind.CAPTURE and count >= MAX_REFUNDS_PER_CAPTURE:
        raise OrderError(
            OrderErrorCode.TOO_MANY_REFUNDS, "Amazon Pay allows at most 10 refunds per capture."
        )
    reference_id = reference_id or f"o{order.pk}-r{count + 1}"
    quantities = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    gateway = gateway_for(order)
    try:
        result = gateway.refund(
            capture=payment_ref(capture),
            reference_id=reference_id,
            amount=amount,
            note=reason[:255],
        )
    except GatewayError as exc:
        raise gateway_refusal(exc) from exc
    completed = result.state == "Completed"
    txn = PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.REFUND,
        state=PaymentState.SUCCEEDED if completed else PaymentState.PENDING,
        reference_id=reference_id,
        external_id=result.amazon_id,
        parent=capture,
        amount=amount,
        currency=order.currency,
        reason=reason[:255],
        gateway=gateway.name,
        raw={"lines": {str(k): v for k, v in quantities.items()}, **result.raw},
    )
    for line in lines:
        if quantities.get(line.pk):
            line.refunded_quantity += quantities[line.pk]
            line.save(update_fields=["refunded_quantity"])
    data: dict[str, object] = {
        "amount": str(amount),
        "reason": reason,
        "reference_id": reference_id,
    }
    if quantities:
        data["lines"] = {str(k): v for k, v in quantities.items()}
    if completed:
        order.refunded_amount += amount
        events.refund_completed(order, actor=actor, actor_label=actor_label, **data)
        effects.send_order_email(order_id=order.pk, kind="refund_completed", key=reference_id)
    else:
        order.refund_pending_amount += amount
        events.refund_pending(order, actor=actor, actor_label=actor_label, **data)
        effects.settle_refund(transaction_id=txn.pk)
    sync_payment_status(order)
    save_fields(order, "refunded_amount", "refund_pending_amount", "payment_status")
    if completed:
        events.webhook_ledger_row(order, txn)
    return txn


@transaction.atomic
def order_refund(
    *,
    order: Order,
    amount: Decimal | None = None,
    lines: Mapping[int, int] | Mapping[str, int] | None = None,
    reason: str = "",
    actor: User | None = None,
    actor_label: str = "",
    reference_id: str = "",
) -> PaymentTransaction:
    """Refund in full (no amount, no lines), a partial amount, or lines and quantities.

    ``reference_id`` (<= 32 chars, e.g. the form's idempotency key) makes a repeated submit a
    no-op that returns the first refund. Amazon refunds start Pending; ``refund_settle``
    completes them. Returns the refund's ledger row.
    """
    order = lock_order(order)
    if reference_id:
        seen = PaymentTransaction.objects.filter(reference_id=reference_id).first()
        if seen is not None:
            if seen.order_id != order.pk or seen.kind != PaymentKind.REFUND:
                raise OrderError(
                    OrderErrorCode.REFERENCE_CONFLICT, "That reference belongs to another payment."
                )
            return seen
    if not order.can_refund():
        raise refund_limit_error(order, nothing_left=True)
    locked_lines = lock_lines(order)
    quantities = {int(k): int(v) for k, v in (lines or {}).items() if int(v)}
    if quantities:
        line_amount = refund_amount_for_lines(order, locked_lines, quantities)
        amount = line_amount if amount is None else amount
    elif amount is None:
        amount = order.refundable_amount()
        quantities = {line.pk: line.quantity - line.refunded_quantity for line in locked_lines}
    if not (reason or "").strip():
        raise OrderError(OrderErrorCode.REASON_REQUIRED, "Give a reason for the refund.")
    txn = issue_refund(
        order,
        locked_lines,
        amount=Decimal(amount),
        quantities=quantities,
        reason=reason.strip(),
        actor=actor,
        actor_label=actor_label,
        reference_id=reference_id,
    )
    _refund_announce(order, txn)
    return txn


def _refund_announce(order: Order, txn: PaymentTransaction) -> None:
    """Tell the apps above orders (a shopping agent's order webhook) how the refund stands."""
    status = {
        PaymentState.SUCCEEDED: OrderEventType.REFUND_COMPLETED,
        PaymentState.PENDING: OrderEventType.REFUND_PENDING,
    }.get(PaymentState(txn.state), OrderEventType.REFUND_DECLINED)
    signals.order_status_changed.send(sender=Order, order=order, status=status)


@transaction.atomic
def refund_settle(*, transaction_id: int) -> PaymentTransaction:
    """Ask the gateway how a pending refund ended and book it. Safe to run any number of
    times: a settled refund is left alone; a still-pending one stays pending."""
    order_id = PaymentTransaction.objects.values_list("order_id", flat=True).get(pk=transaction_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    lines = lock_lines(order)
    txn = PaymentTransaction.objects.select_for_update().get(pk=transaction_id)
    if txn.kind != PaymentKind.REFUND or txn.state != PaymentState.PENDING:
        return txn
    try:
        result = get_gateway(txn.gateway).refund_details(refund=payment_ref(txn))
    except GatewayError as exc:
        raise gateway_refusal(exc) from exc
    if result.state == "Pending":
        return txn
    order.refund_pending_amount -= txn.amount
    if result.state == "Completed":
        txn.state = PaymentState.SUCCEEDED
        order.refunded_amount += txn.amount
        events.refund_completed(order, amount=str(txn.amount), reference_id=txn.reference_id)
        effects.send_order_email(order_id=order.pk, kind="refund_completed", key=txn.reference_id)
    else:
        txn.state = PaymentState.DECLINED
        txn.reason_code = result.reason_code or "Declined"
        # The goods were not refunded after all: give the quantities back.
        quantities = {int(k): v for k, v in txn.raw.get("lines", {}).items()}
        for line in lines:
            if quantities.get(line.pk):
                line.refunded_quantity = max(0, line.refunded_quantity - quantities[line.pk])
                line.save(update_fields=["refunded_quantity"])
        events.refund_declined(
            order,
            reason_code=txn.reason_code,
            amount=str(txn.amount),
            reference_id=txn.reference_id,
        )
    txn.save(update_fields=["state", "reason_code", "updated_at"])
    sync_payment_status(order)
    save_fields(order, "refunded_amount", "refund_pending_amount", "payment_status")
    if txn.state == PaymentState.SUCCEEDED:
        events.webhook_ledger_row(order, txn)
    _refund_announce(order, txn)
    return txn


# Refund requests from shoppers ---------------------------------------------------------------


@transaction.atomic
def refund_request_create(
    *, customer: Customer, order: Order | None, channel: str = "voice"
) -> RefundRequest:
    request = RefundRequest.objects.create(
        store_id=customer.store_id, customer=customer, order=order, channel=channel
    )
    if order is not None:
        events.refund_requested(order, channel=channel, actor_label=SHOPPER)
    events.webhook_refund_request_created(request)
    return request


@transaction.atomic
def refund_request_resolve(
    *,
    refund_request: RefundRequest,
    resolution: str,
    actor: User | None = None,
    actor_label: str = "",
) -> RefundRequest:
    resolution = (resolution or "").strip()
    if not resolution:
        raise OrderError(OrderErrorCode.RESOLUTION_REQUIRED, "Say how the request was resolved.")
    if refund_request.order_id:
        order = Order.objects.select_for_update().get(pk=refund_request.order_id)
    request = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
    if request.status != RefundRequestStatus.OPEN:
        raise OrderError(OrderErrorCode.ALREADY_RESOLVED, "This request was already resolved.")
    request.status = RefundRequestStatus.RESOLVED
    request.resolution = resolution
    request.resolved_by = actor
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    if request.order_id:
        events.refund_request_resolved(
            order,
            request_id=request.pk,
            resolution=resolution,
            actor=actor,
            actor_label=actor_label,
        )
    return request
