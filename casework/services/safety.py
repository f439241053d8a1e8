"""The safety visit to an acutely unsafe home (DESIGN.md: within 48 hours of the report). Recording it is
what stops the coordinators' alert of the deadline watch (casework.watch)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.errors import FORBIDDEN, TransitionForbidden, TransitionRefused
from claims.models import Claim, ClockEvent, ClockEventKind
from claims.permissions import may_work_on
from claims.services.steps import lock, require_text
from claims.states import State
from claims.timeutil import local_date, now


def may_record_safety_visit(user, claim: Claim) -> bool:
    """The claim's guide (or substitute), a coordinator, or the expert assigned to the claim."""
    if may_work_on(user, claim):
        return True
    return (user is not None and user.is_authenticated and user.is_active and claim.expert_id == user.pk
            and roles.has_role(user, roles.EXPERT))


@transaction.atomic
def claim_record_safety_visit(*, claim: Claim, actor, visited_at: dt.datetime, findings: str) -> ClockEvent:
    """Appends the visit to the claim's clock events (its date, and what was found)."""
    claim = lock(claim)
    if not may_record_safety_visit(actor, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
    if not claim.urgent:
        raise TransitionRefused(_("Een veiligheidsbezoek hoort alleen bij een acuut onveilige situatie."),
                                code="not_urgent")
    if claim.status == State.DRAFT or claim.submitted_at is None:
        raise TransitionRefused(_("Deze melding is nog niet verstuurd."), code="not_submitted")
    findings = require_text(findings, _("Schrijf op wat u bij het bezoek hebt gezien en gedaan."))
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > now():
        raise TransitionRefused(_("Het bezoek ligt in de toekomst. Leg een bezoek vast als het is geweest."),
                                code="future")
    if visited_at < claim.submitted_at:
        raise TransitionRefused(_("Het bezoek ligt vóór de melding."), code="before_report")
    return ClockEvent.objects.create(claim=claim, kind=ClockEventKind.SAFETY_VISIT, on_date=local_date(visited_at),
                                     reason=findings, actor=actor)
