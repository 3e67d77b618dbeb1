"""Reads of publishing: the store's connection and its publishes."""

from merchant.models import Store
from voicelab.models import SkillPublish, SmapiConnection, SmapiEvent

PAST_PUBLISHES = 20


def connection_of_store(store: Store) -> SmapiConnection | None:
    return SmapiConnection.objects.filter(store=store).first()


def store_publishes(*, store: Store, limit: int = PAST_PUBLISHES) -> list[SkillPublish]:
    return list(
        SkillPublish.objects.filter(store=store)
        .select_related("started_by")
        .order_by("-started_at", "-pk")[:limit]
    )


def store_publish(*, store: Store, publish_id) -> SkillPublish | None:
    return SkillPublish.objects.filter(store=store, pk=publish_id).first()


def smapi_events(*, store: Store, limit: int = 20) -> list[SmapiEvent]:
    return list(SmapiEvent.objects.filter(store=store).select_related("actor")[:limit])
