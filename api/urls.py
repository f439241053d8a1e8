"""/api/schema/ and /api/docs/ (no CDN: drf-spectacular-sidecar), and /api/v1/ made of one list per area."""

from django.urls import include, path

from .views import (
    claims,
    commission,
    contact,
    damage,
    decisions,
    documents,
    events,
    inspections,
    objections,
    payments,
    people,
    report,
    schema,
    transitions,
    work,
)

claim_urls = claims.urlpatterns

v1 = [
    *claim_urls,
    *transitions.urlpatterns,
    *damage.urlpatterns,
    *documents.urlpatterns,
    *contact.urlpatterns,
    *work.urlpatterns,
    *inspections.urlpatterns,
    *commission.urlpatterns,
    *decisions.urlpatterns,
    *objections.urlpatterns,
    *payments.urlpatterns,
    *people.urlpatterns,
    *report.urlpatterns,
    *events.urlpatterns,
]

urlpatterns = [
    path("schema/", schema.schema, name="api_schema"),
    path("docs/", schema.docs, name="api_docs"),
    path("v1/", include((v1, "api"))),
]
