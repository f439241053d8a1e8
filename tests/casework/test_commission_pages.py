"""The commission's pages at /commissie/: who gets in, the queue and its order, the declaration before anything
else, the read-only review dossier, the advice form with its confirmation step, and a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import CommissionAdvice, Note, ReviewDeclaration
from casework.services.commission import review_declare
from casework.services.contact import note_add
from claims.models import ClaimTransition, DocumentKind, Message, Recusal
from claims.timeutil import frozen
from claims.uploads import store_upload
from tests.casework.test_dossier import text_of
from tests.claims.files import samples
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)
QUEUE = reverse("casework:commission_queue")
OTHER_ROLES = ["caseworker", "expert", "desk", "resident", "decision_maker", "finance", "coordinator"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def claim(cast):
    with frozen(START):
        claim = claim_in(cast, "commission_review", items=2)
    first, second = claim.damage_items.order_by("position")
    first.expert_verdict, first.repair_cost, first.measurements = "yes", Decimal("1000.00"), "Scheur 3 mm, 1 m lang"
    first.expert_notes = "Trapvormige scheur in het metselwerk."
    first.save()
    second.expert_verdict, second.repair_cost = "partly", Decimal("600.00")
    second.save()
    return claim


@pytest.fixture
def member(cast):
    return cast.commission


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def url(name, claim) -> str:
    return reverse(f"casework:{name}", kwargs={"reference": claim.reference})


def declare(client, claim, conflict="none", explanation=""):
    return client.post(url("commission_declare", claim), {"conflict": conflict, "explanation": explanation})


def advice_data(claim, *, action="check", **overrides) -> dict:
    first, second = claim.damage_items.order_by("position")
    data = {
        f"item{first.pk}-plausibility": "yes", f"item{first.pk}-amount": "1.000,00",
        f"item{first.pk}-reasoning": "Past bij de bodembeweging.",
        f"item{second.pk}-plausibility": "partly", f"item{second.pk}-percentage": "40",
        f"item{second.pk}-amount": "250,50", f"item{second.pk}-reasoning": "Deels krimp.",
        "advice-reasoning": "De schade komt grotendeels door mijnbouw.", "advice-inspection_allowance": "on",
        "action": action,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=AMS)


# --- who gets in -------------------------------------------------------------------------------------------------

def test_anonymous_visitors_go_to_the_login_page(client, claim):
    for address in (QUEUE, url("commission_claim", claim)):
        response = client.get(address)
        assert response.status_code == 302 and reverse("claims:login") in response.url
    for address in (url("commission_declare", claim), url("commission_advise", claim)):
        response = client.post(address, {})
        assert response.status_code == 302 and reverse("claims:login") in response.url
    assert not ReviewDeclaration.objects.exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_on_every_page(client, cast, claim, role):
    client.force_login(getattr(cast, role))
    assert client.get(QUEUE).status_code == 403
    assert client.get(url("commission_claim", claim)).status_code == 403
    assert declare(client, claim).status_code == 403
    assert client.post(url("commission_advise", claim), advice_data(claim, action="record")).status_code == 403
    assert not ReviewDeclaration.objects.exists() and not CommissionAdvice.objects.exists()


def test_a_claim_that_is_not_with_the_commission_is_a_404(member_client, cast):
    for state in ("response_period", "decision_pending"):
        other = claim_in(cast, state)
        assert member_client.get(url("commission_claim", other)).status_code == 404
        assert declare(member_client, other).status_code == 404
    assert member_client.get("/commissie/MS-2027-999999/").status_code == 404


# --- the queue ---------------------------------------------------------------------------------------------------

def test_the_queue_lists_urgent_first_then_the_longest_waiting(member_client, cast):
    with frozen(START):
        oldest = claim_in(cast, "commission_review", items=3)
    with frozen(START + dt.timedelta(days=5)):
        urgent = claim_in(cast, "commission_review", urgent=True, municipality="Kerkrade")
    with frozen(START + dt.timedelta(days=2)):
        middle = claim_in(cast, "commission_review", municipality="Brunssum")
    claim_in(cast, "response_period")  # not yet with the commission
    with frozen(START + dt.timedelta(days=12)):
        review_declare(claim=middle, member=cast.commission, has_conflict=False)
        response = member_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<th scope="row" class="ref-cell"><a [^>]*>(MS-[\d-]+)<', html) == [
        urgent.reference, oldest.reference, middle.reference]
    rows = {ref: text for ref, text in re.findall(r'<tr[^>]*>\s*<th scope="row"[^>]*><a[^>]*>(MS-[\d-]+)</a>(.*?)</tr>',
                                                  html, flags=re.S)}
    row = lambda ref: " ".join(re.sub(r"<[^>]+>", " ", rows[ref]).split())  # noqa: E731
    assert "Kerkrade" in row(urgent.reference) and "Acuut onveilig" in row(urgent.reference)
    assert "7 dagen" in row(urgent.reference) and "Nog niet verklaard" in row(urgent.reference)
    assert "Heerlen" in row(oldest.reference) and "12 dagen" in row(oldest.reference)
    assert re.search(r"\b3\b", row(oldest.reference))  # damage items
    assert "Geen belangenconflict" in row(middle.reference) and "10 dagen" in row(middle.reference)
    assert "3 zaken wachten op advies" in text_of(response)


def test_a_recused_claim_leaves_the_queue(member_client, cast, claim, member):
    review_declare(claim=claim, member=member, has_conflict=True, ground="neighbour")
    response = member_client.get(QUEUE)
    assert claim.reference not in response.content.decode()
    assert "Er wachten nu geen zaken op uw advies." in text_of(response)


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_runs_the_same_queries_for_3_and_30_claims(member_client, cast, member):
    claims = [claim_in(cast, "commission_review", items=1 + i % 3, urgent=(i == 1)) for i in range(3)]
    review_declare(claim=claims[0], member=member, has_conflict=False)
    member_client.get(QUEUE)  # warm per-process caches before counting
    small = _queue_queries(member_client)
    more = [claim_in(cast, "commission_review", items=1 + i % 4) for i in range(27)]
    for other in more[:5]:
        review_declare(claim=other, member=member, has_conflict=False)
    review_declare(claim=more[6], member=member, has_conflict=True, ground="relative")
    response = member_client.get(QUEUE)
    assert response.content.decode().count('<th scope="row" class="ref-cell">') == 29
    assert _queue_queries(member_client) == small
    print(f"commission queue: {small} queries for 3 and for 30 claims")
    assert small <= 8


# --- the declaration comes first --------------------------------------------------------------------------------

def test_before_declaring_the_member_sees_who_it_is_about_and_nothing_of_the_dossier(member_client, claim):
    response = member_client.get(url("commission_claim", claim))
    assert response.status_code == 200
    page = text_of(response)
    assert "hebt u een belangenconflict?" in page
    assert claim.applicant.name in page and str(claim.property) in page
    assert "Trapvormige scheur" not in page and "Uw advies over schadepunt" not in page
    assert url("commission_advise", claim) not in response.content.decode()


def test_no_conflict_opens_the_review(member_client, claim, member):
    response = declare(member_client, claim)
    assert response.status_code == 302 and response.url == url("commission_claim", claim)
    assert ReviewDeclaration.objects.get(claim=claim, member=member).has_conflict is False
    response = member_client.get(url("commission_claim", claim))
    assert response.status_code == 200
    assert "Uw advies over schadepunt 1" in text_of(response)


def test_a_conflict_recuses_and_the_claim_is_gone_after(member_client, claim, member):
    response = declare(member_client, claim, conflict="relative")
    assert response.status_code == 302 and response.url == QUEUE
    recusal = Recusal.objects.get(claim=claim, member=member)
    assert recusal.ground == "relative"
    assert ReviewDeclaration.objects.get(claim=claim, member=member).has_conflict is True
    assert member_client.get(url("commission_claim", claim)).status_code == 404
    assert member_client.post(url("commission_advise", claim), advice_data(claim, action="record")).status_code == 404
    assert url("commission_claim", claim) not in member_client.get(QUEUE).content.decode()
    # Sending the same declaration again lands on the queue, not on an error page.
    response = declare(member_client, claim, conflict="relative")
    assert response.status_code == 302 and response.url == QUEUE
    assert Recusal.objects.filter(claim=claim).count() == 1


def test_other_needs_an_explanation_and_a_choice_is_needed(member_client, claim):
    response = declare(member_client, claim, conflict="other")
    assert response.status_code == 400
    assert "Schrijf op wat het belangenconflict is." in text_of(response)
    response = member_client.post(url("commission_declare", claim), {})
    assert response.status_code == 400
    assert "Kies of u een belangenconflict hebt." in text_of(response)
    assert not ReviewDeclaration.objects.exists()
    response = declare(member_client, claim, conflict="other", explanation="Mijn oud-collega.")
    assert response.status_code == 302
    assert Recusal.objects.get(claim=claim).explanation == "Mijn oud-collega."


def test_declaring_twice_keeps_the_first(member_client, claim, member):
    declare(member_client, claim)
    response = declare(member_client, claim, conflict="neighbour")
    assert response.status_code == 302 and response.url == url("commission_claim", claim)
    assert ReviewDeclaration.objects.filter(claim=claim, member=member).count() == 1
    assert not Recusal.objects.exists()


def test_an_advice_before_declaring_sends_the_member_to_the_declaration(member_client, claim):
    response = member_client.post(url("commission_advise", claim), advice_data(claim, action="record"))
    assert response.status_code == 302 and response.url == url("commission_claim", claim)
    assert not CommissionAdvice.objects.exists()


# --- the review dossier ------------------------------------------------------------------------------------------

def test_the_review_shows_findings_photos_report_response_timeline_and_deadlines(member_client, cast, claim, member):
    first = claim.damage_items.order_by("position").first()
    photo = store_upload(claim=claim, file=SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png"),
                         kind=DocumentKind.PHOTO, actor=cast.expert, damage_item=first)
    report = store_upload(claim=claim, file=SimpleUploadedFile("rapport.pdf", samples.pdf(),
                                                               content_type="application/pdf"),
                          kind=DocumentKind.ADVICE_REPORT, actor=cast.expert, title="Adviesrapport deskundige")
    Message.objects.create(claim=claim, kind=Message.Kind.RESPONSE, direction=Message.Direction.IN,
                           author=cast.resident, body="De scheur in de keuken is ook door de mijn.")
    Message.objects.create(claim=claim, kind=Message.Kind.MESSAGE, direction=Message.Direction.IN,
                           author=cast.resident, body="Wanneer hoor ik iets?")
    note_add(claim=claim, actor=cast.caseworker, body="INTERN: bewoner is lastig")
    assert Note.objects.filter(claim=claim).exists()
    review_declare(claim=claim, member=member, has_conflict=False)

    response = member_client.get(url("commission_claim", claim))
    assert response.status_code == 200
    html, page = response.content.decode(), text_of(response)
    assert "Trapvormige scheur in het metselwerk." in page and "Scheur 3 mm, 1 m lang" in page
    assert "€ 1.000,00" in page and "Ja, mijnbouwschade" in page
    photo_url = reverse("claims:document_download", args=[photo.pk])
    report_url = reverse("claims:document_download", args=[report.pk])
    assert photo_url in html and report_url in html
    assert "De scheur in de keuken is ook door de mijn." in page.split("Zienswijze van de aanvrager")[1]
    assert "Naar de commissie gestuurd" in page  # the timeline
    assert "Wanneer hoor ik iets?" in page
    assert "INTERN" not in page and "intern" not in page.split("Tijdlijn")[-1]
    assert "Besluit uiterlijk" in page and 'id="termijnen"' in html
    assert "Verdagen" not in page and url("commission_advise", claim) in html
    # The member may open the photo and the report while the claim is with the commission.
    assert member_client.get(photo_url).status_code == 200
    assert member_client.get(report_url).status_code == 200


def test_the_photos_are_closed_to_a_member_who_stepped_aside(member_client, cast, claim, member):
    first = claim.damage_items.order_by("position").first()
    photo = store_upload(claim=claim, file=SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png"),
                         kind=DocumentKind.PHOTO, actor=cast.expert, damage_item=first)
    review_declare(claim=claim, member=member, has_conflict=True, ground="earlier")
    assert member_client.get(reverse("claims:document_download", args=[photo.pk])).status_code == 404


def test_the_page_explains_the_interest(member_client, claim, member):
    review_declare(claim=claim, member=member, has_conflict=False)
    with frozen(at(claim.decision_due + dt.timedelta(days=73))):
        page = text_of(member_client.get(url("commission_claim", claim)))
    assert "maal 6% per jaar" in page and "73 dagen geleden" in page
    with frozen(at(claim.decision_due - dt.timedelta(days=1))):
        page = text_of(member_client.get(url("commission_claim", claim)))
    assert "Die is nog niet voorbij, dus er komt geen rente bij." in page


# --- the advice form ---------------------------------------------------------------------------------------------

def test_check_shows_the_totals_and_records_nothing_then_record_moves_the_claim(member_client, claim, member):
    declare(member_client, claim)
    form_page = member_client.get(url("commission_claim", claim)).content.decode()
    token = re.search(r'name="advice-form_token" value="([0-9a-f]{32})"', form_page).group(1)
    with frozen(at(claim.decision_due + dt.timedelta(days=73))):
        response = member_client.post(url("commission_advise", claim),
                                      {**advice_data(claim), "advice-form_token": token})
        assert response.status_code == 200
        page = text_of(response)
        assert "Advies controleren" in page
        assert "€ 1.250,50" in page and "€ 150,00" in page and "€ 15,01" in page and "€ 1.415,51" in page
        assert "Gedeeltelijk (40%)" in page and "73 dagen na de beslistermijn" in page
        assert not CommissionAdvice.objects.exists()

        # The confirmation page carries everything in hidden fields; sending it records the advice.
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.content.decode()))
        assert hidden["advice-inspection_allowance"] == "True" and hidden["advice-form_token"] == token
        response = member_client.post(url("commission_advise", claim), {**hidden, "action": "record"})
    assert response.status_code == 302 and response.url == QUEUE
    advice = CommissionAdvice.objects.get(claim=claim)
    assert (advice.items_total, advice.inspection_allowance, advice.statutory_interest, advice.total) == (
        Decimal("1250.50"), Decimal("150.00"), Decimal("15.01"), Decimal("1415.51"))
    claim.refresh_from_db()
    assert claim.status == "decision_pending"
    assert ClaimTransition.objects.get(claim=claim, name="advise").actor == member
    # Sent twice (a double click): the queue with a note, no second advice; the claim itself is now a 404.
    response = member_client.post(url("commission_advise", claim), {**hidden, "action": "record"}, follow=True)
    assert "Het advies is één keer vastgelegd." in text_of(response)
    assert CommissionAdvice.objects.count() == 1
    assert member_client.get(url("commission_claim", claim)).status_code == 404


def test_change_goes_back_to_the_form_with_everything_typed(member_client, claim):
    declare(member_client, claim)
    response = member_client.post(url("commission_advise", claim), advice_data(claim, action="change"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="1.000,00"' in html and "De schade komt grotendeels door mijnbouw." in html
    assert not CommissionAdvice.objects.exists()


def _second(claim):
    return claim.damage_items.order_by("position")[1]


@pytest.mark.parametrize("overrides,message", [
    (lambda c: {f"item{_second(c).pk}-percentage": ""},
     "Vul bij ‘gedeeltelijk’ een percentage in van 1 tot en met 99."),
    (lambda c: {f"item{_second(c).pk}-percentage": "100"}, "Vul een getal in van 1 tot en met 99."),
    (lambda c: {f"item{_second(c).pk}-plausibility": "no"}, "Bij ‘nee’ is het bedrag 0."),
    (lambda c: {f"item{_second(c).pk}-amount": "-5"}, "Vul een bedrag in van nul of meer"),
    (lambda c: {f"item{_second(c).pk}-amount": ""}, "Vul het bedrag in."),
    (lambda c: {f"item{_second(c).pk}-reasoning": ""}, "Schrijf de motivering voor dit schadepunt."),
    (lambda c: {f"item{_second(c).pk}-plausibility": None}, "Kies ja, gedeeltelijk of nee."),
    (lambda c: {"advice-reasoning": ""}, "Schrijf de algemene motivering."),
])
@pytest.mark.parametrize("action", ["check", "record"])
def test_a_form_with_mistakes_comes_back_with_its_errors(member_client, claim, overrides, message, action):
    declare(member_client, claim)
    response = member_client.post(url("commission_advise", claim), advice_data(claim, action=action,
                                                                               **overrides(claim)))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page and "Er ging iets mis" in page
    assert "Past bij de bodembeweging." in response.content.decode()  # what was typed stays
    assert not CommissionAdvice.objects.exists()
    claim.refresh_from_db()
    assert claim.status == "commission_review"


def test_no_with_zero_or_empty_amount_is_fine(member_client, claim):
    declare(member_client, claim)
    second = _second(claim)
    data = advice_data(claim, action="record", **{
        f"item{second.pk}-plausibility": "no", f"item{second.pk}-amount": "", f"item{second.pk}-percentage": "",
        "advice-inspection_allowance": None})
    with frozen(at(claim.decision_due)):
        response = member_client.post(url("commission_advise", claim), data)
    assert response.status_code == 302
    advice = CommissionAdvice.objects.get(claim=claim)
    assert advice.total == Decimal("1000.00") and advice.inspection_allowance == Decimal("0.00")
    assert advice.items.get(damage_item=second).amount == Decimal("0.00")


def test_a_refusal_of_the_service_comes_back_as_409_with_everything_typed(member_client, claim):
    declare(member_client, claim)
    first, second = claim.damage_items.order_by("position")
    # Each amount is fine on its own; together they are more than an advice can hold.
    data = advice_data(claim, action="record", **{f"item{first.pk}-amount": "9.000.000.000,00",
                                                  f"item{second.pk}-amount": "9.000.000.000,00"})
    response = member_client.post(url("commission_advise", claim), data)
    assert response.status_code == 409
    assert "Het totaal is te hoog." in text_of(response)
    assert 'value="9.000.000.000,00"' in response.content.decode()
    assert not CommissionAdvice.objects.exists()


def test_the_member_who_stepped_aside_cannot_post_an_advice(member_client, claim, member):
    review_declare(claim=claim, member=member, has_conflict=True, ground="neighbour")
    response = member_client.post(url("commission_advise", claim), advice_data(claim, action="record"))
    assert response.status_code == 404
    assert not CommissionAdvice.objects.exists()


def test_the_review_page_runs_the_same_queries_whatever_the_size_of_the_dossier(member_client, cast, claim, member):
    review_declare(claim=claim, member=member, has_conflict=False)
    address = url("commission_claim", claim)
    member_client.get(address)  # warm per-process caches before counting
    with CaptureQueriesContext(connection) as small:
        assert member_client.get(address).status_code == 200
    for position in range(3, 13):
        item = claim.damage_items.create(position=position, location=f"Kamer {position}", kind="crack",
                                         description="Scheur")
        store_upload(claim=claim, file=SimpleUploadedFile("s.png", samples.png(), content_type="image/png"),
                     kind=DocumentKind.PHOTO, actor=cast.expert, damage_item=item)
        Message.objects.create(claim=claim, kind=Message.Kind.RESPONSE, direction=Message.Direction.IN,
                               body=f"Reactie {position}")
    with CaptureQueriesContext(connection) as large:
        response = member_client.get(address)
    assert "Uw advies over schadepunt 12" in text_of(response)
    assert len(large) == len(small)
