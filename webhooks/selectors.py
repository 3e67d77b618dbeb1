"""Reads of the webhooks app."""

from datetime import datetime

from django.db.models import QuerySet

from merchant.models import Store

from .models import DeliveryState, WebhookDelivery


def due_delivery_ids(*, before: datetime, limit: int) -> list[int]:
    """Pending deliveries to enabled endpoints that were due at ``before``, oldest first."""
    return list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=before, endpoint__enabled=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_for_store(*, store: Store) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(store=store).select_related("event", "endpoint")
