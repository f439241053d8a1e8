"""The permission matrix: every role x every transition, on a claim that is theirs and on one that is not."""

import contextlib
import datetime as dt

import pytest

from claims import roles as R
from claims import timeutil
from claims.errors import TransitionForbidden
from claims.models import ClaimTransition, Recusal
from tests.factories import Cast, UserFactory, claim_in, resident

# Written out from DESIGN.md ("Transitions ... who"); the coordinator may also act for a case guide.
WHO: dict[str, set[str]] = {
    "submit": {R.RESIDENT, R.DESK, R.COORDINATOR},
    "start_intake": {R.COORDINATOR},
    "request_info": {R.CASEWORKER, R.COORDINATOR},
    "receive_info": {R.RESIDENT, R.CASEWORKER, R.COORDINATOR},
    "declare_not_admissible": {R.CASEWORKER, R.COORDINATOR},
    "plan_inspection": {R.CASEWORKER, R.COORDINATOR},
    "record_advice": {R.EXPERT, R.CASEWORKER, R.COORDINATOR},
    "send_advice": {R.CASEWORKER, R.COORDINATOR},
    "revise_advice": {R.CASEWORKER, R.COORDINATOR},
    "forward_to_commission": {R.CASEWORKER, R.COORDINATOR},
    "advise": {R.COMMISSION},
    "decide": {R.DECISION_MAKER},
    "file_objection": {R.RESIDENT, R.CASEWORKER, R.COORDINATOR},
    "decide_objection": {R.DECISION_MAKER},
    "start_settlement": {R.FINANCE, R.COORDINATOR},
    "close": {R.FINANCE, R.CASEWORKER, R.COORDINATOR},
    "withdraw": {R.RESIDENT, R.CASEWORKER, R.COORDINATOR},
    "hold": {R.CASEWORKER, R.COORDINATOR},
    "resume": {R.CASEWORKER, R.COORDINATOR},
    "reopen": {R.COORDINATOR},
}
STATE_FOR = {
    "submit": "draft", "start_intake": "submitted", "request_info": "intake", "receive_info": "info_requested",
    "declare_not_admissible": "intake", "plan_inspection": "intake", "record_advice": "inspection",
    "send_advice": "advice_draft", "revise_advice": "response_period", "forward_to_commission": "response_period",
    "advise": "commission_review", "decide": "decision_pending", "file_objection": "decided",
    "decide_objection": "objection", "start_settlement": "decided", "close": "settlement", "withdraw": "intake",
    "hold": "intake", "resume": "on_hold", "reopen": "closed",
}
# Roles whose right depends on their tie to the claim; for the others "someone else's claim" does not exist.
TIED = {R.RESIDENT, R.DESK, R.CASEWORKER, R.EXPERT, R.COMMISSION}
MATRIX = [
    pytest.param(name, role, own, role in WHO[name], id=f"{name}-{role}-{'own' if own else 'other'}")
    for name in WHO
    for role in R.ALL_ROLES
    for own in ((True, False) if role in TIED else (True,))
]


def actor(cast: Cast, role: str, own: bool, claim):
    """A user of `role` who is (own) or is not (other) tied to the claim."""
    if role == R.RESIDENT:
        return cast.resident if own else resident()[0]
    if role == R.DESK:
        return cast.desk if own else UserFactory(role=R.DESK)
    if role == R.CASEWORKER:
        return cast.caseworker if own else UserFactory(role=R.CASEWORKER)
    if role == R.EXPERT:
        return cast.expert if own else UserFactory(role=R.EXPERT)
    if role == R.COMMISSION:
        if own:
            return cast.commission
        member = UserFactory(role=R.COMMISSION)
        Recusal.objects.create(claim=claim, member=member, ground=Recusal.Ground.NEIGHBOUR)
        return member
    return UserFactory(role=role)  # decision maker, coordinator, finance: not tied, and not the earlier eye


def test_matrix_is_complete():
    assert set(WHO) == set(STATE_FOR)
    assert len(MATRIX) == 20 * (len(TIED) * 2 + 3)


@pytest.mark.django_db
@pytest.mark.parametrize("name,role,own,role_may", MATRIX)
def test_permission_matrix(name, role, own, role_may):
    cast = Cast()
    claim = claim_in(cast, STATE_FOR[name], filed_by=cast.desk)
    who = actor(cast, role, own, claim)
    # A guide or expert is tied to a claim only once assigned to it.
    tie = {R.CASEWORKER: claim.caseworker_id is not None, R.EXPERT: claim.expert_id is not None}.get(role, True)
    expected = role_may and tie and (own or role not in TIED)
    before = ClaimTransition.objects.filter(claim=claim).count()
    with _when_allowed(claim, name):
        _try(cast, claim, name, who, expected=expected, before=before)


def _when_allowed(claim, name: str):
    """Closing waits for the objection window (Awb 6:7): it is tried on the first day after it."""
    if name != "close" or claim.objection_due is None:
        return contextlib.nullcontext()
    return timeutil.frozen(dt.datetime.combine(claim.objection_due + dt.timedelta(days=1), dt.time(10)))


def _try(cast, claim, name: str, who, *, expected: bool, before: int) -> None:
    if expected:
        claim = cast.fire(claim, name, actor=who)
        assert ClaimTransition.objects.filter(claim=claim).count() == before + 1
        assert ClaimTransition.objects.filter(claim=claim).last().actor == who
    else:
        with pytest.raises(TransitionForbidden):
            cast.fire(claim, name, actor=who)
        assert ClaimTransition.objects.filter(claim=claim).count() == before


@pytest.mark.django_db
def test_four_eyes_the_advisor_cannot_decide():
    cast = Cast()
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(*UserFactory(role=R.DECISION_MAKER).groups.all())
    claim = claim_in(cast, "commission_review")
    claim = cast.fire(claim, "advise", actor=both)
    R.forget_roles(both)
    with pytest.raises(TransitionForbidden):
        cast.fire(claim, "decide", actor=both)
    assert cast.fire(claim, "decide").status == "decided"


@pytest.mark.django_db
def test_the_decision_maker_cannot_decide_the_objection():
    cast = Cast()
    claim = claim_in(cast, "objection")
    with pytest.raises(TransitionForbidden):
        cast.fire(claim, "decide_objection", actor=cast.decision_maker)
    assert cast.fire(claim, "decide_objection").status == "settlement"


@pytest.mark.django_db
def test_inactive_and_anonymous_users_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    cast = Cast()
    claim = claim_in(cast, "intake")
    cast.caseworker.is_active = False
    cast.caseworker.save()
    for who in (cast.caseworker, AnonymousUser()):
        with pytest.raises(TransitionForbidden):
            cast.fire(claim, "request_info", actor=who)


@pytest.mark.django_db
def test_a_representative_with_a_valid_mandate_acts_for_the_resident():
    import datetime as dt

    from claims.models import Mandate

    cast = Cast()
    claim = claim_in(cast, "decided")
    rep_user, rep = resident()
    mandate = Mandate.objects.create(principal=cast.person, representative=rep, valid_from=dt.date(2020, 1, 1),
                                     valid_until=dt.date(2020, 12, 31))
    with pytest.raises(TransitionForbidden):
        cast.fire(claim, "file_objection", actor=rep_user)  # expired
    Mandate.objects.filter(pk=mandate.pk).update(valid_until=None)
    assert cast.fire(claim, "file_objection", actor=rep_user).status == "objection"
