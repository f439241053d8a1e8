"""Documents through the API: the list and the download follow the download page's rule exactly (nothing listed
that the download would refuse, nothing downloadable that is not listed), and the uploads the pages take: the
desk's scans and a resident's files for the step that is open now. Hostile files are refused with a message and
leave nothing behind."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import roles as R
from claims.models import ClaimTransition, Document, DocumentKind
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


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


def pdf(name="brief.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def list_url(claim) -> str:
    return f"/api/v1/claims/{claim.reference}/documents/"


def snapshot(claim) -> tuple:
    claim.refresh_from_db()
    return (claim.status, claim.updated_at, list(claim.damage_items.order_by("pk").values()),
            list(Document.objects.filter(claim=claim).values_list("pk", flat=True)),
            ClaimTransition.objects.filter(claim=claim).count())


@pytest.fixture
def dossier(cast, media):
    """A claim (filed at the desk) in inspection with one document of each sort a page treats differently."""
    claim = claim_in(cast, "inspection", filed_by=cast.desk)
    item = claim.damage_items.first()
    docs = {
        "resident_photo": store_upload(claim=claim, file=jpeg("mijn foto.jpg"), kind=DocumentKind.PHOTO,
                                       actor=cast.resident, damage_item=item),
        "expert_photo": store_upload(claim=claim, file=jpeg(), kind=DocumentKind.PHOTO, actor=cast.expert,
                                     damage_item=item),
        "scan": store_upload(claim=claim, file=pdf("papieren.pdf"), kind=DocumentKind.SCAN, actor=cast.desk),
        "guide_file": store_upload(claim=claim, file=pdf("notitie.pdf"), kind=DocumentKind.OTHER,
                                   actor=cast.caseworker),
    }
    return claim, docs


def listed(client, claim) -> set[int]:
    response = client.get(list_url(claim) + "?page_size=100")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


# --- reading ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role,expected", [
    (R.RESIDENT, {"resident_photo", "scan"}),
    (R.EXPERT, {"resident_photo", "expert_photo"}),
    (R.CASEWORKER, {"resident_photo", "expert_photo", "scan", "guide_file"}),
    (R.COORDINATOR, {"resident_photo", "expert_photo", "scan", "guide_file"}),
    (R.DESK, {"resident_photo", "expert_photo", "scan", "guide_file"}),
])
def test_each_role_lists_what_the_download_page_lets_it_download(cast, as_token, dossier, role, expected):
    claim, docs = dossier
    client = as_token(getattr(cast, role), role)
    assert listed(client, claim) == {docs[name].pk for name in expected}
    for name, document in docs.items():  # the download agrees, for every document of the claim
        response = client.get(f"{list_url(claim)}{document.pk}/file/")
        assert response.status_code == (200 if name in expected else 404), name
        assert client.get(f"{list_url(claim)}{document.pk}/").status_code == (200 if name in expected else 404)


def test_the_advice_report_reaches_the_resident_with_the_draft_advice(cast, as_token, media):
    claim = claim_in(cast, "advice_draft")
    report = store_upload(claim=claim, file=pdf("rapport.pdf"), kind=DocumentKind.ADVICE_REPORT, actor=cast.expert)
    client = as_token(cast.resident, R.RESIDENT)
    assert report.pk not in listed(client, claim)
    cast.fire(claim, "send_advice")
    assert report.pk in listed(client, claim)
    assert client.get(f"{list_url(claim)}{report.pk}/file/").status_code == 200


def test_the_metadata_and_who_added_it_only_where_the_dossier_shows_it(cast, as_token, dossier):
    claim, docs = dossier
    scan = docs["scan"]
    guide = as_token(cast.caseworker, R.CASEWORKER).get(f"{list_url(claim)}{scan.pk}/").json()
    assert guide["kind"] == "scan" and guide["kind_label"] == "Gescand document"
    assert guide["name"] == "papieren.pdf" and guide["content_type"] == "application/pdf"
    assert guide["size"] == scan.size and guide["sha256"] == scan.sha256
    assert guide["uploaded_by"] == {"id": cast.desk.pk, "name": cast.desk.username}
    assert guide["file"].endswith(f"/api/v1/claims/{claim.reference}/documents/{scan.pk}/file/")
    assert guide["damage_item"] is None
    by_resident = as_token(cast.resident, R.RESIDENT).get(f"{list_url(claim)}{scan.pk}/").json()
    assert by_resident["uploaded_by"] is None and by_resident["sha256"] == scan.sha256


def test_the_file_comes_with_its_type_and_name(cast, as_token, dossier):
    claim, docs = dossier
    client = as_token(cast.resident, R.RESIDENT)
    photo = docs["resident_photo"]
    response = client.get(f"{list_url(claim)}{photo.pk}/file/", HTTP_ACCEPT="image/jpeg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="mijn foto.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == photo.file.open("rb").read()
    inline = client.get(f"{list_url(claim)}{docs['scan'].pk}/file/?inline=true", HTTP_ACCEPT="application/pdf")
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline;")


def test_a_document_of_another_claim_is_a_404(cast, as_token, dossier):
    claim, docs = dossier
    own = draft_claim(applicant=cast.person)
    client = as_token(cast.resident, R.RESIDENT)
    photo = docs["resident_photo"]
    assert client.get(f"{list_url(own)}{photo.pk}/").status_code == 404
    response = client.get(f"{list_url(own)}{photo.pk}/file/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{list_url(claim)}99999999999999999999/file/").status_code == 404
    stranger, _person = resident()
    assert as_token(stranger, R.RESIDENT).get(list_url(claim)).status_code == 404


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_runs_the_same_queries_whatever_the_number_of_documents(cast, as_token, media, size):
    claim = claim_in(cast, "intake", filed_by=cast.desk)
    for _ in range(size):
        store_upload(claim=claim, file=jpeg(), kind=DocumentKind.SCAN, actor=cast.desk)
    for role, user in ((R.CASEWORKER, cast.caseworker), (R.RESIDENT, cast.resident)):
        client = as_token(user, role)
        client.get(list_url(claim))  # warm: the token's last use
        with CaptureQueriesContext(connection) as queries:
            response = client.get(list_url(claim))
        assert len(response.json()["results"]) == size
        # token, claim, count, page; for the guide the teams, read by each use of the visibility selector
        assert len(queries) == {R.CASEWORKER: 6, R.RESIDENT: 4}[role], [q["sql"] for q in queries]


# --- the desk's scans ------------------------------------------------------------------------------------------


@pytest.fixture
def desk_claim(cast):
    claim = draft_claim(applicant=cast.person, filed_by=cast.desk)
    return cast.fire(claim, "submit", actor=cast.desk)


def test_the_desk_adds_scans_to_a_claim_it_filed(cast, as_token, desk_claim):
    response = as_token(cast.desk, R.DESK).post(list_url(desk_claim), {"files": [pdf("formulier.pdf"), jpeg()]},
                                                format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [d["kind"] for d in body["stored"]] == ["scan", "scan"] and body["refused"] == []
    assert set(Document.objects.filter(claim=desk_claim).values_list("kind", "uploaded_by")) == {
        ("scan", cast.desk.pk)}
    assert Document.objects.filter(claim=desk_claim).count() == 2


def test_the_coordinator_may_scan_for_any_claim(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.coordinator, R.COORDINATOR).post(list_url(claim), {"files": [pdf()], "kind": "scan"},
                                                              format="multipart")
    assert response.status_code == 201
    assert Document.objects.get(claim=claim).kind == "scan"


@pytest.mark.parametrize("role", [R.CASEWORKER, R.EXPERT, R.DECISION_MAKER])
def test_staff_without_an_upload_page_get_403(cast, as_token, role, media):
    claim = claim_in(cast, "inspection" if role != R.DECISION_MAKER else "decision_pending")
    before = snapshot(claim)
    response = as_token(getattr(cast, role), role).post(list_url(claim), {"files": [pdf()]}, format="multipart")
    assert response.status_code == 403
    assert snapshot(claim) == before and files_under(media) == []


def test_another_desk_does_not_see_the_claim(cast, as_token, desk_claim, media):
    from tests.factories import UserFactory

    before = snapshot(desk_claim)
    response = as_token(UserFactory(role=R.DESK), R.DESK).post(list_url(desk_claim), {"files": [pdf()]},
                                                               format="multipart")
    assert response.status_code == 404
    assert snapshot(desk_claim) == before and files_under(media) == []


def test_a_resident_does_not_scan(cast, as_token, media):
    claim = claim_in(cast, "info_requested")
    before = snapshot(claim)
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"files": [pdf()], "kind": "scan"},
                                                        format="multipart")
    assert response.status_code == 403
    assert snapshot(claim) == before


# --- the resident's files for the step that is open -----------------------------------------------------------


def test_the_resident_sends_files_with_the_answer_to_an_info_request(cast, as_token, media):
    claim = claim_in(cast, "info_requested")
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"files": [jpeg(), pdf()]},
                                                        format="multipart")
    assert response.status_code == 201, response.json()
    stored = Document.objects.filter(claim=claim).order_by("pk")
    assert [(d.kind, d.title, d.uploaded_by_id) for d in stored] == [("other", "Aanvulling", cast.resident.pk)] * 2
    assert claim.status == "info_requested"  # the files come first; the answer is its own step


@pytest.mark.parametrize("state,kind", [("response_period", "response"), ("decided", "objection")])
def test_the_resident_sends_files_for_a_response_or_an_objection(cast, as_token, state, kind):
    claim = claim_in(cast, state)
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), {"files": [pdf()], "kind": kind},
                                                        format="multipart")
    assert response.status_code == 201, response.json()
    assert Document.objects.get(claim=claim).kind == kind


@pytest.mark.parametrize("state,kind", [("intake", None), ("info_requested", "objection"),
                                        ("decided", "response"), ("draft", None)])
def test_nothing_open_for_these_files_is_a_409(cast, as_token, media, state, kind):
    claim = claim_in(cast, state)
    before = snapshot(claim)
    body = {"files": [pdf()], **({"kind": kind} if kind else {})}
    response = as_token(cast.resident, R.RESIDENT).post(list_url(claim), body, format="multipart")
    assert response.status_code == 409, response.json()
    assert "bestanden" in response.json()["detail"]
    assert snapshot(claim) == before and files_under(media) == []


HOSTILE = [
    ("renamed-exe", "formulier.pdf", "application/pdf", samples.windows_exe, "Dit bestand kunnen wij niet gebruiken"),
    ("html", "brief.pdf", "application/pdf", samples.html_named_pdf, "Dit bestand kunnen wij niet gebruiken"),
    ("pdf-with-javascript", "brief.pdf", "application/pdf", samples.pdf_with_javascript_open_action, "scripts"),
    ("pdf-with-attachment", "brief.pdf", "application/pdf", samples.pdf_with_attachment, "bijlagen"),
    ("pdf-encrypted", "beveiligd.pdf", "application/pdf", samples.pdf_encrypted, "beveiligd"),
    ("oversized", "groot.pdf", "application/pdf", lambda: b"%PDF-1.4\n" + bytes(MB), "groter dan 1 MB"),
    ("empty", "leeg.pdf", "application/pdf", lambda: b"", "leeg"),
]


@pytest.mark.parametrize("name,claimed_type,make,words", [case[1:] for case in HOSTILE],
                         ids=[case[0] for case in HOSTILE])
@pytest.mark.parametrize("who", ["desk", "resident"])
def test_a_hostile_file_is_a_400_with_a_clear_message_and_nothing_is_lost(cast, as_token, media, settings, who,
                                                                          name, claimed_type, make, words):
    settings.MIJNSCHADE_MAX_UPLOAD_BYTES = MB
    claim = draft_claim(applicant=cast.person, filed_by=cast.desk)
    claim = cast.fire(claim, "submit", actor=cast.desk)
    if who == "resident":
        for step in ("start_intake", "request_info"):
            claim = cast.fire(claim, step)
    before = snapshot(claim)
    client = as_token(getattr(cast, who), who)
    response = client.post(list_url(claim), {"files": [SimpleUploadedFile(name, make(), content_type=claimed_type)]},
                           format="multipart")
    assert response.status_code == 400
    message = response.json()["errors"]["files.0"][0]
    assert name in message and words in message, message
    assert snapshot(claim) == before and files_under(media) == []


def test_one_bad_file_costs_nothing_else(cast, as_token, desk_claim, media):
    files = [pdf("goed.pdf"), SimpleUploadedFile("slecht.pdf", samples.pdf_with_launch_action(),
                                                 content_type="application/pdf")]
    response = as_token(cast.desk, R.DESK).post(list_url(desk_claim), {"files": files}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert [d["name"] for d in body["stored"]] == ["goed.pdf"]
    assert [r["name"] for r in body["refused"]] == ["slecht.pdf"]
    assert Document.objects.filter(claim=desk_claim).count() == 1 and len(files_under(media)) == 1


def test_no_files_or_too_many_is_a_400_on_the_field(cast, as_token, desk_claim):
    client = as_token(cast.desk, R.DESK)
    response = client.post(list_url(desk_claim), {}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"]["files"] == ["Kies ten minste één bestand."]
    response = client.post(list_url(desk_claim), {"files": [jpeg() for _ in range(11)]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["files"] == ["Kies ten hoogste 10 bestanden tegelijk."]
    response = client.post(list_url(desk_claim), {"files": [jpeg()], "kind": "letter"}, format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    assert not Document.objects.filter(claim=desk_claim).exists()
