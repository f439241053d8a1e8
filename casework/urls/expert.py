"""Routes: expert (see casework/views/expert.py). Only a well-formed reference reaches a view."""

from django.urls import path, re_path

from ..views import expert
from .dossier import CLAIM

urlpatterns = [
    path("", expert.expert_home, name="expert_home"),
    re_path(CLAIM + r"$", expert.expert_inspection, name="expert_inspection"),
    re_path(CLAIM + r"afspraak\.ics$", expert.expert_ics, name="expert_ics"),
    re_path(CLAIM + r"bezoek/$", expert.expert_visit, name="expert_visit"),
    re_path(CLAIM + r"schade/nieuw/$", expert.expert_add_item, name="expert_add_item"),
    re_path(CLAIM + r"schade/(?P<item>\d+)/$", expert.expert_findings, name="expert_findings"),
    re_path(CLAIM + r"schade/(?P<item>\d+)/foto/$", expert.expert_photo, name="expert_photo"),
    re_path(CLAIM + r"rapport/$", expert.expert_report, name="expert_report"),
]
