"""The case guide's caseload at /werk/: who may open it, order, marks, filters, search, pages, the CSV
export, substitutes, and a query count that does not grow with the data."""

import csv
import datetime as dt
import io
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Note
from casework.selectors import caseload_claims, caseload_for, parse_query, search_claims
from casework.services.absence import absence_end, absence_record
from casework.views.caseload import safe_cell
from claims import roles as R
from claims.models import Claim, Message, Team
from claims.selectors import claims_visible_to
from claims.timeutil import frozen, today
from tests.factories import Cast, PersonFactory, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db

CASELOAD = "/werk/"
CSV_URL = "/werk/export.csv"


def moment(days_ago: int) -> dt.datetime:
    return timezone.localtime(timezone.now()).replace(hour=10, minute=0, second=0, microsecond=0) - dt.timedelta(
        days=days_ago)


def open_claim(cast, guide, *, days_ago: int = 0, name: str | None = None, urgent: bool = False,
               municipality: str = "Heerlen", **home):
    """A claim submitted `days_ago` days ago and taken into intake by `guide` (a real lifecycle, fast)."""
    person = PersonFactory(name=name) if name else PersonFactory()
    with frozen(moment(days_ago)):
        claim = draft_claim(applicant=person, filed_by=cast.coordinator, municipality=municipality, urgent=urgent)
        if home:
            for key, value in home.items():
                setattr(claim.property, key, value)
            claim.property.save()
        claim = cast.fire(claim, "submit", actor=cast.coordinator)
        return cast.fire(claim, "start_intake", caseworker=guide)


def refs(response) -> list[str]:
    return [claim.reference for claim in response.context["page"].object_list]


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def guide_client(client, cast):
    client.force_login(cast.caseworker)
    return client


# --- who may open it -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (CASELOAD, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("claims:login") in response["Location"]


@pytest.mark.parametrize("role", [R.RESIDENT, R.DESK, R.EXPERT, R.COMMISSION, R.DECISION_MAKER, R.FINANCE])
def test_other_roles_may_not_open_the_caseload_or_its_export(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(CASELOAD).status_code == 403
    assert client.get(CSV_URL).status_code == 403


def test_a_guide_may_not_post_a_reassignment(guide_client, cast):
    claim = open_claim(cast, cast.caseworker)
    other = UserFactory(role=R.CASEWORKER)
    response = guide_client.post(CASELOAD, {"references": [claim.reference], "to_guide": other.pk, "reason": "x"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker


# --- what the guide sees, in which order ---------------------------------------------------------------


def test_own_open_claims_urgent_first_then_the_nearest_deadline(guide_client, cast):
    fresh = open_claim(cast, cast.caseworker, days_ago=0)
    late = open_claim(cast, cast.caseworker, days_ago=70)
    soon = open_claim(cast, cast.caseworker, days_ago=50)
    urgent = open_claim(cast, cast.caseworker, days_ago=0, urgent=True)
    open_claim(cast, UserFactory(role=R.CASEWORKER), days_ago=80)  # another guide's
    claim_in(cast, "draft")
    closed = claim_in(cast, "closed")
    assert closed.caseworker == cast.caseworker

    response = guide_client.get(CASELOAD)

    assert response.status_code == 200
    assert refs(response) == [urgent.reference, late.reference, soon.reference, fresh.reference]
    rows = {claim.reference: claim for claim in response.context["page"].object_list}
    assert rows[late.reference].attention == "overdue" and rows[late.reference].days_left < 0
    assert rows[soon.reference].attention == "due_soon"
    assert rows[fresh.reference].attention == ""
    html = response.content.decode()
    assert "Termijn verstreken" in html and "Binnen 10 werkdagen" in html and "Acuut onveilig" in html
    assert f">{-rows[late.reference].days_left} dagen te laat<" in html
    assert reverse("casework:caseload_csv") in html
    assert f'href="{reverse("casework:dossier", args=[late.reference])}"' in html


def test_a_suspended_clock_shows_opgeschort_and_who_we_wait_for(guide_client, cast):
    claim = cast.fire(open_claim(cast, cast.caseworker), "request_info")
    assert claim.clock_suspended
    response = guide_client.get(CASELOAD)
    row = response.context["page"].object_list[0]
    assert row.reference == claim.reference and row.attention == ""
    assert str(row.waiting_on_label) == "Aanvrager"
    assert "opgeschort" in response.content.decode()


def test_last_contact_is_the_latest_message_or_call(cast):
    both = open_claim(cast, cast.caseworker)
    only_call = open_claim(cast, cast.caseworker)
    none = open_claim(cast, cast.caseworker)
    message = Message.objects.create(claim=both, direction="in", body="Wanneer komt de deskundige?")
    Message.objects.filter(pk=message.pk).update(created_at=moment(5))
    Note.objects.create(claim=both, kind=Note.Kind.CALL, direction="out", body="Teruggebeld", created_at=moment(2))
    Note.objects.create(claim=both, kind=Note.Kind.NOTE, body="Geen contact", created_at=moment(0))
    Note.objects.create(claim=only_call, kind=Note.Kind.CALL, direction="in", body="Vraag", created_at=moment(3))

    found = {c.pk: c.last_contact for c in caseload_for(cast.caseworker, on=today())}

    assert found[both.pk] == moment(2)
    assert found[only_call.pk] == moment(3)
    assert found[none.pk] is None


# --- filters, search, pages ----------------------------------------------------------------------------


def test_filters_by_status_municipality_overdue_and_urgent(guide_client, cast):
    heerlen = open_claim(cast, cast.caseworker, days_ago=70)
    kerkrade = open_claim(cast, cast.caseworker, municipality="Kerkrade", urgent=True)
    asked = cast.fire(open_claim(cast, cast.caseworker), "request_info")
    outside = open_claim(cast, cast.caseworker, municipality="Maastricht")

    assert refs(guide_client.get(CASELOAD, {"status": "info_requested"})) == [asked.reference]
    assert refs(guide_client.get(CASELOAD, {"municipality": "Kerkrade"})) == [kerkrade.reference]
    assert refs(guide_client.get(CASELOAD, {"municipality": "outside"})) == [outside.reference]
    assert refs(guide_client.get(CASELOAD, {"overdue": "on"})) == [heerlen.reference]
    assert refs(guide_client.get(CASELOAD, {"urgent": "on"})) == [kerkrade.reference]
    assert refs(guide_client.get(CASELOAD, {"urgent": "on", "status": "info_requested"})) == []
    # A value that is no choice is an error on the page and filters nothing.
    response = guide_client.get(CASELOAD, {"status": "bogus"})
    assert response.context["form"].errors["status"]
    assert len(refs(response)) == 4


def test_the_coordinator_sees_every_open_claim_and_filters_by_guide(client, cast):
    other = UserFactory(role=R.CASEWORKER)
    mine = open_claim(cast, cast.caseworker)
    theirs = open_claim(cast, other)
    unassigned = cast.fire(draft_claim(applicant=cast.person), "submit")
    client.force_login(cast.coordinator)

    assert set(refs(client.get(CASELOAD))) == {mine.reference, theirs.reference, unassigned.reference}
    assert refs(client.get(CASELOAD, {"guide": other.pk})) == [theirs.reference]
    assert refs(client.get(CASELOAD, {"guide": "none"})) == [unassigned.reference]
    # A guide gets no guide filter at all.
    client.force_login(cast.caseworker)
    response = client.get(CASELOAD, {"guide": other.pk})
    assert "guide" not in response.context["form"].fields
    assert refs(response) == [mine.reference]


@pytest.mark.parametrize("query,expected", [
    ("MS-2026-000123", {"reference": "MS-2026-000123"}),
    ("ms 2026 123", {"reference": "MS-2026-000123"}),
    ("6411 AB 12", {"postcode": "6411AB", "house_number": 12, "addition": ""}),
    ("6411ab 12a", {"postcode": "6411AB", "house_number": 12, "addition": "A"}),
    ("6411AB12-bis", {"postcode": "6411AB", "house_number": 12, "addition": "BIS"}),
    ("6411 ab", {"postcode": "6411AB", "house_number": None}),
    ("Jansen", {"text": "Jansen"}),
    ("  Aker   straat ", {"text": "Aker straat"}),
])
def test_the_search_box_understands_references_addresses_and_names(query, expected):
    terms = parse_query(query)
    for key, value in expected.items():
        assert getattr(terms, key) == value


def test_search_by_reference_postcode_and_number_name_and_street(guide_client, cast):
    jansen = open_claim(cast, cast.caseworker, name="Maria Jansen-Bemelmans", postcode="6412CD", house_number=12,
                        house_number_addition="A", street="Kloosterweg")
    plain = open_claim(cast, cast.caseworker, name="Pieter Smeets", postcode="6412CD", house_number=12,
                       street="Kloosterweg")
    other = open_claim(cast, cast.caseworker, name="Anna de Vries", postcode="6371XY", house_number=3,
                       street="Hoofdstraat")
    hidden = open_claim(cast, UserFactory(role=R.CASEWORKER), name="Maria Jansen")

    def found(q):
        return set(refs(guide_client.get(CASELOAD, {"q": q})))

    assert found(jansen.reference.lower()) == {jansen.reference}
    assert found(jansen.reference.replace("-", " ")) == {jansen.reference}
    assert found(hidden.reference) == set()  # another guide's claim is not found by its reference either
    assert found("6412 cd 12") == {jansen.reference, plain.reference}
    assert found("6412CD 12a") == {jansen.reference}
    assert found("6412 CD") == {jansen.reference, plain.reference}
    assert found("jansen") == {jansen.reference}
    assert found("SMEETS") == {plain.reference}
    assert found("klooster") == {jansen.reference, plain.reference}
    assert found("hoofd") == {other.reference}
    assert found("nobody") == set()
    response = guide_client.get(CASELOAD, {"q": "j"})
    assert response.context["form"].errors["q"]


def test_search_narrows_any_queryset(cast):
    claim = open_claim(cast, cast.caseworker, name="Truus Hendriks")
    everything = Claim.objects.all()
    assert list(search_claims(everything, "hendr")) == [claim]
    assert list(search_claims(everything, claim.reference)) == [claim]
    assert list(search_claims(everything, "%")) == []  # a wildcard is a character, not a wildcard


@pytest.mark.parametrize("query", ["jansen", "KLOOSTER", "weg", "maria j", "n%", "e_", "nobody"])
def test_a_guides_search_finds_what_the_search_over_all_claims_finds(cast, query):
    """One guide's list is searched by joining each claim's applicant and home, every other list through the
    trigram indexes (casework.selectors.search_claims): both find the same claims."""
    open_claim(cast, cast.caseworker, name="Maria Jansen-Bemelmans", street="Kloosterweg")
    open_claim(cast, cast.caseworker, name="Pieter Smeets", street="Kloosterweg")
    open_claim(cast, cast.caseworker, name="Anna de Vries", street="Hoofdstraat")
    open_claim(cast, UserFactory(role=R.CASEWORKER), name="Maria Jansen")
    claims = caseload_for(cast.caseworker, on=today())
    joined = set(search_claims(claims, query, one_guide=True))
    assert joined == set(search_claims(claims, query))
    assert (query in ("jansen", "KLOOSTER", "weg", "maria j")) == bool(joined)


def test_a_guides_caseload_is_only_claims_they_may_see(cast):
    """For a guide the visibility rule is not repeated in the query (it holds for every claim they carry):
    the list is the same as with it, and a team colleague's claim, visible to read, is not in it."""
    colleague, substitute = UserFactory(role=R.CASEWORKER), UserFactory(role=R.CASEWORKER)
    Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(cast.caseworker, colleague)
    own = open_claim(cast, cast.caseworker)
    theirs = open_claim(cast, colleague)
    away = open_claim(cast, substitute)
    absence_record(user=substitute, substitute=cast.caseworker, starts_on=today(),
                   ends_on=today() + dt.timedelta(days=7), reason="Verlof", actor=cast.coordinator)
    visible = claims_visible_to(cast.caseworker)
    assert theirs in visible
    carried = set(caseload_claims(cast.caseworker, on=today()))
    assert carried == {own, away}
    assert carried == set(visible.filter(caseworker__in=[cast.caseworker, substitute], status=theirs.status))
    # On another day than today the rule is applied after all (it is today's stand-ins that it knows).
    assert set(caseload_claims(cast.caseworker, on=today() + dt.timedelta(days=1))) == {own, away}


def test_the_filter_form_kept_for_guides_shows_the_values_asked_for(guide_client, cast):
    """A guide's filter form is rendered once per language and query and kept (casework.views.caseload)."""
    def form_html(data):
        html = guide_client.get(CASELOAD, data).content.decode()
        start = html.index('<form method="get"')
        return html[start:html.index("</form>", start)]

    assert 'value="jansen"' in form_html({"q": "jansen"})
    assert 'value="smeets"' in form_html({"q": "smeets", "status": "intake"})
    again = form_html({"q": "jansen"})
    assert 'value="jansen"' in again and 'value="intake" selected' not in again
    assert 'value="intake" selected' in form_html({"q": "smeets", "status": "intake", "page": 2})
    for _ in range(2):
        assert "Typ ten minste twee tekens." in form_html({"q": "j"})
    assert "Alle filters wissen" not in form_html({})
    guide_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Zoeken en filteren" not in form_html({"q": "jansen"})


def test_a_long_search_text_is_shown_but_not_kept(guide_client):
    from casework.views import caseload as view

    view._kept_filters.clear()
    long_text = "a" * 2000
    html = guide_client.get(CASELOAD, {"q": long_text}).content.decode()
    assert f'value="{long_text}"' in html  # the form shows what was typed
    assert not view._kept_filters  # rendered for this page only
    guide_client.get(CASELOAD, {"q": "jansen"})
    assert len(view._kept_filters) == 1


def test_pages_of_25_keep_the_filters(guide_client, cast):
    for _ in range(27):
        open_claim(cast, cast.caseworker)
    open_claim(cast, cast.caseworker, municipality="Kerkrade")

    first = guide_client.get(CASELOAD, {"municipality": "Heerlen"})
    assert len(refs(first)) == 25
    assert first.context["page"].paginator.count == 27
    html = first.content.decode()
    assert "municipality=Heerlen&amp;page=2" in html
    second = guide_client.get(CASELOAD, {"municipality": "Heerlen", "page": 2})
    assert len(refs(second)) == 2
    assert not set(refs(first)) & set(refs(second))
    # A page past the end shows the last page rather than an error.
    assert refs(guide_client.get(CASELOAD, {"municipality": "Heerlen", "page": 99})) == refs(second)
    # A page before the first, or no number at all, shows the first.
    for number in ("0", "-1", "abc", "1.5"):
        assert refs(guide_client.get(CASELOAD, {"municipality": "Heerlen", "page": number})) == refs(first)
    # The CSV link carries the filters but not the page.
    assert f'href="{CSV_URL}?municipality=Heerlen"' in second.content.decode()
    # Each page link says what it is also when read out of context (a screen reader's list of links).
    assert "Volgende pagina" in html and "Laatste pagina" in html
    assert "Vorige pagina" in second.content.decode() and "Eerste pagina" in second.content.decode()


JUNK = ["abc", "-1", "0", "9999999999999999999999", "1e3", "%", "\x00", "<script>", "é" * 300, "none", "[]", " "]


@pytest.mark.parametrize("who", ["caseworker", "coordinator"])
def test_nonsense_in_any_query_parameter_never_breaks_a_page(client, cast, who):
    for _ in range(3):
        open_claim(cast, cast.caseworker)
    client.force_login(getattr(cast, who))
    names = ("q", "status", "municipality", "overdue", "urgent", "guide", "page")
    for url in (CASELOAD, CSV_URL):
        for name in names:
            for junk in JUNK:
                response = client.get(url, {name: junk})
                assert response.status_code == 200, (url, name, junk)
                if url == CSV_URL:
                    assert read_csv(response)[0][0] == "Zaaknummer"  # the whole file, streamed to the end
    if who == "coordinator":  # the team view reads no parameters; it must not trip over them either
        for junk in JUNK:
            assert client.get("/werk/team/", dict.fromkeys(names, junk)).status_code == 200
    # A status that is no status filters nothing, and says so at the field.
    response = client.get(CASELOAD, {"status": "abc"})
    assert len(refs(response)) == 3 and 'id="id_status_error"' in response.content.decode()
    # A page number that is no number is the first page.
    assert refs(client.get(CASELOAD, {"page": "abc"})) == refs(client.get(CASELOAD))


# --- the CSV export ------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_export_is_the_filtered_view_with_every_row(guide_client, cast):
    for _ in range(26):
        open_claim(cast, cast.caseworker)
    kerkrade = open_claim(cast, cast.caseworker, municipality="Kerkrade", days_ago=70)
    open_claim(cast, UserFactory(role=R.CASEWORKER))  # another guide's: never in this guide's export

    response = guide_client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="werkvoorraad-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Zaaknummer", "Aanvrager", "Adres"]
    assert len(rows) == 1 + 27  # all rows, not one page of 25
    assert rows[1][0] == kerkrade.reference  # the same order as the page: the overdue one first
    assert rows[1][8].startswith("-") and int(rows[1][8]) < 0  # a number, so no apostrophe
    assert rows[1][10] == "Termijn verstreken"

    filtered = read_csv(guide_client.get(CSV_URL, {"municipality": "Kerkrade"}))
    assert [row[0] for row in filtered[1:]] == [kerkrade.reference]


def test_the_export_defuses_spreadsheet_formulas(guide_client, cast):
    claim = open_claim(cast, cast.caseworker, name='=HYPERLINK("http://evil.example","Klik")',
                       street="+31 straat")
    rows = read_csv(guide_client.get(CSV_URL))
    row = next(row for row in rows if row[0] == claim.reference)
    assert row[1] == "'=HYPERLINK(\"http://evil.example\",\"Klik\")"
    assert row[2].startswith("'+31 straat")
    assert [safe_cell(v) for v in ("-1+2", "@SUM(A1)", "\t=1", "Jansen", -3, None)] == [
        "'-1+2", "'@SUM(A1)", "'\t=1", "Jansen", -3, ""]


def test_the_export_defuses_formulas_behind_spaces_and_in_full_width_too(guide_client, cast):
    claim = open_claim(cast, cast.caseworker, name='  =HYPERLINK("http://evil.example")', street="\uff1d1+1")
    row = next(row for row in read_csv(guide_client.get(CSV_URL)) if row[0] == claim.reference)
    assert row[1] == "'  =HYPERLINK(\"http://evil.example\")"
    assert row[2].startswith("'\uff1d1+1")
    assert [safe_cell(v) for v in ("\n=1", "\uff0b1", " Jansen", "Jan-Willem")] == [
        "'\n=1", "'\uff0b1", " Jansen", "Jan-Willem"]


# --- substitutes -------------------------------------------------------------------------------------------


def test_a_substitute_carries_the_absent_guides_claims_while_they_are_away(client, cast):
    substitute = UserFactory(role=R.CASEWORKER)
    away = open_claim(cast, cast.caseworker, name="Bewoner van de afwezige")
    own = open_claim(cast, substitute)
    client.force_login(substitute)
    assert refs(client.get(CASELOAD)) == [own.reference]

    absence = absence_record(user=cast.caseworker, substitute=substitute, starts_on=today(),
                             ends_on=today() + dt.timedelta(days=7), reason="Verlof", actor=cast.coordinator)
    response = client.get(CASELOAD)
    assert set(refs(response)) == {own.reference, away.reference}
    assert response.context["show_guide"]  # whose claim it is, in a column
    assert refs(client.get(CASELOAD, {"q": "afwezige"})) == [away.reference]

    absence_end(absence=absence, actor=cast.coordinator)
    assert refs(client.get(CASELOAD)) == [own.reference]


# --- query counts ----------------------------------------------------------------------------------------


def count_queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_caseload(client, cast, django_assert_num_queries):
    started = time.monotonic()
    coordinator_client = client.__class__()
    coordinator_client.force_login(cast.coordinator)
    client.force_login(cast.caseworker)
    for index in range(10):
        claim = open_claim(cast, cast.caseworker, days_ago=index * 7, name=f"Kerkhofs {index}")
        Message.objects.create(claim=claim, direction="in", body="Vraag")
    pages = [(client, CASELOAD, None), (client, CASELOAD, {"q": "kerkhofs"}),
             (client, CASELOAD, {"q": "6411 AB"}), (client, CASELOAD, {"overdue": "on", "page": 2}),
             (coordinator_client, CASELOAD, None), (coordinator_client, CASELOAD, {"q": "kerk"})]
    for page_client, url, data in pages:
        page_client.get(url, data or {})  # warm per-process caches (holidays) before counting
    small = [count_queries(page_client, url, data) for page_client, url, data in pages]

    for index in range(90):
        claim = open_claim(cast, cast.caseworker, days_ago=index % 80, name=f"Kerkhofs {index + 10}")
        Note.objects.create(claim=claim, kind=Note.Kind.CALL, direction="out", body="Gebeld")
    assert Claim.objects.filter(caseworker=cast.caseworker).count() == 100

    for (page_client, url, data), expected in zip(pages, small, strict=True):
        with django_assert_num_queries(expected):
            response = page_client.get(url, data or {})
        assert response.status_code == 200
    print(f"caseload queries (guide, search name, search postcode, overdue p2, coordinator, coord. search): "
          f"{small}; {time.monotonic() - started:.1f}s")
    assert max(small) <= 10
