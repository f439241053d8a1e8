"""Who may fire which transition on which claim: the one permission module (role + object)."""

from django.db.models import Exists, OuterRef, Q

from . import roles as R
from .errors import FORBIDDEN, TransitionForbidden
from .models import Absence, Claim, ClaimTransition, Mandate, Recusal
from .timeutil import today

# Transition name → roles that may fire it (DESIGN.md). The coordinator may also act for an absent guide.
TRANSITION_ROLES: dict[str, frozenset[str]] = {
    "submit": frozenset({R.RESIDENT, R.DESK, R.COORDINATOR}),
    "start_intake": frozenset({R.COORDINATOR}),
    "request_info": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "receive_info": frozenset({R.RESIDENT, R.CASEWORKER, R.COORDINATOR}),
    "declare_not_admissible": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "plan_inspection": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "record_advice": frozenset({R.EXPERT, R.CASEWORKER, R.COORDINATOR}),
    "send_advice": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "revise_advice": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "forward_to_commission": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "advise": frozenset({R.COMMISSION}),
    "decide": frozenset({R.DECISION_MAKER}),
    "file_objection": frozenset({R.RESIDENT, R.CASEWORKER, R.COORDINATOR}),
    "decide_objection": frozenset({R.DECISION_MAKER}),
    "start_settlement": frozenset({R.FINANCE, R.COORDINATOR}),
    "close": frozenset({R.FINANCE, R.CASEWORKER, R.COORDINATOR}),
    "withdraw": frozenset({R.RESIDENT, R.CASEWORKER, R.COORDINATOR}),
    "hold": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "resume": frozenset({R.CASEWORKER, R.COORDINATOR}),
    "reopen": frozenset({R.COORDINATOR}),
}
# Steps the system itself takes (actor None): automatic assignment on receipt.
SYSTEM_TRANSITIONS = frozenset({"start_intake"})
# Four eyes: who took the first step may not take the second on the same claim.
FOUR_EYES = {"decide": ("advise",), "decide_objection": ("decide", "advise")}


def is_party(user, claim: Claim) -> bool:
    """The user is the applicant, a co-owner, or holds a valid mandate for the claim."""
    if user is None or not user.is_authenticated:
        return False
    person = getattr(user, "person", None)
    if person is None:
        return False
    if claim.applicant_id == person.pk or claim.co_applicants.filter(pk=person.pk).exists():
        return True
    principals = [claim.applicant_id, *claim.co_applicants.values_list("pk", flat=True)]
    return valid_mandates(on=today()).filter(
        Q(scope=Mandate.Scope.ALL) | Q(claim=claim), representative=person, principal_id__in=principals
    ).exists()


def valid_mandates(*, on):
    return Mandate.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)


def substituted_by(user, *, on) -> set[int]:
    """The guides this user stands in for today: their claims are this user's to work on meanwhile."""
    return set(Absence.objects.filter(substitute=user, starts_on__lte=on, ends_on__gte=on)
               .values_list("user_id", flat=True))


def may_work_on(user, claim: Claim) -> bool:
    """Staff work on a claim (notes, calls, messages, planning) that is not a transition: its own case
    guide or their substitute, or a coordinator. Team colleagues only read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or R.COORDINATOR in R.roles_of(user):
        return True
    return R.CASEWORKER in R.roles_of(user) and object_rule(user, R.CASEWORKER, claim)


def object_rule(user, role: str, claim: Claim) -> bool:
    if role == R.RESIDENT:
        return is_party(user, claim)
    if role == R.DESK:
        return claim.filed_by_id == user.pk
    if role == R.CASEWORKER:
        return claim.caseworker_id == user.pk or (
            claim.caseworker_id is not None and claim.caseworker_id in substituted_by(user, on=today())
        )
    if role == R.EXPERT:
        return claim.expert_id == user.pk
    if role == R.COMMISSION:
        return not Recusal.objects.filter(claim=claim, member=user).exists()
    return role in (R.DECISION_MAKER, R.COORDINATOR, R.FINANCE)


def breaks_four_eyes(user, name: str, claim: Claim) -> bool:
    """This user took a step on the claim that bars them from taking `name` (the advisor never decides)."""
    earlier = FOUR_EYES.get(name)
    return bool(earlier) and ClaimTransition.objects.filter(claim=claim, name__in=earlier, actor=user).exists()


def four_eyes_barred(user, name: str) -> Exists:
    """The same rule as an annotation for lists: true on claims where `breaks_four_eyes` holds."""
    return Exists(ClaimTransition.objects.filter(claim=OuterRef("pk"), name__in=FOUR_EYES.get(name, ()), actor=user))


def may_fire(user, name: str, claim: Claim) -> bool:
    if user is None:
        return name in SYSTEM_TRANSITIONS
    if not user.is_authenticated or not user.is_active:
        return False
    if breaks_four_eyes(user, name, claim):
        return False
    allowed = TRANSITION_ROLES.get(name, frozenset())
    held = allowed if user.is_superuser else R.roles_of(user) & allowed
    if user.is_superuser and held:
        return True
    return any(object_rule(user, role, claim) for role in held)


def ensure(user, name: str, claim: Claim) -> None:
    if not may_fire(user, name, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
