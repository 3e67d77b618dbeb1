"""Celery tasks of the webhooks app: thin, by id, safe to run twice (acks_late)."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one delivery; a failure is booked with its next attempt time (the
    sweeper queues it then), so the task itself never retries an HTTP failure."""
    return services.webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(acks_late=True)
def sweep_webhook_deliveries() -> int:
    """Beat, every minute: queue pending deliveries that are due (retries, and first
    attempts whose task never reached the broker)."""
    return services.webhook_deliveries_sweep()
