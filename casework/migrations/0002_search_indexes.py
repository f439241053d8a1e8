"""Trigram indexes for staff search on names and streets (PostgreSQL only; SQLite under `make run` does
without). `icontains` becomes UPPER(col) LIKE UPPER('%…%'), which these expression indexes serve."""

from django.db import migrations

INDEXES = {
    "person_name_trgm": ("claims_person", "name"),
    "property_street_trgm": ("claims_property", "street"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial"), ("claims", "0005_inspections_and_staff")]
    operations = [migrations.RunPython(create, drop)]
