"""The case guide's caseload at /werk/: open claims sorted by what needs attention, filters, search, pages,
and the same view as a CSV file. A coordinator sees every open claim and may reassign ticked ones."""

import csv
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.dates import MONTHS_3
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
from claims.templatetags.labels import display
from claims.timeutil import local_date, today

from ..assignment import claims_reassign
from ..attention import LEVEL_LABELS, WAITING_ON_LABELS, due_soon_limit, level_for, waiting_on
from ..forms.caseload import CaseloadFilterForm, ReassignForm
from ..selectors import (
    NO_GUIDE,
    NarrowPaginator,
    OneGuidePaginator,
    caseload_claims,
    caseload_columns,
    filter_caseload,
    is_coordinator,
)
from ..timeline import person_name
from .once import sent_once

PER_PAGE = 25
WELL_FORMED_REFERENCE = re.compile(r"MS-\d{4}-\d{6}")  # as the dossier's URL takes it (casework.urls.dossier)
CSV_CHUNK = 2000
guide_required = role_required(R.CASEWORKER, R.COORDINATOR)


def filtered_caseload(request, *, on: dt.date):
    """The filter form (from the query string), the claims it selects (the page and its CSV agree), and whether
    they are one guide's caseload (a few hundred claims, not every open claim)."""
    coordinator = is_coordinator(request.user)
    form = CaseloadFilterForm(request.GET or None, coordinator=coordinator)
    form.is_valid()  # invalid fields filter nothing; their messages are shown
    guide = form.chosen_guide()
    claims = caseload_claims(request.user, on=on, guide=guide)
    one_guide = not coordinator or guide not in (None, NO_GUIDE)
    return form, filter_caseload(claims, form.filters(), on=on, one_guide=one_guide), one_guide


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


class TableCells:
    """What the claims table's cells need, worked out once per page: the translated month names,
    the due-soon limit and the dossier URL. Per row in the template (get_status_display translates and hashes
    every status name, the date filter looks up its format, {% url %} reverses) they took most of the page's
    time (cProfile on 250,000 claims)."""

    SAMPLE_REFERENCE = "MS-0000-000000"

    def __init__(self, *, on: dt.date):
        self.due_soon_by = due_soon_limit(on)
        self.dossier = reverse("casework:dossier", args=[self.SAMPLE_REFERENCE])
        self.months = ["", *(str(MONTHS_3[month]).title() for month in range(1, 13))]
        self.pick = _("Kies %(reference)s")

    def day(self, value: dt.date | None) -> str:
        """As the template's `|date:"j M Y"`."""
        return f"{value.day} {self.months[value.month]} {value.year:04d}" if value else ""

    def dossier_url(self, reference: str) -> str:
        """reverse() once per page: a well-formed reference goes into the URL as it is."""
        if WELL_FORMED_REFERENCE.fullmatch(reference):
            return self.dossier.replace(self.SAMPLE_REFERENCE, reference)
        return dossier_url(reference)


def dossier_url(reference: str) -> str:
    try:
        return reverse("casework:dossier", args=[reference])
    except NoReverseMatch:  # as {% url … as … %}: no link rather than an error
        return ""


def table_rows(claims: Iterable, *, on: dt.date, cells: TableCells | None = None) -> list:
    """`decorate` with `attention` (rows_for leaves it out), and each cell of _claims_table.html that needs
    more than an attribute, worked out here."""
    cells = cells or TableCells(on=on)
    rows = list(claims)
    for claim in rows:
        claim.attention = level_for(status=claim.status, decision_due=claim.decision_due,
                                    suspended=claim.clock_suspended, on=on, due_soon_by=cells.due_soon_by) or ""
    decorate(rows, on=on)
    for claim in rows:
        _fill_cells(claim, cells)
    return rows


def _fill_cells(claim, cells: TableCells) -> None:
    home = claim.property
    claim.applicant_name = claim.applicant.name
    claim.address, claim.place = f"{home.street} {home.house_number_label}", f"{home.postcode_display} {home.town}"
    claim.status_label = display(claim, "status")
    claim.dossier_url = cells.dossier_url(claim.reference)
    claim.pick_label = cells.pick % {"reference": claim.reference}
    claim.days_late_text = ngettext("%(days)s dag te laat", "%(days)s dagen te laat",
                                    claim.days_late) % {"days": claim.days_late} if claim.days_late else ""
    claim.due_text = "" if claim.clock_suspended else cells.day(claim.decision_due)
    claim.contact_text = cells.day(local_date(claim.last_contact)) if claim.last_contact else ""
    guide = claim.caseworker
    claim.guide_name = (guide.get_full_name() or guide.username) if guide else ""


FILTERS_TEMPLATE = "casework/caseload/_filters.html"
KEPT_FILTERS = 500  # pages of filters kept per process, the least recently used dropped (some 5 kB each)
KEPT_KEY_LENGTH = 300  # characters of language and values; longer ones are rendered each time
_kept_filters: OrderedDict = OrderedDict()
_kept_filters_lock = threading.Lock()


def filters_html(form, *, coordinator: bool) -> str:
    """The filter form's HTML. For a guide it depends only on the language and the values asked for (its
    choices are fixed), so it is rendered once per process and kept; a coordinator's lists the guides from
    the database and is rendered each time. The widgets' templates (an include per option) cost 1.5 ms a page."""
    if coordinator:
        return render_to_string(FILTERS_TEMPLATE, {"form": form})
    key = (translation.get_language(), form.is_bound,
           tuple((name, tuple(form.data.getlist(name))) for name in form.fields) if form.is_bound else ())
    if len(repr(key)) > KEPT_KEY_LENGTH:  # a long search text is rare; never let it fill the memory
        return render_to_string(FILTERS_TEMPLATE, {"form": form})
    with _kept_filters_lock:  # gunicorn's threads share the dict
        html = _kept_filters.get(key)
        if html is not None:
            _kept_filters.move_to_end(key)
            return html
    html = render_to_string(FILTERS_TEMPLATE, {"form": form})
    with _kept_filters_lock:
        _kept_filters[key] = html
        if len(_kept_filters) > KEPT_FILTERS:
            _kept_filters.popitem(last=False)
    return html


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
    form, claims, one_guide = filtered_caseload(request, on=on)
    paginator = (OneGuidePaginator if one_guide else NarrowPaginator)(claims, PER_PAGE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    page.object_list = table_rows(page.object_list, on=on)
    if coordinator and reassign_form is None:
        reassign_form = ReassignForm()
    return render(request, "casework/caseload/caseload.html", {
        "form": form,
        "filters_html": filters_html(form, coordinator=coordinator),
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
    _form, claims, _one_guide = filtered_caseload(request, on=on)
    claims = caseload_columns(claims, on=on)
    access_record(request=request, claim=None, action=Action.EXPORT, detail=request.GET.urlencode())
    rows = _stream(claims, on=on, language=translation.get_language())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="werkvoorraad-{on:%Y-%m-%d}.csv"'
    return response
