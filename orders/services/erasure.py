"""Erasure of a shopper's personal data (SkillDisabled with NOT_PERSISTED, the support
console, a web account deleted), keeping what accounting needs."""

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

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
)
from ..signals import customer_erased
from .refill_plans import refill_plan_cancel

ALEXA = CustomerEventSource.ALEXA

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
