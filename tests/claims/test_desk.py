"""The desk (loket): look-up, filing on a resident's behalf, scans, the receipt and its one-time code."""

import io
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from pypdf import PdfWriter

from claims import roles as R
from claims.models import AccessCode, Channel, Claim, ClaimTransition, Document, Letter, OutgoingEmail, Person, Property
from claims.services import claim_transition
from claims.timeutil import local_date, now
from tests.factories import Cast, PersonFactory, PropertyFactory, UserFactory, draft_claim

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")
HOSTILE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def desk_client(client, cast):
    client.force_login(cast.desk)
    return client


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def new_claim_data(**overrides) -> dict:
    data = {
        "name": "M. Hendriks",
        "phone": "045 123 45 67",
        "email": "",
        "postal_address": "",
        "preferred_channel": "paper",
        "language": "nl",
        "postcode": "6411 ab",
        "house_number": "12",
        "addition": "",
        "street": "Akerstraat",
        "town": "Heerlen",
        "municipality": "Heerlen",
        "municipality_other": "",
        "channel": "desk",
        "owner_occupied": "yes",
        "in_owners_association": "no",
        "description": "",
        "item1_location": "Woonkamer",
        "item1_kind": "crack",
        "item1_description": "Scheur van 3 mm boven de deur naar de gang.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def desk_filed(cast, *, applicant=None, desk=None, **kwargs) -> Claim:
    desk = desk or cast.desk
    claim = draft_claim(applicant=applicant or cast.person, filed_by=desk, **kwargs)
    return claim_transition(claim=claim, name="submit", actor=desk)


def online_filed(cast, applicant=None) -> Claim:
    applicant = applicant or cast.person
    claim = draft_claim(applicant=applicant)
    return claim_transition(claim=claim, name="submit", actor=applicant.user)


def search(client, **params):
    return client.get(reverse("claims:desk"), params)


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [R.RESIDENT, R.CASEWORKER, R.EXPERT, R.FINANCE])
@pytest.mark.parametrize("url_name", ["claims:desk", "claims:desk_new"])
def test_only_desk_and_coordinators_may_open_the_desk(client, role, url_name):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("role", [R.DESK, R.COORDINATOR])
def test_desk_and_coordinator_open_the_desk(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("claims:desk"))
    assert response.status_code == 200
    assert "Loket: bewoner zoeken" in response.text


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("claims:desk"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("claims:login"))


def test_another_desk_employee_gets_404_on_every_claim_page(client, cast):
    claim = desk_filed(cast)
    client.force_login(UserFactory(role=R.DESK))
    ref = claim.reference
    assert client.get(reverse("claims:desk_claim", args=[ref])).status_code == 404
    assert client.get(reverse("claims:desk_receipt", args=[ref])).status_code == 404
    assert client.post(reverse("claims:desk_scan", args=[ref]), {"scans": upload("a.pdf", pdf_bytes())}
                       ).status_code == 404
    assert client.post(reverse("claims:desk_activation", args=[ref])).status_code == 404
    assert not Document.objects.filter(claim=claim).exists()


def test_a_claim_filed_online_is_404_for_the_desk(desk_client, cast):
    claim = online_filed(cast)
    assert desk_client.get(reverse("claims:desk_claim", args=[claim.reference])).status_code == 404
    assert desk_client.get(reverse("claims:desk_receipt", args=[claim.reference])).status_code == 404


# --- look-up -----------------------------------------------------------------------------------------


def test_search_by_name_shows_details_only_of_claims_the_desk_filed(desk_client, cast):
    own = desk_filed(cast)
    other = online_filed(cast)
    response = search(desk_client, name=cast.person.name[-6:].lower())
    page = response.text
    assert response.status_code == 200
    assert cast.person.name in page
    assert reverse("claims:desk_claim", args=[own.reference]) in page
    assert str(own.property) in page
    # The other claim: reference and status only, no link, no address.
    assert other.reference in page
    assert reverse("claims:desk_claim", args=[other.reference]) not in page
    assert str(other.property) not in page
    assert f"?person_id={cast.person.pk}&amp;property_id={other.property.pk}" not in page
    assert f"?person_id={cast.person.pk}&amp;property_id={own.property.pk}" in page


def test_search_by_postcode_and_number_finds_the_home_and_its_residents(desk_client, cast):
    home = PropertyFactory(postcode="6412CD", house_number=7, house_number_addition="A", street="Kerkplein")
    PropertyFactory(postcode="6412CD", house_number=7, house_number_addition="B", street="Kerkplein")
    claim = draft_claim(applicant=cast.person, filed_by=cast.desk)
    claim.property = home
    claim.save(update_fields=["property"])
    claim_transition(claim=claim, name="submit", actor=cast.desk)
    stranger = PersonFactory(name="Iemand Anders")

    response = search(desk_client, postcode="6412 cd", house_number="7", addition="a")
    page = response.text
    assert "Kerkplein 7-A" in page
    assert "Kerkplein 7-B" not in page  # the addition narrows the search
    assert cast.person.name in page  # linked through the claim on the home
    assert stranger.name not in page
    assert "In het mijnbouwschadegebied" in page
    assert f"?property_id={home.pk}" in page

    every_addition = search(desk_client, postcode="6412CD", house_number="7").text
    assert "Kerkplein 7-A" in every_addition and "Kerkplein 7-B" in every_addition


def test_search_by_reference_accepts_a_loosely_typed_number(desk_client, cast):
    claim = online_filed(cast)
    number = int(claim.reference.rsplit("-", 1)[1])
    response = search(desk_client, reference=f"ms {claim.reference[3:7]} {number}")
    page = response.text
    assert claim.reference in page
    assert cast.person.name in page
    assert str(claim.property) in page  # the home itself is a look-up result
    assert reverse("claims:desk_claim", args=[claim.reference]) not in page
    assert "Ingediend" in page


def test_search_hides_a_residents_unsent_draft(desk_client, cast):
    draft = draft_claim(applicant=cast.person)
    page = search(desk_client, name=cast.person.name).text
    assert cast.person.name in page
    assert draft.reference not in page


def test_an_empty_search_asks_for_a_criterion(desk_client):
    response = search(desk_client, name="", postcode="", house_number="", reference="")
    assert "Vul een naam, een postcode met huisnummer of een zaaknummer in." in response.text


@pytest.mark.parametrize("params,message", [
    ({"postcode": "6411AB"}, "Vul ook het huisnummer in."),
    ({"house_number": "12"}, "Vul ook de postcode in."),
    ({"postcode": "12345"}, "Vul een Nederlandse postcode in"),
    ({"reference": "zaak 12"}, "Vul een zaaknummer in zoals MS-2026-000123."),
    ({"name": "a"}, "Vul ten minste twee letters van de naam in."),
])
def test_search_input_errors_are_explained(desk_client, params, message):
    response = search(desk_client, **params)
    assert message in response.text
    assert "aria-invalid" in response.text


def test_no_result_offers_a_new_claim_with_what_was_typed(desk_client):
    response = search(desk_client, name="Nieuw Persoon", postcode="6411AB", house_number="99")
    page = response.text
    assert "Er is geen bewoner en geen woning gevonden" in page
    assert "name=Nieuw+Persoon" in page and "postcode=6411AB" in page and "house_number=99" in page
    prefilled = desk_client.get(reverse("claims:desk_new"), {"name": "Nieuw Persoon", "postcode": "6411AB"})
    assert 'value="Nieuw Persoon"' in prefilled.text


def test_results_are_limited_and_ordered(desk_client):
    for n in range(30):
        PersonFactory(name=f"Smeets {n:02d}")
    response = search(desk_client, name="smeets")
    persons = response.context["results"].persons
    assert len(persons) == 25
    assert [p.name for p in persons] == sorted(p.name for p in persons)
    assert "Er zijn meer dan 25 bewoners gevonden" in response.text


def test_search_runs_a_fixed_number_of_queries(desk_client, cast, django_assert_max_num_queries):
    for n in range(3):
        person = PersonFactory(name=f"Vroemen {n}")
        desk_filed(cast, applicant=person)
    with django_assert_max_num_queries(12) as few:
        search(desk_client, name="vroemen")
    for n in range(3, 12):
        person = PersonFactory(name=f"Vroemen {n}")
        desk_filed(cast, applicant=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        search(desk_client, name="vroemen")


# --- filing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.DESK, Channel.PHONE, Channel.POST])
def test_filing_for_a_new_resident_without_account(desk_client, cast, channel):
    response = desk_client.post(reverse("claims:desk_new"), new_claim_data(channel=channel))
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("claims:desk_receipt", args=[claim.reference])

    person = Person.objects.get(name="M. Hendriks")
    home = Property.objects.get(postcode="6411AB", house_number=12)
    assert (claim.applicant, claim.property, claim.channel) == (person, home, channel)
    assert person.user is None and person.preferred_channel == "paper" and person.digital_consent_at is None
    assert claim.status == "submitted" and claim.filed_by == cast.desk and claim.decision_due is not None
    assert claim.owner_occupied is True and claim.in_owners_association is False
    assert list(claim.damage_items.values_list("location", "kind")) == [("Woonkamer", "crack")]
    submit = ClaimTransition.objects.get(claim=claim, name="submit")
    assert submit.actor == cast.desk and submit.to_state == "submitted"
    assert Letter.objects.filter(claim=claim, kind="receipt").exists()

    access = AccessCode.objects.get(person=person, purpose=AccessCode.Purpose.ACTIVATE)
    receipt = desk_client.get(response.url)
    codes = CODE.findall(receipt.text)
    assert len(codes) == 1, "the code is on the receipt right after filing"
    code = codes[0]
    assert "mijnschade.i3ml.nl/activeren" in receipt.text
    assert code not in access.code_hash and code.replace("-", "") not in access.code_hash
    # Never stored in plaintext: not in the session table either (the session lives in the database).
    for session in Session.objects.all():
        assert code not in session.session_data and code not in str(session.get_decoded())
    assert receipt["Cache-Control"].startswith("max-age=0") or "no-cache" in receipt["Cache-Control"]

    reprint = desk_client.get(response.url)
    assert not CODE.search(reprint.text)
    assert "Op deze afdruk staat geen activeringscode" in reprint.text


def test_the_receipt_has_what_the_resident_needs(desk_client, cast):
    cast.desk.first_name, cast.desk.last_name = "Anouk", "Wetzels"
    cast.desk.save()
    response = desk_client.post(reverse("claims:desk_new"), new_claim_data(
        item2_location="Gevel achterkant", item2_kind="subsidence", item2_description="De gevel zakt weg."))
    claim = Claim.objects.get()
    page = desk_client.get(response.url).text
    assert claim.reference in page
    assert "M. Hendriks" in page and "Akerstraat 12" in page and "6411 AB Heerlen" in page
    assert "Scheur van 3 mm" in page and "De gevel zakt weg." in page
    assert "Anouk Wetzels" in page
    assert "Wat gebeurt er nu?" in page
    from django.utils.formats import date_format
    assert date_format(claim.decision_due, "l j F Y") in page
    assert date_format(local_date(claim.submitted_at), "l j F Y") in page
    assert 'src="/static/js/print.js"' in page and "<script>" not in page
    assert "Gebruik Ctrl+P om af te drukken." in page


def test_filing_for_a_found_person_and_home_reuses_them(desk_client, cast):
    earlier = desk_filed(cast)
    persons, homes = Person.objects.count(), Property.objects.count()
    form = desk_client.get(reverse("claims:desk_new"),
                           {"person_id": cast.person.pk, "property_id": earlier.property.pk})
    assert cast.person.name in form.text and 'name="person_id"' in form.text
    data = new_claim_data(person_id=cast.person.pk, property_id=earlier.property.pk, name="", postcode="",
                          house_number="", street="", town="", municipality="")
    response = desk_client.post(reverse("claims:desk_new"), data)
    assert response.status_code == 302
    claim = Claim.objects.exclude(pk=earlier.pk).get()
    assert (claim.applicant, claim.property) == (cast.person, earlier.property)
    assert (Person.objects.count(), Property.objects.count()) == (persons, homes)
    # This resident has an account: no activation code.
    assert not AccessCode.objects.filter(person=cast.person).exists()
    page = desk_client.get(response.url).text
    assert not CODE.search(page) and "geen activeringscode" not in page


def test_a_typed_address_that_is_known_uses_the_known_home(desk_client):
    known = PropertyFactory(postcode="6411AB", house_number=12, street="Akerstraat")
    response = desk_client.post(reverse("claims:desk_new"), new_claim_data(street="Akerstr.", addition=""))
    assert response.status_code == 302
    assert Claim.objects.get().property == known
    assert Property.objects.count() == 1
    page = desk_client.get(response.url).text
    assert "Dit adres was al bekend" in page


def test_a_home_outside_the_area_is_still_received(desk_client):
    data = new_claim_data(municipality="other", municipality_other="Maastricht", town="Maastricht",
                          postcode="6211AA")
    response = desk_client.post(reverse("claims:desk_new"), data)
    assert response.status_code == 302
    home = Claim.objects.get().property
    assert (home.municipality, home.in_mining_area) == ("Maastricht", False)


def test_a_tampered_person_id_is_refused(desk_client):
    response = desk_client.post(reverse("claims:desk_new"), new_claim_data(person_id="999999"))
    assert response.status_code == 400
    assert "De gekozen bewoner is niet gevonden" in response.text
    assert not Claim.objects.exists()


def test_missing_answers_are_explained_and_nothing_typed_is_lost(desk_client):
    data = new_claim_data(name="", item1_description="", owner_occupied=None, item2_location="Keuken")
    response = desk_client.post(reverse("claims:desk_new"), data)
    page = response.text
    assert response.status_code == 400
    assert "Vul de naam van de bewoner in." in page
    assert "Beschrijf de schade." in page
    assert "Kies ja of nee." in page
    assert "Vul dit ook in, of maak schade 2 helemaal leeg." in page
    assert 'value="Akerstraat"' in page and 'value="Keuken"' in page
    assert not Claim.objects.exists() and not Person.objects.filter(name="").exists()


def test_digital_letters_need_consent_and_record_it(desk_client):
    refused = desk_client.post(reverse("claims:desk_new"),
                               new_claim_data(preferred_channel="digital", email="m@example.nl"))
    assert refused.status_code == 400
    assert "Digitaal kan alleen met toestemming van de bewoner" in refused.text
    before = now()
    accepted = desk_client.post(reverse("claims:desk_new"), new_claim_data(
        preferred_channel="digital", digital_consent="on", email="m@example.nl"))
    assert accepted.status_code == 302
    person = Person.objects.get(name="M. Hendriks")
    assert person.preferred_channel == "digital" and person.digital_consent_at >= before


def test_an_urgent_report_is_flagged_and_alerts_the_coordinator(desk_client, cast):
    desk_client.post(reverse("claims:desk_new"), new_claim_data(urgent="on"))
    claim = Claim.objects.get()
    assert claim.urgent and claim.safety_visit_due is not None
    assert OutgoingEmail.objects.filter(claim=claim, purpose="urgent_alert", to=cast.coordinator.email).exists()
    assert "U hebt een onveilige situatie gemeld" in desk_client.get(
        reverse("claims:desk_receipt", args=[claim.reference])).text


# --- scans ---------------------------------------------------------------------------------------------


def test_a_hostile_scan_is_refused_but_the_claim_is_filed(desk_client, cast):
    data = new_claim_data(scans=[upload("scan.pdf", HOSTILE), upload("brief.pdf", pdf_bytes())])
    response = desk_client.post(reverse("claims:desk_new"), data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.status == "submitted"
    stored = Document.objects.get(claim=claim)
    assert (stored.kind, stored.original_name, stored.uploaded_by) == ("scan", "brief.pdf", cast.desk)
    page = desk_client.get(response.url).text
    assert "Het bestand ‘scan.pdf’ is niet opgeslagen." in page
    assert "1 scan is opgeslagen." in page
    assert CODE.search(page), "the refused scan does not cost the activation code either"


def test_scans_can_be_added_on_the_claim_page(desk_client, cast):
    claim = desk_filed(cast)
    url = reverse("claims:desk_scan", args=[claim.reference])
    refused = desk_client.post(url, {"scans": [upload("scan.pdf", HOSTILE)]}, follow=True)
    assert "Het bestand ‘scan.pdf’ is niet opgeslagen." in refused.text
    assert not Document.objects.filter(claim=claim).exists()
    added = desk_client.post(url, {"scans": [upload("taxatie.pdf", pdf_bytes())]}, follow=True)
    assert "1 scan is opgeslagen." in added.text
    assert "taxatie.pdf" in added.text
    assert Document.objects.filter(claim=claim, kind="scan").count() == 1
    empty = desk_client.post(url, {})
    assert empty.status_code == 400 and "Kies ten minste één bestand." in empty.text


# --- a new activation code ------------------------------------------------------------------------------


def test_a_new_activation_code_voids_the_old_one_and_is_shown_once(desk_client):
    response = desk_client.post(reverse("claims:desk_new"), new_claim_data())
    claim = Claim.objects.get()
    first = CODE.search(desk_client.get(response.url).text).group()
    claim_page = desk_client.get(reverse("claims:desk_claim", args=[claim.reference])).text
    assert "Nieuwe activeringscode maken" in claim_page and first not in claim_page

    again = desk_client.post(reverse("claims:desk_activation", args=[claim.reference]))
    assert again.url == reverse("claims:desk_receipt", args=[claim.reference])
    second = CODE.search(desk_client.get(again.url).text).group()
    assert second != first
    codes = AccessCode.objects.filter(person=claim.applicant, purpose="activate")
    assert codes.count() == 2
    assert codes.filter(expires_at__gt=now()).count() == 1
    assert not CODE.search(desk_client.get(again.url).text)


def test_no_activation_code_for_a_resident_with_an_account(desk_client, cast):
    claim = desk_filed(cast)
    assert "Nieuwe activeringscode maken" not in desk_client.get(
        reverse("claims:desk_claim", args=[claim.reference])).text
    response = desk_client.post(reverse("claims:desk_activation", args=[claim.reference]), follow=True)
    assert "Deze bewoner heeft al een account." in response.text
    assert not AccessCode.objects.exists()


def test_the_code_cookie_is_bound_to_the_desk_employee(client, cast):
    client.force_login(cast.desk)
    response = client.post(reverse("claims:desk_new"), new_claim_data())
    claim = Claim.objects.get()
    cookie = client.cookies[f"desk_code_{claim.reference}"]
    assert cookie["httponly"] and cookie["path"] == reverse("claims:desk_claim", args=[claim.reference])
    # A coordinator on the same browser may open the receipt, but cannot read the desk employee's code.
    client.force_login(cast.coordinator)
    client.cookies[f"desk_code_{claim.reference}"] = cookie.value
    page = client.get(response.url)
    assert page.status_code == 200 and not CODE.search(page.text)


def test_filing_again_for_a_resident_without_account_replaces_the_code(desk_client):
    first = desk_client.post(reverse("claims:desk_new"), new_claim_data())
    desk_client.get(first.url)
    person = Person.objects.get(name="M. Hendriks")
    home = Claim.objects.get().property
    second = desk_client.post(reverse("claims:desk_new"), new_claim_data(
        person_id=person.pk, property_id=home.pk, item1_location="Zolder"))
    page = desk_client.get(second.url).text
    assert CODE.search(page)
    assert "De bewoner had al een activeringscode. Die werkt niet meer" in page
    assert AccessCode.objects.filter(person=person, expires_at__gt=now()).count() == 1
    assert Person.objects.filter(name="M. Hendriks").count() == 1


def test_a_failure_after_the_draft_leaves_nothing_half_filed(desk_client, monkeypatch):
    from claims.accounts import AccountRefused
    from claims.services import desk as desk_services

    def refuse(*, person):
        raise AccountRefused("Deze persoon heeft al een account.", code="has_account")

    monkeypatch.setattr(desk_services, "activation_code_issue", refuse)
    response = desk_client.post(reverse("claims:desk_new"), new_claim_data())
    assert response.status_code == 400
    assert "Deze persoon heeft al een account." in response.text
    assert not Claim.objects.exists()
    assert not Person.objects.filter(name="M. Hendriks").exists()
    assert not Property.objects.filter(postcode="6411AB", house_number=12).exists()
    assert 'value="M. Hendriks"' in response.text


def test_a_coordinator_at_the_desk_may_file_too(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(reverse("claims:desk_new"), new_claim_data())
    assert response.status_code == 302
    assert Claim.objects.get().status == "submitted"


def test_the_same_page_sent_twice_files_one_claim(client, cast):
    client.force_login(cast.desk)
    page = client.get(reverse("claims:desk_new"))
    token = page.context["form"].initial["form_token"]
    assert token and f'value="{token}"' in page.text
    first = client.post(reverse("claims:desk_new"), new_claim_data(form_token=token))
    second = client.post(reverse("claims:desk_new"), new_claim_data(form_token=token))
    claim = Claim.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("claims:desk_claim", args=[claim.reference])
    # A new page gets a new token and files a new claim.
    fresh = client.get(reverse("claims:desk_new")).context["form"].initial["form_token"]
    assert fresh != token
    client.post(reverse("claims:desk_new"), new_claim_data(form_token=fresh))
    assert Claim.objects.count() == 2
