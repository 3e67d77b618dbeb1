import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalog.models import Category, Product, ProductSynonym
from merchant.demo import DEMO_SKILL_ID, seed_demo_store
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
    call_command("seed_demo", verbosity=0)
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


ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[2])


def _run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "false", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_the_portal_refuses_to_serve_without_a_secret_key_when_debug_is_off():
    for entry in ("merchant.wsgi", "merchant.asgi"):
        served = _run(["-c", f"import {entry}"], SECRET_KEY="")
        assert served.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off." in served.stderr
    deploy = _run(["manage.py", "check", "--deploy"], SECRET_KEY="")
    assert deploy.returncode != 0
    assert "(merchant.E001) SECRET_KEY must be set when DEBUG is off." in deploy.stderr
    assert _run(["-c", "import merchant.wsgi"], SECRET_KEY="k" * 50).returncode == 0


def test_tooling_runs_without_a_secret_key():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_database_and_broker_come_from_the_environment():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='merchant.settings';"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.DEBUG, settings.USE_TZ)"
    )
    base = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x"}
    default = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=True
    )
    assert default.stdout.split() == ["django.db.backends.sqlite3", "True", "False", "True"]
    switched = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **base,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert switched.stdout.split() == ["django.db.backends.postgresql", "False", "False", "True"]
