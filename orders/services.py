"""Every write to customers, orders and payments.

Each service is atomic, locks the rows it changes (in primary-key order), re-checks the
model's guards under the lock, writes an ``OrderEvent`` in the same transaction and raises
``OrderError`` with a stable code when it refuses. Side effects (emails, gateway calls that
can wait) run after commit.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from merchant.models import PaymentMode

from .errors import OrderError
from .models import (
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
    RefundRequest,
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
        expires_at=payment.expires_at,
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
