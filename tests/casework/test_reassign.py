"""The coordinator reassigns one claim or many: with a reason, a handover note the next guide sees first,
and a Reassignment row each; a batch moves all or none."""

import pytest

from casework.assignment import claim_reassign, claims_reassign
from casework.models import Note, Reassignment
from casework.services.safety import claim_record_safety_visit
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, OutgoingEmail
from claims.timeutil import now
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

REASON = "Werkvoorraad verdeeld na ziekte."


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def next_guide():
    return UserFactory(role=R.CASEWORKER, first_name="Lotte", last_name="Vincken")


def test_the_coordinator_moves_a_claim_with_reason_and_handover_note(cast, next_guide):
    claim = claim_in(cast, "inspection")
    moved = claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=REASON,
                           handover="  Bewoner is slechthorend: liever schrijven dan bellen.  ")

    assert moved.caseworker == next_guide
    claim.refresh_from_db()
    assert claim.caseworker == next_guide and claim.status == "inspection"
    row = Reassignment.objects.get(claim=claim)
    assert (row.from_guide, row.to_guide, row.reason, row.actor) == (cast.caseworker, next_guide, REASON,
                                                                    cast.coordinator)
    note = claim.notes.get()
    assert note.kind == Note.Kind.HANDOVER and note.author == cast.coordinator
    assert note.body == "Bewoner is slechthorend: liever schrijven dan bellen."


def test_without_a_handover_text_the_note_carries_the_reason(cast, next_guide):
    claim = claim_in(cast, "intake")
    claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    assert claim.notes.get(kind=Note.Kind.HANDOVER).body == REASON


def test_a_submitted_claim_without_a_guide_can_be_given_one(cast, next_guide):
    claim = claim_in(cast, "submitted")
    claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    assert Reassignment.objects.get(claim=claim).from_guide is None


@pytest.mark.parametrize("who", ["caseworker", "resident", "desk", "expert", "decision_maker", "nobody"])
def test_only_a_coordinator_may_reassign(cast, next_guide, who):
    claim = claim_in(cast, "intake")
    actor = None if who == "nobody" else getattr(cast, who)
    with pytest.raises(TransitionForbidden):
        claim_reassign(claim=claim, to_guide=next_guide, actor=actor, reason=REASON)
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker
    assert not Reassignment.objects.exists() and not Note.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(cast, next_guide, reason):
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused) as refused:
        claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=reason)
    assert refused.value.code == "reason_required"
    assert Claim.objects.get(pk=claim.pk).caseworker == cast.caseworker


def test_only_to_an_active_case_guide(cast, next_guide):
    claim = claim_in(cast, "intake")
    for wrong in (cast.expert, None):
        with pytest.raises(TransitionRefused) as refused:
            claim_reassign(claim=claim, to_guide=wrong, actor=cast.coordinator, reason=REASON)
        assert refused.value.code == "invalid_caseworker"
    next_guide.is_active = False
    next_guide.save()
    with pytest.raises(TransitionRefused):
        claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    assert not Reassignment.objects.exists()


@pytest.mark.parametrize("state", ["draft", "closed", "withdrawn"])
def test_drafts_and_finished_claims_are_not_moved(cast, next_guide, state):
    claim = claim_in(cast, state)
    with pytest.raises(TransitionRefused) as refused:
        claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    assert refused.value.code == "not_open"


def test_to_the_same_guide_nothing_is_recorded(cast):
    claim = claim_in(cast, "intake")
    claim_reassign(claim=claim, to_guide=cast.caseworker, actor=cast.coordinator, reason=REASON)
    assert not Reassignment.objects.exists() and not Note.objects.exists()


def test_a_batch_moves_every_claim_named(cast, next_guide):
    claims = [claim_in(cast, state) for state in ("intake", "inspection", "on_hold")]
    moved = claims_reassign(references=[c.reference for c in claims], to_guide=next_guide, actor=cast.coordinator,
                            reason=REASON, handover="Zie de notities.")
    assert sorted(c.pk for c in moved) == sorted(c.pk for c in claims)
    assert set(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("caseworker", flat=True)) == {
        next_guide.pk}
    assert Reassignment.objects.filter(to_guide=next_guide).count() == 3
    assert Note.objects.filter(kind=Note.Kind.HANDOVER, body="Zie de notities.").count() == 3


def test_a_batch_with_one_claim_that_cannot_move_moves_none_and_names_it(cast, next_guide):
    movable = [claim_in(cast, "intake"), claim_in(cast, "inspection")]
    closed = claim_in(cast, "closed")
    with pytest.raises(TransitionRefused) as refused:
        claims_reassign(references=[*(c.reference for c in movable), closed.reference], to_guide=next_guide,
                        actor=cast.coordinator, reason=REASON)
    assert refused.value.message.startswith(f"{closed.reference}: ")
    assert refused.value.code == "not_open"
    assert not Claim.objects.filter(caseworker=next_guide).exists()
    assert not Reassignment.objects.exists() and not Note.objects.exists()


def test_a_batch_by_someone_else_than_a_coordinator_is_forbidden(cast, next_guide):
    claims = [claim_in(cast, "intake") for _ in range(2)]
    with pytest.raises(TransitionRefused) as refused:
        claims_reassign(references=[c.reference for c in claims], to_guide=next_guide, actor=cast.caseworker,
                        reason=REASON)
    assert refused.value.code == "forbidden"
    assert not Reassignment.objects.exists()


def test_a_submitted_claim_given_a_guide_is_taken_into_intake(cast, next_guide):
    claim = claim_in(cast, "submitted")
    moved = claim_reassign(claim=claim, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    # Not left in "submitted" with a guide: the sweep skips claims with a guide, and only a coordinator may
    # start the intake, so the guide could not move it.
    assert moved.status == "intake" and moved.caseworker == next_guide
    step = ClaimTransition.objects.get(claim=claim, name="start_intake")
    assert (step.actor, step.reason, step.data["caseworker"]) == (cast.coordinator, REASON, next_guide.pk)
    assert claim.notes.get(kind=Note.Kind.HANDOVER).body == REASON


def test_the_new_guide_of_an_urgent_claim_not_yet_visited_hears_at_once(cast, next_guide):
    urgent = claim_in(cast, "intake", urgent=True)
    claim_reassign(claim=urgent, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    notice = OutgoingEmail.objects.get(purpose="urgent_assigned")
    assert notice.to == next_guide.email and notice.claim == urgent
    assert notice.subject == f"Nieuwe spoedzaak voor u: {urgent.reference}"

    visited = claim_in(cast, "intake", urgent=True)
    claim_record_safety_visit(claim=visited, actor=cast.caseworker, visited_at=now(), findings="Gestut.")
    claim_reassign(claim=visited, to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    claim_reassign(claim=claim_in(cast, "intake"), to_guide=next_guide, actor=cast.coordinator, reason=REASON)
    assert OutgoingEmail.objects.filter(purpose="urgent_assigned").count() == 1


def test_a_batch_by_someone_else_does_not_tell_which_references_exist(cast, next_guide):
    real = claim_in(cast, "intake")
    with pytest.raises(TransitionForbidden) as refused:
        claims_reassign(references=[real.reference, "MS-2099-999999"], to_guide=next_guide, actor=cast.caseworker,
                        reason=REASON)
    assert refused.value.code == "forbidden" and "MS-2099-999999" not in str(refused.value.message)
