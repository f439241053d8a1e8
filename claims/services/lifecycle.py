"""One service function per transition of DESIGN.md, and `claim_transition` that dispatches to them."""

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import deadlines, letters, notifications
from .. import roles as R
from ..errors import TransitionRefused
from ..models import Claim, ClockEvent, ClockEventKind, Inspection, LetterKind, Outcome
from ..progress import objection_used
from ..states import State
from ..timeutil import local_date, now, today
from .steps import begin, finish, require_text

K = ClockEventKind
Cause = ClockEvent.Cause
User = get_user_model()

REASON_NEEDED = _("Geef een reden op.")
OBJECTION_USED = _(
    "U hebt al bezwaar gemaakt tegen dit besluit, en wij hebben daarop beslist. Bent u het niet eens met onze "
    "beslissing op uw bezwaar? Dan kunt u naar de rechter. Dat heet beroep. Hoe dat gaat, staat in de brief met "
    "onze beslissing.")
QUESTION_NEEDED = _("Schrijf op welke informatie u nog nodig hebt.")


def _staff_member(user, role: str, message):
    if user is None or not getattr(user, "is_active", False) or not R.has_role(user, role):
        raise TransitionRefused(message, code="invalid_" + role)
    return user


def _amount(value, message) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise TransitionRefused(message, code="invalid_amount") from error
    if amount < 0 or not amount.is_finite():
        raise TransitionRefused(message, code="invalid_amount")
    return amount


def _open_suspension(claim: Claim) -> bool:
    return deadlines.decision_clock(claim.clock_events.all(), as_of=today()).suspended


@transaction.atomic
def claim_submit(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="submit", actor=actor)
    if not claim.damage_items.exists():
        raise TransitionRefused(_("Beschrijf ten minste één schade voordat u de melding verstuurt."),
                                code="no_damage")
    claim.submitted_at = now()
    if claim.urgent:
        claim.safety_visit_due = deadlines.safety_visit_due(claim.submitted_at)
    start = ClockEvent(kind=K.START, on_date=local_date(claim.submitted_at), reason=str(_("Melding ontvangen")))
    claim = finish(claim, name="submit", actor=actor, reason=reason, clock_events=[start])
    if claim.urgent:
        notifications.alert_coordinators_urgent(claim)
    letters.schedule(claim=claim, kind=LetterKind.RECEIPT,
                     key=letters.transition_key(claim, "submit", LetterKind.RECEIPT))
    return claim


@transaction.atomic
def claim_start_intake(*, claim: Claim, actor, reason: str = "", caseworker=None) -> Claim:
    claim = begin(claim, name="start_intake", actor=actor)
    if caseworker is not None:
        claim.caseworker = _staff_member(caseworker, R.CASEWORKER, _("Kies een zaakbegeleider."))
    if claim.caseworker_id is None:
        raise TransitionRefused(_("Kies een zaakbegeleider."), code="caseworker_required")
    return finish(claim, name="start_intake", actor=actor, reason=reason,
                  data={"caseworker": claim.caseworker_id})


@transaction.atomic
def claim_request_info(*, claim: Claim, actor, reason: str = "", reply_days: int | None = None) -> Claim:
    claim = begin(claim, name="request_info", actor=actor)
    question = require_text(reason, QUESTION_NEEDED)
    reply_days = deadlines.terms()["info_reply_days"] if reply_days is None else int(reply_days)
    if not 1 <= reply_days <= 90:
        raise TransitionRefused(_("Kies een reactietermijn van 1 tot 90 dagen."), code="invalid_reply_days")
    claim.reply_due = deadlines.reply_due(today(), reply_days)
    events = [ClockEvent(kind=K.SUSPEND, cause=Cause.INFO_REQUEST, on_date=today(), reason=question,
                         due_date=claim.reply_due)]
    claim = finish(claim, name="request_info", actor=actor, reason=question, data={"reply_days": reply_days},
                   clock_events=events)
    letters.schedule(claim=claim, kind=LetterKind.INFO_REQUEST, context={"question": question},
                     key=letters.transition_key(claim, "request_info", LetterKind.INFO_REQUEST))
    return claim


@transaction.atomic
def claim_receive_info(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="receive_info", actor=actor)
    claim.reply_due = None
    events = [ClockEvent(kind=K.RESUME, cause=Cause.INFO_REQUEST, on_date=today(),
                         reason=str(_("Aanvulling ontvangen")))]
    return finish(claim, name="receive_info", actor=actor, reason=reason, clock_events=events)


@transaction.atomic
def claim_declare_not_admissible(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="declare_not_admissible", actor=actor)
    reason = require_text(reason, REASON_NEEDED)
    events = []
    if claim.status == State.INFO_REQUESTED:
        events.append(ClockEvent(kind=K.RESUME, cause=Cause.INFO_REQUEST, on_date=today(), reason=reason))
    _mark_decided(claim, outcome=Outcome.NOT_ADMISSIBLE, amount=Decimal("0.00"), clock_events=events)
    claim = finish(claim, name="declare_not_admissible", actor=actor, reason=reason, clock_events=events)
    letters.schedule(claim=claim, kind=LetterKind.NOT_ADMISSIBLE,
                     key=letters.transition_key(claim, "declare_not_admissible", LetterKind.NOT_ADMISSIBLE))
    return claim


def _mark_decided(claim: Claim, *, outcome: str, amount: Decimal, clock_events: Sequence[ClockEvent] = ()) -> None:
    claim.outcome = outcome
    claim.awarded_amount = amount
    claim.decided_at = now()
    claim.reply_due = None
    claim.objection_due = deadlines.objection_due(local_date(claim.decided_at))
    if claim.first_decided_at is None:
        _mark_first_decision(claim, clock_events)


def _mark_first_decision(claim: Claim, clock_events: Sequence[ClockEvent]) -> None:
    """The dashboard's time to the first decision (claims.figures) reads these; a later decision, after a
    reopen, leaves them. `clock_events` are the ones this step is about to record (a resume ends an info request
    today)."""
    decided_on = local_date(claim.decided_at)
    clock = deadlines.decision_clock([*claim.clock_events.all(), *clock_events], as_of=decided_on)
    claim.first_decided_at = claim.decided_at
    # Never negative: a decision before the submission happens only where a clock was set back (tests, imports).
    claim.first_decision_days = max(0, (decided_on - local_date(claim.submitted_at)).days)
    claim.first_decision_suspended_days = deadlines.suspended_days(clock.suspensions, as_of=decided_on)


@transaction.atomic
def claim_plan_inspection(*, claim: Claim, actor, reason: str = "", expert=None,
                          planned_for: dt.datetime | None = None) -> Claim:
    claim = begin(claim, name="plan_inspection", actor=actor)
    claim.expert = _staff_member(expert, R.EXPERT, _("Kies een deskundige."))
    data = {"expert": claim.expert_id}
    if planned_for is not None:
        data["planned_for"] = planned_for.isoformat()
    claim = finish(claim, name="plan_inspection", actor=actor, reason=reason, data=data)
    # The visit itself is planned next (casework.services.inspection); the resident may object to the
    # expert within two weeks of being told, which the appointment letter does.
    Inspection.objects.create(claim=claim, expert=claim.expert, chosen_on=today(),
                              objection_due=deadlines.expert_objection_due(today()), created_by=actor)
    return claim


@transaction.atomic
def claim_record_advice(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="record_advice", actor=actor)
    return finish(claim, name="record_advice", actor=actor, reason=reason)


@transaction.atomic
def claim_send_advice(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="send_advice", actor=actor)
    claim.reply_due = deadlines.response_due(today())
    event = ClockEvent(kind=K.REPLY_TERM, cause=Cause.RESPONSE, on_date=today(), due_date=claim.reply_due)
    claim = finish(claim, name="send_advice", actor=actor, reason=reason, clock_events=[event])
    letters.schedule(claim=claim, kind=LetterKind.DRAFT_ADVICE,
                     key=letters.transition_key(claim, "send_advice", LetterKind.DRAFT_ADVICE))
    return claim


@transaction.atomic
def claim_revise_advice(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="revise_advice", actor=actor)
    reason = require_text(reason, REASON_NEEDED)
    claim.reply_due = None
    return finish(claim, name="revise_advice", actor=actor, reason=reason)


@transaction.atomic
def claim_forward_to_commission(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="forward_to_commission", actor=actor)
    claim.reply_due = None
    return finish(claim, name="forward_to_commission", actor=actor, reason=reason)


@transaction.atomic
def claim_advise(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="advise", actor=actor)
    return finish(claim, name="advise", actor=actor, reason=reason)


@transaction.atomic
def claim_decide(*, claim: Claim, actor, reason: str = "", outcome: str = "", awarded_amount=0) -> Claim:
    claim = begin(claim, name="decide", actor=actor)
    if outcome not in (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REJECTED):
        raise TransitionRefused(_("Kies de uitkomst: toegekend, gedeeltelijk toegekend of afgewezen."),
                                code="invalid_outcome")
    amount = _amount(awarded_amount, _("Vul een bedrag in van nul of meer."))
    if (outcome == Outcome.REJECTED) != (amount == 0):
        raise TransitionRefused(_("Een afwijzing heeft bedrag nul; een toekenning een bedrag boven nul."),
                                code="amount_mismatch")
    _mark_decided(claim, outcome=outcome, amount=amount)
    return finish(claim, name="decide", actor=actor, reason=reason,
                  data={"outcome": outcome, "awarded_amount": str(amount)})


@transaction.atomic
def claim_file_objection(*, claim: Claim, actor, reason: str = "", late_excuse: str = "") -> Claim:
    claim = begin(claim, name="file_objection", actor=actor)
    earlier = claim.transitions.filter(name__in=("decide", "declare_not_admissible", "file_objection"))
    if objection_used(list(earlier.order_by("created_at", "pk"))):
        # One objection per decision; after the decision on it the next step is the court (beroep).
        raise TransitionRefused(OBJECTION_USED, code="objection_twice")
    grounds = require_text(reason, _("Schrijf op waarom u het niet eens bent met het besluit."))
    late = claim.objection_due is not None and today() > claim.objection_due
    if late and not late_excuse.strip():
        raise TransitionRefused(
            _("De bezwaartermijn is voorbij. Een bezwaar kan alleen nog met een reden waarom het te laat is."),
            code="objection_late",
        )
    # Awb 7:10 counts from the end of the objection window; a late objection from the day it came in.
    claim.objection_decision_due = deadlines.objection_decision_due(
        today() if late or claim.objection_due is None else claim.objection_due
    )
    claim = finish(claim, name="file_objection", actor=actor, reason=grounds,
                   data={"late": late, "late_excuse": late_excuse.strip()})
    letters.schedule(claim=claim, kind=LetterKind.OBJECTION_RECEIVED,
                     key=letters.transition_key(claim, "file_objection", LetterKind.OBJECTION_RECEIVED))
    return claim


@transaction.atomic
def claim_decide_objection(*, claim: Claim, actor, reason: str = "", well_founded: bool = False,
                           awarded_amount=None) -> Claim:
    claim = begin(claim, name="decide_objection", actor=actor)
    reason = require_text(reason, REASON_NEEDED)
    data = {"well_founded": bool(well_founded)}
    if well_founded and awarded_amount is not None:
        claim.awarded_amount = _amount(awarded_amount, _("Vul een bedrag in van nul of meer."))
        claim.outcome = Outcome.GRANTED if claim.awarded_amount > 0 else Outcome.REJECTED
        data["awarded_amount"] = str(claim.awarded_amount)
    claim.objection_decision_due = None
    if not claim.has_award():
        claim.closed_at = now()  # nothing to pay or repair: decide_objection goes straight to closed
    return finish(claim, name="decide_objection", actor=actor, reason=reason, data=data)


@transaction.atomic
def claim_start_settlement(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="start_settlement", actor=actor)
    if not claim.has_award():
        raise TransitionRefused(_("Er is geen bedrag toegekend, dus er is niets uit te betalen."), code="no_award")
    return finish(claim, name="start_settlement", actor=actor, reason=reason)


def _objected(claim: Claim) -> bool:
    steps = claim.transitions.filter(name__in=("decide", "declare_not_admissible", "file_objection"))
    return objection_used(list(steps.order_by("created_at", "pk")))


def ruled_out(claim: Claim, name: str) -> bool:
    """A step the state machine allows but a rule of its service refuses now (closing in the objection window,
    a second objection): lists of the steps a person may take leave it out."""
    if name == "close":
        return claim.objection_due is not None and today() <= claim.objection_due and not _objected(claim)
    if name == "file_objection":
        return _objected(claim)
    return False


@transaction.atomic
def claim_close(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="close", actor=actor)
    if ruled_out(claim, "close"):
        # Closing would take away the right to object (Awb 6:7), also while the award is being paid: wait
        # until the window has passed. After the decision on an objection nothing is left to object to.
        raise TransitionRefused(
            _("De bezwaartermijn loopt nog tot en met %(date)s. Daarna kan de zaak worden afgesloten.")
            % {"date": date_format(claim.objection_due, "l j F Y")},
            code="objection_window_open",
        )
    claim.closed_at = now()
    return finish(claim, name="close", actor=actor, reason=reason)


@transaction.atomic
def claim_withdraw(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="withdraw", actor=actor)
    claim.closed_at = now()
    claim.reply_due = None
    events = []
    if _open_suspension(claim):
        # No cause: ends every open suspension.
        events.append(ClockEvent(kind=K.RESUME, on_date=today(), reason=str(_("Ingetrokken"))))
    return finish(claim, name="withdraw", actor=actor, reason=reason, clock_events=events)


@transaction.atomic
def claim_hold(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="hold", actor=actor)
    reason = require_text(reason, REASON_NEEDED)
    # Its own suspension (Awb 4:15 lid 2a), even when an info request already holds the clock.
    events = [ClockEvent(kind=K.SUSPEND, cause=Cause.ON_HOLD, on_date=today(), reason=reason)]
    return finish(claim, name="hold", actor=actor, reason=reason, clock_events=events)


@transaction.atomic
def claim_resume(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="resume", actor=actor)
    events = [ClockEvent(kind=K.RESUME, cause=Cause.ON_HOLD, on_date=today(),
                         reason=reason or str(_("Behandeling hervat")))]
    return finish(claim, name="resume", actor=actor, reason=reason, clock_events=events)


@transaction.atomic
def claim_reopen(*, claim: Claim, actor, reason: str = "") -> Claim:
    claim = begin(claim, name="reopen", actor=actor)
    reason = require_text(reason, _("Schrijf op welke nieuwe feiten de heropening nodig maken."))
    claim.closed_at = None
    claim.objection_due = None
    claim.objection_decision_due = None
    # New facts mean a new application in the sense of Awb 4:6: a fresh decision term starts.
    events = [ClockEvent(kind=K.START, on_date=today(), reason=reason)]
    return finish(claim, name="reopen", actor=actor, reason=reason, clock_events=events)


TRANSITION_SERVICES: dict[str, Callable[..., Claim]] = {
    "submit": claim_submit,
    "start_intake": claim_start_intake,
    "request_info": claim_request_info,
    "receive_info": claim_receive_info,
    "declare_not_admissible": claim_declare_not_admissible,
    "plan_inspection": claim_plan_inspection,
    "record_advice": claim_record_advice,
    "send_advice": claim_send_advice,
    "revise_advice": claim_revise_advice,
    "forward_to_commission": claim_forward_to_commission,
    "advise": claim_advise,
    "decide": claim_decide,
    "file_objection": claim_file_objection,
    "decide_objection": claim_decide_objection,
    "start_settlement": claim_start_settlement,
    "close": claim_close,
    "withdraw": claim_withdraw,
    "hold": claim_hold,
    "resume": claim_resume,
    "reopen": claim_reopen,
}


def claim_transition(*, claim: Claim, name: str, actor, reason: str = "", **data) -> Claim:
    """The public entry point: looks up the step by name and runs its service."""
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise TransitionRefused(_("Deze stap bestaat niet."), code="unknown")
    return service(claim=claim, actor=actor, reason=reason, **data)
