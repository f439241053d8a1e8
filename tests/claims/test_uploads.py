"""`store_upload`: hostile files are refused and leave nothing behind; good photos and PDFs are stored clean."""

import hashlib
import io
import time
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from claims import uploads
from claims.models import ClaimTransition, DamageItem, Document, DocumentKind
from claims.pdf_inspect import active_objects, inspect_pdf, scan_pdf_bytes
from claims.uploads import UploadRefused, clean_display_name, store_upload
from tests.claims.files import samples
from tests.factories import Cast, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

LIMIT = 20 * 1024 * 1024


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


class Owner:
    """Just the resident: enough for most tests, and much cheaper than a whole Cast."""

    def __init__(self) -> None:
        self.resident, self.person = resident()


@pytest.fixture
def cast():
    return Owner()


@pytest.fixture
def claim(cast):
    return draft_claim(applicant=cast.person, items=2)


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def snapshot(claim) -> tuple:
    claim.refresh_from_db()
    items = list(claim.damage_items.order_by("pk").values())
    return (claim.status, claim.updated_at, claim.caseworker_id, items,
            ClaimTransition.objects.filter(claim=claim).count())


# --- hostile files: each refused with its code, nothing left behind --------------------------------

HOSTILE = [
    # id, file name, the type the browser claims, bytes, expected code
    ("renamed-exe", "foto.jpg", "image/jpeg", samples.windows_exe, "type_not_allowed"),
    ("elf", "scheur.png", "image/png", samples.elf, "type_not_allowed"),
    ("svg-named-png", "photo.png", "image/png", samples.svg_with_script, "type_not_allowed"),
    ("svg-named-jpg", "schade.jpg", "image/jpeg", samples.svg_with_script, "type_not_allowed"),
    ("html-named-pdf", "factuur.pdf", "application/pdf", samples.html_named_pdf, "type_not_allowed"),
    ("zip-named-jpg", "fotos.jpg", "image/jpeg", samples.zip_file, "type_not_allowed"),
    ("oversized", "groot.jpg", "image/jpeg", lambda: b"\xff\xd8\xff" + bytes(LIMIT - 2), "too_large"),
    ("truncated-jpeg", "half.jpg", "image/jpeg", samples.truncated_jpeg, "image_unreadable"),
    ("zero-bytes", "leeg.jpg", "image/jpeg", lambda: b"", "empty"),
    ("png-bomb", "bom.png", "image/png", samples.png_bomb, "image_too_many_pixels"),
    ("pdf-javascript-openaction", "brief.pdf", "application/pdf", samples.pdf_with_javascript_open_action,
     "pdf_active_content"),
    ("pdf-javascript-in-object-stream", "brief.pdf", "application/pdf",
     samples.pdf_with_javascript_in_object_stream, "pdf_active_content"),
    ("pdf-orphan-escaped-javascript", "brief.pdf", "application/pdf", samples.pdf_with_hidden_orphan_javascript,
     "pdf_active_content"),
    ("pdf-launch", "brief.pdf", "application/pdf", samples.pdf_with_launch_action, "pdf_active_content"),
    ("pdf-embedded-file", "brief.pdf", "application/pdf", samples.pdf_with_attachment, "pdf_active_content"),
    ("pdf-openaction-uri", "brief.pdf", "application/pdf", samples.pdf_open_action_uri, "pdf_active_content"),
    ("pdf-zip-bomb-object-stream", "brief.pdf", "application/pdf", samples.pdf_object_stream_bomb, "pdf_unreadable"),
    ("pdf-encrypted", "beveiligd.pdf", "application/pdf", samples.pdf_encrypted, "pdf_encrypted"),
    ("pdf-broken", "kapot.pdf", "application/pdf", samples.pdf_broken, "pdf_unreadable"),
]


@pytest.mark.parametrize("name,claimed_type,make,code", [case[1:] for case in HOSTILE],
                         ids=[case[0] for case in HOSTILE])
def test_hostile_upload_is_refused_and_leaves_nothing(name, claimed_type, make, code, claim, cast, media):
    before = snapshot(claim)
    item = claim.damage_items.first()

    with pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=upload(name, make(), claimed_type), kind=DocumentKind.PHOTO,
                     actor=cast.resident, damage_item=item)

    assert refused.value.code == code
    assert isinstance(refused.value.message, str) and len(refused.value.message) > 20
    assert not Document.objects.exists()
    assert files_under(media) == []
    assert snapshot(claim) == before


def test_messages_are_dutch_and_say_what_to_do(claim, cast, media):
    with translation.override("nl"), pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=upload("foto.jpg", samples.windows_exe()), kind="photo", actor=cast.resident)
    assert refused.value.message == (
        "Dit bestand kunnen wij niet gebruiken. Stuur een foto (JPG, PNG of HEIC) of een PDF."
    )
    with translation.override("nl"), pytest.raises(UploadRefused) as too_big:
        store_upload(claim=claim, file=upload("groot.pdf", b"%PDF-" + bytes(LIMIT)), kind="scan",
                     actor=cast.resident)
    assert "groter dan 20 MB" in too_big.value.message


def test_callers_show_the_message_on_the_field(claim, cast, media):
    class PhotoForm(forms.Form):
        photo = forms.FileField()

    form = PhotoForm(data={}, files={"photo": upload("foto.jpg", samples.elf())})
    assert form.is_valid()
    shown = None
    try:
        store_upload(claim=claim, file=form.cleaned_data["photo"], kind="photo", actor=cast.resident)
    except UploadRefused as e:
        form.add_error("photo", e.message)
        shown = e.message
    assert form.errors["photo"] == [shown]
    assert "Stuur een foto" in shown


class EndlessUpload:
    """A client that says its file is 10 bytes and then keeps sending: we must stop, not fill the disk."""

    name = "oneindig.jpg"
    size = 10

    def __init__(self) -> None:
        self.chunks_sent = 0

    def chunks(self, chunk_size=None):
        while True:
            self.chunks_sent += 1
            yield b"\xff\xd8\xff" + bytes(1024 * 1024 - 3)


def test_size_is_counted_on_the_bytes_read_and_reading_stops_past_the_limit(claim, cast, media):
    endless = EndlessUpload()
    with pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=endless, kind="photo", actor=cast.resident)
    assert refused.value.code == "too_large"
    assert endless.chunks_sent == 21  # 20 MB is the limit; the 21st megabyte crosses it
    assert files_under(media) == []


def test_a_claimed_size_that_lies_does_not_matter(claim, cast, media):
    liar = upload("foto.jpg", samples.jpeg(), "image/jpeg")
    liar.size = 10**12
    document = store_upload(claim=claim, file=liar, kind="photo", actor=cast.resident)
    assert document.size == document.file.size < 10_000


def test_the_limit_is_a_setting(claim, cast, media, settings):
    data = samples.pdf()
    settings.MIJNSCHADE_MAX_UPLOAD_BYTES = len(data)
    assert store_upload(claim=claim, file=upload("a.pdf", data), kind="scan", actor=cast.resident).size == len(data)
    settings.MIJNSCHADE_MAX_UPLOAD_BYTES = len(data) - 1
    with pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=upload("b.pdf", data), kind="scan", actor=cast.resident)
    assert refused.value.code == "too_large"
    assert Document.objects.count() == 1


def test_too_many_pixels_is_a_setting_too(claim, cast, media, settings):
    settings.MIJNSCHADE_MAX_IMAGE_PIXELS = 50 * 30 - 1
    with pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=upload("p.png", samples.png((50, 30))), kind="photo", actor=cast.resident)
    assert refused.value.code == "image_too_many_pixels"
    assert files_under(media) == []


# --- the PDF checks, layer by layer ---------------------------------------------------------------


def test_the_byte_scan_finds_javascript_the_parser_never_reaches():
    # An orphan object with #-escaped names: no xref entry points at it, so only the byte scan can see it.
    data = samples.pdf_with_hidden_orphan_javascript()
    assert scan_pdf_bytes(data) == {"JavaScript", "JS"}
    assert active_objects(PdfReader(io.BytesIO(data))) == set()


def test_the_parser_finds_javascript_the_byte_scan_cannot_see():
    # Compressed inside an object stream: the raw bytes show nothing, the parsed objects do.
    data = samples.pdf_with_javascript_in_object_stream()
    assert scan_pdf_bytes(data) == set()
    assert active_objects(PdfReader(io.BytesIO(data))) == {"JavaScript", "JS", "OpenAction"}
    assert inspect_pdf(data) == "pdf_active_content"


def test_short_names_inside_stream_data_are_not_mistaken_for_actions():
    # Compressed image data contains any byte sequence, "/JS" and "/AA" included: that is no script.
    noise = b"\x00\x13/JS\x00/AA <\x97/XFA]\x01/OpenAction(" * 50
    data = samples.build_pdf([*samples.page_objects(), b"<< /Length %d >>\nstream\n" % len(noise) + noise
                              + b"\nendstream"])
    assert scan_pdf_bytes(data) == set()
    assert inspect_pdf(data) == "ok"


def test_a_pdf_that_keeps_the_parser_busy_is_stopped(claim, cast, media, settings):
    # pypdf is pure Python: a megabyte of dense arrays takes it many seconds. The child is stopped in time.
    settings.MIJNSCHADE_PDF_CHECK_SECONDS = 1
    dense = b"[" + b"1 " * 60000 + b"]"
    data = samples.build_pdf([*samples.page_objects(), *[dense] * 12])
    started = time.monotonic()
    with pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=upload("zwaar.pdf", data), kind="scan", actor=cast.resident)
    assert refused.value.code == "pdf_too_complex"
    assert time.monotonic() - started < 4
    assert not Document.objects.exists() and files_under(media) == []


def test_the_checking_process_gets_no_secrets(monkeypatch):
    # The child sees hostile bytes, so it gets no environment (no DATABASE_URL, no SECRET_KEY).
    monkeypatch.setenv("MIJNSCHADE_TEST_SECRET", "s3cret")
    monkeypatch.setattr(uploads, "_CHILD", "import os, sys; sys.stdout.write('ok' if not os.environ.get("
                                           "'MIJNSCHADE_TEST_SECRET') and not os.environ.get('DATABASE_URL') "
                                           "else 'pdf_active_content')")
    assert uploads.inspect_pdf_isolated(samples.pdf()) is None


def test_a_crashing_check_means_unreadable(monkeypatch):
    monkeypatch.setattr(uploads, "_CHILD", "import os; os._exit(3)")
    assert uploads.inspect_pdf_isolated(samples.pdf()) == "pdf_unreadable"


def test_an_open_action_that_only_opens_the_first_page_is_accepted(claim, cast, media):
    data = samples.pdf_open_at_first_page()
    document = store_upload(claim=claim, file=upload("libreoffice.pdf", data), kind="scan", actor=cast.resident)
    assert document.content_type == "application/pdf"


# --- good files -----------------------------------------------------------------------------------


def stored_bytes(document: Document) -> bytes:
    with document.file.open("rb") as stored:
        return stored.read()


def test_jpeg_is_stored_without_location_and_upright(claim, cast, media):
    original = samples.jpeg_with_gps_and_orientation((60, 40))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(samples.GPS_IFD)  # the test photo has a position
    item = claim.damage_items.last()

    document = store_upload(claim=claim, file=upload("IMG_2041.jpg", original, "image/jpeg"),
                            kind=DocumentKind.PHOTO, actor=cast.resident, damage_item=item)

    data = stored_bytes(document)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(samples.GPS_IFD)
    assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    assert b"Akerstraat" not in data and b"Telefoonmerk" not in data
    assert image.size == (40, 60)  # EXIF said "turn 90°": the pixels are turned, the tag is gone
    # The green marker was top-left; after a quarter turn clockwise it is top-right.
    assert image.getpixel((35, 3))[1] > 150 and image.getpixel((3, 3))[1] < 150

    document.refresh_from_db()
    assert document.content_type == "image/jpeg"
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.file.name == f"claims/{claim.pk}/{document.sha256}"
    assert (media / document.file.name).read_bytes() == data
    assert document.original_name == "IMG_2041.jpg"
    assert document.title == "Foto"
    assert document.kind == "photo"
    assert document.uploaded_by == cast.resident
    assert document.damage_item == item


def test_png_stays_png_with_transparency_and_without_text_chunks(claim, cast, media):
    document = store_upload(claim=claim, file=upload("schets.png", samples.png((50, 30))), kind="photo",
                            actor=cast.resident, title="Schets van de scheur")
    image = Image.open(io.BytesIO(stored_bytes(document)))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (50, 30))
    assert "Comment" not in image.info
    assert document.content_type == "image/png"
    assert document.title == "Schets van de scheur"


@pytest.mark.skipif(not samples.can_encode_heic(), reason="this libheif build has no HEVC encoder to make a HEIC")
def test_heic_is_converted_to_jpeg(claim, cast, media):
    document = store_upload(claim=claim, file=upload("IMG_0001.HEIC", samples.heic((64, 48)), "image/heic"),
                            kind="photo", actor=cast.resident)
    image = Image.open(io.BytesIO(stored_bytes(document)))
    assert (image.format, image.size) == ("JPEG", (64, 48))
    assert document.content_type == "image/jpeg"
    assert document.original_name == "IMG_0001.HEIC"


def test_huge_photo_is_scaled_down(claim, cast, media):
    out = io.BytesIO()
    Image.new("RGB", (4800, 1200), (90, 90, 90)).save(out, format="JPEG")
    document = store_upload(claim=claim, file=upload("panorama.jpg", out.getvalue()), kind="photo",
                            actor=cast.resident)
    assert Image.open(io.BytesIO(stored_bytes(document))).size == (4000, 1000)


def test_polyglot_tail_is_dropped_by_reencoding(claim, cast, media):
    document = store_upload(claim=claim, file=upload("foto.jpg", samples.jpeg_html_polyglot()), kind="photo",
                            actor=cast.resident)
    assert b"<script" not in stored_bytes(document)


def test_pdf_is_kept_byte_for_byte(claim, cast, media):
    data = samples.pdf()
    document = store_upload(claim=claim, file=upload("offerte aannemer.pdf", data, "application/pdf"),
                            kind=DocumentKind.SCAN, actor=cast.resident)
    document.refresh_from_db()
    assert stored_bytes(document) == data
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.content_type == "application/pdf"
    assert document.title == "Gescand document"


def test_content_decides_the_type_not_the_name(claim, cast, media):
    document = store_upload(claim=claim, file=upload("brief.pdf", samples.png(), "application/pdf"), kind="photo",
                            actor=cast.resident)
    assert document.content_type == "image/png"


def test_staff_upload_to_a_claim_they_handle(media):
    staff = Cast()
    claim = claim_in(staff, "inspection")
    report = store_upload(claim=claim, file=upload("rapport.pdf", samples.pdf()), kind=DocumentKind.ADVICE_REPORT,
                          actor=staff.expert)
    photo = store_upload(claim=claim, file=upload("scheur.jpg", samples.jpeg()), kind=DocumentKind.PHOTO,
                         actor=staff.caseworker, damage_item=claim.damage_items.get())
    assert report.uploaded_by == staff.expert and report.title == "Adviesrapport"
    assert photo.uploaded_by == staff.caseworker
    assert set(claim.documents.all()) == {report, photo}


def test_the_same_file_twice_gives_two_documents_and_two_files(claim, cast, media):
    data = samples.pdf()
    first = store_upload(claim=claim, file=upload("a.pdf", data), kind="scan", actor=cast.resident)
    second = store_upload(claim=claim, file=upload("a.pdf", data), kind="scan", actor=cast.resident)
    assert first.sha256 == second.sha256
    assert first.file.name != second.file.name
    assert len(files_under(media)) == 2


@pytest.mark.parametrize("given,shown", [
    ("C:\\Users\\Jan\\Documents\\scheur.jpg", "scheur.jpg"),
    ("../../etc/passwd", "passwd"),
    ("foto\r\nSet-Cookie: x=1.jpg", "fotoSet-Cookie: x=1.jpg"),
    ("factuur\u202egpj.exe", "factuurgpj.exe"),  # a right-to-left override would show "exe.jpg"
    ("nul\x00byte.pdf", "nulbyte.pdf"),
    ("..", ""),
    ("é" * 300 + ".jpg", "é" * 255),
])
def test_original_name_is_display_only_and_cleaned(given, shown):
    assert clean_display_name(given) == shown


# --- what the service refuses from its callers ---------------------------------------------------


def test_a_damage_item_of_another_claim_is_a_programming_error(claim, cast, media):
    other = draft_claim(applicant=cast.person)
    with pytest.raises(ValueError):
        store_upload(claim=claim, file=upload("a.pdf", samples.pdf()), kind="scan", actor=cast.resident,
                     damage_item=DamageItem.objects.get(claim=other))
    assert not Document.objects.exists() and files_under(media) == []


def test_an_actor_who_cannot_see_the_claim_stores_nothing(claim, media):
    stranger, _person = resident()
    with pytest.raises(PermissionDenied):
        store_upload(claim=claim, file=upload("a.pdf", samples.pdf()), kind="scan", actor=stranger)
    assert not Document.objects.exists() and files_under(media) == []


def test_no_file_stays_behind_when_the_row_cannot_be_saved(claim, cast, media, monkeypatch):
    def fail(self, *args, **kwargs):
        raise IntegrityError("database said no")

    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(IntegrityError):
        store_upload(claim=claim, file=upload("a.pdf", samples.pdf()), kind="scan", actor=cast.resident)
    assert files_under(media) == []


def test_a_truncated_photo_is_refused_even_after_weasyprint_loosened_pillow(claim, cast, media):
    import weasyprint  # noqa: F401  (its import sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the process)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(UploadRefused) as refused:
        store_upload(claim=claim, file=upload("half.jpg", samples.truncated_jpeg()), kind="photo", actor=cast.resident)
    assert refused.value.code == "image_unreadable"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for WeasyPrint
