"""Customers: the shoppers of a store, known by their Alexa user id.

Every change leaves a row of the customer's audit (``CustomerEvent``) in the same
transaction: what changed (field and scope names, never the personal values), through which
channel (``source``: by voice, a skill event from the Alexa app, the support console, the
API), and which staff user made it (``actor``; none when the shopper or the system did).
Nothing unchanged is audited.
"""

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from alexa.scopes import ADDRESS_SCOPE, AUTOPAY_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from merchant.models import Store
from webhooks.services import webhook_event_emit

from ..events import SYSTEM, customer_event
from ..models import (
    Customer,
    CustomerEventSource,
    CustomerEventType,
    Order,
    OrderEvent,
    OrderEventType,
    RefillPlan,
    RefillPlanStatus,
    RefundRequest,
)
from ..signals import customer_erased, customers_merged
from .refill_plans import refill_plan_cancel

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


# Erasure (SkillDisabled with NOT_PERSISTED) ---------------------------------------------------

# What an erased order keeps of its delivery address: the tax jurisdiction, which accounting
# needs with the amounts; street, name, city and postal code go.
KEPT_ADDRESS_FIELDS = ("countryCode", "stateOrRegion")


def customer_erase(
    *, customer: Customer, source: str = ALEXA, actor: AbstractBaseUser | None = None
) -> Customer:
    """Erase a shopper's personal data, keeping what accounting needs.

    Blanked on the customer: name, email, shipping address, Amazon Pay billing agreement and
    consent, granted permissions, Alexa API host, notification choice; the Alexa user id
    becomes an opaque ``erased:<uuid>`` that no request can ever match again (a returning
    shopper is a new customer). Their active refill plans are cancelled (nothing may be
    charged on an agreement we no longer know). Their orders keep number, lines, amounts,
    tax, currency, dates and the payment ledger; each order's copy of the email and of the
    delivery address goes, except the address's country and state (the tax jurisdiction);
    the recipient of every "email sent" timeline entry is redacted. The ``customer.erased``
    webhook event and the customer's audit row are written in the same transaction (the
    audit names no personal data, so it stays). Running it again changes nothing.
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
        customer_erased.send(sender=Customer, customer=customer)
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
        plans = list(
            RefillPlan.objects.filter(
                store_id=customer.store_id, customer=customer, status=RefillPlanStatus.ACTIVE
            ).order_by("pk")
        )
        for plan in plans:
            refill_plan_cancel(plan=plan, actor_label=SYSTEM)
        customer_event(
            customer,
            CustomerEventType.ERASED,
            source=source,
            actor=actor,
            orders=len(orders),
            refill_plans_cancelled=len(plans),
        )
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


# One shopper, two customers: a web account linked to the Alexa user ------------------------

# What belongs to the Alexa user rather than to the person: it follows the Alexa user id.
ALEXA_FIELDS = [
    "alexa_permissions",
    "alexa_api_endpoint",
    "order_updates_offered_at",
    "order_updates_subscribed",
    "billing_agreement_id",
    "billing_agreement_status",
    "payment_consent",
]
# The person's contact: ``into`` keeps its own and takes ``other``'s only where it has none.
CONTACT_FIELDS = ["name", "email", "shipping_address"]


def _lock_customers(*customers: Customer) -> list[Customer]:
    """Both rows, locked in primary-key order (scoped by their store), in the order given."""
    pks = [customer.pk for customer in customers]
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=sorted(pks), store_id=customers[0].store_id)
        .order_by("pk")
    }
    return [locked[pk] for pk in pks]


def customer_set_alexa_user(
    *,
    customer: Customer,
    alexa_user_id: str,
    source: str = CustomerEventSource.WEB,
    actor: AbstractBaseUser | None = None,
) -> Customer:
    """The customer is now known by ``alexa_user_id`` (a linked web account's customer takes
    the Alexa user's id; a customer releasing it takes an opaque ``web:<uuid>``). The id must
    be free in the store: a customer holding it is merged first (``customer_merge``)."""
    with transaction.atomic():
        (customer,) = _lock_customers(customer)
        if customer.alexa_user_id == alexa_user_id:
            return customer
        if customer.erased_at is not None:
            raise ValueError("An erased customer takes no Alexa user id.")
        holder = Customer.objects.filter(store_id=customer.store_id, alexa_user_id=alexa_user_id)
        if holder.exists():
            raise ValueError("Another customer of the store holds this Alexa user id.")
        customer.alexa_user_id = alexa_user_id
        customer.save(update_fields=["alexa_user_id", "updated_at"])
        customer_event(
            customer,
            CustomerEventType.ALEXA_USER_CHANGED,
            source=source,
            actor=actor,
            linked=not alexa_user_id.startswith("web:"),
        )
    return customer


def customer_merge(
    *,
    into: Customer,
    other: Customer,
    source: str = CustomerEventSource.WEB,
    actor: AbstractBaseUser | None = None,
) -> Customer:
    """Make ``other`` part of ``into`` (the shopper used voice before linking their web
    account): ``other``'s orders, refill plans and refund requests move onto ``into``, and
    ``into`` takes ``other``'s Alexa user id with what Alexa granted it (permissions, API
    host, order notifications, Amazon Pay agreement and consent); ``into``'s own contact
    (name, email, address) stays, ``other``'s fills only what ``into`` lacks. ``other`` is
    left an empty shell with an opaque ``merged:<uuid>`` id and its audit history. Apps above
    orders move their own rows on ``signals.customers_merged`` in this transaction. Both
    customers get a ``merged`` audit row (counts only, no personal data).
    """
    if into.pk == other.pk or into.store_id != other.store_id:
        raise ValueError("Only two different customers of one store are merged.")
    with transaction.atomic():
        into, other = _lock_customers(into, other)
        if into.erased_at is not None or other.erased_at is not None:
            raise ValueError("Erased customers are not merged.")
        store_id = into.store_id
        order_ids = list(
            Order.objects.select_for_update()
            .filter(store_id=store_id, customer=other)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Order.objects.filter(pk__in=order_ids).update(customer=into, updated_at=timezone.now())
        plans = RefillPlan.objects.filter(store_id=store_id, customer=other).update(customer=into)
        RefundRequest.objects.filter(store_id=store_id, customer=other).update(customer=into)

        alexa_user_id = other.alexa_user_id
        taken = _values(other, ALEXA_FIELDS)
        contact = _values(other, CONTACT_FIELDS)
        other.alexa_user_id = f"merged:{uuid.uuid4()}"
        other.alexa_permissions = []
        other.alexa_api_endpoint = ""
        other.order_updates_offered_at = None
        other.order_updates_subscribed = False
        other.billing_agreement_id = ""
        other.billing_agreement_status = ""
        other.payment_consent = ""
        other.name = ""
        other.email = ""
        other.shipping_address = {}
        other.save()

        into.alexa_user_id = alexa_user_id
        for field, value in taken.items():
            if value:
                setattr(into, field, value)
        for field, value in contact.items():
            if value and not getattr(into, field):
                setattr(into, field, value)
        into.save()
        customer_event(other, CustomerEventType.MERGED, source=source, actor=actor, into=into.pk)
        customer_event(
            into,
            CustomerEventType.MERGED,
            source=source,
            actor=actor,
            other=other.pk,
            orders=len(order_ids),
            refill_plans=plans,
        )
        customers_merged.send(sender=Customer, into=into, other=other)
    return into
