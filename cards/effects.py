"""The side effects of the card services, recorded in the outbox with the change and handed
to Celery after the commit (``outbox``). Tasks are named, not imported (``cards.tasks``
imports the services)."""

from outbox.services import outbox_message_add

SEND_PAYMENT_LINK = "cards.tasks.send_payment_link"
DELETE_STRIPE_CUSTOMER = "cards.tasks.delete_stripe_customer"


def send_payment_link(*, stripe_payment_id: int) -> None:
    """Email the shopper the link to finish a payment their bank wants authenticated."""
    outbox_message_add(task=SEND_PAYMENT_LINK, args=(stripe_payment_id,))


def delete_stripe_customer(*, store_id: int, stripe_id: str) -> None:
    """Erasure: delete the shopper's customer (and cards) at Stripe."""
    outbox_message_add(task=DELETE_STRIPE_CUSTOMER, args=(store_id, stripe_id))
