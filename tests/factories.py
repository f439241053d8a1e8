"""Test data: people per role and claims driven to any state through the real services."""

import datetime as dt
import functools
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from claims import roles as R
from claims import timeutil
from claims.models import DamageItem, Person, Property
from claims.services import claim_create_draft, claim_transition

User = get_user_model()
_house_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


def _password_hash() -> str:
    # Cached per hasher: a test that switches to a fast hasher must not leave its hash for the others.
    from django.conf import settings

    return _hash_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_with(hasher: str) -> str:
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nl")
    # Hashed once: hashing per user would make every test seconds slower.
    password = factory.LazyFunction(lambda: _password_hash())

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()





class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Bewoner {n}")
    email = factory.Sequence(lambda n: f"bewoner{n}@example.nl")


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    postcode = "6411AB"
    house_number = factory.LazyFunction(lambda: next(_house_numbers))
    street = "Akerstraat"
    town = "Heerlen"
    municipality = "Heerlen"


def resident(**kwargs) -> tuple:
    """A resident account with its Person."""
    user = UserFactory(role=R.RESIDENT, **kwargs)
    person = PersonFactory(user=user, name=f"Bewoner {user.username}")
    return user, person


def draft_claim(*, applicant: Person, filed_by=None, municipality: str = "Heerlen", urgent: bool = False,
                items: int = 1):
    prop = PropertyFactory(municipality=municipality, town=municipality)
    claim = claim_create_draft(property=prop, applicant=applicant, filed_by=filed_by or applicant.user,
                               urgent=urgent)
    for position in range(1, items + 1):
        DamageItem.objects.create(claim=claim, position=position, location="Woonkamer", kind="crack",
                                  description="Scheur van 2 mm boven de deur")
    return claim


class Cast:
    """One person per role, enough for every step of the lifecycle (four eyes included)."""

    def __init__(self) -> None:
        self.resident, self.person = resident()
        self.desk = UserFactory(role=R.DESK)
        self.caseworker = UserFactory(role=R.CASEWORKER)
        self.expert = UserFactory(role=R.EXPERT)
        self.commission = UserFactory(role=R.COMMISSION)
        self.decision_maker = UserFactory(role=R.DECISION_MAKER)
        self.objection_handler = UserFactory(role=R.DECISION_MAKER)
        self.coordinator = UserFactory(role=R.COORDINATOR)
        self.finance = UserFactory(role=R.FINANCE)

    def actor_for(self, name: str):
        return {
            "submit": self.resident,
            "start_intake": self.coordinator,
            "receive_info": self.caseworker,
            "record_advice": self.expert,
            "advise": self.commission,
            "decide": self.decision_maker,
            "file_objection": self.resident,
            "decide_objection": self.objection_handler,
            "start_settlement": self.finance,
            "close": self.finance,
            "withdraw": self.resident,
            "reopen": self.coordinator,
        }.get(name, self.caseworker)

    def data_for(self, name: str) -> dict:
        return {
            "start_intake": {"caseworker": self.caseworker},
            "request_info": {"reason": "Stuur ons foto's van de scheur in de gevel."},
            "declare_not_admissible": {"reason": "De woning ligt buiten het mijnbouwschadegebied."},
            "plan_inspection": {"expert": self.expert},
            "revise_advice": {"reason": "De zienswijze noemt een scheur die nog niet is bekeken."},
            "decide": {"outcome": "granted", "awarded_amount": Decimal("4250.00")},
            "file_objection": {"reason": "Het bedrag is te laag voor het herstel."},
            "decide_objection": {"reason": "Het bezwaar is ongegrond.", "well_founded": False},
            "hold": {"reason": "De bewoner is drie weken in het ziekenhuis."},
            "reopen": {"reason": "Nieuwe scheuren in dezelfde muur."},
        }.get(name, {})

    def fire(self, claim, name: str, **overrides):
        data = {**self.data_for(name), **overrides}
        actor = data.pop("actor", None)
        if actor is None:
            actor = self.actor_for(name)
            if actor == self.caseworker and claim.caseworker_id is None:
                actor = self.coordinator  # before intake no guide is assigned; the coordinator acts
        return claim_transition(claim=claim, name=name, actor=actor, **data)


# The shortest path from draft to each state, as transition names.
PATHS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "submitted": ("submit",),
    "intake": ("submit", "start_intake"),
    "info_requested": ("submit", "start_intake", "request_info"),
    "inspection": ("submit", "start_intake", "plan_inspection"),
    "advice_draft": ("submit", "start_intake", "plan_inspection", "record_advice"),
    "response_period": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice"),
    "commission_review": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                          "forward_to_commission"),
    "decision_pending": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                         "forward_to_commission", "advise"),
    "decided": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                "forward_to_commission", "advise", "decide"),
    "objection": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                  "forward_to_commission", "advise", "decide", "file_objection"),
    "settlement": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                   "forward_to_commission", "advise", "decide", "start_settlement"),
    "closed": ("submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
               "forward_to_commission", "advise", "decide", "start_settlement", "close"),
    "not_admissible": ("submit", "start_intake", "declare_not_admissible"),
    "withdrawn": ("submit", "withdraw"),
    "on_hold": ("submit", "start_intake", "hold"),
}


def claim_in(cast: Cast, state: str, **kwargs):
    claim = draft_claim(applicant=cast.person, **kwargs)
    steps = PATHS[state]
    if "close" in steps:
        # Closing waits for the objection window (Awb 6:7): the steps before it happened 50 days ago.
        with timeutil.frozen(timeutil.now() - dt.timedelta(days=50)):
            for name in steps[:-1]:
                claim = cast.fire(claim, name)
        steps = steps[-1:]
    for name in steps:
        claim = cast.fire(claim, name)
    assert claim.status == state
    return claim
