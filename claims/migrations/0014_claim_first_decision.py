"""The first decision on each claim, stored on the claim (issue 8): the dashboard's time to the first decision
read it from the transitions and clock events of every claim, seconds at 250,000 claims. Existing claims are
filled in from that history, with the same rules as claims.figures used (first step into `decided` or
`not_admissible`; calendar days from submission; suspended days of an info request or a hold before it). The
index on the two day counts lets the dashboard count them without reading the claims. Also a small index for the count of
reopened claims, which otherwise reads the whole transitions table."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

DECISION_STATES = ("decided", "not_admissible")
SUSPENDING_CAUSES = ("info_request", "on_hold")

BACKFILL_SQL = """
WITH decided AS (
    SELECT claim_id AS id, MIN(created_at) AS decided_at, (MIN(created_at) AT TIME ZONE %(tz)s)::date AS end_day
    FROM claims_claimtransition WHERE to_state IN ('decided', 'not_admissible') GROUP BY claim_id
), suspended AS (
    SELECT d.id, SUM(GREATEST(0, LEAST(
        COALESCE((SELECT MIN(r.on_date) FROM claims_clockevent r WHERE r.claim_id = e.claim_id AND r.kind = 'resume'
                  AND (r.cause = e.cause OR r.cause = '') AND r.on_date >= e.on_date), d.end_day + 1),
        COALESCE(e.due_date + 1, d.end_day + 1),
        d.end_day + 1) - e.on_date - 1)) AS days
    FROM decided d JOIN claims_clockevent e ON e.claim_id = d.id
    WHERE e.kind = 'suspend' AND e.cause IN ('info_request', 'on_hold') AND e.on_date <= d.end_day
    GROUP BY d.id
)
UPDATE claims_claim c SET first_decided_at = d.decided_at,
    first_decision_days = GREATEST(0, d.end_day - (c.submitted_at AT TIME ZONE %(tz)s)::date),
    first_decision_suspended_days = COALESCE(s.days, 0)
FROM decided d LEFT JOIN suspended s ON s.id = d.id
WHERE c.id = d.id
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKFILL_SQL, {"tz": settings.TIME_ZONE})
    else:
        _backfill_python(apps)


def _backfill_python(apps):
    """The same without PostgreSQL (SQLite for `make run`): small databases, one claim at a time."""
    Claim = apps.get_model("claims", "Claim")
    ClaimTransition = apps.get_model("claims", "ClaimTransition")
    ClockEvent = apps.get_model("claims", "ClockEvent")
    zone = ZoneInfo(settings.TIME_ZONE)
    firsts: dict[int, dt.datetime] = {}
    for claim_id, created_at in (ClaimTransition.objects.filter(to_state__in=DECISION_STATES)
                                 .order_by("created_at", "pk").values_list("claim_id", "created_at")):
        firsts.setdefault(claim_id, created_at)
    submitted = dict(Claim.objects.filter(pk__in=firsts).values_list("pk", "submitted_at"))
    for claim_id, decided_at in firsts.items():
        events = (ClockEvent.objects.filter(claim_id=claim_id, kind__in=("suspend", "resume"))
                  .values_list("kind", "cause", "on_date", "due_date"))
        end_day = decided_at.astimezone(zone).date()
        start_day = submitted[claim_id].astimezone(zone).date()
        Claim.objects.filter(pk=claim_id).update(
            first_decided_at=decided_at, first_decision_days=max(0, (end_day - start_day).days),
            first_decision_suspended_days=_suspended_days(list(events), end_day))


def _suspended_days(events, end_day: dt.date) -> int:
    stop = end_day + dt.timedelta(days=1)
    total = 0
    for kind, cause, on_date, due_date in events:
        if kind != "suspend" or cause not in SUSPENDING_CAUSES or on_date > end_day:
            continue
        ends = [stop, *[day for k, c, day, _due in events if k == "resume" and c in (cause, "") and day >= on_date]]
        if due_date is not None:
            ends.append(due_date + dt.timedelta(days=1))
        total += max(0, (min(ends) - on_date).days - 1)
    return total


# SQLite knows partial indexes too; this one is not in the model's Meta because it belongs to ClaimTransition.
CREATE_REOPEN_INDEX = ("CREATE INDEX IF NOT EXISTS transition_reopen ON claims_claimtransition (claim_id) "
                       "WHERE name = 'reopen'")
DROP_REOPEN_INDEX = "DROP INDEX IF EXISTS transition_reopen"


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0013_claim_newest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="first_decided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="eerste besluit op"),
        ),
        migrations.AddField(
            model_name="claim",
            name="first_decision_days",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True,
                                              verbose_name="dagen tot het eerste besluit"),
        ),
        migrations.AddField(
            model_name="claim",
            name="first_decision_suspended_days",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True,
                                              verbose_name="dagen opgeschort voor het eerste besluit"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(condition=models.Q(("first_decided_at__isnull", False), ("submitted_at__isnull", False)),
                               fields=["first_decision_days", "first_decision_suspended_days"],
                               name="claim_first_decision"),
        ),
        migrations.RunSQL(CREATE_REOPEN_INDEX, DROP_REOPEN_INDEX),
    ]
