"""The launch checklist's models moved from the skill app to the voice tooling without
touching the database: rows written before the move are read by the moved models, the
tables keep their names, and the content types (and so the permissions) follow."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from merchant.tests.factories import StoreFactory
from voicelab.models import CertificationRun, SkillPackageExport

BEFORE = [("skill", "0005_analytics_indexes"), ("voicelab", None)]
MODELS = ["certificationrun", "skillpackageexport"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The apps as they were at the targets (an app migrated to zero has none).
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_by_the_moved_models():
    store = StoreFactory()
    old = migrate(BEFORE)
    old.get_model("skill", "SkillPackageExport").objects.create(
        store_id=store.pk, catalog_revision=7, source="command"
    )
    old.get_model("skill", "CertificationRun").objects.create(
        store_id=store.pk, status="passed", results=[{"key": "welcome", "status": "passed"}]
    )

    migrate(leaf())

    assert list(SkillPackageExport.objects.values_list("store", "catalog_revision", "source")) == [
        (store.pk, 7, "command")
    ]
    assert list(CertificationRun.objects.values_list("store", "status", "results")) == [
        (store.pk, "passed", [{"key": "welcome", "status": "passed"}])
    ]
    assert (SkillPackageExport._meta.db_table, CertificationRun._meta.db_table) == (
        "skill_skillpackageexport",
        "skill_certificationrun",
    )


@pytest.mark.django_db(transaction=True)
def test_the_content_types_of_the_moved_models_follow_them_both_ways():
    moved = dict(
        ContentType.objects.filter(app_label="voicelab", model__in=MODELS).values_list(
            "model", "pk"
        )
    )
    assert sorted(moved) == MODELS

    migrate(BEFORE)
    back = ContentType.objects.filter(pk__in=moved.values())
    assert sorted(back.values_list("app_label", "model")) == [("skill", m) for m in MODELS]

    migrate(leaf())
    again = ContentType.objects.filter(pk__in=moved.values())
    assert sorted(again.values_list("app_label", "model")) == [("voicelab", m) for m in MODELS]
    ContentType.objects.clear_cache()
