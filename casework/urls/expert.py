"""Routes: expert (see casework/views/expert.py)."""

from django.urls import path

from ..views import expert

urlpatterns = [
    path("", expert.expert_home, name="expert_home"),
    path("<str:reference>/", expert.expert_inspection, name="expert_inspection"),
    path("<str:reference>/afspraak.ics", expert.expert_ics, name="expert_ics"),
    path("<str:reference>/bezoek/", expert.expert_visit, name="expert_visit"),
    path("<str:reference>/schade/nieuw/", expert.expert_add_item, name="expert_add_item"),
    path("<str:reference>/schade/<int:item>/", expert.expert_findings, name="expert_findings"),
    path("<str:reference>/schade/<int:item>/foto/", expert.expert_photo, name="expert_photo"),
    path("<str:reference>/rapport/", expert.expert_report, name="expert_report"),
]
