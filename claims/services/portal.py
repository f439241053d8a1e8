"""What a resident does in the portal: send a message, ask for a call back, answer an info request, object to
the chosen expert, respond to the draft advice (zienswijze), object to a decision, withdraw the claim.

Every action is one service. Changes of state go through `claim_transition`, which checks the role and
the object; actions without a transition check here that the actor is a party to the claim. Files are
stored before the action, each on its own, by `portal_store_files`: a refused file must cost neither the
resident's text nor the other files (see the views).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .. import roles
from ..contacts import stand_in
from ..errors import FORBIDDEN, NOT_NOW, TransitionForbidden, TransitionRefused
from ..models import Claim, ClaimTransition, Document, Inspection, Letter, Message, Payment
from ..outbox import queue_email
from ..permissions import is_party
from ..progress import long_date
from ..progress import objection_used as progress_objection_used
from ..states import State
from ..timeutil import local_date, today
from ..uploads import UploadRefused, clean_display_name, store_upload
from .lifecycle import OBJECTION_USED, claim_transition
from .steps import lock

MAX_TEXT = 10000
TOO_LONG = gettext_lazy("Uw tekst is te lang. Schrijf ten hoogste %(max)s tekens.")


@dataclass(frozen=True)
class RefusedFile:
    name: str
    message: str


def ensure_party(actor, claim: Claim) -> None:
    """A resident of this claim: applicant, co-owner, or representative with a valid mandate."""
    if actor is None or not roles.has_role(actor, roles.RESIDENT) or not is_party(actor, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def ensure_not_a_draft(claim: Claim) -> None:
    """Messages belong to a claim that was sent: a draft is the resident's own, nobody else's yet."""
    if claim.status == State.DRAFT:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")


def message_text(value: str, message, *, too_long=TOO_LONG) -> str:
    """The text of a message in the dossier, trimmed: refused with `message` when empty, and with `too_long`
    (which names the limit as %(max)s) beyond MAX_TEXT characters. The staff side says "De tekst"."""
    value = (value or "").strip()
    if not value:
        raise TransitionRefused(message, code="text_required")
    if len(value) > MAX_TEXT:
        raise TransitionRefused(too_long % {"max": MAX_TEXT}, code="text_too_long")
    return value



def _with_attachments(body: str, documents: Sequence[Document]) -> str:
    """The message names its files, so resident and case guide see what came with it."""
    if not documents:
        return body
    with translation.override(settings.LANGUAGE_CODE):  # stored in the institute's language, like titles
        names = ", ".join(d.original_name or d.title for d in documents)
        line = _("Bijlagen: %(names)s") % {"names": names}
    return f"{body}\n\n{line}" if body else line


def _message(claim: Claim, actor, kind: str, body: str, *, phone: str = "") -> Message:
    return Message.objects.create(claim=claim, kind=kind, direction=Message.Direction.IN, author=actor,
                                  body=body, phone=phone)


def portal_store_files(*, claim: Claim, actor, files: Iterable, kind: str,
                       title: str = "") -> tuple[list[Document], list[RefusedFile]]:
    """Stores each file on its own, on purpose not in one transaction. Returns what was kept and refused."""
    ensure_party(actor, claim)
    kept, refused = [], []
    for file in files:
        try:
            kept.append(store_upload(claim=claim, file=file, kind=kind, actor=actor, title=title))
        except UploadRefused as refusal:
            refused.append(RefusedFile(name=clean_display_name(getattr(file, "name", "") or ""),
                                       message=str(refusal.message)))
    return kept, refused


@transaction.atomic
def message_send(*, claim: Claim, actor, body: str) -> Message:
    ensure_party(actor, claim)
    ensure_not_a_draft(claim)
    return _message(claim, actor, Message.Kind.MESSAGE, message_text(body, _("Schrijf uw bericht.")))


@transaction.atomic
def callback_request(*, claim: Claim, actor, phone: str, letter: Letter | None = None,
                     question: str = "") -> Message:
    """The resident wants a call, e.g. because a letter is unclear. The case guide hears it at once."""
    ensure_party(actor, claim)
    ensure_not_a_draft(claim)
    phone = message_text(phone, _("Vul uw telefoonnummer in."))
    if letter is not None and letter.claim_id != claim.pk:
        raise TransitionRefused(_("Kies een brief van deze melding."), code="wrong_letter")
    lines = []
    with translation.override(settings.LANGUAGE_CODE):
        lines.append(_("Graag terugbellen op %(phone)s.") % {"phone": phone})
        if letter is not None:
            lines.append(_("Over de brief: %(kind)s van %(date)s.") % {
                "kind": letter.get_kind_display(), "date": long_date(local_date(letter.created_at))})
    question = (question or "").strip()[:MAX_TEXT]
    if question:
        lines.append(question)
    message = _message(claim, actor, Message.Kind.CALLBACK, "\n".join(lines), phone=phone)
    # The promise on the page is a call within 2 working days; the guide must know without opening the dossier.
    _tell_case_guide(
        claim, purpose="callback_request",
        subject=gettext_noop("Terugbelverzoek bij zaak %(reference)s"),
        body=gettext_noop("Een bewoner vraagt om teruggebeld te worden over zaak %(reference)s. Bel binnen 2 "
                          "werkdagen terug. Het telefoonnummer en de vraag staan bij de berichten in het dossier."),
    )
    return message


def _tell_case_guide(claim: Claim, *, subject: str, body: str, purpose: str) -> None:
    """An e-mail to the claim's case guide, and to their substitute while the guide is away, naming the claim
    but none of what the resident wrote (that stays in the dossier). `subject` and `body` are the untranslated
    texts (gettext_noop), given the reference; staff mail goes out in the institute's language."""
    guide = claim.caseworker
    if guide is None:
        return  # the coordinators' inbox of unhandled messages covers claims without a guide (issue 4)
    to = [user for user in (guide, stand_in(guide, on=today())) if user is not None and user.is_active and user.email]
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _(subject) % {"reference": claim.reference}, _(body) % {"reference": claim.reference}
    for user in to:
        queue_email(to=user.email, subject=subject, body=body, purpose=purpose, claim=claim)


@transaction.atomic
def info_request_answer(*, claim: Claim, actor, body: str, documents: Sequence[Document] = ()) -> Message:
    """The answer to an info request: the clock runs again (`receive_info`) and the answer is kept."""
    body = (body or "").strip()
    if not body and not documents:
        raise TransitionRefused(_("Schrijf uw antwoord of voeg een bestand toe."), code="text_required")
    if len(body) > MAX_TEXT:
        body = message_text(body, "")  # refuses with the length message
    claim = claim_transition(claim=claim, name="receive_info", actor=actor)
    return _message(claim, actor, Message.Kind.INFO_ANSWER, _with_attachments(body, documents))


# --- the inspection: who comes, when, and the right to object to the expert --------------------------------

EXPERT_OBJECTION_STATES = (Inspection.Status.CHOSEN, Inspection.Status.PLANNED)


def current_inspection(claim: Claim) -> Inspection | None:
    """The inspection that counts now: the newest one whose expert was not replaced."""
    return (claim.inspections.exclude(status=Inspection.Status.REPLACED).select_related("expert")
            .order_by("-created_at", "-pk").first())


def in_inspection(claim: Claim) -> bool:
    """The claim waits for (or is at) the visit: in inspection, or on hold from there."""
    return State.INSPECTION in (claim.status, claim.held_from if claim.status == State.ON_HOLD else None)


def expert_objection_of(inspection: Inspection) -> Message | None:
    """The open objection to this inspection's expert: sent after the expert was chosen, not yet handled."""
    return (Message.objects.filter(claim_id=inspection.claim_id, kind=Message.Kind.EXPERT_OBJECTION,
                                   created_at__gte=inspection.created_at, handled_at__isnull=True)
            .order_by("-created_at", "-pk").first())


def expert_objection_open(claim: Claim, inspection: Inspection | None) -> bool:
    """The term to object to the expert runs (up to and including `objection_due`) and nothing is pending."""
    return (inspection is not None and in_inspection(claim) and inspection.status in EXPERT_OBJECTION_STATES
            and today() <= inspection.objection_due and expert_objection_of(inspection) is None)


@transaction.atomic
def expert_objection_file(*, claim: Claim, actor, reason: str) -> Message:
    """The resident objects to the chosen expert (e.g. a neighbour, or someone they had trouble with before).
    No transition: the case guide weighs it and may choose another expert."""
    claim = lock(claim)
    ensure_party(actor, claim)
    inspection = current_inspection(claim)
    if inspection is None or not in_inspection(claim) or inspection.status not in EXPERT_OBJECTION_STATES:
        raise TransitionRefused(_("U kunt nu geen bezwaar maken tegen de deskundige. Er is geen deskundige "
                                  "gekozen die nog bij u langs moet komen."), code="not_now")
    if today() > inspection.objection_due:
        raise TransitionRefused(
            _("De tijd om bezwaar te maken tegen de deskundige is voorbij. Dat kon tot en met %(date)s. Hebt u "
              "toch een probleem met de deskundige? Bel dan uw zaakbegeleider.")
            % {"date": long_date(inspection.objection_due)},
            code="expert_objection_late",
        )
    earlier = expert_objection_of(inspection)
    if earlier is not None:
        raise TransitionRefused(
            _("U hebt al bezwaar gemaakt tegen deze deskundige, op %(date)s. Uw zaakbegeleider bekijkt het. "
              "Wilt u nog iets toevoegen? Stuur dan een bericht.")
            % {"date": long_date(local_date(earlier.created_at))},
            code="expert_objection_twice",
        )
    reason = message_text(reason, _("Schrijf op waarom u bezwaar hebt tegen de deskundige."))
    with translation.override(settings.LANGUAGE_CODE):  # the guide reads which expert it was about
        expert = inspection.expert.get_full_name().strip() or inspection.expert.get_username()
        body = _("Bezwaar tegen deskundige %(expert)s:") % {"expert": expert} + "\n" + reason
    message = _message(claim, actor, Message.Kind.EXPERT_OBJECTION, body)
    # The visit may be close: the guide must weigh the objection before the expert goes out.
    _tell_case_guide(
        claim, purpose="expert_objection",
        subject=gettext_noop("Bezwaar tegen de deskundige bij zaak %(reference)s"),
        body=gettext_noop("De bewoner heeft bezwaar gemaakt tegen de gekozen deskundige bij zaak %(reference)s. "
                          "Bekijk het bezwaar bij de berichten in het dossier en laat de bewoner weten wat u besluit."),
    )
    return message


# --- the draft advice -----------------------------------------------------------------------------------------

def response_open(claim: Claim) -> bool:
    """The zienswijze can be sent while the term to respond runs (up to and including `reply_due`)."""
    return (claim.status == State.RESPONSE_PERIOD and claim.reply_due is not None
            and today() <= claim.reply_due)


@transaction.atomic
def response_submit(*, claim: Claim, actor, body: str, documents: Sequence[Document] = ()) -> Message:
    """The zienswijze on the draft advice. No transition: the case guide decides to revise or forward."""
    claim = lock(claim)
    ensure_party(actor, claim)
    if claim.status != State.RESPONSE_PERIOD:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
    if not response_open(claim):
        raise TransitionRefused(
            _("De tijd om te reageren op het conceptadvies is voorbij. Dat kon tot en met %(date)s. Wilt u toch "
              "nog iets laten weten? Stuur dan een bericht of bel uw zaakbegeleider.")
            % {"date": long_date(claim.reply_due)},
            code="response_late",
        )
    body = message_text(body, _("Schrijf uw reactie op het conceptadvies."))
    return _message(claim, actor, Message.Kind.RESPONSE, _with_attachments(body, documents))


# A decision the resident can object to: the decision on the application (also while the award is being paid
# or repaired: claims.models.Claim.file_objection), or the decision not to consider the application.
OBJECTION_STATES = (State.DECIDED, State.NOT_ADMISSIBLE, State.SETTLEMENT)




def objection_late(claim: Claim) -> bool:
    return claim.objection_due is not None and today() > claim.objection_due


def objection_used(claim: Claim, transitions: Sequence[ClaimTransition] | None = None) -> bool:
    """The resident already objected to the current decision (see progress.objection_used). Given the claim's
    transitions (oldest first) it asks nothing of the database."""
    if transitions is None:
        transitions = list(claim.transitions.filter(name__in=("decide", "declare_not_admissible", "file_objection"))
                           .order_by("created_at", "pk"))
    return progress_objection_used(transitions)


def objection_open(claim: Claim, transitions: Sequence[ClaimTransition] | None = None) -> bool:
    """An objection can be filed now (late ones too, with the reason they are late)."""
    return claim.status in OBJECTION_STATES and not objection_used(claim, transitions)


def ensure_objection_open(claim: Claim) -> None:
    if claim.status in OBJECTION_STATES and objection_used(claim):
        raise TransitionRefused(OBJECTION_USED, code="objection_twice")


def is_owner(user, claim: Claim) -> bool:
    """The applicant or a co-owner themselves (not a representative): who may see the full IBAN."""
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None:
        return False
    return claim.applicant_id == person.pk or claim.co_applicants.filter(pk=person.pk).exists()


def current_payment(claim: Claim) -> Payment | None:
    """The live payment of the claim (one at most: a cancelled one does not count)."""
    return (claim.payments.exclude(status=Payment.Status.CANCELLED)
            .order_by("-created_at", "-pk").first())


@transaction.atomic
def objection_file(*, claim: Claim, actor, grounds: str, late_excuse: str = "",
                   documents: Sequence[Document] = ()) -> Claim:
    """An objection (bezwaar) to a decision; after the window only with the reason it is late (Awb 6:11)."""
    grounds = message_text(grounds, _("Schrijf op waarom u het niet eens bent met het besluit."))
    late_excuse = (late_excuse or "").strip()[:MAX_TEXT]
    ensure_objection_open(claim)
    claim = claim_transition(claim=claim, name="file_objection", actor=actor, reason=grounds,
                             late_excuse=late_excuse)
    body = grounds
    if late_excuse:
        with translation.override(settings.LANGUAGE_CODE):
            body += "\n\n" + _("Waarom te laat: %(excuse)s") % {"excuse": late_excuse}
    _message(claim, actor, Message.Kind.OBJECTION, _with_attachments(body, documents))
    return claim


@transaction.atomic
def withdrawal_file(*, claim: Claim, actor, reason: str = "") -> Claim:
    """The resident withdraws the claim; the reason is optional and theirs to give."""
    reason = (reason or "").strip()[:MAX_TEXT]
    claim = claim_transition(claim=claim, name="withdraw", actor=actor, reason=reason)
    with translation.override(settings.LANGUAGE_CODE):
        body = reason or _("Ik trek mijn melding in.")
    _message(claim, actor, Message.Kind.WITHDRAWAL, body)
    return claim
