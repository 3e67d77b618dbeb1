"""Every metric against a hand-built set of events, read from the raw tables (no rollups):
the store's days in its own time zone, tests and carts excluded, refunds by completion."""

from datetime import date

import pytest

from analytics.selectors import analytics_summary, analytics_timeseries
from isp.tests.factories import sandbox_on
from merchant.tests.factories import StoreFactory

from .conftest import END, EXPECTED, NOW, START
from .factories import InteractionFactory, launch, utc

pytestmark = pytest.mark.django_db


def test_summary_of_the_hand_built_events(events):
    assert analytics_summary(store=events.store, start=START, end=END, now=NOW) == EXPECTED


def test_a_sandbox_store_counts_its_test_subscriptions(events):
    sandbox_on(events.store)
    metrics = analytics_summary(store=events.store, start=START, end=END, now=NOW)
    assert metrics["active_subscriptions"] == 3


def test_one_day_alone_counts_the_sessions_that_ran_past_its_midnight(events):
    metrics = analytics_summary(store=events.store, start=END, end=END, now=NOW)
    assert metrics["sessions"] == 2  # C and G
    eleventh = analytics_summary(store=events.store, start=date(2026, 11, 11), end=END, now=NOW)
    assert eleventh["sessions"] == 3  # B (from the 10th), C and G
    assert eleventh["sessions_by_end"] == {
        "skill_ended": 2,
        "user_ended": 0,
        "no_response": 1,
        "failed": 0,
    }


def test_timeseries_gives_each_local_day_its_own_values(events):
    def series(metric):
        points = analytics_timeseries(
            store=events.store, metric=metric, start=START, end=END, now=NOW
        )
        assert [p["date"] for p in points] == ["2026-11-10", "2026-11-11", "2026-11-12"]
        return [p["value"] for p in points]

    assert series("orders_placed") == [2, 0, 1]
    assert series("gross_revenue") == ["30.80", "0.00", "5.00"]
    assert series("refunded_amount") == ["0.00", "3.00", "0.00"]
    assert series("net_revenue") == ["30.80", "-3.00", "5.00"]
    assert series("average_order_value") == ["15.40", None, "5.00"]
    assert series("orders_cancelled") == [0, 0, 1]
    # A (carried over from the 9th) and B; B again; C and G.
    assert series("sessions") == [2, 1, 2]
    assert series("unique_customers") == [2, 1, 1]
    assert series("new_customers") == [0, 1, 0]
    assert series("returning_customers") == [2, 0, 1]
    assert series("utterances") == [1, 1, 1]
    assert series("failed_utterances") == [0, 1, 0]
    assert series("isp_purchases") == [1, 1, 2]
    assert series("estimated_isp_earnings") == [
        {"USD": "2.79"},
        {"USD": "2.09"},
        {"GBP": "1.39"},
    ]
    assert series("active_subscriptions") == [1, 1, 2]


def test_days_that_have_not_begun_are_null_and_count_nothing(events):
    today = date(2026, 11, 20)
    launch(store=events.store, session_id="today", at=utc(2026, 11, 20, 17))
    points = analytics_timeseries(
        store=events.store, metric="sessions", start=today, end=date(2026, 11, 22), now=NOW
    )
    assert points == [
        {"date": "2026-11-20", "value": 1},
        {"date": "2026-11-21", "value": None},
        {"date": "2026-11-22", "value": None},
    ]
    future = analytics_summary(
        store=events.store, start=date(2026, 11, 21), end=date(2026, 11, 22), now=NOW
    )
    assert future["sessions"] == future["orders_placed"] == future["active_subscriptions"] == 0
    assert future["gross_revenue"] == "0.00" and future["estimated_isp_earnings"] == {}


def test_the_day_daylight_saving_time_ends_lasts_25_hours():
    """1 November 2026 in Los Angeles: 07:00Z (PDT) to 08:00Z on the 2nd (PST)."""
    store = StoreFactory(time_zone="America/Los_Angeles")
    launch(store=store, session_id="early", at=utc(2026, 11, 1, 7, 0))  # 00:00 PDT
    launch(store=store, session_id="late", at=utc(2026, 11, 2, 7, 30))  # 23:30 PST
    launch(store=store, session_id="before", at=utc(2026, 11, 1, 6, 59))  # 31 Oct
    launch(store=store, session_id="after", at=utc(2026, 11, 2, 8, 0))  # 2 Nov
    points = analytics_timeseries(
        store=store,
        metric="sessions",
        start=date(2026, 10, 31),
        end=date(2026, 11, 2),
        now=NOW,
    )
    assert [p["value"] for p in points] == [1, 2, 1]


def test_a_store_in_utc_sees_the_same_events_on_other_days(events):
    events.store.time_zone = "UTC"
    events.store.save(update_fields=["time_zone"])
    points = analytics_timeseries(
        store=events.store, metric="orders_placed", start=START, end=END, now=NOW
    )
    # 10 Nov 09:00Z; 11 Nov 07:30Z; 12 Nov 12:00Z (10 Nov 07:59Z is the 10th in UTC too).
    assert [p["value"] for p in points] == [2, 1, 1]


def test_only_the_given_stores_events_count(events):
    other = StoreFactory(time_zone="America/Los_Angeles")
    InteractionFactory(store=other, session_id="A", at=utc(2026, 11, 11, 12))
    metrics = analytics_summary(store=other, start=START, end=END, now=NOW)
    assert (metrics["sessions"], metrics["unique_customers"], metrics["orders_placed"]) == (
        1,
        1,
        0,
    )
