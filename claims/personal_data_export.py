"""The download of the right of access (AVG art. 15): one ZIP with a readable PDF summary, the data as JSON, a
README that explains the fields (Dutch and English), and the documents themselves.

The ZIP is written to a SpooledTemporaryFile: small downloads stay in memory, and one with many photos goes to
disk past SPOOL_MAX_BYTES, so memory does not grow with the resident's files. Each document is copied in
chunks straight from storage into the ZIP.

The PDF is made with WeasyPrint like the letters (claims/letters.py: local assets only, tagged PDF/UA). Unlike
a letter it is made in the request: the resident asked for it and waits for it, and it is never stored (a
copy of everything about a person is exactly what should not lie around on the server).
"""

import datetime as dt
import json
import shutil
import zipfile
from tempfile import SpooledTemporaryFile

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import letter_content, letters
from .services.personal_data import PersonalData

SPOOL_MAX_BYTES = 8 * 1024 * 1024
COPY_CHUNK = 1024 * 1024
JSON_NAME = "gegevens.json"
PDF_NAME = "overzicht.pdf"
README_NAME = "LEESMIJ-README.txt"
# Formats that are compressed already: storing them again with deflate costs time and saves nothing.
STORED_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})


def to_json(data: dict) -> bytes:
    """UTF-8, ISO 8601 dates and times, amounts as strings ("4250.00"), keys in a stable order."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def summary_html(export: PersonalData) -> str:
    data = export.data
    with translation.override(data["language"]), timezone.override(timezone.get_default_timezone()):
        return render_to_string("personal_data/summary.html", {
            **data,
            "organisation": letter_content.ORGANISATION,
            "visiting_address": letter_content.VISITING_ADDRESS,
            "phone": letter_content.general_phone(),
            "created_on": timezone.localtime(data["created_at"]).date(),
        })


def summary_pdf(export: PersonalData) -> bytes:
    return letters.render_pdf(summary_html(export))


def readme_text(export: PersonalData) -> str:
    return render_to_string("personal_data/README.txt", {
        "created_at": timezone.localtime(export.data["created_at"]),
        "json_name": JSON_NAME, "pdf_name": PDF_NAME, "format_version": export.data["format_version"],
        "phone": letter_content.general_phone(),
    })


def _entry(name: str, *, compress: bool, when: dt.datetime) -> zipfile.ZipInfo:
    local = timezone.localtime(when)
    info = zipfile.ZipInfo(name, date_time=(max(local.year, 1980), local.month, local.day, local.hour,
                                             local.minute, local.second))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _add_file(archive: zipfile.ZipFile, document, path: str) -> bool:
    """Copies one stored document into the ZIP; False when its file is missing from storage."""
    try:
        source = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):  # ValueError: no file left (removed after retention)
        return False
    info = _entry(path, compress=document.content_type not in STORED_TYPES, when=document.created_at)
    with source, archive.open(info, "w", force_zip64=document.size > 2**31) as target:
        shutil.copyfileobj(source, target, COPY_CHUNK)
    return True


def build_zip(export: PersonalData) -> SpooledTemporaryFile:
    """The whole download, rewound and ready to stream. The caller closes it (FileResponse does)."""
    out = SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 (handed to the response, which closes it)
    now = export.data["created_at"]
    try:
        with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
            missing = {item.path for item in export.files if not _add_file(archive, item.document, item.path)}
            for claim in export.data["claims"]:
                for document in claim["documents"]:
                    if document["file"] in missing:
                        document["file"] = None  # listed, but the file could not be read: say so, don't fail
            archive.writestr(_entry(JSON_NAME, compress=True, when=now), to_json(export.data))
            archive.writestr(_entry(PDF_NAME, compress=False, when=now), summary_pdf(export))
            archive.writestr(_entry(README_NAME, compress=True, when=now), readme_text(export).encode("utf-8"))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
