"""Routes: caseload and team view (see casework/views/caseload.py and casework/views/team.py)."""

from django.urls import path

from ..views import caseload, team

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("export.csv", caseload.caseload_csv, name="caseload_csv"),
    path("team/", team.team, name="team"),
    path("team/afwezigheid/", team.absence_new, name="team_absence"),
    path("team/afwezigheid/<int:pk>/beeindigen/", team.absence_stop, name="team_absence_end"),
]
