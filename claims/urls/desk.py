from django.urls import path, re_path

from ..views import desk

# Only a well-formed reference reaches a view (as in the portal's and the staff side's routes): anything else, a
# NUL byte included (PostgreSQL refuses it in a query: a server error), is a plain 404.
CLAIM = r"^(?P<reference>MS-\d{4}-\d{6})/"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("nieuw/", desk.desk_new, name="desk_new"),
    re_path(CLAIM + r"$", desk.desk_claim, name="desk_claim"),
    re_path(CLAIM + r"scans/$", desk.desk_scan, name="desk_scan"),
    re_path(CLAIM + r"activeringscode/$", desk.desk_activation, name="desk_activation"),
    re_path(CLAIM + r"ontvangstbewijs/$", desk.desk_receipt, name="desk_receipt"),
]
