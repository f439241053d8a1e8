"""Routes: decisions (see casework/views/decisions.py), under /besluiten/. Only a well-formed reference reaches
a view (objections live under /besluiten/bezwaren/, included before these)."""

from django.urls import path, re_path

from ..views import decisions
from .dossier import CLAIM

urlpatterns = [
    path("", decisions.decisions_queue, name="decisions_queue"),
    re_path(CLAIM + r"$", decisions.decision_claim, name="decision_claim"),
]
