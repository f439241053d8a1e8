"""Automatic assignment spreads new claims evenly over the guides of the right team."""

from collections import Counter

import pytest

from casework.assignment import caseworker_for, claim_assign_automatically
from claims import roles as R
from claims.models import ClaimTransition, Team
from tests.factories import Cast, UserFactory, draft_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    parkstad = [UserFactory(role=R.CASEWORKER) for _ in range(3)]
    west = [UserFactory(role=R.CASEWORKER) for _ in range(2)]
    Team.objects.create(name="Parkstad", municipalities=["Heerlen", "Kerkrade"]).members.add(*parkstad)
    Team.objects.create(name="Westelijke Mijnstreek", municipalities=["Stein", "Beek"]).members.add(*west)
    return parkstad, west


def submitted(cast, municipality):
    return cast.fire(draft_claim(applicant=cast.person, municipality=municipality), "submit")


def test_one_hundred_new_claims_are_spread_evenly_over_the_team(teams):
    parkstad, west = teams
    cast = Cast()
    for _ in range(100):
        claim_assign_automatically(claim=submitted(cast, "Heerlen"))
    load = Counter(ClaimTransition.objects.filter(name="start_intake").values_list("data__caseworker", flat=True))
    assert set(load) == {g.pk for g in parkstad}
    assert sorted(load.values()) == [33, 33, 34]
    assert not set(load) & {g.pk for g in west}


def test_the_step_is_taken_by_the_system_and_names_the_guide(teams):
    _, west = teams
    cast = Cast()
    claim = claim_assign_automatically(claim=submitted(cast, "Stein"))
    assert claim.status == "intake" and claim.caseworker in west
    step = claim.transitions.get(name="start_intake")
    assert step.actor is None
    assert step.data["caseworker"] == claim.caseworker_id


def test_a_home_outside_every_team_still_gets_a_named_guide(teams):
    cast = Cast()
    claim = claim_assign_automatically(claim=submitted(cast, "Maastricht"))
    assert claim.caseworker is not None


def test_inactive_guides_get_nothing(teams):
    parkstad, _ = teams
    for guide in parkstad[1:]:
        guide.is_active = False
        guide.save()
    cast = Cast()
    claim = submitted(cast, "Kerkrade")
    assert caseworker_for(claim) == parkstad[0]
