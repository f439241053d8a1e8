"""Routes: commission (see casework/views/commission.py), under /commissie/. Only a well-formed reference reaches
a view."""

from django.urls import path, re_path

from ..views import commission
from .dossier import CLAIM

urlpatterns = [
    path("", commission.commission_queue, name="commission_queue"),
    re_path(CLAIM + r"$", commission.commission_claim, name="commission_claim"),
    re_path(CLAIM + r"verklaring/$", commission.commission_declare, name="commission_declare"),
    re_path(CLAIM + r"advies/$", commission.commission_advise, name="commission_advise"),
]
