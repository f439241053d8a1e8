"""`claims_visible_to`: each role sees exactly what DESIGN.md says, as a table."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from claims import roles as R
from claims.models import Mandate, Recusal, Team
from claims.selectors import claim_for, claims_visible_to
from tests.factories import PATHS, Cast, UserFactory, draft_claim, resident


class World:
    """Five claims, and people tied to some of them."""

    def __init__(self) -> None:
        self.cast = Cast()
        cast = self.cast
        self.res1, self.p1 = cast.resident, cast.person
        self.res2, self.p2 = resident()
        self.rep, rep_person = resident()
        Mandate.objects.create(principal=self.p1, representative=rep_person, valid_from=dt.date(2024, 1, 1))
        self.desk = cast.desk
        self.cw1 = cast.caseworker
        self.cw2 = UserFactory(role=R.CASEWORKER)
        Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(self.cw1)
        Team.objects.create(name="Westelijke Mijnstreek", municipalities=["Sittard-Geleen", "Stein"]).members.add(
            self.cw2)
        self.recused = UserFactory(role=R.COMMISSION)
        self.other_desk = UserFactory(role=R.DESK)
        self.other_expert = UserFactory(role=R.EXPERT)
        self.third_expert = UserFactory(role=R.EXPERT)
        self.dm = UserFactory(role=R.DECISION_MAKER)
        self.coordinator = UserFactory(role=R.COORDINATOR)
        self.finance = UserFactory(role=R.FINANCE)

        self.c1 = self._drive(draft_claim(applicant=self.p1, filed_by=self.desk), "commission_review", self.cw1)
        Recusal.objects.create(claim=self.c1, member=self.recused, ground=Recusal.Ground.NEIGHBOUR)
        self.c2 = self._drive(draft_claim(applicant=self.p2, municipality="Sittard-Geleen"), "decision_pending",
                              self.cw2)
        c3 = draft_claim(applicant=self.p2)
        c3.co_applicants.add(self.p1)
        self.c3 = self._drive(c3, "decided", self.cw2)
        self.c4 = self._drive(draft_claim(applicant=self.p2, municipality="Sittard-Geleen"), "decided", self.cw2,
                              award=Decimal("0"))
        self.c5 = draft_claim(applicant=self.p2, municipality="Stein")

    def _drive(self, claim, state, caseworker, award=Decimal("1200.00")):
        expert = self.cast.expert if caseworker == self.cw1 else self.third_expert
        for name in PATHS[state]:
            data = {}
            if name == "start_intake":
                data["caseworker"] = caseworker
            if name == "plan_inspection":
                data["expert"] = expert
            if name == "decide":
                data = {"outcome": "granted" if award else "rejected", "awarded_amount": award}
            actor = {"submit": claim.applicant.user, "request_info": caseworker, "plan_inspection": caseworker,
                     "send_advice": caseworker, "forward_to_commission": caseworker,
                     "record_advice": expert}.get(name)
            claim = self.cast.fire(claim, name, actor=actor, **data)
        return claim


# who → the claims (by name) they may see
EXPECTED = {
    "res1": {"c1", "c3"},  # own claim, and the one they co-own
    "rep": {"c1", "c3"},  # mandate for res1 (all claims)
    "res2": {"c2", "c3", "c4", "c5"},
    "desk": {"c1"},  # filed it at the desk
    "other_desk": set(),
    "cw1": {"c1", "c3"},  # own caseload, and team claims in Heerlen
    "cw2": {"c2", "c3", "c4"},  # own caseload; the draft in Stein is not sent yet
    "expert": {"c1"},  # assigned
    "other_expert": set(),
    "commission": {"c1"},  # in commission review
    "recused": set(),  # declared a conflict of interest on c1
    "dm": {"c2"},  # awaiting decision
    "finance": {"c3"},  # decided with an award; c4 was rejected
    "coordinator": {"c1", "c2", "c3", "c4", "c5"},
    "anonymous": set(),
}


def who(world: World, name: str):
    cast = world.cast
    return {
        "expert": cast.expert, "commission": cast.commission, "anonymous": AnonymousUser(),
    }.get(name) or getattr(world, name)


@pytest.fixture
def world(db):
    return World()


@pytest.mark.parametrize("name,expected", list(EXPECTED.items()), ids=list(EXPECTED))
def test_each_role_sees_exactly_its_claims(world, name, expected):
    user = who(world, name)
    seen = set(claims_visible_to(user).values_list("reference", flat=True))
    assert seen == {getattr(world, c).reference for c in expected}
    # And nothing leaks by guessing a reference.
    for c in ("c1", "c2", "c3", "c4", "c5"):
        assert (claim_for(user, getattr(world, c).reference) is not None) == (c in expected)


def test_every_role_is_in_the_table():
    roles_covered = {"resident", "desk", "caseworker", "expert", "commission", "decision_maker", "coordinator",
                     "finance"}
    assert roles_covered == set(R.ALL_ROLES)


def test_inactive_users_see_nothing(world):
    world.cw1.is_active = False
    world.cw1.save()
    assert not claims_visible_to(world.cw1).exists()


def test_a_user_without_a_role_sees_nothing(world):
    assert not claims_visible_to(UserFactory()).exists()


def test_the_resident_query_has_no_duplicates_and_fixed_queries(world, django_assert_max_num_queries):
    user = world.res1
    R.forget_roles(user)
    with django_assert_max_num_queries(2):
        refs = list(claims_visible_to(user).values_list("reference", flat=True))
    assert len(refs) == len(set(refs)) == 2
