"""In-skill purchasing in the demos: No Nicks' products and tips, the Sleep Well store."""

import pytest
from django.core.management import call_command

from demo.isp_seed import SLEEP_SKILL_ID
from demo.seed import seed_demos
from isp.models import ContentItem, InSkillProduct, IspSettings
from isp.package import isp_validation_errors
from merchant.models import Store


def _counts():
    return (
        Store.objects.count(),
        InSkillProduct.objects.count(),
        ContentItem.objects.count(),
        IspSettings.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_adds_isp_to_no_nicks_and_the_sleep_well_store():
    call_command("seed_demo", "--no-history", verbosity=0)
    no_nicks = Store.objects.get(slug="no-nicks")
    products = {p.reference_name: p for p in InSkillProduct.objects.filter(store=no_nicks)}
    assert {name: p.type for name, p in products.items()} == {
        "pro_pack": "ENTITLEMENT",
        "shave_club": "SUBSCRIPTION",
        "guided_shaves": "CONSUMABLE",
    }
    assert (products["shave_club"].subscription_period, products["shave_club"].trial_days) == (
        "MONTHLY",
        7,
    )
    free = ContentItem.objects.filter(store=no_nicks, access="free").count()
    assert free == 3
    sleep = Store.objects.get(slug="sleep-well")
    assert sleep.skill_ids.get().skill_id == SLEEP_SKILL_ID
    assert not sleep.products.exists()  # digital only
    assert ContentItem.objects.filter(store=sleep, access="free").count() == 6
    sessions = InSkillProduct.objects.get(store=sleep, type="CONSUMABLE")
    assert sessions.units_per_purchase == 5
    assert InSkillProduct.objects.filter(store=sleep, type="SUBSCRIPTION").count() == 1
    assert all(s.isp_settings.sandbox_mode for s in (no_nicks, sleep))
    assert isp_validation_errors(no_nicks) == []
    assert isp_validation_errors(sleep) == []
    for item in ContentItem.objects.all():
        item.full_clean()


@pytest.mark.django_db
def test_seed_demos_is_idempotent():
    seed_demos(history=False)
    before = _counts()
    seed_demos(history=False)
    assert _counts() == before == (2, 5, 18, 2)
