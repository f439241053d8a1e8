"""The resident-facing side and intake. Each area has its own module of routes."""

from django.urls import include, path

from ..views import public

app_name = "claims"

urlpatterns = [
    path("", public.home, name="home"),
    path("cijfers/", public.figures_page, name="figures"),
    path("", include("claims.urls.accounts")),
    path("melden/", include("claims.urls.report")),
    path("loket/", include("claims.urls.desk")),
    path("mijn/", include("claims.urls.portal")),
    path("documenten/", include("claims.urls.documents")),
]
