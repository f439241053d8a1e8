"""Damage items and their photos through the API: what each role sees, and the resident's and the expert's
changes under the rules of their pages (report on the own draft; findings during the inspection). Everyone else
gets 403 or 404 and the database stays as it was; hostile photos are refused and leave nothing behind."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import roles as R
from claims.models import Claim, ClaimTransition, DamageItem, Document, DocumentKind
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def jpeg(name="scheur.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.jpeg(), content_type="image/jpeg")


def items_url(claim) -> str:
    return f"/api/v1/claims/{claim.reference}/damage-items/"


def item_url(claim, item) -> str:
    return f"{items_url(claim)}{item.pk}/"


def photos_url(claim, item) -> str:
    return f"{item_url(claim, item)}photos/"


def snapshot(claim) -> tuple:
    """Everything an item change could touch: the claim row, its items, its documents, its history."""
    claim.refresh_from_db()
    return (claim.status, claim.updated_at, list(claim.damage_items.order_by("pk").values()),
            list(Document.objects.filter(claim=claim).values_list("pk", flat=True)),
            ClaimTransition.objects.filter(claim=claim).count())


def at_damage_step(claim):
    """A draft whose address, ownership and representative steps were saved: the damage page is open."""
    Claim.objects.filter(pk=claim.pk).update(report_step="gemachtigde")
    claim.refresh_from_db()
    return claim


def with_findings(claim) -> DamageItem:
    item = claim.damage_items.first()
    DamageItem.objects.filter(pk=item.pk).update(
        expert_verdict="partly", repair_cost=Decimal("1250.00"), expert_notes="Zetting onder de voorgevel.",
        awarded_amount=Decimal("900.00"), measurements="2 mm breed")
    return item


# --- reading: each role sees what its pages show ----------------------------------------------------------------


def test_the_resident_lists_the_items_of_their_draft(cast, as_token):
    claim = draft_claim(applicant=cast.person, items=2)
    response = as_token(cast.resident, R.RESIDENT).get(items_url(claim))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["position"] for row in rows] == [1, 2]
    assert rows[0]["description"] == "Scheur van 2 mm boven de deur"
    assert rows[0]["kind"] == "crack" and rows[0]["kind_label"] == "Scheur"
    assert rows[0]["expert_notes"] is None and rows[0]["added_by_expert"] is None


@pytest.mark.parametrize("state,verdict_shown", [("advice_draft", False), ("response_period", True),
                                                 ("decided", True)])
def test_the_resident_sees_the_experts_verdict_once_the_advice_report_is_theirs(cast, as_token, state,
                                                                                 verdict_shown):
    claim = claim_in(cast, state)
    with_findings(claim)
    row = as_token(cast.resident, R.RESIDENT).get(items_url(claim)).json()["results"][0]
    assert row["expert_verdict"] == ("partly" if verdict_shown else None)
    # Never the expert's notes, cost estimate or the amounts: those are in letters and reports, not here.
    assert row["expert_notes"] is None and row["repair_cost"] is None and row["awarded_amount"] is None
    assert row["measurements"] == "2 mm breed"


def test_the_expert_sees_the_findings_and_their_estimate_but_no_awarded_amount(cast, as_token):
    claim = claim_in(cast, "inspection")
    with_findings(claim)
    row = as_token(cast.expert, R.EXPERT).get(items_url(claim)).json()["results"][0]
    assert row["expert_verdict"] == "partly" and row["repair_cost"] == "1250.00"
    assert row["expert_notes"] == "Zetting onder de voorgevel." and row["added_by_expert"] is False
    assert row["awarded_amount"] is None


@pytest.mark.parametrize("role", [R.CASEWORKER, R.COORDINATOR])
def test_the_guide_and_the_coordinator_see_everything(cast, as_token, role):
    claim = claim_in(cast, "inspection")
    with_findings(claim)
    user = cast.caseworker if role == R.CASEWORKER else cast.coordinator
    row = as_token(user, role).get(items_url(claim)).json()["results"][0]
    assert row["awarded_amount"] == "900.00" and row["repair_cost"] == "1250.00"
    assert row["expert_notes"] == "Zetting onder de voorgevel." and row["added_by_expert"] is False


def test_the_desk_sees_place_kind_and_description_only(cast, as_token):
    claim = draft_claim(applicant=cast.person, filed_by=cast.desk)
    with_findings(claim)
    row = as_token(cast.desk, R.DESK).get(items_url(claim)).json()["results"][0]
    assert row["location"] == "Woonkamer" and row["description"]
    assert row["measurements"] is None and row["expert_verdict"] is None and row["repair_cost"] is None


def test_finance_pages_show_no_damage_items(cast, as_token):
    claim = claim_in(cast, "decided")
    client = as_token(cast.finance, R.FINANCE)
    assert client.get(f"/api/v1/claims/{claim.reference}/").status_code == 200  # the claim itself: yes
    response = client.get(items_url(claim))
    assert response.status_code == 403
    assert client.get(item_url(claim, claim.damage_items.first())).status_code == 403


def test_someone_elses_claim_or_item_is_a_404(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    other_user, other_person = resident()
    other = draft_claim(applicant=other_person)
    client = as_token(other_user, R.RESIDENT)
    assert client.get(items_url(claim)).status_code == 404
    # An item of another claim, through the caller's own claim: just as unknown.
    response = client.get(f"{items_url(other)}{claim.damage_items.first().pk}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{items_url(other)}99999999999999999999999/").status_code == 404


def test_photos_are_those_the_caller_may_download(cast, as_token, media):
    claim = claim_in(cast, "inspection")
    item = claim.damage_items.first()
    by_resident = store_upload(claim=claim, file=jpeg(), kind=DocumentKind.PHOTO, actor=cast.resident,
                               damage_item=item)
    by_expert = store_upload(claim=claim, file=jpeg(), kind=DocumentKind.PHOTO, actor=cast.expert, damage_item=item)
    resident_row = as_token(cast.resident, R.RESIDENT).get(items_url(claim)).json()["results"][0]
    expert_row = as_token(cast.expert, R.EXPERT).get(items_url(claim)).json()["results"][0]
    assert [p["id"] for p in resident_row["photos"]] == [by_resident.pk]  # the expert's photo is a working file
    assert [p["id"] for p in expert_row["photos"]] == [by_resident.pk, by_expert.pk]
    file = as_token(cast.expert, R.EXPERT).get(expert_row["photos"][1]["file"])
    assert file.status_code == 200 and file["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("size", [2, 7])
def test_the_list_runs_the_same_queries_whatever_the_number_of_items_and_photos(cast, as_token, media, size):
    claim = draft_claim(applicant=cast.person, items=size)
    for item in claim.damage_items.all():
        store_upload(claim=claim, file=jpeg(), kind=DocumentKind.PHOTO, actor=cast.resident, damage_item=item)
    client = as_token(cast.coordinator, R.COORDINATOR)
    client.get(items_url(claim))  # warm: the token's last use, content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(items_url(claim))
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    assert all(len(row["photos"]) == 1 for row in response.json()["results"])
    # token, claim, count, items, photos
    assert len(queries) == 5, [q["sql"] for q in queries]


# --- the resident's draft --------------------------------------------------------------------------------------


def test_the_resident_adds_an_item_to_their_draft(cast, as_token):
    claim = at_damage_step(draft_claim(applicant=cast.person))
    response = as_token(cast.resident, R.RESIDENT).post(items_url(claim), {
        "location": " Voorgevel ", "kind": "subsidence", "description": "De stoep zakt weg.",
        "noticed_on": "2025-03-01", "measurements": "5 cm"}, format="json")
    assert response.status_code == 201, response.json()
    item = DamageItem.objects.get(pk=response.json()["id"])
    assert (item.claim_id, item.position, item.location, item.kind) == (claim.pk, 2, "Voorgevel", "subsidence")
    assert str(item.noticed_on) == "2025-03-01" and item.measurements == "5 cm" and not item.added_by_expert
    assert response.json()["position"] == 2


@pytest.mark.parametrize("body,field", [
    ({"kind": "crack", "description": "Scheur"}, "location"),
    ({"location": "Kelder", "kind": "earthquake", "description": "Scheur"}, "kind"),
    ({"location": "Kelder", "kind": "crack", "description": "   "}, "description"),
    ({"location": "Kelder", "kind": "crack", "description": "Scheur", "noticed_on": "2999-01-01"}, "noticed_on"),
    ({"location": "Kelder", "kind": "crack", "description": "Scheur", "repair_cost": "10.00"}, "repair_cost"),
    ({"location": "K" * 121, "kind": "crack", "description": "Scheur"}, "location"),
])
def test_bad_data_is_a_400_on_the_field_and_nothing_changes(cast, as_token, body, field):
    claim = at_damage_step(draft_claim(applicant=cast.person))
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).post(items_url(claim), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert snapshot(claim) == before


def test_no_new_item_before_the_steps_in_front_of_the_damage_page_409(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    Claim.objects.filter(pk=claim.pk).update(report_step="eigendom")  # the representative step is not saved
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).post(items_url(claim), {
        "location": "Kelder", "kind": "crack", "description": "Scheur"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "step_not_reached" and "Gemachtigde" in response.json()["detail"]
    assert snapshot(claim) == before
    # The item that is there can still be changed, as on its own page.
    item = claim.damage_items.first()
    response = as_token(cast.resident, R.RESIDENT).patch(item_url(claim, item), {"measurements": "1 m"},
                                                         format="json")
    assert response.status_code == 200


def test_a_sent_report_cannot_be_changed_here_409(cast, as_token):
    claim = claim_in(cast, "submitted")
    item = claim.damage_items.first()
    before = snapshot(claim)
    client = as_token(cast.resident, R.RESIDENT)
    body = {"location": "Kelder", "kind": "crack", "description": "Scheur"}
    for response in (client.post(items_url(claim), body, format="json"),
                     client.patch(item_url(claim, item), {"description": "Anders"}, format="json"),
                     client.delete(item_url(claim, item)),
                     client.post(photos_url(claim, item), {"photos": [jpeg()]}, format="multipart")):
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "not_draft"
    assert snapshot(claim) == before


@pytest.mark.parametrize("who", ["caseworker", "coordinator", "desk", "co_owner"])
def test_others_may_not_change_a_draft_403(cast, as_token, who):
    claim = draft_claim(applicant=cast.person, filed_by=cast.desk)
    claim_in_intake = claim_in(cast, "intake")
    item = claim.damage_items.first()
    if who == "co_owner":  # a party to the claim, but the online report is the applicant's
        user, person = resident()
        claim.co_applicants.add(person)
        client = as_token(user, R.RESIDENT)
    elif who == "caseworker":
        claim = claim_in_intake
        item = claim.damage_items.first()
        client = as_token(cast.caseworker, R.CASEWORKER)
    else:
        client = as_token(getattr(cast, who), who)
    before = snapshot(claim)
    body = {"location": "Kelder", "kind": "crack", "description": "Scheur"}
    assert client.get(items_url(claim)).status_code == 200
    for response in (client.post(items_url(claim), body, format="json"),
                     client.patch(item_url(claim, item), {"description": "Anders"}, format="json"),
                     client.delete(item_url(claim, item)),
                     client.post(photos_url(claim, item), {"photos": [jpeg()]}, format="multipart")):
        assert response.status_code == 403, response.content
    assert snapshot(claim) == before


def test_the_resident_changes_only_what_they_send(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    item = claim.damage_items.first()
    response = as_token(cast.resident, R.RESIDENT).patch(item_url(claim, item), {"measurements": "3 mm"},
                                                         format="json")
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert (item.measurements, item.location, item.description) == ("3 mm", "Woonkamer",
                                                                   "Scheur van 2 mm boven de deur")
    assert response.json()["measurements"] == "3 mm"


def test_the_resident_may_not_set_the_experts_fields(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    item = claim.damage_items.first()
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).patch(item_url(claim, item), {"expert_verdict": "yes"},
                                                         format="json")
    assert response.status_code == 400 and "expert_verdict" in response.json()["errors"]
    assert snapshot(claim) == before


def test_the_resident_removes_an_item_and_the_numbers_close_up(cast, as_token):
    claim = draft_claim(applicant=cast.person, items=3)
    first = claim.damage_items.order_by("position").first()
    response = as_token(cast.resident, R.RESIDENT).delete(item_url(claim, first))
    assert response.status_code == 204
    assert list(claim.damage_items.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert not DamageItem.objects.filter(pk=first.pk).exists()


def test_an_item_with_photos_is_kept_409_with_the_reason(cast, as_token, media):
    claim = draft_claim(applicant=cast.person)
    item = claim.damage_items.first()
    store_upload(claim=claim, file=jpeg(), kind=DocumentKind.PHOTO, actor=cast.resident, damage_item=item)
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).delete(item_url(claim, item))
    assert response.status_code == 409
    assert response.json()["code"] == "item_has_photos" and "foto's" in response.json()["detail"]
    assert snapshot(claim) == before


# --- the resident's photos -------------------------------------------------------------------------------------


def test_the_resident_adds_photos_each_stored_clean(cast, as_token, media):
    claim = draft_claim(applicant=cast.person)
    item = claim.damage_items.first()
    photos = [SimpleUploadedFile("gevel.jpg", samples.jpeg_with_gps_and_orientation(), content_type="image/jpeg"),
              SimpleUploadedFile("kelder.png", samples.png(), content_type="image/png")]
    response = as_token(cast.resident, R.RESIDENT).post(photos_url(claim, item), {"photos": photos},
                                                        format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["refused"] == []
    assert [d["content_type"] for d in body["stored"]] == ["image/jpeg", "image/png"]
    stored = Document.objects.filter(damage_item=item).order_by("pk")
    assert [d.pk for d in stored] == [d["id"] for d in body["stored"]]
    assert all(d.kind == "photo" and d.uploaded_by == cast.resident for d in stored)
    assert b"GPS" not in stored[0].file.open("rb").read()
    assert body["stored"][0]["uploaded_by"] is None  # the resident's pages do not name uploaders


def test_one_bad_photo_costs_neither_the_others_nor_the_item(cast, as_token, media):
    claim = draft_claim(applicant=cast.person)
    item = claim.damage_items.first()
    photos = [jpeg(), SimpleUploadedFile("virus.jpg", samples.windows_exe(), content_type="image/jpeg")]
    response = as_token(cast.resident, R.RESIDENT).post(photos_url(claim, item), {"photos": photos},
                                                        format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert len(body["stored"]) == 1
    assert body["refused"][0]["name"] == "virus.jpg" and "PDF" in body["refused"][0]["message"]
    assert Document.objects.filter(damage_item=item).count() == 1


MB = 1024 * 1024
HOSTILE = [
    ("renamed-exe", "foto.jpg", "image/jpeg", samples.windows_exe, "Dit bestand kunnen wij niet gebruiken"),
    ("svg-with-script", "foto.png", "image/png", samples.svg_with_script, "Dit bestand kunnen wij niet gebruiken"),
    ("pdf-with-javascript", "brief.pdf", "application/pdf", samples.pdf_with_javascript_open_action, "scripts"),
    ("truncated-jpeg", "half.jpg", "image/jpeg", samples.truncated_jpeg, "Wij kunnen deze foto niet openen"),
    ("oversized", "groot.jpg", "image/jpeg", lambda: b"\xff\xd8\xff" + bytes(MB + 1), "groter dan 1 MB"),
]


@pytest.mark.parametrize("name,claimed_type,make,words", [case[1:] for case in HOSTILE],
                         ids=[case[0] for case in HOSTILE])
def test_a_hostile_photo_is_a_400_with_a_clear_message_and_nothing_is_lost(cast, as_token, media, settings,
                                                                           name, claimed_type, make, words):
    settings.MIJNSCHADE_MAX_UPLOAD_BYTES = MB  # as the 20 MB of production, but quicker to send
    claim = draft_claim(applicant=cast.person, items=2)
    item = claim.damage_items.first()
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).post(
        photos_url(claim, item), {"photos": [SimpleUploadedFile(name, make(), content_type=claimed_type)]},
        format="multipart")
    assert response.status_code == 400
    message = response.json()["errors"]["photos.0"][0]
    assert name in message and words in message
    assert snapshot(claim) == before
    assert files_under(media) == []


def test_more_than_five_photos_on_an_item_is_a_400(cast, as_token, media):
    claim = draft_claim(applicant=cast.person)
    item = claim.damage_items.first()
    for _ in range(4):
        store_upload(claim=claim, file=jpeg(), kind=DocumentKind.PHOTO, actor=cast.resident, damage_item=item)
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).post(photos_url(claim, item), {"photos": [jpeg(), jpeg()]},
                                                        format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == ["U kunt bij deze schade nog 1 foto toevoegen. U koos er 2."]
    assert snapshot(claim) == before


def test_no_photo_is_a_400_on_the_field(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    response = as_token(cast.resident, R.RESIDENT).post(photos_url(claim, claim.damage_items.first()), {},
                                                        format="multipart")
    assert response.status_code == 400 and response.json()["errors"]["photos"] == ["Kies een foto."]


# --- the expert during the inspection ---------------------------------------------------------------------------


def test_the_expert_adds_an_item_found_on_site(cast, as_token):
    claim = claim_in(cast, "inspection")
    response = as_token(cast.expert, R.EXPERT).post(items_url(claim), {
        "location": "Zolder", "kind": "crack", "description": "Scheur in de nok.", "expert_verdict": "yes",
        "repair_cost": "800.50", "expert_notes": "Vers"}, format="json")
    assert response.status_code == 201, response.json()
    item = DamageItem.objects.get(pk=response.json()["id"])
    assert item.added_by_expert and item.expert_verdict == "yes" and item.repair_cost == Decimal("800.50")
    assert response.json()["repair_cost"] == "800.50" and response.json()["awarded_amount"] is None


def test_the_expert_records_findings_and_keeps_what_was_not_sent(cast, as_token):
    claim = claim_in(cast, "inspection")
    item = claim.damage_items.first()
    client = as_token(cast.expert, R.EXPERT)
    response = client.patch(item_url(claim, item), {"expert_verdict": "no", "measurements": "1 mm"}, format="json")
    assert response.status_code == 200, response.json()
    response = client.patch(item_url(claim, item), {"repair_cost": "0"}, format="json")
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.expert_verdict, item.measurements, item.repair_cost, item.location) == (
        "no", "1 mm", Decimal("0.00"), "Woonkamer")
    assert item.description == "Scheur van 2 mm boven de deur"  # the resident's words are not the expert's


@pytest.mark.parametrize("body,field", [
    ({"repair_cost": "-5"}, "repair_cost"),
    ({"repair_cost": "12345678901.00"}, "repair_cost"),
    ({"expert_verdict": "misschien"}, "expert_verdict"),
    ({"location": ""}, "location"),
    ({"description": "Ander verhaal"}, "description"),  # the resident's description stays theirs
    ({"awarded_amount": "5"}, "awarded_amount"),
])
def test_bad_findings_are_a_400_on_the_field(cast, as_token, body, field):
    claim = claim_in(cast, "inspection")
    item = claim.damage_items.first()
    before = snapshot(claim)
    response = as_token(cast.expert, R.EXPERT).patch(item_url(claim, item), body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert snapshot(claim) == before


def test_after_the_report_the_expert_changes_nothing_409(cast, as_token):
    claim = claim_in(cast, "advice_draft")
    item = claim.damage_items.first()
    before = snapshot(claim)
    client = as_token(cast.expert, R.EXPERT)
    assert client.get(items_url(claim)).status_code == 200
    response = client.patch(item_url(claim, item), {"expert_verdict": "yes"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_now"
    assert client.post(items_url(claim), {"location": "Zolder", "kind": "crack", "description": "Nok"},
                       format="json").status_code == 409
    assert snapshot(claim) == before


def test_another_expert_sees_nothing_and_the_guide_may_not_record_findings(cast, as_token):
    from tests.factories import UserFactory

    claim = claim_in(cast, "inspection")
    item = claim.damage_items.first()
    before = snapshot(claim)
    stranger = as_token(UserFactory(role=R.EXPERT), R.EXPERT)
    assert stranger.patch(item_url(claim, item), {"expert_verdict": "yes"}, format="json").status_code == 404
    guide = as_token(cast.caseworker, R.CASEWORKER)
    assert guide.patch(item_url(claim, item), {"expert_verdict": "yes"}, format="json").status_code == 403
    assert guide.post(photos_url(claim, item), {"photos": [jpeg()]}, format="multipart").status_code == 403
    assert snapshot(claim) == before


def test_the_expert_adds_a_photo_and_a_pdf_is_refused(cast, as_token, media):
    claim = claim_in(cast, "inspection")
    item = claim.damage_items.first()
    client = as_token(cast.expert, R.EXPERT)
    response = client.post(photos_url(claim, item), {"photos": [jpeg()]}, format="multipart")
    assert response.status_code == 201, response.json()
    assert Document.objects.get(pk=response.json()["stored"][0]["id"]).uploaded_by == cast.expert
    before = snapshot(claim)
    files = len(files_under(media))
    pdf = SimpleUploadedFile("rapport.pdf", samples.pdf(), content_type="application/pdf")
    response = client.post(photos_url(claim, item), {"photos": [pdf]}, format="multipart")
    assert response.status_code == 400 and "JPG, PNG of HEIC" in response.json()["errors"]["photos.0"][0]
    assert snapshot(claim) == before and len(files_under(media)) == files


def test_the_expert_may_not_remove_an_item(cast, as_token):
    claim = claim_in(cast, "inspection")
    before = snapshot(claim)
    response = as_token(cast.expert, R.EXPERT).delete(item_url(claim, claim.damage_items.first()))
    assert response.status_code == 403
    assert snapshot(claim) == before


def test_the_session_works_as_well_as_a_token(cast, as_session):
    claim = at_damage_step(draft_claim(applicant=cast.person))
    response = as_session(cast.resident).post(items_url(claim), {
        "location": "Schuur", "kind": "tilt", "description": "De schuur helt over."}, format="json")
    assert response.status_code == 201
    assert claim.damage_items.count() == 2
