"""Downloading a document: who gets it (200), who gets nothing (404), and the headers that keep it inert."""

import hashlib
import re
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from claims import roles as R
from claims.models import Document, Team
from claims.uploads import content_disposition, store_upload
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def upload(claim, actor, name="scheur.png", data=None):
    file = SimpleUploadedFile(name, data if data is not None else samples.png(), content_type="image/png")
    return store_upload(claim=claim, file=file, kind="photo", actor=actor)


class World:
    """One claim in inspection (caseworker and expert assigned, filed at the desk), and people around it.

    The owner's document sits between two documents of another resident, so pk-1 and pk+1 are someone else's.
    """

    def __init__(self) -> None:
        cast = Cast()
        self.users = {
            "owner": cast.resident,
            "caseworker": cast.caseworker,
            "expert": cast.expert,
            "desk": cast.desk,
            "coordinator": cast.coordinator,
            "other_resident": resident()[0],
            "team_colleague": UserFactory(role=R.CASEWORKER),
            "other_caseworker": UserFactory(role=R.CASEWORKER),
            "other_expert": UserFactory(role=R.EXPERT),
            "other_desk": UserFactory(role=R.DESK),
        }
        Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(
            cast.caseworker, self.users["team_colleague"])
        Team.objects.create(name="Westelijke Mijnstreek", municipalities=["Sittard-Geleen"]).members.add(
            self.users["other_caseworker"])

        neighbour, neighbour_person = resident()
        neighbours_claim = draft_claim(applicant=neighbour_person, municipality="Sittard-Geleen")
        self.before = upload(neighbours_claim, neighbour, "buren-1.png")
        self.claim = claim_in(cast, "inspection", filed_by=cast.desk)
        self.document = upload(self.claim, cast.resident, "scheur keuken.png")
        self.after = upload(neighbours_claim, neighbour, "buren-2.png")
        assert (self.before.pk, self.after.pk) == (self.document.pk - 1, self.document.pk + 1)

        def add(kind, actor, name="stuk.png"):
            # PNG, not PDF: a PDF check starts a child process, and the kind is what matters here.
            return store_upload(claim=self.claim, file=SimpleUploadedFile(name, samples.png()), kind=kind,
                                actor=actor)

        self.documents = {
            "resident_photo": self.document,
            "desk_scan": add("scan", cast.desk),
            "letter": add("letter", None),  # the letter worker stores letters without a person
            "expert_photo": upload(self.claim, cast.expert, "werkfoto.png"),
            "advice_report": add("advice_report", cast.expert),
        }


@pytest.fixture
def world(media):
    return World()


def url(pk, **query):
    base = reverse("claims:document_download", kwargs={"pk": pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


ACCESS = [
    ("owner", 200),
    ("other_resident", 404),
    ("caseworker", 200),  # the claim's case guide
    ("team_colleague", 200),  # team claims, read-only
    ("other_caseworker", 404),  # another team, another municipality
    ("expert", 200),  # assigned to inspect
    ("other_expert", 404),
    ("desk", 200),  # filed it at the desk
    ("other_desk", 404),
    ("coordinator", 200),
]


@pytest.mark.parametrize("who,status", ACCESS)
def test_who_may_download(who, status, world, client):
    client.force_login(world.users[who])
    response = client.get(url(world.document.pk))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == world.document.file.open("rb").read()


# Residents get what residents sent in, desk scans and letters; never the expert's or staff's working files.
BY_KIND = [
    ("resident_photo", {"owner": 200, "caseworker": 200, "expert": 200, "other_resident": 404}),
    ("desk_scan", {"owner": 200, "desk": 200, "caseworker": 200, "other_desk": 404}),
    ("letter", {"owner": 200, "coordinator": 200, "other_resident": 404}),
    ("expert_photo", {"owner": 404, "caseworker": 200, "team_colleague": 200, "expert": 200, "other_expert": 404}),
    ("advice_report", {"owner": 404, "caseworker": 200, "expert": 200, "coordinator": 200}),
]


@pytest.mark.parametrize("kind,expected", BY_KIND, ids=[kind for kind, _expected in BY_KIND])
def test_what_each_may_download_by_kind(kind, expected, world, client):
    document = world.documents[kind]
    answers = {}
    for who in expected:
        client.force_login(world.users[who])
        answers[who] = client.get(url(document.pk)).status_code
    assert answers == expected


def test_anonymous_is_sent_to_login(world, client, settings):
    try:
        login = reverse("claims:login")
    except NoReverseMatch:  # the accounts area is built in parallel; until then a plain path will do
        settings.LOGIN_URL = login = "/inloggen/"
    response = client.get(url(world.document.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(login)
    assert "next=" in response["Location"]


def test_walking_the_ids_finds_nothing_of_others(world, client):
    client.force_login(world.users["owner"])
    missing = Document.objects.order_by("-pk").first().pk + 1000
    responses = {pk: client.get(url(pk)) for pk in (world.before.pk, world.after.pk, missing)}
    assert {pk: r.status_code for pk, r in responses.items()} == dict.fromkeys(responses, 404)
    # Someone else's document and no document at all look the same.
    assert responses[world.before.pk].content == responses[missing].content
    assert client.get(url(world.document.pk)).status_code == 200


def test_only_get_and_head(world, client):
    client.force_login(world.users["owner"])
    assert client.post(url(world.document.pk)).status_code == 405
    assert client.head(url(world.document.pk)).status_code == 200


def test_headers_keep_the_file_inert(world, client):
    client.force_login(world.users["owner"])
    response = client.get(url(world.document.pk))
    body = b"".join(response.streaming_content)

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="scheur keuken.png"'
    assert int(response["Content-Length"]) == len(body) == world.document.size
    assert hashlib.sha256(body).hexdigest() == world.document.sha256


def test_inline_on_request(world, client):
    client.force_login(world.users["owner"])
    response = client.get(url(world.document.pk, inline=1))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; ")
    assert "sandbox" in response["Content-Security-Policy"]


def test_pdf_inline(media, client):
    owner, person = resident()
    claim = draft_claim(applicant=person)
    document = store_upload(claim=claim, file=SimpleUploadedFile("brief.pdf", samples.pdf()), kind="scan",
                            actor=owner)
    client.force_login(owner)
    response = client.get(url(document.pk, inline=1))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="brief.pdf"'
    assert b"".join(response.streaming_content) == samples.pdf()


def test_a_file_missing_from_storage_is_not_found_and_logged(media, client, caplog):
    owner, person = resident()
    claim = draft_claim(applicant=person)
    document = store_upload(claim=claim, file=SimpleUploadedFile("brief.pdf", samples.pdf()), kind="scan",
                            actor=owner)
    document.file.storage.delete(document.file.name)  # e.g. a restore of the database without the files
    client.force_login(owner)
    with caplog.at_level("ERROR", logger="claims.uploads"):
        response = client.get(url(document.pk))
    assert response.status_code == 404
    assert f"Document {document.pk}: its file" in caplog.text
    claim.refresh_from_db()  # the claim and the document row are untouched
    assert claim.documents.filter(pk=document.pk).exists()


def test_download_name_follows_what_was_stored(media, client):
    # A JPEG that came in named .HEIC (or .html): the download is a .jpg, whatever the name said.
    owner, person = resident()
    claim = draft_claim(applicant=person)
    for name in ("IMG_0001.HEIC", "pagina.html"):
        document = store_upload(claim=claim, file=SimpleUploadedFile(name, samples.jpeg()), kind="photo",
                                actor=owner)
        client.force_login(owner)
        disposition = client.get(url(document.pk))["Content-Disposition"]
        assert disposition == f'attachment; filename="{name.rsplit(".", 1)[0]}.jpg"'


def make_document(claim, original_name: str) -> Document:
    """A document with a hostile name, straight into the table (as any future code path might)."""
    data = samples.pdf()
    document = Document(claim=claim, kind="scan", title="Brief", original_name=original_name,
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_type="application/pdf")
    document.file.save("x", ContentFile(data), save=False)
    document.save()
    return document


DISPOSITION = re.compile(r"""^attachment; filename="[A-Za-z0-9 ._()+-]+"(; filename\*=UTF-8''[A-Za-z0-9%._~-]+)?$""")


@pytest.mark.parametrize("hostile,expected", [
    ('brief"; filename="evil.html', 'brief"; filename="evil.pdf'),  # quotes stay text, inside filename*
    ("brief\r\nSet-Cookie: sessionid=evil\r\n.pdf", "briefSet-Cookie: sessionid=evil.pdf"),
    ("brief\nContent-Type: text/html\n\n<b>vet</b>", "b>.pdf"),  # "/" splits off folders, so "b>" is left
    ("..\\..\\windows\\brief.exe", "brief.pdf"),
    ("aanvraag \u202egpj.exe", "aanvraag gpj.pdf"),
    ("schade – ĳzeren balk ö.pdf", "schade – ĳzeren balk ö.pdf"),
    ("", "Brief.pdf"),
])
def test_filename_cannot_inject_headers(hostile, expected, media, client):
    owner, person = resident()
    document = make_document(draft_claim(applicant=person), hostile)
    client.force_login(owner)
    response = client.get(url(document.pk))

    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert DISPOSITION.match(header), header
    assert "evil" not in str(response.cookies)
    assert response["Content-Type"] == "application/pdf"
    assert saved_name(header) == expected


def saved_name(header: str) -> str:
    """The name a browser saves under: `filename*` (RFC 5987) when there is one, else `filename`."""
    extended = re.search(r"filename\*=([^;]+)", header)
    if extended:
        charset, _language, value = extended.group(1).split("'", 2)
        return unquote(value, encoding=charset, errors="strict")
    return re.search(r'filename="([^"]*)"', header).group(1)


def test_disposition_for_names_that_are_plain_ascii_has_no_extended_form():
    assert content_disposition("scheur.jpg", as_attachment=False) == 'inline; filename="scheur.jpg"'
    assert content_disposition("scheur ö.jpg", as_attachment=True) == (
        "attachment; filename=\"scheur o.jpg\"; filename*=UTF-8''scheur%20%C3%B6.jpg"
    )
