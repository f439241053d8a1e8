"""The staff side. Each area has its own module of routes (and its own view module and templates)."""

from django.urls import include, path

app_name = "casework"

urlpatterns = [
    path("werk/", include("casework.urls.caseload")),
    path("werk/zaken/", include("casework.urls.dossier")),
    path("deskundige/", include("casework.urls.expert")),
]
