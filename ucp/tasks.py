"""Celery tasks of the UCP server: thin, by id, safe to run twice (acks_late)."""

from celery import shared_task

from outbox import broker

from .services import webhooks

# Without a broker (development, tests: tasks run in the web process at once) a failed
# delivery is retried right away this many times at most, so a request never waits for a
# platform that is down; with a broker every retry waits its delay.
EAGER_RETRIES = 2


@shared_task(acks_late=True)
def deliver_order_webhook(webhook_id: int, retry: int = 0) -> str:
    """One attempt of an order event; a failure queues the next attempt after its delay
    (the row keeps it too, for the sweeper)."""
    outcome, delay = webhooks.order_webhook_attempt(webhook_id=webhook_id)
    if outcome == webhooks.RETRY and (not broker.eager() or retry < EAGER_RETRIES):
        deliver_order_webhook.apply_async(args=(webhook_id, retry + 1), countdown=delay)
    return outcome


@shared_task(acks_late=True)
def sweep_order_webhooks() -> int:
    """Beat, every minute: queue the order events whose next attempt is due."""
    due = webhooks.order_webhooks_due()
    for webhook_id in due:
        deliver_order_webhook.delay(webhook_id)
    return len(due)
