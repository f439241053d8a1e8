"""The morning deadline watch (issue 4, item 9): it marks the open claims that are overdue or due within 10
working days, e-mails every case guide one digest a day of what needs them, and alerts the coordinators
when an urgent claim had no safety visit in time.

Built for 250,000 claims: the marks are refreshed with a handful of set-based queries, and Python only
ever walks the claims that need attention."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from claims import deadlines, roles
from claims.contacts import stand_in
from claims.models import Absence, Claim, ClockEvent, ClockEventKind
from claims.outbox import queue_email
from claims.services.steps import lock
from claims.states import WITHDRAWABLE_STATES, State
from claims.timeutil import now

from .attention import DUE_SOON, LEVEL_LABELS, OVERDUE, needs_attention
from .models import DeadlineMark, Digest, UrgentAlert
from .timeline import person_name as name_of

log = logging.getLogger(__name__)
User = get_user_model()

BATCH = 2000
DIGEST_MAX_LINES = 100  # per guide: a longer list is not read; the rest is counted and the caseload linked
PURPOSE_DIGEST = "deadline_digest"
PURPOSE_SAFETY_VISIT = "safety_visit_overdue"
PURPOSE_URGENT_ASSIGNED = "urgent_assigned"

# Terms that ended while the claim waits on the guide to take the next step.
REPLY_ENDED, RESPONSE_ENDED = "reply_ended", "response_ended"
ENDED_TERMS = {State.INFO_REQUESTED: REPLY_ENDED, State.RESPONSE_PERIOD: RESPONSE_ENDED}
SECTION_ORDER = (OVERDUE, DUE_SOON, REPLY_ENDED, RESPONSE_ENDED)
SECTION_LABELS = {
    **LEVEL_LABELS,
    REPLY_ENDED: gettext_lazy("Reactietermijn voorbij"),
    RESPONSE_ENDED: gettext_lazy("Zienswijzetermijn voorbij"),
}


@dataclass(frozen=True)
class MarkCounts:
    overdue: int = 0
    due_soon: int = 0
    added: int = 0
    removed: int = 0


@dataclass(frozen=True)
class WatchResult:
    on: dt.date
    marks: MarkCounts
    digests: int = 0
    alerts: int = 0


# --- marks ----------------------------------------------------------------------------------------------

@transaction.atomic
def refresh_marks(*, on: dt.date) -> MarkCounts:
    """Brings DeadlineMark in line with `needs_attention` on `on`: new marks start `since` today, a mark
    whose level stays keeps its `since`, and marks of claims that no longer need attention go."""
    attention = Claim.objects.filter(needs_attention(on=on))
    by_level = {OVERDUE: attention.filter(decision_due__lt=on), DUE_SOON: attention.filter(decision_due__gte=on)}
    removed, _counts = DeadlineMark.objects.filter(~Exists(attention.filter(pk=OuterRef("claim_id")))).delete()
    due = Subquery(Claim.objects.filter(pk=OuterRef("claim_id")).values("decision_due")[:1])
    added = 0
    for level, claims in by_level.items():
        DeadlineMark.objects.filter(Exists(claims.filter(pk=OuterRef("claim_id")))).update(
            since=Case(When(level=level, then=F("since")), default=Value(on)),
            level=level, due_on=due, checked_on=on,
        )
        unmarked = claims.filter(~Exists(DeadlineMark.objects.filter(claim_id=OuterRef("pk"))))
        batch = []
        for claim_id, due_on in unmarked.values_list("pk", "decision_due").iterator(chunk_size=BATCH):
            batch.append(DeadlineMark(claim_id=claim_id, level=level, due_on=due_on, since=on, checked_on=on))
            if len(batch) >= BATCH:
                added += len(DeadlineMark.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        added += len(DeadlineMark.objects.bulk_create(batch, ignore_conflicts=True))
    counts = DeadlineMark.objects.aggregate(overdue=Count("pk", filter=Q(level=OVERDUE)),
                                            due_soon=Count("pk", filter=Q(level=DUE_SOON)))
    return MarkCounts(**counts, added=added, removed=removed)


# --- digests --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    kind: str
    reference: str
    address: str
    due_on: dt.date
    link: str


@dataclass
class Section:
    kind: str
    lines: list[Line] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(SECTION_LABELS[self.kind])


@dataclass
class Block:
    """The lines of one guide, in a digest to them or to their substitute."""

    sections: list[Section]
    more: int = 0
    absent_guide: str = ""
    back_on: dt.date | None = None


def site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def dossier_link(reference: str) -> str:
    return site_link(f"/werk/zaken/{reference}/")


def language_of(user) -> str:
    """The language of a staff member's account (their Person, if they have one); Dutch otherwise."""
    try:
        language = user.person.language
    except ObjectDoesNotExist:
        language = ""
    return language or settings.LANGUAGE_CODE


def _address(street: str, number: int, addition: str, postcode: str, town: str) -> str:
    number_label = f"{number}-{addition}" if addition else str(number)
    return f"{street} {number_label}, {postcode[:4]} {postcode[4:]} {town}"


ADDRESS = ("property__street", "property__house_number", "property__house_number_addition",
           "property__postcode", "property__town")


def digest_lines(*, on: dt.date) -> dict[int, list[Line]]:
    """Per case guide: their marked claims and the claims whose reply or response term has ended."""
    lines: dict[int, list[Line]] = defaultdict(list)
    marked = (DeadlineMark.objects.filter(checked_on=on, claim__caseworker__isnull=False)
              .values_list("claim__caseworker_id", "level", "due_on", "claim__reference",
                           *(f"claim__{name}" for name in ADDRESS))
              .order_by("claim__caseworker_id", "due_on", "claim__reference"))
    for guide_id, level, due_on, reference, *address in marked.iterator(chunk_size=BATCH):
        lines[guide_id].append(Line(level, reference, _address(*address), due_on, dossier_link(reference)))
    waiting = (Claim.objects.filter(status__in=list(ENDED_TERMS), reply_due__lt=on, caseworker__isnull=False)
               .values_list("caseworker_id", "status", "reply_due", "reference", *ADDRESS)
               .order_by("caseworker_id", "reply_due", "reference"))
    for guide_id, status, due_on, reference, *address in waiting.iterator(chunk_size=BATCH):
        lines[guide_id].append(Line(ENDED_TERMS[status], reference, _address(*address), due_on,
                                    dossier_link(reference)))
    return lines


def _block(lines: list[Line], *, limit: int) -> Block:
    by_kind: dict[str, Section] = {kind: Section(kind) for kind in SECTION_ORDER}
    shown = 0
    for line in sorted(lines, key=lambda ln: (SECTION_ORDER.index(ln.kind), ln.due_on, ln.reference)):
        if shown < limit:
            by_kind[line.kind].lines.append(line)
            shown += 1
    return Block(sections=[s for s in by_kind.values() if s.lines], more=len(lines) - shown)


def _absences(guide_ids, *, on: dt.date) -> dict[int, Absence]:
    """The absence in force on `on` per guide (the latest one, as claims.contacts does)."""
    current = (Absence.objects.filter(user_id__in=guide_ids, starts_on__lte=on, ends_on__gte=on)
               .select_related("user", "substitute__person").order_by("starts_on", "pk"))
    return {absence.user_id: absence for absence in current}


def send_digests(*, on: dt.date) -> int:
    """One e-mail per person per day: each guide gets their own lines, and while a guide is away their
    substitute gets them too. Returns the number of digests queued now."""
    lines = digest_lines(on=on)
    if not lines:
        return 0
    guides = {user.pk: user for user in User.objects.filter(pk__in=list(lines)).select_related("person")}
    absences = _absences(list(lines), on=on)
    stand_ins: dict[int, list[Absence]] = defaultdict(list)
    recipients = {pk: user for pk, user in guides.items() if user.is_active}
    for absence in absences.values():
        substitute = absence.substitute
        if substitute.is_active:
            stand_ins[substitute.pk].append(absence)
            recipients.setdefault(substitute.pk, substitute)
    done = set(Digest.objects.filter(on_date=on, user_id__in=list(recipients)).values_list("user_id", flat=True))
    sent = 0
    for pk, recipient in sorted(recipients.items()):
        if pk in done or not recipient.email:
            continue
        covered = sorted(stand_ins.get(pk, []), key=lambda a: name_of(a.user))
        with translation.override(language_of(recipient)):
            blocks = [_block(lines[pk], limit=DIGEST_MAX_LINES)] if lines.get(pk) else []
            for absence in covered:
                block = _block(lines[absence.user_id], limit=DIGEST_MAX_LINES)
                block.absent_guide, block.back_on = name_of(absence.user), absence.ends_on
                blocks.append(block)
            # A claim can be in two sections (overdue, and a reply term that ended): counted once.
            total = len({line.reference for guide_id in (pk, *(a.user_id for a in covered))
                         for line in lines.get(guide_id, ())})
            sent += _send_digest(recipient, on=on, blocks=blocks, total=total)
    return sent


@transaction.atomic
def _send_digest(recipient, *, on: dt.date, blocks: list[Block], total: int) -> int:
    _digest, created = Digest.objects.get_or_create(user=recipient, on_date=on, defaults={"claims": total})
    if not created:
        return 0  # a second run of the same morning
    subject = ngettext(
        "Mijnschade: %(count)s zaak vraagt uw aandacht (%(date)s)",
        "Mijnschade: %(count)s zaken vragen uw aandacht (%(date)s)",
        total,
    ) % {"count": total, "date": date_format(on, "j F Y")}
    body = render_to_string("casework/email/deadline_digest.txt", {
        "name": name_of(recipient), "on": on, "blocks": blocks, "caseload_link": site_link("/werk/"),
    })
    queue_email(to=recipient.email, subject=subject, body=body, purpose=PURPOSE_DIGEST)
    return 1


# --- urgent claims: the safety visit within 48 hours ------------------------------------------------------

def coordinators() -> list:
    return list(User.objects.filter(groups__name=roles.COORDINATOR, is_active=True).exclude(email="")
                .select_related("person").distinct().order_by("pk"))


def late_safety_visits(*, at: dt.datetime):
    """Urgent claims still running whose safety visit is overdue, with no visit and no alert yet."""
    visited = ClockEvent.objects.filter(claim_id=OuterRef("pk"), kind=ClockEventKind.SAFETY_VISIT)
    alerted = UrgentAlert.objects.filter(claim_id=OuterRef("pk"))
    return (Claim.objects.filter(urgent=True, safety_visit_due__lt=at, status__in=WITHDRAWABLE_STATES)
            .filter(~Exists(visited), ~Exists(alerted))
            .select_related("property", "caseworker").order_by("safety_visit_due", "pk"))


def check_urgent_safety_visits(*, at: dt.datetime | None = None) -> int:
    """Alerts every coordinator, once per claim, about an urgent claim with no safety visit in time.
    Returns the number of claims alerted now."""
    at = at or now()
    late = list(late_safety_visits(at=at)[:500])
    if not late:
        return 0
    told = coordinators()
    if not told:
        # Nobody to tell: no alert is recorded, so the next run tells the first coordinator there is.
        log.error("Urgent claims without a safety visit and no coordinator to alert: %s",
                  ", ".join(c.reference for c in late))
        return 0
    return sum(_alert(claim, coordinators=told, at=at) for claim in late)


def waits_for_safety_visit(claim: Claim) -> bool:
    """An urgent claim, still running, with no safety visit recorded."""
    return (claim.urgent and claim.status in WITHDRAWABLE_STATES
            and not ClockEvent.objects.filter(claim=claim, kind=ClockEventKind.SAFETY_VISIT).exists())


def _mail_staff(user, *, subject: str, params: dict, template: str, context: dict, purpose: str,
                claim: Claim) -> None:
    """One e-mail to a staff member about a claim, in the language of their account."""
    with translation.override(language_of(user)):
        subject = _(subject) % params
        body = render_to_string(template, {"name": name_of(user), "claim": claim, "address": str(claim.property),
                                           "link": dossier_link(claim.reference), **context})
    queue_email(to=user.email, subject=subject, body=body, purpose=purpose, claim=claim)


@transaction.atomic
def _alert(claim: Claim, *, coordinators: list, at: dt.datetime) -> int:
    # Under the claim's lock, as a safety visit is recorded: one recorded a moment ago stops the alert.
    claim = lock(claim)
    if not waits_for_safety_visit(claim):
        return 0
    _alert_row, created = UrgentAlert.objects.get_or_create(claim=claim, defaults={"alerted_at": at})
    if not created:
        return 0
    context = {"guide": name_of(claim.caseworker) if claim.caseworker else "",
               "due": timezone.localtime(claim.safety_visit_due), "hours": deadlines.terms()["urgent_visit_hours"]}
    for coordinator in coordinators:
        _mail_staff(coordinator, subject=gettext_noop("Geen veiligheidsbezoek op tijd: %(reference)s"),
                    params={"reference": claim.reference}, template="casework/email/safety_visit_overdue.txt",
                    context=context, purpose=PURPOSE_SAFETY_VISIT, claim=claim)
    return 1


def notify_urgent_assignment(claim: Claim, *, on: dt.date) -> int:
    """The guide who just got an urgent claim hears at once (and their substitute while they are away):
    the safety visit must be within 48 hours of the report."""
    guide = claim.caseworker
    count = 0
    for user in (guide, stand_in(guide, on=on)):
        if user is None or not user.email or not user.is_active:
            continue
        _mail_staff(user, subject=gettext_noop("Nieuwe spoedzaak voor u: %(reference)s"),
                    params={"reference": claim.reference}, template="casework/email/urgent_assigned.txt",
                    context={"guide": name_of(guide) if user != guide else "",
                             "due": timezone.localtime(claim.safety_visit_due) if claim.safety_visit_due else None},
                    purpose=PURPOSE_URGENT_ASSIGNED, claim=claim)
        count += 1
    return count


# --- the whole morning run ------------------------------------------------------------------------------

def run_watch(*, on: dt.date) -> WatchResult:
    marks = refresh_marks(on=on)
    digests = send_digests(on=on)
    alerts = check_urgent_safety_visits()
    log.info("Deadline watch %s: %s overdue, %s due soon, %s digests, %s alerts", on, marks.overdue,
             marks.due_soon, digests, alerts)
    return WatchResult(on=on, marks=marks, digests=digests, alerts=alerts)
