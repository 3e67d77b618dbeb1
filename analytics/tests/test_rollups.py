"""Daily rollups: idempotent, equal to the raw computation, late rows picked up, snapshots
kept, erasure changing nothing, and a summary's query count independent of the data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import periods, services, tasks
from analytics.models import DailyActiveCustomer, DailyIntentCount, DailyRollup
from analytics.selectors import analytics_summary, analytics_timeseries
from isp.tests.factories import subscription
from merchant.tests.factories import StoreFactory
from orders.services import customer_erase
from orders.tests.factories import CustomerFactory, OrderFactory

from .conftest import END, EXPECTED, NOW, START
from .factories import EntitlementFactory, InteractionFactory, launch, utc

pytestmark = pytest.mark.django_db


def rows(store):
    return (
        list(
            DailyRollup.objects.filter(store=store)
            .order_by("day")
            .values_list(
                "day",
                "orders_placed",
                "gross_revenue",
                "orders_cancelled",
                "refunded_amount",
                "charged_back_amount",
                "orders_by_payment_mode",
                "sessions",
                "sessions_carried_over",
                "sessions_by_end",
                "unique_customers",
                "new_customers",
                "utterances",
                "failed_utterances",
                "isp_purchases",
                "isp_test_purchases",
                "isp_list_prices",
                "active_subscriptions",
            )
        ),
        list(
            DailyActiveCustomer.objects.filter(store=store)
            .order_by("day", "customer_id")
            .values_list("day", "customer_id", "is_new")
        ),
        list(
            DailyIntentCount.objects.filter(store=store)
            .order_by("day", "intent")
            .values_list("day", "intent", "utterances", "failed")
        ),
    )


def roll_up(store, first=date(2026, 11, 1), last=date(2026, 11, 19), now=NOW):
    return services.store_rollup_days(store=store, first=first, last=last, now=now)


def test_rolling_up_twice_writes_the_same_rows(events):
    assert roll_up(events.store) == periods.days(date(2026, 11, 1), date(2026, 11, 19))
    first = rows(events.store)
    roll_up(events.store)
    assert rows(events.store) == first
    tenth = DailyRollup.objects.get(store=events.store, day=START)
    assert (tenth.orders_placed, str(tenth.gross_revenue), tenth.sessions) == (2, "30.80", 2)
    assert tenth.orders_by_payment_mode == {
        "charge_now": {"orders": 1, "gross": "10.80"},
        "pay_on_delivery": {"orders": 1, "gross": "20.00"},
    }
    assert tenth.isp_list_prices == {"USD": "3.99"}
    c1, c2 = events.c1.pk, events.c2.pk
    assert [(d.day, c) for d, c, _ in first[1] if c in (c1, c2)] == [
        (9, c1),  # session A opened on the 9th, local time
        (10, c1),
        (10, c2),  # session B opened at 23:55
        (11, c2),
        (12, c1),
    ]
    assert [new for _, c, new in first[1] if c == c2] == [False, True]  # created the 11th
    assert DailyRollup.objects.filter(store=events.store).count() == 19


def test_today_and_days_that_have_not_ended_are_never_rolled_up(events):
    assert roll_up(events.store, first=date(2026, 11, 19), last=date(2026, 11, 22)) == [
        date(2026, 11, 19)
    ]


def test_a_summary_from_rollups_equals_the_raw_computation(events):
    raw = analytics_summary(store=events.store, start=START, end=END, now=NOW)
    whole = analytics_summary(store=events.store, start=date(2026, 11, 1), end=NOW.date(), now=NOW)
    series = analytics_timeseries(
        store=events.store, metric="sessions", start=START, end=END, now=NOW
    )
    roll_up(events.store)
    assert analytics_summary(store=events.store, start=START, end=END, now=NOW) == raw == EXPECTED
    assert (
        analytics_summary(store=events.store, start=date(2026, 11, 1), end=NOW.date(), now=NOW)
        == whole
    )
    assert (
        analytics_timeseries(store=events.store, metric="sessions", start=START, end=END, now=NOW)
        == series
    )
    # A day missing in the middle is read from the raw tables.
    DailyRollup.objects.filter(store=events.store, day=date(2026, 11, 11)).delete()
    DailyIntentCount.objects.filter(store=events.store, day=date(2026, 11, 11)).delete()
    assert analytics_summary(store=events.store, start=START, end=END, now=NOW) == EXPECTED


def test_the_next_run_picks_up_late_rows_and_keeps_the_subscription_snapshot(events):
    roll_up(events.store)
    InteractionFactory(store=events.store, session_id="late", at=utc(2026, 11, 18, 12))
    EntitlementFactory(product=subscription(store=events.store), at=utc(2026, 11, 18, 12))
    roll_up(events.store, first=date(2026, 11, 17), last=date(2026, 11, 19))
    eighteenth = DailyRollup.objects.get(store=events.store, day=date(2026, 11, 18))
    assert (eighteenth.sessions, eighteenth.utterances) == (1, 1)
    assert eighteenth.active_subscriptions == 3  # as first rolled up, not 4


def test_the_beat_task_rolls_up_each_stores_last_closed_days(settings):
    settings.ANALYTICS_RECOMPUTE_DAYS = 3
    la = StoreFactory(time_zone="America/Los_Angeles")
    tokyo = StoreFactory(time_zone="Asia/Tokyo")
    assert tasks.rollup_recent_days() == 6
    for store in (la, tokyo):
        yesterday = periods.store_today(store) - timedelta(days=1)
        days = list(DailyRollup.objects.filter(store=store).values_list("day", flat=True))
        assert sorted(days) == [
            yesterday - timedelta(days=2),
            yesterday - timedelta(days=1),
            yesterday,
        ]
    assert tasks.rollup_recent_days() == 6
    assert DailyRollup.objects.count() == 6


def test_an_erased_shopper_stays_counted_and_a_deleted_one_stays_in_closed_days(events):
    roll_up(events.store)
    before = rows(events.store)
    customer_erase(customer=events.c2)
    roll_up(events.store)
    assert rows(events.store) == before
    assert analytics_summary(store=events.store, start=START, end=END, now=NOW) == EXPECTED

    # A shopper with nothing but requests can be deleted: the log keeps the rows, customer
    # NULL. Closed days keep counting them; the raw log alone no longer can.
    gone = CustomerFactory(store=events.store)
    InteractionFactory(store=events.store, customer=gone, session_id="X", at=utc(2026, 11, 11))
    roll_up(events.store)
    counted = analytics_summary(store=events.store, start=START, end=END, now=NOW)
    assert counted["unique_customers"] == 3
    gone.delete()
    roll_up(events.store)
    assert analytics_summary(store=events.store, start=START, end=END, now=NOW) == counted
    DailyRollup.objects.filter(store=events.store).delete()
    raw = analytics_summary(store=events.store, start=START, end=END, now=NOW)
    assert raw["unique_customers"] == 2


def summary_queries(store, start, end, now):
    with CaptureQueriesContext(connection) as queries:
        analytics_summary(store=store, start=start, end=end, now=now)
    return len(queries)


def grow(store, n: int):
    """n more orders, sessions and shoppers a day over the 90 days before NOW."""
    for day in range(90):
        at = NOW - timedelta(days=day, hours=3)
        for k in range(n):
            customer = CustomerFactory(store=store)
            OrderFactory(store=store, customer=customer, placed_at=at)
            launch(store=store, customer=customer, session_id=f"g{day}-{k}", at=at)
            InteractionFactory(store=store, customer=customer, session_id=f"g{day}-{k}", at=at)


def test_a_90_day_summary_takes_the_same_9_queries_for_more_data(events):
    # 10 before the raw sessions' rows counted each day's shoppers too.
    start = NOW.date() - timedelta(days=89)
    roll_up(events.store, first=start, last=NOW.date())
    assert summary_queries(events.store, start, NOW.date(), NOW) == 9
    grow(events.store, 2)
    roll_up(events.store, first=start, last=NOW.date())
    assert summary_queries(events.store, start, NOW.date(), NOW) == 9
    metrics = analytics_summary(store=events.store, start=start, end=NOW.date(), now=NOW)
    assert metrics["orders_placed"] == 6 + 180  # the events' (3 on 10-12 Nov), the grown
    assert metrics["unique_customers"] == 3 + 180  # c1, c2, c5 and the grown shoppers
