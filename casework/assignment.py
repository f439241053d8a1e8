"""Automatic assignment: a new claim goes to a case guide of the team for its municipality, the one with
the fewest open claims (DESIGN.md, issue 4). The step itself is `start_intake`, taken by the system."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from claims import roles
from claims.errors import TransitionRefused
from claims.models import Claim, Team
from claims.services import claim_transition
from claims.states import OPEN_STATES

User = get_user_model()


def caseworker_for(claim: Claim):
    """The least-loaded active case guide of the teams serving the claim's municipality; any active guide
    when no team serves it (a home outside the area still gets a named guide)."""
    guides = User.objects.filter(is_active=True, groups__name=roles.CASEWORKER)
    municipality = claim.property.municipality
    # Teams are few and their municipalities a short list: filtering them here works on every database.
    team_ids = [team.pk for team in Team.objects.all() if municipality in team.municipalities]
    if team_ids and guides.filter(teams__in=team_ids).exists():
        guides = guides.filter(teams__in=team_ids)
    return (
        guides.distinct()
        .annotate(open_claims=Count("caseload", filter=Q(caseload__status__in=OPEN_STATES), distinct=True))
        .order_by("open_claims", "pk")
        .first()
    )


def claim_assign_automatically(*, claim: Claim) -> Claim:
    """Takes a submitted claim into intake with a named case guide."""
    guide = caseworker_for(claim)
    if guide is None:
        raise TransitionRefused(_("Er is geen zaakbegeleider beschikbaar om de zaak aan toe te wijzen."),
                                code="no_caseworker")
    return claim_transition(claim=claim, name="start_intake", actor=None, caseworker=guide,
                            reason=_("Automatisch toegewezen"))
