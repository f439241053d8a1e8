"""People and homes through the API: only those on claims the caller may see, with only the fields the caller's
pages show of them. A person or home reachable only through someone else's claim is a 404 and never listed."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import roles as R
from claims.models import Claim, Person, Team
from tests.factories import PATHS, PersonFactory, UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

CONTACT_FIELDS = ("email", "email_verified", "postal_address", "preferred_channel", "language", "has_account")


def people(client, query: str = "") -> dict[int, dict]:
    response = client.get(f"/api/v1/people/{query}")
    assert response.status_code == 200, response.json()
    return {row["id"]: row for row in response.json()["results"]}


def homes(client, query: str = "") -> dict[int, dict]:
    response = client.get(f"/api/v1/properties/{query}")
    assert response.status_code == 200, response.json()
    return {row["id"]: row for row in response.json()["results"]}


def with_co_owner(claim: Claim) -> Person:
    co_owner = PersonFactory(name="Mede Eigenaar", phone="045 123 45 67", email="mede@example.nl")
    claim.co_applicants.add(co_owner)
    return co_owner


@pytest.fixture
def phone(cast):
    cast.person.phone = "06 12345678"
    cast.person.postal_address = "Postbus 1\n6400 AA Heerlen"
    cast.person.save()
    return cast.person.phone


# --- case guides and coordinators: the dossier --------------------------------------------------------------------

def test_the_guide_sees_the_applicants_contact_details_and_the_co_owners_phone(cast, as_token, phone):
    claim = claim_in(cast, "intake")
    co_owner = with_co_owner(claim)
    shown = people(as_token(cast.caseworker, R.CASEWORKER))
    assert set(shown) == {cast.person.pk, co_owner.pk}
    applicant = shown[cast.person.pk]
    assert applicant["details"] == "contact" and applicant["phone"] == phone
    assert applicant["email"] == cast.person.email and applicant["postal_address"].startswith("Postbus 1")
    assert applicant["has_account"] is True and applicant["claims"] == [claim.reference]
    other = shown[co_owner.pk]
    assert other["details"] == "phone" and other["phone"] == "045 123 45 67"
    assert all(other[name] is None for name in CONTACT_FIELDS)
    assert other["claims"] == [claim.reference]


def test_a_guide_never_sees_a_person_of_another_teams_claim(cast, as_token):
    other_guide = UserFactory(role=R.CASEWORKER)
    team_mate = UserFactory(role=R.CASEWORKER)
    Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(cast.caseworker, team_mate)
    Team.objects.create(name="Westelijke Mijnstreek", municipalities=["Stein"]).members.add(other_guide)
    _u, team_person = resident()
    team_claim = draft_claim(applicant=team_person)
    cast.fire(cast.fire(team_claim, "submit", actor=team_person.user), "start_intake", caseworker=team_mate)
    _u, stranger = resident()
    far_claim = draft_claim(applicant=stranger, municipality="Stein")
    cast.fire(cast.fire(far_claim, "submit", actor=stranger.user), "start_intake", caseworker=other_guide)
    far_co_owner = with_co_owner(far_claim)
    client = as_token(cast.caseworker, R.CASEWORKER)
    shown = people(client)
    assert team_person.pk in shown  # a team claim: read-only, but visible
    assert stranger.pk not in shown and far_co_owner.pk not in shown
    for person in (stranger, far_co_owner):
        response = client.get(f"/api/v1/people/{person.pk}/")
        assert response.status_code == 404 and person.name not in response.content.decode()
    assert client.get(f"/api/v1/properties/{far_claim.property_id}/").status_code == 404
    assert people(client, f"?claim={far_claim.reference}") == {}


def test_the_coordinator_filters_the_people_of_one_claim(cast, as_token):
    claim = claim_in(cast, "intake")
    co_owner = with_co_owner(claim)
    second = claim_in(cast, "intake")
    _u, other = resident()
    draft_claim(applicant=other)
    client = as_token(cast.coordinator, R.COORDINATOR)
    assert set(people(client, f"?claim={claim.reference}")) == {cast.person.pk, co_owner.pk}
    assert other.pk in people(client)
    detail = client.get(f"/api/v1/people/{cast.person.pk}/").json()
    assert detail["details"] == "contact" and detail["claims"] == sorted([claim.reference, second.reference])


# --- the desk, experts, the commission, decision makers and finance -----------------------------------------------

def test_the_desk_sees_the_contact_details_of_the_people_on_claims_it_filed(cast, as_token):
    filed = draft_claim(applicant=cast.person, filed_by=cast.desk)
    co_owner = with_co_owner(filed)
    _u, other = resident()
    draft_claim(applicant=other)
    shown = people(as_token(cast.desk, R.DESK))
    assert set(shown) == {cast.person.pk, co_owner.pk}
    assert shown[co_owner.pk]["details"] == "contact" and shown[co_owner.pk]["email"] == "mede@example.nl"


def test_the_expert_sees_the_residents_name_and_phone_only(cast, as_token, phone):
    claim = claim_in(cast, "inspection")
    co_owner = with_co_owner(claim)
    _u, other = resident()
    claim_in_other = draft_claim(applicant=other)
    client = as_token(cast.expert, R.EXPERT)
    shown = people(client)
    assert set(shown) == {cast.person.pk}  # the inspection page shows no co-owners
    row = shown[cast.person.pk]
    assert row["details"] == "phone" and row["phone"] == phone and row["name"] == cast.person.name
    assert all(row[name] is None for name in CONTACT_FIELDS)
    assert cast.person.email not in client.get("/api/v1/people/").content.decode()
    assert client.get(f"/api/v1/people/{co_owner.pk}/").status_code == 404
    home = client.get(f"/api/v1/properties/{claim.property_id}/").json()
    assert home["street"] == claim.property.street and home["in_mining_area"] is None
    assert client.get(f"/api/v1/properties/{claim_in_other.property_id}/").status_code == 404


def test_the_commission_sees_names_of_applicant_and_co_owners(cast, as_token, phone):
    claim = claim_in(cast, "commission_review")
    co_owner = with_co_owner(claim)
    shown = people(as_token(cast.commission, R.COMMISSION))
    assert set(shown) == {cast.person.pk, co_owner.pk}
    assert all(row["details"] == "name" and row["phone"] is None and row["email"] is None
               for row in shown.values())


def test_finance_sees_the_applicants_name_of_decided_claims_only(cast, as_token, phone):
    decided = claim_in(cast, "decided")
    co_owner = with_co_owner(decided)
    _u, other = resident()
    open_claim = draft_claim(applicant=other)
    client = as_token(cast.finance, R.FINANCE)
    shown = people(client)
    assert set(shown) == {cast.person.pk}
    assert shown[cast.person.pk]["details"] == "name" and shown[cast.person.pk]["phone"] is None
    assert client.get(f"/api/v1/people/{co_owner.pk}/").status_code == 404
    assert client.get(f"/api/v1/people/{other.pk}/").status_code == 404
    assert set(homes(client)) == {decided.property_id}
    assert client.get(f"/api/v1/properties/{open_claim.property_id}/").status_code == 404


def test_the_decision_maker_sees_names_of_claims_awaiting_a_decision(cast, as_token):
    pending = claim_in(cast, "decision_pending")
    with_co_owner(pending)
    claim_in(cast, "intake")
    shown = people(as_token(cast.decision_maker, R.DECISION_MAKER))
    assert set(shown) == {cast.person.pk}
    assert shown[cast.person.pk]["claims"] == [pending.reference]


def test_with_two_roles_each_person_shows_what_the_role_that_reaches_them_shows(cast, as_session, phone):
    both = UserFactory(role=R.EXPERT)
    both.groups.add(Group.objects.get(name=R.FINANCE))
    inspected = claim_in(cast, "inspection")
    Claim.objects.filter(pk=inspected.pk).update(expert=both)
    paid_user, paid_person = resident()
    paid_person.phone = "043 765 43 21"
    paid_person.save()
    decided = draft_claim(applicant=paid_person)
    for name in PATHS["decided"]:
        decided = cast.fire(decided, name, **({"actor": paid_user} if name == "submit" else {}))
    shown = people(as_session(both))
    assert set(shown) == {cast.person.pk, paid_person.pk}
    assert shown[cast.person.pk]["details"] == "phone" and shown[cast.person.pk]["phone"] == phone
    assert shown[paid_person.pk]["details"] == "name" and shown[paid_person.pk]["phone"] is None


# --- residents: themselves and the others on their own claims ---------------------------------------------------

def test_a_resident_sees_themselves_in_full_and_co_owners_by_name(cast, as_token, phone):
    claim = claim_in(cast, "intake")
    co_owner = with_co_owner(claim)
    shown = people(as_token(cast.resident, R.RESIDENT))
    assert set(shown) == {cast.person.pk, co_owner.pk}
    assert shown[cast.person.pk]["details"] == "contact" and shown[cast.person.pk]["phone"] == phone
    assert shown[co_owner.pk]["details"] == "name" and shown[co_owner.pk]["phone"] is None
    assert shown[co_owner.pk]["email"] is None


def test_a_resident_can_never_list_or_open_another_resident(cast, as_token):
    claim_in(cast, "intake")
    neighbour_user, neighbour = resident()
    their_claim = draft_claim(applicant=neighbour)
    client = as_token(cast.resident, R.RESIDENT)
    assert neighbour.pk not in people(client)
    response = client.get(f"/api/v1/people/{neighbour.pk}/")
    assert response.status_code == 404 and neighbour.name not in response.content.decode()
    assert client.get(f"/api/v1/properties/{their_claim.property_id}/").status_code == 404
    assert their_claim.property_id not in homes(client)
    assert people(client, f"?claim={their_claim.reference}") == {}
    # The neighbour, with no claim shared, sees only themselves.
    assert set(people(as_token(neighbour_user, R.RESIDENT))) == {neighbour.pk}


def test_a_resident_without_claims_sees_only_their_own_record(as_token):
    user, person = resident()
    shown = people(as_token(user, R.RESIDENT))
    assert set(shown) == {person.pk} and shown[person.pk]["claims"] == []
    assert homes(as_token(user, R.RESIDENT)) == {}


# --- homes ----------------------------------------------------------------------------------------------------------

def test_the_guide_sees_the_building_facts_and_finance_only_the_address(cast, as_token):
    claim = claim_in(cast, "decided")
    home = claim.property
    home.build_year, home.is_monument = 1932, True
    home.save()
    guide = as_token(cast.caseworker, R.CASEWORKER).get(f"/api/v1/properties/{home.pk}/").json()
    assert (guide["build_year"], guide["is_monument"], guide["in_mining_area"]) == (1932, True, True)
    assert guide["claims"] == [claim.reference] and guide["postcode"] == "6411AB"
    money = as_token(cast.finance, R.FINANCE).get(f"/api/v1/properties/{home.pk}/").json()
    assert money["street"] == home.street
    assert (money["build_year"], money["is_monument"], money["in_mining_area"]) == (None, None, None)


def test_properties_filter_by_claim_postcode_and_municipality(cast, as_token):
    heerlen = claim_in(cast, "intake")
    stein = claim_in(cast, "intake", municipality="Stein")
    client = as_token(cast.coordinator, R.COORDINATOR)
    assert set(homes(client, f"?claim={stein.reference}")) == {stein.property_id}
    assert set(homes(client, "?municipality=stein")) == {stein.property_id}
    assert {heerlen.property_id, stein.property_id} <= set(homes(client, "?postcode=6411 ab"))


# --- fixed queries, and no access without credentials ----------------------------------------------------------

@pytest.mark.parametrize("size", [2, 6])
@pytest.mark.parametrize("role", [R.COORDINATOR, R.CASEWORKER, R.RESIDENT])
def test_people_and_homes_run_the_same_queries_whatever_their_number(cast, as_token, size, role):
    for _ in range(size):
        with_co_owner(claim_in(cast, "intake"))
    user = {R.COORDINATOR: cast.coordinator, R.CASEWORKER: cast.caseworker, R.RESIDENT: cast.resident}[role]
    client = as_token(user, role)
    expected = {R.COORDINATOR: (5, 4), R.CASEWORKER: (6, 5), R.RESIDENT: (5, 4)}[role]
    for path, count in zip(("/api/v1/people/?page_size=100", "/api/v1/properties/?page_size=100"), expected,
                           strict=True):
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert len(response.json()["results"]) >= size
        assert len(queries) == count, (path, [q["sql"] for q in queries])


def test_without_credentials_the_answer_is_401(db, client):
    for path in ("/api/v1/people/", "/api/v1/properties/", "/api/v1/people/1/"):
        assert client.get(path).status_code == 401
