"""The English translation is complete, well-formed, compiled, and actually used by the pages.

Dutch is the source language (the msgids); locale/en/LC_MESSAGES/django.po holds the English. The .po is
parsed here with a small reader (polib is not a dependency) and compared with the compiled .mo, which is
committed so `make run` works without gettext. When a check fails, refresh the catalogue:

    DEBUG=1 .venv/bin/python manage.py makemessages -l en -e html,txt,py --no-obsolete \\
        --ignore=.venv --ignore=var --ignore=node_modules --ignore=bench --ignore=tests --ignore='*.egg-info'
    (translate the new entries, remove every "#, fuzzy")
    DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var
"""

import gettext
import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Where makemessages looks (see the command in the module docstring); tests are not user-facing.
SOURCE_DIRS = ("claims", "casework", "i3ml", "templates")
SOURCE_SUFFIXES = (".py", ".html", ".txt")

# Everything that must survive translation unchanged: %(name)s / %s / %d, {name}, and HTML tags.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdif]|%[sdif]|\{[A-Za-z_]\w*\}|</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def key(self) -> str:
        """The key gettext uses in a catalogue: context EOT msgid."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r'\\(.)', lambda m: escapes[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, obsolete ones (#~) skipped; the header is the entry with msgid ""."""
    entries: list[Entry] = []
    current = Entry()
    target = None  # which field a continuation line ("...") extends

    def flush():
        nonlocal current, target
        if current.line:
            entries.append(current)
        current, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                flush()
            continue
        if line.startswith("#"):
            if current.line:  # a comment after a complete entry starts the next one
                flush()
            if line.startswith("#,"):
                current.flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            continue
        keyword, _, rest = line.partition(" ") if not line.startswith('"') else ("", "", line)
        if keyword == "msgctxt":
            if current.line:
                flush()
            current.msgctxt, target = _unquote(rest), "msgctxt"
            current.line = current.line or number
        elif keyword == "msgid":
            if current.line and current.msgctxt is None:
                flush()
            current.msgid, target = _unquote(rest), "msgid"
            current.line = current.line or number
        elif keyword == "msgid_plural":
            current.msgid_plural, target = _unquote(rest), "msgid_plural"
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            current.msgstr.append(_unquote(rest))
            target = len(current.msgstr) - 1
        elif keyword == "":
            value = _unquote(rest)
            if isinstance(target, int):
                current.msgstr[target] += value
            else:
                setattr(current, target, getattr(current, target) + value)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    flush()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing; run makemessages -l en"
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """All real messages (without the header)."""
    return [entry for entry in entries if entry.msgid != ""]


def _where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid[:70]!r}"


def test_catalogue_is_for_english_with_two_plural_forms(entries):
    header = next(entry for entry in entries if entry.msgid == "")
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert "fuzzy" not in header.flags


def test_every_message_is_translated(messages):
    assert len(messages) > 500  # the real catalogue, not an empty stub
    empty = [_where(e) for e in messages if not e.msgstr or not all(s.strip() for s in e.msgstr)]
    assert not empty, "untranslated:\n" + "\n".join(empty)


def test_no_fuzzy_translations(messages):
    fuzzy = [_where(e) for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_messages_have_both_english_forms(messages):
    wrong = [_where(e) for e in messages if (e.msgid_plural is not None) != (len(e.msgstr) == 2)]
    assert not wrong, "\n".join(wrong)


def test_placeholders_and_tags_are_kept(messages):
    wrong = []
    for entry in messages:
        if entry.msgid_plural is None:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr[0])):
                wrong.append(f"{_where(entry)} -> {entry.msgstr[0]!r}")
        else:
            # Each English form keeps the placeholders of its Dutch form, except that the singular may
            # write the number as a word ("1 photo" for "%(counter)s photo") like the Dutch does.
            for source, translated in zip((entry.msgid, entry.msgid_plural), entry.msgstr, strict=True):
                if not set(PLACEHOLDER.findall(translated)) <= set(PLACEHOLDER.findall(entry.msgid_plural)):
                    wrong.append(f"{_where(entry)} -> {translated!r} has an unknown placeholder")
                if source is entry.msgid_plural and sorted(PLACEHOLDER.findall(source)) != sorted(
                    PLACEHOLDER.findall(translated)
                ):
                    wrong.append(f"{_where(entry)} plural -> {translated!r}")
        for translated in entry.msgstr:
            if translated.endswith("\n") != entry.msgid.endswith("\n"):
                wrong.append(f"{_where(entry)}: trailing newline differs")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_python_format_strings_can_be_formatted(messages):
    """A %-string with a typo like %(name) s would only fail when the page renders; catch it here."""
    broken = []
    for entry in messages:
        if "python-format" not in entry.flags:
            continue
        names = set(re.findall(r"%\((\w+)\)", entry.msgid_plural or entry.msgid))
        for translated in entry.msgstr:
            try:
                translated % {name: 1 for name in names} if names else translated % ()
            except (KeyError, ValueError, TypeError) as error:
                broken.append(f"{_where(entry)} -> {translated!r}: {error}")
    assert not broken, "\n".join(broken)


def test_compiled_mo_matches_the_po(messages):
    """The committed .mo holds exactly the .po's translations (compile again if this fails)."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing; run compilemessages"
    with MO_PATH.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in messages:
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            for index, translated in enumerate(entry.msgstr):
                expected[(entry.key, index)] = translated
    compiled = {key: value for key, value in catalogue.items() if key != ""}
    stale = sorted(str(key)[:80] for key in expected.keys() - compiled.keys())
    extra = sorted(str(key)[:80] for key in compiled.keys() - expected.keys())
    changed = sorted(str(key)[:80] for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    assert not (stale or extra or changed), (
        f"django.mo is out of date: {len(stale)} missing, {len(extra)} extra, {len(changed)} changed, e.g. "
        f"{(stale + extra + changed)[:5]}; run compilemessages"
    )


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext (msgfmt) is not installed")
def test_po_passes_msgfmt_check(tmp_path):
    """msgfmt --check: format strings, plural header and duplicate entries, as gettext itself sees them."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def _source_msgids(tmp_path: Path) -> set[str]:
    """The msgids makemessages would find now: templates go through Django's templatize, then xgettext."""
    files = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or "__pycache__" in path.parts:
                continue
            if path.suffix == ".py":
                files.append(path)
                continue
            converted = tmp_path / (str(path.relative_to(ROOT)).replace("/", "__") + ".py")
            converted.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
            files.append(converted)
    keywords = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2", "npgettext:1c,2,3",
                "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3"]
    pot = tmp_path / "django.pot"
    subprocess.run(
        ["xgettext", "-d", "django", "--language=Python", *[f"--keyword={k}" for k in keywords],
         "--from-code=UTF-8", "--output", str(pot), *map(str, files)],
        check=True, capture_output=True, text=True,
    )
    return {entry.key for entry in parse_po(pot) if entry.msgid} if pot.exists() else set()


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext (xgettext) is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(messages, tmp_path):
    """A string marked for translation after the last makemessages would show up in Dutch on English pages."""
    known = {entry.key for entry in messages}
    found = _source_msgids(tmp_path)
    assert len(found) > 500  # the extraction itself worked
    missing = sorted(found - known)
    assert not missing, (
        f"{len(missing)} new string(s) are not in django.po yet (run makemessages and translate them):\n"
        + "\n".join(repr(m[:90]) for m in missing[:30])
    )


# --- The pages, rendered in English --------------------------------------------------------------------

PAGES = ["/", "/inloggen/", "/melden/"]


def _h1(content: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", content, flags=re.S)
    assert len(found) == 1, f"expected one h1, found {found}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found[0])).split())


def _visible_text(content: str) -> str:
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


@pytest.fixture(scope="module")
def dutch_sentences() -> list[str]:
    """Dutch phrases from the catalogue that have no place on an English page.

    Whole msgids, and for msgids with placeholders or tags the literal pieces between them (a string
    formatted too early, in Dutch, still leaves those pieces). Phrases that the English keeps as they are
    (names such as "Instituut voor Milieu, Mens en Mijnbouw Limburg") are left out.
    """
    messages = [entry for entry in parse_po(PO_PATH) if entry.msgid]
    english = "\n".join(" ".join(text.split()) for entry in messages for text in entry.msgstr)
    phrases = set()
    for entry in messages:
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            pieces = [source] if not PLACEHOLDER.search(source) else PLACEHOLDER.split(source)
            for piece in pieces:
                piece = " ".join(piece.split())
                # Long enough to be a real phrase, not a word both languages share.
                if len(piece) >= (15 if piece == " ".join(source.split()) else 20) and piece not in english:
                    phrases.add(piece)
    return sorted(phrases)


def _get(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def _assert_english(client: Client, path: str, dutch_sentences: list[str]) -> None:
    """The page in Dutch, then with the language cookie set to English: English h1, no Dutch phrases left."""
    cookie = settings.LANGUAGE_COOKIE_NAME
    client.cookies.pop(cookie, None)
    dutch = _get(client, path)
    client.cookies[cookie] = "en"
    try:
        english = _get(client, path)
    finally:
        client.cookies.pop(cookie, None)

    assert '<html lang="nl"' in dutch
    assert '<html lang="en"' in english
    assert _h1(english) != _h1(dutch)
    with translation.override("en"):
        translated = translation.gettext(_h1(dutch))
    if translated != _h1(dutch):  # the h1 is one message; with a placeholder (a case number) it is not
        assert _h1(english) == translated
    text = _visible_text(english)
    left_over = [sentence for sentence in dutch_sentences if sentence in text]
    assert not left_over, f"Dutch left on the English page {path}: {left_over}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_page_in_english_with_the_language_cookie(path, dutch_sentences):
    _assert_english(Client(), path, dutch_sentences)


@pytest.mark.django_db
def test_language_switch_sets_english_for_the_next_pages(dutch_sentences):
    client = Client()
    dutch_h1 = _h1(_get(client, "/inloggen/"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/inloggen/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    for path in PAGES:
        english = _get(client, path)  # the cookie from the switch alone chooses English
        assert '<html lang="en"' in english
        text = _visible_text(english)
        assert not [sentence for sentence in dutch_sentences if sentence in text], path
    assert _h1(_get(client, "/inloggen/")) != dutch_h1

    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert '<html lang="nl"' in _get(client, "/")


@pytest.mark.django_db
def test_resident_pages_in_english(dutch_sentences):
    from tests.factories import Cast, claim_in

    cast = Cast()
    decided = claim_in(cast, "decided")  # a long page: steps, deadline, decision, objection, letters
    client = Client()
    client.force_login(cast.resident)
    for path in ("/mijn/", f"/mijn/{decided.reference}/", f"/mijn/{decided.reference}/bezwaar/",
                 "/mijn/instellingen/"):
        _assert_english(client, path, dutch_sentences)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/loket/",
    "/loket/nieuw/",
])
def test_desk_pages_in_english(path, dutch_sentences):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(role="desk"))
    _assert_english(client, path, dutch_sentences)
