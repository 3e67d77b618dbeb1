"""The demo seed behind `make run`."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalog.models import Category, Product, ProductSynonym
from demo.seed import DEMO_SKILL_ID, seed_demo_store
from merchant.models import Role, SkillId, StaffMembership, Store


def _counts():
    return (
        Store.objects.count(),
        SkillId.objects.count(),
        Category.objects.count(),
        Product.objects.count(),
        ProductSynonym.objects.count(),
        get_user_model().objects.count(),
        StaffMembership.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_creates_the_no_nicks_store():
    call_command("seed_demo", "--no-history", verbosity=0)
    store = Store.objects.get(slug="no-nicks")
    assert store.name == "No Nicks"
    assert store.invocation_name == "no nicks"
    assert store.skill_ids.get().skill_id == DEMO_SKILL_ID
    assert store.enabled_locales == ["en-US", "en-GB", "de-DE"]
    kit = Product.objects.get(store=store, sku="NN-KIT")
    assert str(kit.price) == "9.00"
    assert "weighted razor handle, three blades and a two-ounce tube of menthol" in (
        kit.spoken_description
    )
    refills = Product.objects.get(store=store, sku="NN-BLADES-8")
    assert refills.refill_interval_weeks == 8
    assert refills.repeat_purchase is True
    assert Product.objects.filter(store=store, best_seller=True).count() == 2
    assert list(Category.objects.filter(store=store).values_list("name", flat=True)) == [
        "Starter kits",
        "Refills",
        "Shaving cream",
    ]
    roles = dict(StaffMembership.objects.filter(store=store).values_list("user__username", "role"))
    assert roles == {
        "owner": Role.OWNER,
        "editor": Role.CATALOG_EDITOR,
        "support": Role.SUPPORT_AGENT,
    }
    assert get_user_model().objects.get(username="owner").check_password("nonicks-demo")


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_keeps_owner_edits():
    seed_demo_store()
    before = _counts()
    kit = Product.objects.get(sku="NN-KIT")
    kit.price = "11.50"
    kit.save()
    result = seed_demo_store()
    assert result.created is False
    assert _counts() == before
    kit.refresh_from_db()
    assert str(kit.price) == "11.50"
