"""The right of access (AVG art. 15; issue 7, item 3): /mijn/gegevens/ gives the resident one ZIP with everything the
institute holds about them: a PDF to read, the data as JSON, a README, and the documents they may download in the
portal. Nothing of another resident, no internal note, no document the portal would not give them."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from casework.models import Note
from claims import letters
from claims.models import AccessLog, Document, Letter, LetterKind, Mandate, Message, OutgoingEmail, Payment
from claims.personal_data_export import JSON_NAME, PDF_NAME, README_NAME, summary_html
from claims.services.personal_data import personal_data_for, personal_data_on_request
from claims.timeutil import today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import Cast, PersonFactory, UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

URL = "/mijn/gegevens/"
IBAN = "NL91ABNA0417164300"
NOTE = "Interne notitie: bewoner was onvriendelijk aan de telefoon."
OTHER_NAME = "Piet Ramakers"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def upload(claim, actor, *, kind="photo", name="scheur.png", data=None, content_type="image/png"):
    file = SimpleUploadedFile(name, data if data is not None else samples.png(), content_type=content_type)
    return store_upload(claim=claim, file=file, kind=kind, actor=actor)


def download(client) -> tuple:
    response = client.post(URL)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(raw))
    assert archive.testzip() is None
    return response, archive


@pytest.fixture
def world(media):
    """Maria Janssen with two claims (decided, with a payment; waiting for her information), documents she may
    and may not see, a message, an internal note, a staff opening; and Piet Ramakers with a claim of his own."""
    cast = Cast()
    cast.person.name = "Maria Janssen"
    cast.person.phone = "045 571 23 86"
    cast.person.postal_address = "Postbus 12\n6400 AA Heerlen"
    cast.person.save()
    cast.caseworker.first_name, cast.caseworker.last_name = "Anouk", "Wetzels"
    cast.caseworker.save()
    decided = claim_in(cast, "decided")
    waiting = claim_in(cast, "info_requested")

    visible = {
        "photo": upload(decided, cast.resident),
        "scan": upload(waiting, cast.caseworker, kind="scan", name="formulier.png", data=samples.png(size=(53, 33))),
        "letter": letters.render(Letter.objects.get(claim=decided, kind=LetterKind.RECEIPT).pk).document,
    }
    hidden = {
        "expert_photo": upload(decided, cast.expert, name="opname.png", data=samples.png(size=(51, 31))),
        "early_report": upload(waiting, cast.caseworker, kind="advice_report", name="rapport.pdf", data=samples.pdf(),
                               content_type="application/pdf"),
    }
    Message.objects.create(claim=decided, direction="out", author=cast.caseworker, body="Het besluit is verstuurd.")
    Note.objects.create(claim=decided, author=cast.caseworker, body=NOTE)
    Payment.objects.create(claim=decided, iban=IBAN, account_holder="M. Janssen", amount=Decimal("4250.00"),
                           recorded_by=cast.finance)

    other = Cast()
    other.person.name = OTHER_NAME
    other.person.save()
    theirs = claim_in(other, "intake")
    other_doc = upload(theirs, other.resident, name="piet.png", data=samples.png(size=(52, 32)))
    return cast, {"decided": decided, "waiting": waiting}, visible, hidden, other, theirs, other_doc


def test_the_zip_holds_the_residents_data_and_only_what_the_portal_shows(client, world):
    cast, claims, visible, hidden, other, theirs, other_doc = world
    guide = cast.caseworker
    client.force_login(guide)
    client.get(reverse("casework:dossier", kwargs={"reference": claims["waiting"].reference}))  # recorded

    client.force_login(cast.resident)
    response, archive = download(client)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="mijnschade-gegevens-{today().isoformat()}.zip"'
    names = set(archive.namelist())
    assert {JSON_NAME, PDF_NAME, README_NAME} <= names
    data = json.loads(archive.read(JSON_NAME).decode("utf-8"))

    assert data["format"] == "mijnschade-personal-data" and data["format_version"] == 1
    person = data["person"]
    assert (person["name"], person["email"], person["phone"], person["postal_address"]) == (
        "Maria Janssen", cast.person.email, "045 571 23 86", "Postbus 12\n6400 AA Heerlen")
    assert person["preferred_channel"] == "paper" and person["language"] == "nl"
    assert person["created_at"].startswith(cast.person.created_at.date().isoformat()[:4])
    assert data["account"]["username"] == cast.resident.username

    by_ref = {c["reference"]: c for c in data["claims"]}
    assert set(by_ref) == {claims["decided"].reference, claims["waiting"].reference}
    decided, waiting = by_ref[claims["decided"].reference], by_ref[claims["waiting"].reference]
    assert (decided["status"], waiting["status"]) == ("decided", "info_requested")
    assert decided["your_role"] == waiting["your_role"] == "applicant"
    assert [s["step"] for s in decided["status_history"]] == [
        "submit", "start_intake", "plan_inspection", "record_advice", "send_advice", "forward_to_commission",
        "advise", "decide"]
    # Amounts are strings with two decimals, dates ISO.
    assert decided["awarded_amount"] == "4250.00"
    assert decided["decisions"][0]["awarded_amount"] == "4250.00"
    assert decided["deadlines"]["objection_due"] == claims["decided"].objection_due.isoformat()
    # The question asked was written for the resident: it is there; the case guide is named as in the portal.
    assert waiting["status_history"][-1]["detail"] == "Stuur ons foto's van de scheur in de gevel."
    assert waiting["case_guide"] == "Anouk Wetzels"
    assert waiting["deadlines"]["reply_due"] == claims["waiting"].reply_due.isoformat()
    assert [m["body"] for m in decided["messages"]] == ["Het besluit is verstuurd."]
    assert decided["messages"][0]["by"] == "institute" and decided["messages"][0]["author_name"] == "Anouk Wetzels"
    assert decided["damage_items"][0]["description"] == "Scheur van 2 mm boven de deur"
    # Her own IBAN, in full.
    assert decided["payments"] == [{
        "amount": "4250.00", "status": "recorded", "status_label": "Vastgelegd", "iban": IBAN, "iban_masked": False,
        "account_holder": "M. Janssen", "recorded_at": decided["payments"][0]["recorded_at"], "paid_at": None}]

    # Documents: exactly those the portal lets her download, each with its file, byte for byte.
    listed = {d["id"]: d for c in data["claims"] for d in c["documents"]}
    assert set(listed) == {d.pk for d in visible.values()}
    for document in visible.values():
        entry = listed[document.pk]
        assert entry["sha256"] == document.sha256 and entry["size"] == document.size
        with document.file.open("rb") as stored:
            assert archive.read(entry["file"]) == stored.read()
    files = {n for n in names if n.startswith("documenten/")}
    assert files == {d["file"] for d in listed.values()}
    assert listed[visible["photo"].pk]["added_by"] == "you"

    # Who of the staff opened her claim: the case guide by name and role, no IP address.
    log = waiting["access_log"]
    assert [(r["staff_name"], r["staff_roles"], r["action"]) for r in log] == [
        ("Anouk Wetzels", ["Zaakbegeleider"], "dossier_opened")]
    assert "ip" not in json.dumps(log)

    # Nothing hidden and nothing of Piet: not in the JSON, not in a file name.
    text = archive.read(JSON_NAME).decode("utf-8")
    for secret in (NOTE, OTHER_NAME, theirs.reference, other.person.email, hidden["expert_photo"].sha256,
                   hidden["early_report"].sha256, other_doc.sha256):
        assert secret not in text
    assert not [n for n in names if theirs.reference in n or "piet" in n or "opname" in n or "rapport" in n]


def test_the_pdf_names_the_resident_and_each_claim_and_the_readme_explains_the_fields(client, world):
    cast, claims, *_rest = world
    client.force_login(cast.resident)
    _response, archive = download(client)

    reader = PdfReader(io.BytesIO(archive.read(PDF_NAME)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Maria Janssen" in text
    for claim in claims.values():
        assert claim.reference in text
    assert IBAN in text
    assert "Pagina 1 van" in text  # page numbers
    assert "Piet" not in text and NOTE not in text
    assert reader.metadata.title == "Uw gegevens bij I3ML: Maria Janssen"

    readme = archive.read(README_NAME).decode("utf-8")
    assert "NEDERLANDS" in readme and "ENGLISH" in readme
    for field in ("your_role", "status_history", "access_log", "iban_masked", "documents[]"):
        assert field in readme


def test_the_summary_is_in_the_residents_language(world):
    cast, *_rest = world
    cast.person.language = "en"
    cast.person.save()
    assert '<html lang="en">' in summary_html(personal_data_for(user=cast.resident))


def test_a_representative_gets_the_claim_but_the_iban_masked(client, world):
    cast, claims, *_rest = world
    rep_user, rep = resident()
    Mandate.objects.create(principal=cast.person, representative=rep, scope="all", valid_from=today())
    client.force_login(rep_user)
    _response, archive = download(client)
    data = json.loads(archive.read(JSON_NAME))
    refs = {c["reference"]: c for c in data["claims"]}
    assert set(refs) == {c.reference for c in claims.values()}
    decided = refs[claims["decided"].reference]
    assert decided["your_role"] == "representative"
    assert decided["payments"][0]["iban"] == "NL91 **** **** 4300" and decided["payments"][0]["iban_masked"]
    assert decided["payments"][0]["account_holder"] == ""
    assert data["mandates"][0]["you_are"] == "representative"
    assert data["mandates"][0]["other_person"] == "Maria Janssen"


def test_internal_reasons_of_steps_stay_out(client, media):
    cast = Cast()
    claim = claim_in(cast, "on_hold")  # the hold's reason is an internal note of the case guide
    client.force_login(cast.resident)
    _response, archive = download(client)
    text = archive.read(JSON_NAME).decode("utf-8")
    assert claim.reference in text
    assert "ziekenhuis" not in text


def test_the_page_explains_and_lists_the_claims(client, world):
    cast, claims, *_rest = world
    client.force_login(cast.resident)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mijn gegevens downloaden" in body
    assert f'action="{URL}"' in body and 'method="post"' in body
    for claim in claims.values():
        assert claim.reference in body
    assert URL in client.get(reverse("claims:portal")).content.decode()  # linked from the portal home


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:login") + "?next=" + URL


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "desk", "finance"])
def test_staff_cannot_download_a_residents_data_here(client, world, role):
    staff = UserFactory(role=role)
    client.force_login(staff)
    for method in (client.get, client.post):
        response = method(URL)
        assert response.status_code == 403
        assert "Maria Janssen" not in response.content.decode()


def _claims_with_things(cast, count: int) -> None:
    for _ in range(count):
        claim = claim_in(cast, "info_requested")
        upload(claim, cast.resident)
        Message.objects.create(claim=claim, direction="out", author=cast.caseworker, body="Wij wachten op uw foto.")


@pytest.mark.parametrize("count", [1, 3])
def test_the_number_of_queries_does_not_grow_with_claims_or_documents(client, media, count):
    cast = Cast()
    _claims_with_things(cast, count)
    client.force_login(cast.caseworker)
    for claim in cast.person.claims.all():
        client.get(reverse("casework:dossier", kwargs={"reference": claim.reference}))
    user = type(cast.resident).objects.get(pk=cast.resident.pk)  # no roles cached yet, as in a request
    with CaptureQueriesContext(connection) as queries:
        export = personal_data_for(user=user)
    assert len(export.data["claims"]) == count
    assert len(export.files) == count
    assert len(queries) == 17, "\n".join(q["sql"] for q in queries.captured_queries)


def test_a_missing_file_is_listed_but_does_not_break_the_download(client, world):
    cast, _claims, visible, *_rest = world
    visible["photo"].file.storage.delete(visible["photo"].file.name)
    client.force_login(cast.resident)
    _response, archive = download(client)
    data = json.loads(archive.read(JSON_NAME))
    entry = next(d for c in data["claims"] for d in c["documents"] if d["id"] == visible["photo"].pk)
    assert entry["file"] is None
    assert Document.objects.filter(pk=visible["photo"].pk).exists()


def test_only_mail_about_no_claim_or_the_residents_own_claims_is_listed(client, world):
    """A resident who also works here gets staff mail about other residents' claims: that stays out."""
    cast, claims, _visible, _hidden, _other, theirs, _doc = world
    own = claims["decided"]
    queue = [("Uw e-mailadres bevestigen", None), (f"Nieuwe brief bij {own.reference}", own),
             (f"Terugbelverzoek bij zaak {theirs.reference}", theirs)]
    for subject, claim in queue:
        OutgoingEmail.objects.create(to=cast.person.email.upper(), subject=subject, body="Code 123456", claim=claim,
                                     purpose="test")
    client.force_login(cast.resident)
    _response, archive = download(client)
    data = json.loads(archive.read(JSON_NAME))
    assert [(m["subject"], m["claim_reference"]) for m in data["emails"]] == [
        ("Uw e-mailadres bevestigen", None), (f"Nieuwe brief bij {own.reference}", own.reference)]
    assert "123456" not in archive.read(JSON_NAME).decode()  # a mail's text may hold a code that still works


def test_a_large_download_goes_to_disk_not_memory(world, monkeypatch):
    from claims import personal_data_export

    cast, *_rest = world
    monkeypatch.setattr(personal_data_export, "SPOOL_MAX_BYTES", 4096)
    out = personal_data_export.build_zip(personal_data_for(user=cast.resident))
    try:
        assert out._rolled  # past the limit the ZIP lives in a temporary file
        assert zipfile.ZipFile(out).testzip() is None
    finally:
        out.close()


# --- on request, at the desk or by letter: made by a coordinator, recorded in the access log -------------------

def _on_request(user, person):
    """Through the route and the whole middleware stack, from the coordinator's dossier button."""
    client = Client(REMOTE_ADDR="192.0.2.8")
    client.force_login(user)
    response = client.post(reverse("casework:person_personal_data", args=[person.pk]))
    if response.status_code == 403:
        raise PermissionDenied
    return response


def test_the_coordinators_dossier_offers_the_download_others_do_not_see_it(world):
    cast, claims, *_rest = world
    claim = next(iter(claims.values()))
    button = reverse("casework:person_personal_data", args=[claim.applicant_id])
    client = Client()
    client.force_login(cast.coordinator)
    assert button in client.get(reverse("casework:dossier", args=[claim.reference])).content.decode()
    guide = Client()
    guide.force_login(cast.caseworker)
    page = guide.get(reverse("casework:dossier", args=[claim.reference]))
    assert page.status_code in (200, 403) and button not in page.content.decode()


def test_a_coordinator_makes_the_download_for_a_resident_and_it_is_recorded(world):
    cast, claims, visible, *_rest = world
    response = _on_request(cast.coordinator, cast.person)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read(JSON_NAME))
    assert data["person"]["name"] == "Maria Janssen"
    assert {c["reference"] for c in data["claims"]} == {c.reference for c in claims.values()}
    assert {d["id"] for c in data["claims"] for d in c["documents"]} == {d.pk for d in visible.values()}
    rows = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted((r.user, r.claim_id, r.detail, r.ip_address) for r in rows) == sorted(
        (cast.coordinator, c.pk, "Inzageverzoek (AVG art. 15)", "192.0.2.8") for c in claims.values())


def test_a_resident_without_an_account_gets_the_download_too(media):
    cast = Cast()
    paper = PersonFactory(name="Jan Paper", email="")
    claim = draft_claim(applicant=paper, filed_by=cast.desk)
    claim = cast.fire(claim, "submit", actor=cast.desk)
    export = personal_data_on_request(person=paper, staff=cast.coordinator)
    assert export.data["account"] is None
    assert [c["reference"] for c in export.data["claims"]] == [claim.reference]
    assert export.data["claims"][0]["status_history"][0]["by"] == "institute"
    assert b"Jan Paper" in summary_pdf_text(export)


def summary_pdf_text(export) -> bytes:
    from claims.personal_data_export import summary_pdf

    reader = PdfReader(io.BytesIO(summary_pdf(export)))
    return "\n".join(page.extract_text() for page in reader.pages).encode()


@pytest.mark.parametrize("role", ["caseworker", "desk", "resident"])
def test_only_a_coordinator_makes_it_for_someone_else(world, role):
    cast, *_rest = world
    user = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        _on_request(user, cast.person)
    with pytest.raises(PermissionDenied):
        personal_data_on_request(person=cast.person, staff=user)
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_a_decision_carries_its_route_items_and_reasoning_from_the_letter(media):
    """A decision made by the decision service: the export tells it as the letter does (route, per item)."""
    from casework.services.decisions import decision_make
    from tests.casework.test_decisions import advise, rows

    cast = Cast()
    claim = claim_in(cast, "decision_pending", items=2)
    advise(claim, cast.commission, ("3000.00", "0.00"))
    decision_make(claim=claim, actor=cast.decision_maker, outcome="partly_granted",
                  items=rows(claim, ("yes", "3000.00"), ("no", "0.00")), reasoning="De tweede scheur is ouder.")
    data = personal_data_for(user=cast.resident).data
    [decision] = data["claims"][0]["decisions"]
    letter = Letter.objects.get(claim=claim, kind=LetterKind.DECISION)
    assert decision["step"] == "decide" and decision["outcome"] == "partly_granted"
    assert decision["awarded_amount"] == Decimal("3250.00")  # items, inspection allowance and interest
    assert decision["route"] == "money" and decision["reasoning"] == "De tweede scheur is ouder."
    assert decision["letter_document_id"] == letter.document_id  # None until the worker made the PDF
    assert [(i["position"], i["plausibility"], i["amount"]) for i in decision["items"]] == [
        (1, "yes", Decimal("3000.00")), (2, "no", Decimal("0.00"))]
    awarded = [item["awarded_amount"] for item in data["claims"][0]["damage_items"]]
    assert awarded == [Decimal("3000.00"), Decimal("0.00")]
