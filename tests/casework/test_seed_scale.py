"""`manage.py seed_scale` at a small size: consistent data in every state, ~20 damage items per claim, deadlines
that fit the state, and the refusal to wipe a database it did not fill.

It runs on the test database: transactional (COPY, and VACUUM that cannot run in a transaction), so pytest-django
empties the tables afterwards and the post_migrate reference data (role groups, holidays) comes back."""

import io
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Avg, Count, Max, Min

from casework.models import DeadlineMark
from casework.scale_seed import MARKER, seed
from casework.scale_seed.vocabulary import STATES
from claims import figures, timeutil
from claims.deadlines import decision_clock
from claims.models import Claim, ClaimTransition, ClockEvent, DamageItem
from claims.states import DECISION_STATES, OPEN_STATES, SUSPENDED_STATES, State
from tests.factories import draft_claim, resident

CLAIMS = 1500  # small, yet enough that even the rarest states (4 and 5 per mille) come up with this seed
User = get_user_model()
INSPECTED_NOT = {"draft", "submitted", "intake", "info_requested", "inspection", "withdrawn", "not_admissible",
                 "on_hold"}


@pytest.fixture
def seeded(transactional_db):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_scale", claims=CLAIMS, guides=12, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_state_and_the_summary(seeded):
    out, err = seeded
    counts = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
    assert sum(counts.values()) == CLAIMS
    assert set(counts) == set(State.values) == {s[0] for s in STATES}
    assert "Time per part:" in out and "damage items" in out and "VACUUM (ANALYZE)" in out
    assert "100% VACUUM (ANALYZE)" in err  # the bar ran to the end


def test_status_is_the_last_transition(seeded):
    last = {}
    for claim_id, to_state in (ClaimTransition.objects.order_by("claim_id", "created_at", "id")
                               .values_list("claim_id", "to_state")):
        last[claim_id] = to_state
    statuses = dict(Claim.objects.values_list("id", "status"))
    drafts = {pk for pk, status in statuses.items() if status == State.DRAFT}
    assert drafts and not drafts & set(last)
    assert {pk: status for pk, status in statuses.items() if pk not in drafts} == last
    # Each transition starts where the one before it ended, from draft on.
    previous = {}
    for claim_id, from_state, to_state in (ClaimTransition.objects.order_by("claim_id", "created_at", "id")
                                           .values_list("claim_id", "from_state", "to_state")):
        assert from_state == previous.get(claim_id, State.DRAFT)
        previous[claim_id] = to_state


def test_damage_items_spread_and_findings(seeded):
    per_claim = Claim.objects.annotate(n=Count("damage_items")).aggregate(lo=Min("n"), hi=Max("n"), avg=Avg("n"))
    assert per_claim["lo"] >= 5 and per_claim["hi"] <= 40
    assert 18 <= per_claim["avg"] <= 22
    assert DamageItem.objects.count() > 25 * CLAIMS * 0.7
    # Positions are 1..n per claim, without gaps.
    positions = DamageItem.objects.values("claim_id").annotate(n=Count("id"), top=Max("position"), low=Min("position"))
    assert all(row["low"] == 1 and row["top"] == row["n"] for row in positions)
    # Findings and costs only once the expert has been; amounts per item only on an award.
    before = DamageItem.objects.filter(claim__status__in=INSPECTED_NOT)
    assert not before.exclude(expert_verdict="", repair_cost=None).exists()
    assert not before.filter(added_by_expert=True).exists()
    after = DamageItem.objects.exclude(claim__status__in=INSPECTED_NOT)
    assert after.exists() and not after.filter(expert_verdict="").exists()
    assert not after.filter(repair_cost=None).exists()
    assert not DamageItem.objects.exclude(claim__outcome__in=["granted", "partly_granted"]).exclude(
        awarded_amount=None).exists()
    awarded = DamageItem.objects.filter(claim__outcome__in=["granted", "partly_granted"],
                                        claim__status__in=["decided", "objection", "settlement", "closed"])
    assert awarded.exists() and not awarded.filter(awarded_amount=None).exists()
    assert not awarded.filter(expert_verdict="no").exclude(awarded_amount=0).exists()


def test_deadlines_fit_the_state(seeded):
    today = timeutil.today()
    claims = Claim.objects.all()
    assert not claims.filter(submitted_at=None).exclude(status=State.DRAFT).exists()
    assert not claims.filter(submitted_at=None, decision_due__isnull=False).exists()
    assert not claims.exclude(submitted_at=None).filter(decision_due=None).exists()
    assert set(claims.filter(clock_suspended=True).values_list("status", flat=True)) == set(SUSPENDED_STATES)
    assert not claims.exclude(status__in=SUSPENDED_STATES).filter(clock_suspended=True).exists()
    assert not claims.exclude(status__in=["info_requested", "response_period"]).exclude(reply_due=None).exists()
    assert not claims.exclude(status="objection").exclude(objection_decision_due=None).exists()
    # The morning watch's marks: only on open claims with a running clock, and they say the truth.
    marks = DeadlineMark.objects.select_related("claim")
    assert marks.exists()
    for mark in marks:
        assert mark.claim.status in OPEN_STATES and not mark.claim.clock_suspended
        assert mark.due_on == mark.claim.decision_due
        assert (mark.level == "overdue") == (mark.due_on < today)
    # The open claims' decision_due is what claims.deadlines computes from their clock events.
    open_claims = {c.pk: c for c in claims.filter(status__in=[*OPEN_STATES, State.ON_HOLD])}
    events = defaultdict(list)
    for event in ClockEvent.objects.filter(claim_id__in=open_claims):
        events[event.claim_id].append(event)
    for pk, claim in open_claims.items():
        assert decision_clock(events[pk], as_of=today).due == claim.decision_due, claim.reference


def test_the_first_decision_on_the_claim_is_what_the_history_says(seeded):
    # The dashboard reads the first decision from the claim (claims.figures); the seed must store what the
    # lifecycle service would have: the first step into a decision state, and the suspended days before it.
    firsts = {}
    for claim_id, created_at in (ClaimTransition.objects.filter(to_state__in=DECISION_STATES)
                                 .order_by("created_at", "id").values_list("claim_id", "created_at")):
        firsts.setdefault(claim_id, created_at)
    stored = {pk: (at, days, suspended) for pk, at, days, suspended in Claim.objects.values_list(
        "id", "first_decided_at", "first_decision_days", "first_decision_suspended_days")}
    submitted = dict(Claim.objects.values_list("id", "submitted_at"))
    assert {pk for pk, (at, _days, _suspended) in stored.items() if at is not None} == set(firsts)
    assert not [pk for pk, row in stored.items() if row[0] is None and row != (None, None, None)]
    events = defaultdict(list)
    for claim_id, *event in ClockEvent.objects.filter(claim_id__in=firsts).values_list(
            "claim_id", "kind", "cause", "on_date", "due_date"):
        events[claim_id].append(tuple(event))
    suspended = 0
    for pk, decided_at in firsts.items():
        decided_on = timeutil.local_date(decided_at)
        expected = figures.suspended_days(events[pk], decided_on)
        days = (decided_on - timeutil.local_date(submitted[pk])).days
        assert stored[pk] == (decided_at, days, expected), pk
        suspended += expected > 0
    assert suspended  # some decided claims had their clock suspended before the decision


def test_seeding_again_replaces_its_own_data(seeded):
    first = Claim.objects.order_by("id").values_list("reference", flat=True)[0]
    call_command("seed_scale", claims=300, guides=12, items_per_claim=3, no_vacuum=True, verbosity=0)
    assert Claim.objects.count() == 300
    assert Claim.objects.order_by("id").values_list("reference", flat=True)[0] == first
    assert 2 <= DamageItem.objects.count() / 300 <= 4


@pytest.mark.django_db(transaction=True)
def test_refuses_a_database_it_did_not_fill():
    _, person = resident()
    claim = draft_claim(applicant=person)
    with pytest.raises(CommandError, match="Refusing to wipe"):
        call_command("seed_scale", claims=300, guides=12, verbosity=0)
    assert list(Claim.objects.values_list("id", flat=True)) == [claim.pk]
    assert not User.objects.filter(username=MARKER).exists()


@pytest.mark.django_db
def test_inside_a_transaction_it_skips_vacuum():
    # Plain django_db wraps the test in a transaction; VACUUM cannot run there, so the seed leaves it out.
    laps = seed(300, guides=12, verbose=False)
    assert "VACUUM (ANALYZE)" not in laps and "damage items" in laps
    assert connection.in_atomic_block
    assert Claim.objects.count() == 300

