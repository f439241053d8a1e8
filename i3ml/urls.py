from django.contrib import admin
from django.urls import include, path

from claims.views.two_factor import admin_login

from .health import health

admin.site.login = admin_login  # the admin's own login knows no second factor: admins log in through ours

urlpatterns = [
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("casework.urls")),
    path("", include("claims.urls")),
]

handler404 = "i3ml.handlers.not_found"
handler500 = "i3ml.handlers.server_error"
