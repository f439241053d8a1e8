"""/api/schema/ and /api/docs/ (no CDN: drf-spectacular-sidecar), and /api/v1/ made of one list per area."""

from functools import wraps

from csp.decorators import csp_update
from django.conf import settings
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


def opener_policy_of_the_site(view):
    """drf-spectacular sends the docs with Cross-Origin-Opener-Policy: unsafe-none, for Swagger UI's OAuth2
    pop-up; this API has no OAuth2, so the docs keep the site's policy (same-origin) like every other page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        return response

    return wrapped


# Swagger UI draws some of its icons as data: images (its bundle and stylesheet); the site-wide policy allows
# images from 'self' only, so this one view adds data: (tests/e2e/test_content_security_policy.py).
docs = csp_update({"img-src": ["data:"]})(opener_policy_of_the_site(schema.docs))

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
    path("docs/", docs, name="api_docs"),
    path("v1/", include((v1, "api"))),
]
