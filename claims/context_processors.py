"""What every page needs to know about the user: their roles, for the menu."""

from . import roles


def user_roles(request) -> dict:
    held = roles.roles_of(getattr(request, "user", None))
    return {
        "is_resident": roles.RESIDENT in held,
        "is_desk": bool(held & {roles.DESK, roles.COORDINATOR}),
        "is_staff_role": bool(held & roles.STAFF_ROLES),
        "is_guide": bool(held & {roles.CASEWORKER, roles.COORDINATOR}),
        "is_coordinator": roles.COORDINATOR in held,
        "is_expert": roles.EXPERT in held,
        "is_commission": roles.COMMISSION in held,
        "is_decision_maker": roles.DECISION_MAKER in held,
        "is_finance": roles.FINANCE in held,
    }
