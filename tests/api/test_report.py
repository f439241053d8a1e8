"""The online report's steps through the API (/claims/{reference}/report/…): each step with its effect in the
database and the report page's messages; only the resident applicant on their own draft (another resident 404,
staff and co-owners 403, a sent report 409, a step before its turn 409); and a whole report from the address to
`submit`."""

import pytest

from claims import roles as R
from claims.models import Claim, ClaimTransition, Letter, LetterKind, Mandate, Person, Property
from claims.services.report import (
    Address,
    CoOwner,
    report_add_damage_item,
    report_finish_damage,
    report_save_ownership,
    report_save_property,
    report_save_representative,
    report_save_safety,
)
from tests.factories import claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

STEPS = ("woning", "eigendom", "gemachtigde", "schade", "veiligheid")
NOT_A_DRAFT = "Deze melding is al verstuurd. U kunt hem hier niet meer wijzigen."
HOME = {"postcode": "6411 ab", "house_number": 7, "street": "Akerstraat", "town": "Heerlen", "municipality": "Heerlen"}
OWNERSHIP = {"owner_occupied": True, "in_owners_association": False, "co_owners": []}
# A well-formed address the pages' forms take (up to 320) but a Person cannot hold (254): refused, not a 500.
LONG_EMAIL = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "nl"
REPRESENTATIVE = {"name": "P. de Vries", "email": "P.deVries@Example.nl", "phone": ""}
# Every endpoint with a body that would be accepted, to check the gates with.
ENDPOINTS = [
    ("get", "", None),
    ("put", "address/", HOME),
    ("put", "ownership/", OWNERSHIP),
    ("put", "representative/", REPRESENTATIVE),
    ("post", "damage-done/", None),
    ("put", "safety/", {"urgent": True}),
]


def url(claim, step: str = "") -> str:
    return f"/api/v1/claims/{claim.reference}/report/{step}"


def errors_of(response) -> dict:
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    return body["errors"]


def draft_at(cast, saved: str | None, *, items: int = 1) -> Claim:
    """A draft of the cast's resident, saved up to and including step `saved`, through the report's services."""
    claim = draft_claim(applicant=cast.person, items=items)
    user, home = cast.resident, claim.property
    actions = {
        "woning": lambda: report_save_property(claim=claim, actor=user, address=Address(
            postcode=home.postcode, house_number=home.house_number, house_number_addition="", street=home.street,
            town=home.town, municipality=home.municipality)),
        "eigendom": lambda: report_save_ownership(claim=claim, actor=user, owner_occupied=True,
                                                  in_owners_association=False, co_owners=[]),
        "gemachtigde": lambda: report_save_representative(claim=claim, actor=user, name=""),
        "schade": lambda: report_finish_damage(claim=claim, actor=user),
        "veiligheid": lambda: report_save_safety(claim=claim, actor=user, urgent=False),
    }
    for step in STEPS[:STEPS.index(saved) + 1] if saved else ():
        actions[step]()
    claim.refresh_from_db()
    assert claim.report_step == (saved or "")
    return claim


@pytest.fixture
def me(cast, as_token):
    return as_token(cast.resident, R.RESIDENT)


def call(client, method: str, path: str, body):
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


def snapshot(claim: Claim) -> tuple:
    claim = Claim.objects.get(pk=claim.pk)
    return (claim.status, claim.report_step, claim.property_id, claim.owner_occupied, claim.in_owners_association,
            claim.urgent, sorted(claim.co_applicants.values_list("pk", flat=True)),
            list(Mandate.objects.filter(claim=claim).values_list("representative_id", flat=True)))


# --- reading ---------------------------------------------------------------------------------------------------

def test_the_report_shows_the_answers_so_far_and_the_next_step(cast, me):
    claim = draft_at(cast, "gemachtigde")
    report_save_ownership(claim=claim, actor=cast.resident, owner_occupied=False, in_owners_association=True,
                          co_owners=[CoOwner(name="A. Jansen", email="a.jansen@example.nl")])
    report_save_representative(claim=claim, actor=cast.resident, name="P. de Vries", phone="045 123 45 67")
    response = me.get(url(claim))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["reference"], body["status"], body["next_step"]) == (claim.reference, "draft", "damage")
    assert [(s["step"], s["done"], s["available"]) for s in body["steps"]] == [
        ("address", True, True), ("ownership", True, True), ("representative", True, True),
        ("damage", False, True), ("safety", False, False), ("check", False, False)]
    assert body["steps"][0]["title"] == "Uw huis"
    assert body["address"]["postcode"] == claim.property.postcode and body["address"]["in_mining_area"] is True
    assert (body["owner_occupied"], body["in_owners_association"]) == (False, True)
    co_owner = claim.co_applicants.get()
    assert body["co_owners"] == [{"id": co_owner.pk, "name": "A. Jansen", "email": "a.jansen@example.nl"}]
    representative = Mandate.objects.get(claim=claim).representative
    assert body["representative"] == {"id": representative.pk, "name": "P. de Vries", "email": "",
                                      "phone": "045 123 45 67"}
    assert body["damage_item_count"] == 1
    assert body["urgent"] is None  # not asked yet


def test_a_new_draft_has_no_answers_yet(cast, me):
    claim = draft_claim(applicant=cast.person, items=0)
    body = me.get(url(claim)).json()
    assert body["next_step"] == "address"
    assert (body["owner_occupied"], body["in_owners_association"], body["representative"], body["urgent"]) == (
        None, None, None, None)
    assert body["co_owners"] == [] and body["damage_item_count"] == 0


# --- step 1: the address ---------------------------------------------------------------------------------------

def test_the_address_is_corrected(cast, me):
    claim = draft_at(cast, "eigendom")
    old_home = claim.property
    response = me.put(url(claim, "address/"), {**HOME, "postcode": "6411 cd", "house_number": 9,
                                               "house_number_addition": "-b"}, format="json")
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    home = claim.property
    assert (home.postcode, home.house_number, home.house_number_addition) == ("6411CD", 9, "B")
    assert home.pk != old_home.pk and Property.objects.filter(pk=old_home.pk).exists()
    assert claim.report_step == "eigendom"  # an earlier step changed: the progress stays
    assert response.json()["address"]["postcode"] == "6411CD" and response.json()["next_step"] == "representative"


def test_a_town_of_the_mining_area_is_suggested_and_then_kept_when_confirmed(cast, me):
    claim = draft_at(cast, "woning")
    before = snapshot(claim)
    response = me.put(url(claim, "address/"), {**HOME, "town": "Nuth", "municipality": "Nuth"}, format="json")
    assert response.status_code == 400
    assert "Beekdaelen" in errors_of(response)["municipality"][0]
    assert snapshot(claim) == before
    response = me.put(url(claim, "address/"), {**HOME, "town": "Nuth", "municipality": "Nuth",
                                               "municipality_confirmed": True}, format="json")
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.property.municipality, claim.property.in_mining_area) == ("Nuth", False)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"postcode": "SS 1234"}, "postcode", None),
    ({"house_number": "12a"}, "house_number",
     "Vul bij huisnummer alleen cijfers in, bijvoorbeeld 12. Een letter vult u in bij toevoeging."),
    ({"house_number": 10**30}, "house_number", "Dit huisnummer is te hoog. Kijk het nog eens na."),
    ({"house_number_addition": "a/b"}, "house_number_addition",
     "Vul bij toevoeging alleen letters en cijfers in, ten hoogste 6 tekens."),
    ({"street": ""}, "street", "Vul de straat in."),
    ({"street": "x" * 10_000}, "street", None),
    ({"municipality": ""}, "municipality", "Kies de gemeente waar uw huis staat."),
])
def test_a_bad_address_is_a_400_on_the_field_and_nothing_changes(cast, me, overrides, field, message):
    claim = draft_at(cast, "woning")
    before = snapshot(claim)
    response = me.put(url(claim, "address/"), {**HOME, **overrides}, format="json")
    assert response.status_code == 400
    errors = errors_of(response)
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert snapshot(claim) == before


# --- step 2: ownership -----------------------------------------------------------------------------------------

def test_ownership_and_co_owners_are_saved_changed_and_removed(cast, me):
    claim = draft_at(cast, "woning")
    response = me.put(url(claim, "ownership/"), {
        "owner_occupied": False, "in_owners_association": True,
        "co_owners": [{"name": "A. Jansen", "email": "A.Jansen@Example.nl"}, {"name": "B. Smeets"},
                      {"name": "", "email": ""}]}, format="json")
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.owner_occupied, claim.in_owners_association, claim.report_step) == (False, True, "eigendom")
    people = list(claim.co_applicants.order_by("pk").values_list("name", "email", "user"))
    assert people == [("A. Jansen", "a.jansen@example.nl", None), ("B. Smeets", "", None)]
    assert [row["name"] for row in response.json()["co_owners"]] == ["A. Jansen", "B. Smeets"]
    smeets = claim.co_applicants.get(name="B. Smeets")

    response = me.put(url(claim, "ownership/"), {**OWNERSHIP, "co_owners": [
        {"name": "A. Jansen", "email": "a.jansen@example.nl"}]}, format="json")
    assert response.status_code == 200
    assert list(claim.co_applicants.values_list("name", flat=True)) == ["A. Jansen"]
    assert not Person.objects.filter(pk=smeets.pk).exists()  # the report made them; nothing else refers to them
    claim.refresh_from_db()
    assert claim.owner_occupied is True


def test_a_co_owners_email_never_links_the_claim_to_that_account(cast, me):
    claim = draft_at(cast, "woning")
    _other_user, other_person = resident()
    response = me.put(url(claim, "ownership/"), {**OWNERSHIP, "co_owners": [
        {"name": other_person.name, "email": other_person.email}]}, format="json")
    assert response.status_code == 200
    co_owner = claim.co_applicants.get()
    assert co_owner.pk != other_person.pk and co_owner.user is None


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"in_owners_association": False}, "owner_occupied", "Kies of u eigenaar bent en er zelf woont."),
    ({"owner_occupied": None, "in_owners_association": False}, "owner_occupied",
     "Kies of u eigenaar bent en er zelf woont."),
    ({"owner_occupied": True}, "in_owners_association", "Kies of uw huis een appartement in een VvE is."),
    ({**OWNERSHIP, "co_owners": [{"email": "a@example.nl"}]}, "co_owners.0.name",
     "Vul ook de naam van deze mede-eigenaar in."),
    ({**OWNERSHIP, "co_owners": [{"name": "A"}, {"name": "B", "email": "geen adres"}]}, "co_owners.1.email",
     "Vul een e-mailadres in als naam@voorbeeld.nl."),
    ({**OWNERSHIP, "co_owners": [{"name": "A", "email": LONG_EMAIL}]}, "co_owners.0.email", None),
    ({**OWNERSHIP, "co_owners": [{"name": "x" * 10_000}]}, "co_owners.0.name", None),
    ({**OWNERSHIP, "co_owners": [{"name": f"P{n}"} for n in range(11)]}, "co_owners", None),
    ({**OWNERSHIP, "co_owners": "A. Jansen"}, "co_owners", None),
])
def test_bad_ownership_is_a_400_on_the_field_and_nothing_changes(cast, me, body, field, message):
    claim = draft_at(cast, "woning")
    before = snapshot(claim)
    response = me.put(url(claim, "ownership/"), body, format="json")
    assert response.status_code == 400
    errors = errors_of(response)
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert snapshot(claim) == before


# --- step 3: representative ------------------------------------------------------------------------------------

def test_a_representative_is_given_changed_and_removed(cast, me):
    claim = draft_at(cast, "eigendom")
    response = me.put(url(claim, "representative/"), REPRESENTATIVE, format="json")
    assert response.status_code == 200, response.json()
    mandate = Mandate.objects.get(claim=claim)
    person = mandate.representative
    assert (person.name, person.email, person.user, mandate.scope, mandate.principal) == (
        "P. de Vries", "p.devries@example.nl", None, Mandate.Scope.CLAIM, cast.person)
    claim.refresh_from_db()
    assert claim.report_step == "gemachtigde"
    assert response.json()["representative"]["email"] == "p.devries@example.nl"

    response = me.put(url(claim, "representative/"), {"name": "P. de Vries", "phone": "06 12 34 56 78"},
                      format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.email, person.phone) == ("", "06 12 34 56 78")

    response = me.put(url(claim, "representative/"), {"name": ""}, format="json")  # as the page: no name, none
    assert response.status_code == 200
    assert response.json()["representative"] is None
    assert not Mandate.objects.filter(claim=claim).exists()
    assert not Person.objects.filter(pk=person.pk).exists()


def test_no_representative_saves_the_step(cast, me):
    claim = draft_at(cast, "eigendom")
    response = me.put(url(claim, "representative/"), {}, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.report_step == "gemachtigde" and not Mandate.objects.filter(claim=claim).exists()
    assert response.json()["next_step"] == "damage"


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"name": "P. de Vries"}, "email",
     "Vul een e-mailadres of telefoonnummer in, zodat wij uw gemachtigde kunnen bereiken."),
    ({"email": "p@example.nl"}, "name", "Vul de naam van uw gemachtigde in."),
    ({"name": "P. de Vries", "phone": "12345"}, "phone",
     "Vul een telefoonnummer in van 10 cijfers, bijvoorbeeld 045 123 45 67."),
    ({"name": "P. de Vries", "email": "geen adres"}, "email", "Vul een e-mailadres in als naam@voorbeeld.nl."),
    ({"name": "P. de Vries", "email": LONG_EMAIL}, "email", None),
    ({"name": "x" * 10_000, "phone": "045 123 45 67"}, "name", None),
])
def test_a_bad_representative_is_a_400_on_the_field_and_nothing_changes(cast, me, body, field, message):
    claim = draft_at(cast, "eigendom")
    before = snapshot(claim)
    response = me.put(url(claim, "representative/"), body, format="json")
    assert response.status_code == 400
    errors = errors_of(response)
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert snapshot(claim) == before


# --- step 4: the damage is described ---------------------------------------------------------------------------

def test_damage_done_needs_at_least_one_item(cast, me):
    claim = draft_at(cast, "gemachtigde", items=0)
    response = me.post(url(claim, "damage-done/"))
    assert response.status_code == 409
    assert response.json() == {"detail": "Beschrijf ten minste één schade voordat u verdergaat.",
                               "code": "no_damage", "errors": {}}
    claim.refresh_from_db()
    assert claim.report_step == "gemachtigde"

    report_add_damage_item(claim=claim, actor=cast.resident, location="Keuken", kind="crack",
                           description="Scheur in de tegels")
    response = me.post(url(claim, "damage-done/"))
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.report_step == "schade"
    assert response.json()["next_step"] == "safety" and response.json()["damage_item_count"] == 1


# --- step 5: safety --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("urgent", [True, False])
def test_safety_sets_the_urgent_flag(cast, me, urgent):
    claim = draft_at(cast, "schade")
    response = me.put(url(claim, "safety/"), {"urgent": urgent}, format="json")
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.urgent, claim.report_step) == (urgent, "veiligheid")
    assert response.json()["urgent"] is urgent and response.json()["next_step"] == "check"


@pytest.mark.parametrize(("body", "field", "message"), [
    ({}, "urgent", "Kies ja of nee."),  # the page's message for the question left open
    ({"urgent": None}, "urgent", "Kies ja of nee."),
    ({"urgent": "misschien"}, "urgent", "Kies ja of nee."),
    (["urgent"], "non_field_errors", None),
])
def test_safety_without_an_answer_is_a_400(cast, me, body, field, message):
    claim = draft_at(cast, "schade")
    before = snapshot(claim)
    response = me.put(url(claim, "safety/"), body, format="json")
    assert response.status_code == 400
    errors = errors_of(response)
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert snapshot(claim) == before


# --- the order of the steps ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("saved", "method", "path", "body", "missing"), [
    (None, "put", "ownership/", OWNERSHIP, "Uw huis"),
    ("woning", "put", "representative/", REPRESENTATIVE, "Eigenaar"),
    ("eigendom", "post", "damage-done/", None, "Gemachtigde"),
    ("gemachtigde", "put", "safety/", {"urgent": True}, "De schade"),
])
def test_a_step_before_its_turn_is_a_409_as_the_pages_allow_no_skipping(cast, me, saved, method, path, body,
                                                                        missing):
    claim = draft_at(cast, saved)
    before = snapshot(claim)
    response = call(me, method, url(claim, path), body)
    assert response.status_code == 409
    assert response.json()["code"] == "step_not_reached" and missing in response.json()["detail"]
    assert snapshot(claim) == before


# --- who may -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_resident_gets_a_404_and_nothing_changes(cast, as_token, method, path, body):
    claim = draft_at(cast, "veiligheid")
    before = snapshot(claim)
    stranger, _person = resident()
    response = call(as_token(stranger, R.RESIDENT), method, url(claim, path), body)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and claim.reference not in response.content.decode()
    assert snapshot(claim) == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_the_coordinator_sees_the_draft_but_gets_a_403(cast, as_token, method, path, body):
    claim = draft_at(cast, "veiligheid")
    before = snapshot(claim)
    response = call(as_token(cast.coordinator, R.COORDINATOR), method, url(claim, path), body)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert snapshot(claim) == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_co_owner_with_an_account_sees_the_draft_but_gets_a_403(cast, as_token, method, path, body):
    claim = draft_at(cast, "veiligheid")
    co_user, co_person = resident()
    claim.co_applicants.add(co_person)
    before = snapshot(claim)
    response = call(as_token(co_user, R.RESIDENT), method, url(claim, path), body)
    assert response.status_code == 403
    assert snapshot(claim) == before


def test_the_applicants_staff_token_is_not_the_resident(cast, as_token):
    """The same person with a coordinator token acts as staff: the report is the resident's own (403)."""
    from django.contrib.auth.models import Group

    cast.resident.groups.add(Group.objects.get(name=R.COORDINATOR))
    claim = draft_at(cast, "schade")
    response = as_token(cast.resident, R.COORDINATOR).put(url(claim, "safety/"), {"urgent": True}, format="json")
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.urgent is False


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_staff_on_a_sent_claim_they_see_get_a_403(cast, as_token, method, path, body):
    claim = claim_in(cast, "intake")
    before = snapshot(claim)
    response = call(as_token(cast.caseworker, R.CASEWORKER), method, url(claim, path), body)
    assert response.status_code == 403
    assert snapshot(claim) == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_sent_report_is_a_409_with_the_services_message(cast, me, method, path, body):
    claim = claim_in(cast, "submitted")
    before = snapshot(claim)
    response = call(me, method, url(claim, path), body)
    assert response.status_code == 409
    assert response.json() == {"detail": NOT_A_DRAFT, "code": "not_draft", "errors": {}}
    assert snapshot(claim) == before


def test_without_credentials_the_answer_is_401(cast, client):
    claim = draft_at(cast, "woning")
    assert client.get(url(claim)).status_code == 401
    assert client.put(url(claim, "safety/"), {"urgent": True}, content_type="application/json").status_code == 401


# --- a whole report through the API ----------------------------------------------------------------------------

def test_a_whole_report_through_the_api(cast, me):
    response = me.post("/api/v1/claims/", {"address": HOME}, format="json")
    assert response.status_code == 201, response.json()
    claim = Claim.objects.get(reference=response.json()["reference"])
    assert me.get(url(claim)).json()["next_step"] == "ownership"

    steps = [
        ("put", "address/", {**HOME, "house_number": 8}),
        ("put", "ownership/", {"owner_occupied": True, "in_owners_association": False,
                               "co_owners": [{"name": "A. Jansen", "email": "a.jansen@example.nl"}]}),
        ("put", "representative/", REPRESENTATIVE),
    ]
    for method, path, body in steps:
        response = call(me, method, url(claim, path), body)
        assert response.status_code == 200, (path, response.json())
    response = me.post(f"/api/v1/claims/{claim.reference}/damage-items/", {
        "location": "Woonkamer", "kind": "crack", "description": "Scheur van 2 mm boven de deur."}, format="json")
    assert response.status_code == 201, response.json()
    assert me.post(url(claim, "damage-done/")).status_code == 200
    response = me.put(url(claim, "safety/"), {"urgent": True}, format="json")
    assert response.status_code == 200
    assert response.json()["next_step"] == "check"

    response = me.post(f"/api/v1/claims/{claim.reference}/transitions/submit/", {"truthful": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    claim.refresh_from_db()
    assert (claim.status, claim.report_step, claim.urgent, claim.owner_occupied) == (
        "submitted", "controle", True, True)
    assert claim.property.house_number == 8
    assert list(claim.co_applicants.values_list("name", flat=True)) == ["A. Jansen"]
    assert Mandate.objects.get(claim=claim).representative.name == "P. de Vries"
    assert claim.damage_items.count() == 1 and claim.submitted_at is not None
    assert ClaimTransition.objects.filter(claim=claim, name="submit", actor=cast.resident).count() == 1
    assert Letter.objects.filter(claim=claim, kind=LetterKind.RECEIPT).count() == 1
    # Sent: the report cannot be changed any more.
    assert me.put(url(claim, "safety/"), {"urgent": False}, format="json").status_code == 409


def test_a_resident_by_session_too(cast, as_session):
    claim = draft_at(cast, "schade")
    response = as_session(cast.resident).put(url(claim, "safety/"), {"urgent": True}, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.urgent is True
