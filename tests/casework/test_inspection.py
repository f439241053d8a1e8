"""The inspection services: planning, another expert, findings, photos, the visit and the advice report."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.models import Note
from casework.services import inspection as service
from casework.services.inspection import (
    damage_item_add_by_expert,
    damage_item_record_findings,
    damage_photo_add,
    inspection_record_visit,
    inspection_replace_expert,
    inspection_schedule,
    inspection_submit_report,
)
from claims import deadlines
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import (
    Absence,
    ClaimTransition,
    Document,
    Inspection,
    Letter,
    LetterKind,
    Message,
    StatutoryHoliday,
)
from claims.termijnen import clear_cache
from claims.timeutil import frozen
from claims.uploads import UploadRefused
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=AMS)


@pytest.fixture(autouse=True)
def clock():
    with frozen(MONDAY):
        yield


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def cast():
    cast = Cast()
    cast.expert.first_name, cast.expert.last_name = "Ingrid", "Deskundig"
    cast.expert.save()
    return cast


@pytest.fixture
def claim(cast):
    return claim_in(cast, "inspection", items=2)


@pytest.fixture
def inspection(claim):
    return claim.inspections.get()


def photo(name="scheur.jpg"):
    return SimpleUploadedFile(name, samples.jpeg(), content_type="image/jpeg")


def pdf(name="rapport.pdf"):
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def judge_all(claim, expert, verdict="yes", cost=Decimal("1250.00")):
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=expert, location=item.location, kind=item.kind,
                                    measurements="2 mm", expert_notes="", verdict=verdict, repair_cost=cost)


# --- planning the visit -------------------------------------------------------------------------------


def test_schedule_plans_the_visit_and_sends_the_appointment_letter(cast, claim, inspection):
    planned = inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 10),
                                  ends_at=at(2, 11, 30))

    planned.refresh_from_db()
    assert planned.status == Inspection.Status.PLANNED
    assert (planned.starts_at, planned.ends_at) == (at(2, 10), at(2, 11, 30))
    assert planned.objection_due == deadlines.expert_objection_due(MONDAY.date())
    letter = Letter.objects.get(claim=claim, kind=LetterKind.APPOINTMENT)
    assert letter.key.startswith(f"appointment:{inspection.pk}:") and len(letter.key) <= 80
    assert letter.context["inspection_id"] == inspection.pk
    assert dt.datetime.fromisoformat(letter.context["starts_at"]) == at(2, 10)
    assert dt.datetime.fromisoformat(letter.context["ends_at"]) == at(2, 11, 30)
    assert letter.context["expert_name"] == "Ingrid Deskundig"
    assert letter.context["objection_due_on"] == planned.objection_due.isoformat()


def test_the_same_plan_twice_makes_one_letter_and_a_new_time_a_new_one(cast, inspection):
    for _ in range(2):
        inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 10), ends_at=at(2, 11))
    assert Letter.objects.filter(kind=LetterKind.APPOINTMENT).count() == 1
    first_due = Inspection.objects.get(pk=inspection.pk).objection_due

    with frozen(at(3, 9)):  # two days later: moved to Thursday, then back to Tuesday's time
        inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(4, 14), ends_at=at(4, 15))
        inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(5, 10), ends_at=at(5, 11))
    assert Letter.objects.filter(kind=LetterKind.APPOINTMENT).count() == 3
    # The resident was told who the expert is with the first letter: the term to object does not restart.
    assert Inspection.objects.get(pk=inspection.pk).objection_due == first_due


def test_a_move_back_to_an_earlier_time_is_still_a_new_letter(cast, inspection):
    for starts in (at(2, 10), at(3, 10), at(2, 10)):
        inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=starts,
                            ends_at=starts + dt.timedelta(hours=1))
    assert Letter.objects.filter(kind=LetterKind.APPOINTMENT).count() == 3


@pytest.mark.parametrize("starts,ends,code", [
    (at(1, 8), at(1, 8, 30), "in_past"),               # earlier this morning
    (at(2, 11), at(2, 10), "ends_before_start"),
    (at(2, 11), at(2, 11), "ends_before_start"),
    (at(6, 10), at(6, 11), "day_off"),                 # Saturday
    (at(7, 10), at(7, 11), "day_off"),                 # Sunday
    (at(29, 10), at(29, 11), "day_off"),               # Easter Monday 2027
    (at(2, 7, 30), at(2, 9), "outside_hours"),
    (at(2, 17), at(2, 18, 30), "outside_hours"),
    (at(2, 17), at(3, 9), "outside_hours"),            # over night
])
def test_schedule_refuses_bad_times(cast, inspection, starts, ends, code):
    StatutoryHoliday.objects.get_or_create(date=dt.date(2027, 3, 29), defaults={"name": "Tweede Paasdag"})
    clear_cache()
    with pytest.raises(TransitionRefused) as refused:
        inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=starts, ends_at=ends)
    assert refused.value.code == code
    assert Inspection.objects.get(pk=inspection.pk).status == Inspection.Status.CHOSEN
    assert not Letter.objects.filter(kind=LetterKind.APPOINTMENT).exists()


def test_a_visit_until_six_is_fine(cast, inspection):
    inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 8), ends_at=at(2, 18))
    assert Inspection.objects.get(pk=inspection.pk).status == Inspection.Status.PLANNED


@pytest.mark.parametrize("who", ["expert", "resident", "desk", "other_caseworker", "team_reader"])
def test_only_the_guide_substitute_or_coordinator_plans(cast, inspection, who):
    from claims.models import Team

    actor = {
        "expert": cast.expert, "resident": cast.resident, "desk": cast.desk,
        "other_caseworker": UserFactory(role=R.CASEWORKER), "team_reader": UserFactory(role=R.CASEWORKER),
    }[who]
    if who == "team_reader":  # a colleague in the guide's team reads the claim, but does not plan
        Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(actor)
    with pytest.raises(TransitionForbidden):
        inspection_schedule(inspection=inspection, actor=actor, starts_at=at(2, 10), ends_at=at(2, 11))
    assert not Letter.objects.filter(kind=LetterKind.APPOINTMENT).exists()


def test_the_substitute_and_the_coordinator_may_plan(cast, inspection):
    substitute = UserFactory(role=R.CASEWORKER)
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=MONDAY.date(),
                           ends_on=MONDAY.date() + dt.timedelta(days=7))
    inspection_schedule(inspection=inspection, actor=substitute, starts_at=at(2, 10), ends_at=at(2, 11))
    inspection_schedule(inspection=inspection, actor=cast.coordinator, starts_at=at(3, 10), ends_at=at(3, 11))
    assert Letter.objects.filter(kind=LetterKind.APPOINTMENT).count() == 2


def test_schedule_refused_outside_the_inspection_state(cast):
    claim = claim_in(cast, "advice_draft")
    with pytest.raises(TransitionRefused) as refused:
        inspection_schedule(inspection=claim.inspections.get(), actor=cast.caseworker, starts_at=at(2, 10),
                            ends_at=at(2, 11))
    assert refused.value.code == "not_now"


def test_schedule_refused_for_a_replaced_inspection(cast, claim, inspection):
    inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=UserFactory(role=R.EXPERT),
                              reason="Bewoner maakt bezwaar tegen de deskundige.")
    with pytest.raises(TransitionRefused) as refused:
        inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 10), ends_at=at(2, 11))
    assert refused.value.code == "inspection_closed"


# --- another expert -----------------------------------------------------------------------------------


def test_replace_expert(cast, claim, inspection):
    newcomer = UserFactory(role=R.EXPERT, first_name="Piet", last_name="Nieuw")
    inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 10), ends_at=at(2, 11))
    objection = Message.objects.create(claim=claim, kind=Message.Kind.EXPERT_OBJECTION, direction="in",
                                       body="Deze deskundige is mijn zwager.")

    new = inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=newcomer,
                                    reason="De bewoner kent de deskundige.")
    objection.refresh_from_db()
    assert objection.handled_at is not None  # answered; the resident may object to the new expert again

    claim.refresh_from_db()
    assert claim.expert == newcomer
    assert Inspection.objects.get(pk=inspection.pk).status == Inspection.Status.REPLACED
    assert (new.status, new.expert, new.chosen_on) == (Inspection.Status.CHOSEN, newcomer, MONDAY.date())
    note = Note.objects.get(claim=claim)
    assert note.author == cast.caseworker and note.kind == Note.Kind.NOTE
    assert "De bewoner kent de deskundige." in note.body and "Piet Nieuw" in note.body
    assert not ClaimTransition.objects.filter(claim=claim).exclude(
        name__in=["submit", "start_intake", "plan_inspection"]).exists()
    # The new expert works on the claim; the old one no longer may.
    item = claim.damage_items.first()
    damage_item_record_findings(item=item, actor=newcomer, location="Gevel", kind="crack", verdict="no")
    with pytest.raises(TransitionForbidden):
        damage_item_record_findings(item=item, actor=cast.expert, location="Gevel", kind="crack", verdict="no")


@pytest.mark.parametrize("case,error", [
    ("no_reason", TransitionRefused),
    ("same_expert", TransitionRefused),
    ("not_an_expert", TransitionRefused),
    ("inactive_expert", TransitionRefused),
    ("expert_acts", TransitionForbidden),
    ("other_guide", TransitionForbidden),
])
def test_replace_expert_refusals(cast, claim, inspection, case, error):
    newcomer = UserFactory(role=R.EXPERT)
    kwargs = {"claim": claim, "actor": cast.caseworker, "expert": newcomer, "reason": "Ziek."}
    if case == "no_reason":
        kwargs["reason"] = "   "
    elif case == "same_expert":
        kwargs["expert"] = cast.expert
    elif case == "not_an_expert":
        kwargs["expert"] = UserFactory(role=R.CASEWORKER)
    elif case == "inactive_expert":
        newcomer.is_active = False
        newcomer.save()
    elif case == "expert_acts":
        kwargs["actor"] = cast.expert
    elif case == "other_guide":
        kwargs["actor"] = UserFactory(role=R.CASEWORKER)
    with pytest.raises(error):
        inspection_replace_expert(**kwargs)
    claim.refresh_from_db()
    assert claim.expert == cast.expert
    assert Inspection.objects.get(pk=inspection.pk).status == Inspection.Status.CHOSEN
    assert not Note.objects.exists()


def test_replace_expert_only_during_the_inspection(cast):
    claim = claim_in(cast, "advice_draft")
    with pytest.raises(TransitionRefused):
        inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=UserFactory(role=R.EXPERT),
                                  reason="Te laat.")


# --- findings -----------------------------------------------------------------------------------------


def test_the_expert_records_findings(cast, claim):
    item = claim.damage_items.first()
    saved = damage_item_record_findings(item=item, actor=cast.expert, location="  Gevel voorkant ",
                                        kind="subsidence", measurements="3 mm breed", expert_notes="Oud metselwerk",
                                        verdict="partly", repair_cost="2500.5")
    saved.refresh_from_db()
    assert (saved.location, saved.kind, saved.measurements, saved.expert_notes) == (
        "Gevel voorkant", "subsidence", "3 mm breed", "Oud metselwerk")
    assert (saved.expert_verdict, saved.repair_cost) == ("partly", Decimal("2500.50"))
    assert saved.description == "Scheur van 2 mm boven de deur"  # what the resident wrote stays as it was


@pytest.mark.parametrize("field,value,code", [
    ("verdict", "maybe", "invalid_verdict"),
    ("repair_cost", "-1", "invalid_cost"),
    ("repair_cost", "veel", "invalid_cost"),
    ("repair_cost", "NaN", "invalid_cost"),
    ("kind", "meteor", "invalid_kind"),
    ("location", "  ", "text_required"),
    ("location", "x" * 121, "text_too_long"),
])
def test_findings_refuse_bad_values(cast, claim, field, value, code):
    item = claim.damage_items.first()
    data = {"location": "Gevel", "kind": "crack", "verdict": "yes", "repair_cost": "10", field: value}
    with pytest.raises(TransitionRefused) as refused:
        damage_item_record_findings(item=item, actor=cast.expert, **data)
    assert refused.value.code == code
    item.refresh_from_db()
    assert item.expert_verdict == "" and item.location == "Woonkamer"


@pytest.mark.parametrize("who", ["other_expert", "caseworker", "coordinator", "resident"])
def test_only_the_claims_expert_records_findings(cast, claim, who):
    actor = {"other_expert": UserFactory(role=R.EXPERT), "caseworker": cast.caseworker,
             "coordinator": cast.coordinator, "resident": cast.resident}[who]
    with pytest.raises(TransitionForbidden):
        damage_item_record_findings(item=claim.damage_items.first(), actor=actor, location="Gevel", kind="crack",
                                    verdict="yes", repair_cost="1")


def test_findings_only_during_the_inspection(cast):
    claim = claim_in(cast, "advice_draft")
    with pytest.raises(TransitionRefused) as refused:
        damage_item_record_findings(item=claim.damage_items.first(), actor=cast.expert, location="Gevel",
                                    kind="crack", verdict="yes", repair_cost="1")
    assert refused.value.code == "not_now"


def test_the_expert_adds_an_item_found_on_site(cast, claim):
    item = damage_item_add_by_expert(claim=claim, actor=cast.expert, location="Kelder", kind="moisture",
                                     description="Vochtplek langs de buitenmuur", verdict="no")
    assert (item.position, item.added_by_expert, item.expert_verdict) == (3, True, "no")
    with pytest.raises(TransitionRefused):
        damage_item_add_by_expert(claim=claim, actor=cast.expert, location="Kelder", kind="moisture",
                                  description="  ")
    with pytest.raises(TransitionForbidden):
        damage_item_add_by_expert(claim=claim, actor=cast.caseworker, location="Kelder", kind="moisture",
                                  description="Vocht")
    assert claim.damage_items.count() == 3


# --- photos and the visit -----------------------------------------------------------------------------


def test_the_expert_adds_a_photo_to_an_item(cast, claim, media):
    item = claim.damage_items.first()
    document = damage_photo_add(item=item, actor=cast.expert, upload=photo())
    assert (document.kind, document.damage_item, document.uploaded_by) == ("photo", item, cast.expert)
    assert document.content_type == "image/jpeg"
    assert len(stored_files(media)) == 1


def test_a_photo_must_be_an_image_and_come_from_the_claims_expert(cast, claim, media):
    item = claim.damage_items.first()
    with pytest.raises(UploadRefused):
        damage_photo_add(item=item, actor=cast.expert, upload=pdf())
    with pytest.raises(TransitionForbidden):
        damage_photo_add(item=item, actor=UserFactory(role=R.EXPERT), upload=photo())
    with pytest.raises(TransitionForbidden):
        damage_photo_add(item=item, actor=cast.caseworker, upload=photo())
    assert not Document.objects.filter(kind="photo").exists()
    assert stored_files(media) == []


def test_record_visit(cast, inspection):
    inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 10), ends_at=at(2, 11))
    with frozen(at(2, 12)):
        inspection_record_visit(inspection=inspection, actor=cast.expert, visited_at=at(2, 10, 5))
        with pytest.raises(TransitionRefused) as refused:
            inspection_record_visit(inspection=inspection, actor=cast.expert, visited_at=at(2, 13))
        assert refused.value.code == "in_future"
        with pytest.raises(TransitionForbidden):
            inspection_record_visit(inspection=inspection, actor=UserFactory(role=R.EXPERT), visited_at=at(2, 10))
        inspection_record_visit(inspection=inspection, actor=cast.caseworker, visited_at=at(2, 10, 15))
    assert Inspection.objects.get(pk=inspection.pk).visited_at == at(2, 10, 15)


# --- the advice report --------------------------------------------------------------------------------


def test_the_report_moves_the_claim_to_advice_draft(cast, claim, inspection, media):
    judge_all(claim, cast.expert)
    moved = inspection_submit_report(claim=claim, actor=cast.expert, upload=pdf())

    assert moved.status == "advice_draft"
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE
    assert inspection.report.kind == "advice_report" and inspection.report.uploaded_by == cast.expert
    assert inspection.report.content_type == "application/pdf"
    step = ClaimTransition.objects.get(claim=claim, name="record_advice")
    assert step.actor == cast.expert and step.to_state == "advice_draft"


def test_the_guide_may_upload_a_report_received_on_paper(cast, claim, media):
    judge_all(claim, cast.expert, verdict="no", cost=None)
    moved = inspection_submit_report(claim=claim, actor=cast.caseworker, upload=pdf())
    assert moved.status == "advice_draft"
    assert ClaimTransition.objects.get(claim=claim, name="record_advice").actor == cast.caseworker


def _nothing_happened(claim, inspection, media):
    claim.refresh_from_db()
    inspection.refresh_from_db()
    assert claim.status == "inspection"
    assert inspection.status == Inspection.Status.CHOSEN and inspection.report is None
    assert not Document.objects.filter(kind="advice_report").exists()
    assert not ClaimTransition.objects.filter(name="record_advice").exists()
    assert stored_files(media) == []


def test_the_report_needs_a_verdict_on_every_item(cast, claim, inspection, media):
    first, second = claim.damage_items.order_by("position")
    damage_item_record_findings(item=first, actor=cast.expert, location="Gevel", kind="crack", verdict="yes",
                                repair_cost="100")
    damage_item_record_findings(item=second, actor=cast.expert, location="Schuur", kind="crack", verdict="partly")
    with pytest.raises(TransitionRefused) as refused:
        inspection_submit_report(claim=claim, actor=cast.expert, upload=pdf())
    assert refused.value.code == "findings_missing"
    assert "2. Schuur" in str(refused.value.message) and "1. Gevel" not in str(refused.value.message)
    _nothing_happened(claim, inspection, media)


@pytest.mark.parametrize("who", ["other_expert", "resident", "other_caseworker"])
def test_the_report_comes_from_the_expert_or_the_guide(cast, claim, inspection, media, who):
    judge_all(claim, cast.expert)
    actor = {"other_expert": UserFactory(role=R.EXPERT), "resident": cast.resident,
             "other_caseworker": UserFactory(role=R.CASEWORKER)}[who]
    with pytest.raises(TransitionForbidden):
        inspection_submit_report(claim=claim, actor=actor, upload=pdf())
    _nothing_happened(claim, inspection, media)


def test_the_report_must_be_a_pdf(cast, claim, inspection, media):
    judge_all(claim, cast.expert)
    with pytest.raises(UploadRefused):
        inspection_submit_report(claim=claim, actor=cast.expert, upload=photo("rapport.jpg"))
    _nothing_happened(claim, inspection, media)


def test_a_report_that_fails_halfway_leaves_nothing_behind(cast, claim, inspection, media, monkeypatch):
    judge_all(claim, cast.expert)

    def refuse(**kwargs):
        raise TransitionRefused("Iemand anders was net eerder.", code="conflict")

    monkeypatch.setattr(service, "claim_transition", refuse)
    with pytest.raises(TransitionRefused):
        inspection_submit_report(claim=claim, actor=cast.expert, upload=pdf())
    _nothing_happened(claim, inspection, media)


def test_no_report_after_the_claim_moved_on(cast, media):
    claim = claim_in(cast, "advice_draft")
    with pytest.raises(TransitionRefused) as refused:
        inspection_submit_report(claim=claim, actor=cast.expert, upload=pdf())
    assert refused.value.code == "not_now"


def test_the_appointment_letter_never_names_the_expert_by_login_name(cast, inspection):
    cast.expert.first_name = cast.expert.last_name = ""
    cast.expert.username = "i.deskundig@bureau-example.nl"
    cast.expert.save()
    inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(2, 10), ends_at=at(2, 11))
    letter = Letter.objects.get(kind=LetterKind.APPOINTMENT)
    assert letter.context["expert_name"] == ""  # the letter then leaves the name out
    assert "bureau-example" not in str(letter.context)


def test_a_visit_at_nine_after_the_change_to_summer_time_stays_at_nine(cast, inspection):
    # Planned on Friday 26 March 2027 (winter time, UTC+1) for Tuesday 30 March at 9.00 (summer time, UTC+2).
    with frozen(dt.datetime(2027, 3, 26, 10, 0, tzinfo=AMS)):
        planned = inspection_schedule(inspection=inspection, actor=cast.caseworker,
                                      starts_at=dt.datetime(2027, 3, 30, 9, 0), ends_at=dt.datetime(2027, 3, 30, 10))
    planned.refresh_from_db()
    assert planned.starts_at == dt.datetime(2027, 3, 30, 7, 0, tzinfo=dt.UTC)
    letter = Letter.objects.get(kind=LetterKind.APPOINTMENT)
    assert letter.context["starts_at"] == "2027-03-30T09:00:00+02:00"
    assert letter.key.endswith(":202703300700")
    # Two weeks to object, from the day of the letter: Friday 9 April 2027.
    assert planned.objection_due == dt.date(2027, 4, 9)
