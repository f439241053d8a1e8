"""Routes: caseload and team view (see casework/views/caseload.py, casework/views/team.py and
casework/views/team_logins.py)."""

from django.urls import path

from claims.views import personal_data

from ..views import caseload, dashboard, team, team_logins

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("export.csv", caseload.caseload_csv, name="caseload_csv"),
    path("team/", team.team, name="team"),
    path("overzicht/", dashboard.dashboard, name="dashboard"),
    path("overzicht/export.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("team/afwezigheid/", team.absence_new, name="team_absence"),
    path("team/afwezigheid/<int:pk>/beeindigen/", team.absence_stop, name="team_absence_end"),
    path("team/inloggen/", team_logins.team_logins, name="team_logins"),
    path("team/inloggen/<int:pk>/ontgrendelen/", team_logins.team_login_unlock, name="team_login_unlock"),
    path("team/inloggen/<int:pk>/tweede-stap/", team_logins.team_login_second_factor_reset,
         name="team_login_second_factor_reset"),
    # A resident's AVG request by letter or at the desk: the coordinator downloads the same ZIP for them.
    path("personen/<int:pk>/gegevens/", personal_data.personal_data_on_request, name="person_personal_data"),
]
