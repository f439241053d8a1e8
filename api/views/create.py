"""POST /api/v1/claims/: a claim comes in as the pages take it in, and only there.

- desk and coordinator: the desk page (claims/views/desk.py `desk_new`) — person and home found or new, the
  damage items, and `submit` at once through `desk_file_claim`; a resident without an account gets an activation
  code, shown in this answer once. Scans are added afterwards as documents.
- resident: the online report (claims/views/report.py `report_new`) — `report_start` makes the draft from the
  address; the resident adds damage items and then fires `submit`.
- anyone else: 403.
`ClaimList` in api/views/claims.py hands its POST to `create_claim`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from claims import roles as R
from claims.accounts import AccountRefused
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, Person
from claims.services.desk import DeskRefused, desk_file_claim
from claims.services.report import NO_PERSON, report_start

from ..exceptions import refusal_response
from ..serializers.create import ClaimCreatedSerializer, DeskClaimCreateSerializer, ResidentClaimCreateSerializer

DESK_ROLES = frozenset({R.DESK, R.COORDINATOR})
NOT_HERE = _("Alleen het loket, een coördinator of de bewoner zelf kan een melding maken.")
# A refusal of the desk service that is about one value sent.
DESK_FIELDS = {"channel": "channel", "damage_items": "damage_items"}

create_schema = extend_schema(
    summary="File a claim (desk) or start an online report (resident)",
    description=(
        "Desk and coordinator: file a claim on a resident's behalf; it is submitted at once (receipt letter, "
        "decision term) and a resident without an account gets an activation code, shown in this answer once. "
        "Resident: start an online report with the address of the home; the draft gets damage items and is then "
        "submitted with the `submit` transition. Other roles: 403."),
    request=PolymorphicProxySerializer(
        component_name="ClaimCreate", serializers=[DeskClaimCreateSerializer, ResidentClaimCreateSerializer],
        resource_type_field_name=None),
    responses={201: ClaimCreatedSerializer},
    examples=[
        OpenApiExample("Desk", request_only=True, value={
            "channel": "desk", "new_person": {"name": "J. Jansen", "phone": "045 123 45 67"},
            "new_property": {"postcode": "6411 AB", "house_number": 12, "street": "Akerstraat", "town": "Heerlen",
                             "municipality": "Heerlen"},
            "owner_occupied": True, "damage_items": [
                {"location": "Gevel achterkant", "kind": "crack", "description": "Scheur van 2 mm."}]}),
        OpenApiExample("Resident", request_only=True, value={
            "address": {"postcode": "6411 AB", "house_number": 12, "street": "Akerstraat", "town": "Heerlen",
                        "municipality": "Heerlen"}}),
    ],
)


def create_claim(request) -> Response:
    held = R.roles_of(request.user)
    as_resident = R.RESIDENT in held and (not held & DESK_ROLES or "address" in _keys(request.data))
    if as_resident:
        return _start_report(request)
    if held & DESK_ROLES:
        return _file_at_desk(request)
    raise PermissionDenied(NOT_HERE)


def _keys(data) -> set:
    return set(data) if hasattr(data, "keys") else set()


def _file_at_desk(request) -> Response:
    serializer = DeskClaimCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        filing = desk_file_claim(actor=request.user, **serializer.filing_kwargs())
    except DeskRefused as refusal:  # the roles were checked above: a refusal here is about what was sent
        return refusal_response(refusal, field=DESK_FIELDS.get(refusal.code))
    except AccountRefused as refusal:  # the person got an account at the same moment: nothing was filed
        raise TransitionRefused(refusal.message, code=refusal.code) from None
    return _created(request, filing.claim, activation_code=filing.activation_code)


def _start_report(request) -> Response:
    if not Person.objects.filter(user=request.user).exists():  # as the report page: before anything is asked
        raise TransitionForbidden(NO_PERSON, code="no_person")
    serializer = ResidentClaimCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    claim = report_start(actor=request.user, address=serializer.address_input())
    return _created(request, claim, activation_code=None)


def _created(request, claim: Claim, *, activation_code: str | None) -> Response:
    claim = Claim.objects.select_related("property", "applicant", "caseworker", "expert").get(pk=claim.pk)
    data = ClaimCreatedSerializer(claim, context={"request": request, "activation_code": activation_code}).data
    return Response(data, status=status.HTTP_201_CREATED)
