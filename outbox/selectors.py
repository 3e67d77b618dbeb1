"""Reads of the outbox."""

from datetime import datetime

from .models import OutboxMessage


def due_messages(*, before: datetime, limit: int) -> list[OutboxMessage]:
    """Unsent messages due at ``before``, in the order the changes made them."""
    return list(
        OutboxMessage.objects.filter(sent_at__isnull=True, due_at__lte=before).order_by("pk")[
            :limit
        ]
    )


def sent_message_ids_before(before: datetime, *, limit: int) -> list[int]:
    return list(
        OutboxMessage.objects.filter(sent_at__lt=before)
        .order_by("sent_at")
        .values_list("pk", flat=True)[:limit]
    )
