"""Retention of the raw interaction log: only rows past retention on days already rolled up
are deleted, in batches, and no aggregate changes."""

import logging
from datetime import date

import pytest

from analytics import services, tasks
from analytics.selectors import analytics_summary
from merchant.tests.factories import StoreFactory
from skill.models import Interaction

from .factories import InteractionFactory, utc
from .test_rollups import rows

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 20, 18, 0)  # 20 November, 10:00 in Los Angeles


@pytest.fixture
def store(settings):
    # Retention of 10 days: days up to 9 November (local) are past it; the 10th is kept
    # (the day before the oldest day a rollup may still be recomputed, the 11th).
    settings.ANALYTICS_RETENTION_DAYS = 10
    store = StoreFactory(time_zone="America/Los_Angeles")
    for at in [
        utc(2026, 11, 5, 20),
        utc(2026, 11, 6, 20),  # never rolled up
        utc(2026, 11, 8, 20),
        utc(2026, 11, 8, 21),
        utc(2026, 11, 10, 7, 59),  # 9 Nov, 23:59 local
        utc(2026, 11, 10, 8, 0),  # 10 Nov, 00:00 local: kept
        utc(2026, 11, 15, 20),
    ]:
        InteractionFactory(store=store, at=at)
    for day in (date(2026, 11, 5), date(2026, 11, 8), date(2026, 11, 9)):
        services.store_rollup_days(store=store, first=day, last=day, now=NOW)
    services.store_rollup_days(
        store=store, first=date(2026, 11, 10), last=date(2026, 11, 19), now=NOW
    )
    return store


def remaining(store):
    return sorted(Interaction.objects.filter(store=store).values_list("created_at", flat=True))


def test_only_rolled_up_days_past_retention_are_purged_and_nothing_else_changes(store, caplog):
    rolled_up = rows(store)
    summary = analytics_summary(
        store=store, start=date(2026, 11, 1), end=date(2026, 11, 20), now=NOW
    )
    with caplog.at_level(logging.WARNING, logger="analytics.services"):
        assert services.interactions_purge(store=store, now=NOW, batch=2) == 4
    assert remaining(store) == [
        utc(2026, 11, 6, 20),
        utc(2026, 11, 10, 8, 0),
        utc(2026, 11, 15, 20),
    ]
    assert "1 days past retention are not rolled up" in caplog.text
    assert rows(store) == rolled_up
    assert (
        analytics_summary(store=store, start=date(2026, 11, 1), end=date(2026, 11, 20), now=NOW)
        == summary
    )
    # A purged day is never recomputed (its raw rows are gone); running again deletes nothing.
    assert (
        services.store_rollup_days(
            store=store, first=date(2026, 11, 8), last=date(2026, 11, 8), now=NOW
        )
        == []
    )
    assert rows(store) == rolled_up
    assert services.interactions_purge(store=store, now=NOW, batch=2) == 0


def test_a_run_stops_after_its_batches_and_the_next_goes_on(store):
    assert services.interactions_purge(store=store, now=NOW, batch=1, max_batches=3) == 3
    assert services.interactions_purge(store=store, now=NOW, batch=1, max_batches=3) == 1
    assert len(remaining(store)) == 3


def test_the_beat_task_purges_every_store(settings):
    settings.ANALYTICS_RETENTION_DAYS = 1
    stores = [StoreFactory(time_zone="UTC"), StoreFactory(time_zone="Asia/Tokyo")]
    for store in stores:
        InteractionFactory(store=store, at=utc(2020, 1, 1, 12))
        services.store_rollup_days(store=store, first=date(2020, 1, 1), last=date(2020, 1, 1))
        InteractionFactory(store=store)  # now
    assert tasks.purge_old_interactions() == 2
    assert [Interaction.objects.filter(store=s).count() for s in stores] == [1, 1]
