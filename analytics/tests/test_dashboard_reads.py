"""The dashboard's own reads against the hand-built shop: exact values, store scoping, test
traffic left out, and each arm's results equal to ``isp.experiments.experiment_results``."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from analytics import periods, services
from analytics.dashboard import reads
from analytics.dashboard.page import Dashboard
from analytics.dashboard.ranges import custom
from catalog.models import ProductSynonym
from catalog.services import product_synonym_add
from isp.experiments import experiment_results
from isp.facts import DirectiveName, PurchaseResult
from isp.models import SandboxEntitlement
from isp.tests.factories import ProductFactory as IspProductFactory
from isp.tests.factories import sandbox_on
from merchant.tests.factories import StoreFactory
from orders.tests.factories import CustomerFactory
from skill.models import Interaction
from voicelab.launch.services import skill_package_export_record

from .dashboard_shop import END, NOW, START, build_shop
from .factories import InteractionFactory, PurchaseResultFactory, launch, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return build_shop()


def span(store, first=START, last=END):
    return periods.span(store, first, last)


def test_refill_plans_in_the_range_without_the_testers(shop):
    assert reads.refill_plans(shop.store, *span(shop.store)) == reads.RefillPlans(
        active=1, started=1, renewed=1, failed=1, cancelled=0
    )
    before = span(shop.store, date(2026, 11, 11), date(2026, 11, 15))
    assert reads.refill_plans(shop.store, *before) == reads.RefillPlans(1, 1, 0, 0, 0)


def test_the_amazon_pay_funnel_counts_each_step(shop):
    assert reads.amazon_pay_funnel(shop.store, *span(shop.store)) == {
        "launch": 4,
        "pitch": 1,
        "summary": 1,
        "charge_sent": 1,
        "order_placed": 1,
        "declined": 0,
    }


def test_the_isp_funnel_counts_suggestions_and_how_they_ended(shop):
    assert reads.isp_funnel(shop.store, *span(shop.store), sandbox=False) == {
        "suggested": 3,
        "accepted": 1,
        "declined": 1,
        "error": 1,
        "other": 0,
    }
    # A sandbox store's purchases are all test purchases: they count, and so does the tester.
    assert reads.isp_funnel(shop.store, *span(shop.store), sandbox=True)["suggested"] == 4


def test_purchases_by_product_with_their_list_prices(shop):
    found = reads.isp_purchases(shop.store, *span(shop.store), sandbox=False)
    assert [(p.name, p.type, p.purchases, dict(p.list_prices)) for p in found] == [
        ("pro_pack", "ENTITLEMENT", 1, {"USD": Decimal("2.99")}),
        ("shave_club", "SUBSCRIPTION", 1, {"USD": Decimal("4.99")}),
    ]


def test_live_subscriptions_are_as_observed(shop):
    d = Dashboard(shop.store, custom(START, END), now=NOW)
    assert d.subscriptions == reads.Subscriptions(
        exact=False,
        active_start=1,
        active_end=2,
        started=1,
        ended=1,
        trials_ended=None,
        trials_paid=None,
    )
    assert d.subscriptions.churn_text == "100.0 %"
    assert d.subscriptions.trial_to_paid_text == "not observable live"


def test_sandbox_subscriptions_are_exact_from_the_sandboxs_state(shop):
    """Three subscribers of a club with a 7-day trial, as the sandbox knows them: one paid
    after the trial (renewing), one cancelled during the trial (ended at its end), one paid
    and cancelled (ended in the range); and one the sandbox never saw (observed)."""
    store, club = shop.store, shop.club
    sandbox_on(store)
    club.trial_days = 7
    club.save()
    shoppers = [CustomerFactory(store=store) for _ in range(4)]
    began = [utc(2026, 11, 10, 12), utc(2026, 11, 11, 12), utc(2026, 10, 1, 12), utc(2026, 11, 17)]
    for customer, at in zip(shoppers, began, strict=True):
        PurchaseResultFactory(
            store=store, customer=customer, product=club, is_test=True, list_price=None, at=at
        )
    states = [
        {"period_end": utc(2026, 12, 17, 12), "auto_renew": True, "trial_used": True},
        {"period_end": utc(2026, 11, 18, 12), "auto_renew": False, "trial_used": True},
        {"period_end": utc(2026, 11, 19, 12), "auto_renew": False, "trial_used": True},
    ]
    for customer, state in zip(shoppers, states, strict=False):
        SandboxEntitlement.objects.create(
            store=store, user_id=customer.alexa_user_id, product=club, **state
        )
    d = Dashboard(store, custom(START, END), now=NOW)
    found = d.subscriptions
    # Active at the start (16 Nov, 08:00Z): the three the sandbox knows. At the end (now):
    # the renewing one, and c's (bought on 18 Nov without the sandbox: as observed, entitled).
    # Started in the range: the fourth's and c's. Trials ending in the range: the first
    # (17 Nov, paid) and the second (18 Nov, not). Observed: the fourth, c's and a's.
    assert found == reads.Subscriptions(
        exact=True,
        active_start=3,
        active_end=2,
        started=2,
        ended=2,
        trials_ended=2,
        trials_paid=1,
        observed=3,
    )
    assert (found.churn_text, found.trial_to_paid_text) == ("66.7 %", "50.0 % (1 of 2)")


def test_retention_cohorts_by_week(shop):
    """Over three weeks. A cohort is the shoppers whose first request was on their first day
    (as the rollups' ``is_new``): b and c in the week of the 16th. a was created on the 2nd
    but the log has no request of his that day, so he is in no cohort until it has one."""
    found = reads.retention(shop.store, date(2026, 11, 2), END)
    assert [(c.week, c.size, c.returned) for c in found] == [
        (date(2026, 11, 2), 0, [0, 0, 0] + [None] * 9),
        (date(2026, 11, 9), 0, [0, 0] + [None] * 10),
        (date(2026, 11, 16), 2, [2] + [None] * 11),
    ]
    InteractionFactory(store=shop.store, customer=shop.a, at=utc(2026, 11, 2, 20, 30))
    found = reads.retention(shop.store, date(2026, 11, 2), END)
    assert [(c.week, c.size, c.returned[:3]) for c in found] == [
        (date(2026, 11, 2), 1, [1, 1, 1]),  # back on the 12th, and the 18th and 19th
        (date(2026, 11, 9), 0, [0, 0, None]),
        (date(2026, 11, 16), 2, [2, None, None]),
    ]
    assert found[0].shares[:4] == [1.0, 1.0, 1.0, None]


def test_retention_reads_rolled_up_days_from_the_rollups(shop):
    InteractionFactory(store=shop.store, customer=shop.a, at=utc(2026, 11, 2, 20, 30))
    before = reads.retention(shop.store, date(2026, 11, 2), END)
    services.store_rollup_days(
        store=shop.store, first=date(2026, 11, 1), last=date(2026, 11, 19), now=NOW
    )
    Interaction.objects.filter(store=shop.store, created_at__lt=utc(2026, 11, 20, 8)).delete()
    assert reads.retention(shop.store, date(2026, 11, 2), END) == before


PATHS = [
    (
        (
            "Launch",
            "AMAZON.HelpIntent",
            "AMAZON.FallbackIntent",
            "AMAZON.FallbackIntent",
            "AMAZON.StopIntent",
        ),
        "skill_ended",
        1,
    ),
    (("Launch", "OrderProductIntent", "AMAZON.FallbackIntent"), "user_ended", 1),
    (
        ("Launch", "OrderProductIntent", "AMAZON.YesIntent", "AMAZON.YesIntent"),
        "amazon_pay",
        1,
    ),
    (("Launch", "ProductInfoIntent", "OrderProductIntent"), "no_response", 1),
]


def test_paths_of_launched_sessions_and_how_they_ended(shop):
    found = reads.paths(shop.store, *span(shop.store))
    assert sorted((p.steps, p.end, p.sessions) for p in found) == PATHS
    texts = {p.text for p in found}
    assert ("Opens the skill › Order product › Yes › Yes › END: handed to Amazon Pay") in texts


def test_paths_rank_the_most_common_first_on_every_database(shop):
    for n in range(2):
        launch(store=shop.store, customer=shop.c, session_id=f"again-{n}", at=utc(2026, 11, 19, n))
    found = reads.paths(shop.store, *span(shop.store))
    assert (found[0].steps, found[0].end, found[0].sessions) == (("Launch",), "skill_ended", 2)
    # The other databases' way (the rows counted here) gives the same answer.
    again = reads.paths_counted_here(reads.session_requests(shop.store, *span(shop.store)))
    assert sorted((p.steps, p.end, p.sessions) for p in again) == sorted(
        (p.steps, p.end, p.sessions) for p in found
    )


def test_unheard_words_are_grouped_and_marked_once_added(shop):
    found = reads.unheard_words(shop.store, *span(shop.store))
    assert [(w.words, w.locale, w.times, w.synonym_of) for w in found] == [
        ("beard oil", "en-US", 2, "")
    ]
    ProductSynonym.objects.create(store=shop.store, product=shop.kit, value="Beard Oil")
    found = reads.unheard_words(shop.store, *span(shop.store))
    assert [(w.words, w.synonym_of) for w in found] == [("beard oil", "Starter Kit")]


def test_a_matched_product_id_is_never_an_unheard_word(shop):
    InteractionFactory(
        store=shop.store,
        customer=shop.a,
        session_id="gone",
        outcome="clarify_product",  # a product id whose product is gone
        slots={"Product": "987654"},
        at=utc(2026, 11, 19, 21),
    )
    found = reads.unheard_words(shop.store, *span(shop.store))
    assert [w.words for w in found] == ["beard oil"]


def test_what_came_before_each_fallback(shop):
    found = reads.fallback_contexts(shop.store, *span(shop.store))
    assert [(f.step, f.outcome, f.times) for f in found] == [
        ("AMAZON.FallbackIntent", "fallback", 1),
        ("AMAZON.HelpIntent", "help_idle", 1),
        ("OrderProductIntent", "clarify_product", 1),
    ]
    # The other databases' way (a window over every request) gives the same answer.
    requests = reads.session_requests(shop.store, *span(shop.store))
    assert reads.fallback_contexts_windowed(requests) == found


def test_products_asked_for_and_asked_for_while_unavailable(shop):
    found = reads.asked_products(shop.store, *span(shop.store))
    assert [(a.label, a.product_id, a.times) for a in found.most] == [
        ("“beard oil”", None, 2),
        ("Shaving Cream", shop.cream.pk, 1),
        ("Starter Kit", shop.kit.pk, 1),
    ]
    assert [(a.label, a.times, a.stock, a.active) for a in found.unavailable] == [
        ("Shaving Cream", 1, 0, True)
    ]


def test_each_arm_as_experiment_results_computes_it(shop):
    found = reads.experiments(shop.store)
    assert [row.experiment for row in found] == [shop.running, shop.ended]
    for row in found:
        assert row.arms == experiment_results(row.experiment)
    assert [(a.suggestions, a.purchases) for a in found[0].arms] == [(3, 1), (2, 1)]
    assert found[0].arm_rows[1]["conversion"] == "50.0 %"
    assert found[0].arm_rows[1]["interval"] == "9.5 % to 90.5 %"


def test_another_stores_rows_are_never_read(shop):
    other = StoreFactory(time_zone="America/Los_Angeles")
    customer = CustomerFactory(store=other)
    launch(store=other, customer=customer, session_id="X", outcome="welcome", at=utc(2026, 11, 18))
    InteractionFactory(
        store=other,
        customer=customer,
        session_id="X",
        outcome="clarify_product",
        slots={"Product": "beard oil"},
        at=utc(2026, 11, 18, 0, 1),
    )
    PurchaseResultFactory(
        store=other,
        customer=customer,
        product=IspProductFactory(store=other),
        name=DirectiveName.UPSELL,
        result=PurchaseResult.ACCEPTED,
        at=utc(2026, 11, 18),
    )
    assert reads.amazon_pay_funnel(shop.store, *span(shop.store))["launch"] == 4
    assert reads.unheard_words(shop.store, *span(shop.store))[0].times == 2
    assert reads.isp_funnel(shop.store, *span(shop.store), sandbox=False)["accepted"] == 1
    assert len(reads.paths(shop.store, *span(shop.store))) == 4
    assert reads.asked_products(other, *span(other)).most[0].times == 1


def test_the_package_is_stale_until_exported_again(shop):
    assert reads.package_state(shop.store).stale
    skill_package_export_record(store=shop.store, source="command")
    assert not reads.package_state(shop.store).stale
    product_synonym_add(product=shop.kit, value="beard oil", actor=shop.owner)
    state = reads.package_state(shop.store)
    assert state.stale and state.revision == state.exported_revision + 1


def test_days_before_a_range_do_not_leak_in(shop):
    first = START - timedelta(days=5)
    found = reads.amazon_pay_funnel(shop.store, *span(shop.store, first, first))
    assert found["launch"] == 0
