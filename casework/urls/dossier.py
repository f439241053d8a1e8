"""Routes: dossier (see casework/views/dossier.py and casework/views/dossier_actions.py), under /werk/zaken/.
CLAIM is a well-formed reference; the expert's routes use it too."""

from django.urls import re_path

from ..views import access_log, dossier, dossier_actions

CLAIM = r"^(?P<reference>MS-\d{4}-\d{6})/"

urlpatterns = [
    re_path(CLAIM + r"$", dossier.dossier, name="dossier"),
    re_path(CLAIM + r"inzage/$", access_log.dossier_access_log, name="dossier_access_log"),
    re_path(CLAIM + r"stap/(?P<name>[a-z_]+)/$", dossier_actions.dossier_step, name="dossier_step"),
    *(
        re_path(CLAIM + spec.slug + r"/$", dossier_actions.dossier_work, {"work": key}, name=f"dossier_{key}")
        for key, spec in dossier_actions.WORK.items()
    ),
]
