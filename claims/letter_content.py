"""What a letter says: a JSON snapshot of the facts at the moment it is due, and the template context
built back from it. The snapshot is data only; the wording comes from the template in the letter's
language, so a letter rendered again later still states what was true when it was sent.

Convention for snapshot keys: `…_on` holds an ISO date and `…_at` an ISO date-time; `template_context`
turns them back into dates so templates can write them out with the `date` filter."""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import deadlines, progress, timeutil
from .models import Claim, ClaimTransition, ClockEventKind, DamageKind, Inspection, Letter, LetterKind, Payment, Person

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


# --- decisions, objections and payment (issue 5) ----------------------------------------------------------

def _decided_on(claim: Claim) -> dt.date:
    return timeutil.local_date(claim.decided_at) if claim.decided_at else timeutil.today()


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal("0.00")
    except InvalidOperation:
        return Decimal("0.00")


def _amounts(extra: dict[str, Any], total: Any) -> dict[str, Any]:
    """What the items add up to, and what the total holds besides them (the inspection allowance and
    statutory interest when the caller names them, else one line "other costs")."""
    items_total = sum((_money(item.get("amount")) for item in extra.get("items") or []), Decimal("0.00"))
    named = _money(extra.get("inspection_allowance")) + _money(extra.get("statutory_interest"))
    other = _money(extra.get("total", total)) - items_total - named
    return {"items_total": items_total, "other_amount": other if other > 0 else None}


def _decision(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    """The decision on the application. The decision service names the decision, its items and the route;
    the claim gives what it leaves out (outcome, amount, the last day to object)."""
    return {
        "outcome": claim.outcome,
        "total": claim.awarded_amount,
        "claimed_amount": claim.claimed_amount if claim.claimed_amount else None,
        "decided_on": _decided_on(claim),
        "objection_due_on": claim.objection_due,
        "objection_weeks": deadlines.terms()["objection_weeks"],
        **_amounts(extra, claim.awarded_amount),
    }


def _objection_filed(claim: Claim) -> ClaimTransition | None:
    return _last_transition(claim, "file_objection")


def _objection_received(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    filed = _objection_filed(claim)
    return {
        "received_on": timeutil.local_date(filed.created_at) if filed else timeutil.today(),
        "late": bool(filed and filed.data.get("late")),
        "against": filed.from_state if filed else "",  # decided, not_admissible or settlement
        "decided_on": timeutil.local_date(claim.decided_at) if claim.decided_at else None,
        "objection_due_on": claim.objection_due,
        "objection_decision_due_on": claim.objection_decision_due,
        "objection_decision_weeks": deadlines.terms()["objection_decision_weeks"],
    }


def _previous_total(claim: Claim, filed: ClaimTransition | None) -> Decimal | None:
    """The amount of the decision the objection was against: the last decision before it was filed."""
    if filed is None:
        return None
    earlier = (claim.transitions.filter(name__in=("decide", "decide_objection"), pk__lt=filed.pk,
                                        data__has_key="awarded_amount").order_by("-pk").first())
    return _money(earlier.data["awarded_amount"]) if earlier else None


def _objection_decision(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    """The decision on the objection. Against it the resident may go to court (beroep) within the same six
    weeks as an objection (Awb 6:7, 8:1), counted from the day after this letter."""
    filed = _objection_filed(claim)
    decided_on = timeutil.today()
    return {
        "total": claim.awarded_amount,
        "previous_total": _previous_total(claim, filed),
        "objection_received_on": timeutil.local_date(filed.created_at) if filed else None,
        "decided_on": decided_on,
        "appeal_due_on": deadlines.objection_due(decided_on),
        "appeal_weeks": deadlines.terms()["objection_weeks"],
        **_amounts(extra, claim.awarded_amount),
    }


def _payment(claim: Claim, extra: dict[str, Any]) -> dict[str, Any]:
    """The payment service names the payment; what it leaves out is read from the payment itself."""
    payment = (Payment.objects.filter(claim=claim, pk=extra["payment_id"]).select_related("batch").first()
               if extra.get("payment_id") else None)
    if payment is None:
        return {"paid_on": timeutil.today()}
    if payment.paid_at:
        paid_on = timeutil.local_date(payment.paid_at)
    elif payment.batch_id:
        paid_on = payment.batch.execution_date
    else:
        paid_on = timeutil.today()
    return {"amount": payment.amount, "iban_masked": payment.iban_masked, "account_holder": payment.account_holder,
            "paid_on": paid_on}


# Each kind's own facts; a kind without a builder gets the common facts only. A builder sees the caller's
# `extra` (which wins afterwards), e.g. to know which inspection an appointment letter is about.
BUILDERS: dict[str, Callable[[Claim, dict[str, Any]], dict[str, Any]]] = {
    LetterKind.RECEIPT: _receipt,
    LetterKind.INFO_REQUEST: _info_request,
    LetterKind.NOT_ADMISSIBLE: _not_admissible,
    LetterKind.APPOINTMENT: _appointment,
    LetterKind.DRAFT_ADVICE: _draft_advice,
    LetterKind.EXTENSION: _extension,
    LetterKind.DECISION: _decision,
    LetterKind.OBJECTION_RECEIVED: _objection_received,
    LetterKind.OBJECTION_DECISION: _objection_decision,
    LetterKind.PAYMENT: _payment,
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
    if isinstance(context.get("items"), list):
        context["items"] = [_item(item) for item in context["items"] if isinstance(item, dict)]
    if "reasoning" in context:
        context["reason_summary"] = reason_clause(context.get("reasoning") or "")
    if "total" in context:
        context["has_award"] = _money(context["total"]) > 0
        previous = context.get("previous_total")
        context["total_changed"] = previous not in (None, "") and _money(previous) != _money(context["total"])
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


# --- helpers for the wording ---------------------------------------------------------------------------

def euro(amount: Any) -> str:
    """An amount as the active language writes it: '€ 4.250,00' in Dutch, '€4,250.00' in English
    (GLOSSARY.md). In a letter the sign and the figure never break over two lines."""
    if amount is None or amount == "":
        return ""
    return progress.euro(Decimal(str(amount))).replace(" ", "\N{NO-BREAK SPACE}")


def _item(item: dict[str, Any]) -> dict[str, Any]:
    """A damage item of a decision, with its kind as words (translated when the template renders it)."""
    kind = item.get("kind") or ""
    return {**item, "kind_label": DamageKind(kind).label if kind in DamageKind.values else kind}


# Words a reasoning often opens with; only these lose their capital after "De reden:" (a name keeps it).
_COMMON_OPENINGS = frozenset({
    "de", "het", "een", "er", "wij", "we", "u", "uw", "deze", "dit", "die", "dat", "daar", "hier", "op", "in",
    "bij", "volgens", "na", "voor", "geen", "niet", "alle", "al", "alleen", "ook", "zowel", "uit", "onderzoek",
    "the", "a", "an", "there", "you", "your", "this", "these", "that", "it", "its", "according", "after", "no",
    "not", "all", "none", "both", "from", "research", "our",
})

# A sentence ends at . ! or ? followed by a space and a capital (so "bijv. een" does not end it).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00C0-\u00DE0-9'\"\u2018\u201C(])")


def first_sentence(text: str) -> str:
    text = " ".join((text or "").split())
    return _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""


def reason_clause(text: str) -> str:
    """The first sentence of a reasoning, made to follow "De reden:": no end mark, and a small first letter
    unless the first word is a name or abbreviation ("NAM", "Heerlen"). Not "…, omdat": Dutch puts the verb
    last after "omdat", and a reasoning is written as main sentences."""
    sentence = first_sentence(text).rstrip(" .!?")
    if not sentence:
        return ""
    first_word = sentence.split(" ", 1)[0]
    lower_rest = first_word[1:] == first_word[1:].lower()
    if lower_rest and first_word.lower() in _COMMON_OPENINGS:
        return sentence[0].lower() + sentence[1:]
    return sentence
