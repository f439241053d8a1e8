"""Retention (issue 7, item 4): claims closed longer than the period lose their personal data, keep their figures,
and say so; the command, the nightly task on the real worker, the pages that still show such a claim."""

import datetime as dt
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count, Sum
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import CommissionAdvice, Decision, ItemAdvice, Note, Objection, Reassignment, Route
from claims import timeutil
from claims.models import (
    AccessCode,
    AnonymisationRecord,
    Claim,
    ClaimTransition,
    ClockEvent,
    ClockEventKind,
    DamageItem,
    Document,
    Letter,
    Mandate,
    Message,
    OutgoingEmail,
    Payment,
    PaymentBatch,
    Person,
    Property,
    Recusal,
    RetentionRun,
)
from claims.services.retention import PLACEHOLDER, claims_anonymise_expired, retention_cutoff
from claims.states import State
from claims.tasks_retention import anonymise_expired_claims
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import Cast, PersonFactory, UserFactory, claim_in, draft_claim
from tests.twofactor import totp_device

pytestmark = pytest.mark.django_db

P = str(PLACEHOLDER)
DAY = dt.timedelta(days=1)


def years_ago(years: int, *, plus: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    return retention_cutoff(years=years) - plus


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def cast():
    return Cast()


def closed_claim(cast, *, at: dt.datetime, **kwargs) -> Claim:
    """A claim through the real lifecycle, closed at `at` (its earlier steps 50 days before)."""
    with timeutil.frozen(at):
        return claim_in(cast, "closed", **kwargs)


def rich_closed_claim(cast, *, at: dt.datetime) -> Claim:
    """A claim closed at `at` with personal data in every place that can hold it: the lifecycle for the steps
    (a question, a late objection with its excuse, reasons), then the rows the staff pages and portal add."""
    start = at - dt.timedelta(days=120)
    with timeutil.frozen(start):
        claim = draft_claim(applicant=cast.person, items=2)
        for name in ("submit", "start_intake"):
            claim = cast.fire(claim, name)
        claim = cast.fire(claim, "request_info", reason="Stuur foto's van de slaapkamer van uw zoon Pieter.")
        for name in ("receive_info", "plan_inspection", "record_advice", "send_advice", "forward_to_commission"):
            claim = cast.fire(claim, name)
        claim = cast.fire(claim, "advise", reason="Mevrouw De Vries is slecht ter been.")
        claim = cast.fire(claim, "decide", outcome="partly_granted", awarded_amount=Decimal("4250.00"),
                          reason="De scheur bij de buren (nr. 14) telt niet mee.")
    with timeutil.frozen(at - dt.timedelta(days=60)):
        claim = cast.fire(claim, "file_objection", reason="Het bedrag is te laag, zegt mijn aannemer Bouw BV.",
                          late_excuse="Mevrouw lag in het ziekenhuis.")
    with timeutil.frozen(at - dt.timedelta(days=10)):
        claim = cast.fire(claim, "decide_objection", reason="Ongegrond; zie het gesprek met de heer De Vries.")
    with timeutil.frozen(at):
        claim = cast.fire(claim, "close", reason="Betaald op rekening van De Vries.")
    assert claim.status == State.CLOSED
    _add_personal_rows(cast, claim)
    return Claim.objects.get(pk=claim.pk)


def _add_personal_rows(cast, claim: Claim) -> None:
    person = cast.person
    Person.objects.filter(pk=person.pk).update(phone="06-12345678", postal_address="Postbus 12, 6400 AA Heerlen")
    Claim.objects.filter(pk=claim.pk).update(description="Scheuren sinds de verbouwing van de buren.",
                                             priority=True, priority_reason="Bewoner is 91 jaar.",
                                             paid_amount=Decimal("4250.00"))
    Property.objects.filter(pk=claim.property_id).update(house_number_addition="A", bag_id="0917010000012345",
                                                         build_year=1934)
    claim.property.owners.add(person)
    co_owner = PersonFactory(name="Jan de Vries", phone="045-5712345")
    claim.co_applicants.add(co_owner)
    representative = PersonFactory(name="Advocaat Smeets")
    Mandate.objects.create(principal=person, representative=representative, scope=Mandate.Scope.CLAIM,
                           claim=claim, valid_from=timeutil.today())
    DamageItem.objects.filter(claim=claim).update(expert_notes="Bewoner zegt dat de buurman boorde.",
                                                  measurements="2 mm x 40 cm", repair_cost=Decimal("2125.00"),
                                                  awarded_amount=Decimal("2125.00"), expert_verdict="yes")
    Message.objects.create(claim=claim, direction=Message.Direction.IN, author=cast.resident,
                           kind=Message.Kind.CALLBACK, body="Bel me na 17 uur.", phone="06-12345678")
    Note.objects.create(claim=claim, kind=Note.Kind.CALL, author=cast.caseworker, direction=Note.Direction.IN,
                        body="Mevrouw is bang dat het huis instort.", spoke_with="Dochter Anja")
    Note.objects.create(claim=claim, kind=Note.Kind.HANDOVER, author=cast.caseworker,
                        body="Let op: de zoon is agressief aan de telefoon.")
    Reassignment.objects.create(claim=claim, from_guide=cast.caseworker, to_guide=cast.caseworker,
                                reason="Familie van collega.", actor=cast.coordinator)
    Recusal.objects.create(claim=claim, member=UserFactory(role="commission"), ground=Recusal.Ground.NEIGHBOUR,
                           explanation="Ik woon naast mevrouw De Vries.")
    advice = CommissionAdvice.objects.create(claim=claim, member=cast.commission, reasoning="Gezien mevrouw…",
                                             items_total=Decimal("4250.00"), total=Decimal("4250.00"))
    for item in claim.damage_items.all():
        ItemAdvice.objects.create(advice=advice, damage_item=item, plausibility="yes", amount=Decimal("2125.00"),
                                  reasoning="Zoals de bewoner vertelde.")
    Decision.objects.create(claim=claim, advice=advice, outcome="partly_granted", total=Decimal("4250.00"),
                            route=Route.MONEY, reasoning="Besluit voor mevrouw De Vries.",
                            decided_by=cast.decision_maker)
    Objection.objects.filter(claim=claim).update(hearing_notes="Mevrouw huilde tijdens het gesprek.")
    ClockEvent.objects.create(claim=claim, kind=ClockEventKind.EXTEND, on_date=timeutil.today(), weeks=8,
                              reason="Wacht op het rapport over de buurman.", actor=cast.caseworker)
    ClockEvent.objects.create(claim=claim, kind=ClockEventKind.SAFETY_VISIT, on_date=timeutil.today(),
                              reason="Schoorsteen scheef, kinderen slapen beneden.", actor=cast.caseworker)
    batch = PaymentBatch.objects.create(message_id="I3ML-RET-1", created_by=cast.finance,
                                        execution_date=timeutil.today(), count=1, total=Decimal("4250.00"),
                                        xml="<Nm>J. de Vries</Nm><IBAN>NL91ABNA0417164300</IBAN>",
                                        paid_at=timeutil.now())
    Payment.objects.create(claim=claim, iban="NL91ABNA0417164300", account_holder="J. de Vries",
                           amount=Decimal("4250.00"), status=Payment.Status.PAID, recorded_by=cast.finance,
                           approved_by=cast.coordinator, batch=batch, paid_at=timeutil.now())
    Letter.objects.filter(claim=claim).update(context={"question": "Foto's van de slaapkamer van Pieter"},
                                              last_error="Kon niet versturen naar de Vries@")
    OutgoingEmail.objects.create(claim=claim, to=person.email, subject="Uw brief", body="Beste mevrouw De Vries",
                                 purpose="letter_ready", sent_at=timeutil.now())
    OutgoingEmail.objects.create(claim=claim, to=person.email, subject="Nog een brief", body="Beste mevrouw",
                                 purpose="letter_ready")
    OutgoingEmail.objects.create(to=person.email, subject="Bevestig uw e-mailadres", body="Code 123456",
                                 purpose="verify_email", sent_at=timeutil.now())
    AccessCode.objects.create(person=person, purpose=AccessCode.Purpose.VERIFY_EMAIL, code_hash="x" * 64,
                              expires_at=timeutil.now())
    item = claim.damage_items.first()
    store_upload(claim=claim, file=SimpleUploadedFile("pieter-slaapkamer.png", samples.png(),
                                                      content_type="image/png"),
                 kind="photo", actor=cast.resident, damage_item=item)
    store_upload(claim=claim, file=SimpleUploadedFile("loonstrook-de-vries.pdf", samples.pdf(),
                                                      content_type="application/pdf"),
                 kind="scan", actor=cast.coordinator)
    store_upload(claim=claim, file=SimpleUploadedFile("besluit.pdf", samples.pdf(), content_type="application/pdf"),
                 kind="letter", actor=None, title="Besluit voor mevrouw De Vries")
    totp_device(cast.resident)
    AccessAttempt.objects.create(username=cast.resident.email, ip_address="192.0.2.1", user_agent="test",
                                 failures_since_start=2)
    LogEntry.objects.create(user=cast.coordinator, content_type=ContentType.objects.get_for_model(Person),
                            object_id=str(person.pk), object_repr=person.name, action_flag=CHANGE)


def figures(claim: Claim) -> dict:
    """What statistics need, read fresh: must be the same before and after."""
    claim = Claim.objects.select_related("property").get(pk=claim.pk)
    return {
        "claim": (claim.reference, claim.status, claim.outcome, claim.channel, claim.urgent, claim.priority,
                  claim.claimed_amount, claim.awarded_amount, claim.paid_amount, claim.submitted_at,
                  claim.decided_at, claim.closed_at, claim.decision_due, claim.objection_due, claim.updated_at,
                  claim.applicant_id, claim.caseworker_id, claim.expert_id),
        "home": (claim.property.municipality, claim.property.town, claim.property.postcode[:4],
                 claim.property.in_mining_area, claim.property.is_monument),
        "transitions": list(ClaimTransition.objects.filter(claim=claim).order_by("pk").values_list(
            "name", "from_state", "to_state", "actor_id", "created_at")),
        "data": [{k: v for k, v in d.items() if k != "late_excuse"} for d in
                 ClaimTransition.objects.filter(claim=claim).order_by("pk").values_list("data", flat=True)],
        "clock": list(ClockEvent.objects.filter(claim=claim).order_by("pk").values_list(
            "kind", "cause", "on_date", "due_date", "weeks")),
        "items": list(DamageItem.objects.filter(claim=claim).order_by("pk").values_list(
            "kind", "measurements", "expert_verdict", "repair_cost", "awarded_amount", "noticed_on")),
        "documents": list(Document.objects.filter(claim=claim).order_by("pk").values_list(
            "kind", "letter_kind", "size", "content_type", "uploaded_by_id", "created_at")),
        "letters": list(Letter.objects.filter(claim=claim).order_by("pk").values_list("kind", "recipient_id",
                                                                                     "created_at")),
        "payments": list(Payment.objects.filter(claim=claim).values_list("amount", "status", "paid_at")),
        "decisions": list(Decision.objects.filter(claim=claim).values_list("outcome", "total", "route")),
        "advice": list(CommissionAdvice.objects.filter(claim=claim).values_list("total", "items_total")),
        "objections": list(Objection.objects.filter(claim=claim).values_list("received_on", "late", "outcome")),
        "messages": list(Message.objects.filter(claim=claim).values_list("kind", "direction", "created_at")),
        "notes": list(Note.objects.filter(claim=claim, author__isnull=False).order_by("pk").values_list(
            "kind", "author_id", "created_at")),
    }


def dashboard_counts() -> dict:
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    money = Claim.objects.aggregate(claimed=Sum("claimed_amount"), awarded=Sum("awarded_amount"),
                                    paid=Sum("paid_amount"))
    municipalities = dict(Claim.objects.values_list("property__municipality").annotate(n=Count("pk"))
                          .values_list("property__municipality", "n"))
    return {"status": by_status, "money": money, "municipalities": municipalities}


# Every field that held personal data, and what it holds afterwards (each row of the claim's own tables).
def claim_rows(model, claim):
    if model is Claim:
        return Claim.objects.filter(pk=claim.pk)
    if model is ItemAdvice:
        return ItemAdvice.objects.filter(advice__claim=claim)
    if model is Note:  # the line that says the data went is the one note written afterwards, without author
        return Note.objects.filter(claim=claim, author__isnull=False)
    return model.objects.filter(claim=claim)


CLAIM_FIELDS = [
    (Claim, "description", ""),
    (Claim, "priority_reason", P),  # priority keeps a reason (check constraint): the placeholder
    (DamageItem, "location", ""),
    (DamageItem, "description", ""),
    (DamageItem, "expert_notes", ""),
    (Message, "body", ""),
    (Message, "phone", ""),
    (Recusal, "explanation", ""),
    (ClaimTransition, "reason", ""),
    (Letter, "context", {}),
    (Letter, "last_error", ""),
    (OutgoingEmail, "to", ""),
    (OutgoingEmail, "subject", ""),
    (OutgoingEmail, "body", ""),
    (Payment, "iban", ""),
    (Payment, "account_holder", ""),
    (Document, "title", ""),
    (Document, "original_name", ""),
    (Document, "file", ""),
    (Document, "sha256", "0" * 64),
    (Note, "body", ""),
    (Note, "spoke_with", ""),
    (Reassignment, "reason", ""),
    (CommissionAdvice, "reasoning", ""),
    (ItemAdvice, "reasoning", ""),
    (Decision, "reasoning", ""),
    (Objection, "grounds", ""),
    (Objection, "hearing_notes", ""),
    (Objection, "late_excuse", P),  # late keeps an excuse (check constraint)
]
PERSON_FIELDS = [("name", P), ("email", ""), ("phone", ""), ("postal_address", ""), ("email_verified_at", None)]
PROPERTY_FIELDS = [("street", P), ("house_number_addition", ""), ("bag_id", ""), ("build_year", 1930)]


@pytest.fixture
def expired(cast):
    """The rich claim, closed 7 years and a day ago, and its files' paths before the run."""
    claim = rich_closed_claim(cast, at=years_ago(7, plus=DAY))
    paths = [Path(d.file.path) for d in Document.objects.filter(claim=claim)]
    assert len(paths) == 3 and all(p.exists() for p in paths)
    return claim, paths


# --- what goes, what stays ---------------------------------------------------------------------------------------

def test_every_personal_field_of_the_claim_is_cleared(cast, expired):
    claim, _paths = expired
    empty = [f"{m.__name__}.{f}" for m, f, expected in CLAIM_FIELDS
             if not any(getattr(row, f) != expected for row in claim_rows(m, claim))]
    assert empty == [], "the test data must fill every field of the table"

    claims_anonymise_expired()

    left = {f"{m.__name__}.{f}": [getattr(row, f) for row in claim_rows(m, claim)] for m, f, _ in CLAIM_FIELDS}
    assert all(left.values()), "every table still has its rows"
    assert {name: values for (name, values), (_m, _f, expected) in zip(left.items(), CLAIM_FIELDS, strict=True)
            if any(value != expected for value in values)} == {}


def test_the_people_the_home_and_the_account_are_anonymised(cast, expired):
    claim, _paths = expired
    co_owner = claim.co_applicants.get()
    representative = Mandate.objects.get(claim=claim).representative
    before = Property.objects.get(pk=claim.property_id)

    claims_anonymise_expired()

    for person in (cast.person, co_owner, representative):
        person = Person.objects.get(pk=person.pk)
        assert [(f, getattr(person, f)) for f, _ in PERSON_FIELDS] == PERSON_FIELDS
    home = Property.objects.get(pk=claim.property_id)
    assert [(f, getattr(home, f)) for f, _ in PROPERTY_FIELDS] == PROPERTY_FIELDS
    assert home.postcode == before.postcode[:4] + "SS" and home.house_number == home.pk
    assert (home.municipality, home.town, home.in_mining_area) == (before.municipality, before.town, True)
    assert not home.owners.exists()
    assert not Mandate.objects.filter(claim=claim).exists()
    assert not AccessCode.objects.filter(person=cast.person).exists()

    user = type(cast.resident).objects.get(pk=cast.resident.pk)
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert user.username.startswith("geanonimiseerd-") and user.username != cast.resident.username
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not AccessAttempt.objects.filter(username__iexact=cast.resident.email).exists()
    assert not cast.resident.__class__.objects.filter(username=cast.resident.username).exists()

    # E-mail not tied to the claim but sent to the person; the one never sent is gone.
    assert not OutgoingEmail.objects.filter(to__iexact=cast.resident.email).exists()
    assert not OutgoingEmail.objects.filter(claim=claim, sent_at=None).exists()
    assert OutgoingEmail.objects.filter(purpose="verify_email", to="").count() == 1
    assert PaymentBatch.objects.get(message_id="I3ML-RET-1").xml == ""
    assert LogEntry.objects.get(object_id=str(cast.person.pk)).object_repr == P

    # History: every toelichting gone; the extension keeps the placeholder; data keeps only figures.
    assert set(ClockEvent.objects.filter(claim=claim).values_list("reason", flat=True)) <= {"", P}
    assert ClockEvent.objects.get(claim=claim, kind=ClockEventKind.EXTEND).reason == P
    objected = ClaimTransition.objects.get(claim=claim, name="file_objection")
    assert objected.data == {"late": True}


def test_the_figures_stay_and_the_files_are_gone(cast, expired):
    claim, paths = expired
    before, counts_before = figures(claim), dashboard_counts()

    report = claims_anonymise_expired()

    assert [c.reference for c in report.claims] == [claim.reference]
    after = figures(claim)
    assert after == before
    assert dashboard_counts() == counts_before
    assert not any(p.exists() for p in paths)
    assert Document.objects.filter(claim=claim).count() == 3  # the rows stay, with kind, date and size
    assert report.files_deleted == 3


def test_a_record_per_claim_and_a_row_per_run_are_written(cast, expired):
    claim, _paths = expired
    report = claims_anonymise_expired()

    record = AnonymisationRecord.objects.get(claim=claim)
    run = RetentionRun.objects.get()
    assert record.reference == claim.reference and record.run == run
    assert record.files_deleted == 3 and record.persons_anonymised == 3 and record.property_anonymised
    assert set(record.categories) == {"person", "account", "address", "free_text", "history", "files", "letters",
                                      "payment", "email", "mandates"}
    assert record.counts["files"] == 3 and record.counts["person"] == 3
    assert abs(record.closed_at - years_ago(7, plus=DAY)) < dt.timedelta(seconds=5)
    assert (run.years, run.claims_done, run.persons_done, run.files_deleted, run.trigger) == (
        7, 1, 3, 3, RetentionRun.Trigger.COMMAND)
    assert run.finished_at is not None and run.cutoff == report.cutoff
    # The dossier's timeline: one note, without author, says what happened.
    line = Note.objects.get(claim=claim, author__isnull=True)
    assert "langer dan 7 jaar" in line.body
    with pytest.raises(Exception, match="append-only"):
        record.save()


# --- which claims ---------------------------------------------------------------------------------------------

def test_only_claims_closed_longer_than_the_period_and_never_open_ones(cast):
    old = closed_claim(cast, at=years_ago(7, plus=DAY))
    young = closed_claim(cast, at=years_ago(7, plus=-DAY))
    with timeutil.frozen(years_ago(9)):
        open_long = claim_in(cast, "intake")
        withdrawn_long = claim_in(cast, "withdrawn")
    report = claims_anonymise_expired()
    assert [c.reference for c in report.claims] == [old.reference]
    assert set(AnonymisationRecord.objects.values_list("claim_id", flat=True)) == {old.pk}
    for claim in (young, open_long, withdrawn_long):
        assert DamageItem.objects.filter(claim=claim).exclude(description="").exists()


def test_a_reopened_claim_counts_from_its_last_closing(cast):
    claim = closed_claim(cast, at=years_ago(9))
    with timeutil.frozen(years_ago(7, plus=-30 * DAY)):
        claim = cast.fire(claim, "reopen")
        for name in ("plan_inspection", "record_advice", "send_advice", "forward_to_commission", "advise"):
            claim = cast.fire(claim, name)
        claim = cast.fire(claim, "decide", outcome="rejected", awarded_amount=0)
    with timeutil.frozen(years_ago(7, plus=-90 * DAY)):  # after the objection window
        claim = cast.fire(claim, "close")
    assert claims_anonymise_expired().claims_done == 0
    with timeutil.frozen(timeutil.now() + dt.timedelta(days=100)):
        assert claims_anonymise_expired().claims_done == 1


def test_a_person_with_another_live_claim_keeps_their_data_until_that_one_expires(cast):
    old = closed_claim(cast, at=years_ago(8))
    live = claim_in(cast, "intake")
    report = claims_anonymise_expired()
    assert report.claims_done == 1 and report.persons_done == 0
    person = Person.objects.get(pk=cast.person.pk)
    assert person.name == cast.person.name and person.email == cast.person.email
    assert type(cast.resident).objects.get(pk=cast.resident.pk).is_active
    assert DamageItem.objects.filter(claim=old, description="").exists()  # the claim's own data went
    assert not DamageItem.objects.filter(claim=live, description="").exists()
    assert AnonymisationRecord.objects.get(claim=old).persons_anonymised == 0

    # Years later the other claim is closed and expired too: now the person goes.
    with timeutil.frozen(timeutil.now() + dt.timedelta(days=60)):
        for name in ("plan_inspection", "record_advice", "send_advice", "forward_to_commission", "advise"):
            live = cast.fire(live, name)
        live = cast.fire(live, "decide", outcome="rejected", awarded_amount=0)
    with timeutil.frozen(timeutil.now() + dt.timedelta(days=120)):
        live = cast.fire(live, "close")
    with timeutil.frozen(timeutil.now() + dt.timedelta(days=366 * 8)):
        report = claims_anonymise_expired()
    assert [c.reference for c in report.claims] == [live.reference] and report.persons_done == 1
    assert Person.objects.get(pk=cast.person.pk).name == P


def test_a_staff_member_who_claimed_keeps_their_account(cast):
    colleague = UserFactory(role="caseworker")
    Person.objects.filter(pk=cast.person.pk).update(user=colleague)
    closed_claim(cast, at=years_ago(8))
    claims_anonymise_expired()
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.has_usable_password() and colleague.email
    assert Person.objects.get(pk=cast.person.pk).user is None


def test_a_home_with_another_live_claim_keeps_its_address(cast):
    old = closed_claim(cast, at=years_ago(8))
    other = draft_claim(applicant=PersonFactory())
    Claim.objects.filter(pk=other.pk).update(property=old.property)
    street = old.property.street
    claims_anonymise_expired()
    assert Property.objects.get(pk=old.property_id).street == street
    assert AnonymisationRecord.objects.get(claim=old).property_anonymised is False


def test_what_a_live_claim_still_needs_stays(cast):
    """A SEPA file shared with a live claim keeps its text; a representative who also acts for someone with a
    live claim keeps their data; the expired claim's own applicant goes."""
    old = closed_claim(cast, at=years_ago(8))
    other = Cast()
    live = claim_in(other, "intake")
    representative = PersonFactory(name="Advocaat Smeets")
    Mandate.objects.create(principal=cast.person, representative=representative, scope=Mandate.Scope.CLAIM,
                           claim=old, valid_from=timeutil.today())
    Mandate.objects.create(principal=other.person, representative=representative, valid_from=timeutil.today())
    batch = PaymentBatch.objects.create(message_id="I3ML-RET-2", created_by=cast.finance, count=2,
                                        execution_date=timeutil.today(), total=Decimal("2.00"), xml="<Nm>Beide</Nm>")
    for claim in (old, live):
        Payment.objects.create(claim=claim, iban="NL91ABNA0417164300", account_holder="Iemand", amount=1,
                               status=Payment.Status.EXPORTED, recorded_by=cast.finance,
                               approved_by=cast.coordinator, batch=batch)

    report = claims_anonymise_expired()

    assert report.claims_done == 1 and report.persons_done == 1
    assert PaymentBatch.objects.get(pk=batch.pk).xml == "<Nm>Beide</Nm>"
    assert Payment.objects.get(claim=old).iban == "" and Payment.objects.get(claim=live).iban
    assert Person.objects.get(pk=representative.pk).name == "Advocaat Smeets"
    assert Person.objects.get(pk=cast.person.pk).name == P
    assert not Mandate.objects.filter(claim=old).exists()
    assert Mandate.objects.filter(principal=other.person, representative=representative).exists()


# --- the run: dry run, second run, limit, period ----------------------------------------------------------------

def test_a_dry_run_changes_nothing_and_says_what_it_would_do(cast, expired):
    claim, paths = expired
    before = figures(claim)
    description = Claim.objects.get(pk=claim.pk).description
    out = io.StringIO()
    call_command("anonymise_closed_claims", "--dry-run", stdout=out)
    text = out.getvalue()
    assert claim.reference in text and "zou worden geanonimiseerd" in text and "3 bestanden" in text
    assert "Proefdraai" in text
    assert figures(claim) == before
    assert Claim.objects.get(pk=claim.pk).description == description
    assert Person.objects.get(pk=cast.person.pk).name == cast.person.name
    assert all(p.exists() for p in paths)
    assert not AnonymisationRecord.objects.exists() and not RetentionRun.objects.exists()
    assert not Note.objects.filter(claim=claim, author__isnull=True).exists()


def test_a_second_run_does_nothing_more(cast, expired):
    claim, _paths = expired
    claims_anonymise_expired()
    snapshot = (figures(claim), list(Person.objects.values_list("pk", "name", "email").order_by("pk")),
                list(Property.objects.values_list("pk", "street", "postcode").order_by("pk")))
    out = io.StringIO()
    call_command("anonymise_closed_claims", stdout=out)
    assert out.getvalue().strip().endswith("0 zaken geanonimiseerd, 0 personen, 0 bestanden.")
    assert (figures(claim), list(Person.objects.values_list("pk", "name", "email").order_by("pk")),
            list(Property.objects.values_list("pk", "street", "postcode").order_by("pk"))) == snapshot
    assert AnonymisationRecord.objects.count() == 1
    assert Note.objects.filter(claim=claim, author__isnull=True).count() == 1
    assert list(RetentionRun.objects.order_by("pk").values_list("claims_done", flat=True)) == [1, 0]


def test_the_limit_and_small_batches(cast):
    claims = [closed_claim(cast, at=years_ago(8)) for _ in range(3)]
    out = io.StringIO()
    call_command("anonymise_closed_claims", "--limit", "2", stdout=out)
    assert AnonymisationRecord.objects.count() == 2
    assert "2 zaken geanonimiseerd" in out.getvalue()
    report = claims_anonymise_expired(batch=1)  # one id per query: still every claim, each once
    assert report.claims_done == 1
    assert set(AnonymisationRecord.objects.values_list("claim_id", flat=True)) == {c.pk for c in claims}


def test_the_period_comes_from_the_settings_or_from_years(cast, settings):
    four_years = closed_claim(cast, at=years_ago(4, plus=DAY))
    call_command("anonymise_closed_claims", "--years", "5", stdout=io.StringIO())
    assert not AnonymisationRecord.objects.exists()
    settings.MIJNSCHADE_RETENTION = {**settings.MIJNSCHADE_RETENTION, "years": 3}
    call_command("anonymise_closed_claims", stdout=io.StringIO())
    assert AnonymisationRecord.objects.get().claim_id == four_years.pk
    assert list(RetentionRun.objects.order_by("pk").values_list("years", flat=True)) == [5, 3]
    with pytest.raises(Exception, match="invalid"):
        call_command("anonymise_closed_claims", "--years", "0", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_claim_someone_is_working_on_is_skipped_and_taken_next_run():
    cast = Cast()
    claim = closed_claim(cast, at=years_ago(8))
    # Another session holds the row lock (a second connection, as a second web process would).
    from django.db import connections

    other = connections.create_connection("default")
    try:
        other.connect()
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM claims_claim WHERE id = %s FOR UPDATE", [claim.pk])
            report = claims_anonymise_expired()
        other.rollback()
    finally:
        other.close()
    assert report.skipped == 1 and report.claims_done == 0
    assert claims_anonymise_expired().claims_done == 1


# --- pages that still show such a claim -------------------------------------------------------------------------

def test_dossier_search_team_page_and_portal_still_render(client, cast, expired):
    claim, _paths = expired
    live = claim_in(cast, "intake")  # the resident keeps an account through this claim...
    claims_anonymise_expired()
    # ... so only the expired claim's own data went, and the person can still log in and see both.

    client.force_login(cast.coordinator)
    dossier = client.get(reverse("casework:dossier", kwargs={"reference": claim.reference}))
    assert dossier.status_code == 200
    assert "Persoonsgegevens verwijderd" in dossier.content.decode()
    assert client.get(reverse("casework:caseload"), {"q": claim.reference}).status_code == 200
    assert client.get(reverse("casework:caseload"), {"q": "geanonimiseerd"}).status_code == 200
    assert client.get(reverse("casework:team")).status_code == 200
    document = Document.objects.filter(claim=claim).first()
    assert client.get(reverse("claims:document_download", args=[document.pk])).status_code == 404
    assert client.get(f"/api/v1/claims/{claim.reference}/").status_code == 200

    client.force_login(cast.resident)
    assert client.get(reverse("claims:portal")).status_code == 200
    assert client.get(reverse("claims:portal_claim", args=[claim.reference])).status_code == 200
    assert client.get(reverse("claims:portal_claim", args=[live.reference])).status_code == 200
    export = client.post(reverse("claims:portal_personal_data"))
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    b"".join(export.streaming_content)


# --- the nightly task on the real worker -------------------------------------------------------------------------

@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_runs_on_the_worker(celery_worker_process):
    cast = Cast()
    claim = closed_claim(cast, at=years_ago(8))
    anonymise_expired_claims.delay()
    deadline = time.monotonic() + 30
    while not AnonymisationRecord.objects.filter(claim=claim).exists():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not anonymise the claim\n" + celery_worker_process.log_tail())
        time.sleep(0.2)
    run = RetentionRun.objects.get()
    assert run.trigger == RetentionRun.Trigger.SCHEDULE and run.claims_done == 1
    assert Person.objects.get(pk=cast.person.pk).name == P
    assert not DamageItem.objects.filter(claim=claim).exclude(description="").exists()


def test_the_beat_runs_the_task_at_night():
    from i3ml.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-expired-claims"]
    app.loader.import_default_modules()
    assert entry["task"] == anonymise_expired_claims.name and entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})
    assert settings.MIJNSCHADE_RETENTION["years"] == 7
