"""Objections through the API: the resident files one (JSON, or multipart with files), what each role reads, the
handler's work (take, hearing, decide) with four eyes, and the objections queue's fixed queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Decision, Note, Objection
from casework.services.objections import objection_decide, objection_take
from claims import roles as R
from claims.models import ClaimTransition, Document, DocumentKind, Letter, LetterKind, Message
from claims.services.portal import objection_file
from claims.timeutil import frozen, now
from tests.api.test_commission import advised, in_review, items_of
from tests.api.test_decisions import decided
from tests.claims.files import samples
from tests.factories import UserFactory, claim_in

pytestmark = pytest.mark.django_db

GROUNDS = "De scheur in de gevel is veel groter dan de deskundige opschreef."
REASONING = "Wij hebben de foto's opnieuw bekeken. Het besluit blijft zoals het was."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def list_url(claim) -> str:
    return f"/api/v1/claims/{claim.reference}/objections/"


def action_url(claim, objection, action: str) -> str:
    return f"/api/v1/claims/{claim.reference}/objections/{objection.pk}/{action}/"


def decided_claim(cast):
    return decided(cast, advised(cast, in_review(cast)))


def objected(cast):
    """A claim in `objection` against a decision of 4000 plus allowances, and its objection."""
    claim = objection_file(claim=decided_claim(cast), actor=cast.resident, grounds=GROUNDS)
    return claim, Objection.objects.get(claim=claim)


def nothing_filed(claim) -> None:
    claim.refresh_from_db()
    assert claim.status == "decided"
    assert not Objection.objects.filter(claim=claim).exists()
    assert not ClaimTransition.objects.filter(claim=claim, name="file_objection").exists()
    assert not Message.objects.filter(claim=claim, kind=Message.Kind.OBJECTION).exists()


def unchanged(claim, objection, *, status="objection") -> None:
    claim.refresh_from_db()
    objection.refresh_from_db()
    assert claim.status == status
    assert objection.handler_id is None and objection.hearing_at is None and objection.outcome == ""
    assert not Decision.objects.filter(claim=claim, kind=Decision.Kind.OBJECTION).exists()


# --- filing ------------------------------------------------------------------------------------------------------

def test_the_resident_files_an_objection(cast, as_token):
    claim = decided_claim(cast)
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    objection = Objection.objects.get(claim=claim)
    assert body["id"] == objection.pk and body["status"] == "received" and body["late"] is False
    assert body["grounds"] == GROUNDS and body["handler"] is None and body["hearing_notes"] is None
    claim.refresh_from_db()
    assert claim.status == "objection"
    assert body["decision_due"] == claim.objection_decision_due.isoformat()
    assert ClaimTransition.objects.get(claim=claim, name="file_objection").actor == cast.resident
    assert Letter.objects.filter(claim=claim, kind=LetterKind.OBJECTION_RECEIVED).exists()
    assert Message.objects.get(claim=claim, kind=Message.Kind.OBJECTION).body == GROUNDS


def test_the_resident_files_with_a_photo(cast, as_token):
    claim = decided_claim(cast)
    photo = SimpleUploadedFile("gevel.png", samples.png(), content_type="image/png")
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS, "files": [photo]},
                                                        format="multipart")
    assert response.status_code == 201, response.json()
    document = Document.objects.get(claim=claim, kind=DocumentKind.OBJECTION)
    assert document.uploaded_by == cast.resident and document.original_name == "gevel.png"
    assert "gevel.png" in Message.objects.get(claim=claim, kind=Message.Kind.OBJECTION).body


def test_a_refused_file_is_a_400_that_names_it_and_nothing_is_filed(cast, as_token):
    claim = decided_claim(cast)
    good = SimpleUploadedFile("gevel.png", samples.png(), content_type="image/png")
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a photo", content_type="application/octet-stream")
    client = as_token(cast.resident, R.RESIDENT)
    response = client.post(list_url(claim), {"grounds": GROUNDS, "files": [good, bad]}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["files"][0].startswith("virus.exe: ")
    kept = Document.objects.get(claim=claim, kind=DocumentKind.OBJECTION)
    assert str(kept.pk) in errors["kept"][0]
    nothing_filed(claim)
    # Sent again with the kept file's id: filed once, with that file.
    response = client.post(list_url(claim), {"grounds": GROUNDS, "kept": [kept.pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert "gevel.png" in Message.objects.get(claim=claim, kind=Message.Kind.OBJECTION).body
    assert Document.objects.filter(claim=claim, kind=DocumentKind.OBJECTION).count() == 1


def test_kept_ids_of_someone_else_are_a_400(cast, as_token):
    claim = decided_claim(cast)
    other = Document.objects.create(claim=claim, kind=DocumentKind.OBJECTION, title="x", sha256="0" * 64,
                                    size=1, content_type="image/png", uploaded_by=cast.caseworker)
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS, "kept": [other.pk]},
                                                        format="json")
    assert response.status_code == 400 and "kept" in response.json()["errors"]
    nothing_filed(claim)


def test_after_the_window_the_reason_for_being_late_is_needed(cast, as_token):
    claim = decided_claim(cast)
    client = as_token(cast.resident, R.RESIDENT)
    later = now() + dt.timedelta(weeks=8)
    with frozen(later):
        response = client.post(list_url(claim), {"grounds": GROUNDS}, format="json")
        assert response.status_code == 400
        assert "late_excuse" in response.json()["errors"]
        nothing_filed(claim)
        response = client.post(list_url(claim), {"grounds": GROUNDS, "late_excuse": "Ik lag in het ziekenhuis."},
                               format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["late"] is True
    assert Objection.objects.get(claim=claim).late_excuse == "Ik lag in het ziekenhuis."


def test_within_the_window_a_late_excuse_is_not_kept(cast, as_token):
    claim = decided_claim(cast)
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS,
                                                                          "late_excuse": "Zomaar."}, format="json")
    assert response.status_code == 201
    assert Objection.objects.get(claim=claim).late_excuse == ""


def test_empty_grounds_are_a_400(cast, as_token):
    claim = decided_claim(cast)
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": ""}, format="json")
    assert response.status_code == 400 and "grounds" in response.json()["errors"]
    nothing_filed(claim)


@pytest.mark.parametrize("role,status", [("caseworker", 403), ("coordinator", 403), ("decision_maker", 404),
                                         ("finance", 403), ("commission", 404), ("desk", 404)])
def test_only_the_resident_files_here(cast, as_token, role, status):
    claim = decided_claim(cast)
    response = as_token(getattr(cast, role), role).post(list_url(claim), {"grounds": GROUNDS}, format="json")
    assert response.status_code == status
    nothing_filed(claim)


def test_another_resident_gets_a_404(cast, as_token):
    claim = decided_claim(cast)
    stranger = UserFactory(role=R.RESIDENT)
    response = as_token(stranger, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS}, format="json")
    assert response.status_code == 404
    nothing_filed(claim)


def test_no_objection_before_a_decision(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_now"
    assert not Objection.objects.filter(claim=claim).exists()


def test_one_objection_per_decision(cast, as_token):
    claim, _objection = objected(cast)
    objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None, reasoning=REASONING)
    claim.refresh_from_db()
    assert claim.status == "settlement"
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"grounds": GROUNDS}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "objection_twice"
    assert Objection.objects.filter(claim=claim).count() == 1


# --- reading -----------------------------------------------------------------------------------------------------

def test_staff_read_the_handler_and_the_hearing_and_the_resident_does_not(cast, as_token):
    claim, _objection = objected(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    staff = as_token(cast.caseworker, R.CASEWORKER).get(list_url(claim))
    assert staff.status_code == 200
    [row] = staff.json()
    assert row["status"] == "in_progress" and row["handler"]["id"] == cast.objection_handler.pk
    resident = as_token(cast.resident, R.RESIDENT).get(list_url(claim))
    assert resident.status_code == 200
    [row] = resident.json()
    assert row["status"] == "in_progress" and row["handler"] is None and row["hearing_at"] is None
    assert row["grounds"] == GROUNDS


@pytest.mark.parametrize("role", ["expert", "finance"])
def test_roles_whose_pages_do_not_show_objections_get_a_403(cast, as_token, role):
    claim, _objection = objected(cast)
    response = as_token(getattr(cast, role), role).get(list_url(claim))
    assert response.status_code == 403
    assert GROUNDS not in response.content.decode()


# --- the handler's work ------------------------------------------------------------------------------------------

def test_the_handler_takes_it_on(cast, as_token):
    claim, objection = objected(cast)
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(action_url(claim, objection, "take"))
    assert response.status_code == 200, response.json()
    assert response.json()["handler"]["id"] == cast.objection_handler.pk
    objection.refresh_from_db()
    assert objection.handler == cast.objection_handler
    assert Note.objects.filter(claim=claim, author=cast.objection_handler).exists()


@pytest.mark.parametrize("action", ["take", "hearing", "decide"])
def test_four_eyes_who_decided_may_not_handle_the_objection(cast, as_token, action):
    claim, objection = objected(cast)
    data = {"take": {}, "hearing": {"hearing_at": (now() + dt.timedelta(days=7)).isoformat(),
                                    "hearing_kind": "video"},
            "decide": {"well_founded": False, "reasoning": REASONING}}[action]
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(action_url(claim, objection, action), data,
                                                                    format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "four_eyes"
    unchanged(claim, objection)


def test_four_eyes_who_advised_may_not_handle_the_objection(cast, as_token):
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    claim = objection_file(claim=decided(cast, advised(cast, in_review(cast), member=both)), actor=cast.resident,
                           grounds=GROUNDS)
    objection = Objection.objects.get(claim=claim)
    response = as_token(both, R.DECISION_MAKER).post(action_url(claim, objection, "take"))
    assert response.status_code == 403
    unchanged(claim, objection)


@pytest.mark.parametrize("role,status", [("caseworker", 403), ("coordinator", 403), ("resident", 403),
                                         ("finance", 403), ("expert", 403), ("commission", 404)])
def test_only_decision_makers_handle_objections(cast, as_token, role, status):
    claim, objection = objected(cast)
    response = as_token(getattr(cast, role), role).post(action_url(claim, objection, "take"))
    assert response.status_code == status
    unchanged(claim, objection)


def test_an_objection_of_another_claim_is_a_404(cast, as_token):
    claim, objection = objected(cast)
    other, _ = objected(cast)
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(action_url(other, objection, "take"))
    assert response.status_code == 404
    unchanged(claim, objection)


def test_someone_else_handling_it_is_a_409(cast, as_token):
    claim, objection = objected(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    colleague = UserFactory(role=R.DECISION_MAKER)
    response = as_token(colleague, R.DECISION_MAKER).post(action_url(claim, objection, "take"))
    assert response.status_code == 409 and response.json()["code"] == "other_handler"
    objection.refresh_from_db()
    assert objection.handler == cast.objection_handler


def test_a_decided_objection_is_a_409(cast, as_session):
    claim, objection = objected(cast)
    objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None, reasoning=REASONING)
    user = UserFactory(role=R.DECISION_MAKER)
    user.groups.add(Group.objects.get(name=R.COORDINATOR))  # sees the claim in settlement too
    response = as_session(user).post(action_url(claim, objection, "take"))
    assert response.status_code == 409 and response.json()["code"] == "not_now"
    objection.refresh_from_db()
    assert objection.handler == cast.objection_handler


def test_the_hearing_is_planned_and_later_recorded(cast, as_token):
    claim, objection = objected(cast)
    client = as_token(cast.objection_handler, R.DECISION_MAKER)
    when = now() + dt.timedelta(days=7)
    response = client.post(action_url(claim, objection, "hearing"),
                           {"hearing_at": when.isoformat(), "hearing_kind": "on_site"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["hearing_kind"] == "on_site"
    objection.refresh_from_db()
    assert (objection.hearing_at, objection.hearing_kind, objection.handler) == (when, "on_site",
                                                                                 cast.objection_handler)
    response = client.post(action_url(claim, objection, "hearing"),
                           {"hearing_at": when.isoformat(), "hearing_kind": "on_site", "notes": "Gesproken."},
                           format="json")
    assert response.status_code == 400 and "notes" in response.json()["errors"]
    with frozen(when + dt.timedelta(hours=2)):
        response = client.post(action_url(claim, objection, "hearing"),
                               {"hearing_at": when.isoformat(), "hearing_kind": "on_site", "notes": "Gesproken."},
                               format="json")
    assert response.status_code == 200
    objection.refresh_from_db()
    assert objection.hearing_notes == "Gesproken."


@pytest.mark.parametrize("data,field", [
    ({"hearing_kind": "video"}, "hearing_at"),
    ({"hearing_at": "morgen", "hearing_kind": "video"}, "hearing_at"),
    ({"hearing_at": "2030-01-01T10:00:00+01:00", "hearing_kind": "phone"}, "hearing_kind"),
])
def test_a_bad_hearing_is_a_400(cast, as_token, data, field):
    claim, objection = objected(cast)
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(action_url(claim, objection, "hearing"),
                                                                       data, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    unchanged(claim, objection)


def test_unfounded_the_decision_stands_and_the_claim_moves_on(cast, as_token):
    claim, objection = objected(cast)
    award = claim.awarded_amount
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(
        action_url(claim, objection, "decide"),
        {"well_founded": False, "reasoning": REASONING, "items": [{"damage_item": "nonsense"}]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    decision = Decision.objects.get(claim=claim, kind=Decision.Kind.OBJECTION)
    assert body["id"] == decision.pk and body["kind"] == "objection" and body["total"] == str(award)
    claim.refresh_from_db()
    objection.refresh_from_db()
    assert claim.status == "settlement" and claim.awarded_amount == award
    assert objection.outcome == "unfounded" and objection.decision == decision
    assert Letter.objects.get(claim=claim, kind=LetterKind.OBJECTION_DECISION).key == \
        f"objection_decision:{decision.pk}"


def test_well_founded_gives_new_amounts(cast, as_token):
    claim, objection = objected(cast)
    first, second = items_of(claim)
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(action_url(claim, objection, "decide"), {
        "well_founded": True, "reasoning": "De scheur is groter.",
        "items": [{"damage_item": first.pk, "plausibility": "yes", "amount": "5000.00"},
                  {"damage_item": second.pk, "plausibility": "partly", "amount": "600.00", "percentage": 60}],
    }, format="json")
    assert response.status_code == 201, response.json()
    decision = Decision.objects.get(claim=claim, kind=Decision.Kind.OBJECTION)
    assert [(r["plausibility"], r["amount"]) for r in response.json()["items"]] == [("yes", "5000.00"),
                                                                                    ("partly", "600.00")]
    claim.refresh_from_db()
    assert claim.status == "settlement" and claim.awarded_amount == decision.total
    assert decision.total == Decimal("5600.00") + decision.advice.inspection_allowance \
        + decision.advice.statutory_interest
    objection.refresh_from_db()
    assert objection.outcome == "well_founded"


@pytest.mark.parametrize("items,field,named", [
    (None, "items", ""),
    ([("no", "10.00"), ("yes", "1.00")], "items.0.amount", "Schadepunt 1 (Woonkamer): "),
    ([("yes", "abc"), ("yes", "1.00")], "items.0.amount", "Schadepunt 1 (Woonkamer): "),
    ([("yes", "10.00")], "items", ""),
    ([("yes", "9999999999.99"), ("yes", "1.00")], "items", ""),
])
def test_well_founded_with_bad_items_is_a_400(cast, as_token, items, field, named):
    claim, objection = objected(cast)
    data = {"well_founded": True, "reasoning": "De scheur is groter."}
    if items is not None:
        data["items"] = [{"damage_item": item.pk, "plausibility": p, "amount": a}
                         for item, (p, a) in zip(items_of(claim), items, strict=False)]
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(action_url(claim, objection, "decide"), data,
                                                                       format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors and errors[field][0].startswith(named)
    unchanged(claim, objection)


# --- the queue ---------------------------------------------------------------------------------------------------

def test_the_queue_shows_open_objections_and_four_eyes(cast, as_token):
    claim, objection = objected(cast)
    decided_claim(cast)  # no objection
    mine = as_token(cast.decision_maker, R.DECISION_MAKER).get("/api/v1/objection-queue/")
    assert mine.status_code == 200
    [row] = mine.json()["results"]
    assert row["reference"] == claim.reference and row["excluded"] is True
    assert row["objection"]["id"] == objection.pk and row["objection"]["handler"] is None
    theirs = as_token(cast.objection_handler, R.DECISION_MAKER).get("/api/v1/objection-queue/")
    [row] = theirs.json()["results"]
    assert row["excluded"] is False and row["decision_due"] == claim.objection_decision_due.isoformat()
    assert row["days_left"] == (claim.objection_decision_due - now().date()).days


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "commission", "resident"])
def test_only_decision_makers_have_the_objection_queue(cast, as_token, role):
    objected(cast)
    assert as_token(getattr(cast, role), role).get("/api/v1/objection-queue/").status_code == 403


@pytest.mark.parametrize("size", [1, 4])
def test_the_objection_queue_runs_the_same_queries_at_any_size(cast, as_token, size):
    for index in range(size):
        claim, _objection = objected(cast)
        if index % 2:
            objection_take(claim=claim, actor=cast.objection_handler)
    client = as_token(cast.objection_handler, R.DECISION_MAKER)
    client.get("/api/v1/objection-queue/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/objection-queue/?page_size=100")
    assert len(response.json()["results"]) == size
    assert len(queries) == 4, [q["sql"] for q in queries]  # token, count, page, open objections with handler
