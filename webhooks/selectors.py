"""Reads of the webhooks app."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from merchant.models import Store

from .models import DeliveryState, WebhookDelivery


def due_delivery_ids(*, before: datetime, limit: int) -> list[int]:
    """Pending deliveries to enabled endpoints that were due at ``before``, oldest first.
    A delivery a worker is sending at this moment (its row is locked until the attempt is
    booked) is not due: it is skipped, not queued a second time."""
    with transaction.atomic():
        return list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                state=DeliveryState.PENDING, next_attempt_at__lte=before, endpoint__enabled=True
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )


def deliveries_for_store(*, store: Store) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(store=store).select_related("event", "endpoint")
