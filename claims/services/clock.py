"""Clock events that are not transitions: the one extension (Awb 4:14) and a notice of default (4:17)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import deadlines, letters, roles
from ..errors import FORBIDDEN, TransitionForbidden, TransitionRefused
from ..models import Claim, ClockEvent, ClockEventKind, LetterKind
from ..permissions import object_rule
from ..states import OPEN_STATES, State
from ..timeutil import today
from .steps import lock, require_text

K = ClockEventKind
CLOCK_ROLES = (roles.CASEWORKER, roles.COORDINATOR)


def _ensure_clock_keeper(actor, claim: Claim) -> None:
    held = roles.roles_of(actor) & set(CLOCK_ROLES)
    if not (actor.is_superuser or any(object_rule(actor, role, claim) for role in held)):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


@transaction.atomic
def claim_extend_term(*, claim: Claim, actor, weeks: int | None = None, reason: str = "") -> Claim:
    claim = lock(claim)
    _ensure_clock_keeper(actor, claim)
    deadlines.refresh(claim)  # the stored date is stale while a suspension runs
    reason = require_text(reason, _("Geef de reden van de verdaging; die komt in de brief."))
    weeks = deadlines.terms()["extension_weeks"] if weeks is None else int(weeks)
    if claim.status not in OPEN_STATES:
        raise TransitionRefused(_("Alleen een lopende aanvraag kan worden verdaagd."), code="not_open")
    if not 1 <= weeks <= deadlines.terms()["decision_weeks"]:
        raise TransitionRefused(_("Verdaag met 1 tot %(max)s weken.") % {"max": deadlines.terms()["decision_weeks"]},
                                code="invalid_weeks")
    if claim.clock_events.filter(kind=K.EXTEND).exists():
        raise TransitionRefused(_("De beslistermijn is al een keer verdaagd; dat kan maar één keer."),
                                code="already_extended")
    if claim.decision_due is not None and today() > claim.decision_due:
        raise TransitionRefused(_("De beslistermijn is al verstreken; verdagen kan alleen daarvoor."),
                                code="term_lapsed")
    event = ClockEvent.objects.create(claim=claim, kind=K.EXTEND, on_date=today(), weeks=weeks, reason=reason,
                                      actor=actor)
    deadlines.refresh(claim)
    claim.save(update_fields=["decision_due", "clock_suspended", "updated_at"])
    # Keyed on the extension itself: Awb 4:14 allows one, so this is one letter per claim.
    letters.schedule(claim=claim, kind=LetterKind.EXTENSION, key=f"{claim.pk}:{LetterKind.EXTENSION}:c{event.pk}")
    return claim


@transaction.atomic
def claim_record_default_notice(*, claim: Claim, actor, received_on: dt.date, reason: str = "") -> Claim:
    claim = lock(claim)
    _ensure_clock_keeper(actor, claim)
    deadlines.refresh(claim)  # the stored date is stale while a suspension runs
    if claim.status not in (*OPEN_STATES, State.ON_HOLD):
        raise TransitionRefused(_("Er is al besloten; een ingebrekestelling heeft geen gevolg meer."),
                                code="not_open")
    if claim.decision_due is None or received_on <= claim.decision_due:
        raise TransitionRefused(_("Een ingebrekestelling kan pas na de uiterste besluitdatum."), code="too_early")
    if received_on > today():
        raise TransitionRefused(_("De datum van ontvangst ligt in de toekomst."), code="future")
    # One notice per decision term (Awb 4:17): a second one does not start the penalty again. A reopened
    # claim is a new application with a term of its own, so only notices since the latest start count.
    started = claim.clock_events.filter(kind=K.START).order_by("-pk").values_list("pk", flat=True).first()
    if claim.clock_events.filter(kind=K.DEFAULT_NOTICE, pk__gt=started or 0).exists():
        raise TransitionRefused(_("Deze ingebrekestelling is al vastgelegd. De dwangsom loopt al."),
                                code="already_noticed")
    ClockEvent.objects.create(claim=claim, kind=K.DEFAULT_NOTICE, on_date=received_on, reason=reason, actor=actor)
    claim.save(update_fields=["decision_due", "clock_suspended", "updated_at"])
    return claim
