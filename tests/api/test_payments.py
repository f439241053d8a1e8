"""Payments and SEPA files through the API: the same services and rules as the finance pages and the portal.

Finance records (IBAN checked per field), a colleague approves (four eyes: the recorder gets 403), finance
cancels with a reason, makes the SEPA file (it parses; NbOfTxs and CtrlSum are right), downloads the stored
file and reports it paid. Everyone else gets 403 (or 404 for a claim they may not see) and nothing changes.
A claim's payment: in full for finance and an owner, masked for a representative, as the portal shows it."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Note, Route
from casework.services import payments as pay
from claims import roles as R
from claims.models import Claim, Mandate, Payment, PaymentBatch
from claims.states import State
from claims.timeutil import today
from tests.casework.test_payments import Payable, new_iban
from tests.factories import claim_in, resident

pytestmark = pytest.mark.django_db

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
GOOD_IBAN = "NL91 ABNA 0417 1643 00"


@pytest.fixture
def payable():
    return Payable()


@pytest.fixture
def finance(payable, as_token):
    return as_token(payable.finance, R.FINANCE)


@pytest.fixture
def colleague(payable, as_token):
    return as_token(payable.colleague, R.FINANCE)


def url(claim: Claim) -> str:
    return f"/api/v1/claims/{claim.reference}/payments/"


def counts() -> tuple:
    return Payment.objects.count(), PaymentBatch.objects.count(), Note.objects.count()


# --- recording ----------------------------------------------------------------------------------------------------

def test_finance_records_the_open_amount_with_the_iban_given(payable, finance):
    claim = payable("4250.00")
    response = finance.post(url(claim), {"iban": "nl91 abna-0417 1643 00", "account_holder": "  A.  Bewoner "},
                            format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    payment = Payment.objects.get(claim=claim)
    assert body["id"] == payment.pk and body["claim"] == claim.reference
    assert body["amount"] == "4250.00" and body["status"] == "recorded"
    assert body["iban"] == GOOD_IBAN and body["iban_masked"] is False
    assert body["recorded_by"]["id"] == payable.finance.pk
    assert (payment.iban, payment.account_holder, payment.amount) == ("NL91ABNA0417164300", "A. Bewoner",
                                                                       Decimal("4250.00"))
    assert payment.recorded_by == payable.finance


@pytest.mark.parametrize(("iban", "words"), [
    ("NL91 ABNA 0417 1643 01", "controle klopt niet"),
    ("US12 3456 7890", "SEPA-land"),
    ("NL91 ABNA 0417", "18 tekens"),
    ("", None),
])
def test_a_bad_iban_is_a_400_on_the_iban_field_and_nothing_is_recorded(payable, finance, iban, words):
    claim = payable()
    response = finance.post(url(claim), {"iban": iban, "account_holder": "A. Bewoner"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["iban"]
    if words:
        assert words in body["errors"]["iban"][0]
    assert not Payment.objects.filter(claim=claim).exists()


def test_an_account_holder_the_bank_cannot_read_is_a_400_on_its_field(payable, finance):
    claim = payable()
    response = finance.post(url(claim), {"iban": GOOD_IBAN, "account_holder": "李明"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["account_holder"]
    assert not Payment.objects.filter(claim=claim).exists()


def test_a_claim_is_never_paid_twice_and_a_repair_route_gets_no_payment(payable, finance):
    claim = payable()
    payable.record(claim)
    response = finance.post(url(claim), {"iban": GOOD_IBAN, "account_holder": "A. Bewoner"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_payable"
    assert Payment.objects.filter(claim=claim).count() == 1
    repair = payable("25000.00", route=Route.REPAIR)
    response = finance.post(url(repair), {"iban": GOOD_IBAN, "account_holder": "A. Bewoner"}, format="json")
    assert response.status_code == 409
    assert "aannemer" in response.json()["detail"]
    assert not Payment.objects.filter(claim=repair).exists()


@pytest.mark.parametrize("role", [R.CASEWORKER, R.COORDINATOR, R.RESIDENT])
def test_only_finance_records_payments(payable, as_token, role):
    claim = payable()
    user = {R.CASEWORKER: payable.cast.caseworker, R.COORDINATOR: payable.cast.coordinator,
            R.RESIDENT: payable.cast.resident}[role]
    response = as_token(user, role).post(url(claim), {"iban": GOOD_IBAN, "account_holder": "A. Bewoner"},
                                         format="json")
    assert response.status_code == 403
    assert not Payment.objects.filter(claim=claim).exists()


def test_a_claim_finance_may_not_see_is_a_404(payable, finance):
    claim = claim_in(payable.cast, "intake")
    response = finance.post(url(claim), {"iban": GOOD_IBAN, "account_holder": "A. Bewoner"}, format="json")
    assert response.status_code == 404
    assert finance.get(url(claim)).status_code == 404
    assert not Payment.objects.exists()


# --- approving and cancelling -------------------------------------------------------------------------------------

def test_a_colleague_approves(payable, colleague):
    payment = payable.record(payable())
    response = colleague.post(f"/api/v1/payments/{payment.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED and payment.approved_by == payable.colleague
    again = colleague.post(f"/api/v1/payments/{payment.pk}/approve/")
    assert again.status_code == 409 and again.json()["code"] == "not_recorded"


def test_four_eyes_who_recorded_it_may_not_approve_it(payable, finance):
    payment = payable.record(payable())
    response = finance.post(f"/api/v1/payments/{payment.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["code"] == "four_eyes"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.RECORDED and payment.approved_by is None


def test_cancelling_needs_a_reason_and_leaves_a_note(payable, finance):
    claim = payable()
    payment = payable.record(claim)
    response = finance.post(f"/api/v1/payments/{payment.pk}/cancel/", {"reason": "  "}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["reason"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.RECORDED
    response = finance.post(f"/api/v1/payments/{payment.pk}/cancel/", {"reason": "Verkeerd rekeningnummer."},
                            format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert Note.objects.filter(claim=claim, body__contains="Verkeerd rekeningnummer.").exists()


def test_an_exported_payment_cannot_be_cancelled(payable, finance):
    claim = payable()
    payable.approve(claim)
    pay.batch_create(actor=payable.finance, execution_date=today())
    payment = Payment.objects.get(claim=claim)
    response = finance.post(f"/api/v1/payments/{payment.pk}/cancel/", {"reason": "Te laat."}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "exported"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPORTED


@pytest.mark.parametrize("action", ["approve", "cancel"])
def test_other_roles_may_not_approve_or_cancel(payable, as_token, action):
    payment = payable.record(payable())
    before = counts()
    for user, role in [(payable.cast.coordinator, R.COORDINATOR), (payable.cast.decision_maker, R.DECISION_MAKER),
                       (payable.cast.resident, R.RESIDENT)]:
        response = as_token(user, role).post(f"/api/v1/payments/{payment.pk}/{action}/", {"reason": "Weg ermee."},
                                             format="json")
        assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == Payment.Status.RECORDED and counts() == before


def test_a_payment_that_does_not_exist_is_a_404(payable, finance, colleague):
    assert finance.get("/api/v1/payments/999999/").status_code == 404
    assert colleague.post("/api/v1/payments/999999/approve/").status_code == 404


# --- the lists ----------------------------------------------------------------------------------------------------

def test_finance_lists_payments_with_the_iban_in_full_and_filters_by_status(payable, finance, colleague):
    recorded = payable.record(payable())
    approved = payable.approve(payable())
    body = finance.get("/api/v1/payments/").json()
    assert {row["id"] for row in body["results"]} == {recorded.pk, approved.pk}
    assert all(not row["iban_masked"] and " " in row["iban"] for row in body["results"])
    rows = finance.get("/api/v1/payments/?status=approved").json()["results"]
    assert [row["id"] for row in rows] == [approved.pk]
    detail = finance.get(f"/api/v1/payments/{recorded.pk}/").json()
    assert detail["iban"].replace(" ", "") == recorded.iban and detail["applicant"]["name"]
    assert finance.get("/api/v1/payments/?status=nonsense").status_code == 400


@pytest.mark.parametrize("role", [R.CASEWORKER, R.COORDINATOR, R.DECISION_MAKER, R.RESIDENT])
def test_only_finance_sees_the_payments_list(payable, as_token, role):
    payment = payable.record(payable())
    user = {R.CASEWORKER: payable.cast.caseworker, R.COORDINATOR: payable.cast.coordinator,
            R.DECISION_MAKER: payable.cast.decision_maker, R.RESIDENT: payable.cast.resident}[role]
    client = as_token(user, role)
    for path in ("/api/v1/payments/", f"/api/v1/payments/{payment.pk}/", "/api/v1/payment-batches/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert payment.iban not in response.content.decode()


@pytest.mark.parametrize("size", [2, 6])
def test_the_payments_list_runs_the_same_queries_whatever_its_size(payable, finance, size):
    for _ in range(size):
        payable.record(payable())
    finance.get("/api/v1/payments/")  # warm
    with CaptureQueriesContext(connection) as queries:
        response = finance.get("/api/v1/payments/?page_size=100")
    assert len(response.json()["results"]) == size
    assert len(queries) == 3, [q["sql"] for q in queries]  # token, count, page


# --- one claim's payments, as finance and as the portal shows them -----------------------------------------------

def test_finance_sees_all_of_a_claims_payments(payable, finance):
    claim = payable()
    cancelled = payable.record(claim)
    pay.payment_cancel(payment=cancelled, actor=payable.finance, reason="Verkeerd nummer.")
    current = payable.record(claim)
    rows = finance.get(url(claim)).json()["results"]
    assert [row["id"] for row in rows] == [current.pk, cancelled.pk]
    assert rows[0]["recorded_by"]["id"] == payable.finance.pk


def test_the_owner_sees_their_payment_and_full_iban_as_in_the_portal(payable, as_token):
    claim = payable()
    cancelled = payable.record(claim, iban=new_iban())
    pay.payment_cancel(payment=cancelled, actor=payable.finance, reason="Verkeerd nummer.")
    payment = payable.record(claim, holder="A. Bewoner")
    response = as_token(payable.cast.resident, R.RESIDENT).get(url(claim))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [payment.pk]  # the current one only, as the portal
    row = rows[0]
    assert row["iban"].replace(" ", "") == payment.iban and row["iban_masked"] is False
    assert row["account_holder"] == "A. Bewoner" and row["amount"] == "4250.00"
    assert row["recorded_by"] is None and row["batch"] is None and row["applicant"] is None


def test_a_co_owner_is_an_owner_and_a_representative_sees_the_iban_masked(payable, as_token):
    claim = payable()
    payment = payable.record(claim)
    co_user, co_person = resident()
    claim.co_applicants.add(co_person)
    rep_user, rep_person = resident()
    Mandate.objects.create(principal=payable.cast.person, representative=rep_person, valid_from=today())
    co_row = as_token(co_user, R.RESIDENT).get(url(claim)).json()["results"][0]
    assert co_row["iban"].replace(" ", "") == payment.iban
    response = as_token(rep_user, R.RESIDENT).get(url(claim))
    row = response.json()["results"][0]
    assert row["iban_masked"] is True and row["iban"] == f"{payment.iban[:4]} **** **** {payment.iban[-4:]}"
    assert row["account_holder"] is None
    assert payment.iban not in response.content.decode()


def test_before_a_payment_the_resident_sees_none_and_others_get_403_or_404(payable, as_token):
    claim = payable()
    assert as_token(payable.cast.resident, R.RESIDENT).get(url(claim)).json()["results"] == []
    payment = payable.record(claim)
    guide = as_token(payable.cast.caseworker, R.CASEWORKER).get(url(claim))
    assert guide.status_code == 403 and payment.iban not in guide.content.decode()
    stranger, _person = resident()
    response = as_token(stranger, R.RESIDENT).get(url(claim))
    assert response.status_code == 404 and payment.iban not in response.content.decode()


# --- the SEPA file ------------------------------------------------------------------------------------------------

def test_finance_makes_the_sepa_file_and_it_adds_up(payable, finance):
    claims = [payable("4250.00"), payable("1234.56")]
    for claim in claims:
        payable.approve(claim)
    day = sepa_day()
    response = finance.post("/api/v1/payment-batches/", {"execution_date": day.isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    batch = PaymentBatch.objects.get()
    assert body["id"] == batch.pk and body["count"] == 2 and body["total"] == "5484.56"
    assert {row["claim"] for row in body["payments"]} == {c.reference for c in claims}
    assert set(Payment.objects.values_list("status", flat=True)) == {Payment.Status.EXPORTED}

    file = finance.get(f"/api/v1/payment-batches/{batch.pk}/sepa.xml", HTTP_ACCEPT="application/xml")
    assert file.status_code == 200 and file["Content-Type"].startswith("application/xml")
    assert file.content == batch.xml.encode()
    root = ET.fromstring(file.content)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "5484.56"
    amounts = [Decimal(a.text) for a in root.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)]
    assert sorted(amounts) == [Decimal("1234.56"), Decimal("4250.00")]
    assert root.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=NS) == day.isoformat()

    listed = finance.get("/api/v1/payment-batches/").json()["results"]
    assert [row["id"] for row in listed] == [batch.pk]
    assert finance.get(f"/api/v1/payment-batches/{batch.pk}/").json()["payments"][0]["batch"] == batch.pk


def sepa_day() -> dt.date:
    from casework import sepa

    return sepa.business_day_from(today() + dt.timedelta(days=1))


def test_a_date_in_the_past_is_a_400_and_nothing_approved_is_a_409(payable, finance):
    payable.approve(payable())
    past = finance.post("/api/v1/payment-batches/", {"execution_date": "2020-01-02"}, format="json")
    assert past.status_code == 400 and list(past.json()["errors"]) == ["execution_date"]
    bad = finance.post("/api/v1/payment-batches/", {"execution_date": "morgen"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["execution_date"]
    assert not PaymentBatch.objects.exists()
    assert finance.post("/api/v1/payment-batches/", {"execution_date": today().isoformat()},
                        format="json").status_code == 201
    again = finance.post("/api/v1/payment-batches/", {"execution_date": today().isoformat()}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_export"
    assert PaymentBatch.objects.count() == 1


def test_marking_the_file_paid_pays_the_claims_once(payable, finance):
    claim = payable()
    payable.approve(claim)
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    response = finance.post(f"/api/v1/payment-batches/{batch.pk}/paid/")
    assert response.status_code == 200
    assert response.json()["paid_at"] and response.json()["paid_by"]["id"] == payable.finance.pk
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("4250.00")
    assert claim.status in (State.SETTLEMENT, State.CLOSED)
    assert Payment.objects.get(claim=claim).status == Payment.Status.PAID
    second = finance.post(f"/api/v1/payment-batches/{batch.pk}/paid/")
    assert second.status_code == 200
    claim.refresh_from_db()
    assert claim.paid_amount == Decimal("4250.00")


@pytest.mark.parametrize("role", [R.CASEWORKER, R.COORDINATOR, R.RESIDENT])
def test_only_finance_makes_downloads_and_reports_files(payable, as_token, role):
    claim = payable()
    payable.approve(claim)
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    payable.approve(payable())
    user = {R.CASEWORKER: payable.cast.caseworker, R.COORDINATOR: payable.cast.coordinator,
            R.RESIDENT: payable.cast.resident}[role]
    client = as_token(user, role)
    before = counts()
    assert client.post("/api/v1/payment-batches/", {"execution_date": today().isoformat()},
                       format="json").status_code == 403
    assert client.get(f"/api/v1/payment-batches/{batch.pk}/").status_code == 403
    download = client.get(f"/api/v1/payment-batches/{batch.pk}/sepa.xml", HTTP_ACCEPT="application/xml")
    assert download.status_code == 403 and download["Content-Type"] == "application/json"
    assert download.json()["code"] == "permission_denied"
    assert client.post(f"/api/v1/payment-batches/{batch.pk}/paid/").status_code == 403
    batch.refresh_from_db()
    assert counts() == before and batch.paid_at is None
    assert Claim.objects.get(pk=claim.pk).paid_amount == Decimal("0.00")


def test_a_file_that_does_not_exist_is_a_404_in_json(finance):
    response = finance.get("/api/v1/payment-batches/999999/sepa.xml", HTTP_ACCEPT="application/xml")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert finance.post("/api/v1/payment-batches/999999/paid/").status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_a_file_shows_its_payments_in_the_same_queries_whatever_their_number(payable, finance, size):
    for _ in range(size):
        payable.approve(payable())
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    finance.get(f"/api/v1/payment-batches/{batch.pk}/")  # warm
    with CaptureQueriesContext(connection) as queries:
        response = finance.get(f"/api/v1/payment-batches/{batch.pk}/")
    assert len(response.json()["payments"]) == size
    assert len(queries) == 3, [q["sql"] for q in queries]  # token, file, its payments


def test_finance_through_the_session_records_too(payable, as_session):
    claim = payable()
    response = as_session(payable.finance).post(url(claim), {"iban": GOOD_IBAN, "account_holder": "A. Bewoner"},
                                                format="json")
    assert response.status_code == 201
    assert Payment.objects.filter(claim=claim, recorded_by=payable.finance).exists()
