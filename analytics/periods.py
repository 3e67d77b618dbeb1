"""A store's days: calendar days in its time zone (``Store.time_zone``), as UTC instants."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

ONE_DAY = timedelta(days=1)


def day_start(store, day: date) -> datetime:
    """The instant the store's ``day`` begins (its local midnight, or the first moment after
    a daylight-saving gap)."""
    return datetime.combine(day, time.min, tzinfo=store.zoneinfo)


def span(store, first: date, last: date) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``): the days ``first``..``last``."""
    return day_start(store, first), day_start(store, last + ONE_DAY)


def store_today(store, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(store.zoneinfo).date()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def oldest_recomputable_day(store, now: datetime | None = None) -> date:
    """The oldest day a rollup may still be computed for: the day before it (read for the
    sessions carried over) must still be within the raw log's retention."""
    return store_today(store, now) - timedelta(days=settings.ANALYTICS_RETENTION_DAYS - 1)


def purge_before(store, now: datetime | None = None) -> datetime:
    """Raw interactions before this instant are past retention: whole days older than
    ``ANALYTICS_RETENTION_DAYS`` (the day before the oldest recomputable day and earlier)."""
    return day_start(store, oldest_recomputable_day(store, now) - ONE_DAY)
