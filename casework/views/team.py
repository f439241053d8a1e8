"""The coordinator's team view at /werk/team/: every guide's load, the claims that are overdue, stuck,
urgent without a safety visit or without a guide; reassigning ticked claims; recording absences."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from claims import roles as R
from claims.access import role_required
from claims.models import Absence
from claims.timeutil import today

from ..forms.caseload import AbsenceForm, ReassignForm
from ..selectors import NO_GUIDE, STUCK_NO_GUIDE, STUCK_NO_STEP, STUCK_REPLY_LAPSED, team_overview
from ..services.absence import AbsenceRefused, absence_end, absence_record
from ..timeline import person_name
from .caseload import TableCells, picked_references, reassign_from_post, table_rows
from .once import sent_once

coordinator_required = role_required(R.COORDINATOR)
ABSENCE_PREFIX = "absence"
STUCK_LABELS = {
    STUCK_REPLY_LAPSED: gettext_lazy("Reactietermijn verstreken, geen antwoord"),
    STUCK_NO_STEP: gettext_lazy("Al 30 dagen geen stap"),
    STUCK_NO_GUIDE: gettext_lazy("Ontvangen, nog geen zaakbegeleider"),
}


def _sections(overview, *, on) -> list[dict]:
    """The lists of claims that need the coordinator, in the order the page shows them."""
    limit = overview.limit
    sections = [
        ("overdue", _("Termijn verstreken"), "", _("Geen zaken met een verstreken termijn."),
         {"overdue": "on"}),
        ("stuck", _("Vastgelopen zaken"), "stuck", _("Geen vastgelopen zaken."), None),
        ("urgent_unvisited", _("Acuut onveilig, nog geen veiligheidsbezoek"), "safety",
         _("Alle acuut onveilige situaties hebben een veiligheidsbezoek gehad."), {"urgent": "on"}),
        ("unassigned", _("Zaken zonder zaakbegeleider"), "", _("Elke open zaak heeft een zaakbegeleider."),
         {"guide": NO_GUIDE}),
    ]
    shown = []
    cells = TableCells(on=on)
    for name, title, extra, empty_text, caseload_filter in sections:
        claims = table_rows(getattr(overview, name)[:limit], on=on, cells=cells)
        shown.append({
            "id": name.replace("_", "-"), "title": title, "extra": extra, "empty_text": empty_text,
            "claims": claims, "more": overview.more(name),
            "more_url": reverse("casework:caseload") + "?" + urlencode(caseload_filter) if caseload_filter else "",
        })
    for claim in overview.stuck:
        claim.stuck_label = STUCK_LABELS.get(claim.stuck_reason, "")
    return shown


def _team_page(request, *, reassign_form=None, absence_form=None, status: int = 200):
    on = today()
    overview = team_overview(request.user, on=on)
    names = {guide.pk: guide for guide in overview.loads}
    for guide in overview.loads:
        guide.substitute = names.get(guide.substitute_id)
        guide.display_name = guide.get_full_name() or guide.username  # once here, not per row in the template
    return render(request, "casework/caseload/team.html", {
        "overview": overview,
        "sections": _sections(overview, on=on),
        "reassign_form": reassign_form or ReassignForm(),
        "absence_form": absence_form or AbsenceForm(prefix=ABSENCE_PREFIX, initial={"starts_on": on}),
        "picked": picked_references(reassign_form),
        "today": on,
        "totals": {
            key: sum(getattr(guide, key) for guide in overview.loads)
            for key in ("open_count", "overdue_count", "due_soon_count", "urgent_count")
        },
    }, status=status)


def _to_absences():
    return redirect(reverse("casework:team") + "#afwezigheid")


@coordinator_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def team(request):
    if request.method == "POST":
        form, done, status = reassign_from_post(request, back=reverse("casework:team"))
        return done or _team_page(request, reassign_form=form, status=status)
    return _team_page(request)


@coordinator_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def absence_new(request):
    if request.method != "POST":
        return _to_absences()
    form = AbsenceForm(request.POST, prefix=ABSENCE_PREFIX)
    if not form.is_valid():
        return _team_page(request, absence_form=form, status=400)
    data = form.cleaned_data
    try:
        with sent_once(request, form) as first:
            if first:
                absence = absence_record(user=data["user"], substitute=data["substitute"],
                                         starts_on=data["starts_on"], ends_on=data["ends_on"], reason=data["reason"],
                                         actor=request.user)
                messages.success(request, _("De afwezigheid van %(guide)s is vastgelegd. %(substitute)s vervangt.")
                                 % {"guide": person_name(absence.user), "substitute": person_name(absence.substitute)})
    except AbsenceRefused as refused:
        form.add_error(refused.field, refused.message)
        return _team_page(request, absence_form=form, status=409)
    return _to_absences()


@coordinator_required
@require_POST
def absence_stop(request, pk: int):
    absence = Absence.objects.select_related("user").filter(pk=pk).first()
    try:
        ended = absence_end(absence=absence, actor=request.user) if absence is not None else None
    except Absence.DoesNotExist:  # cancelled at the same moment (a double click, a colleague)
        absence = None
    if absence is None:
        messages.info(request, _("Deze afwezigheid was al geschrapt."))
        return _to_absences()
    name = person_name(absence.user)
    if ended is None:
        messages.success(request, _("De afwezigheid van %(guide)s is geschrapt.") % {"guide": name})
    else:
        messages.success(request, _("%(guide)s is vanaf vandaag weer aan het werk.") % {"guide": name})
    return _to_absences()
