"""Who has looked at this claim (issue 7, item 3): the audit of access for one claim, at
/werk/zaken/<reference>/inzage/, for the coordinator only.

Who may open it: the coordinator (and a superuser). A case guide who can read the dossier gets the 403 page of
the dossier; anyone who cannot see the claim gets a 404, as for a claim that does not exist.

Fixed number of queries whatever the size of the log: the claim, the count, one page of rows with their user,
and one for the roles of those users.
"""

from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from claims import roles
from claims.models import AccessLog

from ..selectors import is_coordinator
from ..timeline import person_name
from .caseload import page_number
from .dossier import dossier_claim, staff_only
from .dossier_actions import forbidden

PER_PAGE = 50


def role_labels(user) -> str:
    names = sorted(g.name for g in user.groups.all() if g.name in roles.LABELS)
    return ", ".join(str(roles.LABELS[name]) for name in names)


@staff_only
@never_cache
@require_safe
def dossier_access_log(request, reference: str):
    claim = dossier_claim(request, reference)
    if not is_coordinator(request.user):
        return forbidden(request, claim, _("Alleen de coördinator ziet wie deze zaak heeft ingezien."))
    rows = (AccessLog.objects.filter(claim=claim).select_related("user", "document")
            .prefetch_related(Prefetch("user__groups", queryset=Group.objects.only("name")))
            .order_by("-created_at", "-pk"))
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET.get("page")))
    for row in page.object_list:
        row.user_name = person_name(row.user)
        row.user_roles = role_labels(row.user) or (_("Beheerder") if row.user.is_superuser else "")
    return render(request, "casework/dossier/access_log.html", {"claim": claim, "page": page})
