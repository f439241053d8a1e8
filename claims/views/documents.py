"""Downloads of dossier documents, for anyone who may see the claim; everything else is a plain 404."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .. import roles
from ..models import Document, DocumentKind
from ..selectors import claims_visible_to
from ..uploads import document_response

# What a resident may download: what residents sent in, papers scanned at the desk, and letters. Never the
# expert's or staff's working files (the same rule as the portal's document list, claims/views/portal.py).
RESIDENT_DOCUMENTS = Q(uploaded_by__person__isnull=False) | Q(kind=DocumentKind.SCAN) | Q(kind=DocumentKind.LETTER)


def documents_visible_to(user) -> QuerySet[Document]:
    documents = Document.objects.filter(claim__in=claims_visible_to(user))
    if user.is_superuser or roles.has_role(user, *roles.STAFF_ROLES):
        return documents
    return documents.filter(RESIDENT_DOCUMENTS)


@require_safe
@login_required
def document_download(request, pk: int):
    # 404, never 403: a guessed id must not reveal that a document exists.
    document = get_object_or_404(documents_visible_to(request.user), pk=pk)
    # AccessLog (later issue): record here that request.user opened this document.
    return document_response(document, as_attachment=request.GET.get("inline") != "1")
