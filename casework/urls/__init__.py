"""The staff side. Each area has its own module of routes (and its own view module and templates)."""

from django.urls import include, path

app_name = "casework"

urlpatterns = [
    path("werk/", include("casework.urls.caseload")),
    path("werk/zaken/", include("casework.urls.dossier")),
    path("deskundige/", include("casework.urls.expert")),
    path("commissie/", include("casework.urls.commission")),
    path("besluiten/bezwaren/", include("casework.urls.objections")),
    path("besluiten/", include("casework.urls.decisions")),
    path("financien/", include("casework.urls.finance")),
]
