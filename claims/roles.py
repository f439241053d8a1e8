"""The roles of DESIGN.md as Django groups, and how to read them off a user."""

from django.utils.translation import gettext_lazy as _

RESIDENT = "resident"
DESK = "desk"
CASEWORKER = "caseworker"
EXPERT = "expert"
COMMISSION = "commission"
DECISION_MAKER = "decision_maker"
COORDINATOR = "coordinator"
FINANCE = "finance"

LABELS = {
    RESIDENT: _("Aanvrager"),
    DESK: _("Loketmedewerker"),
    CASEWORKER: _("Zaakbegeleider"),
    EXPERT: _("Deskundige"),
    COMMISSION: _("Commissielid"),
    DECISION_MAKER: _("Besluitvormer"),
    COORDINATOR: _("Coördinator"),
    FINANCE: _("Financiën"),
}
ALL_ROLES = tuple(LABELS)
STAFF_ROLES = frozenset(ALL_ROLES) - {RESIDENT}

_CACHE_ATTR = "_mijnschade_roles"


def roles_of(user) -> frozenset[str]:
    """The role names of a user, read once per user object (one query)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_role(user, *names: str) -> bool:
    return bool(roles_of(user) & set(names))


def forget_roles(user) -> None:
    """Drop the cached roles after changing a user's groups."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
