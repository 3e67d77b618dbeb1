"""Customers: the shoppers of a store, known by their Alexa user id.

Every change leaves a row of the customer's audit (``CustomerEvent``) in the same
transaction: what changed (field and scope names, never the personal values), through which
channel (``source``: by voice, a skill event from the Alexa app, the support console, the
API), and which staff user made it (``actor``; none when the shopper or the system did).
Nothing unchanged is audited.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from alexa.scopes import ADDRESS_SCOPE, AUTOPAY_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from merchant.models import Store

from ..events import customer_event
from ..models import (
    Customer,
    CustomerEventSource,
    CustomerEventType,
)

VOICE = CustomerEventSource.VOICE
ALEXA = CustomerEventSource.ALEXA


def _values(customer: Customer, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(customer, field) for field in fields}


def _changed(customer: Customer, before: dict[str, Any]) -> list[str]:
    """The fields (of ``before``) whose value differs now, in ``before``'s order."""
    return [field for field, value in before.items() if getattr(customer, field) != value]


def customer_get_or_create(
    *,
    store: Store,
    alexa_user_id: str,
    locale: str,
    source: str = VOICE,
    actor: AbstractBaseUser | None = None,
) -> Customer:
    customer = Customer.objects.filter(store=store, alexa_user_id=alexa_user_id).first()
    if customer:
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                store=store, alexa_user_id=alexa_user_id, locale=locale
            )
            customer_event(
                customer, CustomerEventType.CREATED, source=source, actor=actor, locale=locale
            )
            return customer
    except IntegrityError:  # the same shopper's request raced us
        return Customer.objects.get(store=store, alexa_user_id=alexa_user_id)


@transaction.atomic
def customer_set_payment_consent(
    *, customer: Customer, status: str, source: str = VOICE, actor: AbstractBaseUser | None = None
) -> Customer:
    if customer.payment_consent != status:
        before = customer.payment_consent
        customer.payment_consent = status
        customer.save(update_fields=["payment_consent", "updated_at"])
        customer_event(
            customer,
            CustomerEventType.PAYMENT_CONSENT_CHANGED,
            source=source,
            actor=actor,
            before=before,
            after=status,
        )
    return customer


@transaction.atomic
def customer_store_delivery_contact(
    *,
    customer: Customer,
    address: dict[str, Any],
    email: str = "",
    source: str = VOICE,
    actor: AbstractBaseUser | None = None,
) -> Customer:
    """Keep the delivery address (and the email, when known) from the shopper's Alexa
    settings, for stores paid on delivery."""
    before = _values(customer, ["shipping_address", "email"])
    customer.shipping_address = address
    if email:
        customer.email = email
    customer.save(update_fields=["shipping_address", "email", "updated_at"])
    changed = _changed(customer, before)
    if changed:
        customer_event(
            customer,
            CustomerEventType.DELIVERY_CONTACT_STORED,
            source=source,
            actor=actor,
            changed=changed,
        )
    return customer


BILLING_FIELDS = [
    "billing_agreement_id",
    "billing_agreement_status",
    "shipping_address",
    "name",
    "email",
]


@transaction.atomic
def customer_store_billing_agreement(
    *,
    customer: Customer,
    agreement_id: str,
    status: str,
    address: dict[str, Any],
    email: str = "",
    source: str = VOICE,
    actor: AbstractBaseUser | None = None,
) -> Customer:
    """Keep the Amazon Pay billing agreement and the shipping address from a Setup result."""
    before = _values(customer, BILLING_FIELDS)
    customer.billing_agreement_id = agreement_id
    customer.billing_agreement_status = status
    if address:
        customer.shipping_address = address
        name = address.get("name")
        if not customer.name and isinstance(name, str):
            customer.name = name[: Customer._meta.get_field("name").max_length]
    if email:
        customer.email = email
    customer.save(update_fields=[*BILLING_FIELDS, "updated_at"])
    changed = _changed(customer, before)
    if changed:
        customer_event(
            customer,
            CustomerEventType.BILLING_AGREEMENT_STORED,
            source=source,
            actor=actor,
            status=status,
            changed=changed,
        )
    return customer


# What the shopper allowed the skill (Alexa skill events) ------------------------------------


PERMISSION_FIELDS = [
    "alexa_permissions",
    "shipping_address",
    "email",
    "payment_consent",
    "order_updates_subscribed",
    "alexa_api_endpoint",
]


def customer_set_alexa_permissions(
    *,
    customer: Customer,
    scopes: list[str],
    api_endpoint: str = "",
    source: str = ALEXA,
    actor: AbstractBaseUser | None = None,
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
        before = _values(customer, PERMISSION_FIELDS)
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
        changed = _changed(customer, before)
        if changed:
            had = set(before["alexa_permissions"] or [])
            customer_event(
                customer,
                CustomerEventType.PERMISSIONS_CHANGED,
                source=source,
                actor=actor,
                granted=sorted(set(granted) - had),
                revoked=sorted(had - set(granted)),
                changed=changed,
            )
    return customer


@transaction.atomic
def customer_mark_order_updates_offered(
    *, customer: Customer, source: str = VOICE, actor: AbstractBaseUser | None = None
) -> Customer:
    """The skill asked once whether to notify the shopper about their orders."""
    if customer.order_updates_offered_at is None:
        customer.order_updates_offered_at = timezone.now()
        customer.save(update_fields=["order_updates_offered_at", "updated_at"])
        customer_event(
            customer, CustomerEventType.ORDER_UPDATES_OFFERED, source=source, actor=actor
        )
    return customer


@transaction.atomic
def customer_set_order_updates(
    *,
    customer: Customer,
    subscribed: bool,
    api_endpoint: str = "",
    source: str = ALEXA,
    actor: AbstractBaseUser | None = None,
) -> Customer:
    """ProactiveSubscriptionChanged: the shopper does (or no longer does) take order
    notifications; ``api_endpoint`` is where Alexa reaches them."""
    before = _values(customer, ["order_updates_subscribed", "alexa_api_endpoint"])
    fields = ["order_updates_subscribed", "updated_at"]
    customer.order_updates_subscribed = subscribed
    if api_endpoint and api_endpoint != customer.alexa_api_endpoint:
        customer.alexa_api_endpoint = api_endpoint[:200]
        fields.append("alexa_api_endpoint")
    customer.save(update_fields=fields)
    changed = _changed(customer, before)
    if changed:
        customer_event(
            customer,
            CustomerEventType.ORDER_UPDATES_CHANGED,
            source=source,
            actor=actor,
            subscribed=subscribed,
            changed=changed,
        )
    return customer
