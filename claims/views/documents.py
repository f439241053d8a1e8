"""Downloads of dossier documents, for anyone who may see the claim and that kind of document; everything else
is a plain 404."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .. import roles
from ..access_log import Action, access_record
from ..models import Claim, Document, DocumentKind, LetterKind
from ..selectors import ROLE_FILTERS, claims_visible_to
from ..states import State
from ..uploads import document_response

# The advice report reaches the resident with the draft advice (send_advice), not while the case guide still
# checks it (advice_draft); from then on it stays theirs. A claim on hold counts as the state it left.
ADVICE_RELEASED_STATES = frozenset({
    State.RESPONSE_PERIOD, State.COMMISSION_REVIEW, State.DECISION_PENDING, State.DECIDED, State.OBJECTION,
    State.SETTLEMENT, State.CLOSED,
})
# Staff who see every document of the claims they see (the commission and the decision maker read the whole
# dossier). The expert and finance see only part of them (below).
ALL_DOCUMENT_ROLES = roles.STAFF_ROLES - {roles.EXPERT, roles.FINANCE}
# Finance pays (DESIGN.md: decided claims' payment data only): the letters that set or confirm the amount and
# the route, and the payment letter. Not the photos, papers, reports or the resident's own letters and messages.
FINANCE_LETTER_KINDS = (LetterKind.DECISION, LetterKind.OBJECTION_DECISION, LetterKind.PAYMENT)


def advice_report_released(claim: Claim) -> bool:
    state = claim.held_from if claim.status == State.ON_HOLD else claim.status
    return state in ADVICE_RELEASED_STATES


def resident_documents_rule() -> Q:
    """What a resident may download: what residents sent in, papers scanned at the desk, letters (all of them are
    written to the resident: the decision, the objection letters and the payment letter too), and the
    advice report once it was sent to them. Never the expert's or staff's working files (the portal's
    document list, claims/views/portal.py, shows the same)."""
    released = sorted(ADVICE_RELEASED_STATES)
    return (
        Q(uploaded_by__person__isnull=False) | Q(kind=DocumentKind.SCAN) | Q(kind=DocumentKind.LETTER)
        | Q(kind=DocumentKind.ADVICE_REPORT, claim__status__in=released)
        | Q(kind=DocumentKind.ADVICE_REPORT, claim__status=State.ON_HOLD, claim__held_from__in=released)
    )


def expert_documents_rule(user) -> Q:
    """The assigned expert: the claim's photos (theirs and the resident's) and what they uploaded themselves;
    no letters, scans or other papers (they hold personal and financial data the inspection does not need)."""
    return Q(claim__expert=user) & (Q(kind=DocumentKind.PHOTO) | Q(uploaded_by=user))


def finance_documents_rule(user) -> Q:
    return (Q(claim__in=_claims_as(user, frozenset({roles.FINANCE})))
            & Q(kind=DocumentKind.LETTER, letter_kind__in=FINANCE_LETTER_KINDS))


def _claims_as(user, held: frozenset[str]) -> QuerySet[Claim]:
    rule = Q(pk__in=[])
    for role in held:
        rule |= ROLE_FILTERS[role](user)
    return Claim.objects.filter(rule).values("pk")


def documents_visible_to(user) -> QuerySet[Document]:
    documents = Document.objects.filter(claim__in=claims_visible_to(user))
    held = roles.roles_of(user)
    if user.is_superuser or roles.COORDINATOR in held or (held and held <= ALL_DOCUMENT_ROLES):
        return documents
    # Each role adds what it may see of the claims that role sees (someone may be both resident and expert).
    rule = Q(pk__in=[])
    if held & ALL_DOCUMENT_ROLES:
        rule |= Q(claim__in=_claims_as(user, held & ALL_DOCUMENT_ROLES))
    if roles.EXPERT in held:
        rule |= expert_documents_rule(user)
    if roles.FINANCE in held:
        rule |= finance_documents_rule(user)
    if roles.RESIDENT in held:
        rule |= Q(claim__in=_claims_as(user, frozenset({roles.RESIDENT}))) & resident_documents_rule()
    return documents.filter(rule)


@require_safe
@login_required
def document_download(request, pk: int):
    # 404, never 403: a guessed id must not reveal that a document exists.
    document = get_object_or_404(documents_visible_to(request.user), pk=pk)
    access_record(request=request, claim=document.claim, action=Action.DOCUMENT_DOWNLOADED, document=document)
    return document_response(document, as_attachment=request.GET.get("inline") != "1")
