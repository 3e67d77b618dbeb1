"""Upsell experiments: starting (refused in words when the arms are not comparable), the
deterministic split, each arm's results with its 95 % interval, and ending with a winner."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from isp.experiments import (
    experiment_end,
    experiment_results,
    experiment_start,
    wilson_interval,
)
from isp.models import (
    Arm,
    InSkillProductLocalization,
    IspPurchaseAttempt,
    IspPurchaseResult,
    IspSettings,
    UpsellEvent,
    UpsellExperiment,
    arm_for,
)
from isp.services import purchase_attempt_start, purchase_result_record
from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders.tests.factories import CustomerFactory

from .factories import ProductFactory

A = "Ten barber secrets for a closer shave. Shall I tell you more?"
B = "Want the pro tips the barbers use?"


@pytest.fixture
def product(db):
    return ProductFactory(reference_name="pro_pack")


def test_message_arms_must_be_speakable_questions_without_prices(product):
    with pytest.raises(ValidationError) as refused:
        experiment_start(
            product=product, kind="message", message_a="Only $2.99 today!", message_b=A
        )
    assert refused.value.message_dict == {
        "message_a": [
            "The suggestion mentions a price ($, 2.99): Amazon states the price itself, so "
            "product texts may not.",
            "End the suggestion with a yes or no question.",
        ]
    }
    with pytest.raises(ValidationError) as same:
        experiment_start(product=product, kind="frequency", per_session_a=1, per_session_b=1)
    assert same.value.message_dict == {"per_session_b": ["The two frequencies are the same."]}


def test_one_running_experiment_per_product(product):
    experiment_start(product=product, kind="message", message_a=A, message_b=B)
    with pytest.raises((ValidationError, IntegrityError)):
        experiment_start(product=product, kind="frequency", per_session_a=1, per_session_b=2)


def test_the_split_is_deterministic_and_about_half():
    arms = [arm_for(7, f"amzn1.ask.account.{n}") for n in range(2000)]
    assert arms == [arm_for(7, f"amzn1.ask.account.{n}") for n in range(2000)]
    assert 900 < arms.count(Arm.A) < 1100


def test_results_per_arm_with_a_wilson_interval(product):
    experiment = experiment_start(product=product, kind="message", message_a=A, message_b=B)
    for n in range(10):
        customer = CustomerFactory(store=product.store)
        arm = Arm.A if n < 6 else Arm.B
        attempt = purchase_attempt_start(
            customer=customer,
            product=product,
            name="Upsell",
            locale="en-US",
            experiment=experiment,
            arm=arm,
        )
        if n in (0, 1, 6):
            purchase_result_record(
                customer=customer,
                product_id=product.amazon_product_id,
                name="Upsell",
                result="ACCEPTED",
                token=attempt.token,
            )
    assert UpsellEvent.objects.filter(experiment=experiment).count() == 10
    a, b = experiment_results(experiment)
    assert (a.arm, a.suggestions, a.purchases) == ("a", 6, 2)
    assert (b.arm, b.suggestions, b.purchases) == ("b", 4, 1)
    assert round(a.conversion, 4) == 0.3333
    assert (round(a.low, 4), round(a.high, 4)) == (0.0968, 0.7000)
    assert wilson_interval(0, 0) == (0.0, 0.0)
    assert IspPurchaseResult.objects.filter(attempt__arm="a").count() == 2
    assert IspPurchaseAttempt.objects.filter(arm="").count() == 0


def test_ending_applies_the_winner(product):
    experiment = experiment_start(product=product, kind="message", message_a=A, message_b=B)
    experiment_end(experiment=experiment, winner="b")
    texts = InSkillProductLocalization.objects.get(product=product, locale="en-US")
    assert texts.upsell_message == B
    experiment.refresh_from_db()
    assert (experiment.winner, experiment.running) == ("b", False)
    frequency = experiment_start(
        product=product, kind="frequency", per_session_a=1, per_session_b=2
    )
    experiment_end(experiment=frequency, winner="b")
    assert IspSettings.objects.get(store=product.store).upsells_per_session == 2


def test_owners_run_an_experiment_from_the_admin(client, product):
    client.force_login(MembershipFactory(store=product.store, role=Role.CATALOG_EDITOR).user)
    add = reverse("admin:isp_upsellexperiment_add")
    refused = client.post(
        add,
        {
            "store": product.store.pk,
            "product": product.pk,
            "kind": "message",
            "locale": "en-US",
            "message_a": A,
            "message_b": "Only 99 cents!",
            "per_session_a": 1,
            "per_session_b": 1,
        },
    )
    assert refused.status_code == 200
    assert "End the suggestion with a yes or no question." in refused.content.decode()
    assert not UpsellExperiment.objects.exists()
    created = client.post(
        add,
        {
            "store": product.store.pk,
            "product": product.pk,
            "kind": "message",
            "locale": "en-US",
            "message_a": A,
            "message_b": B,
            "per_session_a": 1,
            "per_session_b": 1,
        },
    )
    assert created.status_code == 302
    experiment = UpsellExperiment.objects.get()
    listing = client.get(reverse("admin:isp_upsellexperiment_changelist"))
    assert "A: 0 suggested, 0 bought, 0.0% (0.0%-0.0%)" in listing.content.decode()
    client.post(
        reverse("admin:isp_upsellexperiment_changelist"),
        {"action": "end_b_wins", "_selected_action": [experiment.pk]},
    )
    experiment.refresh_from_db()
    assert (experiment.winner, experiment.running) == ("b", False)
    assert (
        InSkillProductLocalization.objects.get(product=product, locale="en-US").upsell_message == B
    )
