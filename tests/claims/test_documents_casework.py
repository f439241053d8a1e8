"""Document downloads during casework (issue 4): the resident gets the advice report once it was sent
(response period or later), and the assigned expert gets the claim's photos and their own uploads only."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims import roles as R
from claims.models import Person
from claims.uploads import store_upload
from claims.views.documents import documents_visible_to
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")


def add(claim, kind, actor, name="stuk.png"):
    # PNG whatever the kind: the kind decides access, and a PDF check would start a child process.
    return store_upload(claim=claim, file=SimpleUploadedFile(name, samples.png()), kind=kind, actor=actor)


def url(document) -> str:
    return reverse("claims:document_download", kwargs={"pk": document.pk})


def status_for(client, user, document) -> int:
    client.force_login(user)
    return client.get(url(document)).status_code


# --- the advice report for the resident, by state --------------------------------------------------------------

ADVICE_BY_STATE = [
    ("inspection", (), 404),
    ("advice_draft", (), 404),  # the case guide still checks it
    ("advice_draft", ("send_advice",), 200),  # response_period: sent with the draft advice
    ("advice_draft", ("send_advice", "forward_to_commission"), 200),
    ("advice_draft", ("send_advice", "forward_to_commission", "advise", "decide"), 200),
    ("advice_draft", ("send_advice", "hold"), 200),  # on hold from the response period
    ("advice_draft", ("send_advice", "revise_advice"), 404),  # back with the guide for a revision
    ("advice_draft", ("hold",), 404),  # on hold while the guide checks it
]


@pytest.mark.parametrize("state,then,expected", ADVICE_BY_STATE,
                         ids=[f"{state}+{'+'.join(then) or '-'}" for state, then, _e in ADVICE_BY_STATE])
def test_the_resident_gets_the_advice_report_once_it_was_sent(state, then, expected, client):
    cast = Cast()
    claim = claim_in(cast, state)
    report = add(claim, "advice_report", cast.expert, "adviesrapport.png")
    for name in then:
        claim = cast.fire(claim, name)
    assert status_for(client, cast.resident, report) == expected
    # Staff who see the claim, and the expert who wrote it, always may.
    assert status_for(client, cast.caseworker, report) == 200
    assert status_for(client, cast.expert, report) == 200
    assert status_for(client, resident()[0], report) == 404


def test_the_advice_report_of_another_claim_stays_hidden(client):
    cast, neighbour = Cast(), Cast()
    mine = claim_in(cast, "response_period")
    theirs = claim_in(neighbour, "response_period")
    report = add(theirs, "advice_report", neighbour.expert)
    assert status_for(client, cast.resident, report) == 404
    assert status_for(client, neighbour.resident, report) == 200
    assert report not in documents_visible_to(cast.resident)
    assert mine.pk != theirs.pk


# --- the expert: photos and their own uploads, nothing else ------------------------------------------------------

class Dossier:
    def __init__(self) -> None:
        self.cast = cast = Cast()
        self.claim = claim = claim_in(cast, "inspection", filed_by=cast.desk)
        self.docs = {
            "resident_photo": add(claim, "photo", cast.resident, "scheur.png"),
            "expert_photo": add(claim, "photo", cast.expert, "werkfoto.png"),
            "advice_report": add(claim, "advice_report", cast.expert),
            "letter": add(claim, "letter", None),
            "desk_scan": add(claim, "scan", cast.desk),
            "resident_other": add(claim, "other", cast.resident, "eigendomsbewijs.png"),
            "staff_other": add(claim, "other", cast.caseworker, "notitie.png"),
        }


@pytest.fixture
def dossier():
    return Dossier()


EXPERT_MAY = {
    "resident_photo": 200, "expert_photo": 200, "advice_report": 200,
    "letter": 404, "desk_scan": 404, "resident_other": 404, "staff_other": 404,
}


@pytest.mark.parametrize("kind,expected", EXPERT_MAY.items())
def test_the_assigned_expert_gets_photos_and_own_uploads_only(kind, expected, dossier, client):
    document = dossier.docs[kind]
    assert status_for(client, dossier.cast.expert, document) == expected
    assert status_for(client, dossier.cast.caseworker, document) == 200  # the guide sees the whole dossier
    assert status_for(client, UserFactory(role=R.EXPERT), document) == 404  # an expert of other claims


def test_a_replaced_expert_loses_access(dossier, client):
    cast = dossier.cast
    photo = dossier.docs["resident_photo"]
    own = dossier.docs["expert_photo"]
    new_expert = UserFactory(role=R.EXPERT)
    dossier.claim.expert = new_expert
    dossier.claim.save(update_fields=["expert"])
    assert status_for(client, cast.expert, photo) == 404
    assert status_for(client, cast.expert, own) == 404  # the claim is no longer theirs to see
    assert status_for(client, new_expert, photo) == 200
    assert status_for(client, new_expert, own) == 200  # a photo of the claim, whoever took it
    assert status_for(client, new_expert, dossier.docs["advice_report"]) == 404  # the old expert's report


def test_an_expert_who_is_also_a_resident_gets_each_part_by_its_own_rule(dossier, client):
    cast = dossier.cast
    cast.expert.groups.add(Group.objects.get(name=R.RESIDENT))
    person = Person.objects.create(user=cast.expert, name="Ruud Cremers", email="ruud@example.nl")
    own_claim = draft_claim(applicant=person)
    own_letter = add(own_claim, "letter", None)
    own_advice = add(own_claim, "advice_report", None)
    expected = {
        own_letter: 200,  # their own claim, as a resident
        own_advice: 404,  # their own claim is a draft: no advice released
        dossier.docs["resident_photo"]: 200,  # the claim they inspect, as the expert
        dossier.docs["letter"]: 404,
        dossier.docs["desk_scan"]: 404,
    }
    assert {doc: status_for(client, cast.expert, doc) for doc in expected} == expected


def test_the_other_staff_roles_keep_every_document_of_the_claims_they_see(dossier, client):
    cast = dossier.cast
    for user in (cast.caseworker, cast.coordinator, cast.desk):
        answers = {kind: status_for(client, user, doc) for kind, doc in dossier.docs.items()}
        assert answers == dict.fromkeys(dossier.docs, 200), user


def test_the_visible_documents_are_one_query(dossier, django_assert_num_queries):
    expert = dossier.cast.expert
    R.roles_of(expert)  # the roles are read once per user object
    with django_assert_num_queries(1):
        kinds = sorted(d.kind for d in documents_visible_to(expert))
    assert kinds == ["advice_report", "photo", "photo"]
