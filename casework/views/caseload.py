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
from claims.errors import TransitionRefused
from claims.selectors import claims_visible_to
from claims.states import State
from claims.timeutil import local_date, today

from ..assignment import claims_reassign
from ..attention import LEVEL_LABELS, WAITING_ON_LABELS, waiting_on
from ..forms.caseload import CaseloadFilterForm, ReassignForm, person_name
from ..selectors import NarrowPaginator, caseload_for, filter_caseload, is_coordinator

PER_PAGE = 25
CSV_CHUNK = 2000
guide_required = role_required(R.CASEWORKER, R.COORDINATOR)


def filtered_caseload(request, *, on: dt.date):
    """The filter form (from the query string) and the claims it selects: the page and its CSV agree."""
    form = CaseloadFilterForm(request.GET or None, coordinator=is_coordinator(request.user))
    form.is_valid()  # invalid fields filter nothing; their messages are shown
    claims = caseload_for(request.user, on=on, guide=form.chosen_guide())
    return form, filter_caseload(claims, form.filters(), on=on)


def decorate(claims: Iterable, *, on: dt.date) -> list:
    """What the table shows that is not a column: days left, the attention and waiting-on labels."""
    rows = list(claims)
    for claim in rows:
        claim.days_left = None if claim.decision_due is None else (claim.decision_due - on).days
        claim.attention_label = LEVEL_LABELS.get(claim.attention, "")
        claim.waiting_on_label = WAITING_ON_LABELS.get(waiting_on(claim.status), "")
    return rows


@guide_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def caseload(request):
    coordinator = is_coordinator(request.user)
    reassign_form = None
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        reassign_form, done = reassign_from_post(request, back=request.get_full_path())
        if done is not None:
            return done
    on = today()
    form, claims = filtered_caseload(request, on=on)
    page = NarrowPaginator(claims, PER_PAGE, on=on).get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list, on=on)
    if coordinator and reassign_form is None:
        reassign_form = ReassignForm()
    picked = set()
    if reassign_form is not None and reassign_form.is_bound:
        picked = set(reassign_form.data.getlist("references"))  # ticked before an error: ticked again
    return render(request, "casework/caseload/caseload.html", {
        "form": form,
        "page": page,
        "coordinator": coordinator,
        "show_guide": coordinator or any(claim.caseworker_id != request.user.pk for claim in page.object_list),
        "reassign_form": reassign_form,
        "picked": picked,
        "today": on,
    })


def reassign_from_post(request, *, back: str):
    """The bulk reassignment of a POST: (form, None) to show the form with its errors, or (form, redirect)
    after success. All or nothing: one claim that cannot move stops the batch (casework.assignment)."""
    form = ReassignForm(request.POST, claims=claims_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = claims_reassign(references=data["references"], to_guide=data["to_guide"], actor=request.user,
                                    reason=data["reason"], handover=data["handover"])
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        else:
            count = len(moved)
            messages.success(request, ngettext(
                "%(count)s zaak is overgedragen aan %(guide)s.",
                "%(count)s zaken zijn overgedragen aan %(guide)s.", count,
            ) % {"count": count, "guide": person_name(data["to_guide"])})
            return form, redirect(back)
    return form, None


# --- the CSV export ---------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would run as a formula gets an apostrophe in front (CSV injection); numbers stay."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
    rows = _stream(claims, on=on, language=translation.get_language())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="werkvoorraad-{on:%Y-%m-%d}.csv"'
    return response
