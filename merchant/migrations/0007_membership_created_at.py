"""When a membership was made. Memberships older than the column keep it empty (they are not
shown as waiting for a first login); new ones get the time they were made."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("merchant", "0006_staff_audit"),
    ]

    operations = [
        # Added empty for the rows there are, then given its default for the rows to come.
        migrations.AddField(
            model_name="staffmembership",
            name="created_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="staffmembership",
            name="created_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, null=True
            ),
        ),
    ]
