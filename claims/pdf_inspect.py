"""Is this PDF safe to keep? Parses hostile input, so it runs in a child process (see uploads.check_pdf).

No Django here: the child imports only this module and pypdf. `inspect_pdf` answers with one verdict.
Scripts, launch actions and attachments are refused, not stripped: what we keep is exactly what was sent,
and a refusal is simple to prove. Two layers: a byte scan (also sees objects a parser never reaches, such
as orphans and old revisions) and a walk over every object pypdf can parse (also inside compressed object
streams, which the byte scan cannot read).
"""

import io
import re
import sys
from bisect import bisect_right

from pypdf import PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

OK = "ok"
ACTIVE_CONTENT = "pdf_active_content"
ENCRYPTED = "pdf_encrypted"
UNREADABLE = "pdf_unreadable"
VERDICTS = frozenset({OK, ACTIVE_CONTENT, ENCRYPTED, UNREADABLE})

CHILD_MEMORY_BYTES = 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 60  # a backstop; the parent's timeout is shorter

# Only object and xref streams are unpacked during the check (never page content or images); in real PDFs
# they are small (a 700-page report: a few hundred kB), so a zip bomb among them is refused early.
PDF_STREAM_LIMITS = {
    "zlib_maximum_output_length": 16 * 1024 * 1024,
    "lzw_maximum_output_length": 16 * 1024 * 1024,
    "run_length_maximum_output_length": 16 * 1024 * 1024,
    "brotli_maximum_output_length": 16 * 1024 * 1024,
}
OBJECT_STREAMS_BUDGET = 64 * 1024 * 1024

ACTIVE_NAMES = frozenset({
    "JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "AA", "XFA", "RichMedia",
    "RichMediaExecute", "GoToE", "ImportData", "SubmitForm",
})
# Long names cannot turn up by chance in compressed data, so the whole file is scanned for them ...
LONG_ACTIVE_NAMES = frozenset({"JavaScript", "EmbeddedFile", "EmbeddedFiles", "Launch", "RichMedia"})
# ... the short ones only outside stream data, where "/JS" or "/AA" would otherwise be noise in any big scan.
SHORT_ACTIVE_NAMES = ACTIVE_NAMES - LONG_ACTIVE_NAMES

_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]+)")
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r).*?endstream", re.DOTALL)
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# An OpenAction that only opens a page (as LibreOffice and Acrobat write it) is harmless; what it may point
# to is checked by name (/JavaScript, /Launch, ...) and, for references, by the walk.
_HARMLESS_OPEN_ACTION = re.compile(rb"\s*(?:\[|\d+\s+\d+\s+R|<<\s*/S\s*/GoTo\b|<<\s*/D\s*\[)")


def inspect_pdf(data: bytes) -> str:
    if not data.startswith(b"%PDF-"):
        return UNREADABLE
    if scan_pdf_bytes(data):
        return ACTIVE_CONTENT
    try:
        return _inspect_structure(data)
    except Exception:  # pypdf fails in many ways on hostile input; each means: not usable
        return UNREADABLE


def _inspect_structure(data: bytes) -> str:
    with apply_configuration(**PDF_STREAM_LIMITS):
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return ENCRYPTED
        _unpack_object_streams(reader)
        if len(reader.pages) < 1:
            return UNREADABLE
        for page in reader.pages:
            page.mediabox  # noqa: B018 (every page must resolve)
        return ACTIVE_CONTENT if active_objects(reader) else OK


def _unpack_object_streams(reader: PdfReader) -> None:
    """Decode the object streams within a budget: a 20 MB file must not unpack into gigabytes."""
    unpacked = 0
    for number in sorted({stream_number for stream_number, _index in reader.xref_objStm.values()}):
        unpacked += len(reader.get_object(number).get_data())  # pypdf keeps the result for the walk
        if unpacked > OBJECT_STREAMS_BUDGET:
            raise ValueError("object streams unpack to too much data")


def scan_pdf_bytes(data: bytes) -> set[str]:
    """Active-content names in the raw bytes, #-escapes decoded (/J#61vaScript is /JavaScript)."""
    stream_spans = [match.span() for match in _STREAM.finditer(data)]
    starts = [start for start, _end in stream_spans]
    found = set()
    for match in _NAME.finditer(data):
        name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode("latin-1")
        if name in LONG_ACTIVE_NAMES:
            found.add(name)
            continue
        if name not in SHORT_ACTIVE_NAMES and name != "OpenAction":
            continue
        index = bisect_right(starts, match.start()) - 1
        if index >= 0 and match.start() < stream_spans[index][1]:
            continue  # inside stream data
        if name != "OpenAction" or not _HARMLESS_OPEN_ACTION.match(data, match.end()):
            found.add(name)
    return found


def active_objects(reader: PdfReader) -> set[str]:
    """Active-content names in every object the parser knows, including those inside object streams."""
    found: set[str] = set()
    numbers = {(gen, num) for gen, table in reader.xref.items() for num in table}
    numbers |= {(0, num) for num in reader.xref_objStm}
    _walk(reader.trailer, found)
    for gen, num in sorted(numbers):
        _walk(reader.get_object(IndirectObject(num, gen, reader)), found)
    return found


def _walk(obj, found: set[str], depth: int = 0) -> None:
    # Indirect children are visited from the object table, so only direct ones are followed here.
    if depth > 64 or isinstance(obj, IndirectObject):
        return
    if isinstance(obj, NameObject):
        if obj[1:] in ACTIVE_NAMES:
            found.add(obj[1:])
    elif isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key[1:] in ACTIVE_NAMES:
                found.add(key[1:])
            if key == "/OpenAction" and not _harmless_open_action(value):
                found.add("OpenAction")
            _walk(value, found, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _walk(item, found, depth + 1)


def _harmless_open_action(value) -> bool:
    value = value.get_object()
    if isinstance(value, ArrayObject):
        return True  # an explicit destination: open at a page
    return isinstance(value, DictionaryObject) and value.get("/S") == "/GoTo"


def main() -> None:
    """The child: the PDF on stdin, the verdict on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
    sys.stdout.write(inspect_pdf(sys.stdin.buffer.read()))
