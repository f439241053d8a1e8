"""Everything the institute holds about a resident, for the AVG right of access (art. 15; issue 7, item 3).

`personal_data_for(user=...)` (the resident's own download) and `personal_data_on_request(person=..., staff=...)`
(made by a coordinator for someone who asks at the desk or by letter) gather it as plain Python values (str, bool,
int, Decimal, date, aware datetime, lists and dicts), ready for `claims.personal_data_export` to write as JSON and
as a readable PDF. Field names are stable: the README of the download documents them
(templates/personal_data/README.txt); a changed name is a new `FORMAT_VERSION`.

The rule for what is in it: what the resident may already see in the portal, never less and never more.
- Claims: `claims_as_resident(user)`, so applicant, co-owner, and representative with a valid mandate.
- Documents: the portal's download rule (`resident_documents_rule`), with the files themselves.
- Status history: the resident-safe account of each step (`progress.event_for`); a step's reason only where it
  was written for the resident. Internal notes (casework.Note) and staff-only reasons are never read here.
- The expert's findings per damage item: once the advice report was sent to the resident (as in the portal).
- Staff are named as the portal names them: their full name, else their role; never a username.
- The IBAN in full for an owner (applicant or co-owner); masked for a representative (DESIGN.md).
- E-mails: subject and dates, not the text: a text may hold a link with a code that still works.

The number of queries does not depend on the number of claims, documents or messages (tested).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext as _

from .. import progress, roles, timeutil
from ..models import (
    AccessLog,
    Claim,
    ClaimTransition,
    ClockEventKind,
    Document,
    Inspection,
    Letter,
    LetterKind,
    Mandate,
    Message,
    OutgoingEmail,
    Person,
)
from ..permissions import valid_mandates
from ..selectors import claims_as_resident, claims_visible_to
from ..states import State
from ..uploads import download_name
from ..views.documents import advice_report_released, resident_documents_rule

FORMAT = "mijnschade-personal-data"
FORMAT_VERSION = 1

# Who did something, as the resident reads it.
YOU, INSTITUTE, OTHER_RESIDENT, SYSTEM = "you", "institute", "other_resident", "system"
RESIDENT_SIDE = "resident"  # a message from the resident's side that I3ML recorded (a letter, a call)
# The resident's place in a claim.
APPLICANT, CO_OWNER, REPRESENTATIVE = "applicant", "co_owner", "representative"

DECISION_STEPS = {
    "decide": LetterKind.DECISION,
    "declare_not_admissible": LetterKind.NOT_ADMISSIBLE,
    "decide_objection": LetterKind.OBJECTION_DECISION,
}


@dataclass(frozen=True)
class ExportFile:
    """A stored document that goes into the download, and where it goes."""

    document: Document
    path: str  # inside the ZIP


@dataclass
class PersonalData:
    data: dict[str, Any]
    files: list[ExportFile] = field(default_factory=list)


class NoPersonalDataError(Exception):
    """The user has no resident record (Person): there is nothing to export."""


# --- small helpers -----------------------------------------------------------------------------------------

def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _amount(value) -> Decimal | None:
    """An amount from JSON history or a letter snapshot; None when absent or not a number."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def staff_name(user, *, fallback: str) -> str:
    """A staff member as the portal names them: the full name; else `fallback` (their role): a username is no
    name to give a resident (claims/contacts.py)."""
    if user is None:
        return ""
    return user.get_full_name().strip() or fallback


def _role_names(user) -> set[str]:
    # From prefetched groups (the access log prefetches them), so no query per row.
    return {group.name for group in user.groups.all()} & set(roles.ALL_ROLES)


def _who(actor_id: int | None, *, user, resident_ids: set[int]) -> str:
    if actor_id is None:
        return SYSTEM
    if user is not None and actor_id == user.pk:
        return YOU
    return OTHER_RESIDENT if actor_id in resident_ids else INSTITUTE


# --- the person --------------------------------------------------------------------------------------------

def _person(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "email_verified_at": person.email_verified_at,
        "phone": person.phone,
        "postal_address": person.postal_address,
        "preferred_channel": person.preferred_channel,
        "preferred_channel_label": person.get_preferred_channel_display(),
        "digital_consent_at": person.digital_consent_at,
        "privacy_accepted_at": person.privacy_accepted_at,
        "language": person.language,
        "created_at": person.created_at,
    }


def _account(user) -> dict[str, Any] | None:
    if user is None:  # a resident who never made an account (filed on paper or at the desk)
        return None
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _mandates(person: Person) -> list[dict[str, Any]]:
    rows = (Mandate.objects.filter(Q(principal=person) | Q(representative=person))
            .select_related("principal", "representative", "claim").order_by("valid_from", "pk"))
    return [{
        "you_are": "principal" if m.principal_id == person.pk else REPRESENTATIVE,
        "other_person": m.representative.name if m.principal_id == person.pk else m.principal.name,
        "scope": m.scope,
        "scope_label": m.get_scope_display(),
        "claim_reference": m.claim.reference if m.claim_id else None,
        "valid_from": m.valid_from,
        "valid_until": m.valid_until,
    } for m in rows]


def _emails(person: Person, user, claim_ids: list[int]) -> list[dict[str, Any]]:
    """E-mails to the resident's addresses, about no claim or one of theirs: a resident who also works here
    must not find other residents' claims in their download through mail sent to them as staff."""
    addresses = {a.strip().lower() for a in (person.email, user.email if user else "") if a and a.strip()}
    if not addresses:
        return []
    rule = Q(pk__in=[])
    for address in sorted(addresses):
        rule |= Q(to__iexact=address)
    rows = (OutgoingEmail.objects.filter(rule).filter(Q(claim__isnull=True) | Q(claim_id__in=claim_ids))
            .select_related("claim").order_by("created_at", "pk"))
    return [{
        "to": mail.to,
        "subject": mail.subject,
        "purpose": mail.purpose,
        "claim_reference": mail.claim.reference if mail.claim_id else None,
        "created_at": mail.created_at,
        "sent_at": mail.sent_at,
    } for mail in rows]


# --- one claim ---------------------------------------------------------------------------------------------

def _your_role(claim: Claim, person: Person) -> str:
    if claim.applicant_id == person.pk:
        return APPLICANT
    if any(p.pk == person.pk for p in claim.co_applicants.all()):
        return CO_OWNER
    return REPRESENTATIVE


def _property(claim: Claim) -> dict[str, Any]:
    home = claim.property
    return {
        "street": home.street,
        "house_number": home.house_number,
        "house_number_addition": home.house_number_addition,
        "postcode": home.postcode,
        "town": home.town,
        "municipality": home.municipality,
        "in_mining_area": home.in_mining_area,
        "bag_id": home.bag_id,
        "build_year": home.build_year,
        "is_monument": home.is_monument,
    }


def _deadlines(claim: Claim) -> dict[str, Any]:
    return {
        "decision_due": claim.decision_due,
        "clock_suspended": claim.clock_suspended,
        "reply_due": claim.reply_due,
        "objection_due": claim.objection_due,
        "objection_decision_due": claim.objection_decision_due,
        "safety_visit_due": claim.safety_visit_due,
    }


def _clock_events(claim: Claim) -> list[dict[str, Any]]:
    # The cause in plain words; a reason only for an extension, which the resident is told in a letter.
    return [{
        "kind": event.kind,
        "kind_label": _label(ClockEventKind, event.kind),
        "cause": event.cause,
        "cause_label": event.get_cause_display() if event.cause else "",
        "on_date": event.on_date,
        "due_date": event.due_date,
        "weeks": event.weeks,
        "reason": event.reason if event.kind == ClockEventKind.EXTEND else "",
    } for event in claim.clock_events.all()]


def _history(transitions: list[ClaimTransition], *, user, resident_ids: set[int]) -> list[dict[str, Any]]:
    rows = []
    for step in transitions:
        event = progress.event_for(step)  # the resident-safe words; never an internal reason
        rows.append({
            "step": step.name,
            "from_status": step.from_state,
            "to_status": step.to_state,
            "to_status_label": _label(State, step.to_state),
            "at": step.created_at,
            "description": event.text,
            "detail": event.detail,
            "by": _who(step.actor_id, user=user, resident_ids=resident_ids),
        })
    return rows


def _damage_items(claim: Claim, *, released: bool, decided: bool) -> list[dict[str, Any]]:
    rows = []
    for item in claim.damage_items.all():
        if item.added_by_expert and not released:
            continue  # the expert's working notes reach the resident with the advice report
        rows.append({
            "position": item.position,
            "location": item.location,
            "kind": item.kind,
            "kind_label": item.get_kind_display(),
            "description": item.description,
            "noticed_on": item.noticed_on,
            "measurements": item.measurements,
            "added_by_expert": item.added_by_expert,
            "expert_notes": item.expert_notes if released else "",
            "expert_verdict": item.expert_verdict if released else "",
            "expert_verdict_label": item.get_expert_verdict_display() if released and item.expert_verdict else "",
            "repair_cost": item.repair_cost if released else None,
            "awarded_amount": item.awarded_amount if decided else None,
        })
    return rows


def _inspections(claim: Claim, *, released: bool, visible_ids: set[int]) -> list[dict[str, Any]]:
    return [{
        "expert": staff_name(inspection.expert, fallback=str(roles.LABELS[roles.EXPERT])),
        "status": inspection.status,
        "status_label": inspection.get_status_display(),
        "chosen_on": inspection.chosen_on,
        "objection_due": inspection.objection_due,
        "starts_at": inspection.starts_at,
        "ends_at": inspection.ends_at,
        "visited_at": inspection.visited_at,
        "report_document_id": inspection.report_id if released and inspection.report_id in visible_ids else None,
    } for inspection in claim.inspections.all()]


def _messages(claim: Claim, *, user) -> list[dict[str, Any]]:
    rows = []
    for message in claim.messages.all():
        author = message.author
        if message.direction == Message.Direction.OUT:
            by, name = INSTITUTE, (author.get_full_name().strip() if author else "")
        elif user is not None and message.author_id == user.pk:
            by, name = YOU, ""
        else:  # from the resident's side: a co-owner or representative (named, as in the portal), or on paper
            person = getattr(author, "person", None) if author else None
            by, name = (OTHER_RESIDENT, person.name) if person is not None else (RESIDENT_SIDE, "")
        rows.append({
            "at": message.created_at,
            "kind": message.kind,
            "kind_label": message.get_kind_display(),
            "direction": message.direction,
            "by": by,
            "author_name": name,
            "body": message.body,
            "phone": message.phone,
        })
    return rows


def _letter_items(context: dict) -> list[dict[str, Any]]:
    items = []
    for item in context.get("items") or ():
        if isinstance(item, dict):
            items.append({
                "position": item.get("position"),
                "location": str(item.get("location") or ""),
                "kind": str(item.get("kind") or ""),
                "plausibility": str(item.get("plausibility") or ""),
                "percentage": item.get("percentage"),
                "amount": _amount(item.get("amount")),
            })
    return items


def _decisions(transitions: list[ClaimTransition], letters: list[Letter]) -> list[dict[str, Any]]:
    """Each decision step with what its letter says (route, items, reasoning). Each step makes one letter,
    so the n-th step of a kind goes with the n-th letter of that kind."""
    pending = {kind: [letter for letter in letters if letter.kind == kind] for kind in DECISION_STEPS.values()}
    rows = []
    for step in transitions:
        if step.name not in DECISION_STEPS:
            continue
        queue = pending[DECISION_STEPS[step.name]]
        letter = queue.pop(0) if queue else None
        context = letter.context if letter is not None and isinstance(letter.context, dict) else {}
        data = step.data or {}
        if step.name == "declare_not_admissible":
            outcome = "not_admissible"
        elif step.name == "decide_objection":
            outcome = "well_founded" if data.get("well_founded") else "unfounded"
        else:
            outcome = str(data.get("outcome") or context.get("outcome") or "")
        reasoning = step.reason if step.name in progress.RESIDENT_FACING_REASONS else ""
        rows.append({
            "step": step.name,
            "decided_on": timeutil.local_date(step.created_at),
            "outcome": outcome,
            "awarded_amount": _amount(data.get("awarded_amount", context.get("total"))),
            "route": str(context.get("route") or ""),
            "reasoning": str(context.get("reasoning") or "") or reasoning,
            "items": _letter_items(context),
            "letter_document_id": letter.document_id if letter is not None else None,
        })
    return rows


def _objections(transitions: list[ClaimTransition]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for step in transitions:
        if step.name == "file_objection":
            rows.append({"filed_on": timeutil.local_date(step.created_at), "against_status": step.from_state,
                         "late": bool((step.data or {}).get("late")), "decided_on": None, "well_founded": None})
        elif step.name == "decide_objection" and rows and rows[-1]["decided_on"] is None:
            rows[-1]["decided_on"] = timeutil.local_date(step.created_at)
            rows[-1]["well_founded"] = bool((step.data or {}).get("well_founded"))
    return rows


def _payments(claim: Claim, *, owner: bool) -> list[dict[str, Any]]:
    rows = []
    for payment in claim.payments.all():
        rows.append({
            "amount": payment.amount,
            "status": payment.status,
            "status_label": payment.get_status_display(),
            # DESIGN.md: IBANs are shown only to finance and the owner; a representative sees it masked.
            "iban": "".join(payment.iban.split()).upper() if owner else payment.iban_masked,
            "iban_masked": not owner,
            "account_holder": payment.account_holder if owner else "",
            "recorded_at": payment.created_at,
            "paid_at": payment.paid_at,
        })
    return rows


def _letters(letters: list[Letter], person: Person) -> list[dict[str, Any]]:
    return [{
        "kind": letter.kind,
        "kind_label": letter.get_kind_display(),
        "created_at": letter.created_at,
        "status": letter.status,
        "language": letter.language,
        "addressed_to_you": letter.recipient_id == person.pk,
        "document_id": letter.document_id,
    } for letter in letters]


def _document(document: Document, path: str, *, user, resident_ids: set[int]) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "kind_label": document.get_kind_display(),
        "letter_kind": document.letter_kind,
        "title": document.title,
        "original_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "created_at": document.created_at,
        "added_by": _who(document.uploaded_by_id, user=user, resident_ids=resident_ids),
        "damage_item_position": document.damage_item.position if document.damage_item_id else None,
        "file": path,
    }


def _access_log(rows: list[AccessLog], visible_ids: set[int]) -> list[dict[str, Any]]:
    # Who of the staff, in what role, when and what. Not their IP address or browser: that is theirs.
    result = []
    for row in rows:
        labels = [str(roles.LABELS[r]) for r in roles.ALL_ROLES if r in _role_names(row.user)]
        result.append({
            "at": row.created_at,
            "action": row.action,
            "action_label": row.get_action_display(),
            "staff_name": staff_name(row.user, fallback=", ".join(labels) or _("Medewerker van I3ML")),
            "staff_roles": labels,
            "document_id": row.document_id if row.document_id in visible_ids else None,
        })
    return result


def _file_path(claim: Claim, document: Document) -> str:
    # The same clean name a download gets (no folders), after the id so that two files never collide.
    return f"documenten/{claim.reference}/{document.pk}-{download_name(document)}"


def _claim_row(claim: Claim, *, person: Person, user, resident_ids: set[int], visible_ids: set[int],
               documents: list[dict[str, Any]], access_log: list[dict[str, Any]]) -> dict[str, Any]:
    transitions = list(claim.transitions.all())
    letters = list(claim.letters.all())
    released = advice_report_released(claim)
    role = _your_role(claim, person)
    return {
        "reference": claim.reference,
        "your_role": role,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "channel": claim.channel,
        "channel_label": claim.get_channel_display(),
        "created_at": claim.created_at,
        "submitted_at": claim.submitted_at,
        "decided_at": claim.decided_at,
        "closed_at": claim.closed_at,
        "description": claim.description,
        "urgent": claim.urgent,
        "owner_occupied": claim.owner_occupied,
        "in_owners_association": claim.in_owners_association,
        "outcome": claim.outcome,
        "outcome_label": claim.get_outcome_display() if claim.outcome else "",
        "claimed_amount": claim.claimed_amount,
        "awarded_amount": claim.awarded_amount,
        "paid_amount": claim.paid_amount,
        "case_guide": staff_name(claim.caseworker, fallback=str(roles.LABELS[roles.CASEWORKER]))
        if claim.caseworker_id else "",
        "property": _property(claim),
        "deadlines": _deadlines(claim),
        "clock_events": _clock_events(claim),
        "status_history": _history(transitions, user=user, resident_ids=resident_ids),
        "damage_items": _damage_items(claim, released=released, decided=claim.status in progress.DECIDED_STATES),
        "inspections": _inspections(claim, released=released, visible_ids=visible_ids),
        "messages": _messages(claim, user=user),
        "decisions": _decisions(transitions, letters),
        "objections": _objections(transitions),
        "payments": _payments(claim, owner=role in (APPLICANT, CO_OWNER)),
        "letters": _letters(letters, person),
        "documents": documents,
        "access_log": access_log,
    }


# --- all of it ---------------------------------------------------------------------------------------------

def personal_data_for(*, user) -> PersonalData:
    """Everything about the resident `user` (their own download in the portal)."""
    person = Person.objects.select_related("user").filter(user=user).first()
    if person is None:
        raise NoPersonalDataError
    return _gather(person=person, user=user, claims=claims_as_resident(user))


def personal_data_on_request(*, person: Person, staff) -> PersonalData:
    """Everything about `person`, made by a coordinator for a resident who asks at the desk or by letter (also
    one without an account). Only a coordinator, who sees every claim; the caller records the export in the
    access log. A representative's claims count as in the portal: with a mandate valid today."""
    if not (staff.is_superuser or roles.has_role(staff, roles.COORDINATOR)):
        raise PermissionDenied
    on = timeutil.today()
    mandates = valid_mandates(on=on).filter(representative=person)
    rule = (Q(applicant=person) | Q(co_applicants=person)
            | Q(applicant__in=mandates.filter(scope=Mandate.Scope.ALL).values("principal_id"))
            | Q(co_applicants__in=mandates.filter(scope=Mandate.Scope.ALL).values("principal_id"))
            | Q(pk__in=mandates.filter(scope=Mandate.Scope.CLAIM).values("claim_id")))
    claims = claims_visible_to(staff).filter(pk__in=Claim.objects.filter(rule).values("pk"))
    person = Person.objects.select_related("user").get(pk=person.pk)
    return _gather(person=person, user=person.user, claims=claims)


def _gather(*, person: Person, user, claims) -> PersonalData:
    """`user` is the person's account (None for someone who never had one): it tells what they did themselves.
    Labels and plain-words texts are in the person's own language."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        return _build(person=person, user=user, claims=claims)


def _build(*, person: Person, user, claims) -> PersonalData:
    claims = list(
        claims
        .select_related("property", "caseworker")
        .prefetch_related(
            "co_applicants", "clock_events", "damage_items", "payments",
            Prefetch("transitions", queryset=ClaimTransition.objects.order_by("created_at", "pk")),
            Prefetch("inspections", queryset=Inspection.objects.select_related("expert").order_by("created_at", "pk")),
            Prefetch("messages",
                     queryset=Message.objects.select_related("author__person").order_by("created_at", "pk")),
            Prefetch("letters", queryset=Letter.objects.order_by("created_at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    ids = [claim.pk for claim in claims]
    documents = list(
        Document.objects.filter(resident_documents_rule(), claim_id__in=ids)
        .select_related("damage_item").order_by("created_at", "pk")
    )
    logs = list(AccessLog.objects.filter(claim_id__in=ids).select_related("user").prefetch_related(
        Prefetch("user__groups", queryset=Group.objects.only("name"))).order_by("created_at", "pk"))
    # Which of the people who took a step or added a file are residents (to tell "another resident" from
    # "the institute"): an account with a Person.
    actors = {d.uploaded_by_id for d in documents} | {
        t.actor_id for claim in claims for t in claim.transitions.all()}
    resident_ids = set(Person.objects.filter(user_id__in=actors - {None}).values_list("user_id", flat=True))

    visible_ids = {d.pk for d in documents}
    documents_of: dict[int, list[Document]] = {}
    for document in documents:
        documents_of.setdefault(document.claim_id, []).append(document)
    logs_of: dict[int, list[AccessLog]] = {}
    for row in logs:
        logs_of.setdefault(row.claim_id, []).append(row)

    files: list[ExportFile] = []
    claim_rows = []
    for claim in claims:
        paths = [(document, _file_path(claim, document)) for document in documents_of.get(claim.pk, [])]
        files += [ExportFile(document=document, path=path) for document, path in paths]
        claim_rows.append(_claim_row(
            claim, person=person, user=user, resident_ids=resident_ids, visible_ids=visible_ids,
            documents=[_document(d, path, user=user, resident_ids=resident_ids) for d, path in paths],
            access_log=_access_log(logs_of.get(claim.pk, []), visible_ids),
        ))

    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timeutil.now(),
        "language": person.language,
        "person": _person(person),
        "account": _account(user),
        "mandates": _mandates(person),
        "claims": claim_rows,
        "emails": _emails(person, user, ids),
    }
    return PersonalData(data=data, files=files)


def export_filename(*, on: dt.date | None = None) -> str:
    return f"mijnschade-gegevens-{(on or timeutil.today()).isoformat()}.zip"
