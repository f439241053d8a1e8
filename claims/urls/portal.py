"""The resident portal: `mijn/` and `mijn/<reference>/...` (mijn/instellingen/ is routed in accounts.py)."""

from django.urls import path, re_path

from ..views import personal_data, portal

CLAIM = r"^(?P<reference>MS-\d{4}-\d{6})/"

urlpatterns = [
    path("", portal.portal, name="portal"),
    path("gegevens/", personal_data.personal_data, name="portal_personal_data"),
    re_path(CLAIM + r"$", portal.portal_claim, name="portal_claim"),
    re_path(CLAIM + r"aanvullen/$", portal.portal_answer, name="portal_answer"),
    re_path(CLAIM + r"zienswijze/$", portal.portal_response, name="portal_response"),
    re_path(CLAIM + r"bezwaar/$", portal.portal_objection, name="portal_objection"),
    re_path(CLAIM + r"intrekken/$", portal.portal_withdraw, name="portal_withdraw"),
    re_path(CLAIM + r"terugbellen/$", portal.portal_callback, name="portal_callback"),
    re_path(CLAIM + r"bericht/$", portal.portal_message, name="portal_message"),
    re_path(CLAIM + r"deskundige/bezwaar/$", portal.portal_expert_objection, name="portal_expert_objection"),
    re_path(CLAIM + r"afspraak\.ics$", portal.portal_ics, name="portal_ics"),
]
