"""Customers: the shoppers of a store, known by their Alexa user id."""

from django.db import IntegrityError, transaction

from ..models import Customer


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
