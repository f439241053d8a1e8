"""Contact about a claim through the API: internal notes and calls, messages to and from the resident, the
zienswijze, and the resident's request to be called back. The same gates and services as the pages:

- notes and calls: staff who see the dossier read them (casework/views/dossier.py `staff_only`); who works on
  the claim (`may_work_on`) adds them, team colleagues only read (casework/views/dossier_actions.py);
- messages: the resident sees and sends what the portal shows (claims/views/portal.py), staff see every
  message on the dossier and write through casework.services.contact;
- a zienswijze: the resident sends it in the portal's way, staff record one that came on paper;
- a callback request: the resident only.
Anyone else who can see the claim gets 403; who cannot see it, 404.
"""

from django.urls import re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.serializers import ValidationError

from casework.models import Note
from casework.services import contact
from casework.views.dossier import is_dossier_user
from claims import roles
from claims.errors import TransitionRefused
from claims.models import Claim, Letter, Message
from claims.permissions import is_party, may_work_on
from claims.services import portal

from ..exceptions import refusal_response
from ..lookups import REFERENCE, visible_claim
from ..serializers.contact import (
    CallbackInputSerializer,
    MessageInputSerializer,
    MessageSerializer,
    NoteInputSerializer,
    NoteSerializer,
    ResponseInputSerializer,
)

STAFF, RESIDENT = "staff", "resident"
# Refusals of the contact services that are about the text sent.
TEXT_CODES = {"text_required", "text_too_long"}


def side_of(user, claim: Claim) -> str | None:
    """Whose pages the caller uses for this claim: the staff dossier, the resident portal, or neither. Someone
    with both (by session) is staff here, as the dossier also opens for them."""
    if is_dossier_user(user):
        return STAFF
    if roles.has_role(user, roles.RESIDENT) and is_party(user, claim):
        return RESIDENT
    return None


def forbidden(message=None):
    return PermissionDenied(message or _("U mag dit bij deze zaak niet doen."))


def ensure_works_on(user, claim: Claim) -> None:
    """Team colleagues and anyone else who only reads the dossier: 403."""
    if not may_work_on(user, claim):
        raise forbidden(_("U mag dit bij deze zaak niet doen. U kunt de zaak wel lezen."))


def text_refusal(refusal: TransitionRefused, field: str = "body"):
    """A refusal about the text sent is a 400 on that field; any other keeps its own status."""
    return refusal_response(refusal, field=field if refusal.code in TEXT_CODES else None)


# --- notes and calls --------------------------------------------------------------------------------------------

class NoteList(generics.ListAPIView):
    """Internal notes, calls and handover notes of the claim, newest first. Never for residents."""

    serializer_class = NoteSerializer
    filter_backends = []

    def claim(self) -> Claim:
        claim = visible_claim(self.request, self.kwargs["reference"])
        if not is_dossier_user(self.request.user):
            raise forbidden()
        return claim

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Note.objects.none()
        return (Note.objects.filter(claim=self.claim()).select_related("author").order_by("-created_at", "-pk"))

    @extend_schema(request=NoteInputSerializer, responses={201: NoteSerializer},
                   description="Adds an internal note, or a phone call (kind=call, with direction). Who works on "
                               "the claim only: its guide or their substitute, or a coordinator.")
    def post(self, request, reference: str):
        claim = self.claim()
        ensure_works_on(request.user, claim)
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if values["kind"] == Note.Kind.CALL:
                note = contact.call_record(claim=claim, actor=request.user, direction=values["direction"],
                                           spoke_with=values["spoke_with"], body=values["body"])
            else:
                note = contact.note_add(claim=claim, actor=request.user, body=values["body"])
        except TransitionRefused as refusal:
            if refusal.code == "invalid_direction":
                return refusal_response(refusal, field="direction")
            return text_refusal(refusal)
        return Response(NoteSerializer(note, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


# --- messages ---------------------------------------------------------------------------------------------------

class MessageList(generics.ListAPIView):
    """Messages to and from the resident, newest first: every one for staff; for the resident, as the portal
    shows them (no staff accounts, phone column or handling mark)."""

    serializer_class = MessageSerializer
    filter_backends = []

    def claim_and_side(self) -> tuple[Claim, str]:
        claim = visible_claim(self.request, self.kwargs["reference"])
        side = side_of(self.request.user, claim)
        if side is None:
            raise forbidden()
        self.side = side
        return claim, side

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "resident": getattr(self, "side", None) == RESIDENT}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        claim, _side = self.claim_and_side()
        return (Message.objects.filter(claim=claim).select_related("author__person")
                .order_by("-created_at", "-pk"))

    @extend_schema(request=MessageInputSerializer, responses={201: MessageSerializer},
                   description="A resident writes to their guide (as in the portal); staff who work on the claim "
                               "write to the resident, who sees it in the portal. Not on a draft.")
    def post(self, request, reference: str):
        claim, side = self.claim_and_side()
        if side == STAFF:
            ensure_works_on(request.user, claim)
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        send = contact.message_send if side == STAFF else portal.message_send
        try:
            message = send(claim=claim, actor=request.user, body=data.validated_data["body"])
        except TransitionRefused as refusal:
            return text_refusal(refusal)
        return message_created(request, message, side=side)


def message_created(request, message: Message, *, side: str) -> Response:
    """201 with the new message as this caller sees messages."""
    fresh = Message.objects.select_related("author__person").get(pk=message.pk)
    return Response(MessageSerializer(fresh, context={"request": request, "resident": side == RESIDENT}).data,
                    status=status.HTTP_201_CREATED)


# --- the zienswijze ---------------------------------------------------------------------------------------------

class ResponseCreate(generics.GenericAPIView):
    serializer_class = ResponseInputSerializer

    @extend_schema(request=ResponseInputSerializer, responses={201: MessageSerializer},
                   description="The zienswijze on the draft advice, while the claim is in response_period. A "
                               "resident sends it within the term (documents: ids of files they uploaded to this "
                               "claim); staff who work on the claim record one received on paper or by phone "
                               "(received_on required).")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        side = side_of(request.user, claim)
        if side is None:
            raise forbidden()
        if side == STAFF:
            ensure_works_on(request.user, claim)
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if side == STAFF:
                if values.get("received_on") is None:
                    raise ValidationError({"received_on": [_("Vul een datum in.")]})
                message = contact.response_record(claim=claim, actor=request.user, body=values["body"],
                                                  received_on=values["received_on"])
            else:
                message = portal.response_submit(claim=claim, actor=request.user, body=values["body"],
                                                 documents=self._documents(claim, values.get("documents") or []))
        except TransitionRefused as refusal:
            if refusal.code == "future":
                return refusal_response(refusal, field="received_on")
            return text_refusal(refusal)
        return message_created(request, message, side=side)

    def _documents(self, claim: Claim, ids: list[int]) -> list:
        """Only files this resident uploaded to this claim, as the portal's form only carries those."""
        if not ids:
            return []
        found = list(claim.documents.filter(uploaded_by=self.request.user, pk__in=ids).order_by("pk"))
        if len(found) != len(set(ids)):
            raise ValidationError({"documents": [_("Kies bestanden die u bij deze melding hebt gestuurd.")]})
        return found


# --- asking to be called back -----------------------------------------------------------------------------------

class CallbackRequest(generics.GenericAPIView):
    serializer_class = CallbackInputSerializer

    @extend_schema(request=CallbackInputSerializer, responses={201: MessageSerializer},
                   description="The resident asks to be called back (optionally about one of the claim's letters). "
                               "Their case guide is told by e-mail. Residents of the claim only; not on a draft.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        if side_of(request.user, claim) != RESIDENT:
            raise forbidden()
        data = CallbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        letter = None
        if values.get("letter") is not None:
            # The letters the portal offers to choose from: this claim's, ready to read.
            letter = claim.letters.filter(pk=values["letter"], status=Letter.Status.READY).first()
            if letter is None:
                raise ValidationError({"letter": [_("Kies een brief van deze melding.")]})
        try:
            message = portal.callback_request(claim=claim, actor=request.user, phone=values["phone"],
                                              letter=letter, question=values["question"])
        except TransitionRefused as refusal:
            return text_refusal(refusal, field="phone")
        return message_created(request, message, side=RESIDENT)


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/notes/$", NoteList.as_view(), name="note_list"),
    re_path(rf"^claims/{REFERENCE}/messages/$", MessageList.as_view(), name="message_list"),
    re_path(rf"^claims/{REFERENCE}/responses/$", ResponseCreate.as_view(), name="response_create"),
    re_path(rf"^claims/{REFERENCE}/callback-requests/$", CallbackRequest.as_view(), name="callback_request"),
]
