"""Recording and ending a case guide's absence: the rules of casework.services.absence."""

import datetime as dt

import pytest

from casework.services.absence import AbsenceRefused, absence_end, absence_record
from claims import roles as R
from claims.errors import TransitionForbidden
from claims.models import Absence, Claim
from claims.permissions import may_work_on, substituted_by
from claims.selectors import claims_visible_to
from claims.timeutil import frozen, today
from tests.casework.test_caseload import moment, open_claim
from tests.factories import Cast, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def substitute():
    return UserFactory(role=R.CASEWORKER)


def record(cast, substitute, *, start=0, end=5, **overrides):
    data = {"user": cast.caseworker, "substitute": substitute, "starts_on": today() + start * DAY,
            "ends_on": today() + end * DAY, "reason": " Verlof ", "actor": cast.coordinator, **overrides}
    return absence_record(**data)


def test_an_absence_makes_the_substitute_work_on_the_guides_claims(cast, substitute):
    claim = open_claim(cast, cast.caseworker)
    assert not may_work_on(substitute, claim)

    absence = record(cast, substitute)

    assert (absence.user, absence.substitute, absence.reason, absence.created_by) == (
        cast.caseworker, substitute, "Verlof", cast.coordinator)
    assert substituted_by(substitute, on=today()) == {cast.caseworker.pk}
    assert may_work_on(substitute, claim)
    assert claims_visible_to(substitute).filter(pk=claim.pk).exists()


@pytest.mark.parametrize("change,field,code", [
    ({"start": 3, "end": 2}, "ends_on", "ends_before_start"),
    ({"start": -1, "end": 2}, "starts_on", "in_the_past"),
    ({"same": True}, "substitute", "substitute_is_self"),
    ({"substitute_role": R.EXPERT}, "substitute", "invalid_substitute"),
    ({"inactive_substitute": True}, "substitute", "invalid_substitute"),
    ({"user_role": R.DESK}, "user", "invalid_guide"),
])
def test_an_absence_that_breaks_a_rule_is_refused(cast, substitute, change, field, code):
    kwargs = {"start": change.get("start", 0), "end": change.get("end", 5)}
    if change.get("same"):
        kwargs["substitute"] = cast.caseworker
    if "substitute_role" in change:
        kwargs["substitute"] = UserFactory(role=change["substitute_role"])
    if change.get("inactive_substitute"):
        kwargs["substitute"] = UserFactory(role=R.CASEWORKER, is_active=False)
    if "user_role" in change:
        kwargs["user"] = UserFactory(role=change["user_role"])
    with pytest.raises(AbsenceRefused) as refused:
        record(cast, kwargs.pop("substitute", substitute), **kwargs)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert str(refused.value.message)
    assert not Absence.objects.exists()


def test_overlapping_absences_and_chained_stand_ins_are_refused(cast, substitute):
    record(cast, substitute, start=2, end=6)
    with pytest.raises(AbsenceRefused) as refused:
        record(cast, UserFactory(role=R.CASEWORKER), start=6, end=8)
    assert refused.value.code == "overlap"
    # The substitute cannot be away while standing in...
    with pytest.raises(AbsenceRefused) as refused:
        absence_record(user=UserFactory(role=R.CASEWORKER), substitute=cast.caseworker, starts_on=today() + 3 * DAY,
                       ends_on=today() + 3 * DAY, reason="", actor=cast.coordinator)
    assert refused.value.code == "substitute_absent"
    # ...and the one who stands in cannot go away without a stand-in for both.
    with pytest.raises(AbsenceRefused) as refused:
        absence_record(user=substitute, substitute=UserFactory(role=R.CASEWORKER), starts_on=today() + 4 * DAY,
                       ends_on=today() + 9 * DAY, reason="", actor=cast.coordinator)
    assert refused.value.code == "is_substitute"
    # After the first absence, all is free again.
    record(cast, UserFactory(role=R.CASEWORKER), start=7, end=8)
    assert Absence.objects.count() == 2


@pytest.mark.parametrize("role", [R.CASEWORKER, R.DESK, R.RESIDENT])
def test_only_a_coordinator_records_or_ends_an_absence(cast, substitute, role):
    with pytest.raises(TransitionForbidden):
        record(cast, substitute, actor=UserFactory(role=role))
    absence = record(cast, substitute)
    with pytest.raises(TransitionForbidden):
        absence_end(absence=absence, actor=UserFactory(role=role))


def test_ending_a_running_absence_ends_it_yesterday(cast, substitute):
    with frozen(moment(3)):
        absence = record(cast, substitute, start=0, end=10)
    ended = absence_end(absence=absence, actor=cast.coordinator)
    assert ended.ends_on == today() - DAY and ended.starts_on == today() - 3 * DAY
    assert substituted_by(substitute, on=today()) == set()


def test_ending_an_absence_that_has_not_begun_cancels_it(cast, substitute):
    absence = record(cast, substitute, start=2, end=3)
    assert absence_end(absence=absence, actor=cast.coordinator) is None
    assert not Absence.objects.exists()


def test_an_absence_that_starts_today_and_is_ended_today_is_cancelled(cast, substitute):
    claim = open_claim(cast, cast.caseworker)
    absence = record(cast, substitute, start=0, end=0)
    assert Claim.objects.filter(pk=claim.pk).filter(pk__in=claims_visible_to(substitute)).exists()
    absence_end(absence=absence, actor=cast.coordinator)
    assert not claims_visible_to(substitute).filter(pk=claim.pk).exists()


def test_an_absence_that_already_ended_stays_as_it_was(cast, substitute):
    with frozen(moment(10)):
        absence = record(cast, substitute, start=0, end=2)
    assert absence_end(absence=absence, actor=cast.coordinator).ends_on == absence.ends_on
