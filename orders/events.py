"""Typed writers of the audit trail: one function per ``OrderEventType`` and
``RefillPlanEventType``, each with the data that event carries.

Events are append-only and written in the same transaction as the change they record
(the services call these under their row locks). ``actor`` is the staff user; without one
``actor_label`` says who acted (``SHOPPER`` or ``SYSTEM``, the default).
"""

from decimal import Decimal

from webhooks.models import WebhookEventType
from webhooks.services import webhook_event_emit

from . import serializers
from .models import (
    Customer,
    CustomerEvent,
    Order,
    OrderEvent,
    OrderEventType,
    PaymentKind,
    PaymentTransaction,
    RefillPlan,
    RefillPlanEvent,
    RefillPlanEventType,
    RefundRequest,
)

SHOPPER = "shopper"
SYSTEM = "system"


def _order_event(order: Order, type_, *, actor=None, actor_label="", **data) -> OrderEvent:
    return OrderEvent.objects.create(
        store_id=order.store_id,
        order=order,
        type=type_,
        actor=actor,
        actor_label=actor_label or ("" if actor else SYSTEM),
        data=data,
    )


def _plan_event(plan: RefillPlan, type_, *, actor=None, actor_label="", **data) -> RefillPlanEvent:
    return RefillPlanEvent.objects.create(
        store_id=plan.store_id,
        plan=plan,
        type=type_,
        actor=actor,
        actor_label=actor_label or ("" if actor else SYSTEM),
        data=data,
    )


# Orders: the cart and placing -----------------------------------------------------------------


def order_created(order: Order, *, source: str, actor_label: str = "") -> OrderEvent:
    return _order_event(order, OrderEventType.CREATED, actor_label=actor_label, source=source)


def order_placed(order: Order, *, total: Decimal, actor_label: str = "") -> OrderEvent:
    return _order_event(order, OrderEventType.PLACED, actor_label=actor_label, total=str(total))


def order_placed_by_refill(order: Order, *, plan_id: int, renewal_id: int) -> OrderEvent:
    return _order_event(order, OrderEventType.REFILL_RENEWAL, plan=plan_id, renewal=renewal_id)


# Orders: payments -------------------------------------------------------------------------------


def payment_authorized(order: Order, *, amount: Decimal, reference_id: str) -> OrderEvent:
    return _order_event(
        order, OrderEventType.PAYMENT_AUTHORIZED, amount=str(amount), reference_id=reference_id
    )


def payment_declined(order: Order, *, reason_code: str, actor_label: str = "") -> OrderEvent:
    return _order_event(
        order, OrderEventType.PAYMENT_DECLINED, actor_label=actor_label, reason_code=reason_code
    )


def payment_captured(
    order: Order, *, amount: Decimal, reference_id: str | None = None, actor=None, actor_label=""
) -> OrderEvent:
    """``reference_id`` is left out of the data for a capture made with the authorization."""
    data = {"amount": str(amount)}
    if reference_id is not None:
        data["reference_id"] = reference_id
    return _order_event(
        order, OrderEventType.PAYMENT_CAPTURED, actor=actor, actor_label=actor_label, **data
    )


def payment_capture_failed(order: Order, *, reason_code: str, actor=None, actor_label=""):
    return _order_event(
        order,
        OrderEventType.PAYMENT_CAPTURE_FAILED,
        actor=actor,
        actor_label=actor_label,
        reason_code=reason_code,
    )


def payment_voided(order: Order, *, amount: Decimal, reason: str, actor=None, actor_label=""):
    return _order_event(
        order,
        OrderEventType.PAYMENT_VOIDED,
        actor=actor,
        actor_label=actor_label,
        amount=str(amount),
        reason=reason,
    )


def payment_collected(order: Order, *, amount: Decimal, actor=None, actor_label="") -> OrderEvent:
    return _order_event(
        order,
        OrderEventType.PAYMENT_COLLECTED,
        actor=actor,
        actor_label=actor_label,
        amount=str(amount),
    )


def authorization_expiring(order: Order, *, expires_at: str, action: str) -> OrderEvent:
    return _order_event(
        order, OrderEventType.AUTHORIZATION_EXPIRING, expires_at=expires_at, action=action
    )


def chargeback(order: Order, *, actor_label: str = "", **chargeback) -> OrderEvent:
    """``chargeback``: amount, reason, dispute and reference_id."""
    return _order_event(order, OrderEventType.CHARGEBACK, actor_label=actor_label, **chargeback)


def chargeback_reversed(order: Order, *, actor_label: str = "", **reversal) -> OrderEvent:
    """``reversal``: amount, dispute and reference_id."""
    return _order_event(
        order, OrderEventType.CHARGEBACK_REVERSED, actor_label=actor_label, **reversal
    )


# Orders: fulfilment -------------------------------------------------------------------------------


def order_cancelled(order: Order, *, reason: str, restock: bool, actor=None, actor_label=""):
    return _order_event(
        order,
        OrderEventType.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
        restock=restock,
    )


def order_restocked(order: Order, *, items: dict, actor=None, actor_label="") -> OrderEvent:
    return _order_event(
        order, OrderEventType.RESTOCKED, actor=actor, actor_label=actor_label, items=items
    )


def order_shipped(
    order: Order, *, carrier: str, tracking_number: str, actor=None, actor_label=""
) -> OrderEvent:
    return _order_event(
        order,
        OrderEventType.SHIPPED,
        actor=actor,
        actor_label=actor_label,
        carrier=carrier,
        tracking_number=tracking_number,
    )


def order_delivered(order: Order, *, actor=None, actor_label="") -> OrderEvent:
    return _order_event(order, OrderEventType.DELIVERED, actor=actor, actor_label=actor_label)


def order_out_for_delivery(order: Order, *, actor=None, actor_label="") -> OrderEvent:
    return _order_event(
        order, OrderEventType.OUT_FOR_DELIVERY, actor=actor, actor_label=actor_label
    )


def alexa_notification_sent(order: Order, *, status: str, reference_id: str) -> OrderEvent:
    """An order notification reached Alexa (Proactive Events API)."""
    return _order_event(
        order, OrderEventType.ALEXA_NOTIFICATION_SENT, status=status, reference_id=reference_id
    )


def alexa_notification_failed(
    order: Order, *, status: str, reference_id: str, reason: str, attempts: int
) -> OrderEvent:
    """Alexa did not take an order notification and the portal gave up."""
    return _order_event(
        order,
        OrderEventType.ALEXA_NOTIFICATION_FAILED,
        status=status,
        reference_id=reference_id,
        reason=reason,
        attempts=attempts,
    )


def note_added(order: Order, *, text: str, actor=None, actor_label="") -> OrderEvent:
    return _order_event(order, OrderEventType.NOTE, actor=actor, actor_label=actor_label, text=text)


def email_sent(order: Order, *, kind: str, to: str, key: str = "") -> OrderEvent:
    return _order_event(
        order,
        OrderEventType.EMAIL_SENT,
        actor_label=SYSTEM,
        kind=kind,
        to=to,
        **({"key": key} if key else {}),
    )


# Orders: refunds and refund requests --------------------------------------------------------------


def refund_pending(order: Order, *, actor=None, actor_label="", **refund) -> OrderEvent:
    """``refund``: amount, reason, reference_id and, for a refund by lines, lines."""
    return _order_event(
        order, OrderEventType.REFUND_PENDING, actor=actor, actor_label=actor_label, **refund
    )


def refund_completed(order: Order, *, actor=None, actor_label="", **refund) -> OrderEvent:
    """``refund``: amount and reference_id (plus reason and lines when booked at once)."""
    return _order_event(
        order, OrderEventType.REFUND_COMPLETED, actor=actor, actor_label=actor_label, **refund
    )


def refund_declined(order: Order, *, reason_code: str, amount: str, reference_id: str):
    return _order_event(
        order,
        OrderEventType.REFUND_DECLINED,
        reason_code=reason_code,
        amount=amount,
        reference_id=reference_id,
    )


def refund_requested(order: Order, *, channel: str, actor_label: str = "") -> OrderEvent:
    return _order_event(
        order, OrderEventType.REFUND_REQUESTED, actor_label=actor_label, channel=channel
    )


def refund_request_resolved(
    order: Order, *, request_id: int, resolution: str, actor=None, actor_label=""
) -> OrderEvent:
    return _order_event(
        order,
        OrderEventType.REFUND_REQUEST_RESOLVED,
        actor=actor,
        actor_label=actor_label,
        request=request_id,
        resolution=resolution,
    )


# Refill plans ----------------------------------------------------------------------------------


def plan_created(plan: RefillPlan, *, actor_label: str = "") -> RefillPlanEvent:
    return _plan_event(
        plan,
        RefillPlanEventType.CREATED,
        actor_label=actor_label,
        quantity=plan.quantity,
        interval_weeks=plan.interval_weeks,
    )


def plan_paused(plan: RefillPlan, *, actor=None, actor_label="") -> RefillPlanEvent:
    return _plan_event(plan, RefillPlanEventType.PAUSED, actor=actor, actor_label=actor_label)


def plan_resumed(plan: RefillPlan, *, actor=None, actor_label="") -> RefillPlanEvent:
    return _plan_event(plan, RefillPlanEventType.RESUMED, actor=actor, actor_label=actor_label)


def plan_skipped(plan: RefillPlan, *, actor=None, actor_label="") -> RefillPlanEvent:
    return _plan_event(
        plan,
        RefillPlanEventType.SKIPPED,
        actor=actor,
        actor_label=actor_label,
        next_run_at=plan.next_run_at.isoformat(),
    )


def plan_cancelled(plan: RefillPlan, *, actor=None, actor_label="") -> RefillPlanEvent:
    return _plan_event(plan, RefillPlanEventType.CANCELLED, actor=actor, actor_label=actor_label)


def plan_renewed(plan: RefillPlan, *, order: Order, period_start: str) -> RefillPlanEvent:
    return _plan_event(
        plan,
        RefillPlanEventType.RENEWED,
        order=order.number,
        period_start=period_start,
        amount=str(order.total),
    )


def plan_renewal_retrying(
    plan: RefillPlan, *, reason_code: str, attempts: int, next_attempt_at: str
) -> RefillPlanEvent:
    return _plan_event(
        plan,
        RefillPlanEventType.RENEWAL_RETRYING,
        reason_code=reason_code,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
    )


def plan_renewal_failed(plan: RefillPlan, *, reason_code: str, attempts: int) -> RefillPlanEvent:
    return _plan_event(
        plan, RefillPlanEventType.RENEWAL_FAILED, reason_code=reason_code, attempts=attempts
    )


# Customers ------------------------------------------------------------------------------------


def customer_event(
    customer: Customer, type_: str, *, source: str, actor=None, **data
) -> CustomerEvent:
    """One row of the customer's audit, written by the service that makes the change in its
    transaction. ``data`` names what changed, never the personal values themselves."""
    return CustomerEvent.objects.create(
        store_id=customer.store_id,
        customer=customer,
        type=type_,
        actor=actor,
        source=source,
        data=data,
    )


# Webhooks to the merchant's systems ----------------------------------------------------------
#
# Each writer hands one event to the webhooks outbox in the caller's transaction, so it is
# stored (or rolled back) with the change. Services call them once the new state is saved:
# ``data`` is built then, in the REST API's representation, and only when an endpoint of
# the store subscribes to the event.


def webhook_order(order: Order, type_: str):
    """``order.placed``, ``order.cancelled``, ``order.shipped``, ``order.delivered``."""
    return webhook_event_emit(
        store=order.store_id,
        type=type_,
        data=lambda: {"order": serializers.order_detail_data(order)},
    )


def webhook_ledger_row(order: Order, row: PaymentTransaction):
    """A money movement booked on the order: ``refund.completed`` (data key ``refund``),
    ``chargeback.created`` (``chargeback``), ``chargeback.reversed``
    (``chargeback_reversal``), each with the ledger row and the order after it."""
    type_, key = {
        PaymentKind.REFUND: (WebhookEventType.REFUND_COMPLETED, "refund"),
        PaymentKind.CHARGEBACK: (WebhookEventType.CHARGEBACK_CREATED, "chargeback"),
        PaymentKind.CHARGEBACK_REVERSAL: (
            WebhookEventType.CHARGEBACK_REVERSED,
            "chargeback_reversal",
        ),
    }[PaymentKind(row.kind)]
    return webhook_event_emit(
        store=order.store_id,
        type=type_,
        data=lambda: {
            key: serializers.transaction_data(row),
            "order": serializers.order_detail_data(order),
        },
    )


def webhook_refund_request_created(request: RefundRequest):
    return webhook_event_emit(
        store=request.store_id,
        type=WebhookEventType.REFUND_REQUEST_CREATED,
        data=lambda: {
            "refund_request": serializers.refund_request_data(request),
            "order": (
                serializers.order_detail_data(request.order) if request.order is not None else None
            ),
        },
    )


def webhook_refill_plan(plan: RefillPlan, type_: str, *, order: Order | None = None, **extra):
    """``refill_plan.renewed`` (with the renewal's order) and ``refill_plan.failed``."""
    return webhook_event_emit(
        store=plan.store_id,
        type=type_,
        data=lambda: {
            "refill_plan": serializers.refill_plan_data(plan),
            **({"order": serializers.order_detail_data(order)} if order is not None else {}),
            **extra,
        },
    )
