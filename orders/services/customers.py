"""Customers: the shoppers of a store, known by their Alexa user id."""

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alexa.scopes import ADDRESS_SCOPE, AUTOPAY_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from merchant.models import Store
from webhooks.services import webhook_event_emit

from ..events import SYSTEM
from ..models import Customer, Order, OrderEvent, OrderEventType, RefillPlan, RefillPlanStatus
from .refill_plans import refill_plan_cancel


def customer_get_or_create(*, store: Store, alexa_user_id: str, locale: str) -> Customer:
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
    *, customer: Customer, address: dict[str, Any], email: str = ""
) -> Customer:
    """Keep the delivery address (and the email, when known) from the shopper's Alexa
    settings, for stores paid on delivery."""
    customer.shipping_address = address
    if email:
        customer.email = email
    customer.save(update_fields=["shipping_address", "email", "updated_at"])
    return customer


def customer_store_billing_agreement(
    *, customer: Customer, agreement_id: str, status: str, address: dict[str, Any], email: str = ""
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


# What the shopper allowed the skill (Alexa skill events) ------------------------------------


def customer_set_alexa_permissions(
    *, customer: Customer, scopes: list[str], api_endpoint: str = ""
) -> Customer:
    """Keep the scopes the shopper has granted now (SkillPermissionAccepted/Changed).

    A revoked device address or profile email permission stops their use at once: the
    stored copy on the customer is blanked, so the next checkout asks Amazon again (and gets
    "not granted"). An order already placed keeps the address it is being delivered to.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(
            pk=customer.pk, store_id=customer.store_id
        )
        granted = sorted(set(scopes))
        fields = ["alexa_permissions", "updated_at"]
        customer.alexa_permissions = granted
        if ADDRESS_SCOPE not in granted and customer.shipping_address:
            customer.shipping_address = {}
            fields.append("shipping_address")
        if EMAIL_SCOPE not in granted and customer.email:
            customer.email = ""
            fields.append("email")
        if AUTOPAY_SCOPE not in granted and customer.payment_consent == "GRANTED":
            customer.payment_consent = "DENIED"
            fields.append("payment_consent")
        if NOTIFICATIONS_SCOPE not in granted and customer.order_updates_subscribed:
            customer.order_updates_subscribed = False
            fields.append("order_updates_subscribed")
        if api_endpoint and api_endpoint != customer.alexa_api_endpoint:
            customer.alexa_api_endpoint = api_endpoint[:200]
            fields.append("alexa_api_endpoint")
        customer.save(update_fields=fields)
    return customer


def customer_mark_order_updates_offered(*, customer: Customer) -> Customer:
    """The skill asked once whether to notify the shopper about their orders."""
    if customer.order_updates_offered_at is None:
        customer.order_updates_offered_at = timezone.now()
        customer.save(update_fields=["order_updates_offered_at", "updated_at"])
    return customer


def customer_set_order_updates(
    *, customer: Customer, subscribed: bool, api_endpoint: str = ""
) -> Customer:
    """ProactiveSubscriptionChanged: the shopper does (or no longer does) take order
    notifications; ``api_endpoint`` is where Alexa reaches them."""
    fields = ["order_updates_subscribed", "updated_at"]
    customer.order_updates_subscribed = subscribed
    if api_endpoint and api_endpoint != customer.alexa_api_endpoint:
        customer.alexa_api_endpoint = api_endpoint[:200]
        fields.append("alexa_api_endpoint")
    customer.save(update_fields=fields)
    return customer


# Erasure (SkillDisabled with NOT_PERSISTED) ---------------------------------------------------

# What an erased order keeps of its delivery address: the tax jurisdiction, which accounting
# needs with the amounts; street, name, city and postal code go.
KEPT_ADDRESS_FIELDS = ("countryCode", "stateOrRegion")


def customer_erase(*, customer: Customer) -> Customer:
    """Erase a shopper's personal data, keeping what accounting needs.

    Blanked on the customer: name, email, shipping address, Amazon Pay billing agreement and
    consent, granted permissions, Alexa API host, notification choice; the Alexa user id
    becomes an opaque ``erased:<uuid>`` that no request can ever match again (a returning
    shopper is a new customer). Their active refill plans are cancelled (nothing may be
    charged on an agreement we no longer know). Their orders keep number, lines, amounts,
    tax, currency, dates and the payment ledger; each order's copy of the email and of the
    delivery address goes, except the address's country and state (the tax jurisdiction);
    the recipient of every "email sent" timeline entry is redacted. The ``customer.erased``
    webhook event is written in the same transaction. Running it again changes nothing.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(
            pk=customer.pk, store_id=customer.store_id
        )
        if customer.erased_at is not None:
            return customer
        now = timezone.now()
        customer.alexa_user_id = f"erased:{uuid.uuid4()}"
        customer.name = ""
        customer.email = ""
        customer.shipping_address = {}
        customer.billing_agreement_id = ""
        customer.billing_agreement_status = ""
        customer.payment_consent = ""
        customer.alexa_permissions = []
        customer.alexa_api_endpoint = ""
        customer.order_updates_subscribed = False
        customer.erased_at = now
        customer.save()
        orders = list(
            Order.objects.select_for_update()
            .filter(store_id=customer.store_id, customer=customer)
            .order_by("pk")
        )
        for order in orders:
            order.email = ""
            order.shipping_address = {
                key: value
                for key, value in (order.shipping_address or {}).items()
                if key in KEPT_ADDRESS_FIELDS and value
            }
            order.save(update_fields=["email", "shipping_address", "updated_at"])
        for event in OrderEvent.objects.filter(
            store_id=customer.store_id, order__customer=customer, type=OrderEventType.EMAIL_SENT
        ):
            event.data = {**event.data, "to": "erased"}
            event.save(update_fields=["data"])
        plans = RefillPlan.objects.filter(
            store_id=customer.store_id, customer=customer, status=RefillPlanStatus.ACTIVE
        ).order_by("pk")
        for plan in plans:
            refill_plan_cancel(plan=plan, actor_label=SYSTEM)
        webhook_event_emit(
            store=customer.store,
            type="customer.erased",
            data={
                "customer_id": customer.pk,
                "erased_at": now.isoformat(),
                "orders": [order.number for order in orders],
            },
        )
    return customer
