"""Celery tasks of the cards app: ids in, fresh rows loaded, safe to run twice."""

import stripe
from celery import shared_task

from merchant.models import Store

from . import emails
from .config import client_for


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_payment_link(self, stripe_payment_id: int):
    try:
        return emails.send_payment_link(stripe_payment_id=stripe_payment_id)
    except emails.TransientEmailError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=60)
def delete_stripe_customer(self, store_id: int, stripe_id: str):
    """Erasure at Stripe: a customer already gone counts as deleted."""
    store = Store.objects.get(pk=store_id)
    try:
        client_for(store).v1.customers.delete(stripe_id)
    except stripe.InvalidRequestError as exc:
        if exc.http_status != 404:
            raise self.retry(exc=exc) from exc
    except stripe.StripeError as exc:
        raise self.retry(exc=exc) from exc
    return "deleted"
