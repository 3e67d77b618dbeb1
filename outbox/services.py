"""Every write of the outbox: record a message with the change, send it after the commit,
sweep what the broker missed.

``outbox_message_add`` is called inside the caller's transaction, so the message commits or
rolls back with the change it belongs to. The commit hook then hands it to the broker; a
failure there is logged and the message waits for ``outbox_messages_sweep``. A message is
claimed before each hand-over (``attempts`` n -> n + 1 where it is still n), so the commit
hook and any number of sweepers never hand the same message over twice at once.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import broker
from .models import OutboxMessage
from .selectors import due_messages, sent_message_ids_before

log = logging.getLogger(__name__)

SENT, LEFT, TAKEN = "sent", "left", "taken"


def outbox_message_add(
    *, task: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxMessage:
    """Record the task named ``task`` (args and kwargs JSON-serialisable: ids, not rows) in
    the caller's transaction, and hand it to the broker after the commit."""
    message = OutboxMessage.objects.create(
        task=task,
        args=list(args),
        kwargs=kwargs or {},
        due_at=timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS),
    )
    transaction.on_commit(lambda: _send_after_commit(message))
    return message


def _send_after_commit(message: OutboxMessage) -> None:
    """The commit hook: whatever happens, the committed change keeps its answer."""
    if broker.paused():
        return  # a broker failure moments ago: the sweeper sends it
    try:
        outbox_message_send(message=message)
    except Exception:
        if broker.eager():
            raise  # no broker: the task ran here, and its own error is the caller's to see
        log.exception("Outbox message %s was not sent; the sweeper will send it", message.pk)


def outbox_message_send(*, message: OutboxMessage, now: datetime | None = None) -> str:
    """Claim the message at its ``attempts`` and hand it over: ``sent``; ``left`` when the
    broker failed (it is due again at once, for the next sweep); ``taken`` when another
    process claimed or sent it first."""
    now = now or timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, sent_at__isnull=True, attempts=message.attempts
    ).update(
        attempts=message.attempts + 1,
        due_at=now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
    )
    if not claimed:
        return TAKEN
    message.attempts += 1
    error = broker.publish(message.task, message.args, message.kwargs)
    if error:
        OutboxMessage.objects.filter(pk=message.pk).update(due_at=now, last_error=error)
        return LEFT
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), last_error="")
    return SENT


def outbox_messages_sweep(*, now: datetime | None = None) -> int:
    """Hand over every unsent message that is due, oldest first, stopping at the first
    broker failure (and not trying while a recent one pauses this process); returns how
    many were sent."""
    now = now or timezone.now()
    sent = 0
    for message in due_messages(before=now, limit=settings.OUTBOX_SWEEP_BATCH):
        if broker.paused():
            break
        outcome = outbox_message_send(message=message, now=now)
        if outcome == LEFT:
            break
        sent += outcome == SENT
    return sent


def outbox_messages_purge(*, now: datetime | None = None) -> int:
    """Delete messages sent more than ``OUTBOX_KEEP_SENT_DAYS`` ago (at most one batch a
    call); returns how many."""
    now = now or timezone.now()
    ids = sent_message_ids_before(
        now - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS), limit=settings.OUTBOX_SWEEP_BATCH
    )
    deleted, _ = OutboxMessage.objects.filter(pk__in=ids).delete()
    return deleted
