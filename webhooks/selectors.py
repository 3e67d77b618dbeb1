"""Reads of the webhooks app."""

from django.db.models import QuerySet

from .models import DeliveryState, WebhookDelivery


def due_delivery_ids(*, before, limit: int) -> list[int]:
    """Pending deliveries to enabled endpoints that were due at ``before``, oldest first."""
    return list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=before, endpoint__enabled=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_for_store(*, store) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(store=store).select_related("event", "endpoint")
