from django.urls import path, re_path

from ..services.report import REPORT_STEPS
from ..views import report

REFERENCE = r"(?P<reference>MS-\d{4}-\d{6})"

urlpatterns = [
    path("", report.report_start, name="report_start"),
    path("nieuw/", report.report_new, name="report_new"),
    re_path(rf"^{REFERENCE}/(?P<step>{'|'.join(REPORT_STEPS)})/$", report.report_step, name="report_step"),
    re_path(rf"^{REFERENCE}/schade/(?P<item_id>[0-9]+)/$", report.report_damage_item, name="report_damage_item"),
    re_path(rf"^{REFERENCE}/schade/(?P<item_id>[0-9]+)/verwijderen/$", report.report_damage_remove,
            name="report_damage_remove"),
    re_path(rf"^{REFERENCE}/verstuurd/$", report.report_done, name="report_done"),
]
