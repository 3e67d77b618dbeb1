"""A trigram index for searching customers by any part of their name (PostgreSQL only).

``UPPER(name) LIKE UPPER('%term%')`` (Django's ``icontains``) uses it. Built with
``CONCURRENTLY`` so that adding it to a large live table does not block writes. Other
databases search without it.
"""

from django.db import migrations

INDEX = "customer_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
        "ON orders_customer USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0002_back_office")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
