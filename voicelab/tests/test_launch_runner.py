"""The certification cases played by the runner against a store's own skill: every case of
the demo No Nicks store passes (Amazon Pay sandbox in-process, the ISP sandbox's
Monetization API over real HTTP on the live server); a skill that misbehaves fails the
case with the reason in words; stores the rows do not fit; and the task run twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from demo.isp_seed import seed_demo_isp
from demo.seed import seed_demo_store
from isp.models import IspSettings, SandboxEntitlement
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderStatus
from skill.speech import en_US
from voicelab import tasks
from voicelab.launch.cases import NOT_IN_ISP_SANDBOX
from voicelab.models import CertificationRun

AMAZON_PAY_ROWS = [
    "amazon_pay_order",
    "declined_payment",
    "permission_not_granted",
    "order_status",
    "cancel_order",
    "refund_guidance",
    "help_and_stop",
]
ISP_ROWS = [
    "what_can_i_buy",
    "suggestion_without_price",
    "buy_and_use",
    "decline_suggestion",
    "cancel_subscription",
    "refund_in_skill_product",
    "payment_error",
]


def play(store) -> CertificationRun:
    run = CertificationRun.objects.create(store=store)
    tasks.run_certification.delay(run.pk)  # eager in the tests: played here
    run.refresh_from_db()
    return run


def statuses(run) -> list[tuple[str, str]]:
    return [(case["key"], case["status"]) for case in run.results]


@pytest.fixture
def no_nicks(transactional_db, live_server, settings):
    """The demo store with its in-skill products; the skill reaches the ISP sandbox on the
    live server, as it reaches the portal itself when it runs."""
    settings.ISP_SANDBOX_BASE_URL = f"{live_server.url}/sandbox/monetization"
    store = seed_demo_store().store
    seed_demo_isp(store)
    return store


def test_every_case_passes_on_the_demo_store(no_nicks):
    run = play(no_nicks)
    assert (run.status, run.error, run.notes) == ("passed", "", [])
    assert (run.progress_done, run.progress_total, run.attempts) == (14, 14, 1)
    assert run.finished_at is not None
    assert statuses(run) == [(key, "passed") for key in AMAZON_PAY_ROWS + ISP_ROWS]
    assert all(case["failures"] == [] for case in run.results)
    prefix = f"amzn1.ask.account.certification-{run.pk}-"
    assert [case["user_id"] for case in run.results] == [
        prefix + key for key in AMAZON_PAY_ROWS + ISP_ROWS
    ]
    # Each shopper's sandbox purchases are forgotten; their orders are test orders.
    assert not SandboxEntitlement.objects.filter(user_id__startswith=prefix).exists()
    orders = Order.objects.filter(customer__alexa_user_id__startswith=prefix)
    assert {order.is_test for order in orders} == {True}
    assert sorted(orders.exclude(status=OrderStatus.DRAFT).values_list("status", flat=True)) == [
        "cancelled",
        "placed",
        "placed",
        "placed",
        "placed",
    ]

    first = run.results[0]
    assert first["transcript"][:2] == [
        {
            "who": "shopper",
            "said": "open no nicks",
            "understood": "opens the skill (LaunchRequest)",
            "alexa": "Welcome to No Nicks. You can order a starter kit, refills or shaving "
            "cream. What would you like?",
            "reprompt": "Welcome to No Nicks. You can order a starter kit, refills or shaving "
            "cream. What would you like?",
            "card": "",
            "directives": [],
            "session": "stays open",
        },
        {
            "who": "shopper",
            "said": "order a starter kit",
            "understood": "OrderProductIntent (Product = starter kit)",
            "alexa": "The starter kit: a weighted razor handle, three blades and menthol "
            "shaving cream, for 9 dollars. Do you want to order it?",
            "reprompt": "Do you want to order it?",
            "card": "",
            "directives": [],
            "session": "stays open",
        },
    ]
    assert first["transcript"][2]["directives"] == [
        "Amazon Pay Setup (sandbox, seller A2DEMOSELLER0NN): asks Amazon Pay for the "
        "shopper's billing agreement and address"
    ]
    assert first["transcript"][3]["said"] == (
        "Amazon Pay answers the Setup: billing agreement OPEN, delivery to 410 Terry Ave N"
    )
    assert [item["text"] for item in first["expectations"] if "summary" in item["text"]] == [
        "The skill reads the order summary and asks whether to complete the order",
        "Before ordering, the summary names the seller of record (No Nicks)",
        "The summary names the product (starter kit)",
        "The summary gives the total with tax and shipping (9 dollars and 72 cents)",
        "The summary gives the delivery address (410 Terry Ave N)",
        "Yes to the summary sends Amazon Pay's Charge",
    ]
    upsell = run.results[len(AMAZON_PAY_ROWS) + 1]
    assert upsell["key"] == "suggestion_without_price"
    assert upsell["transcript"][-1]["directives"] == [
        "In-skill purchase Upsell of the Pro Shaving Pack: Alexa says \"You've heard all the "
        "free ones for now. The Pro Shaving Pack: Ten advanced tips from professional barbers. "
        'Want to learn more about it?"'
    ]


def test_a_skill_that_lists_nothing_for_sale_fails_what_can_i_buy(no_nicks, monkeypatch):
    monkeypatch.setattr(en_US, "for_sale", lambda products: en_US.NOTHING_FOR_SALE)
    run = play(no_nicks)
    assert run.status == "failed"
    failed = [case for case in run.results if case["status"] == "failed"]
    assert [case["key"] for case in failed] == ["what_can_i_buy"]
    assert failed[0]["failures"] == [
        "Alexa names every product for sale (Three Guided Shaves, Pro Shaving Pack, Shave "
        "Club): not said: Three Guided Shaves, Pro Shaving Pack, Shave Club; Alexa said "
        '"You already have everything there is to buy. What would you like to do?"; the '
        "session stays open"
    ]
    assert run.counts() == {"passed": 13, "failed": 1, "skipped": 0}


# Stores the rows fit differently (no live server: nothing reaches the ISP sandbox) -----------


def test_isp_rows_fail_with_the_reason_when_the_sandbox_cannot_be_reached(demo_store, settings):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    seed_demo_isp(demo_store)
    run = play(demo_store)
    assert run.status == "failed"
    reason = (
        "The skill could not reach the ISP sandbox at http://127.0.0.1:9/sandbox/monetization "
        "(ConnectionError). It must be this portal's own address (the setting "
        "ISP_SANDBOX_BASE_URL), served by a server that can answer a second request while the "
        "cases run."
    )
    assert statuses(run) == [(key, "passed") for key in AMAZON_PAY_ROWS] + [
        (key, "failed") for key in ISP_ROWS
    ]
    assert {tuple(case["failures"]) for case in run.results[7:]} == {(reason,)}


def test_isp_rows_are_not_played_outside_isp_sandbox_mode(demo_store, settings):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    seed_demo_isp(demo_store)
    IspSettings.objects.filter(store=demo_store).update(sandbox_mode=False)
    run = play(demo_store)
    assert run.status == "passed"
    assert statuses(run)[7:] == [(key, "skipped") for key in ISP_ROWS]
    assert {case["reason"] for case in run.results[7:]} == {NOT_IN_ISP_SANDBOX}
    assert run.counts() == {"passed": 7, "failed": 0, "skipped": 7}


@pytest.fixture
def corner_shop(db):
    store = StoreFactory(
        name="Corner Shop",
        invocation_name="corner shop",
        enabled_locales=["en-US"],
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        amazon_pay_seller_id="",
        tax_rate=Decimal("0"),
    )
    ProductFactory(store=store, name="Soap Bar", spoken_name="soap bar", price=Decimal("4.00"))
    return store


def test_a_pay_on_delivery_store_plays_the_order_rows_without_amazon_pay(corner_shop):
    run = play(corner_shop)
    assert (run.status, run.progress_total) == ("passed", 5)
    assert statuses(run) == [
        ("pay_on_delivery_order", "passed"),
        ("order_status", "passed"),
        ("cancel_order", "passed"),
        ("refund_guidance", "passed"),
        ("help_and_stop", "passed"),
    ]
    order_case = run.results[0]
    assert [turn["said"] for turn in order_case["transcript"]] == [
        "open corner shop",
        "order a soap bar",
        "yes",
        "yes",
    ]
    assert order_case["transcript"][-1]["alexa"] == (
        "Your order has been placed. Payment of 4 dollars is due on delivery."
    )


def test_a_store_without_a_skill_id_cannot_run(db):
    store = StoreFactory(skill=None)
    run = play(store)
    assert (run.status, run.results, run.progress_total) == ("error", [], 0)
    assert run.error == (
        "The store has no Alexa skill id, so the skill cannot find it: add the id in the "
        "store's settings."
    )


def test_the_task_twice_plays_the_run_once(corner_shop):
    run = play(corner_shop)
    results = run.results
    orders = Order.objects.count()
    assert tasks.run_certification.delay(run.pk).get() == "not mine"
    run.refresh_from_db()
    assert (run.status, run.results, run.attempts) == ("passed", results, 1)
    assert Order.objects.count() == orders


def test_a_run_whose_worker_went_away_is_played_again_with_new_shoppers(corner_shop):
    run = CertificationRun.objects.create(store=corner_shop, status="running", attempts=1)
    assert tasks.run_certification.delay(run.pk).get() == "not mine"  # still its worker's
    CertificationRun.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - timedelta(minutes=11)
    )
    assert tasks.run_certification.delay(run.pk).get() == "passed"
    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress_done) == ("passed", 2, 5)
    assert run.results[0]["user_id"] == (
        f"amzn1.ask.account.certification-{run.pk}-pay_on_delivery_order-2"
    )
