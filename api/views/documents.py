"""Documents of a claim: the list, one document's metadata and its bytes, under the rule of the download page
(claims/views/documents.py `documents_visible_to`), so the API never lists what the download would refuse;
and the uploads the pages take outside a damage item, through the same services:

- the desk (and the coordinator) scans papers for a claim it may open (claims/views/desk.py `desk_scan` →
  claims/services/desk.py `desk_attach_scans`), in any state;
- a resident sends files with a step that is open now: the answer to an info request, the response to the
  draft advice, an objection (claims/views/portal.py → claims/services/portal.py `portal_store_files`). As in
  the portal, the files are stored first; the step itself refers to them.

Each file is stored or refused on its own; a refused file leaves nothing behind and costs nothing else."""

from django.conf import settings
from django.db.models import Max
from django.urls import re_path
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import roles as R
from claims.access_log import Action, access_record
from claims.errors import FORBIDDEN, TransitionRefused
from claims.forms.desk import MAX_SCANS
from claims.forms.portal import MAX_FILES
from claims.models import Claim, Document, DocumentKind
from claims.permissions import is_party
from claims.services.desk import desk_attach_scans
from claims.services.portal import portal_store_files
from claims.uploads import INLINE_TYPES, clean_display_name, document_response
from claims.views.documents import documents_visible_to
from claims.views.portal import open_actions

from ..lookups import REFERENCE, visible_claim
from ..serializers.documents import (
    DocumentSerializer,
    DocumentUploadSerializer,
    UploadResultSerializer,
    at_most,
    shows_uploader,
)

DOCUMENT = r"(?P<document_id>[0-9]+)"
MAX_ID = 2**63 - 1  # ids are bigint: a larger number names nothing
DOCUMENT_ID = OpenApiParameter("document_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                               OpenApiParameter.PATH, description="The document's id.")
NOTHING_OPEN = _("Bij deze melding kunt u nu geen bestanden sturen. Dat kan bij een antwoord op onze vraag, een "
                 "reactie op het conceptadvies of een bezwaar, als die stap open staat.")


# --- reading ---------------------------------------------------------------------------------------------------


def documents_of(user, claim: Claim):
    return (documents_visible_to(user).filter(claim=claim).select_related("uploaded_by", "letter")
            .order_by("-created_at", "-pk"))


def document_of(user, claim: Claim, document_id) -> Document:
    document = documents_of(user, claim).filter(pk=int(document_id)).first() if int(document_id) <= MAX_ID else None
    if document is None:
        raise NotFound()
    document.claim = claim
    return document


def context_for(request, claim: Claim) -> dict:
    return {"request": request, "claim": claim, "show_uploader": shows_uploader(request.user, claim)}


# --- uploading: who may send which kind, as in the pages -------------------------------------------------------


def resident_kinds(user, claim: Claim) -> dict[str, str]:
    """The kinds a resident may send now, with the title the portal gives them (claims/views/portal.py: the
    answer, response and objection pages store their files before the step)."""
    actions = open_actions(user, claim)
    kinds = {}
    if actions.answer:
        with translation.override(settings.LANGUAGE_CODE):  # titles are kept in the institute's language
            kinds[DocumentKind.OTHER] = gettext("Aanvulling")
    if actions.response:
        kinds[DocumentKind.RESPONSE] = ""
    if actions.objection:
        kinds[DocumentKind.OBJECTION] = ""
    return kinds


def refusal_text(name: str, reason: str) -> str:
    return gettext("Het bestand ‘%(name)s’ is niet opgeslagen. %(reason)s") % {"name": name, "reason": reason}


class DocumentList(generics.GenericAPIView):
    serializer_class = DocumentSerializer
    queryset = Document.objects.none()
    filter_backends = []  # newest first, as the pages list them

    @extend_schema(responses=DocumentSerializer(many=True), description="Newest first.")
    def get(self, request, reference: str):
        claim = visible_claim(request, reference)
        page = self.paginate_queryset(documents_of(request.user, claim))
        return self.get_paginated_response(DocumentSerializer(page, many=True,
                                                              context=context_for(request, claim)).data)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: UploadResultSerializer},
        description="Each file is checked and stored on its own: 201 with what was stored and the files refused, "
                    "with the reason; when every file is refused, 400 with a message per file. The desk and "
                    "coordinators add scans; a resident sends files with the step that is open now (the answer "
                    "to an info request, the response to the draft advice, an objection) and then refers to "
                    "them in that step. Anyone else: 403.",
    )
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        user = request.user
        desk = R.has_role(user, R.DESK, R.COORDINATOR)  # the desk pages' gate (claims/access.py desk_required)
        resident = R.has_role(user, R.RESIDENT) and is_party(user, claim)  # the portal's (ensure_party)
        if not (desk or resident):
            raise PermissionDenied(FORBIDDEN)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        files = serializer.validated_data["files"]
        kind = serializer.validated_data.get("kind") or (DocumentKind.SCAN if desk else None)
        if kind == DocumentKind.SCAN:
            if not desk:
                raise PermissionDenied(FORBIDDEN)
            at_most(files, MAX_SCANS, field="files")
            stored, refused = self._scans(claim, user, files)
        else:
            if not resident:
                raise PermissionDenied(FORBIDDEN)
            open_kinds = resident_kinds(user, claim)
            kind = kind or next(iter(open_kinds), None)
            if kind not in open_kinds:
                raise TransitionRefused(NOTHING_OPEN, code="not_now")
            at_most(files, MAX_FILES, field="files")
            stored, refused = self._resident_files(claim, user, files, kind=kind, title=open_kinds[kind])
        if not stored:
            raise serializers.ValidationError({"files": {
                str(index): [refusal_text(item["name"], item["message"])] for index, item in enumerate(refused)}})
        return Response(UploadResultSerializer({"stored": stored, "refused": refused},
                                               context=context_for(request, claim)).data,
                        status=status.HTTP_201_CREATED)

    def _scans(self, claim: Claim, user, files) -> tuple[list, list]:
        before = Document.objects.filter(claim=claim).aggregate(last=Max("pk"))["last"] or 0
        refusals = desk_attach_scans(claim=claim, files=files, actor=user)
        stored = list(Document.objects.filter(claim=claim, kind=DocumentKind.SCAN, uploaded_by=user,
                                              pk__gt=before).order_by("pk"))
        return stored, [{"name": r.file_name, "message": r.message} for r in refusals]

    def _resident_files(self, claim: Claim, user, files, *, kind: str, title: str) -> tuple[list, list]:
        kept, refusals = portal_store_files(claim=claim, actor=user, files=files, kind=kind, title=title)
        return kept, [{"name": clean_display_name(r.name), "message": r.message} for r in refusals]


@extend_schema(parameters=[DOCUMENT_ID])
class DocumentDetail(generics.RetrieveAPIView):
    serializer_class = DocumentSerializer
    queryset = Document.objects.none()

    def get(self, request, reference: str, document_id: str):
        claim = visible_claim(request, reference)
        document = document_of(request.user, claim, document_id)
        return Response(DocumentSerializer(document, context=context_for(request, claim)).data)


class AnyAccept(BaseContentNegotiation):
    """The file goes out whatever the client accepts; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


FILE_RESPONSES = {
    (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The stored file.")
    # store_upload keeps only JPEG, PNG and PDF, letters are PDF; anything else would go out as a download
    for media_type in [*sorted(INLINE_TYPES), "application/octet-stream"]
}


@extend_schema(parameters=[DOCUMENT_ID])
class DocumentFile(APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[OpenApiParameter("inline", OpenApiTypes.BOOL, description="true: shown in the browser rather "
                                     "than saved (Content-Disposition inline).")],
        responses=FILE_RESPONSES,
        description="The bytes, with the stored content type and a Content-Disposition naming the file.",
    )
    def get(self, request, reference: str, document_id: str):
        claim = visible_claim(request, reference)
        document = document_of(request.user, claim, document_id)
        access_record(request=request, claim=claim, action=Action.API_READ, document=document, detail=request.path)
        inline = request.query_params.get("inline") in ("1", "true")
        return document_response(document, as_attachment=not inline)


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/documents/$", DocumentList.as_view(), name="document_list"),
    re_path(rf"^claims/{REFERENCE}/documents/{DOCUMENT}/$", DocumentDetail.as_view(), name="document_detail"),
    re_path(rf"^claims/{REFERENCE}/documents/{DOCUMENT}/file/$", DocumentFile.as_view(), name="document_file"),
]
