"""Routes: objections (see casework/views/objections.py), under /besluiten/bezwaren/. Only a well-formed
reference reaches a view."""

from django.urls import path, re_path

from ..views import objections
from .dossier import CLAIM

urlpatterns = [
    path("", objections.objections_queue, name="objections_queue"),
    re_path(CLAIM + r"$", objections.objection_claim, name="objection_claim"),
    re_path(CLAIM + r"oppakken/$", objections.objection_take_view, name="objection_take"),
    re_path(CLAIM + r"hoorzitting/$", objections.objection_hearing_view, name="objection_hearing"),
    re_path(CLAIM + r"beslissen/$", objections.objection_decide_view, name="objection_decide"),
]
