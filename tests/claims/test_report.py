"""The online damage report at /melden/: every step through the Django test client, on PostgreSQL."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from claims import roles as R
from claims.models import (
    Claim,
    DamageItem,
    Document,
    Letter,
    LetterKind,
    Mandate,
    OutgoingEmail,
    Person,
    Property,
)
from claims.services.report import Address, report_start
from claims.timeutil import today
from tests.factories import UserFactory, resident

pytestmark = pytest.mark.django_db

ADDRESS = {
    "postcode": "6411 ab", "house_number": "12", "house_number_addition": "", "street": "Akerstraat",
    "town": "Heerlen", "municipality": "Heerlen", "municipality_other": "",
}
NO_DAMAGE_YET = "Beschrijf ten minste één schade voordat u verdergaat."


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def me(client):
    user, person = resident()
    client.force_login(user)
    return user, person


def jpeg(name="scheur.jpg", colour="red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def step_url(claim_or_ref, step: str) -> str:
    reference = getattr(claim_or_ref, "reference", claim_or_ref)
    return reverse("claims:report_step", kwargs={"reference": reference, "step": step})


def co_owners(*rows, initial: int = 0) -> dict:
    rows = list(rows) + [("", "")] * max(0, 3 - len(rows))
    data = {"mede-TOTAL_FORMS": str(len(rows)), "mede-INITIAL_FORMS": str(initial),
            "mede-MIN_NUM_FORMS": "0", "mede-MAX_NUM_FORMS": "10"}
    for index, (name, email) in enumerate(rows):
        data[f"mede-{index}-name"], data[f"mede-{index}-email"] = name, email
    return data


def item(location="Woonkamer", kind="crack", description="Scheur boven de deur", action="add", **extra) -> dict:
    return {"location": location, "kind": kind, "description": description, "noticed_on": "",
            "measurements": "", "action": action, **extra}


def start(client, **address) -> Claim:
    response = client.post(reverse("claims:report_new"), {**ADDRESS, **address, "action": "next"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Claim.objects.latest("pk")


def fill_until_damage(client, **address) -> Claim:
    claim = start(client, **address)
    assert client.post(step_url(claim, "eigendom"), {"owner_occupied": "yes", "in_owners_association": "no",
                                                     "action": "next", **co_owners()}).status_code == 302
    assert client.post(step_url(claim, "gemachtigde"), {"name": "", "email": "", "phone": "",
                                                        "action": "next"}).status_code == 302
    return claim


def fill_until_check(client, *, unsafe="no", **address) -> Claim:
    claim = fill_until_damage(client, **address)
    assert client.post(step_url(claim, "schade"), item(action="next")).status_code == 302
    assert client.post(step_url(claim, "veiligheid"), {"unsafe": unsafe, "action": "next"}).status_code == 302
    return claim


# --- the whole way ------------------------------------------------------------------------------------

def test_whole_report_with_two_items_a_photo_a_co_owner_and_a_representative(client, me):
    user, person = me
    page = client.get(reverse("claims:report_start"))
    assert page.status_code == 200 and "Start uw melding" in page.content.decode()
    new = client.get(reverse("claims:report_new"))
    assert 'aria-current="step"' in new.content.decode()

    response = client.post(reverse("claims:report_new"), {**ADDRESS, "house_number_addition": "a", "action": "next"})
    claim = Claim.objects.get(applicant=person)
    assert response.url == step_url(claim, "eigendom")
    assert claim.status == "draft" and claim.report_step == "woning" and claim.channel == "online"
    assert claim.filed_by == user
    assert (claim.property.postcode, claim.property.house_number_addition) == ("6411AB", "A")
    assert claim.property.in_mining_area

    response = client.post(step_url(claim, "eigendom"), {
        "owner_occupied": "yes", "in_owners_association": "no", "action": "next",
        **co_owners(("Anna Janssen", "Anna@Example.nl")),
    })
    assert response.url == step_url(claim, "gemachtigde")
    claim.refresh_from_db()
    assert claim.owner_occupied is True and claim.report_step == "eigendom"
    assert [(p.name, p.email, p.user) for p in claim.co_applicants.all()] == [("Anna Janssen", "anna@example.nl",
                                                                              None)]

    response = client.post(step_url(claim, "gemachtigde"), {
        "name": "Piet Kessels", "email": "piet@example.nl", "phone": "045 123 45 67", "action": "next"})
    assert response.url == step_url(claim, "schade")
    mandate = Mandate.objects.get(claim=claim)
    assert (mandate.scope, mandate.principal, mandate.valid_from) == ("claim", person, today())
    assert (mandate.representative.name, mandate.representative.phone) == ("Piet Kessels", "045 123 45 67")

    response = client.post(step_url(claim, "schade"), {
        **item(location="Voorgevel", measurements="2 mm breed, 1 meter lang", noticed_on="15-3-2024"),
        "photos": [jpeg()],
    })
    assert response.status_code == 302
    response = client.post(step_url(claim, "schade"), item(location="Kelder", kind="moisture",
                                                           description="Natte muur", action="next"))
    assert response.url == step_url(claim, "veiligheid")
    items = list(claim.damage_items.order_by("position"))
    assert [(i.position, i.location, i.kind) for i in items] == [(1, "Voorgevel", "crack"), (2, "Kelder", "moisture")]
    assert items[0].noticed_on == dt.date(2024, 3, 15) and items[0].measurements == "2 mm breed, 1 meter lang"
    photo = Document.objects.get(claim=claim)
    assert (photo.kind, photo.damage_item, photo.content_type, photo.original_name) == (
        "photo", items[0], "image/jpeg", "scheur.jpg")
    assert photo.uploaded_by == user

    assert client.post(step_url(claim, "veiligheid"), {"unsafe": "no", "action": "next"}).url == \
        step_url(claim, "controle")
    check = client.get(step_url(claim, "controle")).content.decode()
    for text in ("Akerstraat 12-A", "Anna Janssen", "Piet Kessels", "Schade 1: Voorgevel", "Schade 2: Kelder",
                 "Ik heb alles naar waarheid ingevuld"):
        assert text in check, text

    response = client.post(step_url(claim, "controle"), {"truthful": "on"})
    assert response.url == reverse("claims:report_done", kwargs={"reference": claim.reference})
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.report_step == "controle"
    assert claim.submitted_at is not None and claim.decision_due is not None
    assert claim.transitions.filter(name="submit", actor=user).count() == 1
    assert Letter.objects.filter(claim=claim, kind=LetterKind.RECEIPT, recipient=person).count() == 1

    done = client.get(response.url).content.decode()
    assert claim.reference in done
    assert "ontvangstbevestiging per post" in done  # the applicant prefers paper (the default)


def test_done_page_writes_the_decision_date_out_in_dutch(client, me):
    claim = fill_until_check(client)
    client.post(step_url(claim, "controle"), {"truthful": "on"})
    claim.refresh_from_db()
    done = client.get(reverse("claims:report_done", kwargs={"reference": claim.reference})).content.decode()
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]
    days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    due = claim.decision_due
    assert f"{days[due.weekday()]} {due.day} {months[due.month - 1]} {due.year}" in done


# --- leave and resume -----------------------------------------------------------------------------------

def test_leave_halfway_and_resume_where_you_left(client, me):
    claim = start(client)
    response = client.post(step_url(claim, "eigendom"), {"owner_occupied": "yes", "in_owners_association": "no",
                                                         "action": "later", **co_owners()})
    assert response.url == reverse("claims:report_start")
    claim.refresh_from_db()
    assert claim.report_step == "eigendom"

    page = client.get(reverse("claims:report_start")).content.decode()
    assert claim.reference in page and "Uw meldingen die nog niet zijn verstuurd" in page
    assert f'href="{step_url(claim, "gemachtigde")}"' in page
    assert "Uw melding is bewaard" in page

    # Steps further on cannot be skipped to: they lead back to where the resident is.
    assert client.get(step_url(claim, "controle")).url == step_url(claim, "gemachtigde")
    # Earlier steps show what was saved.
    ownership = client.get(step_url(claim, "eigendom")).content.decode()
    assert re.search(r'name="owner_occupied" value="yes"[^>]*checked', ownership)


def test_going_back_to_an_earlier_step_keeps_the_progress(client, me):
    claim = fill_until_check(client)
    response = client.post(step_url(claim, "woning"), {**ADDRESS, "street": "Akerstraat ", "action": "next",
                                                       "terug": "controle"})
    assert response.url == step_url(claim, "controle")
    claim.refresh_from_db()
    assert claim.report_step == "veiligheid"


def test_progress_list_marks_the_current_step(client, me):
    claim = fill_until_damage(client)
    page = client.get(step_url(claim, "schade")).content.decode()
    assert page.count('aria-current="step"') == 1
    assert '<span aria-current="step">De schade</span>' in page
    assert f'href="{step_url(claim, "woning")}"' in page  # done steps are links
    assert f'href="{step_url(claim, "controle")}"' not in page  # steps ahead are not


# --- the address ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("postcode", ["641 AB", "6411 A", "0411 AB", "6411 SA", "ABCD 12", ""])
def test_postcode_errors_are_in_dutch_and_nothing_is_lost(client, me, postcode):
    response = client.post(reverse("claims:report_new"), {**ADDRESS, "postcode": postcode, "action": "next"})
    assert response.status_code == 200
    page = response.content.decode()
    expected = ("Vul de postcode van uw huis in." if not postcode
                else "Vul een Nederlandse postcode in: vier cijfers en twee letters, bijvoorbeeld 6411 AB.")
    assert expected in page
    assert 'value="Akerstraat"' in page  # the rest of the input stays
    assert not Claim.objects.exists()


def test_house_number_and_municipality_errors(client, me):
    response = client.post(reverse("claims:report_new"), {**ADDRESS, "house_number": "12a", "municipality": "other",
                                                          "action": "next"})
    page = response.content.decode()
    assert "Vul bij huisnummer alleen cijfers in" in page
    assert "Vul de naam van de gemeente in." in page
    assert 'aria-describedby="id_house_number_error"' in page


def test_an_existing_home_is_reused(client, me):
    first = start(client)
    other_user, _other = resident()
    client.force_login(other_user)
    second = start(client, postcode="6411AB", street="Akerstraat")
    assert first.property_id == second.property_id
    assert Property.objects.count() == 1


def test_home_outside_the_area_is_explained_and_can_still_be_sent(client, me):
    claim = fill_until_check(client, municipality="other", municipality_other="Maastricht", postcode="6211 AB",
                             town="Maastricht")
    assert claim.property.municipality == "Maastricht" and not claim.property.in_mining_area
    page = client.get(step_url(claim, "controle")).content.decode()
    assert "Uw huis ligt buiten het mijnbouwschadegebied" in page
    assert "Beek, Beekdaelen, Brunssum, Heerlen, Kerkrade, Landgraaf, Simpelveld, Sittard-Geleen, Stein en" in page
    assert "045 000 00 00" in page
    client.post(step_url(claim, "controle"), {"truthful": "on"})
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_a_mining_municipality_typed_as_other_counts_as_that_municipality(client, me):
    claim = start(client, municipality="other", municipality_other="heerlen")
    assert claim.property.municipality == "Heerlen" and claim.property.in_mining_area


def test_a_town_of_a_mining_municipality_is_suggested_not_refused(client, me):
    # Nuth merged into Beekdaelen: typed as 'another municipality', the form suggests Beekdaelen once.
    data = {**ADDRESS, "town": "Nuth", "municipality": "other", "municipality_other": "Nuth", "action": "next"}
    page = client.post(reverse("claims:report_new"), data).content.decode()
    assert "Nuth hoort bij de gemeente Beekdaelen." in page
    assert re.search(r'<option value="Beekdaelen" selected>', page)
    assert 'name="checked_other" value="Nuth"' in page
    assert not Claim.objects.exists()
    claim = start(client, town="Nuth", municipality="Beekdaelen", municipality_other="", checked_other="Nuth")
    assert claim.property.municipality == "Beekdaelen" and claim.property.in_mining_area


def test_the_residents_own_choice_stands_the_second_time(client, me):
    claim = start(client, town="Nuth", municipality="other", municipality_other="Nuth", checked_other="Nuth")
    assert claim.property.municipality == "Nuth" and not claim.property.in_mining_area


def test_no_municipality_chosen_but_a_known_town(client, me):
    page = client.post(reverse("claims:report_new"), {**ADDRESS, "town": "Hoensbroek", "municipality": "",
                                                      "action": "next"}).content.decode()
    assert "Hoensbroek hoort bij de gemeente Heerlen." in page
    assert '<option value="Heerlen" selected>' in page
    page = client.post(reverse("claims:report_new"), {**ADDRESS, "town": "Maastricht", "municipality": "",
                                                      "action": "next"}).content.decode()
    assert "Kies de gemeente waar uw huis staat." in page


# --- ownership and representative ------------------------------------------------------------------------

def test_tenant_is_told_the_rules_but_may_send(client, me):
    claim = start(client)
    client.post(step_url(claim, "eigendom"), {"owner_occupied": "no", "in_owners_association": "no",
                                              "action": "next", **co_owners()})
    claim.refresh_from_db()
    assert claim.owner_occupied is False
    page = client.get(step_url(claim, "gemachtigde")).content.decode()
    assert "De regeling is voor eigenaren die zelf in hun huis wonen" in page
    assert "U kunt uw melding toch versturen" in page


def test_co_owners_can_be_changed_and_removed(client, me):
    claim = start(client)
    data = {"owner_occupied": "yes", "in_owners_association": "yes", "action": "next"}
    client.post(step_url(claim, "eigendom"), {**data, **co_owners(("Anna", "anna@example.nl"), ("Bram", ""))})
    anna = claim.co_applicants.get(name="Anna")
    client.post(step_url(claim, "eigendom"), {**data, **co_owners(("Anna", "anna@example.nl"), ("", ""),
                                                                   initial=2)})
    assert list(claim.co_applicants.all()) == [anna]
    assert not Person.objects.filter(name="Bram").exists()  # no stray personal data
    claim.refresh_from_db()
    assert claim.in_owners_association is True


def test_co_owner_email_without_name_is_an_error(client, me):
    claim = start(client)
    response = client.post(step_url(claim, "eigendom"), {"owner_occupied": "yes", "in_owners_association": "no",
                                                          "action": "next", **co_owners(("", "anna@example.nl"))})
    assert response.status_code == 200
    assert "Vul ook de naam van deze mede-eigenaar in." in response.content.decode()
    assert not claim.co_applicants.exists()


def test_co_owner_with_an_existing_account_email_is_not_linked_to_that_account(client, me):
    stranger, stranger_person = resident()
    claim = start(client)
    client.post(step_url(claim, "eigendom"), {"owner_occupied": "yes", "in_owners_association": "no",
                                              "action": "next", **co_owners(("X", stranger.email))})
    assert stranger_person not in claim.co_applicants.all()
    client.force_login(stranger)
    assert client.get(step_url(claim, "eigendom")).status_code == 404


def test_representative_is_optional_and_can_be_removed(client, me):
    claim = fill_until_damage(client)
    assert not Mandate.objects.filter(claim=claim).exists()
    client.post(step_url(claim, "gemachtigde"), {"name": "Piet", "email": "", "phone": "", "action": "next"})
    page = client.post(step_url(claim, "gemachtigde"), {"name": "Piet", "email": "", "phone": "",
                                                        "action": "next"}).content.decode()
    assert "Vul een e-mailadres of telefoonnummer in" in page
    client.post(step_url(claim, "gemachtigde"), {"name": "Piet", "email": "piet@example.nl", "phone": "",
                                                 "action": "next"})
    assert Mandate.objects.filter(claim=claim).count() == 1
    client.post(step_url(claim, "gemachtigde"), {"name": "", "email": "", "phone": "", "action": "next"})
    assert not Mandate.objects.filter(claim=claim).exists()
    assert not Person.objects.filter(name="Piet").exists()


# --- damage items and photos -----------------------------------------------------------------------------

def test_stopping_at_the_damage_step_resumes_at_the_damage_list(client, me):
    claim = fill_until_damage(client)
    response = client.post(step_url(claim, "schade"), item(location="Schuur", action="later"))
    assert response.url == reverse("claims:report_start")
    assert claim.damage_items.get().location == "Schuur"
    claim.refresh_from_db()
    assert claim.report_step == "gemachtigde"
    assert f'href="{step_url(claim, "schade")}"' in client.get(reverse("claims:report_start")).content.decode()


def test_refused_upload_keeps_the_item_and_the_good_photos(client, me):
    claim = fill_until_damage(client)
    bad = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = client.post(step_url(claim, "schade"), {**item(location="Zolder"),
                                                       "photos": [jpeg("goed.jpg"), bad, jpeg("ook-goed.jpg", "blue")]})
    saved = DamageItem.objects.get(claim=claim)
    assert saved.location == "Zolder"
    assert sorted(saved.documents.values_list("original_name", flat=True)) == ["goed.jpg", "ook-goed.jpg"]
    assert response.url == reverse("claims:report_damage_item",
                                   kwargs={"reference": claim.reference, "item_id": saved.pk})
    page = client.get(response.url).content.decode()
    assert "De foto ‘photo.jpg’ is niet opgeslagen." in page
    assert "Dit bestand kunnen wij niet gebruiken." in page
    assert 'type="file"' in page and "multiple" in page  # the resident can try again right here

    retry = client.post(response.url, {**item(location="Zolder"), "photos": [jpeg("derde.jpg", "green")]})
    assert retry.status_code == 302
    assert saved.documents.count() == 3


def test_at_most_five_photos_per_item(client, me):
    claim = fill_until_damage(client)
    response = client.post(step_url(claim, "schade"), {**item(), "photos": [jpeg(f"{i}.jpg") for i in range(6)]})
    assert response.status_code == 200
    assert "U kunt bij deze schade nog 5 foto&#x27;s toevoegen. U koos er 6." in response.content.decode()
    assert not DamageItem.objects.filter(claim=claim).exists()


def test_at_least_one_item_before_moving_on(client, me):
    claim = fill_until_damage(client)
    response = client.post(step_url(claim, "schade"), {**item(location="", kind="", description=""),
                                                       "action": "next"})
    assert response.status_code == 200
    assert NO_DAMAGE_YET in response.content.decode()
    claim.refresh_from_db()
    assert claim.report_step == "gemachtigde"


def test_half_filled_item_is_not_lost_when_moving_on(client, me):
    claim = fill_until_damage(client)
    response = client.post(step_url(claim, "schade"), item(location="Keuken", kind="", action="next"))
    page = response.content.decode()
    assert response.status_code == 200 and "Kies wat voor schade het is." in page
    assert 'value="Keuken"' in page


def test_noticed_on_not_in_the_future(client, me):
    claim = fill_until_damage(client)
    tomorrow = (today() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    response = client.post(step_url(claim, "schade"), item(noticed_on=tomorrow))
    assert "Deze datum ligt in de toekomst." in response.content.decode()
    assert not claim.damage_items.exists()


def test_edit_and_remove_items(client, me):
    claim = fill_until_damage(client)
    client.post(step_url(claim, "schade"), item(location="Hal"))
    client.post(step_url(claim, "schade"), item(location="Keuken"))
    hal, keuken = claim.damage_items.order_by("position")
    edit_url = reverse("claims:report_damage_item", kwargs={"reference": claim.reference, "item_id": keuken.pk})
    assert client.post(edit_url, item(location="Keuken en bijkeuken")).status_code == 302
    remove_url = reverse("claims:report_damage_remove", kwargs={"reference": claim.reference, "item_id": hal.pk})
    assert "Weet u zeker" in client.get(remove_url).content.decode()
    client.post(remove_url)
    assert [(i.position, i.location) for i in claim.damage_items.all()] == [(1, "Keuken en bijkeuken")]


def test_item_with_photos_is_kept(client, me):
    claim = fill_until_damage(client)
    client.post(step_url(claim, "schade"), {**item(), "photos": [jpeg()]})
    saved = claim.damage_items.get()
    remove_url = reverse("claims:report_damage_remove", kwargs={"reference": claim.reference, "item_id": saved.pk})
    assert "kunt u deze schade niet verwijderen" in client.get(remove_url).content.decode()
    client.post(remove_url)
    assert claim.damage_items.filter(pk=saved.pk).exists()


# --- safety and sending -----------------------------------------------------------------------------------

def test_unsafe_flags_urgent_and_submit_alerts_the_coordinator(client, me):
    coordinator = UserFactory(role=R.COORDINATOR, email="coordinator@i3ml.nl")
    claim = fill_until_check(client, unsafe="yes")
    claim.refresh_from_db()
    assert claim.urgent
    assert not OutgoingEmail.objects.filter(purpose="urgent_alert").exists()  # not before it is sent
    client.post(step_url(claim, "controle"), {"truthful": "on"})
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.safety_visit_due is not None
    alert = OutgoingEmail.objects.get(purpose="urgent_alert")
    assert alert.to == coordinator.email and claim.reference in alert.subject
    done = client.get(reverse("claims:report_done", kwargs={"reference": claim.reference})).content.decode()
    assert "U hebt gemeld dat het onveilig is" in done


def test_submit_refused_without_damage_items_shows_the_reason(client, me):
    user, _person = me
    claim = report_start(actor=user, address=Address("6411AB", 3, "", "Akerstraat", "Heerlen", "Heerlen"))
    Claim.objects.filter(pk=claim.pk).update(report_step="veiligheid")
    response = client.post(step_url(claim, "controle"), {"truthful": "on"})
    assert response.status_code == 200
    assert "Beschrijf ten minste één schade voordat u de melding verstuurt." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_statement_must_be_ticked(client, me):
    claim = fill_until_check(client)
    response = client.post(step_url(claim, "controle"), {})
    page = response.content.decode()
    assert '<p class="error-text" id="id_truthful_error">Zet een vinkje als u alles naar waarheid' in page
    assert 'aria-describedby="id_truthful_error"' in page
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_a_sent_report_cannot_be_changed_through_the_steps(client, me):
    claim = fill_until_check(client)
    client.post(step_url(claim, "controle"), {"truthful": "on"})
    done_url = reverse("claims:report_done", kwargs={"reference": claim.reference})
    for step in ("woning", "eigendom", "schade", "controle"):
        assert client.get(step_url(claim, step)).url == done_url
    response = client.post(step_url(claim, "veiligheid"), {"unsafe": "yes", "action": "next"})
    assert response.url == done_url
    claim.refresh_from_db()
    assert not claim.urgent
    page = client.get(reverse("claims:report_start")).content.decode()
    assert claim.reference not in page  # no longer a draft to continue


def test_done_page_of_a_draft_goes_back_to_the_form(client, me):
    claim = start(client)
    assert client.get(reverse("claims:report_done", kwargs={"reference": claim.reference})).url == \
        step_url(claim, "eigendom")


# --- who may use these pages ------------------------------------------------------------------------------

def test_another_resident_gets_404_on_my_draft(client, me):
    claim = fill_until_damage(client)
    client.post(step_url(claim, "schade"), item())
    saved = claim.damage_items.get()
    other, _person = resident()
    client.force_login(other)
    urls = [step_url(claim, step) for step in ("woning", "eigendom", "gemachtigde", "schade", "veiligheid",
                                               "controle")]
    urls += [reverse("claims:report_damage_item", kwargs={"reference": claim.reference, "item_id": saved.pk}),
             reverse("claims:report_damage_remove", kwargs={"reference": claim.reference, "item_id": saved.pk}),
             ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"truthful": "on", "action": "next"}).status_code == 404, url
    assert client.get(reverse("claims:report_done", kwargs={"reference": claim.reference})).status_code == 404
    assert claim.damage_items.count() == 1
    assert claim.reference not in client.get(reverse("claims:report_start")).content.decode()


def test_an_item_of_another_claim_is_404(client, me):
    mine = fill_until_damage(client)
    other, _other_person = resident()
    theirs = report_start(actor=other, address=Address("6411AB", 99, "", "Akerstraat", "Heerlen", "Heerlen"))
    their_item = DamageItem.objects.create(claim=theirs, location="Hal", kind="crack", description="x")
    url = reverse("claims:report_damage_item", kwargs={"reference": mine.reference, "item_id": their_item.pk})
    assert client.get(url).status_code == 404


def test_anonymous_visitor_sees_how_to_log_in_and_the_desk(client):
    page = client.get(reverse("claims:report_start")).content.decode()
    assert "Kloosterweg 22" in page and "15 minuten" in page
    login = reverse("claims:login")
    assert f'href="{login}?next=/melden/"' in page
    assert reverse("claims:register") in page
    response = client.get(reverse("claims:report_new"))
    assert response.status_code == 302 and response.url.startswith(login)


def test_desk_staff_are_sent_to_the_desk(client):
    desk = UserFactory(role=R.DESK)
    client.force_login(desk)
    page = client.get(reverse("claims:report_start")).content.decode()
    assert "U bent ingelogd als medewerker" in page
    assert "Start uw melding" not in page
    assert client.get(reverse("claims:report_new")).status_code == 403


def test_resident_without_person_is_told_to_call(client):
    user = UserFactory(role=R.RESIDENT)
    client.force_login(user)
    page = client.get(reverse("claims:report_start")).content.decode()
    assert "Bij uw account horen nog geen persoonsgegevens" in page
    assert client.get(reverse("claims:report_new")).url == reverse("claims:report_start")


@pytest.mark.parametrize("form_class", ["CoOwnerForm", "RepresentativeForm"])
def test_an_e_mail_address_longer_than_the_column_is_a_form_error(form_class):
    """Django's e-mail field accepts 320 characters; the person's column holds 254. Longer is refused by the
    form (a message), never by the database (a server error)."""
    from claims.forms import report as report_forms

    address = "a" * 63 + "@" + ("b" * 62 + ".") * 3 + "nl"  # well formed, 255 characters
    assert len(address) == 255
    form = getattr(report_forms, form_class)(data={"name": "Anna Janssen", "email": address})
    assert not form.is_valid()
    assert "email" in form.errors
