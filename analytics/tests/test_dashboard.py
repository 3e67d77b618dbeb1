"""The owner's dashboard page: the hand-built shop's exact numbers as the page shows them,
who may see it (owners; colleagues of other roles 403; other stores 404; the second factor),
the store chooser, the ranges, and a query count that does not depend on the data's size."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from analytics import periods
from catalog.tests.factories import ProductFactory
from isp.facts import DirectiveName
from isp.models import UpsellEvent, UpsellEventKind, UpsellExperiment
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory, UserFactory
from orders.models import Order, OrderChannel, RefillPlan, RefillPlanEvent
from orders.tests.factories import CustomerFactory, OrderFactory

from .dashboard_shop import NOW, RANGE, build_shop
from .factories import (
    EntitlementFactory,
    InteractionFactory,
    PurchaseResultFactory,
    RefundFactory,
    launch,
    session_ended,
)

pytestmark = pytest.mark.django_db

URL = "/dashboard/shop/"
# 83 before the summary, the previous period and the daily series read each day once (and
# the previous period's rollups, shoppers, refill plans and in-skill sales with the range's);
# 42 before the store came from the header's memberships, both periods' raw days were read
# in one batch (the sessions' rows counting the shoppers too), the funnel and the words in
# one pass over the range's requests, the ISP results, refill plans, experiments and
# retention's two sources each in one query.
PAGE_QUERIES = 23


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def shop(now):
    return build_shop()


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def figure(page: str, key: str) -> tuple[str, ...]:
    """(value, change, before) of the headline number ``key``."""
    found = re.search(
        rf'id="figure-{key}"><dt>.*?</dt><dd class="value">(.*?)</dd>'
        r'<dd class="change [a-z ]+">(.*?) <span class="muted">\(before: (.*?)\)</span>',
        page,
    )
    assert found, key
    return tuple(text(g) for g in found.groups())


def table(page: str, element_id: str) -> list[list[str]]:
    """The body rows of the first table inside the element ``element_id``."""
    start = page.index(f'id="{element_id}"')
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_owner_sees_the_shops_numbers(owner_client, shop):
    response = owner_client.get(URL, RANGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-11-16 to 2026-11-20 (5 days" in text(page)
    assert "compared with 2026-11-11 to 2026-11-15" in text(page)
    # Sales.
    assert [
        figure(page, key)
        for key in (
            "orders_placed",
            "gross_revenue",
            "refunded_amount",
            "net_revenue",
            "average_order_value",
            "orders_cancelled",
        )
    ] == [
        ("2", "+1 (+100 %)", "1"),
        ("$31.60", "+$1.60 (+5 %)", "$30.00"),
        ("$5.00", "+$5.00", "$0.00"),
        ("$26.60", "−$3.40 (−11 %)", "$30.00"),
        ("$15.80", "−$14.20 (−47 %)", "$30.00"),
        ("1", "+1", "0"),
    ]
    assert 'class="change up bad">+$5.00' in page  # more refunds is not good news
    assert table(page, "chart-sales") == [
        ["2026-11-16", "0", "0.00"],
        ["2026-11-17", "1", "21.60"],
        ["2026-11-18", "0", "0.00"],
        ["2026-11-19", "1", "10.00"],
        ["2026-11-20", "0", "0.00"],
    ]
    assert table(page, "chart-payment-modes") == [
        ["Amazon Pay, charged at once", "1", "21.60"],
        ["Pay on delivery", "1", "10.00"],
    ]
    assert "Active now: 1 ." in text(page)
    assert [figure(page, k) for k in ("plans_started", "plans_renewed", "plans_failed")] == [
        ("1", "no change", "1"),
        ("1", "+1", "0"),
        ("1", "+1", "0"),
    ]
    # Voice.
    assert [
        figure(page, key)
        for key in (
            "unique_customers",
            "new_customers",
            "returning_customers",
            "sessions",
            "utterances_per_session",
            "failed_share",
        )
    ] == [
        ("3", "+2 (+200 %)", "1"),
        ("2", "+2", "0"),
        ("1", "no change", "1"),
        ("5", "+4 (+400 %)", "1"),
        ("2.2", "+0.2 (+10 %)", "2.0"),
        ("27.3 %", "+27.3 pts", "0.0 %"),
    ]
    assert table(page, "chart-traffic") == [
        ["2026-11-16", "0", "0"],
        ["2026-11-17", "2", "1"],
        ["2026-11-18", "2", "2"],
        ["2026-11-19", "1", "1"],
        ["2026-11-20", "0", "0"],
    ]
    assert table(page, "chart-session-ends") == [
        ["Ended by the skill", "3", "60.0"],
        ["Ended by the shopper", "1", "20.0"],
        ["No response", "1", "20.0"],
        ["Failed", "0", "0.0"],
    ]
    assert table(page, "chart-intents") == [
        ["Not understood (fallback)", "3", "3", "100.0"],
        ["Order product", "3", "0", "0.0"],
        ["Yes", "2", "0", "0.0"],
        ["Help", "1", "0", "0.0"],
        ["Stop", "1", "0", "0.0"],
        ["Product info", "1", "0", "0.0"],
    ]
    assert table(page, "chart-asked") == [
        ["“beard oil”", "2"],
        ["Shaving Cream", "1"],
        ["Starter Kit", "1"],
    ]
    # Funnels.
    assert table(page, "chart-amazon-pay-funnel") == [
        ["Launch", "4", ""],
        ["Product pitched", "1", "25.0"],
        ["Summary heard", "1", "100.0"],
        ["Charge sent", "1", "100.0"],
        ["Order placed", "1", "100.0"],
    ]
    assert table(page, "chart-isp-funnel") == [
        ["Suggestion made", "3", ""],
        ["Accepted", "1", "33.3"],
        ["Declined", "1", "33.3"],
        ["Error", "1", "33.3"],
    ]
    # In-skill purchasing (a live store: as observed, and the page says so).
    assert [figure(page, k) for k in ("isp_purchases", "isp_earnings_USD")] == [
        ("2", "+2", "0"),
        ("$5.59", "+$5.59", "$0.00"),
    ]
    assert table(page, "isp-types") == [["Entitlement", "1"], ["Subscription", "1"]]
    assert table(page, "chart-isp-products") == [
        ["pro_pack", "One-time purchase", "1", "2.09 USD"],
        ["shave_club", "Subscription", "1", "3.49 USD"],
    ]
    assert "subscription figures are as observed" in text(page)
    subscriptions = text(page.split('id="subscriptions">')[1].split("</dl>")[0])
    assert subscriptions == (
        "Active at the start 1 Active at the end 2 Started 1 Ended 1 "
        "Churn (ended ÷ active at the start) 100.0 % Trial to paid not observable live"
    )
    # Retention, paths, what was not understood.
    assert table(page, "chart-retention") == [["16 Nov", "2", "100"] + [""] * 11]
    assert '<time datetime="2026-11-16">16 Nov</time>' in page
    assert sorted(table(page, "chart-paths")) == [
        [
            "Opens the skill › Help › Not understood (fallback) › Not understood (fallback) › "
            "Stop › END: the skill ended it",
            "1",
        ],
        [
            "Opens the skill › Order product › Not understood (fallback) › "
            "END: the shopper ended it",
            "1",
        ],
        [
            "Opens the skill › Order product › Yes › Yes › END: handed to Amazon Pay",
            "1",
        ],
        ["Opens the skill › Product info › Order product › END: no response", "1"],
    ]
    words = table(page, "chart-unheard")
    assert [row[:2] for row in words] == [["beard oil en-US", "2"]]
    assert words[0][2] == "add as synonym of Choose a product Shaving Cream Starter Kit Add"
    assert table(page, "chart-fallbacks") == [
        ["Not understood (fallback)", "Fallback", "1"],
        ["Help", "Help (at: Nothing pending)", "1"],
        ["Order product", "Clarify product", "1"],
    ]
    assert table(page, "chart-unavailable") == [["Shaving Cream", "1", "0"]]
    # Experiments: the running one first, with its buttons; the ended one without.
    running = f'id="experiment-{shop.running.pk}"'
    assert table(page, running.split('"')[1]) == [
        ["A", "Want ten barber secrets?", "3", "1", "33.3 %", "6.1 % to 79.2 %"],
        ["B", "Shall I tell you the pro tips?", "2", "1", "50.0 %", "9.5 % to 90.5 %"],
    ]
    assert page.index(running) < page.index(f'id="experiment-{shop.ended.pk}"')
    assert page.count('name="winner"') == 2
    assert "arm B won" in text(page)
    # Never exported: the package is stale.
    assert 'id="package-stale"' in page


def test_the_page_passes_chart_data_as_json_and_loads_its_scripts(owner_client):
    page = owner_client.get(URL, RANGE).content.decode()
    assert '<script id="chart-sales-data" type="application/json">' in page
    assert page.count("<canvas data-chart=") == 10
    assert "/static/vendor/chart.umd.min.js" in page
    assert "/static/portal/dashboard.js" in page
    assert "<script>" not in page  # nothing inline: the CSP allows none
    assert ' style="' not in page
    csv_link = f"{URL}charts/sales.csv?range=custom&amp;start=2026-11-16&amp;end=2026-11-20"
    assert csv_link in page


@pytest.mark.parametrize(
    "role, status", [(Role.SUPPORT_AGENT, 403), (Role.CATALOG_EDITOR, 403), (Role.OWNER, 200)]
)
def test_only_owners_see_the_dashboard(client, shop, role, status):
    member = MembershipFactory(store=shop.store, role=role, can_refund=True).user
    client.force_login(member)
    assert client.get(URL, RANGE).status_code == status
    assert client.get(f"{URL}charts/sales.csv", RANGE).status_code == status


def test_another_stores_dashboard_is_not_found(client, shop):
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    assert client.get(URL).status_code == 404
    assert client.get("/dashboard/no-such-store/").status_code == 404
    assert client.get(f"{URL}charts/sales.csv").status_code == 404


def test_a_superuser_sees_every_store_and_a_visitor_logs_in_first(client, shop):
    assert client.get(URL).status_code == 302
    assert client.get(URL)["Location"].startswith("/admin/login/?next=/dashboard/shop/")
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(URL, RANGE).status_code == 200


@override_settings(STAFF_REQUIRE_2FA=True)
def test_an_owner_without_a_second_factor_is_sent_to_enrol(owner_client):
    response = owner_client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two_factor/setup/?next=%2Fdashboard%2Fshop%2F")


def test_the_store_chooser(client, shop):
    client.force_login(shop.owner)
    assert client.get("/dashboard/")["Location"] == URL
    StoreFactory(name="Another Shop", slug="another")
    MembershipFactory(user=shop.owner, store=StoreFactory(name="Beard Shop", slug="beards"))
    page = client.get("/dashboard/").content.decode()
    assert re.findall(r'href="/dashboard/([a-z-]+)/"', page) == ["beards", "shop"]
    support = MembershipFactory(store=shop.store, role=Role.SUPPORT_AGENT).user
    client.force_login(support)
    assert client.get("/dashboard/").status_code == 403


def test_the_ranges_and_their_previous_periods(owner_client, shop):
    context = owner_client.get(URL, {"range": "7"}).context
    assert (context["period"].start, context["period"].end) == (date(2026, 11, 14), NOW.date())
    assert (context["previous"].start, context["previous"].end) == (
        date(2026, 11, 7),
        date(2026, 11, 13),
    )
    today = owner_client.get(URL, {"range": "today"}).context
    assert (today["period"].start, today["previous"].start) == (NOW.date(), date(2026, 11, 19))
    default = owner_client.get(URL).context["period"]
    assert (default.key, default.days) == ("30", 30)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2026-11-20", "end": "2026-11-16"}, "The last day is before the first day."),
        ({"start": "2025-01-01", "end": "2026-11-16"}, "A range covers at most 366 days."),
        ({"start": "2026-11-16"}, "A custom range needs its first and last day."),
        ({"start": "16/11/2026", "end": "2026-11-20"}, "Enter a valid date."),
        (
            {"start": "2026-11-16", "end": "2026-11-21"},
            "The last day is in the future: the store's today is 2026-11-20.",
        ),
    ],
)
def test_a_bad_custom_range_says_why_and_shows_the_default(owner_client, params, message):
    response = owner_client.get(URL, {"range": "custom", **params})
    assert response.status_code == 200
    errors = text(response.content.decode().split('id="range-errors"')[1].split("</ul>")[0])
    assert message in errors
    assert response.context["period"].days == 30


def _more_of_everything(shop, n: int):
    """n more of every kind of row the page reads, in the range."""
    store = shop.store
    at = NOW - timedelta(days=2)
    for i in range(n):
        customer = CustomerFactory(store=store)
        session = f"more-{i}"
        launch(store=store, customer=customer, session_id=session, outcome="welcome", at=at)
        InteractionFactory(
            store=store,
            customer=customer,
            session_id=session,
            outcome="clarify_product",
            slots={"Product": f"thing {i}"},
            at=at,
        )
        InteractionFactory(
            store=store,
            customer=customer,
            session_id=session,
            intent="AMAZON.FallbackIntent",
            outcome="fallback",
            at=at,
        )
        session_ended("USER_INITIATED", store=store, customer=customer, session_id=session, at=at)
        order = OrderFactory(store=store, customer=customer, placed_at=at, total=Decimal("12.00"))
        RefundFactory(order=order, amount=Decimal("1.00"), at=at)
        product = ProductFactory(store=store)
        # factory_boy types a factory's call as the factory, not the model it makes.
        plan = RefillPlan.objects.create(  # type: ignore[misc]
            store=store, customer=customer, product=product, interval_weeks=2, next_run_at=NOW
        )
        RefillPlanEvent.objects.create(store=store, plan=plan, type="created")
        UpsellEvent.objects.create(  # type: ignore[misc]  # as above
            store=store, customer=customer, product=shop.club, kind=UpsellEventKind.OFFERED
        )
        PurchaseResultFactory(
            store=store,
            customer=customer,
            product=shop.club,
            name=DirectiveName.UPSELL,
            at=at,
        )
        EntitlementFactory(product=shop.club, customer=customer)
    UpsellExperiment.objects.create(
        store=store, product=shop.club, kind="frequency", locale="en-US", per_session_b=2
    )


@pytest.mark.parametrize("params", [RANGE, {"range": "90"}])
def test_the_query_count_does_not_depend_on_the_data(
    owner_client, shop, params, django_assert_num_queries
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(URL, params).status_code == 200
        return len(queries)

    small = count()
    _more_of_everything(shop, 25)
    assert count() == small
    # Pinned (PostgreSQL and SQLite alike): the login's reads, the store, the analytics
    # selectors' summaries and time series (most of it), and the dashboard's own reads. A
    # change in any of them moves this number: look at what was added before raising it.
    assert small == PAGE_QUERIES
    with django_assert_num_queries(PAGE_QUERIES):
        assert owner_client.get(URL, params).status_code == 200


def test_todays_numbers_come_from_the_raw_log(owner_client, shop):
    """Today is never rolled up: a session a minute ago is on the page at once."""
    launch(store=shop.store, customer=shop.a, session_id="now", outcome="welcome", at=NOW)
    page = owner_client.get(URL, {"range": "today"}).content.decode()
    assert figure(page, "sessions")[0] == "1"
    assert periods.store_today(shop.store) == NOW.date()


def test_orders_are_split_by_channel(owner_client, shop):
    """Every channel is a row (zero where none); an order's channel is where it was placed."""
    web = Order.objects.get(store=shop.store, total=Decimal("21.60"))
    Order.objects.filter(pk=web.pk).update(channel=OrderChannel.WEB)

    page = owner_client.get(URL, RANGE).content.decode()

    assert table(page, "chart-channels") == [
        ["Voice", "1", "10.00"],
        ["Web", "1", "21.60"],
        ["Agent", "0", "0.00"],
        ["Support", "0", "0.00"],
        ["API", "0", "0.00"],
    ]
