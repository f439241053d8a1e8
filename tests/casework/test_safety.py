"""Recording the safety visit to an acutely unsafe home: who may, on which claims, and what is kept."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.services.safety import claim_record_safety_visit
from claims import roles as R
from claims import timeutil
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Absence, ClockEvent, ClockEventKind, Team
from tests.factories import Cast, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db

REPORTED = dt.datetime(2026, 3, 6, 16, 30)
FINDINGS = "Scheur in de draagmuur; de keuken is afgezet. Stutten geplaatst."


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def urgent(cast):
    with timeutil.frozen(REPORTED):
        claim = cast.fire(draft_claim(applicant=cast.person, urgent=True), "submit")
        claim = cast.fire(claim, "start_intake")
        return cast.fire(claim, "plan_inspection")  # cast.expert is the claim's expert


def visit(claim, actor, *, after=dt.timedelta(hours=20), findings=FINDINGS):
    with timeutil.frozen(REPORTED + dt.timedelta(hours=30)):
        moment = timezone.make_aware(REPORTED + after)
        return claim_record_safety_visit(claim=claim, actor=actor, visited_at=moment, findings=findings)


@pytest.mark.parametrize("who", ["caseworker", "coordinator", "expert"])
def test_the_guide_a_coordinator_or_the_claims_expert_records_the_visit(cast, urgent, who):
    event = visit(urgent, getattr(cast, who))
    assert event.kind == ClockEventKind.SAFETY_VISIT
    assert (event.claim, event.actor, event.reason) == (urgent, getattr(cast, who), FINDINGS)
    assert event.on_date == dt.date(2026, 3, 7)
    assert ClockEvent.objects.filter(claim=urgent, kind=ClockEventKind.SAFETY_VISIT).count() == 1


def test_the_date_is_the_local_date_of_the_visit(cast, urgent):
    # 23:30 UTC on 7 March is half past midnight on 8 March in Heerlen.
    with timeutil.frozen(dt.datetime(2026, 3, 8, 10, 0)):
        event = claim_record_safety_visit(claim=urgent, actor=cast.caseworker, findings=FINDINGS,
                                          visited_at=dt.datetime(2026, 3, 7, 23, 30, tzinfo=dt.UTC))
    assert event.on_date == dt.date(2026, 3, 8)


def test_the_substitute_of_an_absent_guide_may_record_it(cast, urgent):
    substitute = UserFactory(role=R.CASEWORKER)
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=dt.date(2026, 3, 1),
                           ends_on=dt.date(2026, 3, 31))
    with timeutil.frozen(dt.datetime(2026, 3, 7, 12, 0)):
        event = claim_record_safety_visit(claim=urgent, actor=substitute, findings=FINDINGS,
                                          visited_at=timeutil.now() - dt.timedelta(hours=1))
    assert event.actor == substitute


@pytest.mark.parametrize("who", ["colleague", "other_expert", "resident", "desk", "commission", "finance",
                                 "inactive_guide", "nobody"])
def test_nobody_else_may_record_it(cast, urgent, who):
    colleague = UserFactory(role=R.CASEWORKER)
    Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(colleague, cast.caseworker)
    actor = {
        "colleague": colleague,  # a team colleague reads the claim but does not work on it
        "other_expert": UserFactory(role=R.EXPERT),
        "resident": cast.resident,
        "desk": cast.desk,
        "commission": cast.commission,
        "finance": cast.finance,
        "inactive_guide": cast.caseworker,
        "nobody": None,
    }[who]
    if who == "inactive_guide":
        actor.is_active = False
        actor.save()
    with pytest.raises(TransitionForbidden):
        visit(urgent, actor)
    assert not ClockEvent.objects.filter(kind=ClockEventKind.SAFETY_VISIT).exists()


def test_only_for_an_urgent_claim(cast):
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused) as refused:
        claim_record_safety_visit(claim=claim, actor=cast.caseworker, visited_at=timeutil.now(), findings=FINDINGS)
    assert refused.value.code == "not_urgent"


@pytest.mark.parametrize(("after", "findings", "code"), [
    (dt.timedelta(hours=20), "  ", "reason_required"),
    (dt.timedelta(hours=31), FINDINGS, "future"),
    (dt.timedelta(hours=-1), FINDINGS, "before_report"),
])
def test_a_visit_needs_findings_and_a_time_between_report_and_now(cast, urgent, after, findings, code):
    with pytest.raises(TransitionRefused) as refused:
        visit(urgent, cast.caseworker, after=after, findings=findings)
    assert refused.value.code == code
    assert not ClockEvent.objects.filter(kind=ClockEventKind.SAFETY_VISIT).exists()


def test_a_draft_has_no_visit_yet(cast):
    draft = draft_claim(applicant=cast.person, urgent=True)
    with pytest.raises(TransitionRefused) as refused:
        claim_record_safety_visit(claim=draft, actor=cast.coordinator, visited_at=timeutil.now(),
                                  findings=FINDINGS)
    assert refused.value.code == "not_submitted"


def test_a_follow_up_visit_is_appended(cast, urgent):
    first = visit(urgent, cast.caseworker)
    second = visit(urgent, cast.expert, after=dt.timedelta(hours=29), findings="Stutten nagekeken.")
    assert first.pk != second.pk
    assert list(urgent.clock_events.filter(kind=ClockEventKind.SAFETY_VISIT).values_list("reason", flat=True)) == [
        FINDINGS, "Stutten nagekeken."]
