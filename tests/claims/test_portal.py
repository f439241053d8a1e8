"""The resident portal at /mijn/: the list, one claim's page, and every action, through the test client."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from claims import roles as R
from claims.models import (
    ClaimTransition,
    ClockEvent,
    Document,
    DocumentKind,
    Letter,
    Mandate,
    Message,
    OutgoingEmail,
)
from claims.timeutil import frozen, now, today
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

ACTIONS = ("portal_answer", "portal_response", "portal_objection", "portal_withdraw", "portal_callback",
           "portal_message")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def me(client, cast):
    client.force_login(cast.resident)
    return client


def page_url(claim, name="portal_claim") -> str:
    return reverse(f"claims:{name}", kwargs={"reference": claim.reference})


def text_of(response) -> str:
    """The page as a person reads it: tags gone, whitespace folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'").replace("&amp;", "&")


def jpeg(name="scheur.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.jpeg(), content_type="image/jpeg")


def exe(name="foto-van-de-gevel.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.windows_exe(), content_type="image/jpeg")


# --- access ----------------------------------------------------------------------------------------------

def test_anonymous_goes_to_the_login_page_and_staff_are_refused(client, cast):
    response = client.get(reverse("claims:portal"))
    assert response.status_code == 302 and reverse("claims:login") in response.url
    client.force_login(cast.caseworker)
    assert client.get(reverse("claims:portal")).status_code == 403


def test_the_list_shows_my_claims_the_ones_i_co_own_and_represent_and_nothing_else(client, cast):
    mine = claim_in(cast, "info_requested")
    draft = draft_claim(applicant=cast.person)
    _neighbour_user, neighbour = resident()
    co_owned = claim_in(Cast(), "intake")
    co_owned.co_applicants.add(cast.person)
    represented_cast = Cast()
    represented = claim_in(represented_cast, "inspection")
    Mandate.objects.create(principal=represented_cast.person, representative=cast.person, scope=Mandate.Scope.ALL,
                           valid_from=today() - dt.timedelta(days=10))
    expired_cast = Cast()
    expired = claim_in(expired_cast, "intake")
    Mandate.objects.create(principal=expired_cast.person, representative=cast.person, scope=Mandate.Scope.ALL,
                           valid_from=today() - dt.timedelta(days=100), valid_until=today() - dt.timedelta(days=1))
    others = claim_in(Cast(), "decided")
    draft_claim(applicant=neighbour)

    client.force_login(cast.resident)
    response = client.get(reverse("claims:portal"))
    assert response.status_code == 200
    page = text_of(response)
    for claim in (mine, draft, co_owned, represented):
        assert claim.reference in page
    for claim in (expired, others):
        assert claim.reference not in page
    assert f"Wij wachten op uw aanvulling, uiterlijk {_long(mine.reply_due)}." in page
    assert "Actie van u nodig:" in page
    assert "Uw zaakbegeleider bekijkt uw melding" in page  # the step in words, never the state code
    assert "info_requested" not in page and "Ontvankelijkheid" not in page
    assert "Nog niet verstuurd" in page
    assert f'href="{reverse("claims:report_start")}"' in response.content.decode()
    assert f'href="{reverse("claims:preferences")}"' in response.content.decode()
    assert f'href="{page_url(draft)}"' not in response.content.decode()  # a draft is continued, not viewed


def test_the_empty_list_explains_how_to_report_damage(client):
    user, _person = resident()
    client.force_login(user)
    page = text_of(client.get(reverse("claims:portal")))
    assert "U hebt nog geen meldingen." in page
    assert "Kloosterweg 22" in page and "045 000 00 00" in page


def test_another_residents_claim_is_a_404_on_every_page_and_action(client, cast):
    theirs = claim_in(Cast(), "info_requested")
    claim_in(cast, "info_requested")
    client.force_login(cast.resident)
    assert client.get(page_url(theirs)).status_code == 404
    for name in ACTIONS:
        assert client.get(page_url(theirs, name)).status_code == 404, name
        assert client.post(page_url(theirs, name), {"body": "Hallo", "phone": "045 123 45 67", "about": "other",
                                                     "grounds": "Oneens"}).status_code == 404, name
    assert client.get("/mijn/MS-2026-999999/").status_code == 404
    assert client.get("/mijn/MS-2026-12/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "info_requested" and not Message.objects.filter(claim=theirs).exists()


def test_a_representative_with_a_valid_mandate_may_act(client):
    principal_cast = Cast()
    claim = claim_in(principal_cast, "intake")
    rep_user, rep = resident()
    Mandate.objects.create(principal=principal_cast.person, representative=rep, scope=Mandate.Scope.CLAIM,
                           claim=claim, valid_from=today())
    client.force_login(rep_user)
    assert client.get(page_url(claim)).status_code == 200
    response = client.post(page_url(claim, "portal_message"), {"body": "Ik ben de gemachtigde."})
    assert response.status_code == 302
    assert Message.objects.get(claim=claim).author == rep_user


# --- one claim's page ----------------------------------------------------------------------------------

def _long(day):
    from claims.progress import long_date

    return long_date(day)


def test_info_requested_page_shows_the_question_deadline_and_suspension(me, cast):
    claim = claim_in(cast, "info_requested")
    response = me.get(page_url(claim))
    page = text_of(response)
    html = response.content.decode()
    assert page.index("Waar staat uw melding?") < page.index("De stappen van uw melding")  # status box first
    assert "Wij wachten op informatie van u" in page
    assert "Stuur ons foto's van de scheur in de gevel." in page
    assert f"Uiterlijk {_long(claim.reply_due)}." in page
    assert "Wanneer krijgt u ons besluit?" in page
    assert "De termijn staat nu stil." in page
    assert f"Wij wachten op informatie van u : sinds {today():%-d}" in page
    assert 'aria-current="step"' in html
    assert html.count('aria-current="step"') == 1
    assert page_url(claim, "portal_answer") in html
    assert page_url(claim, "portal_withdraw") in html
    assert page_url(claim, "portal_objection") not in html and page_url(claim, "portal_response") not in html


@pytest.mark.parametrize("state,texts,absent", [
    ("submitted", ["Wij hebben uw melding ontvangen", "U krijgt binnen 5 werkdagen een vaste zaakbegeleider",
                   "045 000 00 00"], ["portal_objection"]),
    ("inspection", ["Een deskundige bekijkt de schade", "De deskundige schrijft een adviesrapport",
                    "Wij moeten uiterlijk"], ["portal_answer", "portal_objection"]),
    ("response_period", ["U kunt reageren op het conceptadvies", "Reageren op het conceptadvies"],
     ["portal_answer", "portal_objection"]),
    ("decided", ["Wij hebben een besluit genomen", "Wij kennen u € 4.250,00 toe.", "Bezwaar maken kan tot en met"],
     ["portal_answer", "portal_withdraw"]),
    ("on_hold", ["Uw melding ligt stil op uw verzoek", "Aangehouden op uw verzoek", "ligt stil"],
     ["portal_answer"]),
    ("withdrawn", ["U hebt uw melding ingetrokken"], ["portal_withdraw", "portal_answer", "portal_objection"]),
    ("closed", ["Uw melding is afgerond"], ["portal_withdraw", "portal_objection"]),
])
def test_the_claim_page_per_state(me, cast, state, texts, absent):
    claim = claim_in(cast, state)
    response = me.get(page_url(claim))
    assert response.status_code == 200
    page = text_of(response)
    for text in texts:
        assert text in page, text
    for name in absent:
        assert page_url(claim, name) not in response.content.decode(), name
    if claim.caseworker_id:
        cast.caseworker.refresh_from_db()
        assert cast.caseworker.email in page


def test_the_guide_is_named_with_the_general_phone_and_their_email(me, cast):
    cast.caseworker.first_name, cast.caseworker.last_name = "Anouk", "Wetzels"
    cast.caseworker.save()
    claim = claim_in(cast, "intake")
    page = text_of(me.get(page_url(claim)))
    assert "Anouk Wetzels" in page and "045 000 00 00" in page and cast.caseworker.email in page


def test_internal_reasons_and_notes_are_never_shown(me, cast):
    claim = claim_in(cast, "response_period")
    cast.fire(claim, "revise_advice", reason="INTERN: de deskundige vergat de kelder")
    cast.fire(claim, "send_advice")
    cast.fire(claim, "hold", reason="INTERN: bewoner is opgenomen")
    claim.refresh_from_db()
    page = text_of(me.get(page_url(claim)))
    assert "INTERN" not in page
    assert "Uw melding ligt stil op uw verzoek" in page and "Aangehouden op uw verzoek" in page


def test_letters_ready_download_and_pending_say_they_are_being_made(me, cast):
    claim = claim_in(cast, "info_requested")  # a receipt and an info request letter, both still pending
    letter = claim.letters.get(kind="receipt")
    document = Document(claim=claim, kind=DocumentKind.LETTER, letter_kind="receipt", title="Ontvangstbevestiging",
                        original_name="receipt.pdf", sha256="a" * 64, size=2048, content_type="application/pdf")
    document.file.save("a" * 64, SimpleUploadedFile("x", b"%PDF-1.4"), save=False)
    document.save()
    Letter.objects.filter(pk=letter.pk).update(status="ready", document=document)
    expert_photo = Document(claim=claim, kind=DocumentKind.PHOTO, title="Werkfoto deskundige", sha256="b" * 64,
                            size=10, content_type="image/jpeg", uploaded_by=cast.expert)
    expert_photo.file.save("b" * 64, SimpleUploadedFile("y", b"x"), save=False)
    expert_photo.save()
    response = me.get(page_url(claim))
    html = response.content.decode()
    page = text_of(response)
    assert reverse("claims:document_download", args=[document.pk]) in html
    assert "Verzoek om aanvulling (wordt gemaakt)" in page
    assert reverse("claims:document_download", args=[expert_photo.pk]) not in html


def test_a_draft_page_offers_to_continue(me, cast):
    claim = draft_claim(applicant=cast.person)
    response = me.get(page_url(claim))
    page = text_of(response)
    assert "Nog niet verstuurd" in page
    assert reverse("claims:report_start") in response.content.decode()
    assert "Wat moet u doen?" in page  # the status box says it
    assert me.get(page_url(claim, "portal_message")).status_code == 302


def test_the_page_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    def claim_with(rounds: int, files: int):
        claim = claim_in(cast, "intake")
        for _ in range(rounds):
            cast.fire(claim, "request_info")
            cast.fire(claim, "receive_info")
        for n in range(files):
            Message.objects.create(claim=claim, direction="out", author=cast.caseworker, body=f"Bericht {n}")
            from claims.uploads import store_upload

            store_upload(claim=claim, file=jpeg(f"foto{n}.jpg"), kind="photo", actor=cast.resident)
        claim.refresh_from_db()
        return claim

    small = claim_with(0, 1)  # 2 transitions + 1 = 3 rows of each
    large = claim_with(14, 28)  # 30 transitions, 28 documents and messages, 15 letters
    assert large.transitions.count() == 30 and large.documents.count() == 28
    client.force_login(cast.resident)
    client.get(page_url(small))  # warm the per-process holiday cache
    with django_assert_max_num_queries(40) as few:
        assert client.get(page_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page_url(large))
    assert response.status_code == 200 and "foto27.jpg" in response.content.decode()
    with django_assert_max_num_queries(12) as list_queries:
        client.get(reverse("claims:portal"))
    for state in ("inspection", "decided", "on_hold", "submitted"):
        claim_in(cast, state)
    with django_assert_max_num_queries(len(list_queries.captured_queries)):
        assert client.get(reverse("claims:portal")).content.decode().count("portal-card") >= 6


# --- answering an info request ------------------------------------------------------------------------------

def test_answering_an_info_request_resumes_the_clock(me, cast):
    claim = claim_in(cast, "info_requested")
    assert me.get(page_url(claim, "portal_answer")).status_code == 200
    response = me.post(page_url(claim, "portal_answer"), {"body": "Hierbij de foto's.", "files": [jpeg()]})
    assert response.status_code == 302 and response.url == page_url(claim)
    claim.refresh_from_db()
    assert claim.status == "intake" and not claim.clock_suspended
    message = Message.objects.get(claim=claim)
    assert (message.kind, message.direction, message.author) == ("info_answer", "in", cast.resident)
    assert message.body.startswith("Hierbij de foto's.") and "scheur.jpg" in message.body
    assert ClockEvent.objects.filter(claim=claim, kind="resume", cause="info_request").exists()
    assert ClaimTransition.objects.filter(claim=claim, name="receive_info", actor=cast.resident).exists()
    assert Document.objects.filter(claim=claim, kind="other", uploaded_by=cast.resident).count() == 1
    page = text_of(me.get(response.url))
    assert "Wij hebben uw aanvulling ontvangen" in page
    assert "De termijn staat nu stil." not in page


def test_an_empty_answer_is_refused_with_a_message(me, cast):
    claim = claim_in(cast, "info_requested")
    response = me.post(page_url(claim, "portal_answer"), {"body": "  "})
    assert response.status_code == 400
    assert "Schrijf uw antwoord of voeg een bestand toe." in text_of(response)
    claim.refresh_from_db()
    assert claim.status == "info_requested"


def test_a_hostile_upload_loses_nothing_and_waits_for_confirmation(me, cast):
    claim = claim_in(cast, "info_requested")
    response = me.post(page_url(claim, "portal_answer"),
                       {"body": "Mijn antwoord staat hier.", "files": [jpeg("goed.jpg"), exe("gevel.jpg")]})
    assert response.status_code == 200
    page = text_of(response)
    assert "Eén bestand is niet opgeslagen" in page
    assert "gevel.jpg : Dit bestand kunnen wij niet gebruiken." in page
    assert "Mijn antwoord staat hier." in page  # the text is still in the form
    assert "goed.jpg" in page  # the good file is kept and listed
    kept = Document.objects.get(claim=claim, original_name="goed.jpg")
    assert f'value="{kept.pk}"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "info_requested" and not Message.objects.filter(claim=claim).exists()

    confirmed = me.post(page_url(claim, "portal_answer"), {"body": "Mijn antwoord staat hier.", "kept": str(kept.pk)})
    assert confirmed.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "intake"
    message = Message.objects.get(claim=claim, kind="info_answer")
    assert "goed.jpg" in message.body and "gevel.jpg" not in message.body
    assert Document.objects.filter(claim=claim).count() == 1


def test_kept_ids_cannot_name_someone_elses_document(me, cast):
    claim = claim_in(cast, "info_requested")
    other_cast = Cast()
    other = claim_in(other_cast, "intake")
    from claims.uploads import store_upload

    foreign = store_upload(claim=other, file=jpeg("vreemd.jpg"), kind="other", actor=other_cast.resident)
    me.post(page_url(claim, "portal_answer"), {"body": "Antwoord", "kept": str(foreign.pk)})
    assert "vreemd.jpg" not in Message.objects.get(claim=claim).body


# --- zienswijze -------------------------------------------------------------------------------------------------

def test_a_zienswijze_within_the_term_is_saved_without_a_transition(me, cast):
    claim = claim_in(cast, "response_period")
    page = text_of(me.get(page_url(claim, "portal_response")))
    assert f"U kunt reageren tot en met {_long(claim.reply_due)}." in page
    response = me.post(page_url(claim, "portal_response"),
                       {"body": "De scheur in de keuken staat er niet in.", "files": [jpeg("keuken.jpg")]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "response_period"
    message = Message.objects.get(claim=claim)
    assert message.kind == "response" and message.direction == "in" and "keuken.jpg" in message.body
    assert Document.objects.get(claim=claim).kind == "response"
    assert not claim.transitions.filter(created_at__gt=message.created_at).exists()


def test_a_zienswijze_after_the_reply_date_is_refused(me, cast):
    with frozen(now() - dt.timedelta(days=30)):
        claim = claim_in(cast, "response_period")
    assert claim.reply_due < today()
    page = text_of(me.get(page_url(claim, "portal_response")))
    assert "De tijd om te reageren is voorbij" in page
    response = me.post(page_url(claim, "portal_response"), {"body": "Te laat maar toch.", "files": [jpeg()]})
    assert response.status_code == 400
    page = text_of(response)
    assert "De tijd om te reageren op het conceptadvies is voorbij." in page
    assert "Te laat maar toch." in page  # shown back, so it can be sent as a message
    assert not Message.objects.filter(claim=claim).exists()
    assert not Document.objects.filter(claim=claim).exists()


# --- objection -------------------------------------------------------------------------------------------------

def test_an_objection_within_the_window(me, cast):
    claim = claim_in(cast, "decided")
    page = text_of(me.get(page_url(claim, "portal_objection")))
    assert f"U kunt bezwaar maken tot en met {_long(claim.objection_due)}." in page
    assert "Waarom bent u te laat?" not in page
    response = me.post(page_url(claim, "portal_objection"), {"grounds": "Het bedrag is te laag."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "objection" and claim.objection_decision_due
    transition = claim.transitions.get(name="file_objection")
    assert transition.reason == "Het bedrag is te laag." and transition.data["late"] is False
    assert Message.objects.get(claim=claim).kind == "objection"
    assert f"Wij beslissen uiterlijk {_long(claim.objection_decision_due)} op uw bezwaar." in text_of(
        me.get(response.url))


def test_a_late_objection_needs_the_reason_it_is_late(me, cast):
    with frozen(now() - dt.timedelta(days=60)):
        claim = claim_in(cast, "decided")
    assert claim.objection_due < today()
    page = text_of(me.get(page_url(claim, "portal_objection")))
    assert "De termijn voor bezwaar is voorbij" in page and "artikel 6:11" in page

    refused = me.post(page_url(claim, "portal_objection"), {"grounds": "Het bedrag is te laag.", "late_excuse": ""})
    assert refused.status_code == 400
    page = text_of(refused)
    assert "Schrijf op waarom u niet eerder bezwaar kon maken." in page
    assert "artikel 6:11" in page and "Het bedrag is te laag." in page
    claim.refresh_from_db()
    assert claim.status == "decided"

    accepted = me.post(page_url(claim, "portal_objection"),
                       {"grounds": "Het bedrag is te laag.", "late_excuse": "Ik lag zes weken in het ziekenhuis."})
    assert accepted.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "objection"
    data = claim.transitions.get(name="file_objection").data
    assert data == {"late": True, "late_excuse": "Ik lag zes weken in het ziekenhuis."}


def test_an_objection_to_a_not_admissible_decision(me, cast):
    claim = claim_in(cast, "not_admissible")
    assert me.post(page_url(claim, "portal_objection"), {"grounds": "Mijn huis ligt wel in Heerlen."}).status_code \
        == 302
    claim.refresh_from_db()
    assert claim.status == "objection"


# --- withdrawal, call back, message ---------------------------------------------------------------------------

def test_withdraw_asks_for_confirmation_then_withdraws(me, cast):
    claim = claim_in(cast, "inspection")
    assert "Weet u zeker dat u uw melding wilt intrekken?" in text_of(me.get(page_url(claim, "portal_withdraw")))
    response = me.post(page_url(claim, "portal_withdraw"), {"reason": "De schade is al hersteld."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "withdrawn"
    assert Message.objects.get(claim=claim).kind == "withdrawal"
    assert "Uw melding is ingetrokken." in text_of(me.get(response.url))
    again = me.get(page_url(claim, "portal_withdraw"))
    assert again.status_code == 302  # nothing left to withdraw


def test_a_call_back_request(me, cast):
    claim = claim_in(cast, "info_requested")
    letter = claim.letters.get(kind="info_request")
    Letter.objects.filter(pk=letter.pk).update(status="ready", document=_pdf_for(claim))
    bad = me.post(page_url(claim, "portal_callback"), {"phone": "12", "about": "other"})
    assert bad.status_code == 400
    assert "Vul een telefoonnummer in van 10 cijfers" in text_of(bad)
    response = me.post(page_url(claim, "portal_callback"),
                       {"phone": "045 123 45 67", "about": str(letter.pk), "question": "Welke foto's bedoelt u?"})
    assert response.status_code == 302
    message = Message.objects.get(claim=claim)
    assert message.kind == "callback" and message.phone == "045 123 45 67"
    assert "Verzoek om aanvulling" in message.body and "Welke foto's bedoelt u?" in message.body
    assert "Uw zaakbegeleider belt u binnen 2 werkdagen terug op 045 123 45 67." in text_of(me.get(response.url))
    assert OutgoingEmail.objects.filter(to=cast.caseworker.email, purpose="callback_request").exists()


def _pdf_for(claim):
    document = Document(claim=claim, kind=DocumentKind.LETTER, title="Brief", original_name="brief.pdf",
                        sha256="c" * 64, size=9, content_type="application/pdf")
    document.file.save("c" * 64, SimpleUploadedFile("x", b"%PDF-1.4"), save=False)
    document.save()
    return document


def test_a_message_from_the_claim_page_and_messages_both_ways(me, cast):
    claim = claim_in(cast, "intake")
    Message.objects.create(claim=claim, direction="out", author=cast.caseworker, body="Wij komen dinsdag langs.")
    empty = me.post(page_url(claim, "portal_message"), {"body": ""})
    assert empty.status_code == 400 and "Schrijf uw bericht." in text_of(empty)
    response = me.post(page_url(claim, "portal_message"), {"body": "Dinsdag past mij <goed>."})
    assert response.status_code == 302 and response.url == page_url(claim)
    assert "Uw bericht is verstuurd." in text_of(me.get(response.url))
    html = me.get(page_url(claim)).content.decode()
    assert "Wij komen dinsdag langs." in html
    assert escape("Dinsdag past mij <goed>.") in html and "<goed>" not in html
    assert Message.objects.get(claim=claim, direction="in").kind == "message"


def test_an_action_that_is_not_open_redirects_with_an_explanation(me, cast):
    claim = claim_in(cast, "intake")
    response = me.get(page_url(claim, "portal_answer"))
    assert response.status_code == 302 and response.url == page_url(claim)
    assert "Deze stap kan nu niet bij uw melding." in text_of(me.get(response.url))
    assert me.post(page_url(claim, "portal_objection"), {"grounds": "x"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_a_staff_member_who_is_not_a_resident_cannot_use_the_actions(client, cast):
    claim = claim_in(cast, "info_requested")
    coordinator = UserFactory(role=R.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(page_url(claim)).status_code == 403
    assert client.post(page_url(claim, "portal_answer"), {"body": "x"}).status_code == 403
