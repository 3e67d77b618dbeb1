"""Upsell experiments: starting and ending one (writes), and each arm's results (reads).

The skill picks the arm (``models.arm_for``) and records it on the suggestion and the
purchase request; conversion is accepted purchases per suggestion made, with a 95 % Wilson
score interval (it behaves at small counts, where the normal approximation does not).
"""

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .facts import DirectiveName, PurchaseResult
from .models import (
    Arm,
    ExperimentKind,
    InSkillProductLocalization,
    IspPurchaseResult,
    IspSettings,
    UpsellEvent,
    UpsellEventKind,
    UpsellExperiment,
)

Z_95 = 1.959964


@transaction.atomic
def experiment_start(
    *, product, kind: str, actor=None, locale: str = "", **arms
) -> UpsellExperiment:
    """Start an experiment on ``product`` (``message_a``/``message_b`` or ``per_session_a``/
    ``per_session_b``); raises ``ValidationError`` with the reasons in words."""
    experiment = UpsellExperiment(
        store_id=product.store_id,
        product=product,
        kind=ExperimentKind(kind),
        locale=locale or product.store.default_locale,
        started_by=actor,
        **arms,
    )
    experiment.full_clean()
    experiment.save()
    return experiment


@transaction.atomic
def experiment_end(*, experiment: UpsellExperiment, winner: str, actor=None) -> UpsellExperiment:
    """End a running experiment with ``winner``: a winning message becomes the product's
    suggestion in the experiment's locale; a winning frequency the store's policy."""
    experiment = UpsellExperiment.objects.select_for_update().get(pk=experiment.pk)
    if not experiment.running:
        return experiment
    winner = Arm(winner)
    experiment.winner = winner
    experiment.ended_at = timezone.now()
    experiment.ended_by = actor
    experiment.save(update_fields=["winner", "ended_at", "ended_by"])
    if experiment.kind == ExperimentKind.MESSAGE:
        message = experiment.message_a if winner == Arm.A else experiment.message_b
        InSkillProductLocalization.objects.filter(
            product=experiment.product, locale=experiment.locale
        ).update(upsell_message=message)
    else:
        per_session = experiment.per_session_a if winner == Arm.A else experiment.per_session_b
        IspSettings.objects.update_or_create(
            store_id=experiment.store_id, defaults={"upsells_per_session": per_session}
        )
    return experiment


@dataclass(frozen=True)
class ArmResult:
    arm: str
    suggestions: int
    purchases: int
    conversion: float  # 0..1
    low: float  # 95 % interval
    high: float


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    if trials == 0:
        return 0.0, 0.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def experiment_results(experiment: UpsellExperiment) -> list[ArmResult]:
    """Each arm's suggestions, accepted purchases, conversion and its 95 % interval."""
    offered = dict.fromkeys(Arm.values, 0)
    for arm in UpsellEvent.objects.filter(
        experiment=experiment, kind=UpsellEventKind.OFFERED
    ).values_list("arm", flat=True):
        offered[arm] = offered.get(arm, 0) + 1
    bought = dict.fromkeys(Arm.values, 0)
    for arm in IspPurchaseResult.objects.filter(
        attempt__experiment=experiment,
        name=DirectiveName.UPSELL,
        result=PurchaseResult.ACCEPTED,
    ).values_list("attempt__arm", flat=True):
        bought[arm] = bought.get(arm, 0) + 1
    results = []
    for arm in Arm.values:
        trials, successes = offered[arm], bought[arm]
        low, high = wilson_interval(successes, trials)
        rate = successes / trials if trials else 0.0
        results.append(ArmResult(arm, trials, successes, rate, low, high))
    return results


def running_experiments(*, store) -> dict[int, UpsellExperiment]:
    """Product id -> its running experiment."""
    return {
        e.product_id: e for e in UpsellExperiment.objects.filter(store=store, ended_at__isnull=True)
    }
