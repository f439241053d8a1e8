"""The staff side in the browser (headless Chromium, the real pages on a live server).

A case guide logs in, finds a claim by postcode in the caseload, requests information and sees the clock stand
still, records the answer and sees it run again, chooses the expert; sends the draft advice, records the
response and forwards the claim to the commission; works on the deadlines (extension, notice of default). The
coordinator reassigns a claim on the team view. The resident sees the appointment and who to call, and objects
to the expert. Axe finds nothing on any page state on the way. Data is built with the services; only what the
test is about is clicked.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Note, Reassignment
from casework.services.inspection import damage_item_record_findings, inspection_submit_report
from claims import roles as R
from claims import termijnen
from claims.models import Absence, ClaimTransition, ClockEvent, ClockEventKind, Message, StaffProfile, Team
from claims.timeutil import frozen, now, today
from tests.claims.files import samples
from tests.e2e.axe import axe_check
from tests.e2e.test_expert import at, log_in, one_h1, planned_visit
from tests.factories import Cast, PersonFactory, UserFactory, draft_claim

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# --- data, built through the services ------------------------------------------------------------------------

def named(user, first: str, last: str, phone: str = ""):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    if phone:
        StaffProfile.objects.update_or_create(user=user, defaults={"phone": phone})
    return user


def people() -> Cast:
    cast = Cast()
    named(cast.caseworker, "Sanne", "Hermans", "045 560 11 22")
    named(cast.expert, "Jos", "Vroemen")
    named(cast.coordinator, "Mieke", "Lemmens")
    StaffProfile.objects.update_or_create(user=cast.expert, defaults={
        "conflict_declaration": "Geen banden met woningen in Heerlen.", "declaration_updated_on": dt.date(2026, 1, 5)})
    team = Team.objects.create(name="Team Heerlen", municipalities=["Heerlen", "Kerkrade"])
    team.members.add(cast.caseworker)
    return cast


def claim_for(cast: Cast, *, guide=None, name: str | None = None, days_ago: int = 0, urgent: bool = False,
              postcode: str = "", house_number: int | None = None, street: str = "", items: int = 1):
    """A claim submitted `days_ago` days ago and taken into intake by `guide` (the real lifecycle)."""
    person = PersonFactory(name=name) if name else cast.person
    with frozen(now() - dt.timedelta(days=days_ago)):
        claim = draft_claim(applicant=person, filed_by=cast.coordinator, urgent=urgent, items=items)
        home = claim.property
        home.postcode = postcode or home.postcode
        home.house_number = house_number or home.house_number
        home.street = street or home.street
        home.save()
        claim = cast.fire(claim, "submit", actor=cast.coordinator)
        return cast.fire(claim, "start_intake", caseworker=guide or cast.caseworker)


def with_advice_report(cast: Cast, claim):
    """The expert chose, recorded the findings and handed in the report: the claim is in advice_draft."""
    claim = cast.fire(claim, "plan_inspection")
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=cast.expert, location=item.location, kind=item.kind,
                                    measurements="2 mm", verdict="yes", repair_cost="1250.00")
    report = SimpleUploadedFile("rapport.pdf", samples.pdf(), content_type="application/pdf")
    return inspection_submit_report(claim=claim, actor=cast.expert, upload=report)


# --- page helpers ------------------------------------------------------------------------------------------------

def dossier_path(claim) -> str:
    return f"/werk/zaken/{claim.reference}/"


def click_and_wait(page, locator, *, to: str | None = None) -> None:
    locator.click()
    if to is not None:
        page.wait_for_url(at(to))
    page.wait_for_load_state()


def press(page, name: str, *, to: str | None = None, scope=None) -> None:
    click_and_wait(page, (scope or page).get_by_role("button", name=name, exact=True), to=to)


def form_with(page, button: str):
    """The form that holds this button: the dossier has several forms with like-named fields."""
    return page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))


def summary_value(page, term: str) -> str:
    """The <dd> after the <dt> with this text in the first summary list that has it."""
    return page.locator(f"xpath=//dt[normalize-space()='{term}']/following-sibling::dd[1]").first.inner_text()


def check_page(page, heading: str) -> None:
    """The page loaded with exactly this h1, and axe finds nothing."""
    page.wait_for_load_state()
    one_h1(page, heading)
    axe_check(page)


def open_step(page, claim, label: str, *, name: str) -> None:
    click_and_wait(page, page.get_by_role("link", name=label, exact=True), to=f"{dossier_path(claim)}stap/{name}/")
    check_page(page, label)


def cancel(page, claim) -> None:
    click_and_wait(page, page.get_by_role("link", name="Annuleren"), to=dossier_path(claim))


def error_shown(page) -> None:
    expect(page.locator(".error-summary").first).to_be_visible()
    expect(page.locator(".error-text").first).to_be_visible()


def work_day(days: int) -> dt.date:
    return termijnen.roll_forward(today() + dt.timedelta(days=days))


# --- the case guide: caseload, search, information request, answer, expert --------------------------------------

def test_guide_finds_a_claim_by_postcode_requests_information_and_records_the_answer(live_server, page, tmp_path,
                                                                                     settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = people()
    for i in range(27):  # more than one page of 25
        claim_for(cast, name=f"Bewoner {i:02d}", days_ago=i * 2, urgent=i % 10 == 3)
    claim = claim_for(cast, name="Wim Bemelmans", days_ago=3, postcode="6417CN", house_number=21,
                      street="Schaesbergerweg")
    ref = claim.reference

    # The guide logs in at /inloggen/ and lands on the caseload.
    log_in(page, base, cast.caseworker, lands_on="/werk/")
    check_page(page, "Mijn werkvoorraad")
    expect(page.locator(".caseload-count")).to_have_text("28 zaken")
    expect(page.locator("table#caseload tbody tr").first).to_have_class(re.compile("row-urgent"))

    # Filtered by status.
    page.get_by_label("Status").select_option("intake")
    press(page, "Toon zaken", to=r"/werk/")
    assert "status=intake" in page.url
    expect(page.get_by_role("link", name="Alle filters wissen")).to_be_visible()
    axe_check(page)

    # Page 2.
    click_and_wait(page, page.get_by_role("link", name="Volgende"))
    assert "page=2" in page.url
    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    expect(page.locator("table#caseload tbody tr")).to_have_count(3)
    axe_check(page)

    # A search that finds nothing.
    page.goto(base + "/werk/")
    page.get_by_label("Zoeken").fill("Nergensstraat")
    press(page, "Toon zaken", to=r"/werk/")
    expect(page.get_by_text("Er zijn geen zaken die bij deze filters passen.")).to_be_visible()
    expect(page.locator(".caseload-count")).to_have_text("0 zaken")
    axe_check(page)

    # Postcode and house number find the one claim.
    page.get_by_label("Zoeken").fill("6417 cn 21")
    press(page, "Toon zaken", to=r"/werk/")
    expect(page.locator(".caseload-count")).to_have_text("1 zaak")
    expect(page.get_by_role("cell", name="Wim Bemelmans")).to_be_visible()
    axe_check(page)
    click_and_wait(page, page.get_by_role("link", name=ref), to=dossier_path(claim))

    # The dossier in intake.
    check_page(page, f"Zaak {ref}")
    assert summary_value(page, "Status") == "Ontvankelijkheid"
    assert summary_value(page, "Termijn opgeschort") == "Nee"

    # Request information: first without a question (the form comes back), then with question and term.
    open_step(page, claim, "Informatie opvragen", name="request_info")
    press(page, "Informatie opvragen")
    error_shown(page)
    expect(page).to_have_title(re.compile(r"^Fout: "))
    axe_check(page)
    page.get_by_label("Welke informatie hebt u nog nodig?").fill("Stuur ons foto's van de scheur in de gevel.")
    page.get_by_label("Reactietermijn in dagen").fill("14")
    press(page, "Informatie opvragen", to=dossier_path(claim))
    expect(page.get_by_text("Gelukt: Informatie opvragen.")).to_be_visible()
    assert summary_value(page, "Status") == "Aanvulling gevraagd"
    assert summary_value(page, "Termijn opgeschort") == "Ja"
    suspensions = page.get_by_role("table", name="Opschortingen van de beslistermijn")
    expect(suspensions).to_contain_text("Stuur ons foto's van de scheur in de gevel.")
    expect(suspensions).to_contain_text("loopt nog")
    axe_check(page)
    claim.refresh_from_db()
    assert claim.status == "info_requested" and claim.clock_suspended
    assert claim.reply_due == termijnen.term_end(today(), days=14)

    # The caseload says the same: the clock is suspended.
    page.goto(base + "/werk/?q=6417+CN+21")
    expect(page.locator("table#caseload .mark-suspended")).to_have_text("opgeschort")
    page.goto(base + dossier_path(claim))

    # The answer came by post: recorded, the clock runs again.
    open_step(page, claim, "Aanvulling ontvangen", name="receive_info")
    page.get_by_label("Wat heeft de aanvrager gestuurd of gezegd?").fill("Vier foto's van de gevel, per post.")
    press(page, "Aanvulling ontvangen", to=dossier_path(claim))
    expect(page.get_by_text("De beslistermijn loopt weer.")).to_be_visible()
    assert summary_value(page, "Status") == "Ontvankelijkheid"
    assert summary_value(page, "Termijn opgeschort") == "Nee"
    expect(page.get_by_role("table", name="Opschortingen van de beslistermijn")).not_to_contain_text("loopt nog")
    axe_check(page)
    claim.refresh_from_db()
    assert claim.status == "intake" and not claim.clock_suspended
    assert Message.objects.get(claim=claim, kind=Message.Kind.INFO_ANSWER).body == "Vier foto's van de gevel, per post."

    # The other step forms of intake, each accessible (not sent).
    open_step(page, claim, "Buiten behandeling stellen", name="declare_not_admissible")
    press(page, "Buiten behandeling stellen")
    error_shown(page)
    axe_check(page)
    cancel(page, claim)
    open_step(page, claim, "Aanhouden op verzoek van de aanvrager", name="hold")
    cancel(page, claim)

    # A note, a call (first without text: its own page with the error), a message to the resident.
    notes = form_with(page, "Notitie opslaan")
    notes.get_by_label("Notitie").fill("Bewoner is slechthorend: liefst schrijven.")
    press(page, "Notitie opslaan", scope=notes, to=dossier_path(claim))
    expect(page.get_by_text("De notitie is opgeslagen.")).to_be_visible()
    press(page, "Gesprek vastleggen", to=f"{dossier_path(claim)}gesprek/")
    check_page(page, "Telefoongesprek vastleggen")
    error_shown(page)
    page.get_by_label("Wij belden").check()
    page.get_by_label("Gesproken met").fill("de dochter")
    page.get_by_label("Wat is er besproken?").fill("Afspraak voor de opname besproken.")
    press(page, "Gesprek vastleggen", to=dossier_path(claim))
    expect(page.get_by_text("Het telefoongesprek is vastgelegd.")).to_be_visible()
    page.goto(base + f"{dossier_path(claim)}bericht/")
    check_page(page, "Bericht aan de aanvrager")
    page.get_by_label("Uw bericht").fill("De deskundige komt binnenkort langs.")
    press(page, "Bericht versturen", to=dossier_path(claim))
    expect(page.get_by_text("Het bericht is verstuurd.")).to_be_visible()
    page.goto(base + f"{dossier_path(claim)}notitie/")
    check_page(page, "Notitie maken")
    page.goto(base + dossier_path(claim))
    timeline = page.locator("ol.dossier-timeline")
    expect(timeline).to_contain_text("Bewoner is slechthorend: liefst schrijven.")
    expect(timeline).to_contain_text("De deskundige komt binnenkort langs.")
    assert Note.objects.filter(claim=claim).count() == 2
    assert Message.objects.filter(claim=claim, kind=Message.Kind.MESSAGE, direction=Message.Direction.OUT).count() == 1

    # Choose the expert (the declaration of interests is shown) and plan the visit.
    open_step(page, claim, "Deskundige kiezen", name="plan_inspection")
    expect(page.get_by_text("Geen banden met woningen in Heerlen.")).to_be_visible()
    day = work_day(10)
    page.get_by_label("Jos Vroemen").check()
    page.get_by_label("Datum van het bezoek").fill(day.isoformat())
    page.get_by_label("Van (uur)").fill("10:00")
    page.get_by_label("Tot (uur)").fill("09:00")
    press(page, "Deskundige kiezen")
    error_shown(page)
    axe_check(page)
    page.get_by_label("Tot (uur)").fill("11:30")
    press(page, "Deskundige kiezen", to=dossier_path(claim))
    expect(page.get_by_text("De deskundige is gekozen: Jos Vroemen.")).to_be_visible()
    assert summary_value(page, "Status") == "Schade-opname"
    expect(page.get_by_role("table", name="Gekozen deskundigen en afspraken, nieuwste eerst")).to_contain_text(
        "Jos Vroemen")
    axe_check(page)
    inspection = claim.inspections.get()
    assert inspection.expert == cast.expert and inspection.status == "planned"
    assert timezone.localtime(inspection.starts_at).date() == day

    # The inspection's work pages: move the visit, replace the expert.
    page.goto(base + f"{dossier_path(claim)}opname/plannen/")
    check_page(page, "Bezoek plannen")
    page.goto(base + f"{dossier_path(claim)}opname/deskundige/")
    check_page(page, "Andere deskundige kiezen")


# --- the case guide: the draft advice, the response, the commission ---------------------------------------------

def test_guide_sends_the_advice_records_the_response_and_forwards_to_the_commission(live_server, page, tmp_path,
                                                                                    settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = people()
    claim = with_advice_report(cast, claim_for(cast, name="Lies Kusters", items=2))
    assert claim.status == "advice_draft"
    ref = claim.reference

    log_in(page, base, cast.caseworker, lands_on="/werk/")
    click_and_wait(page, page.get_by_role("link", name=ref), to=dossier_path(claim))
    check_page(page, f"Zaak {ref}")
    assert summary_value(page, "Status") == "Conceptadvies"
    expect(page.get_by_role("link", name="Adviesrapport deskundige")).to_be_visible()

    open_step(page, claim, "Conceptadvies versturen", name="send_advice")
    press(page, "Conceptadvies versturen", to=dossier_path(claim))
    expect(page.get_by_text("Gelukt: Conceptadvies versturen.")).to_be_visible()
    assert summary_value(page, "Status") == "Zienswijze"
    expect(page.locator("xpath=//dt[normalize-space()='Zienswijze uiterlijk']")).to_be_visible()
    axe_check(page)

    # The response came on paper: recorded from the dossier (first empty: its own page with the error).
    press(page, "Zienswijze vastleggen", to=f"{dossier_path(claim)}zienswijze/")
    check_page(page, "Zienswijze vastleggen")
    error_shown(page)
    page.get_by_label("Wat vindt de aanvrager van het conceptadvies?").fill("De scheur in de schuur ontbreekt.")
    press(page, "Zienswijze vastleggen", to=dossier_path(claim))
    expect(page.get_by_text("De zienswijze is vastgelegd.")).to_be_visible()
    expect(page.locator("ol.dossier-timeline")).to_contain_text("De scheur in de schuur ontbreekt.")
    axe_check(page)

    open_step(page, claim, "Advies laten aanpassen", name="revise_advice")
    cancel(page, claim)
    open_step(page, claim, "Naar de commissie sturen", name="forward_to_commission")
    page.get_by_label("Opmerking").fill("Zienswijze meegestuurd.")
    press(page, "Naar de commissie sturen", to=dossier_path(claim))
    expect(page.get_by_text("Gelukt: Naar de commissie sturen.")).to_be_visible()
    assert summary_value(page, "Status") == "Bij de commissie"
    axe_check(page)

    claim.refresh_from_db()
    assert claim.status == "commission_review"
    assert [t.name for t in ClaimTransition.objects.filter(claim=claim).order_by("created_at", "pk")][-2:] == [
        "send_advice", "forward_to_commission"]
    response = Message.objects.get(claim=claim, kind=Message.Kind.RESPONSE)
    assert response.body.startswith("De scheur in de schuur ontbreekt.") and response.author == cast.caseworker


# --- deadlines: extension and notice of default -----------------------------------------------------------------

def test_guide_extends_the_term_once_and_records_a_notice_of_default(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = people()
    fresh = claim_for(cast, name="Harrie Coenen", days_ago=5)
    late = claim_for(cast, name="Gerda Smeets", days_ago=100)
    assert late.decision_due < today()

    log_in(page, base, cast.caseworker, lands_on="/werk/")

    # Extension: the form on its own page with an error, then once, with the reason shown.
    page.goto(base + f"{dossier_path(fresh)}verdagen/")
    check_page(page, "Beslistermijn verdagen")
    press(page, "Termijn verdagen")
    error_shown(page)
    axe_check(page)
    page.get_by_label("Met hoeveel weken?").fill("6")
    page.get_by_label("Waarom is meer tijd nodig?").fill("De deskundige heeft meer tijd nodig voor de metingen.")
    press(page, "Termijn verdagen", to=dossier_path(fresh))
    expect(page.get_by_text("De beslistermijn is verdaagd tot")).to_be_visible()
    verdaagd = summary_value(page, "Verdaagd")
    assert "met 6 weken" in verdaagd and "De deskundige heeft meer tijd nodig voor de metingen." in verdaagd
    expect(page.get_by_text("Beslistermijn verdagen", exact=True)).to_have_count(0)  # once only
    axe_check(page)
    assert ClockEvent.objects.filter(claim=fresh, kind=ClockEventKind.EXTEND).count() == 1

    # Notice of default: the term has lapsed, the form is on the dossier; then the penalty runs.
    page.goto(base + dossier_path(late))
    check_page(page, f"Zaak {late.reference}")
    expect(page.get_by_text(re.compile(r"\d+ dagen te laat"))).to_be_visible()
    page.goto(base + f"{dossier_path(late)}ingebrekestelling/")
    check_page(page, "Ingebrekestelling vastleggen")
    notice_on = late.decision_due + dt.timedelta(days=1)
    page.get_by_label("Ingebrekestelling ontvangen op").fill(notice_on.isoformat())
    page.get_by_label("Opmerking").fill("Brief van de advocaat.")
    press(page, "Ingebrekestelling vastleggen", to=dossier_path(late))
    expect(page.get_by_text("De ingebrekestelling is vastgelegd.")).to_be_visible()
    penalty = page.locator(".dossier-penalty")
    expect(penalty).to_contain_text("Dwangsom (artikel 4:17 Awb)")
    expect(penalty).to_contain_text("De dwangsom loopt elke dag op tot er een besluit is.")
    axe_check(page)
    assert ClockEvent.objects.get(claim=late, kind=ClockEventKind.DEFAULT_NOTICE).on_date == notice_on


# --- the coordinator: the team view and a reassignment ----------------------------------------------------------

def test_coordinator_reassigns_a_claim_on_the_team_view_with_a_reason(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = people()
    els = named(UserFactory(role=R.CASEWORKER), "Els", "Ramakers", "045 560 33 44")
    Team.objects.get(name="Team Heerlen").members.add(els)
    stuck = claim_for(cast, name="Jan Pelzer", days_ago=90)
    for i in range(3):
        claim_for(cast, guide=els, name=f"Bewoner E{i}", days_ago=i)
    urgent = claim_for(cast, name="Anna Wetzels", urgent=True)

    log_in(page, base, cast.coordinator, lands_on="/werk/")
    check_page(page, "Werkvoorraad: alle open zaken")

    page.goto(base + "/werk/team/")
    check_page(page, "Team: werkverdeling en aandacht")
    loads = page.get_by_role("table", name="Open zaken per zaakbegeleider")
    expect(loads).to_contain_text("Sanne Hermans")
    expect(loads).to_contain_text("Els Ramakers")
    overdue = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Termijn verstreken")))
    expect(overdue).to_contain_text(stuck.reference)

    # Ticked, but no guide and no reason: the form comes back, the claim still ticked.
    page.get_by_label(f"Kies {stuck.reference}").first.check()
    press(page, "Overdragen", to=r"/werk/team/")
    error_shown(page)
    assert page.get_by_label(f"Kies {stuck.reference}").first.is_checked()
    axe_check(page)

    page.get_by_label("Nieuwe zaakbegeleider").select_option(label="Els Ramakers")
    page.get_by_label("Reden van de overdracht").fill("Sanne heeft te veel zaken met een verstreken termijn.")
    page.get_by_label("Overdrachtsnotitie").fill("De bewoner wacht op een belafspraak.")
    press(page, "Overdragen", to=r"/werk/team/")
    expect(page.get_by_text("1 zaak is overgedragen aan Els Ramakers.")).to_be_visible()
    axe_check(page)

    stuck.refresh_from_db()
    assert stuck.caseworker == els
    move = Reassignment.objects.get(claim=stuck)
    assert move.reason == "Sanne heeft te veel zaken met een verstreken termijn."
    assert Note.objects.filter(claim=stuck, kind=Note.Kind.HANDOVER,
                               body="De bewoner wacht op een belafspraak.").exists()

    # The dossier shows the handover first.
    page.goto(base + dossier_path(stuck))
    check_page(page, f"Zaak {stuck.reference}")
    expect(page.locator("#overdracht-notitie")).to_contain_text("De bewoner wacht op een belafspraak.")
    assert summary_value(page, "Zaakbegeleider") == "Els Ramakers"

    # The coordinator's work pages on one claim: reassign it, record the safety visit of an urgent one.
    page.goto(base + f"{dossier_path(stuck)}overdragen/")
    check_page(page, "Zaak overdragen")
    press(page, "Zaak overdragen")
    error_shown(page)
    axe_check(page)
    page.goto(base + dossier_path(urgent))
    check_page(page, f"Zaak {urgent.reference}")
    page.goto(base + f"{dossier_path(urgent)}veiligheidsbezoek/")
    check_page(page, "Veiligheidsbezoek vastleggen")

    # Absences on the team view: the form sent empty comes back with its errors, then one is recorded and listed.
    page.goto(base + "/werk/team/")
    absence = form_with(page, "Afwezigheid vastleggen")
    press(page, "Afwezigheid vastleggen", to=r"/werk/team/afwezigheid/", scope=absence)
    error_shown(page)
    axe_check(page)
    absence = form_with(page, "Afwezigheid vastleggen")
    absence.get_by_label("Afwezige zaakbegeleider").select_option(label="Els Ramakers")
    absence.get_by_label("Vervanger").select_option(label="Sanne Hermans")
    absence.get_by_label("Van", exact=True).fill(work_day(3).isoformat())
    absence.get_by_label("Tot en met").fill(work_day(8).isoformat())
    press(page, "Afwezigheid vastleggen", to=r"/werk/team/", scope=absence)
    expect(page.get_by_role("table", name="Huidige en komende afwezigheid")).to_contain_text("Els Ramakers")
    axe_check(page)


# --- the resident: the appointment, who to call, an objection to the expert -------------------------------------

def test_resident_sees_the_appointment_and_the_substitute_and_objects_to_the_expert(live_server, page, tmp_path,
                                                                                   settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = people()
    cast.person.name = "Maria Janssen"
    cast.person.save(update_fields=["name"])
    stand_in = named(UserFactory(role=R.CASEWORKER), "Els", "Ramakers", "045 560 33 44")
    claim = cast.fire(claim_for(cast), "plan_inspection")
    inspection = planned_visit(claim, cast.caseworker)
    back = today() + dt.timedelta(days=7)
    Absence.objects.create(user=cast.caseworker, substitute=stand_in, starts_on=today(), ends_on=back,
                           reason="verlof")

    log_in(page, base, cast.resident, lands_on="/mijn/")
    click_and_wait(page, page.get_by_role("link", name=re.compile(claim.reference)).first,
                   to=f"/mijn/{claim.reference}/")
    page.wait_for_load_state()
    visit = page.locator(".portal-inspection")
    expect(visit).to_contain_text("Jos Vroemen")
    expect(visit).to_contain_text(timezone.localtime(inspection.starts_at).strftime("%H:%M"))
    expect(page.locator(".portal-substitute")).to_contain_text("Els Ramakers vervangt Sanne Hermans")
    expect(page.locator(".portal-substitute")).to_contain_text("045 560 33 44")
    axe_check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Zet in uw agenda (.ics)").click()
    ics = download.value.path().read_text()
    assert "BEGIN:VCALENDAR" in ics and claim.reference in ics

    click_and_wait(page, page.get_by_role("link", name="Bezwaar tegen de deskundige"),
                   to=f"/mijn/{claim.reference}/deskundige/bezwaar/")
    check_page(page, "Bezwaar tegen de deskundige")
    press(page, "Bezwaar versturen")
    error_shown(page)
    axe_check(page)
    page.get_by_label("Waarom hebt u bezwaar tegen deze deskundige?").fill("De deskundige is mijn buurman.")
    press(page, "Bezwaar versturen", to=f"/mijn/{claim.reference}/")
    expect(page.get_by_text("Wij hebben uw bezwaar tegen de deskundige ontvangen.")).to_be_visible()
    expect(page.locator(".portal-inspection")).to_contain_text("Uw bezwaar is ontvangen op")
    axe_check(page)
    objection = Message.objects.get(claim=claim, kind=Message.Kind.EXPERT_OBJECTION)
    assert "De deskundige is mijn buurman." in objection.body and objection.author == cast.resident

    # The substitute sees the claim in the caseload and the objection in the dossier, ready to replace the expert.
    press(page, "Uitloggen")
    log_in(page, base, stand_in, lands_on="/werk/")
    click_and_wait(page, page.get_by_role("link", name=claim.reference), to=dossier_path(claim))
    check_page(page, f"Zaak {claim.reference}")
    expect(page.locator("#opname")).to_contain_text("De deskundige is mijn buurman.")
    expect(page.locator("#opname details")).to_have_attribute("open", "")
