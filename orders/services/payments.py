"""The payment ledger: booking authorizations and declines, capture, void (release) and
pay-on-delivery collection.

The running totals on ``Order`` (authorized, captured, refunded) move only with a ledger row
(``PaymentTransaction``) and the payment status is derived from both
(``selectors.derive_payment_status``). Helpers without a ``@transaction.atomic`` of their own
expect the caller to hold the order's row lock.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from merchant.models import PaymentMode

from .. import events
from ..errors import OrderError, OrderErrorCode
from ..events import SHOPPER
from ..gateways import (
    AUTHORIZATION_LIFETIME,
    GatewayError,
    PaymentGateway,
    PaymentRef,
    get_gateway,
)
from ..models import Order, PaymentKind, PaymentState, PaymentStatus, PaymentTransaction
from ..selectors import derive_payment_status, order_authorization_transaction
from ._locks import lock_order, save_fields


@dataclass(frozen=True)
class PaymentResult:
    """What the payment provider reported for an order's authorization."""

    reference_id: str  # ours, e.g. authorizationReferenceId (<= 32 chars)
    external_id: str = ""  # theirs, e.g. amazonAuthorizationId
    amount: Decimal = Decimal("0")
    captured: bool = False  # AuthorizeAndCapture succeeded
    declined: bool = False
    reason_code: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    capture_external_id: str = ""
    expires_at: datetime | None = None
    gateway: str = ""  # the gateway that authorized it ("" = the default, Amazon Pay)


# Helpers for the services of this package -------------------------------------------------------


def gateway_for(order: Order) -> PaymentGateway:
    """The gateway the order's authorization went through (Amazon Pay or a card gateway);
    pay-on-delivery money moves by hand (the manual gateway)."""
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        return get_gateway("manual")
    auth = order_authorization_transaction(order)
    return get_gateway(auth.gateway if auth is not None else None)


def payment_ref(txn: PaymentTransaction) -> PaymentRef:
    return PaymentRef(
        reference_id=txn.reference_id,
        amount=txn.amount,
        currency=txn.currency,
        amazon_id=txn.external_id,
        expires_at=txn.expires_at,
    )


def gateway_refusal(exc: GatewayError) -> OrderError:
    return OrderError(OrderErrorCode.GATEWAY_ERROR, exc.message, gateway_code=exc.code)


def sync_payment_status(order: Order) -> None:
    order.payment_status = derive_payment_status(order)


def book_authorization(order: Order, payment: PaymentResult) -> None:
    """Book a successful authorization (and its capture, for Charge Now) on a locked order;
    the caller saves the order."""
    auth = PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.AUTHORIZATION,
        state=PaymentState.SUCCEEDED,
        reference_id=payment.reference_id,
        external_id=payment.external_id,
        amount=payment.amount,
        currency=order.currency,
        reason_code=payment.reason_code,
        raw=payment.raw,
        gateway=payment.gateway or settings.ORDERS_PAYMENT_GATEWAY,
        # Amazon authorizations last 30 days; the skill may not pass the expiry.
        expires_at=payment.expires_at or timezone.now() + AUTHORIZATION_LIFETIME,
    )
    order.authorized_amount = payment.amount
    order.payment_status = PaymentStatus.AUTHORIZED
    events.payment_authorized(order, amount=payment.amount, reference_id=payment.reference_id)
    if payment.captured:
        PaymentTransaction.objects.create(
            store_id=order.store_id,
            order=order,
            kind=PaymentKind.CAPTURE,
            state=PaymentState.SUCCEEDED,
            reference_id=f"{payment.reference_id[:30]}-c",
            external_id=payment.capture_external_id,
            parent=auth,
            amount=payment.amount,
            currency=order.currency,
            gateway=auth.gateway,
        )
        order.captured_amount = payment.amount
        order.payment_status = PaymentStatus.CAPTURED
        events.payment_captured(order, amount=payment.amount)


def void_authorization(
    order: Order, *, actor: User | None, actor_label: str, reason: str = ""
) -> PaymentTransaction:
    """Close the open authorization at the gateway and book the void (order locked)."""
    auth = order_authorization_transaction(order)
    assert auth is not None  # open: the callers checked can_void(), or just booked it
    reference_id = f"{auth.reference_id[:30]}-v"
    gateway = gateway_for(order)
    try:
        result = gateway.void(authorization=payment_ref(auth), reference_id=reference_id)
    except GatewayError as exc:
        raise gateway_refusal(exc) from exc
    txn = PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.VOID,
        state=PaymentState.SUCCEEDED,
        reference_id=reference_id,
        external_id=result.amazon_id,
        parent=auth,
        amount=auth.amount,
        currency=order.currency,
        reason=reason[:255],
        gateway=gateway.name,
    )
    sync_payment_status(order)
    events.payment_voided(
        order, amount=auth.amount, reason=reason, actor=actor, actor_label=actor_label
    )
    return txn


# Services ------------------------------------------------------------------------------------


@transaction.atomic
def order_record_decline(*, order: Order, payment: PaymentResult) -> bool:
    """Book a declined authorization on the cart; the cart stays open. Returns False when
    this decline was already booked."""
    order = lock_order(order)
    if PaymentTransaction.objects.filter(reference_id=payment.reference_id).exists():
        return False
    PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.AUTHORIZATION,
        state=PaymentState.DECLINED,
        reference_id=payment.reference_id,
        external_id=payment.external_id,
        amount=payment.amount,
        currency=order.currency,
        reason_code=payment.reason_code,
        raw=payment.raw,
        gateway=payment.gateway or settings.ORDERS_PAYMENT_GATEWAY,
    )
    events.payment_declined(order, reason_code=payment.reason_code, actor_label=SHOPPER)
    return True


def order_capture(*, order: Order, actor: User | None = None, actor_label: str = "") -> Order:
    """Capture the open authorization (Charge Later), before it expires.

    A refused capture is written to the timeline (committed) and then raised as
    ``capture_failed``.
    """
    failure = None
    with transaction.atomic():
        order = lock_order(order)
        if order.captured_amount > 0:
            raise OrderError(
                OrderErrorCode.ALREADY_CAPTURED, f"Order {order.number} is already captured."
            )
        if not order.can_capture():
            raise OrderError(
                OrderErrorCode.CANNOT_CAPTURE, f"Order {order.number} has no open authorization."
            )
        auth = order_authorization_transaction(order)
        assert auth is not None  # order.can_capture()
        reference_id = f"{auth.reference_id[:30]}-c"
        gateway = gateway_for(order)
        try:
            result = gateway.capture(
                authorization=payment_ref(auth), reference_id=reference_id, amount=auth.amount
            )
            if result.declined:
                failure = result.reason_code or "Declined"
        except GatewayError as exc:
            failure = exc.code
        if failure:
            events.payment_capture_failed(
                order, reason_code=failure, actor=actor, actor_label=actor_label
            )
        else:
            PaymentTransaction.objects.create(
                store_id=order.store_id,
                order=order,
                kind=PaymentKind.CAPTURE,
                state=PaymentState.SUCCEEDED,
                reference_id=reference_id,
                external_id=result.amazon_id,
                parent=auth,
                amount=result.amount,
                currency=order.currency,
                raw=result.raw,
                gateway=gateway.name,
            )
            order.captured_amount = result.amount
            sync_payment_status(order)
            save_fields(order, "captured_amount", "payment_status")
            events.payment_captured(
                order,
                amount=result.amount,
                reference_id=reference_id,
                actor=actor,
                actor_label=actor_label,
            )
    if failure:
        raise OrderError(
            OrderErrorCode.CAPTURE_FAILED, f"The capture was refused: {failure}.", reason=failure
        )
    return order


@transaction.atomic
def order_void(
    *, order: Order, actor: User | None = None, actor_label: str = "", reason: str = ""
) -> Order:
    """Release (close) the open authorization without cancelling the order."""
    order = lock_order(order)
    if not order.can_void():
        raise OrderError(
            OrderErrorCode.CANNOT_VOID, f"Order {order.number} has no open authorization."
        )
    void_authorization(order, actor=actor, actor_label=actor_label, reason=reason)
    save_fields(order, "payment_status")
    return order


@transaction.atomic
def order_mark_collected(
    *, order: Order, actor: User | None = None, actor_label: str = ""
) -> Order:
    """Pay on delivery: staff collected the order total."""
    order = lock_order(order)
    if not order.can_mark_collected():
        raise OrderError(
            OrderErrorCode.CANNOT_COLLECT, f"Order {order.number} has nothing to collect."
        )
    reference_id = f"o{order.pk}-cod"
    PaymentTransaction.objects.create(
        store_id=order.store_id,
        order=order,
        kind=PaymentKind.COLLECTION,
        state=PaymentState.SUCCEEDED,
        reference_id=reference_id,
        amount=order.total,
        currency=order.currency,
        gateway="manual",
    )
    order.captured_amount = order.total
    sync_payment_status(order)
    save_fields(order, "captured_amount", "payment_status")
    events.payment_collected(order, amount=order.total, actor=actor, actor_label=actor_label)
    return order
