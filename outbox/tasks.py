"""The outbox's beat task: thin, safe to run twice or at once in two workers (each message
is claimed before it is handed over)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Beat, every minute: send the messages the broker missed (a failure at the commit, or
    a process that died before sending), then forget old sent ones. Returns how many were
    sent."""
    sent = services.outbox_messages_sweep()
    services.outbox_messages_purge()
    return sent
