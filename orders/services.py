"""Every write to customers, orders and payments.

Each service is atomic, locks the rows it changes (in primary-key order), re-checks the
model's guards under the lock, writes an ``OrderEvent`` in the same transaction and raises
``OrderError`` with a stable code when it refuses. Side effects (emails, gateway calls that
can wait) run after commit.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import Product
from merchant.models import PaymentMode
from merchant.money import quantize

from .errors import OrderError
from .gateways import AUTHORIZATION_LIFETIME
from .models import (
    ZERO,
    Customer,
    Order,
    OrderEvent,
    OrderEventType,
    OrderLine,
    OrderSource,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentStatus,
    PaymentTransaction,
    RefillPlan,
    RefillPlanEvent,
    RefillPlanEventType,
    RefillPlanStatus,
    RefillRenewal,
    RefundRequest,
    RefundRequestStatus,
    RenewalState,
)
from .pricing import order_totals

SHOPPER = "shopper"
SYSTEM = "system"


def _event(order, type_, *, actor=None, actor_label="", **data) -> OrderEvent:
    return OrderEvent.objects.create(
        store_id=order.store_id,
        order=order,
        type=type_,
        actor=actor,
        actor_label=actor_label or ("" if actor else SYSTEM),
        data=data,
    )


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk, store_id=order.store_id)


# Customers -------------------------------------------------------------------------------


def customer_get_or_create(*, store, alexa_user_id: str, locale: str) -> Customer:
    customer = Customer.objects.filter(store=store, alexa_user_id=alexa_user_id).first()
    if customer:
        return customer
    try:
        with transaction.atomic():
            return Customer.objects.create(store=store, alexa_user_id=alexa_user_id, locale=locale)
    except IntegrityError:  # the same shopper's request raced us
        return Customer.objects.get(store=store, alexa_user_id=alexa_user_id)


def customer_set_payment_consent(*, customer: Customer, status: str) -> Customer:
    if customer.payment_consent != status:
        customer.payment_consent = status
        customer.save(update_fields=["payment_consent", "updated_at"])
    return customer


def customer_store_delivery_contact(
    *, customer: Customer, address: dict, email: str = ""
) -> Customer:
    """Keep the delivery address (and the email, when known) from the shopper's Alexa
    settings, for stores paid on delivery."""
    customer.shipping_address = address
    if email:
        customer.email = email
    customer.save(update_fields=["shipping_address", "email", "updated_at"])
    return customer


def customer_store_billing_agreement(
    *, customer: Customer, agreement_id: str, status: str, address: dict, email: str = ""
) -> Customer:
    """Keep the Amazon Pay billing agreement and the shipping address from a Setup result."""
    customer.billing_agreement_id = agreement_id
    customer.billing_agreement_status = status
    if address:
        customer.shipping_address = address
        customer.name = customer.name or address.get("name", "")
    if email:
        customer.email = email
    customer.save(
        update_fields=[
            "billing_agreement_id",
            "billing_agreement_status",
            "shipping_address",
            "name",
            "email",
            "updated_at",
        ]
    )
    return customer


# The cart: an order in DRAFT status ---------------------------------------------------------


@transaction.atomic
def cart_start(
    *, customer: Customer, locale: str, source: str = OrderSource.VOICE, is_test: bool = False
) -> Order:
    """Start a new cart; an earlier unfinished cart of the customer is abandoned."""
    store = customer.store
    for stale in Order.objects.select_for_update().filter(
        store=store, customer=customer, status=OrderStatus.DRAFT
    ):
        stale.status = OrderStatus.ABANDONED
        stale.save(update_fields=["status", "updated_at"])
    order = Order.objects.create(
        store=store,
        customer=customer,
        number=f"tmp-{timezone.now().timestamp()}-{customer.pk}",
        payment_mode=store.payment_mode,
        currency=store.currency,
        locale=locale,
        source=source,
        is_test=is_test,
    )
    order.number = str(100000 + order.pk)
    order.save(update_fields=["number"])
    _event(order, OrderEventType.CREATED, actor_label=SHOPPER, source=source)
    return order


@dataclass
class CartItem:
    product: Product
    quantity: int


@dataclass
class CartResult:
    order: Order
    unavailable: list[Product] = field(default_factory=list)


@transaction.atomic
def cart_set_items(*, order: Order, items: list[CartItem]) -> CartResult:
    """Replace the cart's lines with ``items`` at today's prices. Products that cannot be
    sold (inactive, out of stock, another store's) are left out and reported."""
    order = _locked(order)
    if not order.can_place():
        raise OrderError("not_a_cart", f"Order {order.number} is {order.status}.")
    unavailable = []
    kept = []
    for item in items:
        product = item.product
        if item.quantity < 1:
            raise OrderError("bad_quantity", "Quantities start at one.")
        if product.store_id != order.store_id or not product.is_sellable(item.quantity):
            unavailable.append(product)
            continue
        kept.append(item)
    OrderLine.objects.filter(order=order).delete()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                store_id=order.store_id,
                order=order,
                product=item.product,
                sku=item.product.sku,
                name=item.product.name,
                unit_price=item.product.price,
                quantity=item.quantity,
                line_total=item.product.price * item.quantity,
            )
            for item in kept
        ]
    )
    _apply_totals(order, [item.product.price * item.quantity for item in kept])
    return CartResult(order=order, unavailable=unavailable)


def _apply_totals(order: Order, line_totals: list[Decimal]) -> None:
    totals = order_totals(store=order.store, line_totals=line_totals)
    order.subtotal, order.tax = totals.subtotal, totals.tax
    order.shipping, order.total = totals.shipping, totals.total
    order.save(update_fields=["subtotal", "tax", "shipping", "total", "updated_at"])


@transaction.atomic
def cart_abandon(*, order: Order) -> Order:
    order = _locked(order)
    if order.status == OrderStatus.DRAFT:
        order.status = OrderStatus.ABANDONED
        order.save(update_fields=["status", "updated_at"])
    return order


# Placing an order ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentResult:
    """What the payment provider reported for an order's authorization."""

    reference_id: str  # ours, e.g. authorizationReferenceId (<= 32 chars)
    external_id: str = ""  # theirs, e.g. amazonAuthorizationId
    amount: Decimal = Decimal("0")
    captured: bool = False  # AuthorizeAndCapture succeeded
    declined: bool = False
    reason_code: str = ""
    raw: dict = field(default_factory=dict)
    capture_external_id: str = ""
    expires_at: object = None


@dataclass(frozen=True)
class PlaceResult:
    order: Order
    created: bool  # False: this payment was already booked (duplicate report)


@transaction.atomic
def order_place(*, order: Order, payment: PaymentResult | None, actor_label=SHOPPER) -> PlaceResult:
    """Place a cart: book the payment, take the stock, mark it placed, send the confirmation.

    Idempotent on ``payment.reference_id``: a repeated report returns the order it placed.
    Pay-on-delivery orders pass ``payment=None``.
    """
    order = _locked(order)
    if payment is not None:
        seen = PaymentTransaction.objects.filter(reference_id=payment.reference_id).first()
        if seen is not None:
            if seen.order_id != order.pk:
                raise OrderError("reference_conflict", "Payment reference used by another order.")
            return PlaceResult(order=order, created=False)
    if not order.can_place():
        raise OrderError("not_a_cart", f"Order {order.number} is {order.status}.")
    if payment is not None and payment.declined:
        raise OrderError("payment_declined", "A declined payment cannot place an order.")
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY and payment is not None:
        raise OrderError("no_payment_expected", "Pay-on-delivery orders are paid on delivery.")
    if order.payment_mode != PaymentMode.PAY_ON_DELIVERY and payment is None:
        raise OrderError("payment_required", "This store takes payment when ordering.")
    lines = list(order.lines.select_related(None).all())
    if not lines:
        raise OrderError("empty_cart", "The cart is empty.")

    products = {
        p.pk: p
        for p in Product.objects.select_for_update()
        .filter(pk__in=sorted({line.product_id for line in lines}), store_id=order.store_id)
        .order_by("pk")
    }
    for line in lines:
        product = products.get(line.product_id)
        if product is None or not product.is_sellable(line.quantity):
            raise OrderError("out_of_stock", f"{line.name} is no longer available.", sku=line.sku)
    for line in lines:
        product = products[line.product_id]
        if product.stock is not None:
            product.stock -= line.quantity
            product.save(update_fields=["stock", "updated_at"])

    now = timezone.now()
    order.status = OrderStatus.PLACED
    order.placed_at = now
    order.email = order.email or order.customer.email
    order.shipping_address = order.shipping_address or order.customer.shipping_address
    if payment is not None:
        _book_authorization(order, payment)
    order.save()
    _event(order, OrderEventType.PLACED, actor_label=actor_label, total=str(order.total))

    from .tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.delay(order.pk, "confirmation"))
    return PlaceResult(order=order, created=True)


def _book_authorization(order: Order, payment: PaymentResult) -> None:
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
        # Amazon authorizations last 30 days; the skill may not pass the expiry.
        expires_at=payment.expires_at or timezone.now() + AUTHORIZATION_LIFETIME,
    )
    order.authorized_amount = payment.amount
    order.payment_status = PaymentStatus.AUTHORIZED
    _event(
        order,
        OrderEventType.PAYMENT_AUTHORIZED,
        amount=str(payment.amount),
        reference_id=payment.reference_id,
    )
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
        )
        order.captured_amount = payment.amount
        order.payment_status = PaymentStatus.CAPTURED
        _event(order, OrderEventType.PAYMENT_CAPTURED, amount=str(payment.amount))


@transaction.atomic
def order_record_decline(*, order: Order, payment: PaymentResult) -> bool:
    """Book a declined authorization on the cart; the cart stays open. Returns False when
    this decline was already booked."""
    order = _locked(order)
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
    )
    _event(
        order,
        OrderEventType.PAYMENT_DECLINED,
        actor_label=SHOPPER,
        reason_code=payment.reason_code,
    )
    return True


# Refund requests from shoppers ---------------------------------------------------------------


@transaction.atomic
def refund_request_create(*, customer: Customer, order: Order | None, channel="voice"):
    request = RefundRequest.objects.create(
        store_id=customer.store_id, customer=customer, order=order, channel=channel
    )
    if order is not None:
        _event(order, OrderEventType.REFUND_REQUESTED, actor_label=SHOPPER, channel=channel)
    return request


# Back office: shared helpers -----------------------------------------------------------------
#
# Lock order, always: the order row, then its lines (pk order), then products (pk order),
# then ledger rows. Every service below follows it, so two services never deadlock.


def _save(instance, *fields: str) -> None:
    instance.save(update_fields=[*fields, "updated_at"])


def _lock_lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.select_for_update().filter(order_id=order.pk).order_by("pk"))


def _gateway_for(order: Order):
    from .gateways import get_gateway

    return get_gateway("manual" if order.payment_mode == PaymentMode.PAY_ON_DELIVERY else None)


def _payment_ref(txn: PaymentTransaction):
    from .gateways import PaymentRef

    return PaymentRef(
        reference_id=txn.reference_id,
        amount=txn.amount,
        currency=txn.currency,
        amazon_id=txn.external_id,
        expires_at=txn.expires_at,
    )


def _authorization(order: Order) -> PaymentTransaction | None:
    return (
        order.transactions.filter(kind=PaymentKind.AUTHORIZATION, state=PaymentState.SUCCEEDED)
        .order_by("-pk")
        .first()
    )


def _capture(order: Order) -> PaymentTransaction | None:
    return (
        order.transactions.filter(
            kind__in=[PaymentKind.CAPTURE, PaymentKind.COLLECTION], state=PaymentState.SUCCEEDED
        )
        .order_by("pk")
        .first()
    )


def derive_payment_status(order: Order) -> str:
    """Payment status from the running totals and the ledger (never set by hand)."""
    if order.captured_amount > 0:
        if order.refunded_amount >= order.captured_amount:
            return PaymentStatus.REFUNDED
        if order.refunded_amount > 0:
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.CAPTURED
    kinds = dict(
        order.transactions.filter(
            Q(state=PaymentState.SUCCEEDED) | Q(kind=PaymentKind.AUTHORIZATION)
        ).values_list("kind", "state")
    )
    if kinds.get(PaymentKind.VOID) == PaymentState.SUCCEEDED:
        return PaymentStatus.VOIDED
    if order.authorized_amount > 0:
        return PaymentStatus.AUTHORIZED
    if kinds.get(PaymentKind.AUTHORIZATION) == PaymentState.DECLINED:
        return PaymentStatus.DECLINED
    return PaymentStatus.PENDING


def ledger_totals(order: Order) -> dict[str, Decimal]:
    """The running totals recomputed from the ledger; tests compare them to the order."""
    totals = {"authorized": ZERO, "captured": ZERO, "refunded": ZERO, "refund_pending": ZERO}
    for txn in order.transactions.all():
        if txn.kind == PaymentKind.AUTHORIZATION and txn.state == PaymentState.SUCCEEDED:
            totals["authorized"] += txn.amount
        elif txn.kind in (PaymentKind.CAPTURE, PaymentKind.COLLECTION):
            if txn.state == PaymentState.SUCCEEDED:
                totals["captured"] += txn.amount
        elif txn.kind == PaymentKind.REFUND:
            if txn.state == PaymentState.SUCCEEDED:
                totals["refunded"] += txn.amount
            elif txn.state == PaymentState.PENDING:
                totals["refund_pending"] += txn.amount
    return totals


def _sync_payment_status(order: Order) -> None:
    order.payment_status = derive_payment_status(order)


def _gateway_error(exc) -> OrderError:
    return OrderError("gateway_error", exc.message, gateway_code=exc.code)


def _after_commit_email(order: Order, kind: str, key: str = "") -> None:
    from .tasks import send_order_email

    order_id = order.pk
    transaction.on_commit(lambda: send_order_email.delay(order_id, kind, key))


def _restock(order: Order, lines: list[OrderLine], *, actor, actor_label) -> None:
    """Put what was not refunded back in stock, once per order."""
    if order.restocked_at is not None:
        return
    quantities: dict[int, int] = {}
    for line in lines:
        if line.product_id:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    products = Product.objects.select_for_update().filter(
        pk__in=sorted(quantities), store_id=order.store_id
    )
    restocked = {}
    for product in products.order_by("pk"):
        if product.stock is not None:
            product.stock += quantities[product.pk]
            product.save(update_fields=["stock", "updated_at"])
            restocked[product.sku] = quantities[product.pk]
    order.restocked_at = timezone.now()
    _event(order, OrderEventType.RESTOCKED, actor=actor, actor_label=actor_label, items=restocked)


# Cancel ---------------------------------------------------------------------------------------


@transaction.atomic
def order_cancel(*, order: Order, actor=None, actor_label="", restock=True, reason="") -> Order:
    """Cancel before shipping: void the authorization or refund the capture, restock once.

    After shipping an order can be refunded, not cancelled (``cannot_cancel``).
    """
    order = _locked(order)
    if order.status == OrderStatus.CANCELLED:
        raise OrderError("already_cancelled", f"Order {order.number} is already cancelled.")
    if not order.can_cancel():
        raise OrderError(
            "cannot_cancel", f"Order {order.number} is {order.status}.", status=order.status
        )
    lines = _lock_lines(order)
    if order.can_void():
        _void(order, actor=actor, actor_label=actor_label)
    elif order.refundable_amount() > 0:
        _refund(
            order,
            lines,
            amount=order.refundable_amount(),
            quantities={line.pk: line.quantity - line.refunded_quantity for line in lines},
            reason=reason or "Order cancelled",
            actor=actor,
            actor_label=actor_label,
        )
    if restock:
        _restock(order, lines, actor=actor, actor_label=actor_label)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    _sync_payment_status(order)
    order.save()
    _event(
        order,
        OrderEventType.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
        restock=restock,
    )
    _after_commit_email(order, "cancelled")
    return order


@transaction.atomic
def order_release_unplaceable_payment(
    *, order: Order, payment: PaymentResult, reason: str
) -> Order:
    """Amazon Pay charged for a cart that can no longer be placed (it sold out between the
    order summary and the Charge result): book the payment on the order, give it back at once
    (void the authorization, or refund the capture in full) and close the order as cancelled.
    Stock is not touched: it was never taken. Idempotent on ``payment.reference_id``.
    """
    order = _locked(order)
    if PaymentTransaction.objects.filter(reference_id=payment.reference_id).exists():
        return order
    if not order.can_place():
        raise OrderError("not_a_cart", f"Order {order.number} is {order.status}.")
    lines = _lock_lines(order)
    _book_authorization(order, payment)
    order.save()
    if payment.captured:
        _refund(
            order,
            lines,
            amount=order.refundable_amount(),
            quantities={line.pk: line.quantity for line in lines},
            reason=reason,
            actor=None,
            actor_label=SYSTEM,
        )
    else:
        _void(order, actor=None, actor_label=SYSTEM, reason=reason)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    _sync_payment_status(order)
    order.save()
    _event(order, OrderEventType.CANCELLED, actor_label=SYSTEM, reason=reason, restock=False)
    _after_commit_email(order, "cancelled")
    return order


# Fulfilment -----------------------------------------------------------------------------------


@transaction.atomic
def order_ship(
    *, order: Order, carrier: str, tracking_number: str = "", actor=None, actor_label=""
) -> Order:
    """Mark shipped with carrier and tracking; an open authorization is captured after
    commit by a Celery task (Charge Later)."""
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    order = _locked(order)
    if not order.can_ship():
        raise OrderError("cannot_ship", f"Order {order.number} is {order.status}.")
    if not carrier:
        raise OrderError("carrier_required", "Name the carrier.")
    order.status = OrderStatus.SHIPPED
    order.shipped_at = timezone.now()
    order.carrier, order.tracking_number = carrier[:60], tracking_number[:80]
    _save(order, "status", "shipped_at", "carrier", "tracking_number")
    _event(
        order,
        OrderEventType.SHIPPED,
        actor=actor,
        actor_label=actor_label,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
    )
    if order.has_open_authorization():
        from .tasks import capture_order_payment

        order_id = order.pk
        transaction.on_commit(lambda: capture_order_payment.delay(order_id))
    _after_commit_email(order, "shipped")
    return order


@transaction.atomic
def order_deliver(*, order: Order, actor=None, actor_label="") -> Order:
    order = _locked(order)
    if not order.can_deliver():
        raise OrderError("cannot_deliver", f"Order {order.number} is {order.status}.")
    order.status = OrderStatus.DELIVERED
    order.delivered_at = timezone.now()
    _save(order, "status", "delivered_at")
    _event(order, OrderEventType.DELIVERED, actor=actor, actor_label=actor_label)
    return order


@transaction.atomic
def order_add_note(*, order: Order, text: str, actor=None, actor_label="") -> OrderEvent:
    """Internal notes are events: append-only, never edited."""
    text = (text or "").strip()
    if not text:
        raise OrderError("empty_note", "Write the note first.")
    if len(text) > 2000:
        raise OrderError("note_too_long", "Notes are at most 2000 characters.")
    order = _locked(order)
    return _event(order, OrderEventType.NOTE, actor=actor, actor_label=actor_label, text=text)


# Payments: capture, void, collection ----------------------------------------------------------


def order_capture(*, order: Order, actor=None, actor_label="") -> Order:
    """Capture the open authorization (Charge Later), before it expires.

    A refused capture is written to the timeline (committed) and then raised as
    ``capture_failed``.
    """
    from .gateways import GatewayError

    failure = None
    with transaction.atomic():
        order = _locked(order)
        if order.captured_amount > 0:
            raise OrderError("already_captured", f"Order {order.number} is already captured.")
        if not order.can_capture():
            raise OrderError("cannot_capture", f"Order {order.number} has no open authorization.")
        auth = _authorization(order)
        reference_id = f"{auth.reference_id[:30]}-c"
        try:
            result = _gateway_for(order).capture(
                authorization=_payment_ref(auth), reference_id=reference_id, amount=auth.amount
            )
            if result.declined:
                failure = result.reason_code or "Declined"
        except GatewayError as exc:
            failure = exc.code
        if failure:
            _event(
                order,
                OrderEventType.PAYMENT_CAPTURE_FAILED,
                actor=actor,
                actor_label=actor_label,
                reason_code=failure,
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
            )
            order.captured_amount = result.amount
            _sync_payment_status(order)
            _save(order, "captured_amount", "payment_status")
            _event(
                order,
                OrderEventType.PAYMENT_CAPTURED,
                actor=actor,
                actor_label=actor_label,
                amount=str(result.amount),
                reference_id=reference_id,
            )
    if failure:
        raise OrderError("capture_failed", f"The capture was refused: {failure}.", reason=failure)
    return order


def _void(order: Order, *, actor, actor_label, reason="") -> PaymentTransaction:
    from .gateways import GatewayError

    auth = _authorization(order)
    reference_id = f"{auth.reference_id[:30]}-v"
    try:
        result = _gateway_for(order).void(
            authorization=_payment_ref(auth), reference_id=reference_id
        )
    except GatewayError as exc:
        raise _gateway_error(exc) from exc
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
    )
    _sync_payment_status(order)
    _event(
        order,
        OrderEventType.PAYMENT_VOIDED,
        actor=actor,
        actor_label=actor_label,
        amount=str(auth.amount),
        reason=reason,
    )
    return txn


@transaction.atomic
def order_void(*, order: Order, actor=None, actor_label="", reason="") -> Order:
    """Release (close) the open authorization without cancelling the order."""
    order = _locked(order)
    if not order.can_void():
        raise OrderError("cannot_void", f"Order {order.number} has no open authorization.")
    _void(order, actor=actor, actor_label=actor_label, reason=reason)
    _save(order, "payment_status")
    return order


@transaction.atomic
def order_mark_collected(*, order: Order, actor=None, actor_label="") -> Order:
    """Pay on delivery: staff collected the order total."""
    order = _locked(order)
    if not order.can_mark_collected():
        raise OrderError("cannot_collect", f"Order {order.number} has nothing to collect.")
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
    _sync_payment_status(order)
    _save(order, "captured_amount", "payment_status")
    _event(
        order,
        OrderEventType.PAYMENT_COLLECTED,
        actor=actor,
        actor_label=actor_label,
        amount=str(order.total),
    )
    return order


# Refunds ---------------------------------------------------------------------------------------


def refund_amount_for_lines(order: Order, lines: list[OrderLine], quantities: dict) -> Decimal:
    """Money for refunding ``quantities`` ({line id: quantity}), tax included."""
    by_id = {line.pk: line for line in lines}
    amount = Decimal("0")
    for line_id, quantity in quantities.items():
        line = by_id.get(int(line_id))
        if line is None:
            raise OrderError("unknown_line", "That line is not on this order.", line=line_id)
        quantity = int(quantity)
        if quantity < 0 or quantity > line.quantity - line.refunded_quantity:
            raise OrderError(
                "bad_refund_quantity",
                f"At most {line.quantity - line.refunded_quantity} of {line.name} can be refunded.",
                line=line.pk,
            )
        amount += line.unit_price * quantity
    store = order.store
    if not store.prices_include_tax:
        amount += amount * store.tax_rate
    return quantize(amount, order.currency)


def _refund(
    order: Order,
    lines: list[OrderLine],
    *,
    amount: Decimal,
    quantities: dict,
    reason: str,
    actor,
    actor_label,
    reference_id: str = "",
) -> PaymentTransaction:
    from .gateways import MAX_REFUNDS_PER_CAPTURE, GatewayError

    capture = _capture(order)
    if capture is None:
        raise OrderError("nothing_captured", "Nothing was captured, so nothing can be refunded.")
    amount = quantize(amount, order.currency)
    if amount <= 0:
        raise OrderError("bad_amount", "Refund a positive amount.")
    if amount > order.refundable_amount():
        raise OrderError(
            "amount_exceeds_refundable",
            f"At most {order.refundable_amount()} {order.currency} can be refunded.",
            refundable=str(order.refundable_amount()),
        )
    count = PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND).count()
    if capture.kind == PaymentKind.CAPTURE and count >= MAX_REFUNDS_PER_CAPTURE:
        raise OrderError("too_many_refunds", "Amazon Pay allows at most 10 refunds per capture.")
    reference_id = reference_id or f"o{order.pk}-r{count + 1}"
    quantities = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    gateway = _gateway_for(order)
    try:
        result = gateway.refund(
            capture=_payment_ref(capture),
            reference_id=reference_id,
            amount=amount,
            note=reason[:255],
        )
    except GatewayError as exc:
        raise _gateway_error(exc) from exc
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
    data = {"amount": str(amount), "reason": reason, "reference_id": reference_id}
    if quantities:
        data["lines"] = {str(k): v for k, v in quantities.items()}
    if completed:
        order.refunded_amount += amount
        _event(order, OrderEventType.REFUND_COMPLETED, actor=actor, actor_label=actor_label, **data)
        _after_commit_email(order, "refund_completed", reference_id)
    else:
        order.refund_pending_amount += amount
        _event(order, OrderEventType.REFUND_PENDING, actor=actor, actor_label=actor_label, **data)
        from .tasks import settle_refund

        txn_id = txn.pk
        transaction.on_commit(lambda: settle_refund.delay(txn_id))
    _sync_payment_status(order)
    _save(order, "refunded_amount", "refund_pending_amount", "payment_status")
    return txn


@transaction.atomic
def order_refund(
    *,
    order: Order,
    amount: Decimal | None = None,
    lines: dict | None = None,
    reason: str = "",
    actor=None,
    actor_label="",
    reference_id: str = "",
) -> PaymentTransaction:
    """Refund in full (no amount, no lines), a partial amount, or lines and quantities.

    ``reference_id`` (<= 32 chars, e.g. the form's idempotency key) makes a repeated submit a
    no-op that returns the first refund. Amazon refunds start Pending; ``refund_settle``
    completes them. Returns the refund's ledger row.
    """
    order = _locked(order)
    if reference_id:
        seen = PaymentTransaction.objects.filter(reference_id=reference_id).first()
        if seen is not None:
            if seen.order_id != order.pk or seen.kind != PaymentKind.REFUND:
                raise OrderError("reference_conflict", "That reference belongs to another payment.")
            return seen
    if not order.can_refund():
        raise OrderError(
            "cannot_refund",
            f"Order {order.number} has nothing to refund.",
            refundable=str(order.refundable_amount()),
        )
    locked_lines = _lock_lines(order)
    quantities = {int(k): int(v) for k, v in (lines or {}).items() if int(v)}
    if quantities:
        line_amount = refund_amount_for_lines(order, locked_lines, quantities)
        amount = line_amount if amount is None else amount
    elif amount is None:
        amount = order.refundable_amount()
        quantities = {line.pk: line.quantity - line.refunded_quantity for line in locked_lines}
    if not (reason or "").strip():
        raise OrderError("reason_required", "Give a reason for the refund.")
    return _refund(
        order,
        locked_lines,
        amount=Decimal(amount),
        quantities=quantities,
        reason=reason.strip(),
        actor=actor,
        actor_label=actor_label,
        reference_id=reference_id,
    )


@transaction.atomic
def refund_settle(*, transaction_id: int) -> PaymentTransaction:
    """Ask the gateway how a pending refund ended and book it. Safe to run any number of
    times: a settled refund is left alone; a still-pending one stays pending."""
    order_id = PaymentTransaction.objects.values_list("order_id", flat=True).get(pk=transaction_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    lines = _lock_lines(order)
    txn = PaymentTransaction.objects.select_for_update().get(pk=transaction_id)
    if txn.kind != PaymentKind.REFUND or txn.state != PaymentState.PENDING:
        return txn
    from .gateways import GatewayError, get_gateway

    try:
        result = get_gateway(txn.gateway).refund_details(refund=_payment_ref(txn))
    except GatewayError as exc:
        raise _gateway_error(exc) from exc
    if result.state == "Pending":
        return txn
    order.refund_pending_amount -= txn.amount
    data = {"amount": str(txn.amount), "reference_id": txn.reference_id}
    if result.state == "Completed":
        txn.state = PaymentState.SUCCEEDED
        order.refunded_amount += txn.amount
        _event(order, OrderEventType.REFUND_COMPLETED, **data)
        _after_commit_email(order, "refund_completed", txn.reference_id)
    else:
        txn.state = PaymentState.DECLINED
        txn.reason_code = result.reason_code or "Declined"
        # The goods were not refunded after all: give the quantities back.
        quantities = {int(k): v for k, v in txn.raw.get("lines", {}).items()}
        for line in lines:
            if quantities.get(line.pk):
                line.refunded_quantity = max(0, line.refunded_quantity - quantities[line.pk])
                line.save(update_fields=["refunded_quantity"])
        _event(order, OrderEventType.REFUND_DECLINED, reason_code=txn.reason_code, **data)
    txn.save(update_fields=["state", "reason_code", "updated_at"])
    _sync_payment_status(order)
    _save(order, "refunded_amount", "refund_pending_amount", "payment_status")
    return txn


@transaction.atomic
def refund_request_resolve(
    *, refund_request: RefundRequest, resolution: str, actor=None, actor_label=""
) -> RefundRequest:
    resolution = (resolution or "").strip()
    if not resolution:
        raise OrderError("resolution_required", "Say how the request was resolved.")
    if refund_request.order_id:
        order = Order.objects.select_for_update().get(pk=refund_request.order_id)
    request = RefundRequest.objects.select_for_update().get(pk=refund_request.pk)
    if request.status != RefundRequestStatus.OPEN:
        raise OrderError("already_resolved", "This request was already resolved.")
    request.status = RefundRequestStatus.RESOLVED
    request.resolution = resolution
    request.resolved_by = actor
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    if request.order_id:
        _event(
            order,
            OrderEventType.REFUND_REQUEST_RESOLVED,
            actor=actor,
            actor_label=actor_label,
            request=request.pk,
            resolution=resolution,
        )
    return request


# Charge Later: authorizations close to expiry --------------------------------------------------
#
# Amazon authorizations last 30 days. From EXPIRY_WARNING before the end the order's timeline
# says so (once); from EXPIRY_ACTION before the end the beat job captures or releases it as
# the store chose (store.authorization_expiry_action). Both windows are settings.


def _expiry_windows() -> tuple[timedelta, timedelta]:
    warn = getattr(settings, "ORDERS_AUTHORIZATION_WARNING", timedelta(days=7))
    act = getattr(settings, "ORDERS_AUTHORIZATION_ACTION", timedelta(days=1))
    return warn, act


def authorizations_expiring(*, now=None) -> tuple[list[int], list[int]]:
    """Order ids with an open authorization: (to warn about, to capture or release now)."""
    now = now or timezone.now()
    warn, act = _expiry_windows()
    open_auths = PaymentTransaction.objects.filter(
        kind=PaymentKind.AUTHORIZATION,
        state=PaymentState.SUCCEEDED,
        order__payment_status=PaymentStatus.AUTHORIZED,
        order__captured_amount=0,
        expires_at__lte=now + warn,
    ).exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.DRAFT])
    rows = list(open_auths.values_list("order_id", "expires_at").order_by("expires_at"))
    act_now = [oid for oid, expires in rows if expires <= now + act]
    return [oid for oid, _ in rows if oid not in act_now], act_now


@transaction.atomic
def order_warn_authorization_expiring(*, order: Order) -> bool:
    """Write the warning on the timeline once; False when already warned or not open."""
    order = _locked(order)
    if not order.has_open_authorization():
        return False
    if order.events.filter(type=OrderEventType.AUTHORIZATION_EXPIRING).exists():
        return False
    auth = _authorization(order)
    _event(
        order,
        OrderEventType.AUTHORIZATION_EXPIRING,
        expires_at=auth.expires_at.isoformat() if auth.expires_at else "",
        action=order.store.authorization_expiry_action,
    )
    return True


def order_settle_expiring_authorization(*, order: Order) -> Order:
    """Capture or release an authorization about to expire, per the store's setting."""
    from merchant.models import ExpiryAction

    order = Order.objects.select_related("store").get(pk=order.pk)
    if order.store.authorization_expiry_action == ExpiryAction.CAPTURE:
        return order_capture(order=order, actor_label=SYSTEM)
    if order.can_cancel():
        return order_cancel(
            order=order, actor_label=SYSTEM, restock=True, reason="Authorization expiring"
        )
    return order_void(order=order, actor_label=SYSTEM, reason="Authorization expiring")


# Refill plans ------------------------------------------------------------------------------------


def _plan_event(plan: RefillPlan, type_, *, actor=None, actor_label="", **data) -> RefillPlanEvent:
    return RefillPlanEvent.objects.create(
        store_id=plan.store_id,
        plan=plan,
        type=type_,
        actor=actor,
        actor_label=actor_label or ("" if actor else SYSTEM),
        data=data,
    )


def _locked_plan(plan: RefillPlan) -> RefillPlan:
    return RefillPlan.objects.select_for_update().get(pk=plan.pk, store_id=plan.store_id)


@transaction.atomic
def refill_plan_create(
    *, customer: Customer, product: Product, quantity: int, interval_weeks: int, actor_label=SHOPPER
) -> RefillPlan:
    """Start a refill plan on the customer's billing agreement; the first renewal is one
    interval from now. A repeated request returns the plan already running."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if product.store_id != customer.store_id:
        raise OrderError("wrong_store", "That product belongs to another store.")
    if int(quantity) < 1:
        raise OrderError("bad_quantity", "Quantities start at one.")
    if int(interval_weeks) < 1:
        raise OrderError("bad_interval", "Refills come at least one week apart.")
    if not customer.has_open_billing_agreement:
        raise OrderError("no_billing_agreement", "Refills need an open Amazon Pay agreement.")
    existing = RefillPlan.objects.filter(
        customer=customer,
        product=product,
        status__in=[RefillPlanStatus.ACTIVE, RefillPlanStatus.PAUSED],
    ).first()
    if existing is not None:
        return existing
    plan = RefillPlan.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        quantity=int(quantity),
        interval_weeks=int(interval_weeks),
        next_run_at=timezone.now() + timedelta(weeks=int(interval_weeks)),
    )
    _plan_event(
        plan,
        RefillPlanEventType.CREATED,
        actor_label=actor_label,
        quantity=plan.quantity,
        interval_weeks=plan.interval_weeks,
    )
    return plan


@transaction.atomic
def refill_plan_pause(*, plan: RefillPlan, actor=None, actor_label="") -> RefillPlan:
    plan = _locked_plan(plan)
    if plan.status != RefillPlanStatus.ACTIVE:
        raise OrderError("plan_not_active", f"The plan is {plan.status}.")
    plan.status = RefillPlanStatus.PAUSED
    _save(plan, "status")
    _plan_event(plan, RefillPlanEventType.PAUSED, actor=actor, actor_label=actor_label)
    return plan


@transaction.atomic
def refill_plan_resume(*, plan: RefillPlan, actor=None, actor_label="") -> RefillPlan:
    """Resume a paused plan; a renewal date that passed while paused becomes now."""
    plan = _locked_plan(plan)
    if plan.status != RefillPlanStatus.PAUSED:
        raise OrderError("plan_not_paused", f"The plan is {plan.status}.")
    plan.status = RefillPlanStatus.ACTIVE
    plan.next_run_at = max(plan.next_run_at, timezone.now())
    plan.failed_attempts = 0
    _save(plan, "status", "next_run_at", "failed_attempts")
    _plan_event(plan, RefillPlanEventType.RESUMED, actor=actor, actor_label=actor_label)
    return plan


@transaction.atomic
def refill_plan_cancel(*, plan: RefillPlan, actor=None, actor_label="") -> RefillPlan:
    plan = _locked_plan(plan)
    if plan.status == RefillPlanStatus.CANCELLED:
        raise OrderError("plan_already_cancelled", "The plan is already cancelled.")
    plan.status = RefillPlanStatus.CANCELLED
    _save(plan, "status")
    _plan_event(plan, RefillPlanEventType.CANCELLED, actor=actor, actor_label=actor_label)
    return plan


@dataclass(frozen=True)
class RenewalOutcome:
    renewal: RefillRenewal | None
    status: str  # charged | already_charged | backoff | retrying | failed
    order: Order | None = None


class _RenewalDeclined(Exception):
    def __init__(self, code: str):
        self.code = code


def _renewal_settings() -> tuple[int, int]:
    return (
        getattr(settings, "ORDERS_RENEWAL_MAX_ATTEMPTS", 4),
        getattr(settings, "ORDERS_RENEWAL_RETRY_SECONDS", 3600),
    )


def refill_plan_due_ids(*, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        RefillPlan.objects.filter(status=RefillPlanStatus.ACTIVE, next_run_at__lte=now)
        .order_by("next_run_at")
        .values_list("pk", flat=True)
    )


def refill_plan_renew(*, plan: RefillPlan, now=None) -> RenewalOutcome:
    """Charge the plan's period that is due (``plan.next_run_at``) on the billing agreement.

    Charge Later on the agreement: authorize now, capture when staff ship. Never charges a
    period twice: ``RefillRenewal`` is unique per (plan, period) and the gateway reference
    is derived from it, so a retried task or a crashed worker gets the first answer back. A
    decline is retried with exponential backoff (by the beat job) and after
    ``ORDERS_RENEWAL_MAX_ATTEMPTS`` reported: the plan pauses and the merchant is emailed.
    """
    now = now or timezone.now()
    max_attempts, base_seconds = _renewal_settings()
    with transaction.atomic():
        plan = _locked_plan(plan)
        if plan.status != RefillPlanStatus.ACTIVE:
            raise OrderError("plan_not_active", f"The plan is {plan.status}.")
        if plan.next_run_at > now:
            raise OrderError("renewal_not_due", "The next renewal is not due yet.")
        renewal, _ = RefillRenewal.objects.select_for_update().get_or_create(
            plan=plan, period_start=plan.next_run_at, defaults={"store_id": plan.store_id}
        )
        if renewal.state == RenewalState.SUCCEEDED:
            return RenewalOutcome(renewal, "already_charged", renewal.order)
        if renewal.state == RenewalState.FAILED:
            return RenewalOutcome(renewal, "failed")
        if renewal.next_attempt_at and renewal.next_attempt_at > now:
            return RenewalOutcome(renewal, "backoff")
        try:
            order = _renewal_order(plan, renewal)
        except _RenewalDeclined as declined:
            return _renewal_failed(plan, renewal, declined.code, now, max_attempts, base_seconds)
        renewal.state = RenewalState.SUCCEEDED
        renewal.order = order
        renewal.attempts += 1
        renewal.last_error = ""
        renewal.save(update_fields=["state", "order", "attempts", "last_error", "updated_at"])
        plan.next_run_at = renewal.period_start + timedelta(weeks=plan.interval_weeks)
        plan.failed_attempts = 0
        plan.last_error = ""
        _save(plan, "next_run_at", "failed_attempts", "last_error")
        _plan_event(
            plan,
            RefillPlanEventType.RENEWED,
            order=order.number,
            period_start=renewal.period_start.isoformat(),
            amount=str(order.total),
        )
        _after_commit_email(order, "plan_renewed")
        return RenewalOutcome(renewal, "charged", order)


def _renewal_order(plan: RefillPlan, renewal: RefillRenewal) -> Order:
    """Authorize the period's amount on the agreement, then book the order. The gateway is
    asked first so a decline leaves nothing of ours behind (and Amazon's record stands)."""
    from .gateways import GatewayError, get_gateway

    customer = plan.customer
    store = plan.store
    if not customer.has_open_billing_agreement:
        raise _RenewalDeclined("no_billing_agreement")
    product = Product.objects.select_for_update().get(pk=plan.product_id)
    if not product.is_sellable(plan.quantity):
        raise _RenewalDeclined("out_of_stock")
    line_total = product.price * plan.quantity
    totals = order_totals(store=store, line_totals=[line_total])
    reference_id = f"rfl{renewal.pk}-a{renewal.attempts}"
    try:
        result = get_gateway().authorize(
            billing_agreement_id=customer.billing_agreement_id,
            reference_id=reference_id,
            amount=totals.total,
            currency=store.currency,
            capture_now=False,
            note=f"Refill plan {plan.pk}",
        )
    except GatewayError as exc:
        raise _RenewalDeclined(exc.code) from exc
    if result.declined:
        raise _RenewalDeclined(result.reason_code or "Declined")
    order = Order.objects.create(
        store=store,
        customer=customer,
        number=f"tmp-rfl-{renewal.pk}",
        status=OrderStatus.PLACED,
        payment_mode=PaymentMode.CHARGE_LATER,
        source=OrderSource.REFILL,
        currency=store.currency,
        locale=customer.locale,
        email=customer.email,
        shipping_address=customer.shipping_address,
        placed_at=timezone.now(),
        subtotal=totals.subtotal,
        tax=totals.tax,
        shipping=totals.shipping,
        total=totals.total,
    )
    order.number = str(100000 + order.pk)
    OrderLine.objects.create(
        store=store,
        order=order,
        product=product,
        sku=product.sku,
        name=product.name,
        unit_price=product.price,
        quantity=plan.quantity,
        line_total=line_total,
    )
    if product.stock is not None:
        product.stock -= plan.quantity
        product.save(update_fields=["stock", "updated_at"])
    _book_authorization(
        order,
        PaymentResult(
            reference_id=reference_id,
            external_id=result.amazon_id,
            amount=result.amount,
            raw=result.raw,
            expires_at=result.expires_at,
        ),
    )
    order.save()
    _event(order, OrderEventType.CREATED, source=OrderSource.REFILL)
    _event(order, OrderEventType.PLACED, total=str(order.total))
    _event(order, OrderEventType.REFILL_RENEWAL, plan=plan.pk, renewal=renewal.pk)
    return order


def _renewal_failed(plan, renewal, code, now, max_attempts, base_seconds) -> RenewalOutcome:
    renewal.attempts += 1
    renewal.last_error = code[:255]
    plan.failed_attempts += 1
    plan.last_error = code[:255]
    if renewal.attempts >= max_attempts:
        renewal.state = RenewalState.FAILED
        renewal.next_attempt_at = None
        plan.status = RefillPlanStatus.PAUSED
        _plan_event(
            plan, RefillPlanEventType.RENEWAL_FAILED, reason_code=code, attempts=renewal.attempts
        )
        from .tasks import report_renewal_failure

        renewal_id = renewal.pk
        transaction.on_commit(lambda: report_renewal_failure.delay(renewal_id))
        status = "failed"
    else:
        renewal.state = RenewalState.RETRYING
        delay = timedelta(seconds=base_seconds * 2 ** (renewal.attempts - 1))
        renewal.next_attempt_at = now + delay
        _plan_event(
            plan,
            RefillPlanEventType.RENEWAL_RETRYING,
            reason_code=code,
            attempts=renewal.attempts,
            next_attempt_at=renewal.next_attempt_at.isoformat(),
        )
        status = "retrying"
    renewal.save(update_fields=["attempts", "last_error", "state", "next_attempt_at", "updated_at"])
    _save(plan, "failed_attempts", "last_error", "status")
    return RenewalOutcome(renewal, status)
