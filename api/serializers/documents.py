"""Documents of a claim as the API shows them (the metadata; the bytes come from the file endpoint), and the
answer to an upload: what was stored and which files were refused, with the reason in words for a person.

Who added a document is shown only where the pages show it: in the case guide's and coordinator's dossier."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import roles as R
from claims.models import Claim, Document, DocumentKind, LetterKind
from claims.selectors import ROLE_FILTERS
from claims.uploads import download_name

from .common import StaffRefSerializer

# What a caller may upload to a claim outside a damage item: scans at the desk, and a resident's files that go
# with an answer to an info request (other), a response to the draft advice (response) or an objection.
UPLOADER_SHOWN_TO = frozenset({R.CASEWORKER, R.COORDINATOR})
UPLOAD_KINDS = (DocumentKind.SCAN, DocumentKind.OTHER, DocumentKind.RESPONSE, DocumentKind.OBJECTION)


def roles_on(user, claim: Claim) -> frozenset[str]:
    """The roles through which this user sees this (visible) claim: a person may hold several, and what they
    see of it depends on the role that lets them see it. Superusers and coordinators see every claim."""
    held = R.roles_of(user)
    if user.is_superuser or R.COORDINATOR in held:
        return held | {R.COORDINATOR}
    if len(held) == 1:
        return held  # the claim is visible, so through this role (a token always acts in one role)
    return frozenset(role for role in held
                     if Claim.objects.filter(ROLE_FILTERS[role](user), pk=claim.pk).exists())


def shows_uploader(user, claim: Claim) -> bool:
    """The staff dossier (case guide, coordinator) names who added each document; no other page does."""
    return bool(roles_on(user, claim) & UPLOADER_SHOWN_TO)


def file_url(request, document: Document) -> str:
    path = reverse("api:document_file", kwargs={"reference": document.claim.reference, "document_id": document.pk})
    return request.build_absolute_uri(path) if request is not None else path


class DocumentSerializer(serializers.ModelSerializer):
    """A document of the dossier: upload, scan, letter or report. Stored documents never change."""

    # Context: `request`, `claim` (the claim of every document shown), `show_uploader`.

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    name = serializers.SerializerMethodField(help_text="The file name a download gets.")
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)
    uploaded_by = serializers.SerializerMethodField(
        help_text="Who added it; null for a letter the system made, and for callers whose pages do not show it "
                  "(only the case guide's and coordinator's dossier does).")
    damage_item = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                     help_text="The damage item a photo belongs to.")
    file = serializers.SerializerMethodField(help_text="Where to download the bytes.")
    letter_kind = serializers.SerializerMethodField(
        help_text="For a letter: which letter it is (e.g. decision), whatever its language; null otherwise.")

    class Meta:
        model = Document
        fields = ["id", "kind", "kind_label", "title", "name", "content_type", "size", "sha256", "uploaded_at",
                  "uploaded_by", "damage_item", "file", "letter_kind"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=LetterKind.choices, allow_null=True))
    def get_letter_kind(self, document: Document) -> str | None:
        letter = getattr(document, "letter", None) if document.kind == DocumentKind.LETTER else None
        return letter.kind if letter is not None else None

    def get_name(self, document: Document) -> str:
        return download_name(document)

    @extend_schema_field(StaffRefSerializer(allow_null=True))
    def get_uploaded_by(self, document: Document):
        if not self.context.get("show_uploader") or document.uploaded_by is None:
            return None
        return StaffRefSerializer(document.uploaded_by).data

    @extend_schema_field(serializers.URLField())
    def get_file(self, document: Document) -> str:
        document.claim = self.context["claim"]  # one claim for all: no query per document
        return file_url(self.context.get("request"), document)


class RefusedFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file name as it was sent.")
    message = serializers.CharField(help_text="Why it was not stored, and what to do instead.")


class UploadResultSerializer(serializers.Serializer):
    """Each file is stored or refused on its own: one bad file costs neither the others nor the claim."""

    stored = DocumentSerializer(many=True)
    refused = RefusedFileSerializer(many=True)


class DocumentUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),  # an empty file gets the upload check's own message
        allow_empty=False,
        error_messages={"empty": _("Kies ten minste één bestand."), "required": _("Kies ten minste één bestand.")},
        help_text="One or more photos (JPG, PNG, HEIC) or PDFs, at most 10 at a time. Each is checked by its "
                  "content; a photo is stored re-encoded, without its metadata.",
    )
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in UPLOAD_KINDS], required=False,
        help_text="scan: papers scanned at the desk (desk, coordinator). A resident sends files with a step that "
                  "is open now: other (the answer to an info request), response (to the draft advice) or objection. "
                  "Left out: scan for the desk, the step that is open for a resident.",
    )


def at_most(files: list, limit: int, *, field: str) -> None:
    """The pages' limit on files sent at once, with their message."""
    if len(files) > limit:
        raise serializers.ValidationError(
            {field: [gettext("Kies ten hoogste %(max)s bestanden tegelijk.") % {"max": limit}]})
