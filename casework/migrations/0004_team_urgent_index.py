"""A partial index for the team view's "urgent, no safety visit yet" list (PostgreSQL only, as 0002).

The list walks urgent claims by safety-visit date. The index it had (claims: claim_urgent_visit) holds every
urgent claim ever, so at 250,000 claims it read 5,000 of them to find the 700 still open: 4.9 ms; with only
the open ones in the index, 1.7 ms (EXPLAIN ANALYZE, bench database). The states are the caseload's
(casework.selectors.CASELOAD_STATES), written out: a migration does not follow later code."""

from django.db import migrations

CASELOAD_STATES = ("submitted", "intake", "info_requested", "inspection", "advice_draft", "response_period",
                   "commission_review", "decision_pending", "on_hold")
NAME = "claim_open_urgent_visit"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    states = ", ".join(f"'{state}'" for state in CASELOAD_STATES)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON claims_claim (safety_visit_due, id) "
        f"WHERE urgent AND status IN ({states})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_advice_decisions_objections")]
    operations = [migrations.RunPython(create, drop)]
