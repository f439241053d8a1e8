from django.urls import path

from ..views import desk

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("nieuw/", desk.desk_new, name="desk_new"),
    path("<str:reference>/", desk.desk_claim, name="desk_claim"),
    path("<str:reference>/scans/", desk.desk_scan, name="desk_scan"),
    path("<str:reference>/activeringscode/", desk.desk_activation, name="desk_activation"),
    path("<str:reference>/ontvangstbewijs/", desk.desk_receipt, name="desk_receipt"),
]
