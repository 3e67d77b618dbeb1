"""Helpers of the back-office tests: customers with a billing agreement, orders placed
through the real shopping services and the sandbox gateway, and snapshots of everything a
refused change must leave alone."""

import uuid
from decimal import Decimal

from django.forms.models import model_to_dict

from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from orders import services
from orders.gateways import get_gateway
from orders.models import OrderEvent, PaymentTransaction, RefillPlanEvent
from orders.tests.factories import CustomerFactory


def make_customer(store, **kwargs):
    kwargs.setdefault("billing_agreement_id", f"C01-{uuid.uuid4().hex[:12]}")
    kwargs.setdefault("billing_agreement_status", "OPEN")
    kwargs.setdefault("shipping_address", {"name": "Ada", "addressLine1": "1 Main St"})
    return CustomerFactory(store=store, **kwargs)


def place_order(
    store, *, quantity=2, price="10.00", customer=None, product=None, stock=50, is_test=False
):
    """A placed order for ``quantity`` × ``price`` (+8 % tax in the default store), paid the
    way the store's payment mode pays, authorized on the sandbox like the Charge directive
    (``is_test``: a test order, as the voice test console places them)."""
    customer = customer or make_customer(store)
    product = product or ProductFactory(store=store, price=Decimal(price), stock=stock)
    cart = services.cart_start(customer=customer, locale=customer.locale, is_test=is_test)
    cart = services.cart_set_items(
        order=cart, items=[services.CartItem(product=product, quantity=quantity)]
    ).order
    payment = None
    if store.payment_mode != PaymentMode.PAY_ON_DELIVERY:
        capture_now = store.payment_mode == PaymentMode.CHARGE_NOW
        ref = f"auth-{cart.pk}-{uuid.uuid4().hex[:8]}"
        result = get_gateway().authorize(
            billing_agreement_id=customer.billing_agreement_id,
            reference_id=ref,
            amount=cart.total,
            currency=cart.currency,
            capture_now=capture_now,
        )
        payment = services.PaymentResult(
            reference_id=ref,
            external_id=result.amazon_id,
            amount=result.amount,
            captured=capture_now,
            capture_external_id=result.capture_id,
            expires_at=result.expires_at,
        )
    return services.order_place(order=cart, payment=payment).order


def open_cart(store, *, name="Grace Hopper", product=None):
    """A shopper's cart with one item (``product``, or a new $10 one): a checkout not yet
    completed."""
    customer = make_customer(store, name=name)
    order = services.cart_start(customer=customer, locale="en-US")
    product = product or ProductFactory(store=store, price=Decimal("10.00"))
    return services.cart_set_items(
        order=order, items=[services.CartItem(product=product, quantity=1)]
    ).order


def decline_checkout(order, reason_code="InvalidPaymentMethod", reference="decl-1"):
    """The skill's path for a declined Charge result (``ChargeResultHandler``): the cart stays
    open with the declined authorization on its ledger."""
    booked = services.order_record_decline(
        order=order,
        payment=services.PaymentResult(
            reference_id=reference, amount=order.total, declined=True, reason_code=reason_code
        ),
    )
    assert booked is True
    return order


def snapshot(order):
    """Everything a refused change must leave alone."""
    order.refresh_from_db()
    return {
        "order": model_to_dict(order),
        "lines": [(line.pk, line.refunded_quantity) for line in order.lines.all()],
        "stock": [
            line.product.stock if line.product else None
            for line in order.lines.select_related("product")
        ],
        "transactions": list(
            PaymentTransaction.objects.filter(order=order).values_list("pk", "state", "amount")
        ),
        "events": OrderEvent.objects.filter(order=order).count(),
    }


def plan_snapshot(plan):
    plan.refresh_from_db()
    return {
        "plan": model_to_dict(plan),
        "events": RefillPlanEvent.objects.filter(plan=plan).count(),
        "renewals": list(plan.renewals.values_list("pk", "state", "attempts")),
    }
