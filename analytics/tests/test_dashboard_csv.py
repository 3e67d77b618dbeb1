"""Each chart's CSV download: the same rows as the table under the chart, for the same range,
exactly; a bad range or an unknown chart says so."""

import pytest
import time_machine

from merchant.models import Store

from .dashboard_shop import NOW, RANGE, build_shop
from .factories import InteractionFactory, utc

pytestmark = pytest.mark.django_db

URL = "/dashboard/shop/charts/{}.csv"


@pytest.fixture
def owner_client(client):
    with time_machine.travel(NOW, tick=False):
        shop = build_shop()
        client.force_login(shop.owner)
        yield client


def download(client, chart, params=RANGE):
    response = client.get(URL.format(chart), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response


def test_the_sales_csv(owner_client):
    response = download(owner_client, "sales")
    assert response["Content-Disposition"] == (
        'attachment; filename="shop-sales-2026-11-16-2026-11-20.csv"'
    )
    assert response.content.decode() == (
        "Day,Orders placed,Gross revenue (USD)\r\n"
        "2026-11-16,0,0.00\r\n"
        "2026-11-17,1,21.60\r\n"
        "2026-11-18,0,0.00\r\n"
        "2026-11-19,1,10.00\r\n"
        "2026-11-20,0,0.00\r\n"
    )


@pytest.mark.parametrize(
    "chart, expected",
    [
        (
            "amazon-pay-funnel",
            "Step,Count,Conversion from the step before (%)\r\n"
            "Launch,4,\r\n"
            "Product pitched,1,25.0\r\n"
            "Summary heard,1,100.0\r\n"
            "Charge sent,1,100.0\r\n"
            "Order placed,1,100.0\r\n",
        ),
        (
            "isp-funnel",
            "Step,Count,Share of suggestions (%)\r\n"
            "Suggestion made,3,\r\n"
            "Accepted,1,33.3\r\n"
            "Declined,1,33.3\r\n"
            "Error,1,33.3\r\n",
        ),
        (
            "session-ends",
            "How the session ended,Sessions,Share (%)\r\n"
            "Ended by the skill,3,60.0\r\n"
            "Ended by the shopper,1,20.0\r\n"
            "No response,1,20.0\r\n"
            "Failed,0,0.0\r\n",
        ),
        (
            "isp-products",
            "Product,Type,Purchases,Estimated earnings\r\n"
            "pro_pack,One-time purchase,1,2.09 USD\r\n"
            "shave_club,Subscription,1,3.49 USD\r\n",
        ),
        (
            "retention",
            "First seen (week of),New shoppers,"
            + ",".join(f"Week {n} (%)" for n in range(12))
            + "\r\n2026-11-16,2,100.0"
            + "," * 11
            + "\r\n",
        ),
        (
            "unheard",
            "Words heard,Locale,Times,Synonym of\r\nbeard oil,en-US,2,\r\n",
        ),
        (
            "unavailable",
            "Product,Times asked,Stock now\r\nShaving Cream,1,0\r\n",
        ),
        (
            "asked",
            "Product asked for,Times\r\n“beard oil”,2\r\nShaving Cream,1\r\nStarter Kit,1\r\n",
        ),
    ],
)
def test_chart_csvs(owner_client, chart, expected):
    assert download(owner_client, chart).content.decode() == expected


def test_the_csv_follows_the_range(owner_client):
    body = download(owner_client, "traffic", {"range": "today"}).content.decode()
    assert body == "Day,Sessions,Shoppers\r\n2026-11-20,0,0\r\n"
    before = {"range": "custom", "start": "2026-11-12", "end": "2026-11-12"}
    body = download(owner_client, "amazon-pay-funnel", before).content.decode()
    assert body.splitlines()[1:3] == ["Launch,1,", "Product pitched,1,100.0"]


def test_a_bad_range_or_chart_is_refused_in_words(owner_client):
    bad = owner_client.get(
        URL.format("sales"), {"range": "custom", "start": "2026-11-20", "end": "2026-11-01"}
    )
    assert (bad.status_code, bad.content.decode()) == (
        400,
        "The last day is before the first day.",
    )
    assert owner_client.get(URL.format("nothing"), RANGE).status_code == 404


def test_words_a_spreadsheet_would_run_are_written_as_text(owner_client):
    shop_store = Store.objects.get(slug="shop")
    InteractionFactory(
        store=shop_store,
        customer=None,
        session_id="formula",
        outcome="clarify_product",
        slots={"Product": "=HYPERLINK(1)"},
        at=utc(2026, 11, 19, 22),
    )
    rows = download(owner_client, "unheard").content.decode().splitlines()
    assert rows[1:] == ["beard oil,en-US,2,", "'=hyperlink(1),en-US,1,"]
