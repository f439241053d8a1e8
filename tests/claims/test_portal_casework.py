"""The resident's portal during casework (issue 4): who to call, the inspection appointment and its .ics file,
the objection to the chosen expert, messages from I3ML, and the advice report for the zienswijze."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from casework.models import Note
from claims import progress
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Absence, Inspection, Mandate, Message, OutgoingEmail, StaffProfile
from claims.services import portal as service
from claims.timeutil import frozen, now, today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def cast():
    cast = Cast()
    _name(cast.caseworker, "Anouk", "Wetzels")
    _name(cast.expert, "Ruud", "Cremers")
    return cast


@pytest.fixture
def me(client, cast):
    client.force_login(cast.resident)
    return client


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()


def page_url(claim, name="portal_claim") -> str:
    return reverse(f"claims:{name}", kwargs={"reference": claim.reference})


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'").replace("&amp;", "&")
    return text.replace(" .", ".")  # a link at the end of a sentence


def long(day) -> str:
    with translation.override("nl"):
        return progress.long_date(day)


def plan(claim, *, days_ahead: int = 7, start=(10, 0), minutes: int = 90) -> Inspection:
    """The visit as the case guide plans it (casework.services.inspection), straight on the row."""
    inspection = claim.inspections.get()
    day = today() + dt.timedelta(days=days_ahead)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(*start)))
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.PLANNED, starts_at=starts_at,
                                                       ends_at=starts_at + dt.timedelta(minutes=minutes))
    inspection.refresh_from_db()
    return inspection


# --- who to call ---------------------------------------------------------------------------------------------

def test_the_case_guide_is_the_contact_with_their_own_phone(me, cast):
    StaffProfile.objects.create(user=cast.caseworker, phone="045 571 23 86")
    claim = claim_in(cast, "intake")
    response = me.get(page_url(claim))
    page = text_of(response)
    assert "Uw contactpersoon Anouk Wetzels" in page
    assert "Telefoon: 045 571 23 86." in page and 'href="tel:0455712386"' in response.content.decode()
    assert "Bel uw zaakbegeleider Anouk Wetzels via 045 571 23 86." in page
    assert cast.caseworker.email in page
    assert "vervangt" not in page


def test_a_substitute_is_named_while_the_guide_is_away(me, cast):
    substitute = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Houben")
    StaffProfile.objects.create(user=substitute, phone="045 571 99 00")
    claim = claim_in(cast, "intake")
    back = today() + dt.timedelta(days=10)
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today() - dt.timedelta(days=2),
                           ends_on=back)
    page = text_of(me.get(page_url(claim)))
    assert f"Sanne Houben vervangt Anouk Wetzels tot en met {long(back)}. Bel 045 571 99 00." in page
    assert "Bel Sanne Houben via 045 571 99 00. Sanne Houben vervangt nu uw zaakbegeleider." in page
    assert cast.caseworker.email not in page  # the absent guide's mailbox is not the way in now
    # The action pages say the same.
    help_text = text_of(me.get(page_url(claim, "portal_withdraw")))
    assert "Hulp nodig? Bel Sanne Houben via 045 571 99 00" in help_text

    with frozen(timezone.make_aware(dt.datetime.combine(back + dt.timedelta(days=1), dt.time(9)))):
        after = text_of(me.get(page_url(claim)))
    assert "vervangt" not in after and "Bel uw zaakbegeleider Anouk Wetzels" in after


def test_a_substitute_whose_account_was_closed_is_not_named(me, cast):
    substitute = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Houben")
    StaffProfile.objects.create(user=substitute, phone="045 571 99 00")
    StaffProfile.objects.create(user=cast.caseworker, phone="045 571 23 86")
    claim = claim_in(cast, "intake")
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today() - dt.timedelta(days=2),
                           ends_on=today() + dt.timedelta(days=10))
    substitute.is_active = False  # she left after the absence was recorded
    substitute.save()
    page = text_of(me.get(page_url(claim)))
    assert "Sanne Houben" not in page and "045 571 99 00" not in page
    # The guide is away too: the general number finds someone who is in.
    assert "Telefoon: 045 000 00 00. Vraag naar Anouk Wetzels." in page


def test_a_callback_request_and_an_expert_objection_reach_the_substitute_while_the_guide_is_away(cast):
    substitute = UserFactory(role=R.CASEWORKER)
    claim = claim_in(cast, "inspection")
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today(),
                           ends_on=today() + dt.timedelta(days=10))
    service.callback_request(claim=claim, actor=cast.resident, phone="06 12345678", question="Mijn muur scheurt.")
    service.expert_objection_file(claim=claim, actor=cast.resident, reason="Hij is mijn zwager.")
    for purpose in ("callback_request", "expert_objection"):
        sent = OutgoingEmail.objects.filter(claim=claim, purpose=purpose)
        assert sorted(sent.values_list("to", flat=True)) == sorted([cast.caseworker.email, substitute.email])
        for email in sent:  # what the resident wrote stays in the dossier
            assert "06 12345678" not in email.body and "scheurt" not in email.body and "zwager" not in email.body
            assert claim.reference in email.subject


def test_no_mail_to_a_closed_account(cast):
    substitute = UserFactory(role=R.CASEWORKER)
    claim = claim_in(cast, "intake")
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today(),
                           ends_on=today() + dt.timedelta(days=10))
    for user in (cast.caseworker, substitute):
        user.is_active = False
        user.save()
    service.callback_request(claim=claim, actor=cast.resident, phone="06 12345678")
    assert not OutgoingEmail.objects.filter(purpose="callback_request").exists()
    assert Message.objects.filter(claim=claim, kind=Message.Kind.CALLBACK).exists()


def test_before_a_guide_is_assigned_the_general_number(me, cast):
    claim = claim_in(cast, "submitted")
    page = text_of(me.get(page_url(claim)))
    assert "U krijgt binnen 5 werkdagen een vaste zaakbegeleider." in page
    assert "Hebt u tot die tijd een vraag? Bel ons: 045 000 00 00." in page
    assert "Anouk Wetzels" not in page


def test_a_guide_without_an_own_number_is_asked_for_at_the_general_number(me, cast):
    claim = claim_in(cast, "intake")
    page = text_of(me.get(page_url(claim)))
    assert "Telefoon: 045 000 00 00. Vraag naar Anouk Wetzels." in page


# --- the appointment -------------------------------------------------------------------------------------------

def test_the_planned_appointment_with_expert_time_place_and_calendar_link(me, cast):
    claim = claim_in(cast, "inspection")
    inspection = plan(claim)
    response = me.get(page_url(claim))
    page = text_of(response)
    day = timezone.localtime(inspection.starts_at).date()
    assert "De schade-opname" in page
    assert "Deskundige Ruud Cremers" in page
    assert f"{long(day)}, van 10:00 tot 11:30 uur" in page
    assert f"Waar {claim.property}" in page
    assert "Zet in uw agenda (.ics)" in page
    assert page_url(claim, "portal_ics") in response.content.decode()
    # The status box tells the appointment too.
    assert f"De deskundige komt op {long(day)} om 10:00 uur." in page


def test_before_planning_the_page_says_we_plan_the_appointment(me, cast):
    claim = claim_in(cast, "inspection")
    response = me.get(page_url(claim))
    page = text_of(response)
    assert "Deskundige Ruud Cremers" in page
    assert "Wij plannen de afspraak. U krijgt een brief met de datum en de tijd." in page
    assert "Wij plannen nu de afspraak met de deskundige." in page  # the status box
    assert page_url(claim, "portal_ics") not in response.content.decode()
    assert me.get(page_url(claim, "portal_ics")).status_code == 404


def test_the_ics_file_for_the_resident(me, cast):
    claim = claim_in(cast, "inspection")
    inspection = plan(claim)
    response = me.get(page_url(claim, "portal_ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="afspraak-{claim.reference}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert f"inspection-{inspection.pk}@" in body and claim.reference in body
    assert "Ruud Cremers" in body.replace("\r\n ", "")  # the resident's version names the expert


def test_the_ics_file_is_a_404_for_anyone_but_the_resident_parties(client, cast):
    claim = claim_in(cast, "inspection")
    plan(claim)
    co_owner, co_person = resident()
    claim.co_applicants.add(co_person)
    representative, rep_person = resident()
    Mandate.objects.create(principal=cast.person, representative=rep_person, scope=Mandate.Scope.CLAIM,
                           claim=claim, valid_from=today())
    other_resident, _person = resident()
    url = page_url(claim, "portal_ics")
    expected = {
        co_owner: 200, representative: 200, other_resident: 404, cast.caseworker: 404, cast.expert: 404,
        cast.coordinator: 404, cast.desk: 404,
    }
    answers = {}
    for user in expected:
        client.force_login(user)
        answers[user] = client.get(url).status_code
    assert answers == expected
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_no_ics_while_on_hold_or_once_the_claim_moved_on(me, cast):
    claim = claim_in(cast, "inspection")
    plan(claim)
    cast.fire(claim, "hold")
    assert me.get(page_url(claim, "portal_ics")).status_code == 404
    assert "Zet in uw agenda" not in text_of(me.get(page_url(claim)))
    cast.fire(claim, "withdraw")
    claim.refresh_from_db()
    assert claim.held_from == "inspection"  # left behind by the hold; the claim is withdrawn all the same
    assert me.get(page_url(claim, "portal_ics")).status_code == 404
    assert "De schade-opname" not in text_of(me.get(page_url(claim)))
    with pytest.raises(TransitionRefused):
        service.expert_objection_file(claim=claim, actor=cast.resident, reason="Te laat.")


# --- objecting to the expert -------------------------------------------------------------------------------------

def test_an_objection_to_the_expert_within_the_term(me, cast):
    claim = claim_in(cast, "inspection")
    inspection = plan(claim)
    page = text_of(me.get(page_url(claim)))
    assert f"Dan kunt u bezwaar maken tot en met {long(inspection.objection_due)}." in page
    form_page = me.get(page_url(claim, "portal_expert_objection"))
    assert form_page.status_code == 200
    assert "Wij hebben deskundige Ruud Cremers gevraagd" in text_of(form_page)

    empty = me.post(page_url(claim, "portal_expert_objection"), {"reason": "  "})
    assert empty.status_code == 400 and "Schrijf op waarom u bezwaar hebt tegen de deskundige." in text_of(empty)
    assert not Message.objects.filter(claim=claim).exists()

    response = me.post(page_url(claim, "portal_expert_objection"), {"reason": "Hij is mijn zwager."})
    assert response.status_code == 302 and response.url == page_url(claim)
    message = Message.objects.get(claim=claim)
    assert (message.kind, message.direction, message.author) == ("expert_objection", "in", cast.resident)
    assert "Ruud Cremers" in message.body and "Hij is mijn zwager." in message.body
    assert OutgoingEmail.objects.filter(claim=claim, purpose="expert_objection", to=cast.caseworker.email).exists()

    after = me.get(page_url(claim))
    page = text_of(after)
    assert f"Uw bezwaar is ontvangen op {long(today())}." in page
    assert page_url(claim, "portal_expert_objection") not in after.content.decode()
    assert "Hij is mijn zwager." in page  # in the list of messages, as the resident's own
    # The form is gone too: the page sends the resident back with the date.
    again = me.get(page_url(claim, "portal_expert_objection"))
    assert again.status_code == 302
    assert f"Uw bezwaar is ontvangen op {long(today())}." in text_of(me.get(again.url))


def test_an_objection_after_the_term_is_refused_with_the_date(me, cast):
    claim = claim_in(cast, "inspection")
    inspection = plan(claim, days_ahead=21)
    late = timezone.make_aware(dt.datetime.combine(inspection.objection_due + dt.timedelta(days=1), dt.time(9)))
    with frozen(late):
        page = me.get(page_url(claim))
        assert page_url(claim, "portal_expert_objection") not in page.content.decode()
        form_page = text_of(me.get(page_url(claim, "portal_expert_objection")))
        assert "De tijd om bezwaar te maken is voorbij" in form_page
        assert f"Bezwaar maken tegen de deskundige kon tot en met {long(inspection.objection_due)}." in form_page
        response = me.post(page_url(claim, "portal_expert_objection"), {"reason": "Ik ken hem."})
        assert response.status_code == 400
        assert (f"De tijd om bezwaar te maken tegen de deskundige is voorbij. Dat kon tot en met "
                f"{long(inspection.objection_due)}.") in text_of(response)
        with pytest.raises(TransitionRefused) as refused:
            service.expert_objection_file(claim=claim, actor=cast.resident, reason="Ik ken hem.")
    assert refused.value.code == "expert_objection_late"
    assert not Message.objects.filter(claim=claim).exists()


def test_the_last_day_of_the_term_still_counts(cast):
    claim = claim_in(cast, "inspection")
    inspection = claim.inspections.get()
    with frozen(timezone.make_aware(dt.datetime.combine(inspection.objection_due, dt.time(23, 30)))):
        message = service.expert_objection_file(claim=claim, actor=cast.resident, reason="Hij is mijn buurman.")
    assert message.kind == Message.Kind.EXPERT_OBJECTION


def test_a_second_objection_to_the_same_expert_is_refused(cast):
    claim = claim_in(cast, "inspection")
    service.expert_objection_file(claim=claim, actor=cast.resident, reason="Hij is mijn zwager.")
    with pytest.raises(TransitionRefused) as refused:
        service.expert_objection_file(claim=claim, actor=cast.resident, reason="Nog een keer.")
    assert refused.value.code == "expert_objection_twice"
    assert long(today()) in str(refused.value.message)
    assert Message.objects.filter(claim=claim, kind="expert_objection").count() == 1


def test_once_handled_or_for_a_new_expert_an_objection_is_possible_again(cast):
    claim = claim_in(cast, "inspection")
    first = service.expert_objection_file(claim=claim, actor=cast.resident, reason="Hij is mijn zwager.")
    # The guide chose another expert (casework.services.inspection.inspection_replace_expert).
    new_expert = UserFactory(role=R.EXPERT, first_name="Els", last_name="Vroemen")
    Inspection.objects.filter(claim=claim).update(status=Inspection.Status.REPLACED)
    claim.expert = new_expert
    claim.save(update_fields=["expert"])
    Inspection.objects.create(claim=claim, expert=new_expert, chosen_on=today(),
                              objection_due=today() + dt.timedelta(days=14))
    second = service.expert_objection_file(claim=claim, actor=cast.resident, reason="Ook zij is familie.")
    assert "Els Vroemen" in second.body and first.pk != second.pk
    Message.objects.filter(pk=second.pk).update(handled_at=now())  # the guide kept the expert, and said so
    third = service.expert_objection_file(claim=claim, actor=cast.resident, reason="Ik blijf bij mijn bezwaar.")
    assert third.kind == "expert_objection"


def test_only_a_resident_party_may_object_to_the_expert(client, cast):
    claim = claim_in(cast, "inspection")
    other, _person = resident()
    for actor in (other, cast.caseworker, cast.coordinator, cast.expert, None):
        with pytest.raises(TransitionForbidden):
            service.expert_objection_file(claim=claim, actor=actor, reason="Niet mijn zaak.")
    client.force_login(other)
    assert client.get(page_url(claim, "portal_expert_objection")).status_code == 404
    assert client.post(page_url(claim, "portal_expert_objection"), {"reason": "x"}).status_code == 404
    client.force_login(cast.caseworker)
    assert client.post(page_url(claim, "portal_expert_objection"), {"reason": "x"}).status_code == 403
    assert not Message.objects.filter(claim=claim).exists()


def test_no_objection_to_the_expert_outside_the_inspection(me, cast):
    claim = claim_in(cast, "advice_draft")
    response = me.get(page_url(claim, "portal_expert_objection"))
    assert response.status_code == 302 and response.url == page_url(claim)
    with pytest.raises(TransitionRefused) as refused:
        service.expert_objection_file(claim=claim, actor=cast.resident, reason="Te laat bedacht.")
    assert refused.value.code == "not_now"
    done = claim_in(cast, "inspection")
    Inspection.objects.filter(claim=done).update(status=Inspection.Status.DONE)
    with pytest.raises(TransitionRefused):
        service.expert_objection_file(claim=done, actor=cast.resident, reason="Na het bezoek.")


# --- messages -------------------------------------------------------------------------------------------------

def test_messages_from_i3ml_and_from_the_resident_are_listed_but_never_notes(me, cast):
    claim = claim_in(cast, "inspection")
    Message.objects.create(claim=claim, direction=Message.Direction.OUT, author=cast.caseworker,
                           body="De deskundige belt u deze week voor een afspraak.")
    Message.objects.create(claim=claim, direction=Message.Direction.IN, author=cast.resident,
                           body="Ik ben dinsdag niet thuis.")
    Note.objects.create(claim=claim, author=cast.caseworker, body="INTERN: bewoner lastig bereikbaar")
    Note.objects.create(claim=claim, kind=Note.Kind.CALL, direction=Note.Direction.IN, author=cast.caseworker,
                        body="INTERN: belde over de planning", spoke_with="bewoner")
    response = me.get(page_url(claim))
    html = response.content.decode()
    page = text_of(response)
    assert "I3ML (Anouk Wetzels)" in page and "De deskundige belt u deze week voor een afspraak." in page
    assert "Ik ben dinsdag niet thuis." in page
    assert page.index("De deskundige belt u") < page.index("Ik ben dinsdag niet thuis.")  # oldest first
    assert "portal-message-out" in html and "portal-message-in" in html
    assert "INTERN" not in page


# --- the advice report ------------------------------------------------------------------------------------------

def add_report(claim, cast, name="adviesrapport.pdf"):
    return store_upload(claim=claim, file=SimpleUploadedFile(name, samples.png()), kind="advice_report",
                        actor=cast.expert)


def test_the_advice_report_is_not_shown_while_the_guide_checks_it(me, cast):
    claim = claim_in(cast, "advice_draft")
    report = add_report(claim, cast)
    response = me.get(page_url(claim))
    page = text_of(response)
    download = reverse("claims:document_download", args=[report.pk])
    assert download not in response.content.decode()
    assert "Het adviesrapport" not in page
    assert "U vindt het dan ook op deze pagina." in page  # the status box says it will come
    assert me.get(download).status_code == 404


def test_the_advice_report_on_the_claim_page_and_the_zienswijze_page(me, cast):
    claim = claim_in(cast, "advice_draft")
    report = add_report(claim, cast)
    cast.fire(claim, "send_advice")
    claim.refresh_from_db()
    download = reverse("claims:document_download", args=[report.pk])

    response = me.get(page_url(claim))
    page = text_of(response)
    assert "Het adviesrapport" in page and "Download het adviesrapport" in page
    assert response.content.decode().count(f'href="{download}"') == 2  # the box and the documents table
    assert "Het adviesrapport van de deskundige staat op deze pagina." in page

    zienswijze = me.get(page_url(claim, "portal_response"))
    assert zienswijze.status_code == 200
    assert f'href="{download}"' in zienswijze.content.decode()
    assert "Download het adviesrapport" in text_of(zienswijze)
    assert me.get(download).status_code == 200


def test_a_revised_report_shows_the_newest_first(me, cast):
    claim = claim_in(cast, "advice_draft")
    first = add_report(claim, cast, "versie-1.pdf")
    cast.fire(claim, "send_advice")
    cast.fire(claim, "revise_advice")
    claim.refresh_from_db()
    second = add_report(claim, cast, "versie-2.pdf")
    assert me.get(reverse("claims:document_download", args=[second.pk])).status_code == 404  # being checked
    cast.fire(claim, "send_advice")
    html = me.get(page_url(claim)).content.decode()
    newest = html.index(reverse("claims:document_download", args=[second.pk]))
    assert newest < html.index(reverse("claims:document_download", args=[first.pk]))


# --- progress texts -----------------------------------------------------------------------------------------------

def test_progress_tells_the_appointment_from_the_inspection(cast):
    claim = claim_in(cast, "inspection")
    inspection = claim.inspections.get()
    with translation.override("nl"):
        chosen = progress.status(claim, today=today(), inspection=inspection)
        planned_row = plan(claim)
        planned = progress.status(claim, today=today(), inspection=planned_row)
        Inspection.objects.filter(pk=inspection.pk).update(visited_at=now())
        planned_row.refresh_from_db()
        visited = progress.status(claim, today=today(), inspection=planned_row)
    assert "Wij plannen nu de afspraak met de deskundige." in chosen.meaning
    day = timezone.localtime(planned_row.starts_at).date()
    assert f"De deskundige komt op {long(day)} om 10:00 uur." in planned.meaning
    assert "De deskundige is bij u geweest." in visited.meaning
    assert chosen.title == planned.title == "Een deskundige bekijkt de schade"


def test_the_claim_page_in_inspection_runs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    claim = claim_in(cast, "inspection")
    plan(claim)
    service.expert_objection_file(claim=claim, actor=cast.resident, reason="Hij is mijn zwager.")
    client.force_login(cast.resident)
    client.get(page_url(claim))  # warm the per-process holiday cache
    with django_assert_max_num_queries(40) as few:
        assert client.get(page_url(claim)).status_code == 200
    for n in range(20):
        Message.objects.create(claim=claim, direction="out", author=cast.caseworker, body=f"Bericht {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Bericht 19" in client.get(page_url(claim)).content.decode()


# --- in the browser: the new parts of the portal pass axe ------------------------------------------------------

@pytest.fixture
def browser_page(request):
    """Playwright's page, or a skip when the run disabled the plugin (`-p no:playwright`)."""
    if not request.config.pluginmanager.has_plugin("playwright"):
        pytest.skip("the browser plugin is disabled in this run")
    return request.getfixturevalue("page")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_casework_parts_of_the_portal_are_accessible(live_server, browser_page, settings, tmp_path):
    from tests.e2e.axe import axe_check

    settings.MEDIA_ROOT = tmp_path / "files"
    page = browser_page
    cast = Cast()
    _name(cast.caseworker, "Anouk", "Wetzels")
    _name(cast.expert, "Ruud", "Cremers")
    substitute = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Houben")
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today(),
                           ends_on=today() + dt.timedelta(days=7))
    inspection_claim = claim_in(cast, "inspection")
    plan(inspection_claim)
    response_claim = claim_in(cast, "advice_draft")
    add_report(response_claim, cast)
    cast.fire(response_claim, "send_advice")

    client = Client()
    client.force_login(cast.resident)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])

    def visit(name, claim, heading):
        page.goto(live_server.url + page_url(claim, name))
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text().strip() == heading
        axe_check(page)

    visit("portal_claim", inspection_claim, f"Melding {inspection_claim.reference}")
    assert "Sanne Houben vervangt Anouk Wetzels" in page.locator(".portal-substitute").inner_text()
    assert page.get_by_role("link", name="Zet in uw agenda (.ics)").is_visible()
    page.get_by_role("link", name="Bezwaar tegen de deskundige").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Bezwaar versturen").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    axe_check(page)
    page.get_by_label("Waarom hebt u bezwaar tegen deze deskundige?").fill("Hij is mijn zwager.")
    page.get_by_role("button", name="Bezwaar versturen").click()
    page.wait_for_load_state()
    assert "Uw bezwaar is ontvangen op" in page.locator(".portal-inspection").inner_text()
    axe_check(page)

    visit("portal_claim", response_claim, f"Melding {response_claim.reference}")
    assert page.locator(".portal-advice").get_by_role("link", name="Download het adviesrapport").is_visible()
    visit("portal_response", response_claim, "Reageren op het conceptadvies")
