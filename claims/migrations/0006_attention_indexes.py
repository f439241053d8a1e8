"""Indexes for the staff caseload. The attention order (urgent first, then the nearest legal deadline, over
open claims) uses NULLS LAST, which SQLite cannot index; it is created on PostgreSQL only."""

from django.db import migrations, models

OPEN_OR_HELD = ("submitted", "intake", "info_requested", "inspection", "advice_draft", "response_period",
                "commission_review", "decision_pending", "on_hold")


def create_attention_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    states = ", ".join(f"'{state}'" for state in OPEN_OR_HELD)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS claim_attention ON claims_claim "
        f"(urgent DESC, decision_due ASC NULLS LAST, id) WHERE status IN ({states})"
    )


def drop_attention_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_attention")


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_inspections_and_staff")]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(condition=models.Q(("urgent", True)), fields=["safety_visit_due", "id"],
                               name="claim_urgent_visit"),
        ),
        migrations.RunPython(create_attention_index, drop_attention_index),
    ]
