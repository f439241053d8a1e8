"""Paying the awarded amount: finance records the resident's IBAN, a colleague approves (four eyes), the approved
payments go to the bank in one SEPA file (pain.001.001.03), and once the bank has paid, finance marks the
file paid: the claims move to settlement, and to closed once nobody can object any more.

A claim is never paid twice: one live payment per claim (a database constraint, checked here first with a
clear message), a payment goes into at most one file, a file is built once and stored, and marking a file
paid twice does nothing the second time.

Locks are always taken in the same order: claim, then payment (then batch rows), so two people at work at the
same moment wait for each other instead of deadlocking.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import letters
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, LetterKind, Payment, PaymentBatch
from claims.progress import euro, long_date
from claims.selectors import claims_visible_to
from claims.services import claim_transition
from claims.services.steps import lock
from claims.states import State
from claims.timeutil import local_date, now, today

from .. import iban as ibans
from .. import sepa
from ..amounts import route_for
from ..models import Decision, Note, Route

log = logging.getLogger(__name__)
S = Payment.Status
ZERO = Decimal("0.00")
# A claim gets a payment while the decision stands (decided) or the settlement runs.
PAYABLE_STATES = (State.DECIDED, State.SETTLEMENT)
# Payments under way: a claim has at most one (constraint payment_one_under_way). Paid ones count in
# claim.paid_amount, so what is left to pay (award minus paid) is all a next payment can ever be.
NOT_YET_PAID = (S.RECORDED, S.APPROVED, S.EXPORTED)
LIVE = NOT_YET_PAID
MAX_EXECUTION_DAYS = 365
BATCH_LOCK = 0x4D53_5345  # pg advisory lock: one file is made at a time, so message ids never collide
CLOSE_PER_RUN = 2000


# --- who and what -----------------------------------------------------------------------------------------------

def _finance(actor) -> None:
    if actor is None or not getattr(actor, "is_active", False) or not R.has_role(actor, R.FINANCE):
        raise TransitionForbidden(_("Alleen medewerkers van Financiën mogen betalingen vastleggen en goedkeuren."),
                                  code="not_finance")


def _visible_claim(claim: Claim, actor) -> Claim:
    """The claim, locked and freshly read; a claim finance may not see is refused as if it did not exist."""
    claim = lock(claim)
    if not claims_visible_to(actor).filter(pk=claim.pk).exists():
        raise TransitionForbidden(_("U mag bij deze zaak geen betaling vastleggen."), code="not_visible")
    return claim


def _locked_payment(payment: Payment, actor) -> tuple[Claim, Payment]:
    claim = _visible_claim(Claim(pk=payment.claim_id), actor)
    return claim, Payment.objects.select_for_update().get(pk=payment.pk)


def route_of(claim: Claim) -> str:
    """The route of the newest decision (on the application or on an objection); without one, the size class
    of the award (settings.MIJNSCHADE_AMOUNTS)."""
    decision = Decision.objects.filter(claim=claim).order_by("-created_at", "-pk").values("route").first()
    if decision is not None:
        return decision["route"]
    return route_for_amount(claim.awarded_amount)


def route_for_amount(amount: Decimal | None) -> str:
    """The size class of an award (casework.amounts.route_for); nothing awarded is no route."""
    return route_for(amount) if amount is not None and amount > 0 else Route.NONE.value


def newest_route() -> Subquery:
    """For list queries: the route of each claim's newest decision (None when there is none)."""
    return Subquery(Decision.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-pk").values("route")[:1])


def live_payment_exists() -> Exists:
    return Exists(Payment.objects.filter(claim=OuterRef("pk"), status__in=LIVE))


def claims_ready_for_payment(user) -> QuerySet[Claim]:
    """Claims finance can record a payment for now: a decision or settlement with more awarded than paid and no
    payment under way. Repair claims are in it too (the page says why there is no IBAN form)."""
    return (
        claims_visible_to(user)
        .filter(status__in=PAYABLE_STATES, awarded_amount__gt=F("paid_amount"))
        .exclude(live_payment_exists())
        .annotate(decision_route=newest_route())
        .select_related("applicant", "property")
        .order_by("decided_at", "pk")
    )


def payments_visible_to(user) -> QuerySet[Payment]:
    if not R.has_role(user, R.FINANCE):
        return Payment.objects.none()
    return Payment.objects.filter(claim__in=claims_visible_to(user).values("pk"))


def why_not_payable(claim: Claim, *, route: str | None = None, has_live_payment: bool | None = None) -> str:
    """Empty when a payment can be recorded for this claim now; else the reason, in words."""
    if claim.status not in PAYABLE_STATES:
        if claim.status == State.OBJECTION:
            return _("Er loopt een bezwaar. Wacht met betalen tot er op het bezwaar is beslist.")
        return _("Een betaling kan alleen na een besluit, zolang de zaak niet is afgesloten. De zaak staat op "
                 "‘%(state)s’.") % {"state": State(claim.status).label}
    if claim.awarded_amount <= claim.paid_amount:
        return _("Het toegekende bedrag is al helemaal uitbetaald.")
    if has_live_payment is None:
        has_live_payment = Payment.objects.filter(claim=claim, status__in=LIVE).exists()
    if has_live_payment:
        return _("Voor deze zaak is al een betaling vastgelegd. Een zaak wordt nooit twee keer betaald. Moet het "
                 "anders? Annuleer dan eerst die betaling, zolang hij nog niet in een betaalbestand zit.")
    route = route if route is not None else route_of(claim)
    if route == Route.REPAIR:
        return _("Bij dit besluit wordt de schade hersteld door een aannemer of via een bouwdepot. Het geld gaat "
                 "dan niet naar de bewoner, dus hier wordt geen betaling vastgelegd.")
    if route == Route.NONE:
        return _("Het besluit kent geen vergoeding toe.")
    return ""


# --- one payment ------------------------------------------------------------------------------------------------

@transaction.atomic
def payment_record(*, claim: Claim, actor, iban: str, account_holder: str) -> Payment:
    """Records the payment of what is still open of the award, to the resident's account. A colleague approves."""
    _finance(actor)
    claim = _visible_claim(claim, actor)
    reason = why_not_payable(claim)
    if reason:
        raise TransitionRefused(reason, code="not_payable")
    try:
        compact = ibans.validate(iban)
    except ValidationError as error:  # its message is the sentence to show
        raise TransitionRefused(error.messages[0], code="invalid_iban") from error
    holder = " ".join((account_holder or "").split())
    if not holder:
        raise TransitionRefused(_("Vul de naam in die bij de rekening hoort."), code="holder_required")
    if len(holder) > sepa.MAX_NAME:
        raise TransitionRefused(_("De naam is te lang voor de bank. Schrijf ten hoogste 70 tekens."),
                                code="holder_too_long")
    if not sepa.transliterate(holder):
        raise TransitionRefused(_("Schrijf de naam met gewone letters (a tot z), zoals de bank hem kent."),
                                code="holder_not_latin")
    amount = claim.awarded_amount - claim.paid_amount
    if amount > sepa.MAX_AMOUNT:
        raise TransitionRefused(_("Dit bedrag is te hoog voor één overboeking. Neem contact op met de coördinator."),
                                code="amount_too_high")
    try:
        with transaction.atomic():  # the constraint is the last guard; its error must not end the outer block
            return Payment.objects.create(claim=claim, iban=compact, account_holder=holder, amount=amount,
                                          recorded_by=actor)
    except IntegrityError as error:
        raise TransitionRefused(_("Voor deze zaak is al een betaling vastgelegd. Een zaak wordt nooit twee keer "
                                  "betaald."), code="already_recorded") from error


@transaction.atomic
def payment_approve(*, payment: Payment, actor) -> Payment:
    """Four eyes: someone other than who recorded it. The amount must still be what is open of the award."""
    _finance(actor)
    claim, payment = _locked_payment(payment, actor)
    if payment.status != S.RECORDED:
        raise TransitionRefused(_("Deze betaling is al %(status)s.") % {"status": payment.get_status_display().lower()},
                                code="not_recorded")
    if payment.recorded_by_id == actor.pk:
        raise TransitionForbidden(_("U hebt deze betaling zelf vastgelegd. Een collega van Financiën moet hem "
                                    "goedkeuren (vier ogen)."), code="four_eyes")
    if payment.amount != claim.awarded_amount - claim.paid_amount:
        raise TransitionRefused(_("Het toegekende bedrag is veranderd sinds deze betaling werd vastgelegd. Annuleer "
                                  "de betaling en leg een nieuwe vast."), code="amount_changed")
    payment.status = S.APPROVED
    payment.approved_by = actor
    payment.approved_at = now()
    payment.save(update_fields=["status", "approved_by", "approved_at"])
    return payment


@transaction.atomic
def payment_cancel(*, payment: Payment, actor, reason: str) -> Payment:
    """Only before the payment is in a file for the bank; the reason goes into the dossier as an internal note."""
    _finance(actor)
    claim, payment = _locked_payment(payment, actor)
    reason = (reason or "").strip()
    if payment.status not in (S.RECORDED, S.APPROVED):
        if payment.status == S.CANCELLED:
            raise TransitionRefused(_("Deze betaling is al geannuleerd."), code="cancelled")
        raise TransitionRefused(_("Deze betaling zit al in een betaalbestand voor de bank en kan niet meer worden "
                                  "geannuleerd."), code="exported")
    if not reason:
        raise TransitionRefused(_("Schrijf op waarom de betaling wordt geannuleerd."), code="reason_required")
    payment.status = S.CANCELLED
    payment.save(update_fields=["status"])
    Note.objects.create(claim=claim, kind=Note.Kind.NOTE, author=actor, created_at=now(),
                        body=_("Betaling van %(amount)s geannuleerd: %(reason)s")
                        % {"amount": euro(payment.amount), "reason": reason})
    return payment


# --- the file for the bank --------------------------------------------------------------------------------------

def _next_message_id(on: dt.date) -> str:
    prefix = sepa.message_id(on, 0)[:-4]
    taken = PaymentBatch.objects.filter(message_id__startswith=prefix).values_list("message_id", flat=True)
    return sepa.message_id(on, max((int(m[len(prefix):]) for m in taken), default=0) + 1)


def end_to_end_id(payment: Payment) -> str:
    """Unique per payment, at most 35 characters of the SEPA set: the claim's reference (cut if it is ever longer)
    and the payment's number, which alone is unique."""
    number = f"-{payment.pk}"
    return sepa.transliterate(payment.claim.reference, sepa.MAX_ID - len(number)).replace(" ", "") + number


@transaction.atomic
def batch_create(*, actor, execution_date: dt.date) -> PaymentBatch:
    """Puts every approved payment that is in no file yet into one new SEPA file, stored as it is built.

    The execution date must be today or later; a day the banks' TARGET2 system is closed (a weekend, New Year,
    Good Friday, Easter Monday, 1 May, 25 and 26 December) becomes the next day it is open, as the bank would do.
    Concurrency: one file at a time (an advisory lock), and each payment row is locked and re-checked, so a
    payment never goes into two files."""
    _finance(actor)
    if execution_date < today():
        raise TransitionRefused(_("De uitvoerdatum ligt in het verleden. Kies vandaag of een latere dag."),
                                code="date_past")
    if execution_date > today() + dt.timedelta(days=MAX_EXECUTION_DAYS):
        raise TransitionRefused(_("Kies een uitvoerdatum binnen een jaar."), code="date_far")
    execution_date = sepa.business_day_from(execution_date)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BATCH_LOCK])
    payments = list(
        Payment.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=S.APPROVED, batch__isnull=True, claim__in=claims_visible_to(actor).values("pk"))
        .select_related("claim")
        .order_by("pk")
    )
    if not payments:
        raise TransitionRefused(_("Er zijn geen goedgekeurde betalingen die nog in een betaalbestand moeten."),
                                code="nothing_to_export")
    created_at = now()
    msg_id = _next_message_id(local_date(created_at))
    transfers = [
        sepa.Transfer(end_to_end_id=end_to_end_id(p), amount=p.amount, name=p.account_holder, iban=p.iban,
                      remittance=f"Mijnschade {p.claim.reference}")
        for p in payments
    ]
    xml = sepa.build(msg_id=msg_id, created_at=timezone.localtime(created_at), execution_date=execution_date,
                     debtor=sepa.Debtor.from_settings(settings.I3ML_DEBTOR), transfers=transfers)
    batch = PaymentBatch.objects.create(message_id=msg_id, created_by=actor, execution_date=execution_date,
                                        count=len(payments), total=sepa.control_sum(transfers), xml=xml)
    moved = (Payment.objects.filter(pk__in=[p.pk for p in payments], status=S.APPROVED, batch__isnull=True)
             .update(status=S.EXPORTED, batch=batch))
    if moved != len(payments):  # cannot happen under the row locks; if it does, nothing is stored
        raise TransitionRefused(_("Iemand anders werkte tegelijk aan deze betalingen. Probeer het opnieuw."),
                                code="conflict")
    return batch


def batch_file(batch: PaymentBatch) -> bytes:
    """The stored file, byte for byte the same at every download: never rebuilt, never with new payments."""
    return batch.xml.encode("utf-8")


def objection_decided(claim: Claim) -> bool:
    """The newest decision on this claim is a decision on an objection: there is no objection left to make."""
    newest = (ClaimTransition.objects.filter(claim=claim, name__in=("decide", "decide_objection"))
              .order_by("-created_at", "-pk").values_list("name", flat=True).first())
    return newest == "decide_objection"


def _objection_window_passed(claim: Claim, on: dt.date) -> bool:
    return claim.objection_due is None or claim.objection_due < on


@transaction.atomic
def batch_mark_paid(*, batch: PaymentBatch, actor) -> PaymentBatch:
    """The bank carried out the file: its payments are paid, each claim's paid amount goes up, the resident gets a
    letter, and the claim moves on (settlement; closed once the objection window has passed or an objection was
    decided — else the daily task `close_settled_claims` closes it later). A second time does nothing."""
    _finance(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.paid_at is not None:
        return batch
    claim_ids = sorted(batch.payments.filter(status=S.EXPORTED).values_list("claim_id", flat=True))
    paid_at = now()
    on = local_date(paid_at)
    reason = _("Betaald met betaalbestand %(id)s.") % {"id": batch.message_id}
    for claim_id in claim_ids:
        claim = lock(Claim(pk=claim_id))
        payment = Payment.objects.select_for_update().get(batch=batch, claim_id=claim_id, status=S.EXPORTED)
        if claim.paid_amount + payment.amount > claim.awarded_amount:
            raise TransitionRefused(
                _("Zaak %(reference)s: na deze betaling is er meer betaald dan toegekend. Neem contact op met de "
                  "coördinator voordat u dit bestand als betaald markeert.") % {"reference": claim.reference},
                code="overpaid")
        payment.status = S.PAID
        payment.paid_at = paid_at
        payment.save(update_fields=["status", "paid_at"])
        claim.paid_amount += payment.amount
        claim.save(update_fields=["paid_amount", "updated_at"])
        letters.schedule(claim=claim, kind=LetterKind.PAYMENT, key=f"payment:{payment.pk}", context={
            "payment_id": payment.pk,
            "amount": sepa.amount_text(payment.amount),
            "iban_masked": ibans.mask(payment.iban),
            "paid_on": on.isoformat(),
        })
        _settle(claim, actor=actor, on=on, reason=reason)
    batch.paid_at = paid_at
    batch.paid_by = actor
    batch.save(update_fields=["paid_at", "paid_by"])
    return batch


def _settle(claim: Claim, *, actor, on: dt.date, reason: str) -> Claim:
    """Decided → settlement; settlement → closed when fully paid and no objection can come any more."""
    if claim.status == State.DECIDED:
        claim = claim_transition(claim=claim, name="start_settlement", actor=actor, reason=reason)
    if claim.status != State.SETTLEMENT or claim.paid_amount < claim.awarded_amount:
        return claim
    if _objection_window_passed(claim, on):
        why = _("Het toegekende bedrag is betaald en de bezwaartermijn is voorbij.")
    elif objection_decided(claim):
        why = _("Het toegekende bedrag is betaald en op het bezwaar is beslist.")
    else:
        return claim  # the daily task `close_settled_claims` closes it once the objection window has passed
    return claim_transition(claim=claim, name="close", actor=actor, reason=why)


# --- the daily close ----------------------------------------------------------------------------------------------

def settled_claims_to_close(*, on: dt.date) -> QuerySet[Claim]:
    """Settlement claims that are fully paid, have no payment under way, and can no longer be objected to."""
    later_decision = ClaimTransition.objects.filter(claim=OuterRef("claim"), name="decide",
                                                    created_at__gt=OuterRef("created_at"))
    objection_decided_ = ClaimTransition.objects.filter(claim=OuterRef("pk"), name="decide_objection").exclude(
        Exists(later_decision))
    return (
        Claim.objects.filter(status=State.SETTLEMENT, awarded_amount__gt=0, paid_amount__gte=F("awarded_amount"))
        .exclude(Exists(Payment.objects.filter(claim=OuterRef("pk"), status__in=NOT_YET_PAID)))
        .filter(Q(objection_due__lt=on) | Q(objection_due__isnull=True) | Exists(objection_decided_))
        .order_by("pk")
    )


def _closing_actor(claim: Claim):
    """Who reported the last payment paid: the close is on their account (a step always has a person)."""
    payment = (Payment.objects.filter(claim=claim, status=S.PAID, batch__paid_by__isnull=False)
               .select_related("batch__paid_by").order_by("-paid_at", "-pk").first())
    return payment.batch.paid_by if payment is not None else None


def settled_claims_close(*, on: dt.date | None = None, limit: int = CLOSE_PER_RUN) -> int:
    """Closes what `settled_claims_to_close` finds, each claim in its own transaction. Idempotent: a claim that
    is closed (or moved on) meanwhile is skipped. Returns how many were closed."""
    on = on or today()
    closed = 0
    for claim_id in settled_claims_to_close(on=on).values_list("pk", flat=True)[:limit]:
        claim = Claim.objects.get(pk=claim_id)
        actor = _closing_actor(claim)
        if actor is None:
            log.warning("Claim %s is paid but has no one who reported the payment; not closed", claim.reference)
            continue
        try:
            with transaction.atomic():
                fresh = lock(claim)
                if fresh.status != State.SETTLEMENT or not settled_claims_to_close(on=on).filter(pk=claim_id).exists():
                    continue
                claim_transition(claim=fresh, name="close", actor=actor, reason=_(
                    "Het toegekende bedrag is betaald en er kan geen bezwaar meer worden gemaakt (%(date)s).")
                    % {"date": long_date(on)})
        except TransitionRefused as refused:  # forbidden included: e.g. that employee left finance
            log.warning("Claim %s not closed (%s): %s", claim.reference, refused.code, refused.message)
            continue
        closed += 1
    return closed
