"""POST /api/v1/claims/: the desk files a claim as its page does (rules, messages, the activation code shown
once); a resident starts an online report; anyone else is refused and nothing is made."""

import re

import pytest

from claims import roles as R
from claims.models import AccessCode, Claim, ClaimTransition, DamageItem, Letter, LetterKind, Person, Property
from claims.services.report import report_add_damage_item
from tests.factories import PersonFactory, PropertyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/"
CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


def desk_body(**overrides) -> dict:
    body = {
        "channel": "phone",
        "new_person": {"name": "M. Hendriks", "phone": "045 123 45 67"},
        "new_property": {"postcode": "6411 ab", "house_number": 12, "addition": "-a", "street": "Akerstraat",
                         "town": "Heerlen", "municipality": "heerlen"},
        "owner_occupied": True,
        "damage_items": [{"location": "Woonkamer", "kind": "crack",
                          "description": "Scheur van 3 mm boven de deur naar de gang."}],
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def address(**overrides) -> dict:
    return {"address": {"postcode": "6411 ab", "house_number": 7, "street": "Akerstraat", "town": "Heerlen",
                        "municipality": "Heerlen", **overrides}}


def errors_of(response) -> dict:
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    return body["errors"]


# --- the desk ------------------------------------------------------------------------------------------------

def test_the_desk_files_and_submits_a_claim_and_gets_the_activation_code_once(cast, as_token):
    response = as_token(cast.desk, R.DESK).post(URL, desk_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    claim = Claim.objects.get(reference=body["reference"])
    assert body["status"] == claim.status == "submitted"
    assert claim.channel == "phone" and claim.filed_by == cast.desk and claim.owner_occupied is True
    # The address as the desk form normalises it, with the municipality's own spelling.
    home = claim.property
    assert (home.postcode, home.house_number_addition, home.municipality, home.in_mining_area) == (
        "6411AB", "A", "Heerlen", True)
    assert claim.applicant.name == "M. Hendriks" and claim.applicant.user is None
    assert list(claim.damage_items.values_list("position", "kind")) == [(1, "crack")]
    assert ClaimTransition.objects.filter(claim=claim, name="submit", actor=cast.desk).count() == 1
    assert Letter.objects.filter(claim=claim, kind=LetterKind.RECEIPT).count() == 1
    # The code is shown this once and only its hash is kept.
    assert CODE.match(body["activation_code"])
    stored = AccessCode.objects.get(person=claim.applicant, purpose=AccessCode.Purpose.ACTIVATE)
    assert body["activation_code"] not in stored.code_hash
    again = as_token(cast.desk, R.DESK).get(f"{URL}{claim.reference}/").json()
    assert "activation_code" not in again


def test_a_known_resident_with_an_account_and_a_known_home_get_no_code(cast, as_token):
    home = PropertyFactory()
    response = as_token(cast.coordinator, R.COORDINATOR).post(
        URL, desk_body(person=cast.person.pk, new_person=None, property=home.pk, new_property=None, urgent=True,
                       channel="post"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["activation_code"] is None
    claim = Claim.objects.get(reference=body["reference"])
    assert (claim.applicant, claim.property, claim.urgent) == (cast.person, home, True)
    assert claim.safety_visit_due is not None
    assert not AccessCode.objects.filter(person=cast.person).exists()


def test_a_known_address_typed_again_is_the_same_home(cast, as_token):
    home = PropertyFactory(postcode="6411AB", house_number=12, house_number_addition="A")
    response = as_token(cast.desk, R.DESK).post(URL, desk_body(), format="json")
    assert response.status_code == 201
    assert Claim.objects.get(reference=response.json()["reference"]).property == home
    assert Property.objects.filter(postcode="6411AB", house_number=12).count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"new_property": {"postcode": "64111", "house_number": 1, "street": "A", "town": "Heerlen",
                       "municipality": "Heerlen"}}, "new_property.postcode"),
    ({"new_property": {"postcode": "6411 AB", "house_number": 0, "street": "A", "town": "Heerlen",
                       "municipality": "Heerlen"}}, "new_property.house_number"),
    ({"new_property": {"postcode": "6411 AB", "house_number": 1, "street": "", "town": "Heerlen",
                       "municipality": "Heerlen"}}, "new_property.street"),
    ({"new_person": {"name": "M. Hendriks", "phone": "12"}}, "new_person.phone"),
    ({"new_person": {"name": ""}}, "new_person.name"),
    ({"new_person": {"name": "M. Hendriks", "digital": True}}, "new_person.email"),
    ({"new_person": {"name": "M. Hendriks", "email": "geen-adres"}}, "new_person.email"),
    ({"channel": "online"}, "channel"),
    ({"owner_occupied": None}, "owner_occupied"),
    ({"damage_items": []}, "damage_items"),
    ({"damage_items": [{"location": "Kelder", "kind": "crack", "description": "x"}] * 4}, "damage_items"),
    ({"damage_items": [{"location": "", "kind": "crack", "description": "Scheur."}]}, "damage_items.0.location"),
    ({"damage_items": [{"location": "Kelder", "kind": "crack", "description": "Scheur."},
                       {"location": "Gevel", "kind": "vlek", "description": "Vlek."}]}, "damage_items.1.kind"),
    ({"person": 10 ** 9, "new_person": None}, "person"),
    ({"person": 1}, "person"),  # both a known and a new person
    ({"new_person": None}, "person"),  # neither
    ({"new_property": None}, "property"),
])
def test_bad_data_is_a_400_on_the_field_and_nothing_is_filed(cast, as_token, overrides, field):
    response = as_token(cast.desk, R.DESK).post(URL, desk_body(**overrides), format="json")
    assert response.status_code == 400, response.json()
    errors = errors_of(response)
    assert field in errors, errors
    assert all(isinstance(message, str) and message for message in errors[field])
    assert not Claim.objects.exists() and not Person.objects.filter(name="M. Hendriks").exists()


def test_the_messages_are_the_desk_pages_own(cast, as_token):
    client = as_token(cast.desk, R.DESK)
    body = desk_body(new_property={"postcode": "1234", "house_number": 1, "street": "A", "town": "B",
                                   "municipality": "Heerlen"},
                     new_person={"name": "M. Hendriks", "digital": True})
    errors = errors_of(client.post(URL, body, format="json"))
    assert errors["new_property.postcode"] == [
        "Vul een Nederlandse postcode in: vier cijfers en twee letters, bijvoorbeeld 6411 AB."]
    assert errors["new_person.email"] == ["Voor digitale brieven is een e-mailadres nodig."]
    english = client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400


def test_digital_letters_with_consent_and_an_address_outside_the_area_are_received(cast, as_token):
    body = desk_body(new_person={"name": "M. Hendriks", "email": "m@example.nl", "digital": True},
                     new_property={"postcode": "6211 AA", "house_number": 3, "street": "Markt", "town": "Maastricht",
                                   "municipality": "Maastricht"})
    response = as_token(cast.desk, R.DESK).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    claim = Claim.objects.get(reference=response.json()["reference"])
    assert claim.applicant.preferred_channel == "digital" and claim.applicant.digital_consent_at is not None
    assert claim.property.municipality == "Maastricht" and not claim.property.in_mining_area


# --- the resident ----------------------------------------------------------------------------------------------

def test_a_resident_starts_a_draft_adds_damage_and_submits_it(cast, as_token):
    client = as_token(cast.resident, R.RESIDENT)
    response = client.post(URL, address(house_number_addition="b"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["channel"] == "online" and body["activation_code"] is None
    assert body["transitions_allowed"] == ["submit"]
    claim = Claim.objects.get(reference=body["reference"])
    assert (claim.applicant, claim.filed_by, claim.report_step) == (cast.person, cast.resident, "woning")
    assert (claim.property.postcode, claim.property.house_number_addition) == ("6411AB", "B")
    assert not ClaimTransition.objects.filter(claim=claim).exists()

    report_add_damage_item(claim=claim, actor=cast.resident, location="Keuken", kind="crack",
                           description="Scheur in de tegels.")
    # The other questions of the report answered (tests/api/test_report.py asks them through the API).
    Claim.objects.filter(pk=claim.pk).update(report_step="veiligheid")
    fired = client.post(f"{URL}{claim.reference}/transitions/submit/", {"truthful": True}, format="json")
    assert fired.status_code == 200, fired.json()
    assert fired.json()["status"] == "submitted"
    assert Letter.objects.filter(claim=claim, kind=LetterKind.RECEIPT).exists()


def test_a_town_of_the_mining_area_given_as_municipality_is_asked_once(cast, as_token):
    client = as_token(cast.resident, R.RESIDENT)
    response = client.post(URL, address(town="Nuth", municipality="Nuth"), format="json")
    assert response.status_code == 400
    assert "Beekdaelen" in errors_of(response)["address.municipality"][0]
    assert not Claim.objects.exists()
    confirmed = client.post(URL, address(town="Nuth", municipality="Nuth", municipality_confirmed=True),
                            format="json")
    assert confirmed.status_code == 201, confirmed.json()
    assert Claim.objects.get().property.municipality == "Nuth"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"postcode": "SS 1234"}, "address.postcode"),
    ({"house_number": "12a"}, "address.house_number"),
    ({"house_number_addition": "a/b"}, "address.house_number_addition"),
    ({"street": ""}, "address.street"),
    ({"municipality": ""}, "address.municipality"),
])
def test_a_bad_address_is_a_400_on_the_field(cast, as_token, overrides, field):
    response = as_token(cast.resident, R.RESIDENT).post(URL, address(**overrides), format="json")
    assert response.status_code == 400
    assert field in errors_of(response)
    assert not Claim.objects.exists()


def test_a_resident_without_personal_data_is_refused(as_token):
    user = UserFactory(role=R.RESIDENT)
    response = as_token(user, R.RESIDENT).post(URL, address(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "no_person"
    assert not Claim.objects.exists()


def test_a_resident_by_session_too(cast, as_session):
    response = as_session(cast.resident).post(URL, address(), format="json")
    assert response.status_code == 201
    assert Claim.objects.get().applicant == cast.person


# --- everyone else --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [R.CASEWORKER, R.EXPERT, R.COMMISSION, R.DECISION_MAKER, R.FINANCE])
def test_other_roles_may_not_create_claims(cast, as_token, role):
    user = UserFactory(role=role)
    for body in (desk_body(), address()):
        response = as_token(user, role).post(URL, body, format="json")
        assert response.status_code == 403, response.json()
    assert not Claim.objects.exists() and not DamageItem.objects.exists()


def test_a_resident_token_cannot_file_as_the_desk(cast, as_token):
    response = as_token(cast.resident, R.RESIDENT).post(URL, desk_body(), format="json")
    assert response.status_code == 400
    assert "address" in errors_of(response)
    assert not Claim.objects.exists()


def test_without_credentials_nothing_is_created(db, client):
    assert client.post(URL, desk_body(), content_type="application/json").status_code == 401
    assert not Claim.objects.exists()


def test_a_person_to_pick_is_any_known_resident_as_in_the_desk_look_up(cast, as_token):
    stranger = PersonFactory()
    response = as_token(cast.desk, R.DESK).post(URL, desk_body(person=stranger.pk, new_person=None),
                                                format="json")
    assert response.status_code == 201
    assert response.json()["applicant"] == {"id": stranger.pk, "name": stranger.name}
    assert CODE.match(response.json()["activation_code"])
