"""One shopper, two customers: a web account linked to the Alexa user. The linked account's
customer takes the Alexa user id; a customer that already held it is merged into it."""

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ..events import customer_event
from ..models import (
    Customer,
    CustomerEventSource,
    CustomerEventType,
    Order,
    RefillPlan,
    RefundRequest,
)
from ..signals import customers_merged
from .customers import _values

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
