"""The inspection (schade-opname) after `plan_inspection` chose the expert: the appointment, another expert,
what the expert finds per damage item, and the advice report that moves the claim on (`record_advice`).

The case guide plans and replaces (`may_work_on`); only the claim's current expert records findings. Each
service locks the claim first, so a double click or two people at once never leave half a change."""

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from casework.models import Note
from casework.timeline import person_name
from claims import deadlines, letters, permissions, termijnen, uploads
from claims import roles as R
from claims.calendar_ics import appointment_letter_prefix, times_planned
from claims.errors import FORBIDDEN, NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import (
    Claim,
    DamageItem,
    DamageKind,
    Document,
    DocumentKind,
    Inspection,
    LetterKind,
    Message,
    Verdict,
)
from claims.services import claim_transition
from claims.services.steps import lock
from claims.states import State
from claims.timeutil import now, today

User = get_user_model()
Status = Inspection.Status

DAY_STARTS = dt.time(8, 0)
DAY_ENDS = dt.time(18, 0)
OPEN_INSPECTION = (Status.CHOSEN, Status.PLANNED)
MAX_LOCATION = DamageItem._meta.get_field("location").max_length
MAX_MEASUREMENTS = DamageItem._meta.get_field("measurements").max_length
MAX_COST = Decimal("9999999999.99")  # what the column holds (12 digits, 2 after the point)


# --- checks shared by the services -------------------------------------------------------------------


def _not_now(claim: Claim) -> TransitionRefused:
    return TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")


def _ensure_inspection_state(claim: Claim) -> None:
    if claim.status != State.INSPECTION:
        raise _not_now(claim)


def _ensure_guide(actor, claim: Claim) -> None:
    if not permissions.may_work_on(actor, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def _is_current_expert(actor, claim: Claim) -> bool:
    return (actor is not None and actor.is_authenticated and actor.is_active and R.has_role(actor, R.EXPERT)
            and claim.expert_id == actor.pk)


def _ensure_expert(actor, claim: Claim) -> None:
    if not _is_current_expert(actor, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def _open_inspection_locked(claim: Claim) -> Inspection | None:
    """The open inspection of the claim's current expert (chosen or planned), if any."""
    if claim.expert_id is None:
        return None
    return (Inspection.objects.select_for_update(of=("self",))
            .filter(claim=claim, expert_id=claim.expert_id, status__in=OPEN_INSPECTION)
            .order_by("-created_at", "-pk").first())


def _locked_inspection(inspection: Inspection) -> tuple[Claim, Inspection]:
    claim = lock(inspection.claim)
    return claim, Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)


def _ensure_open(inspection: Inspection, claim: Claim) -> None:
    """The inspection is still the open one of the claim's current expert."""
    if inspection.status not in OPEN_INSPECTION or inspection.expert_id != claim.expert_id:
        raise TransitionRefused(_("Deze schade-opname is al afgerond of overgedragen aan een andere deskundige."),
                                code="inspection_closed")


def _text(value, *, limit: int | None = None, message=None, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TransitionRefused(message, code="text_required")
    if limit is not None and len(value) > limit:
        raise TransitionRefused(_("Deze tekst is te lang: gebruik ten hoogste %(max)s tekens.") % {"max": limit},
                                code="text_too_long")
    return value


def _kind(value) -> str:
    if value not in DamageKind.values:
        raise TransitionRefused(_("Kies de soort schade."), code="invalid_kind")
    return value


def _verdict(value) -> str:
    value = value or ""
    if value and value not in Verdict.values:
        raise TransitionRefused(_("Kies uw oordeel: ja, gedeeltelijk of nee."), code="invalid_verdict")
    return value


def _cost(value) -> Decimal | None:
    if value is None or value == "":
        return None
    message = _("Vul de herstelkosten in als een bedrag van nul of meer, bijvoorbeeld 1250,00.")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise TransitionRefused(message, code="invalid_cost") from error
    if not amount.is_finite() or amount < 0 or amount > MAX_COST:
        raise TransitionRefused(message, code="invalid_cost")
    return amount


def _aware(moment: dt.datetime, message) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        raise TransitionRefused(message, code="invalid_time")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _head(file, size: int = 16) -> bytes:
    """The first bytes of an upload, leaving the file where it was for the real check."""
    position = file.tell() if hasattr(file, "tell") else 0
    head = file.read(size)
    file.seek(position)
    return head or b""


# --- planning -----------------------------------------------------------------------------------------


def _check_visit_time(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    starts_at = _aware(starts_at, _("Vul een begintijd in."))
    ends_at = _aware(ends_at, _("Vul een eindtijd in."))
    if starts_at <= now():
        raise TransitionRefused(_("De afspraak moet in de toekomst liggen."), code="in_past")
    if ends_at <= starts_at:
        raise TransitionRefused(_("De eindtijd moet na de begintijd liggen."), code="ends_before_start")
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if termijnen.is_day_off(start.date()):
        raise TransitionRefused(
            _("Op %(day)s werken wij niet. Kies een werkdag.") % {"day": date_format(start.date(), "l j F Y")},
            code="day_off",
        )
    if start.date() != end.date() or start.time() < DAY_STARTS or end.time() > DAY_ENDS:
        raise TransitionRefused(_("Plan de afspraak op één dag, tussen 8.00 en 18.00 uur."), code="outside_hours")
    return starts_at, ends_at


@transaction.atomic
def inspection_schedule(*, inspection: Inspection, actor, starts_at: dt.datetime, ends_at: dt.datetime) -> Inspection:
    """Plans (or moves) the visit and sends the resident the appointment letter. The first letter tells the
    resident who the expert is, so the two weeks to object to the expert run from then."""
    claim, inspection = _locked_inspection(inspection)
    _ensure_guide(actor, claim)
    _ensure_inspection_state(claim)
    _ensure_open(inspection, claim)
    starts_at, ends_at = _check_visit_time(starts_at, ends_at)
    if inspection.status == Status.PLANNED and (inspection.starts_at, inspection.ends_at) == (starts_at, ends_at):
        return inspection  # the same plan twice (a double click): nothing new to tell the resident

    count = times_planned(inspection)
    if count == 0:
        inspection.objection_due = deadlines.expert_objection_due(today())
    inspection.status = Status.PLANNED
    inspection.starts_at, inspection.ends_at = starts_at, ends_at
    inspection.save(update_fields=["status", "starts_at", "ends_at", "objection_due", "updated_at"])
    # A new key per plan: a move back to an earlier time is still a new letter.
    key = f"{appointment_letter_prefix(inspection.pk)}{count + 1}:{starts_at.astimezone(dt.UTC):%Y%m%d%H%M}"
    letters.schedule(claim=claim, kind=LetterKind.APPOINTMENT, key=key, context={
        "inspection_id": inspection.pk,
        "starts_at": timezone.localtime(starts_at).isoformat(),
        "ends_at": timezone.localtime(ends_at).isoformat(),
        # The expert's name is left to the letter (claims.letter_content): a full name, never a login name.
        "objection_due_on": inspection.objection_due.isoformat(),
    })
    return inspection


@transaction.atomic
def inspection_replace_expert(*, claim: Claim, actor, expert, reason: str) -> Inspection:
    """Another expert takes over (the resident objected, the expert is ill, a conflict of interest came up).
    The old expert's access ends with it: what an expert sees follows `claim.expert`."""
    claim = lock(claim)
    _ensure_guide(actor, claim)
    _ensure_inspection_state(claim)
    reason = _text(reason, message=_("Geef een reden op."), required=True, limit=2000)
    if expert is None or not expert.is_active or not R.has_role(expert, R.EXPERT):
        raise TransitionRefused(_("Kies een deskundige."), code="invalid_expert")
    if expert.pk == claim.expert_id:
        raise TransitionRefused(_("Kies een andere deskundige dan de huidige."), code="same_expert")
    old_expert = claim.expert
    for old in Inspection.objects.select_for_update().filter(claim=claim, status__in=OPEN_INSPECTION):
        old.status = Status.REPLACED
        old.save(update_fields=["status", "updated_at"])
    claim.expert = expert
    claim.save(update_fields=["expert", "updated_at"])
    inspection = Inspection.objects.create(claim=claim, expert=expert, chosen_on=today(),
                                           objection_due=deadlines.expert_objection_due(today()), created_by=actor)
    with translation.override(settings.LANGUAGE_CODE):  # the dossier is kept in the institute's language
        body = _("Andere deskundige gekozen: %(new)s in plaats van %(old)s. Reden: %(reason)s") % {
            "new": person_name(expert), "old": person_name(old_expert) or "-", "reason": reason,
        }
    Note.objects.create(claim=claim, kind=Note.Kind.NOTE, author=actor, body=str(body))
    # The resident's objection to the old expert is answered by this choice; they may object to the new one.
    Message.objects.filter(claim=claim, kind=Message.Kind.EXPERT_OBJECTION, handled_at__isnull=True).update(
        handled_at=now())
    return inspection


@transaction.atomic
def inspection_record_visit(*, inspection: Inspection, actor, visited_at: dt.datetime) -> Inspection:
    """The expert (or the guide) records that the visit took place."""
    claim, inspection = _locked_inspection(inspection)
    if not (_is_current_expert(actor, claim) or permissions.may_work_on(actor, claim)):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
    _ensure_inspection_state(claim)
    _ensure_open(inspection, claim)
    visited_at = _aware(visited_at, _("Vul in wanneer u er was."))
    if visited_at > now():
        raise TransitionRefused(_("Het bezoek kan niet in de toekomst liggen."), code="in_future")
    if timezone.localtime(visited_at).date() < inspection.chosen_on:
        raise TransitionRefused(_("Het bezoek kan niet liggen voor de dag waarop de deskundige is gekozen."),
                                code="before_chosen")
    inspection.visited_at = visited_at
    inspection.save(update_fields=["visited_at", "updated_at"])
    return inspection


# --- what the expert finds ----------------------------------------------------------------------------


@transaction.atomic
def damage_item_record_findings(*, item: DamageItem, actor, location: str, kind: str, measurements: str = "",
                                expert_notes: str = "", verdict: str = "", repair_cost=None) -> DamageItem:
    """The expert's findings on one item. The verdict may wait until the report; the report needs it."""
    claim = lock(item.claim)
    _ensure_expert(actor, claim)
    _ensure_inspection_state(claim)
    item = DamageItem.objects.select_for_update().get(pk=item.pk, claim=claim)
    item.location = _text(location, limit=MAX_LOCATION, required=True,
                          message=_("Vul in waar de schade zit, bijvoorbeeld ‘gevel voorkant’."))
    item.kind = _kind(kind)
    item.measurements = _text(measurements, limit=MAX_MEASUREMENTS)
    item.expert_notes = _text(expert_notes, limit=10000)
    item.expert_verdict = _verdict(verdict)
    item.repair_cost = _cost(repair_cost)
    item.save(update_fields=["location", "kind", "measurements", "expert_notes", "expert_verdict", "repair_cost"])
    return item


@transaction.atomic
def damage_item_add_by_expert(*, claim: Claim, actor, location: str, kind: str, description: str,
                              measurements: str = "", expert_notes: str = "", verdict: str = "",
                              repair_cost=None) -> DamageItem:
    """A damage item the resident had not reported, found on site."""
    claim = lock(claim)
    _ensure_expert(actor, claim)
    _ensure_inspection_state(claim)
    last = claim.damage_items.aggregate(last=Max("position"))["last"] or 0
    return DamageItem.objects.create(
        claim=claim, position=last + 1, added_by_expert=True,
        location=_text(location, limit=MAX_LOCATION, required=True,
                       message=_("Vul in waar de schade zit, bijvoorbeeld ‘gevel voorkant’.")),
        kind=_kind(kind),
        description=_text(description, required=True, limit=10000, message=_("Beschrijf de schade.")),
        measurements=_text(measurements, limit=MAX_MEASUREMENTS),
        expert_notes=_text(expert_notes, limit=10000),
        expert_verdict=_verdict(verdict),
        repair_cost=_cost(repair_cost),
    )


def _ensure_may_add_photo(actor, claim: Claim) -> None:
    _ensure_expert(actor, claim)
    _ensure_inspection_state(claim)


@contextlib.contextmanager
def _file_removed_on_failure() -> Iterator[list[Document]]:
    """Documents stored inside the block lose their file again if the block fails: the rollback takes the
    row, and a file without its row would belong to nothing."""
    stored: list[Document] = []
    try:
        yield stored
    except BaseException:
        for document in stored:
            document.file.storage.delete(document.file.name)
        raise


@transaction.atomic
def damage_photo_add(*, item: DamageItem, actor, upload) -> Document:
    """A photo the expert took of the item. The file is checked (and re-encoded) before the claim is locked,
    so a slow check never holds the claim; the rules are checked again under the lock."""
    item = DamageItem.objects.select_related("claim").get(pk=item.pk)
    _ensure_may_add_photo(actor, item.claim)  # refuse before reading a byte
    if uploads.sniff(_head(upload)) not in (uploads.JPEG, uploads.PNG, uploads.HEIF):
        raise uploads.UploadRefused(str(_("Stuur een foto: JPG, PNG of HEIC.")), code="photo_not_image")
    with _file_removed_on_failure() as stored:
        stored.append(uploads.store_upload(claim=item.claim, file=upload, kind=DocumentKind.PHOTO, actor=actor,
                                           damage_item=item))
        _ensure_may_add_photo(actor, lock(item.claim))
        return stored[0]


def _missing_findings(claim: Claim) -> list[DamageItem]:
    return [item for item in claim.damage_items.order_by("position", "pk")
            if not item.expert_verdict
            or (item.expert_verdict != Verdict.NO and item.repair_cost is None)]


def _ensure_may_submit(actor, claim: Claim) -> None:
    if not (_is_current_expert(actor, claim) or permissions.may_work_on(actor, claim)):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
    _ensure_inspection_state(claim)
    missing = _missing_findings(claim)
    if missing:
        names = ", ".join(f"{item.position}. {item.location}" for item in missing)
        raise TransitionRefused(
            _("Bij deze schadepunten ontbreekt nog een oordeel of de herstelkosten: %(items)s. "
              "Vul die eerst in.") % {"items": names},
            code="findings_missing",
        )


@transaction.atomic
def inspection_submit_report(*, claim: Claim, actor, upload, reason: str = "") -> Claim:
    """The advice report (PDF) ends the inspection and moves the claim to `advice_draft`, all or nothing.

    The expert uploads it; the case guide may upload a report that came in on paper. The PDF is checked
    before the claim is locked (the check may take seconds); every rule is checked again under the lock."""
    claim = Claim.objects.get(pk=claim.pk)
    _ensure_may_submit(actor, claim)  # fail fast, before the file is read
    if uploads.sniff(_head(upload)) != uploads.PDF:
        raise uploads.UploadRefused(str(_("Stuur het adviesrapport als PDF.")), code="report_not_pdf")
    with translation.override(settings.LANGUAGE_CODE):  # the dossier is kept in the institute's language
        title = str(_("Adviesrapport deskundige"))
        reason = reason.strip() or str(_("Adviesrapport van de deskundige ontvangen"))
    with _file_removed_on_failure() as stored:
        report = uploads.store_upload(claim=claim, file=upload, kind=DocumentKind.ADVICE_REPORT, actor=actor,
                                      title=title)
        stored.append(report)
        claim = lock(claim)
        _ensure_may_submit(actor, claim)  # again, on the locked row: this is the decision
        inspection = _open_inspection_locked(claim)
        if inspection is None:
            raise TransitionRefused(_("Er is geen open schade-opname bij deze zaak."), code="no_inspection")
        inspection.report = report
        inspection.status = Status.DONE
        inspection.save(update_fields=["report", "status", "updated_at"])
        return claim_transition(claim=claim, name="record_advice", actor=actor, reason=reason)
