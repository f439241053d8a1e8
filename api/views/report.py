"""The online report (/melden/) step by step through the API, so a resident's app can do what the report pages
do (claims/views/report.py), under the same rules and through the same services (claims/services/report.py).

The draft is made with POST /claims/ (an address), damage items are added under /damage-items/ and the report is
sent with the `submit` transition (truthful: true); here are the other steps: correcting the address, ownership
with the co-owners, a representative, "that was all the damage", and safety.

Each works on the resident's own draft only, as the pages: a claim the caller may not see is a 404; a claim they
see but is not their own report (staff, a co-owner, a representative) is a 403; a report already sent is a 409
with the service's message, and so is a step before the steps in front of it were saved (the pages do not let
a resident skip one). Then the data is checked by the page's own form (400 per field) and the service saves it.
Each answers with the report: the answers so far and the step to go on with.
"""

from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import roles as R
from claims.errors import FORBIDDEN, TransitionRefused
from claims.models import Claim, Person
from claims.selectors import claims_visible_to
from claims.services.report import (
    NOT_A_DRAFT,
    REPORT_STEPS,
    report_finish_damage,
    report_representative,
    report_resume_step,
    report_save_ownership,
    report_save_property,
    report_save_representative,
    report_save_safety,
)
from claims.states import State
from claims.views.report import STEP_TITLES

from ..lookups import REFERENCE, visible_claim
from ..serializers.report import (
    ReportAddressSerializer,
    ReportOwnershipSerializer,
    ReportRepresentativeSerializer,
    ReportSafetySerializer,
    ReportSerializer,
)

PATH_PARAMETERS = [
    OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^MS-\d{4}-\d{6}$",
                     description="The claim's reference, e.g. MS-2026-000123."),
]
STEP_NOT_REACHED = _("Deze stap kan nog niet. Vul eerst de stap ‘%(step)s’ in.")
# The error responses are added to every operation by api/schema.py, 409 only to changes: reading a report
# that was sent is a 409 too, so it is declared here.
NOT_A_DRAFT_RESPONSE = OpenApiResponse(response={"$ref": "#/components/schemas/Error"},
                                       description="The report was sent already: it is no longer a draft.")


def reports_own_claim(user, claim: Claim) -> bool:
    """The report pages' gate (`resident_required`, then the claims whose applicant is the caller's person)."""
    return R.has_role(user, R.RESIDENT) and Person.objects.filter(user=user, pk=claim.applicant_id).exists()


def reachable(claim: Claim, step: str) -> bool:
    """The pages open a step once every step before it was saved (claims/views/report.py `_reachable`)."""
    return REPORT_STEPS.index(step) <= REPORT_STEPS.index(report_resume_step(claim))


class ReportStepView(APIView):
    """One of the report's pages; `step` is the page's step the view saves ("" for reading)."""

    parser_classes = [JSONParser]
    step = ""

    def draft(self, request, reference: str) -> Claim:
        claim = visible_claim(request, reference,
                              queryset=claims_visible_to(request.user).select_related("property", "applicant"))
        if not reports_own_claim(request.user, claim):
            raise PermissionDenied(FORBIDDEN)
        if claim.status != State.DRAFT:
            raise TransitionRefused(NOT_A_DRAFT, code="not_draft")
        if self.step and not reachable(claim, self.step):
            resume = report_resume_step(claim)
            raise TransitionRefused(STEP_NOT_REACHED % {"step": STEP_TITLES[resume]}, code="step_not_reached")
        return claim

    def valid(self, serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer

    def report(self, request, claim: Claim) -> Response:
        claim = Claim.objects.select_related("property").get(pk=claim.pk)
        mandate = report_representative(claim)
        context = {
            "request": request,
            # As the ownership page lists them: the co-owners the resident gave, not people with an account.
            "co_owners": list(claim.co_applicants.filter(user__isnull=True).order_by("pk")),
            "representative": mandate.representative if mandate is not None else None,
            "damage_item_count": claim.damage_items.count(),
        }
        return Response(ReportSerializer(claim, context=context).data)


class ReportDetail(ReportStepView):
    @extend_schema(operation_id="claims_report_retrieve", parameters=PATH_PARAMETERS,
                   summary="The resident's report: the answers so far and the next step",
                   description="The applicant of a draft, a resident. Anyone else who sees the claim: 403; a "
                               "report that was sent: 409.",
                   responses={200: ReportSerializer, 409: NOT_A_DRAFT_RESPONSE})
    def get(self, request, reference: str):
        return self.report(request, self.draft(request, reference))


class ReportAddress(ReportStepView):
    step = "woning"

    @extend_schema(operation_id="claims_report_address_update", parameters=PATH_PARAMETERS,
                   summary="Step 1 of the report: correct the address of the home",
                   description="Checked as on the page: a town of the mining area given as municipality is "
                               "answered (400) with the municipality it lies in, unless `municipality_confirmed`. "
                               "A home that is known already is used as it is.",
                   request=ReportAddressSerializer, responses={200: ReportSerializer})
    def put(self, request, reference: str):
        claim = self.draft(request, reference)
        address = self.valid(ReportAddressSerializer, request).address_input()
        report_save_property(claim=claim, actor=request.user, address=address)
        return self.report(request, claim)


class ReportOwnership(ReportStepView):
    step = "eigendom"

    @extend_schema(operation_id="claims_report_ownership_update", parameters=PATH_PARAMETERS,
                   summary="Step 2 of the report: ownership and the co-owners",
                   description="After step 1. The co-owners sent replace those given before.",
                   request=ReportOwnershipSerializer, responses={200: ReportSerializer})
    def put(self, request, reference: str):
        claim = self.draft(request, reference)
        serializer = self.valid(ReportOwnershipSerializer, request)
        report_save_ownership(claim=claim, actor=request.user, **serializer.service_kwargs())
        return self.report(request, claim)


class ReportRepresentative(ReportStepView):
    step = "gemachtigde"

    @extend_schema(operation_id="claims_report_representative_update", parameters=PATH_PARAMETERS,
                   summary="Step 3 of the report: a representative (optional)",
                   description="After step 2. A name with an e-mail address or phone number sets the "
                               "representative for this claim; an empty name (and no e-mail or phone) means none "
                               "and removes the one given before, as on the page.",
                   request=ReportRepresentativeSerializer, responses={200: ReportSerializer})
    def put(self, request, reference: str):
        claim = self.draft(request, reference)
        data = self.valid(ReportRepresentativeSerializer, request).validated_data
        report_save_representative(claim=claim, actor=request.user, name=data["name"], email=data["email"],
                                   phone=data["phone"])
        return self.report(request, claim)


class ReportDamageDone(ReportStepView):
    step = "schade"

    @extend_schema(operation_id="claims_report_damage_done", parameters=PATH_PARAMETERS,
                   summary="Step 4 of the report: all damage is described",
                   description="After step 3, once the draft has at least one damage item (added under "
                               "/damage-items/); without one: 409. No body.",
                   request=None, responses={200: ReportSerializer})
    def post(self, request, reference: str):
        claim = self.draft(request, reference)
        report_finish_damage(claim=claim, actor=request.user)
        return self.report(request, claim)


class ReportSafety(ReportStepView):
    step = "veiligheid"

    @extend_schema(operation_id="claims_report_safety_update", parameters=PATH_PARAMETERS,
                   summary="Step 5 of the report: is it unsafe now?",
                   description="After step 4. Then the report is sent with the `submit` transition "
                               "(truthful: true).",
                   request=ReportSafetySerializer, responses={200: ReportSerializer})
    def put(self, request, reference: str):
        claim = self.draft(request, reference)
        urgent = self.valid(ReportSafetySerializer, request).validated_data["urgent"]
        report_save_safety(claim=claim, actor=request.user, urgent=urgent)
        return self.report(request, claim)


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/report/$", ReportDetail.as_view(), name="report_detail"),
    re_path(rf"^claims/{REFERENCE}/report/address/$", ReportAddress.as_view(), name="report_address"),
    re_path(rf"^claims/{REFERENCE}/report/ownership/$", ReportOwnership.as_view(), name="report_ownership"),
    re_path(rf"^claims/{REFERENCE}/report/representative/$", ReportRepresentative.as_view(),
            name="report_representative"),
    re_path(rf"^claims/{REFERENCE}/report/damage-done/$", ReportDamageDone.as_view(), name="report_damage_done"),
    re_path(rf"^claims/{REFERENCE}/report/safety/$", ReportSafety.as_view(), name="report_safety"),
]
