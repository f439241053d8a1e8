"""Damage items of a claim and their photos: the list and one item as the caller's pages show them, and the
changes two people make in the pages, under the same rules and through the same services:

- the resident, on their own draft (the online report, claims/views/report.py): add, change, remove an item
  and add photos (claims/services/report.py);
- the claim's expert, during the inspection (casework/views/expert.py): add an item found on site, record the
  findings and add photos (casework/services/inspection.py).

Anyone else who sees the claim may read the items (if their pages show them) and change nothing: 403.
The order of answers: 404 for what the caller may not see, 403 for what they may not do, 409 for a step that
cannot happen now, 400 for bad data."""

from django.db.models import Max, Prefetch
from django.urls import re_path
from django.utils.translation import gettext, gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.services.inspection import damage_item_add_by_expert, damage_item_record_findings, damage_photo_add
from claims import roles as R
from claims.errors import FORBIDDEN, NOT_NOW, TransitionRefused
from claims.models import Claim, DamageItem, Document, Inspection, Person
from claims.services.report import (
    MAX_PHOTOS_PER_ITEM,
    NOT_A_DRAFT,
    REPORT_STEPS,
    report_add_damage_item,
    report_attach_photos,
    report_remove_damage_item,
    report_resume_step,
    report_update_damage_item,
)
from claims.states import State
from claims.uploads import UploadRefused, clean_display_name
from claims.views.documents import documents_visible_to
from claims.views.report import STEP_TITLES

from ..lookups import REFERENCE, visible_claim
from ..serializers.damage import (
    DamageItemSerializer,
    DamageItemWriteSerializer,
    ExpertFindingsSerializer,
    ExpertItemSerializer,
    PhotoUploadSerializer,
    ResidentItemSerializer,
    item_fields_for,
)
from ..serializers.documents import UploadResultSerializer, at_most, shows_uploader

ITEM = r"(?P<item_id>[0-9]+)"
MAX_ID = 2**63 - 1  # ids are bigint: a larger number names nothing
ITEM_ID = OpenApiParameter("item_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH,
                           description="The damage item's id.")
RESIDENT_FIELDS = ("location", "kind", "description", "noticed_on", "measurements")
DAMAGE_STEP = "schade"
# As api/views/report.py says it for the other steps of the report.
STEP_NOT_REACHED = gettext_lazy("Deze stap kan nog niet. Vul eerst de stap ‘%(step)s’ in.")
EXPERT_FIELDS = ("location", "kind", "measurements", "expert_notes", "expert_verdict", "repair_cost")


# --- who may do what: the gates of the pages -------------------------------------------------------------------


def acts_as_expert(user, claim: Claim) -> bool:
    """The expert's inspection page (casework/views/expert.py `_load`): the claim's current expert, with an
    inspection of theirs that was not handed over to another expert."""
    return (R.has_role(user, R.EXPERT) and claim.expert_id == user.pk
            and Inspection.objects.filter(claim=claim, expert=user)
            .exclude(status=Inspection.Status.REPLACED).exists())


def acts_as_reporter(user, claim: Claim) -> bool:
    """The online report's pages (claims/views/report.py `_claim`): a resident who is the claim's applicant."""
    return R.has_role(user, R.RESIDENT) and Person.objects.filter(user=user, pk=claim.applicant_id).exists()


def ensure_draft(claim: Claim) -> None:
    """The report's pages change a draft only; the service says the same under its lock."""
    if claim.status != State.DRAFT:
        raise TransitionRefused(NOT_A_DRAFT, code="not_draft")


def ensure_damage_step(claim: Claim) -> None:
    """A new item is added on the report's damage page, which opens once the steps before it were saved
    (claims/views/report.py `_reachable`); the item's own pages (change, photos, remove) have no such gate."""
    resume = report_resume_step(claim)
    if REPORT_STEPS.index(DAMAGE_STEP) > REPORT_STEPS.index(resume):
        raise TransitionRefused(STEP_NOT_REACHED % {"step": STEP_TITLES[resume]}, code="step_not_reached")


def ensure_inspection(claim: Claim) -> None:
    """The expert changes items while the claim is in inspection; the service says the same under its lock."""
    if claim.status != State.INSPECTION:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")


def forbidden() -> PermissionDenied:
    return PermissionDenied(FORBIDDEN)


# --- reading ---------------------------------------------------------------------------------------------------


def shown_fields(user, claim: Claim) -> frozenset[str]:
    shown = item_fields_for(user, claim)
    if shown is None:
        raise forbidden()
    return shown


def items_of(user, claim: Claim):
    """The claim's items in order, each with the photos this user may download (the download page's rule):
    two queries whatever the number of items and photos."""
    photos = documents_visible_to(user).filter(damage_item__isnull=False).order_by("created_at", "pk")
    return (claim.damage_items.order_by("position", "pk")
            .prefetch_related(Prefetch("documents", queryset=photos, to_attr="visible_photos")))


def item_of(user, claim: Claim, item_id) -> DamageItem:
    item = items_of(user, claim).filter(pk=int(item_id)).first() if int(item_id) <= MAX_ID else None
    if item is None:
        raise NotFound()
    item.claim = claim
    return item


def represent(request, claim: Claim, item: DamageItem, *, shown=None) -> dict:
    if not hasattr(item, "visible_photos"):
        item = item_of(request.user, claim, item.pk)
    shown = shown_fields(request.user, claim) if shown is None else shown
    return DamageItemSerializer(item, context={"request": request, "claim": claim, "shown": shown}).data


def valid(serializer_class, request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- views -----------------------------------------------------------------------------------------------------


class DamageItemList(generics.GenericAPIView):
    serializer_class = DamageItemSerializer
    queryset = DamageItem.objects.none()
    filter_backends = []  # in the order of the report: by number

    @extend_schema(responses=DamageItemSerializer(many=True))
    def get(self, request, reference: str):
        claim = visible_claim(request, reference)
        shown = shown_fields(request.user, claim)
        page = self.paginate_queryset(items_of(request.user, claim))
        data = DamageItemSerializer(page, many=True, context={"request": request, "claim": claim, "shown": shown})
        return self.get_paginated_response(data.data)

    @extend_schema(
        request=DamageItemWriteSerializer,
        responses={201: DamageItemSerializer},
        description="A resident adds an item to their own draft (as the online report); the claim's expert adds "
                    "an item found at the inspection, with findings. Anyone else: 403.",
    )
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        user = request.user
        if acts_as_expert(user, claim):
            ensure_inspection(claim)
            serializer = ExpertItemSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            item = damage_item_add_by_expert(claim=claim, actor=user,
                                             **serializer.service_data(serializer.validated_data))
        elif acts_as_reporter(user, claim):
            ensure_draft(claim)
            ensure_damage_step(claim)
            item = report_add_damage_item(claim=claim, actor=user, **valid(ResidentItemSerializer, request))
        else:
            raise forbidden()
        return Response(represent(request, claim, item), status=status.HTTP_201_CREATED)


@extend_schema(parameters=[ITEM_ID])
class DamageItemDetail(generics.GenericAPIView):
    serializer_class = DamageItemSerializer
    queryset = DamageItem.objects.none()

    def get(self, request, reference: str, item_id: str):
        claim = visible_claim(request, reference)
        shown = shown_fields(request.user, claim)
        return Response(represent(request, claim, item_of(request.user, claim, item_id), shown=shown))

    @extend_schema(
        request=DamageItemWriteSerializer,
        responses={200: DamageItemSerializer},
        description="Only the fields sent change. A resident changes an item of their own draft; the claim's "
                    "expert records the findings (verdict, repair cost, measurements, notes). Anyone else: 403.",
    )
    def patch(self, request, reference: str, item_id: str):
        claim = visible_claim(request, reference)
        item = item_of(request.user, claim, item_id)
        user = request.user
        if acts_as_expert(user, claim):
            ensure_inspection(claim)
            serializer = ExpertFindingsSerializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            current = {name: getattr(item, name) for name in EXPERT_FIELDS}
            merged = serializer.service_data({**current, **serializer.validated_data})
            damage_item_record_findings(item=item, actor=user, **merged)
        elif acts_as_reporter(user, claim):
            ensure_draft(claim)
            current = {name: getattr(item, name) for name in RESIDENT_FIELDS}
            report_update_damage_item(item=item, actor=user,
                                      **{**current, **valid(ResidentItemSerializer, request, partial=True)})
        else:
            raise forbidden()
        return Response(represent(request, claim, item_of(user, claim, item.pk)))

    @extend_schema(request=None, responses={204: None},
                   description="A resident removes an item of their own draft; an item with photos stays (409).")
    def delete(self, request, reference: str, item_id: str):
        claim = visible_claim(request, reference)
        item = item_of(request.user, claim, item_id)
        if not acts_as_reporter(request.user, claim):
            raise forbidden()
        ensure_draft(claim)
        report_remove_damage_item(item=item, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[ITEM_ID])
class DamageItemPhotos(APIView):
    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: UploadResultSerializer},
        description="Photos of one item, each checked and stored on its own: 201 with what was stored and the "
                    "files refused, with the reason; when every file is refused, 400 with a message per file. "
                    "A resident adds photos to an item of their own draft (at most 5 per item); the claim's "
                    "expert during the inspection.",
    )
    def post(self, request, reference: str, item_id: str):
        claim = visible_claim(request, reference)
        item = item_of(request.user, claim, item_id)
        user = request.user
        if acts_as_expert(user, claim):
            ensure_inspection(claim)
            photos = valid(PhotoUploadSerializer, request)["photos"]
            at_most(photos, MAX_PHOTOS_PER_ITEM, field="photos")
            stored, refused = self._expert_photos(item, user, photos)
        elif acts_as_reporter(user, claim):
            ensure_draft(claim)
            photos = valid(PhotoUploadSerializer, request)["photos"]
            stored, refused = self._resident_photos(item, user, photos)
        else:
            raise forbidden()
        if not stored:
            raise serializers.ValidationError({"photos": {
                str(index): [refusal_text(refusal)] for index, refusal in enumerate(refused)}})
        context = {"request": request, "claim": claim, "show_uploader": shows_uploader(user, claim)}
        return Response(UploadResultSerializer({"stored": stored, "refused": refused}, context=context).data,
                        status=status.HTTP_201_CREATED)

    def _expert_photos(self, item, user, photos) -> tuple[list, list]:
        stored, refused = [], []
        for photo in photos:
            try:
                stored.append(damage_photo_add(item=item, actor=user, upload=photo))
            except UploadRefused as refusal:
                refused.append({"name": clean_display_name(getattr(photo, "name", "") or ""),
                                "message": str(refusal.message)})
        return stored, refused

    def _resident_photos(self, item, user, photos) -> tuple[list, list]:
        room = MAX_PHOTOS_PER_ITEM - item.documents.count()
        if len(photos) > room:
            raise serializers.ValidationError({"photos": [too_many_photos(room, len(photos))]})
        before = Document.objects.filter(damage_item=item).aggregate(last=Max("pk"))["last"] or 0
        refusals = report_attach_photos(item=item, actor=user, photos=photos)
        stored = list(Document.objects.filter(damage_item=item, uploaded_by=user, pk__gt=before).order_by("pk"))
        return stored, [{"name": clean_display_name(r.name), "message": r.message} for r in refusals]


def too_many_photos(room: int, chosen: int) -> str:
    """The report form's messages (claims/forms/report.py DamageItemForm.clean_photos)."""
    if room <= 0:
        return gettext("Bij deze schade staan al 5 foto's. Meer foto's kunnen er niet bij.")
    return ngettext("U kunt bij deze schade nog %(count)d foto toevoegen. U koos er %(chosen)d.",
                    "U kunt bij deze schade nog %(count)d foto's toevoegen. U koos er %(chosen)d.",
                    room) % {"count": room, "chosen": chosen}


def refusal_text(refusal: dict) -> str:
    return gettext("De foto ‘%(name)s’ is niet opgeslagen. %(reason)s") % {
        "name": refusal["name"], "reason": refusal["message"]}


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/damage-items/$", DamageItemList.as_view(), name="damage_item_list"),
    re_path(rf"^claims/{REFERENCE}/damage-items/{ITEM}/$", DamageItemDetail.as_view(), name="damage_item_detail"),
    re_path(rf"^claims/{REFERENCE}/damage-items/{ITEM}/photos/$", DamageItemPhotos.as_view(),
            name="damage_item_photos"),
]
