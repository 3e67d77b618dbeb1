"""The dashboard's ranges: today, the last 7, 30 or 90 days (today included), or custom
days, all calendar days in the store's time zone, each compared with the period of the same
length just before it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.http import urlencode

from .. import periods

PRESETS = {"today": 1, "7": 7, "30": 30, "90": 90}
CHOICES = [("today", "Today"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")]
CUSTOM = "custom"
DEFAULT = "30"


@dataclass(frozen=True)
class Period:
    key: str  # a preset or "custom"
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        """The same number of days just before."""
        end = self.start - timedelta(days=1)
        return Period(self.key, end - timedelta(days=self.days - 1), end)

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def params(self) -> dict:
        """The query parameters that name this range (links, CSV downloads, redirects)."""
        if self.key == CUSTOM:
            return {"range": CUSTOM, "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"range": self.key}

    def query(self) -> str:
        return urlencode(self.params())


def preset(store, key: str, *, now=None) -> Period:
    today = periods.store_today(store, now)
    return Period(key, today - timedelta(days=PRESETS[key] - 1), today)


def custom(start: date, end: date) -> Period:
    return Period(CUSTOM, start, end)


def longest_days() -> int:
    return settings.ANALYTICS_MAX_RANGE_DAYS
