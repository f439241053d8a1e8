"""The coordinators' management dashboard at /werk/overzicht/ and its CSV. Figures only (casework.dashboard):
no claim and no person is named, so the CSV is not recorded in the access log as an export of personal data
(the log is for reading personal data, AVG art. 30; these numbers are not personal data)."""

import csv
import io

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from claims import roles as R
from claims.access import role_required
from claims.charts import columns, days, rows_of_bars
from claims.figures import ALL, OVERDUE_BANDS, Scope
from claims.models import MINING_MUNICIPALITIES
from claims.models.claim import Channel
from claims.states import State
from claims.timeutil import now, today

from .. import dashboard as D

coordinator_required = role_required(R.COORDINATOR)


class DashboardFilterForm(forms.Form):
    municipality = forms.ChoiceField(label=gettext_lazy("Gemeente"), required=False,
                                     choices=[("", gettext_lazy("Alle gemeenten"))]
                                     + [(name, name) for name in MINING_MUNICIPALITIES])
    channel = forms.ChoiceField(label=gettext_lazy("Kanaal van de melding"), required=False,
                                choices=[("", gettext_lazy("Alle kanalen")), *Channel.choices])

    def scope(self) -> Scope:
        if not self.is_valid():
            return ALL
        return Scope(municipality=self.cleaned_data["municipality"], channel=self.cleaned_data["channel"])


def _board(request) -> tuple[DashboardFilterForm, D.Dashboard]:
    form = DashboardFilterForm(request.GET or None)
    return form, D.dashboard_cached(now=now(), as_of=today(), scope=form.scope())


@never_cache
@require_GET
@coordinator_required
def dashboard(request):
    form, board = _board(request)
    weekly = columns([(monday.isoformat(), count) for monday, count in board.weekly])
    states = rows_of_bars([(str(State(state).label), count) for state, count in board.states.items()])
    labels = D.overdue_labels()
    overdue = rows_of_bars([(labels[key], board.overdue[key]) for key, _first, _last in OVERDUE_BANDS])
    return render(request, "casework/dashboard/dashboard.html", {
        "form": form, "board": board, "weekly": weekly, "states": states,
        "states_height": len(states) * 24, "overdue": overdue, "overdue_height": len(overdue) * 24,
        "times": board.times, "days": {
            "median": days(board.times.median_days), "p90": days(board.times.p90_days),
            "median_awb": days(board.times.median_awb_days), "p90_awb": days(board.times.p90_awb_days)},
        "export_query": request.GET.urlencode(),
    })


@never_cache
@require_GET
@coordinator_required
def dashboard_csv(request):
    _form, board = _board(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Onderdeel"), _("Cijfer"), _("Waarde")])
    writer.writerows(D.csv_rows(board))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overzicht-{board.as_of:%Y-%m-%d}.csv"'
    return response
