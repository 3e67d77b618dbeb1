"""Placing an order: the cart becomes an order once its payment is booked (or, paid on
delivery, without one), or the payment is given back when the cart can no longer be
placed."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from discounts.errors import DiscountUnavailable
from discounts.services import discounts_redeem
from merchant.models import PaymentMode
from webhooks.models import WebhookEventType

from .. import effects, events
from ..errors import OrderError, OrderErrorCode
from ..events import SHOPPER, SYSTEM
from ..models import Order, OrderStatus, PaymentTransaction
from ._locks import lock_lines, lock_order
from .payments import PaymentResult, book_authorization, sync_payment_status, void_authorization
from .refunds import issue_refund


@dataclass(frozen=True)
class PlaceResult:
    order: Order
    created: bool  # False: this payment was already booked (duplicate report)


@transaction.atomic
def order_place(
    *, order: Order, payment: PaymentResult | None, actor_label: str = SHOPPER
) -> PlaceResult:
    """Place a cart: book the payment, take the stock, mark it placed, send the confirmation.

    Idempotent on ``payment.reference_id``: a repeated report returns the order it placed.
    Pay-on-delivery orders pass ``payment=None``.
    """
    order = lock_order(order)
    if payment is not None:
        seen = PaymentTransaction.objects.filter(reference_id=payment.reference_id).first()
        if seen is not None:
            if seen.order_id != order.pk:
                raise OrderError(
                    OrderErrorCode.REFERENCE_CONFLICT, "Payment reference used by another order."
                )
            return PlaceResult(order=order, created=False)
    if not order.can_place():
        raise OrderError(OrderErrorCode.NOT_A_CART, f"Order {order.number} is {order.status}.")
    if payment is not None and payment.declined:
        raise OrderError(
            OrderErrorCode.PAYMENT_DECLINED, "A declined payment cannot place an order."
        )
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY and payment is not None:
        raise OrderError(
            OrderErrorCode.NO_PAYMENT_EXPECTED, "Pay-on-delivery orders are paid on delivery."
        )
    if order.payment_mode != PaymentMode.PAY_ON_DELIVERY and payment is None:
        raise OrderError(OrderErrorCode.PAYMENT_REQUIRED, "This store takes payment when ordering.")
    lines = list(order.lines.select_related(None).all())
    if not lines:
        raise OrderError(OrderErrorCode.EMPTY_CART, "The cart is empty.")

    products: dict[int | None, Product] = {
        p.pk: p
        for p in Product.objects.select_for_update()
        .filter(pk__in=sorted({line.product_id for line in lines}), store_id=order.store_id)
        .order_by("pk")
    }
    for line in lines:
        product = products.get(line.product_id)
        if product is None or not product.is_sellable(line.quantity):
            raise OrderError(
                OrderErrorCode.OUT_OF_STOCK, f"{line.name} is no longer available.", sku=line.sku
            )
    if order.discount_codes:
        try:
            discounts_redeem(store=order.store, codes=order.discount_codes)
        except DiscountUnavailable as exc:
            raise OrderError(
                OrderErrorCode.DISCOUNT_UNAVAILABLE, str(exc), discount_code=exc.code
            ) from exc
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
        book_authorization(order, payment)
    order.save()
    events.order_placed(order, total=order.total, actor_label=actor_label)
    events.webhook_order(order, WebhookEventType.ORDER_PLACED)
    effects.send_order_email(order_id=order.pk, kind="confirmation")
    return PlaceResult(order=order, created=True)


@transaction.atomic
def order_release_unplaceable_payment(
    *, order: Order, payment: PaymentResult, reason: str
) -> Order:
    """Amazon Pay charged for a cart that can no longer be placed (it sold out between the
    order summary and the Charge result): book the payment on the order, give it back at once
    (void the authorization, or refund the capture in full) and close the order as cancelled.
    Stock is not touched: it was never taken. Idempotent on ``payment.reference_id``.
    """
    order = lock_order(order)
    if PaymentTransaction.objects.filter(reference_id=payment.reference_id).exists():
        return order
    if not order.can_place():
        raise OrderError(OrderErrorCode.NOT_A_CART, f"Order {order.number} is {order.status}.")
    lines = lock_lines(order)
    book_authorization(order, payment)
    order.save()
    if payment.captured:
        issue_refund(
            order,
            lines,
            amount=order.refundable_amount(),
            quantities={line.pk: line.quantity for line in lines},
            reason=reason,
            actor=None,
            actor_label=SYSTEM,
        )
    else:
        void_authorization(order, actor=None, actor_label=SYSTEM, reason=reason)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    sync_payment_status(order)
    order.save()
    events.order_cancelled(order, reason=reason, restock=False, actor_label=SYSTEM)
    events.webhook_order(order, WebhookEventType.ORDER_CANCELLED)
    effects.send_order_email(order_id=order.pk, kind="cancelled")
    return order
