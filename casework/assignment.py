"""Automatic assignment: a new claim goes to a case guide of the team for its municipality, the one with
the fewest open claims (DESIGN.md, issue 4). The step itself is `start_intake`, taken by the system."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from claims import roles
from claims.errors import FORBIDDEN, TransitionForbidden, TransitionRefused
from claims.models import Claim, Team
from claims.services import claim_transition
from claims.services.steps import lock, require_text
from claims.states import FINAL_STATES, OPEN_STATES, State
from claims.timeutil import now, today

from . import watch
from .models import Note, Reassignment

User = get_user_model()


def _candidates(claim: Claim) -> list[int]:
    """The active case guides of the teams serving the claim's municipality; every active guide when no team
    serves it or none of its guides is active (a home outside the area still gets a named guide)."""
    guides = User.objects.filter(is_active=True, groups__name=roles.CASEWORKER)
    municipality = claim.property.municipality
    # Teams are few and their municipalities a short list: filtering them here works on every database.
    team_ids = [team.pk for team in Team.objects.all() if municipality in team.municipalities]
    in_team = set(guides.filter(teams__in=team_ids).values_list("pk", flat=True)) if team_ids else set()
    return sorted(in_team or set(guides.values_list("pk", flat=True)))


def caseworker_for(claim: Claim):
    """The least-loaded candidate guide, ties to the one who joined first. The candidates' rows are locked
    (until the transaction ends) before their loads are counted: two claims assigned at the same moment
    would otherwise both see the same guide as the least loaded."""
    ids = _candidates(claim)
    if not ids:
        return None
    if transaction.get_connection().in_atomic_block:
        # NO KEY UPDATE: serialises assignments, without blocking rows that merely refer to these users.
        list(User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
             .values_list("pk", flat=True))
    return (
        User.objects.filter(pk__in=ids)
        .annotate(open_claims=Count("caseload", filter=Q(caseload__status__in=OPEN_STATES)))
        .order_by("open_claims", "pk")
        .first()
    )


@transaction.atomic
def claim_assign_automatically(*, claim: Claim) -> Claim:
    """Takes a submitted claim into intake with a named case guide."""
    guide = caseworker_for(claim)
    if guide is None:
        raise TransitionRefused(_("Er is geen zaakbegeleider beschikbaar om de zaak aan toe te wijzen."),
                                code="no_caseworker")
    return claim_transition(claim=claim, name="start_intake", actor=None, caseworker=guide,
                            reason=_("Automatisch toegewezen"))


def _ensure_coordinator(actor) -> None:
    if actor is None or not actor.is_active or not (actor.is_superuser or roles.has_role(actor, roles.COORDINATOR)):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def _active_guide(user):
    if user is None or not user.is_active or not roles.has_role(user, roles.CASEWORKER):
        raise TransitionRefused(_("Kies een actieve zaakbegeleider."), code="invalid_caseworker")
    return user


@transaction.atomic
def claim_reassign(*, claim: Claim, to_guide, actor, reason: str, handover: str = "") -> Claim:
    """The coordinator gives a claim to another guide. The reason is kept; the handover note is the first
    thing the new guide sees in the dossier. A claim still waiting for its first guide is taken into intake
    with it (`start_intake`), as the automatic assignment does; the guide of an urgent claim that has not had
    its safety visit hears of it at once."""
    _ensure_coordinator(actor)
    reason = require_text(reason, _("Geef een reden op voor de overdracht."))
    claim = lock(claim)
    to_guide = _active_guide(to_guide)
    if claim.status in (State.DRAFT, *FINAL_STATES):
        raise TransitionRefused(_("Een concept of afgesloten zaak wordt niet overgedragen."), code="not_open")
    if claim.caseworker_id == to_guide.pk and claim.status != State.SUBMITTED:
        return claim
    from_guide_id = claim.caseworker_id
    if claim.status == State.SUBMITTED:
        claim = claim_transition(claim=claim, name="start_intake", actor=actor, caseworker=to_guide, reason=reason)
    else:
        claim.caseworker = to_guide
        claim.save(update_fields=["caseworker", "updated_at"])
    Reassignment.objects.create(claim=claim, from_guide_id=from_guide_id, to_guide=to_guide, reason=reason,
                                actor=actor, created_at=now())
    Note.objects.create(claim=claim, kind=Note.Kind.HANDOVER, author=actor, body=handover.strip() or reason,
                        created_at=now())
    if watch.waits_for_safety_visit(claim):
        watch.notify_urgent_assignment(claim, on=today())
    return claim


def claims_reassign(*, references: list[str], to_guide, actor, reason: str, handover: str = "") -> list[Claim]:
    """Many claims at once, all or none: one that cannot move stops the batch with its reference named."""
    _ensure_coordinator(actor)  # first: whether a reference exists is no business of anyone else
    with transaction.atomic():
        claims = list(Claim.objects.filter(reference__in=references).order_by("pk"))
        unknown = sorted(set(references) - {claim.reference for claim in claims})
        if unknown:
            raise TransitionRefused(_("Deze zaken bestaan niet: %(references)s") % {"references": ", ".join(unknown)},
                                    code="unknown_claim")
        moved = []
        for claim in claims:
            try:
                moved.append(claim_reassign(claim=claim, to_guide=to_guide, actor=actor, reason=reason,
                                            handover=handover))
            except TransitionRefused as error:
                # Same kind of error (403 stays 403), with the claim that stopped the batch named.
                raise type(error)(f"{claim.reference}: {error.message}", code=error.code) from error
        return moved
