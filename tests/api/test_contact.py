"""Notes, calls, messages, the zienswijze and callback requests through the API: who may read and write them
(the dossier's and the portal's rules), the effect in the database, bad data per field, the wrong moment."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Note
from claims import roles as R
from claims.models import Claim, Letter, LetterKind, Message, OutgoingEmail, Team
from claims.timeutil import today
from tests.factories import UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db


def url(claim: Claim, what: str) -> str:
    return f"/api/v1/claims/{claim.reference}/{what}/"


def team_colleague(municipality: str = "Heerlen"):
    """A case guide in the team of the claim's municipality: reads its dossier, does not work on it."""
    colleague = UserFactory(role=R.CASEWORKER)
    Team.objects.create(name=f"Team {colleague.username}", municipalities=[municipality]).members.add(colleague)
    return colleague


# --- notes and calls ----------------------------------------------------------------------------------------------

def test_the_guide_adds_a_note_and_a_call(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    note = client.post(url(claim, "notes"), {"body": "Bewoner is slechthorend: langzaam praten."}, format="json")
    assert note.status_code == 201, note.json()
    assert note.json()["kind"] == "note" and note.json()["author"]["id"] == cast.caseworker.pk
    call = client.post(url(claim, "notes"), {"kind": "call", "direction": "in", "spoke_with": "Dochter",
                                             "body": "Vraagt wanneer de deskundige komt."}, format="json")
    assert call.status_code == 201, call.json()
    saved = Note.objects.get(pk=call.json()["id"])
    assert (saved.claim_id, saved.kind, saved.direction, saved.spoke_with, saved.author) == (
        claim.pk, "call", "in", "Dochter", cast.caseworker)
    listed = client.get(url(claim, "notes")).json()["results"]
    assert [row["id"] for row in listed] == [call.json()["id"], note.json()["id"]]


@pytest.mark.parametrize("data,field", [
    ({"kind": "call", "body": "Gebeld."}, "direction"),
    ({"kind": "call", "direction": "sideways", "body": "Gebeld."}, "direction"),
    ({"body": "   "}, "body"),
    ({"body": "x" * 10001}, "body"),
    ({"kind": "handover", "body": "Overdracht"}, "kind"),
])
def test_bad_note_data_is_a_400_on_its_field(cast, as_token, data, field):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "notes"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Note.objects.filter(claim=claim).exists()


def test_a_team_colleague_reads_the_notes_but_may_not_add_one(cast, as_token):
    claim = claim_in(cast, "intake")
    Note.objects.create(claim=claim, author=cast.caseworker, body="Intern")
    client = as_token(team_colleague(), R.CASEWORKER)
    assert [row["body"] for row in client.get(url(claim, "notes")).json()["results"]] == ["Intern"]
    response = client.post(url(claim, "notes"), {"body": "Mag niet"}, format="json")
    assert response.status_code == 403
    assert Note.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("who", ["resident", "expert"])
def test_residents_and_experts_never_get_internal_notes(cast, as_token, who):
    claim = claim_in(cast, "inspection")
    Note.objects.create(claim=claim, author=cast.caseworker, body="Alleen intern")
    client = as_token(getattr(cast, who), getattr(R, who.upper()))
    read = client.get(url(claim, "notes"))
    assert read.status_code == 403
    assert "Alleen intern" not in read.content.decode()
    assert client.post(url(claim, "notes"), {"body": "x"}, format="json").status_code == 403
    assert Note.objects.filter(claim=claim).count() == 1


def test_notes_of_a_claim_the_caller_does_not_see_are_a_404(cast, as_token):
    claim = claim_in(cast, "intake")
    stranger = UserFactory(role=R.CASEWORKER)
    client = as_token(stranger, R.CASEWORKER)
    assert client.get(url(claim, "notes")).status_code == 404
    assert client.post(url(claim, "notes"), {"body": "x"}, format="json").status_code == 404
    assert not Note.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("count", [2, 12])
def test_the_notes_list_runs_the_same_queries_whatever_its_size(cast, as_token, count):
    claim = claim_in(cast, "intake")
    for number in range(count):
        Note.objects.create(claim=claim, author=UserFactory(role=R.CASEWORKER), body=f"Notitie {number}")
    client = as_token(cast.coordinator, R.COORDINATOR)
    client.get(url(claim, "notes"))  # warm: content types, the token's last use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(claim, "notes") + "?page_size=100")
    assert len(response.json()["results"]) == count
    assert len(queries) == 4, [q["sql"] for q in queries]  # token, claim, count, page


# --- messages ------------------------------------------------------------------------------------------------------

def test_guide_and_resident_write_to_each_other(cast, as_token):
    claim = claim_in(cast, "intake")
    cast.caseworker.first_name, cast.caseworker.last_name = "Mieke", "Janssen"
    cast.caseworker.save()
    guide = as_token(cast.caseworker, R.CASEWORKER)
    sent = guide.post(url(claim, "messages"), {"body": "De deskundige komt volgende week."}, format="json")
    assert sent.status_code == 201, sent.json()
    assert sent.json()["direction"] == "out" and sent.json()["author"]["id"] == cast.caseworker.pk
    assert Message.objects.get(pk=sent.json()["id"]).author == cast.caseworker

    person = as_token(cast.resident, R.RESIDENT)
    answer = person.post(url(claim, "messages"), {"body": "Dank u. Ik ben er na 12 uur."}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["direction"] == "in" and answer.json()["mine"] is True
    assert Message.objects.get(pk=answer.json()["id"]).author == cast.resident

    seen = person.get(url(claim, "messages")).json()["results"]
    ours = next(row for row in seen if row["direction"] == "out")
    # As in the portal: the guide's name, never their account.
    assert ours["author"] is None and ours["author_name"] == "Mieke Janssen" and ours["mine"] is False
    staff_view = guide.get(url(claim, "messages")).json()["results"]
    theirs = next(row for row in staff_view if row["direction"] == "in")
    assert theirs["author"] == {"id": cast.resident.pk, "name": cast.resident.username}


def test_residents_do_not_see_the_staff_columns_of_a_callback(cast, as_token):
    claim = claim_in(cast, "intake")
    Message.objects.create(claim=claim, kind=Message.Kind.CALLBACK, direction=Message.Direction.IN,
                           author=cast.resident, body="Graag terugbellen", phone="045 123 45 67")
    resident_row = as_token(cast.resident, R.RESIDENT).get(url(claim, "messages")).json()["results"][0]
    assert resident_row["phone"] == "" and resident_row["handled_at"] is None
    staff_row = as_token(cast.caseworker, R.CASEWORKER).get(url(claim, "messages")).json()["results"][0]
    assert staff_row["phone"] == "045 123 45 67"


def test_a_team_colleague_reads_messages_but_may_not_send(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(team_colleague(), R.CASEWORKER)
    assert client.get(url(claim, "messages")).status_code == 200
    assert client.post(url(claim, "messages"), {"body": "Hallo"}, format="json").status_code == 403
    assert not Message.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("who,role", [("expert", R.EXPERT), ("desk", R.DESK)])
def test_other_roles_that_see_the_claim_get_a_403_on_messages(cast, as_token, who, role):
    claim = claim_in(cast, "inspection", filed_by=cast.desk)
    client = as_token(getattr(cast, who), role)
    assert client.get(url(claim, "messages")).status_code == 403
    assert client.post(url(claim, "messages"), {"body": "Hallo"}, format="json").status_code == 403
    assert not Message.objects.filter(claim=claim).exists()


def test_another_residents_messages_are_a_404(cast, as_token):
    claim = claim_in(cast, "intake")
    other, _person = resident()
    client = as_token(other, R.RESIDENT)
    assert client.get(url(claim, "messages")).status_code == 404
    assert client.post(url(claim, "messages"), {"body": "Hallo"}, format="json").status_code == 404
    assert not Message.objects.filter(claim=claim).exists()


def test_no_messages_on_a_draft(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    for client in (as_token(cast.coordinator, R.COORDINATOR), as_token(cast.resident, R.RESIDENT)):
        response = client.post(url(claim, "messages"), {"body": "Hallo"}, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "not_now"
    assert not Message.objects.filter(claim=claim).exists()


def test_an_empty_message_is_a_400_on_the_body(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.resident, R.RESIDENT).post(url(claim, "messages"), {"body": ""}, format="json")
    assert response.status_code == 400 and "body" in response.json()["errors"]


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize("who", ["resident", "caseworker"])
def test_the_messages_list_runs_the_same_queries_whatever_its_size(cast, as_token, count, who):
    claim = claim_in(cast, "intake")
    for number in range(count):
        staff = UserFactory(role=R.CASEWORKER)
        Message.objects.create(claim=claim, direction=Message.Direction.OUT, author=staff, body=f"Bericht {number}")
        someone, _person = resident()
        Message.objects.create(claim=claim, direction=Message.Direction.IN, author=someone, body=f"Antwoord {number}")
    client = as_token(getattr(cast, who), getattr(R, who.upper()))
    client.get(url(claim, "messages"))  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(claim, "messages") + "?page_size=100")
    assert len(response.json()["results"]) == 2 * count
    # token, claim, count, page, and one to know the caller: the guide's team, or the resident's person
    assert len(queries) == 5, [q["sql"] for q in queries]


# --- the zienswijze ------------------------------------------------------------------------------------------------

def test_the_resident_sends_a_zienswijze(cast, as_token):
    claim = claim_in(cast, "response_period")
    response = as_token(cast.resident, R.RESIDENT).post(
        url(claim, "responses"), {"body": "De scheur in de keuken ontbreekt in het advies."}, format="json")
    assert response.status_code == 201, response.json()
    message = Message.objects.get(claim=claim, kind=Message.Kind.RESPONSE)
    assert message.author == cast.resident and message.direction == "in"
    assert response.json()["id"] == message.pk


def test_staff_record_a_zienswijze_received_on_paper(cast, as_token):
    claim = claim_in(cast, "response_period")
    client = as_token(cast.caseworker, R.CASEWORKER)
    missing = client.post(url(claim, "responses"), {"body": "Per brief"}, format="json")
    assert missing.status_code == 400 and "received_on" in missing.json()["errors"]
    future = client.post(url(claim, "responses"), {
        "body": "Per brief", "received_on": (today() + dt.timedelta(days=2)).isoformat()}, format="json")
    assert future.status_code == 400 and "received_on" in future.json()["errors"]
    assert not Message.objects.filter(claim=claim).exists()
    done = client.post(url(claim, "responses"), {"body": "Per brief: de schuur is vergeten.",
                                                 "received_on": today().isoformat()}, format="json")
    assert done.status_code == 201, done.json()
    message = Message.objects.get(claim=claim, kind=Message.Kind.RESPONSE)
    assert message.author == cast.caseworker and message.body.startswith("Per brief: de schuur is vergeten.")


def test_a_zienswijze_outside_the_response_period_is_a_409(cast, as_token):
    claim = claim_in(cast, "inspection")
    for client, data in ((as_token(cast.resident, R.RESIDENT), {"body": "Reactie"}),
                         (as_token(cast.caseworker, R.CASEWORKER), {"body": "Reactie",
                                                                    "received_on": today().isoformat()})):
        response = client.post(url(claim, "responses"), data, format="json")
        assert response.status_code == 409
    assert not Message.objects.filter(claim=claim).exists()


def test_a_team_colleague_or_expert_may_not_record_a_zienswijze(cast, as_token):
    claim = claim_in(cast, "response_period")
    data = {"body": "Reactie", "received_on": today().isoformat()}
    assert as_token(team_colleague(), R.CASEWORKER).post(url(claim, "responses"), data,
                                                         format="json").status_code == 403
    assert as_token(cast.expert, R.EXPERT).post(url(claim, "responses"), data, format="json").status_code == 403
    assert not Message.objects.filter(claim=claim).exists()


def test_a_zienswijze_names_only_the_residents_own_files(cast, as_token):
    claim = claim_in(cast, "response_period")
    from claims.models import Document

    theirs = Document.objects.create(claim=claim, kind="other", title="Rapport", original_name="rapport.pdf",
                                     uploaded_by=cast.expert, size=1, sha256="0" * 64,
                                     content_type="application/pdf", file="x.pdf")
    client = as_token(cast.resident, R.RESIDENT)
    refused = client.post(url(claim, "responses"), {"body": "Zie bijlage", "documents": [theirs.pk]}, format="json")
    assert refused.status_code == 400 and "documents" in refused.json()["errors"]
    own = Document.objects.create(claim=claim, kind="response", title="Foto", original_name="keuken.jpg",
                                  uploaded_by=cast.resident, size=1, sha256="1" * 64, content_type="image/jpeg",
                                  file="y.jpg")
    done = client.post(url(claim, "responses"), {"body": "Zie bijlage", "documents": [own.pk]}, format="json")
    assert done.status_code == 201, done.json()
    assert "keuken.jpg" in Message.objects.get(claim=claim, kind=Message.Kind.RESPONSE).body


# --- callback requests ---------------------------------------------------------------------------------------------

def test_the_resident_asks_to_be_called_back_and_the_guide_hears_of_it(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.resident, R.RESIDENT).post(
        url(claim, "callback-requests"), {"phone": "045 123 45 67", "question": "Wat betekent de brief?"},
        format="json")
    assert response.status_code == 201, response.json()
    message = Message.objects.get(claim=claim, kind=Message.Kind.CALLBACK)
    assert message.phone == "045 123 45 67" and "Wat betekent de brief?" in message.body
    assert OutgoingEmail.objects.filter(claim=claim, to=cast.caseworker.email, purpose="callback_request").exists()


def test_a_callback_about_a_letter_of_another_claim_is_a_400_on_the_letter(cast, as_token):
    claim = claim_in(cast, "intake")
    other = claim_in(cast, "intake")
    letter = Letter.objects.filter(claim=other).first() or Letter.objects.create(
        claim=other, kind=LetterKind.RECEIPT, recipient=cast.person, key=f"t:{other.pk}", status="ready")
    response = as_token(cast.resident, R.RESIDENT).post(url(claim, "callback-requests"), {
        "phone": "045 123 45 67", "letter": letter.pk}, format="json")
    assert response.status_code == 400 and "letter" in response.json()["errors"]
    assert not Message.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("phone", ["12345", "bel me", ""])
def test_a_bad_phone_number_is_a_400_on_the_phone(cast, as_token, phone):
    claim = claim_in(cast, "intake")
    response = as_token(cast.resident, R.RESIDENT).post(url(claim, "callback-requests"), {"phone": phone},
                                                        format="json")
    assert response.status_code == 400 and "phone" in response.json()["errors"]


def test_only_the_resident_asks_for_a_callback(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "callback-requests"),
                                                            {"phone": "045 123 45 67"}, format="json")
    assert response.status_code == 403
    other, _person = resident()
    assert as_token(other, R.RESIDENT).post(url(claim, "callback-requests"), {"phone": "045 123 45 67"},
                                            format="json").status_code == 404
    assert not Message.objects.filter(claim=claim).exists()


def test_no_callback_on_a_draft(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    response = as_token(cast.resident, R.RESIDENT).post(url(claim, "callback-requests"),
                                                        {"phone": "045 123 45 67"}, format="json")
    assert response.status_code == 409
    assert not Message.objects.filter(claim=claim).exists()
