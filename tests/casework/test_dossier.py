"""The staff dossier at /werk/zaken/<reference>/: who sees it, which steps it offers, what it shows, and a
fixed number of queries whatever the size of the database or of the claim's history."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Note
from casework.services.contact import call_record, message_send, note_add
from casework.timeline import timeline_for
from claims import roles as R
from claims.models import (
    Absence,
    Document,
    DocumentKind,
    Letter,
    Message,
    StaffProfile,
    Team,
)
from claims.models.claim import TRANSITION_NAMES
from claims.services import claim_record_default_notice
from claims.timeutil import frozen, today
from tests.factories import Cast, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db


# --- helpers shared with the other dossier tests ------------------------------------------------------------

def dossier_url(claim) -> str:
    return reverse("casework:dossier", kwargs={"reference": claim.reference})


def step_url(claim, name: str) -> str:
    return reverse("casework:dossier_step", kwargs={"reference": claim.reference, "name": name})


def work_url(claim, work: str) -> str:
    return reverse(f"casework:dossier_{work}", kwargs={"reference": claim.reference})


def text_of(response) -> str:
    """The page as a person reads it: tags gone, whitespace folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'").replace("&amp;", "&")


def buttons_on(response, claim) -> set[str]:
    """The steps the page offers: links to /werk/zaken/<ref>/stap/<name>/."""
    pattern = re.escape(f"/werk/zaken/{claim.reference}/stap/") + r"([a-z_]+)/"
    return set(re.findall(pattern, response.content.decode()))


def team_colleague(municipality: str = "Heerlen"):
    colleague = UserFactory(role=R.CASEWORKER)
    team = Team.objects.create(name=f"Team {colleague.username}", municipalities=[municipality])
    team.members.add(colleague)
    return colleague


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def cast():
    return Cast()


# --- who sees the dossier -----------------------------------------------------------------------------------

def test_the_own_guide_sees_the_dossier_with_steps_and_forms(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    response = client.get(dossier_url(claim))
    assert response.status_code == 200
    assert buttons_on(response, claim)
    assert work_url(claim, "note") in response.content.decode()
    assert "alleen lezen" not in text_of(response)


def test_a_team_colleague_reads_without_buttons_or_forms(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(team_colleague())
    response = client.get(dossier_url(claim))
    assert response.status_code == 200
    assert claim.applicant.name in text_of(response)
    assert buttons_on(response, claim) == set()
    html = response.content.decode()
    for work in ("note", "call", "message", "extend", "default", "reassign", "visit", "replace", "response"):
        assert work_url(claim, work) not in html
    assert "U kunt deze zaak alleen lezen" in text_of(response)


@pytest.mark.parametrize("who", ["other_guide", "expert", "desk", "resident", "commission", "finance"])
def test_everyone_else_gets_a_404(client, cast, who):
    claim = claim_in(cast, "inspection")  # the cast's expert is assigned: still no dossier for them
    user = {
        "other_guide": UserFactory(role=R.CASEWORKER),
        "expert": cast.expert,
        "desk": cast.desk,
        "resident": cast.resident,
        "commission": cast.commission,
        "finance": cast.finance,
    }[who]
    client.force_login(user)
    assert client.get(dossier_url(claim)).status_code == 404
    assert client.get(step_url(claim, "record_advice")).status_code == 404
    assert client.post(work_url(claim, "note"), {"note-body": "x"}).status_code == 404
    assert not Note.objects.filter(claim=claim).exists()


def test_anonymous_goes_to_the_login_page(client, cast):
    claim = claim_in(cast, "intake")
    response = client.get(dossier_url(claim))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("claims:login"))


def test_an_unknown_reference_is_a_404(client, cast):
    client.force_login(cast.coordinator)
    assert client.get("/werk/zaken/MS-2026-999999/").status_code == 404


def test_a_substitute_works_on_the_claim_of_an_absent_guide(client, cast):
    claim = claim_in(cast, "intake")
    substitute = UserFactory(role=R.CASEWORKER)
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today(),
                           ends_on=today() + dt.timedelta(days=7))
    client.force_login(substitute)
    response = client.get(dossier_url(claim))
    assert response.status_code == 200
    assert "request_info" in buttons_on(response, claim)
    assert work_url(claim, "note") in response.content.decode()


# --- exactly the steps this user may take now ---------------------------------------------------------------

GUIDE_STEPS = {
    "intake": {"request_info", "declare_not_admissible", "plan_inspection", "withdraw", "hold"},
    "info_requested": {"receive_info", "declare_not_admissible", "withdraw", "hold"},
    "inspection": {"record_advice", "withdraw", "hold"},
    "advice_draft": {"send_advice", "withdraw", "hold"},
    "response_period": {"revise_advice", "forward_to_commission", "withdraw", "hold"},
    "on_hold": {"resume", "withdraw"},
    "decided": {"file_objection"},  # closing waits for the objection window: no button during it
}
COORDINATOR_ONLY = {"submitted": {"start_intake", "withdraw", "hold"}, "closed": {"reopen"},
                    "decided": {"file_objection", "start_settlement"}}


@pytest.mark.parametrize("state", sorted(GUIDE_STEPS))
def test_the_guide_gets_a_button_for_each_step_they_may_take(client, cast, state):
    claim = claim_in(cast, state)
    client.force_login(cast.caseworker)
    response = client.get(dossier_url(claim))
    assert buttons_on(response, claim) == GUIDE_STEPS[state]
    for name in set(TRANSITION_NAMES) - GUIDE_STEPS[state]:
        assert step_url(claim, name) not in response.content.decode()


@pytest.mark.parametrize("state", ["intake", "info_requested", "inspection", "advice_draft", "response_period",
                                   *sorted(COORDINATOR_ONLY)])
def test_the_coordinator_gets_the_steps_of_their_role(client, cast, state):
    claim = claim_in(cast, state)
    client.force_login(cast.coordinator)
    expected = COORDINATOR_ONLY.get(state) or GUIDE_STEPS[state]
    assert buttons_on(client.get(dossier_url(claim)), claim) == expected


@pytest.mark.parametrize("state", ["intake", "info_requested", "inspection", "advice_draft", "response_period"])
def test_a_team_colleague_gets_no_step(client, cast, state):
    claim = claim_in(cast, state)
    client.force_login(team_colleague())
    response = client.get(dossier_url(claim))
    assert response.status_code == 200
    assert buttons_on(response, claim) == set()


# --- what the page shows -------------------------------------------------------------------------------------

def test_the_handover_note_comes_first(client, cast):
    from casework.assignment import claim_reassign

    claim = claim_in(cast, "intake")
    new_guide = UserFactory(role=R.CASEWORKER, first_name="Mieke", last_name="Janssen")
    claim_reassign(claim=claim, to_guide=new_guide, actor=cast.coordinator, reason="Verlof van de zaakbegeleider",
                   handover="Bewoner is slechthorend: bel altijd via de dochter.")
    client.force_login(new_guide)
    page = text_of(client.get(dossier_url(claim)))
    assert "Overdracht" in page
    handover = page.index("Bewoner is slechthorend")
    assert handover < page.index("Wat kunt u nu doen?")
    assert "Overgedragen aan Mieke Janssen" in page


def test_resident_property_damage_contact_and_documents_are_shown(client, cast):
    claim = claim_in(cast, "inspection")
    person = claim.applicant
    person.phone = "045 123 45 67"
    person.save()
    StaffProfile.objects.create(user=cast.caseworker, phone="045 999 88 77")
    item = claim.damage_items.get()
    item.expert_verdict = "partly"
    item.measurements = "2 mm breed, 80 cm lang"
    item.repair_cost = Decimal("1250.00")
    item.save()
    document = Document.objects.create(claim=claim, kind=DocumentKind.PHOTO, title="Scheur boven de deur",
                                       file=ContentFile(b"jpeg", name="scheur.jpg"), sha256="a" * 64, size=4,
                                       content_type="image/jpeg", damage_item=item)
    client.force_login(cast.caseworker)
    page_response = client.get(dossier_url(claim))
    page = text_of(page_response)
    assert person.name in page and "045 123 45 67" in page and person.email in page
    assert "Per post" in page  # preferred channel
    assert "Nederlands" in page  # language
    assert claim.property.street in page and "Heerlen" in page
    assert "Scheur van 2 mm boven de deur" in page
    assert "Gedeeltelijk" in page and "2 mm breed, 80 cm lang" in page and "€ 1.250,00" in page
    assert "045 999 88 77" in page  # who the resident should call
    assert "Scheur boven de deur" in page and "Foto" in page
    assert reverse("claims:document_download", args=[document.pk]) in page_response.content.decode()


def test_deadlines_show_due_date_days_left_and_the_suspension_with_its_reason(client, cast):
    claim = claim_in(cast, "info_requested")
    client.force_login(cast.caseworker)
    page = text_of(client.get(dossier_url(claim)))
    assert "Termijnen" in page
    assert "Termijn opgeschort Ja" in page
    assert "Verzoek om aanvulling" in page
    assert "Stuur ons foto's van de scheur in de gevel." in page  # the reason of the suspension
    assert "loopt nog" in page
    assert claim.reply_due.strftime("%Y") in page


def test_the_extension_is_shown_with_its_reason(client, cast):
    from claims.services import claim_extend_term

    claim = claim_in(cast, "intake")
    claim_extend_term(claim=claim, actor=cast.caseworker, weeks=6, reason="De deskundige heeft meer tijd nodig.")
    client.force_login(cast.caseworker)
    page = text_of(client.get(dossier_url(claim)))
    assert "Verdaagd met 6 weken" in page
    assert "De deskundige heeft meer tijd nodig." in page
    assert "Beslistermijn verdagen" not in page  # once only: the form is gone


def test_the_default_notice_shows_the_penalty_running(client, cast):
    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        claim = claim_in(cast, "intake")
    assert claim.decision_due == dt.date(2026, 3, 2)
    with frozen(dt.datetime(2026, 3, 10, 10, 0)):
        claim_record_default_notice(claim=claim, actor=cast.caseworker, received_on=dt.date(2026, 3, 4),
                                    reason="Brief van de advocaat")
    client.force_login(cast.caseworker)
    with frozen(dt.datetime(2026, 3, 25, 10, 0)):
        page = text_of(client.get(dossier_url(claim)))
    # Two weeks after 4 March: the penalty runs from 19 March; 19 to 25 March is 7 days of EUR 23.
    assert "Dwangsom (artikel 4:17 Awb)" in page
    assert "19 maart 2026" in page
    assert "7 van ten hoogste 42" in page
    assert "€ 161,00" in page and "€ 1.442,00" in page
    assert "Ingebrekestelling vastleggen" not in page  # recorded once


def test_the_penalty_stops_at_its_maximum(client, cast):
    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        claim = claim_in(cast, "intake")
    with frozen(dt.datetime(2026, 3, 10, 10, 0)):
        claim_record_default_notice(claim=claim, actor=cast.caseworker, received_on=dt.date(2026, 3, 4))
    client.force_login(cast.caseworker)
    with frozen(dt.datetime(2026, 9, 1, 10, 0)):
        page = text_of(client.get(dossier_url(claim)))
    assert "42 van ten hoogste 42" in page and "€ 1.442,00 (ten hoogste € 1.442,00)" in page
    assert "Het hoogste bedrag is bereikt." in page


def test_the_default_notice_form_appears_only_when_the_term_has_lapsed(client, cast):
    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        claim = claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    with frozen(dt.datetime(2026, 2, 20, 10, 0)):
        assert work_url(claim, "default") not in client.get(dossier_url(claim)).content.decode()
    with frozen(dt.datetime(2026, 3, 3, 10, 0)):
        response = client.get(dossier_url(claim))
    assert work_url(claim, "default") in response.content.decode()
    assert "1 dag te laat" in text_of(response)


# --- the timeline --------------------------------------------------------------------------------------------

def test_the_timeline_merges_every_source_newest_first(client, cast):
    claim = claim_in(cast, "info_requested")
    note_add(claim=claim, actor=cast.caseworker, body="Eerste notitie")
    call_record(claim=claim, actor=cast.caseworker, direction="in", spoke_with="De dochter",
                body="Belde over de foto's")
    message_send(claim=claim, actor=cast.caseworker, body="Wij hebben uw foto's nog niet.")
    ready = Letter.objects.filter(claim=claim, kind="receipt").get()
    pdf = Document.objects.create(claim=claim, kind=DocumentKind.LETTER, title="Ontvangstbevestiging",
                                  file=ContentFile(b"%PDF", name="brief.pdf"), sha256="b" * 64, size=4,
                                  content_type="application/pdf")
    Letter.objects.filter(pk=ready.pk).update(status=Letter.Status.READY, document=pdf)

    client.force_login(cast.caseworker)
    response = client.get(dossier_url(claim))
    page = text_of(response)
    timeline = page[page.index("Tijdlijn Alles wat er"):]
    order = [timeline.index(text) for text in (
        "Bericht aan de aanvrager", "Telefoongesprek", "Eerste notitie", "Informatie opgevraagd",
        "Zaakbegeleider toegewezen", "Melding ingediend")]
    assert order == sorted(order)
    assert "Gesproken met: De dochter" in timeline
    assert "Gebeld door de aanvrager" in timeline
    assert "Termijn opgeschort" in timeline and "Termijn gestart" in timeline  # clock events
    assert "Brief: Ontvangstbevestiging" in timeline and "Brief: Verzoek om aanvulling" in timeline
    assert reverse("claims:document_download", args=[pdf.pk]) in response.content.decode()
    assert "Van ‘Ontvankelijkheid’ naar ‘Aanvulling gevraagd’" in timeline
    assert "Gedaan door het systeem" not in timeline  # every step here had a person


def test_timeline_for_uses_one_query_per_source(django_assert_num_queries, cast):
    claim = claim_in(cast, "intake")
    for number in range(5):
        note_add(claim=claim, actor=cast.caseworker, body=f"Notitie {number}")
        message_send(claim=claim, actor=cast.caseworker, body=f"Bericht {number}")
    with django_assert_num_queries(6):
        history = timeline_for(claim)
        names = [entry.by for entry in history.entries]  # the people are joined in: no query per row
    assert len(history.entries) >= 14 and all(isinstance(name, str) for name in names)
    assert history.entries == sorted(history.entries, key=lambda e: e.sort_key, reverse=True)


def test_internal_notes_never_reach_the_portal_but_messages_do(client, cast):
    claim = claim_in(cast, "intake")
    note_add(claim=claim, actor=cast.caseworker, body="Intern: buurman is ook aannemer")
    call_record(claim=claim, actor=cast.caseworker, direction="out", spoke_with="", body="Intern gesprek vastgelegd")
    message_send(claim=claim, actor=cast.caseworker, body="Wij komen binnenkort langs.")
    client.force_login(cast.resident)
    portal = client.get(reverse("claims:portal_claim", kwargs={"reference": claim.reference}))
    assert portal.status_code == 200
    html = portal.content.decode()
    assert "buurman is ook aannemer" not in html
    assert "Intern gesprek vastgelegd" not in html
    assert "Wij komen binnenkort langs." in html


# --- a fixed number of queries --------------------------------------------------------------------------------

def _count(client, url) -> int:
    client.get(url)  # warm the per-process caches (the holidays of the years the terms touch)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _more_claims(cast, until: int) -> None:
    from claims.models import Claim

    while Claim.objects.count() < until:
        claim = cast.fire(draft_claim(applicant=cast.person), "submit")
        cast.fire(claim, "start_intake")


@pytest.mark.parametrize("user", ["caseworker", "coordinator", "colleague"])
def test_the_dossier_costs_the_same_queries_with_10_and_with_100_claims(client, cast, user):
    claim = claim_in(cast, "inspection")
    viewer = team_colleague() if user == "colleague" else getattr(cast, user)
    client.force_login(viewer)
    _more_claims(cast, 10)
    with_10 = _count(client, dossier_url(claim))
    _more_claims(cast, 100)
    with_100 = _count(client, dossier_url(claim))
    assert with_10 == with_100
    assert with_10 <= 25


def test_the_dossier_costs_the_same_queries_with_a_short_and_a_long_history(client, cast):
    small = claim_in(cast, "intake")
    big = claim_in(cast, "intake")
    client.force_login(cast.coordinator)
    small_entries = len(timeline_for(small).entries)
    for number in range(6):
        note_add(claim=big, actor=cast.caseworker, body=f"Notitie {number}")
        call_record(claim=big, actor=cast.caseworker, direction="in", spoke_with="Bewoner", body=f"Gesprek {number}")
        message_send(claim=big, actor=cast.caseworker, body=f"Bericht {number}")
        Message.objects.create(claim=big, kind=Message.Kind.MESSAGE, direction=Message.Direction.IN,
                               author=cast.resident, body=f"Vraag {number}")
    item = big.damage_items.get()
    for number in range(3):
        Document.objects.create(claim=big, kind=DocumentKind.PHOTO, title=f"Foto {number}", damage_item=item,
                                file=ContentFile(b"jpeg", name="f.jpg"), sha256=f"{number:064x}", size=4,
                                content_type="image/jpeg", uploaded_by=cast.resident)
    big_entries = len(timeline_for(big).entries)
    assert small_entries <= 5 and big_entries >= 20 + small_entries
    assert _count(client, dossier_url(small)) == _count(client, dossier_url(big))


@pytest.mark.parametrize("state,main_step", [
    ("intake", "request_info"),
    ("info_requested", "receive_info"),
    ("response_period", "forward_to_commission"),
])
def test_the_usual_next_step_is_the_main_button_and_stopping_never_is(client, state, main_step):
    cast = Cast()
    claim = claim_in(cast, state)
    client.force_login(cast.caseworker)
    html = client.get(dossier_url(claim)).content.decode()
    primary = re.findall(r'<a class="button" href="[^"]*/stap/([a-z_]+)/"', html)
    assert primary == [main_step]
    for side in ("withdraw", "hold", "declare_not_admissible", "revise_advice"):
        assert f'<a class="button" href="/werk/zaken/{claim.reference}/stap/{side}/"' not in html
