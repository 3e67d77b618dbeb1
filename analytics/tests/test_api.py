"""The analytics API: answers, store scoping and authentication as the orders API, 400s that
say what is wrong, and the OpenAPI schema."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from analytics import periods, tasks
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.tests.factories import OrderFactory

from .factories import InteractionFactory, launch

pytestmark = pytest.mark.django_db


def api_as(store, role=Role.OWNER):
    client = APIClient()
    client.force_authenticate(MembershipFactory(store=store, role=role).user)
    return client


@pytest.fixture
def store():
    """A store in Tokyo with an order and a session yesterday and a session today (local)."""
    store = StoreFactory(slug="tokyo", time_zone="Asia/Tokyo", currency="USD")
    today = periods.store_today(store)
    yesterday_noon = periods.day_start(store, today - timedelta(days=1)) + timedelta(hours=12)
    OrderFactory(store=store, placed_at=yesterday_noon, total=Decimal("21.60"))
    InteractionFactory(store=store, session_id="y", at=yesterday_noon)
    launch(store=store, session_id="t")
    return store


def get(client, path, **params):
    return client.get(f"/api/analytics/{path}/", params)


def test_summary_answers_the_stores_metrics_over_its_days(store):
    today = periods.store_today(store)
    start = today - timedelta(days=6)
    response = get(api_as(store), "summary", store="tokyo", start=start, end=today)
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("store", "time_zone", "start", "end", "currency")} == {
        "store": "tokyo",
        "time_zone": "Asia/Tokyo",
        "start": start.isoformat(),
        "end": today.isoformat(),
        "currency": "USD",
    }
    metrics = body["metrics"]
    assert {
        key: metrics[key]
        for key in (
            "orders_placed",
            "gross_revenue",
            "refunded_amount",
            "net_revenue",
            "sessions",
            "unique_customers",
            "utterances",
            "isp_purchases",
            "estimated_isp_earnings",
            "active_subscriptions",
        )
    } == {
        "orders_placed": 1,
        "gross_revenue": "21.60",
        "refunded_amount": "0.00",
        "net_revenue": "21.60",
        "sessions": 2,
        "unique_customers": 2,
        "utterances": 1,
        "isp_purchases": 0,
        "estimated_isp_earnings": {},
        "active_subscriptions": 0,
    }
    # The same from the rollups of the closed days.
    tasks.rollup_recent_days()
    assert get(api_as(store), "summary", store="tokyo", start=start, end=today).json() == body


def test_timeseries_gives_one_value_per_day(store):
    today = periods.store_today(store)
    start = today - timedelta(days=2)
    response = get(
        api_as(store), "timeseries", store="tokyo", metric="sessions", start=start, end=today
    )
    assert response.status_code == 200
    assert response.json() == {
        "store": "tokyo",
        "time_zone": "Asia/Tokyo",
        "metric": "sessions",
        "start": start.isoformat(),
        "end": today.isoformat(),
        "points": [
            {"date": start.isoformat(), "value": 0},
            {"date": (start + timedelta(days=1)).isoformat(), "value": 1},
            {"date": today.isoformat(), "value": 1},
        ],
    }


@pytest.mark.parametrize("path", ["summary", "timeseries"])
def test_another_stores_slug_is_not_found_as_in_the_orders_api(store, path):
    mine = StoreFactory(slug="mine")
    params = {"start": "2026-11-01", "end": "2026-11-02", "metric": "sessions"}
    assert get(api_as(mine), path, store="tokyo", **params).status_code == 404
    assert get(api_as(mine), path, store="nowhere", **params).status_code == 404
    assert get(api_as(store, Role.CATALOG_EDITOR), path, store="tokyo", **params).status_code == 404
    assert get(api_as(store, Role.SUPPORT_AGENT), path, store="tokyo", **params).status_code == 200
    assert get(APIClient(), path, store="tokyo", **params).status_code == 401


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"start": "2026-11-31", "end": "2026-12-01"}, "start", "Date has wrong format"),
        ({"start": "yesterday", "end": "2026-12-01"}, "start", "Date has wrong format"),
        ({"start": "2026-11-02", "end": "2026-11-01"}, "end", "The end date is before the start"),
        ({"start": "2025-10-31", "end": "2026-11-01"}, "end", "A range covers at most 366 days"),
        ({"end": "2026-11-01"}, "start", "This field is required."),
        ({"start": "2026-11-01", "end": "2026-11-01", "metric": "nps"}, "metric", '"nps" is not'),
    ],
)
def test_bad_requests_say_what_is_wrong(store, params, field, message):
    params.setdefault("metric", "sessions")
    response = get(api_as(store), "timeseries", store="tokyo", **params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_a_year_is_the_longest_range(store):
    ok = get(api_as(store), "summary", store="tokyo", start="2025-11-02", end="2026-11-02")
    assert ok.status_code == 200


def test_the_summarys_query_count_does_not_depend_on_the_data(store):
    client = api_as(store)
    today = periods.store_today(store)
    params = {"store": "tokyo", "start": today - timedelta(days=89), "end": today}
    tasks.rollup_recent_days()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert get(client, "summary", **params).status_code == 200
        return len(queries)

    small = count()
    for n in range(30):
        launch(store=store, session_id=f"more-{n}")
        OrderFactory(store=store, placed_at=periods.day_start(store, today))
    assert count() == small


def test_the_openapi_schema_describes_both_endpoints(store):
    schema = (
        api_as(store).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    summary = schema["paths"]["/api/analytics/summary/"]["get"]
    assert [p["name"] for p in summary["parameters"]] == ["end", "start", "store"]
    timeseries = schema["paths"]["/api/analytics/timeseries/"]["get"]
    metric = next(p for p in timeseries["parameters"] if p["name"] == "metric")
    assert "estimated_isp_earnings" in metric["schema"]["enum"]
    metrics = schema["components"]["schemas"]["Metrics"]["properties"]
    assert {"orders_placed", "net_revenue", "estimated_isp_earnings"} <= set(metrics)
    assert "charged_back_amount" in metric["schema"]["enum"]
    assert metrics["charged_back_amount"]["description"] == (
        "Card-dispute chargebacks booked in the range minus the chargeback reversals booked in "
        "it (disputes the store won), whatever the order's date."
    )
