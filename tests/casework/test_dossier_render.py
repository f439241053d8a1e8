"""The dossier's speed-ups change nothing on the page: the damage rows' texts made in the view read as the
template tags read, the empty work forms rendered once per process are the forms rendered fresh, and the cached
choice labels and date texts (claims/templatetags/labels.py) are Django's own, in Dutch and in English."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from casework.forms.dossier import work_form
from casework.models import Note
from casework.timeline import Entry
from casework.views.dossier import READY_MADE_FORMS, shown_form
from claims.models import ClockEvent, DamageItem, Document, DocumentKind, Letter, Message
from claims.templatetags.labels import day_text, display
from tests.casework.test_dossier import dossier_url, text_of
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="[a-z]+-form_token" value=")[0-9a-f]{32}"')


def _photo(claim, item, number: int) -> None:
    Document.objects.create(claim=claim, kind=DocumentKind.PHOTO, title=f"Foto {number}", damage_item=item,
                            file=ContentFile(b"jpeg", name="f.jpg"), sha256=f"{number:064x}", size=4,
                            content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.mark.parametrize("language,texts", [
    ("nl", ["gezien sinds 7 januari 2026", "1 bestand", "2 bestanden", "gevonden bij de opname", "Nog niet bekeken",
            "Herstelkosten € 1.250,00", "Toegekend € 900,00", "Scheur"]),
    ("en", ["seen since 7 January 2026", "1 file", "2 files", "found during the inspection", "Not looked at yet"]),
])
def test_the_damage_rows_show_date_files_finding_and_findings(client, language, texts):
    cast = Cast()
    claim = claim_in(cast, "inspection")
    first = claim.damage_items.get()
    first.noticed_on = dt.date(2026, 1, 7)
    first.repair_cost, first.awarded_amount, first.expert_verdict = Decimal("1250.00"), Decimal("900.00"), "partly"
    first.save()
    second = DamageItem.objects.create(claim=claim, position=2, location="Zolder", kind="crack",
                                       description="Nieuw gevonden", added_by_expert=True)
    _photo(claim, first, 1)
    _photo(claim, second, 2)
    _photo(claim, second, 3)
    client.force_login(cast.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = text_of(client.get(dossier_url(claim)))
    for text in texts:
        assert text in page


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("work", sorted(READY_MADE_FORMS))
def test_a_ready_made_form_is_the_form_rendered_fresh(work, language):
    with translation.override(language):
        ready = render_to_string("casework/dossier/_fields.html", {"form": shown_form(work)})
        fresh = render_to_string("casework/dossier/_fields.html", {"form": work_form(work)})
    assert getattr(shown_form(work), "visible_html", "")  # it is ready made
    assert TOKEN.sub(r'\1"', ready) == TOKEN.sub(r'\1"', fresh)
    assert TOKEN.search(ready)  # each page still gets its own token


def test_each_dossier_page_gets_fresh_tokens(client):
    cast = Cast()
    claim = claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    pages = [client.get(dossier_url(claim)).content.decode() for _ in range(2)]
    first, second = (set(re.findall(r'form_token" value="([0-9a-f]{32})"', page)) for page in pages)
    assert len(first) >= 3 and not first & second  # note, call and message: none sent twice


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("model,name", [
    (DamageItem, "kind"), (ClockEvent, "kind"), (ClockEvent, "cause"), (Letter, "kind"), (Letter, "status"),
    (Note, "kind"), (Note, "direction"), (Message, "kind"),
])
def test_display_reads_as_get_display(model, name, language):
    field = model._meta.get_field(name)
    with translation.override(language):
        for value in [value for value, _label in field.flatchoices] + ["unknown", ""]:
            row = model(**{field.attname: value})
            assert display(row, name) == getattr(row, f"get_{name}_display")()


MOMENTS = [dt.datetime(2026, 1, 7, 8, 5, tzinfo=dt.UTC), dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),
           dt.datetime(2026, 10, 25, 23, 59, 59, 123456, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 12, 0)]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("at", MOMENTS)
def test_the_fast_date_texts_read_as_the_date_filter(at, language):
    entry = Entry(at=at, source="note", title="")
    pairs = [('at|date:"j F Y H:i"', "at|day_time"), ('at|date:"j F Y, H:i"', 'at|day_time:","'),
             ('at|date:"j F Y"', "at|day"), ('day|date:"j F Y"', "day|day"), ('none|date:"j F Y"', "none|day")]
    source = "{% load labels %}" + "|".join(f"{{{{ {a} }}}}#{{{{ {b} }}}}" for a, b in pairs)
    with translation.override(language):
        rendered = Template(source).render(Context({"at": at, "day": at.date(), "none": None}))
        filtered = Template('{{ at|date:"c" }}|{{ at|date:"j F Y, H:i" }}|{{ day|date:"j F Y" }}').render(
            Context({"at": at, "day": at.date()}))
        assert (entry.at_iso, entry.at_text, day_text(at.date())) == tuple(filtered.split("|"))
    for pair in rendered.split("|"):
        django_text, fast_text = pair.split("#")
        assert fast_text == django_text


def test_the_display_filter_shows_nothing_for_no_row():
    assert Template('{% load labels %}[{{ missing|display:"kind" }}]').render(Context({})) == "[]"
