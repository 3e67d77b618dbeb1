"""The launch checklist's models, taken over from the skill app with their tables as they are
(``db_table`` keeps the skill's names): the skill's migration 0006 drops them from its state,
this one adds them to the voice tooling's, and neither touches a table or a row. On a
database that had them, their content types (and so any permission on them) move along."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["certificationrun", "skillpackageexport"]


def content_types_follow(apps, schema_editor):
    """The skill's content types of the moved models become the voice tooling's (none on a
    new database: content types are created after the migrations)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(
        ContentType.objects.filter(app_label="voicelab", model__in=MOVED).values_list(
            "model", flat=True
        )
    )
    ContentType.objects.filter(app_label="skill", model__in=sorted(set(MOVED) - taken)).update(
        app_label="voicelab"
    )


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="voicelab", model__in=MOVED).update(app_label="skill")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("skill", "0006_launch_models_leave_the_skill"),
        ("merchant", "0006_staff_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CertificationRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("started_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("passed", "Passed"),
                                    ("failed", "Failed"),
                                    ("error", "Could not run"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("progress_done", models.PositiveSmallIntegerField(default=0)),
                        ("progress_total", models.PositiveSmallIntegerField(default=0)),
                        ("results", models.JSONField(blank=True, default=list)),
                        (
                            "notes",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="Certification rows that do not apply, and why.",
                            ),
                        ),
                        (
                            "error",
                            models.TextField(
                                blank=True, help_text="Why the run could not play its cases."
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "started_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "store",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="certification_runs",
                                to="merchant.store",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skill_certificationrun",
                        "ordering": ["-started_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["store", "-started_at"], name="cert_run_store_time"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status__in", ["queued", "running"])),
                                fields=("store",),
                                name="one_active_certification_run_per_store",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SkillPackageExport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("catalog_revision", models.PositiveIntegerField()),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("download", "Downloaded from the portal"),
                                    ("command", "manage.py export_skill_package"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "exported_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "store",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="package_exports",
                                to="merchant.store",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skill_skillpackageexport",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["store", "-created_at"], name="package_export_store_time"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(content_types_follow, content_types_return, elidable=True),
            ],
        ),
    ]
