"""The demo history: made through the skill and the services at past moments, repeatable,
kept when seeded again, and alive in the support console and the interaction log."""

from datetime import UTC, datetime, timedelta

import pytest

from analytics.models import DailyRollup
from demo.history import USER_PREFIX, seed_history
from demo.isp_seed import seed_demo_isp
from demo.seed import seed_demo_store, seed_demos
from isp.models import IspPurchaseResult
from orders.models import Customer, Order, OrderStatus
from skill.models import Interaction

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def stores(db, settings):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    no_nicks = seed_demo_store().store
    return no_nicks, seed_demo_isp(no_nicks)


def test_history_is_made_in_the_past_through_the_skill_and_kept(stores):
    no_nicks, sleep_well = stores
    summary = seed_history(no_nicks, days=14, now=NOW)
    assert summary.sessions > 20 and summary.orders > 3
    log = Interaction.objects.filter(store=no_nicks)
    first, last = log.order_by("created_at").first(), log.order_by("created_at").last()
    assert NOW - timedelta(days=14) <= first.created_at < last.created_at < NOW
    assert log.filter(request_type="LaunchRequest").count() == summary.sessions
    assert log.filter(outcome="order_placed").count() == summary.orders
    # Each Amazon Pay directive ends a session; Alexa comes back with the result in a new one.
    sessions = log.order_by().values("session_id").distinct().count()
    hops = log.filter(request_type="Connections.Response").count()
    assert sessions == summary.sessions + hops
    placed = Order.objects.filter(store=no_nicks).exclude(status=OrderStatus.DRAFT)
    assert placed.count() >= summary.orders
    assert all(NOW - timedelta(days=14) <= o.placed_at < NOW for o in placed if o.placed_at)
    assert placed.filter(status=OrderStatus.DELIVERED).exists()
    shoppers = Customer.objects.filter(store=no_nicks, alexa_user_id__startswith=USER_PREFIX)
    assert shoppers.count() > 3
    again = seed_history(no_nicks, days=14, now=NOW)
    assert again.sessions == 0
    assert Interaction.objects.filter(store=no_nicks).count() == log.count()


def test_the_digital_store_gets_sessions_and_in_skill_purchases(stores):
    _, sleep_well = stores
    summary = seed_history(sleep_well, days=10, now=NOW)
    assert summary.orders == 0 and summary.sessions > 10
    results = IspPurchaseResult.objects.filter(store=sleep_well)
    assert results.filter(result="ACCEPTED").count() == summary.purchases
    assert all(NOW - timedelta(days=10) <= r.created_at < NOW for r in results)


def test_seed_demos_rolls_the_history_up_for_the_dashboard(db, settings):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    result = seed_demos(days=3)
    assert [summary.sessions > 0 for summary in result.history] == [True, True]
    rolled = DailyRollup.objects.filter(store=result.store).order_by("day")
    assert rolled.count() == 3
    assert sum(r.sessions for r in rolled) > 0
