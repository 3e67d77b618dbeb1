"""The launch checklist's models (skill package exports, certification runs) leave the skill
app's state: the merchant's voice tooling, another app now, takes them over with their tables
as they are. Nothing changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("skill", "0005_analytics_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CertificationRun"),
                migrations.DeleteModel(name="SkillPackageExport"),
            ],
            database_operations=[],
        ),
    ]
