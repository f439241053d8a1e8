"""Contact with and about the resident, kept in the dossier: internal notes, the call log, messages to the
resident, and what the resident sent on paper or said on the phone (a zienswijze, an answer to an info
request). Notes and calls are internal; messages are shown in the resident's portal.

Each function is one change: it locks the claim, checks that the actor works on it (own guide, substitute,
coordinator: `claims.permissions.may_work_on`; team colleagues only read), and records one row.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import letter_content
from claims.errors import FORBIDDEN, NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim, Message, PreferredChannel
from claims.outbox import queue_email
from claims.permissions import may_work_on
from claims.progress import long_date
from claims.services import claim_transition
from claims.services.portal import ensure_not_a_draft, message_text
from claims.services.steps import lock
from claims.states import State
from claims.timeutil import now, today

from ..models import Note

TOO_LONG = gettext_lazy("De tekst is te lang. Schrijf ten hoogste %(max)s tekens.")
MESSAGE_MAIL_PURPOSE = "message_notice"


def _begin(claim: Claim, actor) -> Claim:
    claim = lock(claim)
    if not may_work_on(actor, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
    return claim


def _text(value: str, message) -> str:
    return message_text(value, message, too_long=TOO_LONG)


@transaction.atomic
def note_add(*, claim: Claim, actor, body: str) -> Note:
    """An internal note: never shown to the resident."""
    claim = _begin(claim, actor)
    body = _text(body, _("Schrijf de notitie."))
    return Note.objects.create(claim=claim, kind=Note.Kind.NOTE, author=actor, body=body, created_at=now())


@transaction.atomic
def call_record(*, claim: Claim, actor, direction: str, spoke_with: str = "", body: str) -> Note:
    """A phone call with the resident (or someone for them): who called whom, with whom, what was said."""
    claim = _begin(claim, actor)
    if direction not in Note.Direction.values:
        raise TransitionRefused(_("Kies wie er belde."), code="invalid_direction")
    body = _text(body, _("Schrijf op wat er besproken is."))
    spoke_with = (spoke_with or "").strip()[:120]
    return Note.objects.create(claim=claim, kind=Note.Kind.CALL, author=actor, body=body, direction=direction,
                               spoke_with=spoke_with, created_at=now())


@transaction.atomic
def message_send(*, claim: Claim, actor, body: str) -> Message:
    """A message to the resident, shown in the portal. Who reads e-mail gets a notice that it is there (never
    its text: that stays behind the login)."""
    claim = _begin(claim, actor)
    ensure_not_a_draft(claim)
    body = _text(body, _("Schrijf het bericht."))
    message = Message.objects.create(claim=claim, kind=Message.Kind.MESSAGE, direction=Message.Direction.OUT,
                                     author=actor, body=body)
    _tell_resident(claim)
    return message


def _tell_resident(claim: Claim) -> None:
    person = claim.applicant
    wants_email = (person.preferred_channel == PreferredChannel.DIGITAL and person.digital_consent_at is not None
                   and person.email and person.email_verified_at is not None)
    if not wants_email:
        return  # on paper: the resident sees the message in the portal or hears it from the guide
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = _("Nieuw bericht over uw schademelding %(reference)s") % {"reference": claim.reference}
        body = _(
            "Er staat een nieuw bericht voor u klaar in Mijnschade.\n\n"
            "Lees het bericht op uw eigen pagina. Log eerst in:\n%(url)s\n\n"
            "Wij sturen het bericht niet mee in deze e-mail. Zo blijven uw gegevens veilig.\n\n"
            "Vragen? Bel ons op werkdagen van 9.00 tot 17.00 uur: %(phone)s.\n\n"
            "Met vriendelijke groet,\n%(organisation)s"
        ) % {"url": letter_content.portal_claim_url(claim.reference), "phone": letter_content.general_phone(),
             "organisation": letter_content.ORGANISATION}
    queue_email(to=person.email, subject=subject, body=body, purpose=MESSAGE_MAIL_PURPOSE, claim=claim)


def _received_line(received_on: dt.date) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # stored in the institute's language, like titles
        return _("Ontvangen op %(date)s (op papier of telefonisch).") % {"date": long_date(received_on)}


@transaction.atomic
def response_record(*, claim: Claim, actor, body: str, received_on: dt.date) -> Message:
    """A zienswijze on the draft advice that came in on paper or by phone. No transition: the guide decides
    next to revise the advice or forward it to the commission."""
    claim = _begin(claim, actor)
    if claim.status != State.RESPONSE_PERIOD:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
    body = _text(body, _("Schrijf op wat de aanvrager vindt van het conceptadvies."))
    if received_on is None or received_on > today():
        raise TransitionRefused(_("De datum van ontvangst ligt in de toekomst."), code="future")
    return Message.objects.create(claim=claim, kind=Message.Kind.RESPONSE, direction=Message.Direction.IN,
                                  author=actor, body=f"{body}\n\n{_received_line(received_on)}")


@transaction.atomic
def info_answer_record(*, claim: Claim, actor, body: str) -> Message:
    """The answer to an info request, received on paper or by phone: kept as the resident's answer, and the
    decision clock runs again (`receive_info`)."""
    claim = _begin(claim, actor)
    body = _text(body, _("Schrijf op wat de aanvrager heeft gestuurd of gezegd."))
    claim = claim_transition(claim=claim, name="receive_info", actor=actor)
    return Message.objects.create(claim=claim, kind=Message.Kind.INFO_ANSWER, direction=Message.Direction.IN,
                                  author=actor, body=body)
