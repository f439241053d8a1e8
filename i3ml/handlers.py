"""Error pages. Under /api/ a client gets the API's JSON error shape (api/exceptions.py) even for an address
no URL pattern matches, so it never has to parse an HTML page; everywhere else Django's own pages."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("Niet gevonden."), "code": "not_found", "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("Er ging iets mis aan onze kant. Probeer het later nog eens."),
                             "code": "server_error", "errors": {}}, status=500)
    return defaults.server_error(request)
