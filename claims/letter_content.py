"""What a letter says: a JSON snapshot of the facts at the moment it is due, and the template context
built back from it. The snapshot is data only; the wording comes from the template in the letter's
language, so a letter rendered again later still states what was true when it was sent.

Convention for snapshot keys: `…_on` holds an ISO date and `…_at` an ISO date-time; `template_context`
turns them back into dates so templates can write them out with the `date` filter."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import deadlines, timeutil
from .models import Claim, ClaimTransition, ClockEventKind, Inspection, Letter, LetterKind, Person

ORGANISATION = "Instituut voor Milieu, Mens en Mijnbouw Limburg (I3ML)"
VISITING_ADDRESS = ("Kloosterweg 22", "6412 CN Heerlen")


def general_phone() -> str:
    return getattr(settings, "I3ML_PHONE", "045 000 00 00")


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def portal_claim_url(reference: str) -> str:
    """The resident's own page of the claim; it shows the letter only after logging in."""
    return f"{site_url()}/mijn/{reference}/"


def address_lines(claim: Claim, recipient: Person) -> list[str]:
    """Where the letter goes: the person's postal address if they gave one, else the damaged home."""
    if recipient.postal_address.strip():
        return [line.strip() for line in recipient.postal_address.splitlines() if line.strip()]
    home = claim.property
    return [f"{home.street} {home.house_number_label}", f"{home.postcode_display}  {home.town.upper()}"]


def case_guide(claim: Claim) -> str:
    """The case guide's name once one is assigned; a username is no name to put in a letter."""
    if claim.caseworker_id is None:
        return ""
    return claim.caseworker.get_full_name().strip()


def home_address(claim: Claim) -> str:
    """The damaged home on one line, e.g. where the expert comes."""
    home = claim.property
    return f"{home.street} {home.house_number_label}, {home.postcode_display} {home.town}"


def person_name(user) -> str:
    return user.get_full_name().strip() if user is not None else ""


def _common(claim: Claim, recipient: Person) -> dict[str, Any]:
    return {
        "reference": claim.reference,
        "dated_on": timeutil.today(),
        "recipient_name": recipient.name,
        "address_lines": address_lines(claim, recipient),
        "guide_name": case_guide(claim),
        "phone": general_phone(),
        "portal_url": portal_claim_url(claim.reference),
        "site_url": site_url(),
        "urgent": claim.urgent,
    }


def _last_transition(claim: Claim, name: str) -> ClaimTransition | None:
    return claim.transitions.filter(name=name).order_by("-pk").first()


def _receipt(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "received_on": timeutil.local_date(claim.submitted_at) if claim.submitted_at else timeutil.today(),
        "decision_due_on": claim.decision_due,
        "decision_weeks": deadlines.terms()["decision_weeks"],
        "safety_visit_due_at": claim.safety_visit_due,
        "urgent_visit_hours": deadlines.terms()["urgent_visit_hours"],
    }


def _info_request(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    asked = _last_transition(claim, "request_info")
    return {
        "question": asked.reason if asked else "",
        "reply_due_on": claim.reply_due,
        "asked_on": timeutil.local_date(asked.created_at) if asked else timeutil.today(),
    }


def _not_admissible(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    declared = _last_transition(claim, "declare_not_admissible")
    return {
        "reason": declared.reason if declared else "",
        "decided_on": timeutil.local_date(claim.decided_at) if claim.decided_at else timeutil.today(),
        "objection_due_on": claim.objection_due,
        "objection_weeks": deadlines.terms()["objection_weeks"],
    }


def _appointment(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    """The caller (the inspection service) names the inspection and the time; what it leaves out is read from
    the inspection itself, so the letter never lacks the expert or the term to object to them."""
    inspections = claim.inspections.select_related("expert").exclude(status=Inspection.Status.REPLACED)
    inspection = (inspections.filter(pk=extra["inspection_id"]) if extra.get("inspection_id") else inspections).first()
    facts: dict[str, Any] = {"home_address": home_address(claim)}
    if inspection is not None:
        facts.update(
            inspection_id=inspection.pk,
            starts_at=inspection.starts_at,
            ends_at=inspection.ends_at,
            expert_name=person_name(inspection.expert),
            objection_due_on=inspection.objection_due,
            # An earlier letter for this inspection: the visit was moved, and the old time no longer holds.
            moved=Letter.objects.filter(claim=claim, kind=LetterKind.APPOINTMENT,
                                        context__inspection_id=inspection.pk).exists(),
        )
    return facts


def _draft_advice(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    sent = _last_transition(claim, "send_advice")
    days = deadlines.terms()["response_days"]
    return {
        "sent_on": timeutil.local_date(sent.created_at) if sent else timeutil.today(),
        "reply_due_on": claim.reply_due,
        "response_days": days,
        "response_weeks": days // 7 if days % 7 == 0 else None,  # "2 weken" reads easier than "14 dagen"
        "expert_name": person_name(claim.expert),
        "decision_due_on": claim.decision_due,
    }


def _extension(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    events = list(claim.clock_events.all())
    extension = max((e for e in events if e.kind == ClockEventKind.EXTEND), key=lambda e: e.pk, default=None)
    if extension is None:
        return {"decision_due_on": claim.decision_due}
    # The due date as it stood just before the extension: the same clock without it.
    before = deadlines.decision_clock([e for e in events if e.pk != extension.pk], as_of=timeutil.today())
    return {
        "previous_due_on": before.due,
        "decision_due_on": claim.decision_due,
        "extension_weeks": extension.weeks,
        "reason": extension.reason,
        "extended_on": extension.on_date,
        "clock_suspended": claim.clock_suspended,
    }


# Each kind's own facts; a kind without a builder gets the common facts only. A builder sees the caller's
# `extra` (which wins afterwards), e.g. to know which inspection an appointment letter is about.
BUILDERS: dict[str, Callable[[Claim, dict[str, Any]], dict[str, Any]]] = {
    LetterKind.RECEIPT: _receipt,
    LetterKind.INFO_REQUEST: _info_request,
    LetterKind.NOT_ADMISSIBLE: _not_admissible,
    LetterKind.APPOINTMENT: _appointment,
    LetterKind.DRAFT_ADVICE: _draft_advice,
    LetterKind.EXTENSION: _extension,
}


def snapshot(*, claim: Claim, kind: str, recipient: Person, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The facts the letter states, JSON-safe. `extra` (from the caller) wins over what is derived."""
    extra = extra or {}
    facts = _common(claim, recipient)
    builder = BUILDERS.get(kind)
    if builder is not None:
        facts.update(builder(claim, extra))
    facts.update(extra)
    return jsonable(facts)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # e.g. a lazy translation: stored as the text it had


def _revive(key: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    if key.endswith("_on"):
        return dt.date.fromisoformat(value)
    if key.endswith("_at"):
        moment = dt.datetime.fromisoformat(value)
        return timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return value


def template_context(letter: Letter) -> dict[str, Any]:
    context = {key: _revive(key, value) for key, value in (letter.context or {}).items()}
    if context.get("phone"):
        context["phone"] = context["phone"].replace(" ", "\N{NO-BREAK SPACE}")  # a number never breaks over lines
    context.update(
        kind=letter.kind,
        language=letter.language,
        organisation=ORGANISATION,
        visiting_address=VISITING_ADDRESS,
    )
    return context


def transition_key(claim: Claim, step: str, kind: str) -> str:
    """The letter key for a transition: its history row's id, so the same step never makes two letters."""
    transition = ClaimTransition.objects.filter(claim=claim, name=step).order_by("-pk").first()
    if transition is None:
        raise ValueError(f"claim {claim.pk} has no {step!r} transition to key a letter on")
    return f"{claim.pk}:{kind}:t{transition.pk}"
