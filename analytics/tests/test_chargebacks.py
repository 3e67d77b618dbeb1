"""Chargebacks in the analytics: booked through the orders services (a real placed order, a
refund settled on the sandbox gateway, a dispute's chargeback and its partial reversal on
other days), counted by the ledger row's day in the store's time zone, net of reversals,
taken off net revenue alike from the raw tables and from the rollups, in the API and on the
owner's dashboard; another store's and a test order's chargebacks never counted."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from analytics import services
from analytics.models import DailyRollup
from analytics.selectors import analytics_summary, analytics_timeseries
from merchant.models import PaymentMode, Role, Store
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services as orders
from orders.tests.helpers import place_order

from .factories import utc
from .test_dashboard import figure

pytestmark = pytest.mark.django_db

D = Decimal
NOW = utc(2026, 11, 20, 18, 0)  # 20 November, 10:00 in Los Angeles
START, END = date(2026, 11, 10), date(2026, 11, 14)
MONEY = ("gross_revenue", "refunded_amount", "charged_back_amount", "net_revenue")
# (gross, refunded, charged back, net) per local day and over the range.
DAYS = [
    ("2026-11-10", ("21.60", "0.00", "0.00", "21.60")),  # the order placed
    ("2026-11-11", ("0.00", "5.00", "0.00", "-5.00")),  # the refund settled at 23:00
    ("2026-11-12", ("0.00", "0.00", "10.00", "-10.00")),  # the chargeback at 23:30
    ("2026-11-13", ("0.00", "0.00", "0.00", "0.00")),
    ("2026-11-14", ("0.00", "0.00", "-4.00", "4.00")),  # 4.00 reinstated at 00:30
]
TOTALS = ("21.60", "5.00", "6.00", "10.60")


def travel(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def store():
    """A Los Angeles store (UTC-8 in November): a $21.60 order placed on the 10th, $5.00 of
    it refunded, $10.00 charged back in a dispute, $4.00 of that reinstated; on the same
    days a test order charged back in full, and another store's order charged back."""
    store = StoreFactory(
        slug="la-disputes", time_zone="America/Los_Angeles", payment_mode=PaymentMode.CHARGE_NOW
    )
    other = StoreFactory(slug="elsewhere", time_zone="America/Los_Angeles")
    with travel(utc(2026, 11, 10, 18)):
        order = place_order(store)
        test_order = place_order(store, is_test=True)
        elsewhere = place_order(other)
    with travel(utc(2026, 11, 11, 18)):
        refund = orders.order_refund(order=order, amount=D("5.00"), reason="Dented")
    with travel(utc(2026, 11, 12, 7)):  # 11 November, 23:00 local
        orders.refund_settle(transaction_id=refund.pk)
    with travel(utc(2026, 11, 13, 7, 30)):  # 12 November, 23:30 local
        for disputed, dispute_id, amount in (
            (order, "dp_la_1", "10.00"),
            (test_order, "dp_la_test", "21.60"),
            (elsewhere, "dp_elsewhere", "7.00"),
        ):
            assert orders.order_book_chargeback(
                order=disputed, dispute_id=dispute_id, amount=D(amount), gateway="stripe"
            )
    with travel(utc(2026, 11, 14, 8, 30)):  # 14 November, 00:30 local
        assert orders.order_book_chargeback_reversal(
            order=order, dispute_id="dp_la_1", amount=D("4.00"), gateway="stripe"
        )
        assert orders.order_book_chargeback_reversal(
            order=test_order, dispute_id="dp_la_test", gateway="stripe"
        )
    return store


def figures(store, start=START, end=END):
    """(the range's totals, each day's figures), as the selectors answer them."""
    summary = analytics_summary(store=store, start=start, end=end, now=NOW)
    series = {
        metric: analytics_timeseries(store=store, metric=metric, start=start, end=end, now=NOW)
        for metric in MONEY
    }
    days = [
        (point["date"], tuple(series[metric][n]["value"] for metric in MONEY))
        for n, point in enumerate(series[MONEY[0]])
    ]
    return tuple(summary[metric] for metric in MONEY), days


def roll_up(store):
    return services.store_rollup_days(
        store=store, first=date(2026, 11, 1), last=date(2026, 11, 19), now=NOW
    )


def test_raw_and_rolled_up_reads_give_the_same_figures(store):
    assert not DailyRollup.objects.filter(store=store).exists()
    raw = figures(store)
    assert raw == (TOTALS, DAYS)
    roll_up(store)
    assert list(
        DailyRollup.objects.filter(store=store, day__range=(START, END))
        .order_by("day")
        .values_list("day", "refunded_amount", "charged_back_amount")
    ) == [
        (date(2026, 11, 10), D("0.00"), D("0.00")),
        (date(2026, 11, 11), D("5.00"), D("0.00")),
        (date(2026, 11, 12), D("0.00"), D("10.00")),
        (date(2026, 11, 13), D("0.00"), D("0.00")),
        (date(2026, 11, 14), D("0.00"), D("-4.00")),
    ]
    assert figures(store) == raw
    # A range that ends before the reversal keeps the whole chargeback.
    assert figures(store, end=date(2026, 11, 13))[0] == ("21.60", "5.00", "10.00", "6.60")


def test_another_stores_chargeback_is_its_own(store):
    other = Store.objects.get(slug="elsewhere")
    assert figures(other)[0] == ("21.60", "0.00", "7.00", "14.60")
    roll_up(other)
    assert figures(other)[0] == ("21.60", "0.00", "7.00", "14.60")
    assert figures(store) == (TOTALS, DAYS)  # unchanged by the other store's rollups


def api_get(store, path, **params):
    client = APIClient()
    client.force_authenticate(MembershipFactory(store=store, role=Role.OWNER).user)
    with travel(NOW):
        response = client.get(f"/api/analytics/{path}/", {"store": store.slug, **params})
    assert response.status_code == 200
    return response.json()


def test_the_api_answers_the_exact_amounts(store):
    def answers():
        span = {"start": START.isoformat(), "end": END.isoformat()}
        metrics = api_get(store, "summary", **span)["metrics"]
        series = {
            metric: [
                point["value"]
                for point in api_get(store, "timeseries", metric=metric, **span)["points"]
            ]
            for metric in ("charged_back_amount", "net_revenue")
        }
        return {metric: metrics[metric] for metric in MONEY}, series

    expected = (
        dict(zip(MONEY, TOTALS, strict=True)),
        {
            "charged_back_amount": ["0.00", "0.00", "10.00", "0.00", "-4.00"],
            "net_revenue": ["21.60", "-5.00", "-10.00", "0.00", "4.00"],
        },
    )
    assert answers() == expected
    roll_up(store)
    assert answers() == expected


def test_the_dashboard_shows_chargebacks_beside_refunds_when_there_are_any(store, client):
    client.force_login(MembershipFactory(store=store, role=Role.OWNER).user)

    def page(start, end):
        with travel(NOW):
            response = client.get(
                f"/dashboard/{store.slug}/", {"range": "custom", "start": start, "end": end}
            )
        assert response.status_code == 200
        return response.content.decode()

    shown = page("2026-11-10", "2026-11-14")
    assert figure(shown, "charged_back_amount") == ("$6.00", "+$6.00", "$0.00")
    assert figure(shown, "net_revenue") == ("$10.60", "+$10.60", "$0.00")
    assert 'class="change up bad">+$6.00' in shown  # more charged back is not good news
    assert shown.index('id="figure-refunded_amount"') < shown.index(
        'id="figure-charged_back_amount"'
    )
    # The period before had them: still shown.
    assert figure(page("2026-11-15", "2026-11-19"), "charged_back_amount") == (
        "$0.00",
        "−$6.00 (−100 %)",
        "$6.00",
    )
    # Neither period had any: not shown.
    assert 'id="figure-charged_back_amount"' not in page("2026-11-01", "2026-11-05")
