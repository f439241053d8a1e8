"""The case guide's caseload at /werk/: open claims sorted by what needs attention, filters, search, pages,
and the same view as a CSV file. A coordinator sees every open claim and may reassign ticked ones."""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from claims import roles as R
from claims.access import role_required
from claims.access_log import Action, access_record
from claims.errors import TransitionRefused
from claims.selectors import claims_visible_to
from claims.states import State
from claims.timeutil import local_date, today

from ..assignment import claims_reassign
from ..attention import LEVEL_LABELS, WAITING_ON_LABELS, waiting_on
from ..forms.caseload import CaseloadFilterForm, ReassignForm
from ..selectors import NarrowPaginator, caseload_for, filter_caseload, is_coordinator
from ..timeline import person_name
from .once import sent_once

PER_PAGE = 25
CSV_CHUNK = 2000
guide_required = role_required(R.CASEWORKER, R.COORDINATOR)


def filtered_caseload(request, *, on: dt.date):
    """The filter form (from the query string) and the claims it selects: the page and its CSV agree."""
    form = CaseloadFilterForm(request.GET or None, coordinator=is_coordinator(request.user))
    form.is_valid()  # invalid fields filter nothing; their messages are shown
    claims = caseload_for(request.user, on=on, guide=form.chosen_guide())
    return form, filter_caseload(claims, form.filters(), on=on)


def page_number(value) -> int:
    """The page asked for; no number, or one below 1, is the first page (Paginator.get_page would show the
    last for 0 or -1). A number past the end is the last page."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def decorate(claims: Iterable, *, on: dt.date) -> list:
    """What the table shows that is not a column: days left, the attention and waiting-on labels."""
    rows = list(claims)
    for claim in rows:
        claim.days_left = None if claim.decision_due is None else (claim.decision_due - on).days
        claim.days_late = -claim.days_left if claim.days_left is not None and claim.days_left < 0 else 0
        claim.attention_label = LEVEL_LABELS.get(claim.attention, "")
        claim.waiting_on_label = WAITING_ON_LABELS.get(waiting_on(claim.status), "")
    return rows


@guide_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def caseload(request):
    coordinator = is_coordinator(request.user)
    reassign_form = None
    status = 200
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        reassign_form, done, status = reassign_from_post(request, back=request.get_full_path())
        if done is not None:
            return done
    on = today()
    form, claims = filtered_caseload(request, on=on)
    page = NarrowPaginator(claims, PER_PAGE, on=on).get_page(page_number(request.GET.get("page")))
    page.object_list = decorate(page.object_list, on=on)
    if coordinator and reassign_form is None:
        reassign_form = ReassignForm()
    return render(request, "casework/caseload/caseload.html", {
        "form": form,
        "page": page,
        "coordinator": coordinator,
        "show_guide": coordinator or any(claim.caseworker_id != request.user.pk for claim in page.object_list),
        "reassign_form": reassign_form,
        "picked": picked_references(reassign_form),
        "today": on,
    }, status=status)


def picked_references(form) -> set[str]:
    """The claims ticked in a reassignment that came back with an error: they are ticked again."""
    return set(form.data.getlist("references")) if form is not None and form.is_bound else set()


def reassign_from_post(request, *, back: str):
    """The bulk reassignment of a POST: (form, redirect to `back`, 302) when done or sent before, or
    (form, None, status) to show the form again: 400 with its errors, 409 (403) with the refusal.
    All or nothing: one claim that cannot move stops the batch (casework.assignment)."""
    form = ReassignForm(request.POST, claims=claims_visible_to(request.user))
    if not form.is_valid():
        return form, None, 400
    data = form.cleaned_data
    try:
        with sent_once(request, form) as first:
            if first:
                moved = claims_reassign(references=data["references"], to_guide=data["to_guide"],
                                        actor=request.user, reason=data["reason"], handover=data["handover"])
                messages.success(request, ngettext(
                    "%(count)s zaak is overgedragen aan %(guide)s.",
                    "%(count)s zaken zijn overgedragen aan %(guide)s.", len(moved),
                ) % {"count": len(moved), "guide": person_name(data["to_guide"])})
    except TransitionRefused as refused:
        form.add_error(None, refused.message)
        return form, None, refused.status_code
    return form, redirect(back), 302


# --- the CSV export ---------------------------------------------------------------------------------------

# With the full-width forms, which some spreadsheets read as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """Text a spreadsheet would run as a formula gets an apostrophe in front (CSV injection); numbers stay.
    Leading spaces do not hide a formula: a spreadsheet that trims them on import would run it."""
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """csv.writer writes into this and gets the line back, so each row can be streamed."""

    def write(self, value: str) -> str:
        return value


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _csv_rows(claims, *, on: dt.date) -> Iterator[list]:
    yield [_("Zaaknummer"), _("Aanvrager"), _("Adres"), _("Postcode"), _("Plaats"), _("Gemeente"), _("Status"),
           _("Uiterste besluitdatum"), _("Dagen over"), _("Termijn opgeschort"), _("Aandacht"), _("Acuut onveilig"),
           _("Laatste contact"), _("Wacht op"), _("Zaakbegeleider")]
    for claim in claims.iterator(chunk_size=CSV_CHUNK):
        decorate([claim], on=on)
        home = claim.property
        yield [
            claim.reference,
            claim.applicant.name,
            f"{home.street} {home.house_number_label}",
            home.postcode_display,
            home.town,
            home.municipality,
            str(State(claim.status).label),
            _date(claim.decision_due),
            "" if claim.days_left is None else claim.days_left,
            _("ja") if claim.clock_suspended else _("nee"),
            str(claim.attention_label),
            _("ja") if claim.urgent else _("nee"),
            _date(local_date(claim.last_contact)) if claim.last_contact else "",
            str(claim.waiting_on_label),
            person_name(claim.caseworker) if claim.caseworker_id else "",
        ]


def _stream(claims, *, on: dt.date, language: str) -> Iterator[str]:
    yield "\ufeff"  # the BOM: Dutch Excel then reads UTF-8, not Windows-1252
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    # The rows are written after the view has returned: in the language of the request, still.
    with translation.override(language):
        for row in _csv_rows(claims, on=on):
            yield writer.writerow([safe_cell(cell) for cell in row])


@guide_required
@never_cache
@require_GET
def caseload_csv(request):
    on = today()
    _form, claims = filtered_caseload(request, on=on)
    access_record(request=request, claim=None, action=Action.EXPORT, detail=request.GET.urlencode())
    rows = _stream(claims, on=on, language=translation.get_language())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="werkvoorraad-{on:%Y-%m-%d}.csv"'
    return response
