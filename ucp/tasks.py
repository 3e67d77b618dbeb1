"""Celery tasks of the UCP server: thin, by id, safe to run twice (acks_late)."""

from celery import shared_task

from .services import webhooks


@shared_task(acks_late=True)
def deliver_order_webhook(webhook_id: int) -> str:
    """One attempt of an order event; a failure queues the next attempt after its delay
    (the row keeps it too, for the sweeper)."""
    outcome, delay = webhooks.order_webhook_attempt(webhook_id=webhook_id)
    if outcome == webhooks.RETRY:
        deliver_order_webhook.apply_async(args=(webhook_id,), countdown=delay)
    return outcome


@shared_task(acks_late=True)
def sweep_order_webhooks() -> int:
    """Beat, every minute: queue the order events whose next attempt is due."""
    due = webhooks.order_webhooks_due()
    for webhook_id in due:
        deliver_order_webhook.delay(webhook_id)
    return len(due)
