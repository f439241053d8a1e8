"""Uploads treated as hostile: decided by content, photos re-encoded, PDFs checked, and served safely.

Every upload (online report, desk, portal, expert) goes through `store_upload`; every download goes
through `document_response`. A refused upload raises `UploadRefused` and leaves nothing behind.
"""

import contextlib
import hashlib
import io
import logging
import math
import os
import re
import signal
import subprocess
import sys
import threading
import unicodedata
import warnings
from urllib.parse import quote

import pillow_heif
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

from . import pdf_inspect
from .models import Claim, DamageItem, Document, DocumentKind
from .selectors import claims_visible_to

logger = logging.getLogger(__name__)

# HEIC is what iPhones take; the opener lets Pillow read it (we only ever pass formats=[...] explicitly).
pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK_SIZE = 64 * 1024
MAX_PHOTO_SIDE = 4000  # px on the long side: plenty to see a crack, small enough for any browser
JPEG_QUALITY = 85

JPEG, PNG, HEIF, PDF = "image/jpeg", "image/png", "image/heif", "application/pdf"
STORED_EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
# HEVC brands only: a HEIF box with just mif1/avif is AVIF, which we do not decode.
HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}


class UploadRefused(Exception):  # noqa: N818 (the name the callers use)
    """This file is not stored. `.message` tells the person what to do instead; `.code` is for logs and tests."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _type_not_allowed() -> UploadRefused:
    return UploadRefused(
        _("Dit bestand kunnen wij niet gebruiken. Stuur een foto (JPG, PNG of HEIC) of een PDF."),
        code="type_not_allowed",
    )


def _image_unreadable() -> UploadRefused:
    return UploadRefused(
        _("Wij kunnen deze foto niet openen. Misschien is het bestand beschadigd of niet helemaal verstuurd. "
          "Stuur de foto opnieuw of kies een andere foto."),
        code="image_unreadable",
    )


def _too_many_pixels() -> UploadRefused:
    return UploadRefused(
        _("Deze afbeelding heeft te veel beeldpunten om te verwerken. Maak de afbeelding kleiner, "
          "of stuur een gewone foto van uw telefoon."),
        code="image_too_many_pixels",
    )


def _pdf_unreadable() -> UploadRefused:
    return UploadRefused(
        _("Wij kunnen deze PDF niet openen. Misschien is het bestand beschadigd. "
          "Maak de PDF opnieuw, of stuur een foto van het papier."),
        code="pdf_unreadable",
    )


def _pdf_active_content() -> UploadRefused:
    return UploadRefused(
        _("Deze PDF bevat onderdelen die wij voor uw veiligheid niet openen, zoals scripts of bijlagen. "
          "Open de PDF en kies ‘Afdrukken’ en dan ‘Opslaan als PDF’. Stuur ons die nieuwe PDF."),
        code="pdf_active_content",
    )


def max_upload_bytes() -> int:
    return getattr(settings, "MIJNSCHADE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def max_image_pixels() -> int:
    return getattr(settings, "MIJNSCHADE_MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS or 89_478_485)


# --- the service ------------------------------------------------------------------------------------


@transaction.atomic
def store_upload(*, claim: Claim, file, kind: str, actor, damage_item: DamageItem | None = None,
                 title: str = "") -> Document:
    """Check an uploaded file by its content, clean it, and add it to the claim's dossier.

    Raises UploadRefused (nothing stored) when the file is not a photo or PDF we can safely keep.
    """
    kind = DocumentKind(kind)  # a wrong kind is a programming error, not the resident's
    if damage_item is not None and damage_item.claim_id != claim.pk:
        raise ValueError("The damage item belongs to another claim")

    # The slow part first, before any query: no transaction is held open while a file is checked.
    try:
        data, content_type = clean_upload(read_limited(file))
    except UploadRefused as refused:
        logger.info("upload refused for claim %s: %s", claim.pk, refused.code)
        raise

    if actor is not None and not claims_visible_to(actor).filter(pk=claim.pk).exists():
        raise PermissionDenied  # callers check access first; this only stops a bug from writing elsewhere

    if not title:
        # Stored in the institute's language; the kind is shown translated where it matters.
        with translation.override(settings.LANGUAGE_CODE):
            title = str(kind.label)
    document = Document(
        claim=claim,
        kind=kind,
        title=title[:200],
        original_name=clean_display_name(getattr(file, "name", "") or ""),
        sha256=hashlib.sha256(data).hexdigest(),  # before file.save: upload_to names the file by it
        size=len(data),
        content_type=content_type,
        uploaded_by=actor,
        damage_item=damage_item,
    )
    document.file.save(document.sha256, ContentFile(data), save=False)
    try:
        document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)  # no file without its row
        raise
    return document


def read_limited(file) -> bytes:
    """All bytes of the file, counted as they arrive: what the browser said about the size is not trusted."""
    limit = max_upload_bytes()
    chunks = file.chunks(CHUNK_SIZE) if hasattr(file, "chunks") else iter(lambda: file.read(CHUNK_SIZE), b"")
    received = bytearray()
    for chunk in chunks:
        received += chunk
        if len(received) > limit:
            raise UploadRefused(
                _("Dit bestand is groter dan %(max)s MB. Stuur een kleiner bestand. "
                  "Maak de foto kleiner, of verdeel de PDF in delen.") % {"max": limit // (1024 * 1024)},
                code="too_large",
            )
    if not received:
        raise UploadRefused(_("Dit bestand is leeg. Kies het bestand opnieuw en stuur het nog een keer."),
                            code="empty")
    return bytes(received)


def clean_upload(data: bytes) -> tuple[bytes, str]:
    """The bytes to store and their content type, or UploadRefused. The type comes from the content alone."""
    kind = sniff(data)
    if kind in (JPEG, PNG, HEIF):
        return reencode_image(data, kind)
    if kind == PDF:
        check_pdf(data)
        return data, PDF  # kept byte for byte: it is the resident's evidence, and nothing in it runs
    raise _type_not_allowed()


def sniff(data: bytes) -> str | None:
    """The type by magic bytes; anything else (executables, SVG, HTML, zip, ...) is None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):  # at byte 0, so no browser can take it for HTML first
        return PDF
    if data[4:8] == b"ftyp":
        box_size = int.from_bytes(data[0:4], "big")
        brands = data[8:12] + data[16:min(box_size, 256)]
        if {brands[i:i + 4] for i in range(0, len(brands) - 3, 4)} & HEVC_BRANDS:
            return HEIF
    return None


# --- photos -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _strict_decoding():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, which would let a truncated
    upload through; while we decode an upload it is off again."""
    with _decoding_lock:
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


_decoding_lock = threading.Lock()


def reencode_image(data: bytes, kind: str) -> tuple[bytes, str]:
    """Decode fully and write a new file: no metadata (EXIF GPS included) and no hidden payload survive."""
    pillow_format = {JPEG: "JPEG", PNG: "PNG", HEIF: "HEIF"}[kind]
    with _strict_decoding(), warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=[pillow_format])
            width, height = probe.size
            if width * height > max_image_pixels():
                raise _too_many_pixels()
            probe.verify()  # structure and checksums; the image is unusable afterwards, so open again
            image = Image.open(io.BytesIO(data), formats=[pillow_format])
            scale = MAX_PHOTO_SIDE / max(width, height)
            if kind == JPEG and scale < 1:
                # Let the JPEG decoder work at 1/2, 1/4 or 1/8 size: a quarter of the memory and time or less.
                image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
            image.load()  # decodes every pixel: a truncated or corrupt image fails here
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.Resampling.LANCZOS)
            keep_png = kind == PNG
            image = _fresh_copy(image, for_png=keep_png)
        except UploadRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except Exception as error:  # a hostile file can make a decoder fail in any way
            logger.info("image refused: %r", error)
            raise _image_unreadable() from None

    out = io.BytesIO()
    if keep_png:
        image.save(out, format="PNG")
        return out.getvalue(), PNG
    image.save(out, format="JPEG", quality=JPEG_QUALITY)  # HEIC too: every browser shows JPEG
    return out.getvalue(), JPEG


def _fresh_copy(image: Image.Image, *, for_png: bool) -> Image.Image:
    """The pixels in a new image object: Pillow carries comments and colour profiles along in `.info`."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if for_png:
        wanted = ("RGBA" if has_alpha else "RGB") if image.mode not in ("L", "LA", "RGB", "RGBA") else image.mode
    else:
        wanted = image.mode if image.mode in ("L", "RGB") else "RGB"
    if image.mode != wanted:
        image = image.convert(wanted)
    clean = Image.new(wanted, image.size)
    clean.paste(image)
    return clean


# --- PDFs -------------------------------------------------------------------------------------------


def check_pdf(data: bytes) -> None:
    """Refuse PDFs we cannot parse, that are encrypted, or that carry scripts, launch actions or attachments."""
    verdict = inspect_pdf_isolated(data)
    if verdict is None:
        return
    logger.info("pdf refused: %s", verdict)
    if verdict == pdf_inspect.ACTIVE_CONTENT:
        raise _pdf_active_content()
    if verdict == pdf_inspect.ENCRYPTED:
        raise UploadRefused(
            _("Deze PDF is beveiligd. Sla de PDF op zonder wachtwoord of beveiliging en stuur hem opnieuw. "
              "Of open de PDF, kies ‘Afdrukken’ en dan ‘Opslaan als PDF’."),
            code="pdf_encrypted",
        )
    if verdict == TOO_COMPLEX:
        raise UploadRefused(
            _("Wij kunnen deze PDF niet controleren: hij is te groot of te ingewikkeld. Stuur alleen de pagina’s "
              "over de schade. Of open de PDF, kies ‘Afdrukken’ en dan ‘Opslaan als PDF’."),
            code="pdf_too_complex",
        )
    raise _pdf_unreadable()


TOO_COMPLEX = "pdf_too_complex"
_CHILD = "from claims.pdf_inspect import main; main()"


def inspect_pdf_isolated(data: bytes) -> str | None:
    """`pdf_inspect.inspect_pdf` in a child process with a time and memory limit.

    pypdf is pure Python: a crafted PDF can keep it busy for minutes or make it allocate gigabytes. In a
    child, a hard timeout and rlimits end that; the child gets no environment, so no secrets, either.
    """
    seconds = getattr(settings, "MIJNSCHADE_PDF_CHECK_SECONDS", 20)
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD], input=data, capture_output=True, timeout=seconds,
                              cwd=settings.BASE_DIR, env={}, check=False)
    except subprocess.TimeoutExpired:
        return TOO_COMPLEX
    verdict = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or verdict not in pdf_inspect.VERDICTS:
        logger.warning("pdf check failed (exit %s): %s", done.returncode, done.stderr[-500:])
        return TOO_COMPLEX if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL) else pdf_inspect.UNREADABLE
    return None if verdict == pdf_inspect.OK else verdict


# --- downloads --------------------------------------------------------------------------------------

INLINE_TYPES = frozenset({JPEG, PNG, PDF})
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()+-]")


def clean_display_name(name: str) -> str:
    """The uploader's file name, only for showing: no folders, no control or direction characters."""
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return "" if name in {".", ".."} else name[:255]


def download_name(document: Document) -> str:
    """The name a download gets: the uploader's name, with the extension of what we actually stored."""
    stem = os.path.splitext(clean_display_name(document.original_name))[0].strip()
    if not stem:
        stem = clean_display_name(document.title) or "document"
    return stem[:150] + STORED_EXTENSIONS.get(document.content_type, "")


def content_disposition(filename: str, *, as_attachment: bool) -> str:
    """An ASCII `filename` every client understands, plus the exact name as RFC 5987 `filename*`."""
    filename = clean_display_name(filename) or "document"
    stem, ext = os.path.splitext(filename)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"\s+", " ", _UNSAFE_ASCII.sub("_", ascii_stem)).strip(" ._") or "document"
    ascii_name = ascii_stem + _UNSAFE_ASCII.sub("_", ext.encode("ascii", "ignore").decode("ascii"))
    header = f'{"attachment" if as_attachment else "inline"}; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def document_response(document: Document, *, as_attachment: bool) -> FileResponse:
    """Stream a stored document with headers that stop the browser from running or guessing anything."""
    if not document.file:  # removed after the retention period (claims/services/retention.py): gone, not broken
        raise Http404
    content_type = document.content_type if document.content_type in INLINE_TYPES else "application/octet-stream"
    as_attachment = as_attachment or content_type not in INLINE_TYPES
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        # The row is there, its file is not (a restore without the files, a disk fault): the log says so, the
        # person gets "not found" instead of an error page.
        logger.error("Document %s: its file %s is missing from storage", document.pk, document.file.name)
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(download_name(document), as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
