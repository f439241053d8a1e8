"""The staff side of the demo, on top of the claims demo (claims.demo): planned visits for claims waiting
on an inspection, safety visits for urgent claims, notes and calls, one handover, and this morning's
deadline marks. Everything goes through the same services as the pages."""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from claims import demo as claims_demo
from claims.models import ClaimTransition, ClockEvent, ClockEventKind, DamageItem, Document, DocumentKind, Inspection
from claims.states import OPEN_STATES, State
from claims.termijnen import add_working_days
from claims.timeutil import now, today

from .amounts import route_for
from .assignment import claim_reassign
from .models import CommissionAdvice, Decision, DecisionItem, ItemAdvice, Note, ReviewDeclaration
from .services.contact import call_record, note_add
from .services.inspection import inspection_schedule
from .services.safety import claim_record_safety_visit
from .watch import refresh_marks

log = logging.getLogger(__name__)
VISIT_HOURS = (9, 11, 13, 15)
SAFETY_VISIT_AFTER = dt.timedelta(hours=20)
ZERO, CENT = Decimal("0.00"), Decimal("0.01")
SAFETY_FINDINGS = "Woning bekeken; scheur in de draagmuur gestut. Bewoners kunnen blijven."
NOTES = (
    "Aanvrager is slechthorend: liefst per brief, en bellen met de dochter (nummer in de melding).",
    "Foto's van de kelder zijn onscherp; bij de opname opnieuw laten maken.",
    "Buurman op nummer 14 heeft dezelfde scheuren gemeld; samen plannen kan de aanvrager schelen.",
)
CALLS = (
    ("in", "Aanvrager", "Vroeg wanneer de deskundige komt. Uitgelegd dat de afspraak per brief komt."),
    ("out", "Dochter van de aanvrager", "Afspraak doorgesproken; de sleutel ligt bij de buren."),
)


@dataclass(frozen=True)
class CaseworkDemo:
    visits: int
    safety_visits: int
    notes: int
    marks: int


def seed_casework_demo() -> CaseworkDemo:
    with claims_demo.queued_side_effects(), transaction.atomic():
        claims = claims_demo.demo_claims()
        finish_past_inspections(claims)
        record_past_advice_and_decisions(claims)
        result = CaseworkDemo(visits=plan_visits(claims), safety_visits=record_safety_visits(claims),
                              notes=write_notes(claims), marks=0)
        marks = refresh_marks(on=today())
    claims_demo.render_bewoner_letters()  # the appointment letter, so the portal demo shows it
    return CaseworkDemo(visits=result.visits, safety_visits=result.safety_visits, notes=result.notes,
                        marks=marks.overdue + marks.due_soon)


def finish_past_inspections(claims) -> int:
    """Claims whose advice came in before the demo's today had their visit: the inspection is done, ten days
    before the advice, and carries the expert's report (one small PDF, stored per claim like any upload)."""
    advised = (ClaimTransition.objects.filter(claim__in=claims, name="record_advice")
               .values_list("claim_id", "actor_id", "created_at").order_by("claim_id", "created_at"))
    last_advice = {claim_id: (actor_id, at) for claim_id, actor_id, at in advised}
    report = _report_pdf()
    zone = timezone.get_default_timezone()
    done = 0
    for inspection in Inspection.objects.filter(claim_id__in=last_advice, status=Inspection.Status.CHOSEN):
        actor_id, advised_at = last_advice[inspection.claim_id]
        day = timezone.localtime(advised_at - dt.timedelta(days=10)).date()
        starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)), zone)
        document = Document(claim_id=inspection.claim_id, kind=DocumentKind.ADVICE_REPORT,
                            title="Adviesrapport schade-opname", original_name="adviesrapport.pdf",
                            sha256=hashlib.sha256(report).hexdigest(), size=len(report),
                            content_type="application/pdf", uploaded_by_id=actor_id)
        document.file.save(document.original_name, ContentFile(report), save=False)
        document.save()
        Inspection.objects.filter(pk=inspection.pk).update(
            status=Inspection.Status.DONE, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2),
            visited_at=starts_at, report=document)
        done += 1
    return done


SHARE = {"yes": Decimal(1), "partly": Decimal("0.5"), "no": Decimal(0)}
ADVICE_REASONING = ("De schade past bij het patroon van bodembeweging boven de oude mijngangen in deze wijk. "
                    "Wij volgen het rapport van de deskundige.")


def record_past_advice_and_decisions(claims) -> int:
    """The demo's histories fired `advise` and `decide`; here is what was advised and decided then, as the
    commission and decision pages record it now: per damage item, from the expert's verdicts."""
    steps = (ClaimTransition.objects.filter(claim__in=claims, name__in=("advise", "decide"))
             .select_related("claim").order_by("created_at", "pk"))
    items_of: dict[int, list] = {}
    for item in DamageItem.objects.filter(claim__in=claims).order_by("position", "pk"):
        items_of.setdefault(item.claim_id, []).append(item)
    advice_of: dict[int, CommissionAdvice] = {}
    made = 0
    for step in steps:
        items = items_of.get(step.claim_id, [])
        if step.name == "advise" and not step.claim.commission_advices.exists():
            ReviewDeclaration.objects.get_or_create(claim_id=step.claim_id, member_id=step.actor_id,
                                                    defaults={"has_conflict": False, "declared_at": step.created_at})
            amounts = [((item.repair_cost or ZERO) * SHARE.get(item.expert_verdict or "no", ZERO)).quantize(CENT)
                       for item in items]
            total = sum(amounts, ZERO)
            advice = CommissionAdvice.objects.create(
                claim_id=step.claim_id, member_id=step.actor_id, reasoning=ADVICE_REASONING, items_total=total,
                total=total, created_at=step.created_at)
            ItemAdvice.objects.bulk_create([
                ItemAdvice(advice=advice, damage_item=item, plausibility=item.expert_verdict or "no",
                           percentage=50 if item.expert_verdict == "partly" else None, amount=amount,
                           reasoning=item.expert_notes or ADVICE_REASONING)
                for item, amount in zip(items, amounts, strict=True)])
            advice_of[step.claim_id] = advice
            made += 1
        elif step.name == "decide" and not step.claim.decisions.exists():
            total = Decimal(str(step.data.get("awarded_amount", "0")))
            decision = Decision.objects.create(
                claim_id=step.claim_id, advice=advice_of.get(step.claim_id), outcome=step.data.get("outcome", ""),
                total=total, route=route_for(total), reasoning=step.reason or ADVICE_REASONING,
                decided_by_id=step.actor_id, created_at=step.created_at)
            DecisionItem.objects.bulk_create([
                DecisionItem(decision=decision, damage_item=item, plausibility=item.expert_verdict or "no",
                             amount=item.awarded_amount or ZERO)
                for item in items])
            made += 1
    return made


def _report_pdf() -> bytes:
    from weasyprint import HTML  # the worker's renderer; imported here so the module loads without it

    html = ("<h1>Adviesrapport schade-opname</h1><p>Voorbeeldrapport van de demo. Per schadepunt: plaats, soort, "
            "afmetingen, oordeel van de deskundige en herstelkosten.</p>")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def plan_visits(claims) -> int:
    """Claims in inspection get a visit on one of the coming working days (the appointment letter follows)."""
    waiting = (Inspection.objects.filter(claim__in=claims, claim__status=State.INSPECTION,
                                         status=Inspection.Status.CHOSEN)
               .select_related("claim__caseworker").order_by("claim__reference"))
    zone = timezone.get_default_timezone()
    planned = 0
    for index, inspection in enumerate(waiting):
        day = add_working_days(today(), 1 + index // len(VISIT_HOURS))
        hour = VISIT_HOURS[index % len(VISIT_HOURS)]
        starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), zone)
        inspection_schedule(inspection=inspection, actor=inspection.claim.caseworker, starts_at=starts_at,
                            ends_at=starts_at + dt.timedelta(hours=1, minutes=30))
        planned += 1
    return planned


def record_safety_visits(claims) -> int:
    """Urgent claims reported more than a day ago were visited within 20 hours; newer ones still wait, so
    the team view shows what an urgent claim without a visit looks like."""
    visited = ClockEvent.objects.filter(kind=ClockEventKind.SAFETY_VISIT).values("claim_id")
    urgent = (claims.filter(urgent=True, submitted_at__lte=now() - SAFETY_VISIT_AFTER)
              .exclude(pk__in=visited).exclude(caseworker=None).select_related("caseworker"))
    count = 0
    for claim in urgent:
        claim_record_safety_visit(claim=claim, actor=claim.caseworker,
                                  visited_at=claim.submitted_at + SAFETY_VISIT_AFTER, findings=SAFETY_FINDINGS)
        count += 1
    return count


def write_notes(claims) -> int:
    """Notes and calls on the open claims of the demo guide, and one handover from a colleague."""
    staff = {user.username: user for user in claims_demo.User.objects.filter(
        username__in=("zaakbegeleider", "zaakbegeleider2", "coordinator"))}
    guide = staff["zaakbegeleider"]
    own = list(claims.filter(caseworker=guide, status__in=OPEN_STATES).order_by("reference")[:6])
    written = 0
    for index, claim in enumerate(own):
        if index < len(NOTES):
            note_add(claim=claim, actor=guide, body=NOTES[index])
        else:
            direction, spoke_with, body = CALLS[index % len(CALLS)]
            call_record(claim=claim, actor=guide, direction=direction, spoke_with=spoke_with, body=body)
        written += 1
    colleague = claims.filter(caseworker=staff["zaakbegeleider2"], status__in=OPEN_STATES).order_by("reference").first()
    if colleague is not None and not Note.objects.filter(claim=colleague, kind=Note.Kind.HANDOVER).exists():
        claim_reassign(claim=colleague, to_guide=guide, actor=staff["coordinator"],
                       reason="Lotte gaat naar het team Westelijke Mijnstreek.",
                       handover="De aanvrager wacht op een terugbelverzoek over de kelder; bel deze week.")
        written += 1
    return written

