"""Payments (casework.services.payments): recording the IBAN, four eyes on approval, cancelling before export,
marking a SEPA file paid (the claim to settlement or closed, depending on the objection window), the payment
letter once, and the daily close. A claim is never paid twice: the service says so, the database enforces it.

`Payable` (also used by test_sepa.py and test_finance_pages.py) makes decided claims with a decision and route,
and records and approves payments for them through the real services."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.models import Decision, Note, Route
from casework.services import payments as pay
from casework.tasks_finance import close_settled_claims
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, Letter, LetterKind, Payment
from claims.states import State
from claims.timeutil import frozen, today
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

_accounts = itertools.count(1)


def with_check_digits(country: str, bban: str) -> str:
    """An IBAN with correct check digits, computed here independently of casework.iban."""
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def new_iban() -> str:
    return with_check_digits("NL", f"RABO{next(_accounts):010d}")


class Payable:
    """Decided claims ready for payment, and the two finance employees four eyes need."""

    def __init__(self) -> None:
        self.cast = Cast()
        self.finance = self.cast.finance
        self.colleague = UserFactory(role=R.FINANCE)

    def __call__(self, amount="4250.00", route: str | None = Route.MONEY) -> Claim:
        claim = claim_in(self.cast, "decision_pending")
        claim = self.cast.fire(claim, "decide", awarded_amount=Decimal(amount))
        if route is not None:
            Decision.objects.create(claim=claim, outcome=claim.outcome, total=claim.awarded_amount, route=route,
                                    reasoning="Advies van de commissie gevolgd.", decided_by=self.cast.decision_maker)
        return claim

    def record(self, claim: Claim, holder: str | None = None, iban: str | None = None) -> Payment:
        return pay.payment_record(claim=claim, actor=self.finance, iban=iban or new_iban(),
                                  account_holder=holder or claim.applicant.name)

    def approve(self, claim: Claim, holder: str | None = None) -> Payment:
        return pay.payment_approve(payment=self.record(claim, holder), actor=self.colleague)

    def paid(self, *claims: Claim) -> None:
        """Through the whole chain: record, approve, file, paid."""
        for claim in claims:
            self.approve(claim)
        batch = pay.batch_create(actor=self.finance, execution_date=today())
        pay.batch_mark_paid(batch=batch, actor=self.finance)


@pytest.fixture
def payable():
    return Payable()


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


# Monday 2 March 2026, 10:00: the decision is sent; the objection window runs six weeks from the next day.
DECIDED_AT = dt.datetime(2026, 3, 2, 10, 0)


# --- recording --------------------------------------------------------------------------------------------------

def test_record_takes_what_is_still_open_of_the_award(payable):
    claim = payable("4250.00")
    payment = payable.record(claim, iban="nl91 abna 0417 1643 00", holder="  A.  Bewoner ")
    assert payment.status == Payment.Status.RECORDED
    assert payment.amount == Decimal("4250.00")
    assert payment.iban == "NL91ABNA0417164300"
    assert payment.account_holder == "A. Bewoner"
    assert payment.recorded_by == payable.finance
    assert payment.approved_by is None


@pytest.mark.parametrize("route", [Route.MONEY, Route.MIDDLE])
def test_money_and_middle_routes_are_paid_to_the_resident(payable, route):
    assert payable.record(payable("15000.00", route=route)).amount == Decimal("15000.00")


def test_repair_route_is_not_a_transfer_to_the_resident(payable):
    claim = payable("25000.00", route=Route.REPAIR)
    with pytest.raises(TransitionRefused) as refused:
        payable.record(claim)
    assert refused.value.code == "not_payable"
    assert "aannemer" in str(refused.value.message) and "bouwdepot" in str(refused.value.message)
    assert not Payment.objects.exists()


def test_without_a_decision_row_the_size_class_decides_the_route(payable):
    assert payable.record(payable("9000.00", route=None)).amount == Decimal("9000.00")
    with pytest.raises(TransitionRefused, match="bouwdepot"):
        payable.record(payable("25000.00", route=None))


def test_the_newest_decision_decides_the_route(payable):
    claim = payable("4250.00", route=Route.MONEY)
    Decision.objects.create(claim=claim, kind=Decision.Kind.OBJECTION, outcome="granted", total=Decimal("4250.00"),
                            route=Route.REPAIR, reasoning="Herstel.", decided_by=payable.cast.objection_handler)
    with pytest.raises(TransitionRefused, match="aannemer"):
        payable.record(claim)


@pytest.mark.parametrize("iban,code", [("NL91ABNA0417164301", "invalid_iban"), ("", "invalid_iban"),
                                       ("US64SVBKUS6S3300958879", "invalid_iban")])
def test_a_wrong_iban_is_refused(payable, iban, code):
    with pytest.raises(TransitionRefused) as refused:
        pay.payment_record(claim=payable(), actor=payable.finance, iban=iban, account_holder="A. Bewoner")
    assert refused.value.code == code
    assert not Payment.objects.exists()


@pytest.mark.parametrize("holder,code", [("   ", "holder_required"), ("李小龍", "holder_not_latin"),
                                         ("x" * 71, "holder_too_long")])
def test_the_account_holder_must_be_a_name_the_bank_can_read(payable, holder, code):
    with pytest.raises(TransitionRefused) as refused:
        pay.payment_record(claim=payable(), actor=payable.finance, iban=new_iban(), account_holder=holder)
    assert refused.value.code == code


@pytest.mark.parametrize("role", [R.CASEWORKER, R.COORDINATOR, R.DECISION_MAKER, R.RESIDENT])
def test_only_finance_records_payments(payable, role):
    with pytest.raises(TransitionForbidden):
        pay.payment_record(claim=payable(), actor=UserFactory(role=role), iban=new_iban(), account_holder="A")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("state", ["decision_pending", "objection", "closed"])
def test_payments_only_after_a_decision_and_before_closing(payable, state):
    claim = claim_in(payable.cast, state)
    with pytest.raises(TransitionRefused):  # decision_pending is not even visible to finance: forbidden
        payable.record(claim)
    assert not Payment.objects.exists()


def test_a_claim_in_settlement_can_be_paid(payable):
    claim = payable.cast.fire(payable(), "start_settlement")
    assert payable.record(claim).amount == claim.awarded_amount


# --- never twice --------------------------------------------------------------------------------------------------

def test_a_second_payment_for_the_same_claim_is_refused(payable):
    claim = payable()
    payable.record(claim)
    with pytest.raises(TransitionRefused) as refused:
        payable.record(claim)
    assert "nooit twee keer" in str(refused.value.message)
    assert Payment.objects.filter(claim=claim).count() == 1


def test_the_database_allows_one_payment_under_way_per_claim(payable):
    first = payable.record(payable())
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(claim=first.claim, iban=first.iban, account_holder="X", amount=Decimal("1.00"),
                               recorded_by=payable.finance)


def test_a_paid_claim_is_never_paid_again(payable):
    claim = payable("800.00")
    payable.paid(claim)
    assert fresh(claim).paid_amount == Decimal("800.00")
    with pytest.raises(TransitionRefused):
        payable.record(fresh(claim))
    assert Payment.objects.filter(claim=claim).count() == 1


def test_a_cancelled_payment_may_be_replaced(payable):
    claim = payable()
    first = payable.record(claim, iban="NL91ABNA0417164300")
    pay.payment_cancel(payment=first, actor=payable.colleague, reason="Verkeerd IBAN overgenomen.")
    second = payable.record(claim)
    assert Payment.objects.get(pk=first.pk).status == Payment.Status.CANCELLED
    assert second.status == Payment.Status.RECORDED
    note = Note.objects.get(claim=claim)
    assert "Verkeerd IBAN overgenomen." in note.body and note.author == payable.colleague


def test_cancel_needs_a_reason_and_is_impossible_after_export(payable):
    payment = payable.approve(payable())
    with pytest.raises(TransitionRefused, match="waarom"):
        pay.payment_cancel(payment=payment, actor=payable.finance, reason=" ")
    pay.batch_create(actor=payable.finance, execution_date=today())
    with pytest.raises(TransitionRefused) as refused:
        pay.payment_cancel(payment=payment, actor=payable.finance, reason="Toch niet.")
    assert refused.value.code == "exported"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPORTED


# --- four eyes ---------------------------------------------------------------------------------------------------

def test_the_recorder_may_not_approve(payable):
    payment = payable.record(payable())
    with pytest.raises(TransitionForbidden) as refused:
        pay.payment_approve(payment=payment, actor=payable.finance)
    assert refused.value.code == "four_eyes"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.RECORDED


def test_a_colleague_approves(payable):
    payment = pay.payment_approve(payment=payable.record(payable()), actor=payable.colleague)
    assert payment.status == Payment.Status.APPROVED
    assert payment.approved_by == payable.colleague
    assert payment.approved_at is not None
    with pytest.raises(TransitionRefused) as refused:
        pay.payment_approve(payment=payment, actor=payable.colleague)
    assert refused.value.code == "not_recorded"


def test_the_database_refuses_approval_by_the_recorder(payable):
    payment = payable.record(payable())
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(approved_by=payment.recorded_by, status="approved")


def test_approval_is_refused_when_the_award_changed_since_recording(payable):
    claim = payable("4250.00")
    payment = payable.record(claim)
    Claim.objects.filter(pk=claim.pk).update(awarded_amount=Decimal("5000.00"))
    with pytest.raises(TransitionRefused) as refused:
        pay.payment_approve(payment=payment, actor=payable.colleague)
    assert refused.value.code == "amount_changed"


def test_a_batch_with_nothing_approved_is_refused(payable):
    payable.record(payable())  # recorded, not approved
    with pytest.raises(TransitionRefused) as refused:
        pay.batch_create(actor=payable.finance, execution_date=today())
    assert refused.value.code == "nothing_to_export"


def test_a_batch_in_the_past_is_refused(payable):
    payable.approve(payable())
    with pytest.raises(TransitionRefused) as refused:
        pay.batch_create(actor=payable.finance, execution_date=today() - dt.timedelta(days=1))
    assert refused.value.code == "date_past"


# --- paid: settlement or closed -------------------------------------------------------------------------------

def _paid_letters(claim: Claim):
    return Letter.objects.filter(claim=claim, kind=LetterKind.PAYMENT)


def _file(payable, *claims):
    for claim in claims:
        payable.approve(claim)
    return pay.batch_create(actor=payable.finance, execution_date=today())


def test_paid_within_the_objection_window_the_claim_stays_in_settlement(payable):
    with frozen(DECIDED_AT):
        claim = payable("4250.00")
    due = fresh(claim).objection_due
    with frozen(DECIDED_AT + dt.timedelta(days=10)):
        batch = _file(payable, claim)
        pay.batch_mark_paid(batch=batch, actor=payable.finance)
    claim = fresh(claim)
    assert claim.status == State.SETTLEMENT
    assert claim.paid_amount == Decimal("4250.00")
    payment = Payment.objects.get(claim=claim)
    assert payment.status == Payment.Status.PAID and payment.paid_at is not None
    batch.refresh_from_db()
    assert batch.paid_at is not None and batch.paid_by == payable.finance
    letter = _paid_letters(claim).get()
    assert letter.key == f"payment:{payment.pk}"
    assert letter.context["payment_id"] == payment.pk
    assert letter.context["amount"] == "4250.00"
    assert letter.context["iban_masked"] == payment.iban_masked
    assert letter.context["paid_on"] == (DECIDED_AT + dt.timedelta(days=10)).date().isoformat()
    assert ClaimTransition.objects.filter(claim=claim, name="start_settlement").count() == 1
    assert not ClaimTransition.objects.filter(claim=claim, name="close").exists()

    # The daily task: nothing while the window runs; closed the day after it ends.
    with frozen(timezone.make_aware(dt.datetime.combine(due, dt.time(7)))):
        assert close_settled_claims() == 0
    assert fresh(claim).status == State.SETTLEMENT
    with frozen(timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(7)))):
        assert close_settled_claims() == 1
        assert close_settled_claims() == 0  # a second run finds nothing
    claim = fresh(claim)
    assert claim.status == State.CLOSED
    close = ClaimTransition.objects.get(claim=claim, name="close")
    assert close.actor == payable.finance  # on the account of who reported the payment


def test_paid_after_the_objection_window_the_claim_is_closed(payable):
    with frozen(DECIDED_AT):
        claim = payable("1200.00")
    with frozen(DECIDED_AT + dt.timedelta(days=60)):
        pay.batch_mark_paid(batch=_file(payable, claim), actor=payable.finance)
    claim = fresh(claim)
    assert claim.status == State.CLOSED
    assert claim.paid_amount == Decimal("1200.00")
    assert list(ClaimTransition.objects.filter(claim=claim).order_by("pk").values_list("name", flat=True))[-2:] == [
        "start_settlement", "close"]
    assert _paid_letters(claim).count() == 1


def test_marking_paid_twice_does_nothing_the_second_time(payable):
    with frozen(DECIDED_AT):
        claim = payable("900.00")
    with frozen(DECIDED_AT + dt.timedelta(days=5)):
        batch = _file(payable, claim)
        pay.batch_mark_paid(batch=batch, actor=payable.finance)
        transitions = ClaimTransition.objects.count()
        again = pay.batch_mark_paid(batch=batch, actor=payable.colleague)
    assert again.paid_by == payable.finance
    assert fresh(claim).paid_amount == Decimal("900.00")
    assert _paid_letters(claim).count() == 1
    assert ClaimTransition.objects.count() == transitions


def test_a_decided_objection_closes_the_claim_at_once_when_paid(payable):
    with frozen(DECIDED_AT):
        claim = payable("1000.00")
        claim = payable.cast.fire(claim, "file_objection")
        claim = payable.cast.fire(claim, "decide_objection", well_founded=True, awarded_amount=Decimal("3000.00"),
                                  reason="Het herstel van de gevel hoort erbij.")
        assert claim.status == State.SETTLEMENT
    with frozen(DECIDED_AT + dt.timedelta(days=7)):  # still inside the first window
        pay.batch_mark_paid(batch=_file(payable, claim), actor=payable.finance)
    claim = fresh(claim)
    assert claim.paid_amount == Decimal("3000.00")
    assert claim.status == State.CLOSED


def test_an_objection_filed_after_export_leaves_the_claim_in_objection(payable):
    with frozen(DECIDED_AT):
        claim = payable("2000.00")
    with frozen(DECIDED_AT + dt.timedelta(days=3)):
        batch = _file(payable, claim)
        payable.cast.fire(fresh(claim), "file_objection")
        pay.batch_mark_paid(batch=batch, actor=payable.finance)
    claim = fresh(claim)
    assert claim.status == State.OBJECTION
    assert claim.paid_amount == Decimal("2000.00")
    with frozen(DECIDED_AT + dt.timedelta(days=90)):
        assert close_settled_claims() == 0  # an open objection is never closed by the task
    assert fresh(claim).status == State.OBJECTION


def test_the_daily_task_leaves_unpaid_and_repair_claims_alone(payable):
    with frozen(DECIDED_AT):
        repair = payable.cast.fire(payable("30000.00", route=Route.REPAIR), "start_settlement")
        waiting = payable.cast.fire(payable("500.00"), "start_settlement")
        payable.record(waiting)
    with frozen(DECIDED_AT + dt.timedelta(days=90)):
        assert close_settled_claims() == 0
    assert fresh(repair).status == fresh(waiting).status == State.SETTLEMENT


def test_one_file_for_many_claims_moves_each_claim_once(payable):
    with frozen(DECIDED_AT):
        claims = [payable(amount) for amount in ("100.00", "200.00", "300.00")]
    with frozen(DECIDED_AT + dt.timedelta(days=60)):
        pay.batch_mark_paid(batch=_file(payable, *claims), actor=payable.finance)
    for claim in claims:
        claim = fresh(claim)
        assert claim.status == State.CLOSED and claim.paid_amount == claim.awarded_amount
        assert ClaimTransition.objects.filter(claim=claim, name="close").count() == 1
        assert _paid_letters(claim).count() == 1


def test_a_raise_after_payment_is_paid_as_the_difference_only(payable):
    """A well-founded objection can raise the award after the first payment: the difference is paid, once."""
    with frozen(DECIDED_AT):
        claim = payable("800.00")
    with frozen(DECIDED_AT + dt.timedelta(days=10)):
        payable.paid(claim)
        assert fresh(claim).status == State.SETTLEMENT
        Claim.objects.filter(pk=claim.pk).update(awarded_amount=Decimal("1300.00"))  # the objection's new award
        top_up = payable.record(fresh(claim))
        assert top_up.amount == Decimal("500.00")
        with pytest.raises(TransitionRefused):
            payable.record(fresh(claim))  # one payment under way at a time
        pay.payment_approve(payment=top_up, actor=payable.colleague)
        pay.batch_mark_paid(batch=pay.batch_create(actor=payable.finance, execution_date=today()),
                            actor=payable.finance)
    assert fresh(claim).paid_amount == Decimal("1300.00")
    with pytest.raises(TransitionRefused):
        payable.record(fresh(claim))  # nothing left to pay
