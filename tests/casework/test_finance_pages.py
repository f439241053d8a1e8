"""The finance pages at /financien/ through the test client: who may open them (a table over the roles), the start
page's four lists, recording the IBAN, four eyes, cancelling, making the SEPA file and reporting it paid, each
with PRG, 400 for a form not filled in well, 409 for a refusal, and one-time tokens against double submits.
The start page runs the same number of queries for 3 claims as for 30."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.forms.once import new_token
from casework.models import Route
from casework.services import payments as pay
from claims import roles as R
from claims.models import Claim, Payment, PaymentBatch
from claims.states import State
from claims.timeutil import today
from tests.casework.test_payments import Payable, new_iban
from tests.factories import UserFactory, claim_in

pytestmark = pytest.mark.django_db

HOME = "/financien/"


@pytest.fixture
def payable():
    return Payable()


@pytest.fixture
def world(payable):
    """One of everything a finance page can show: a claim to pay, a payment to approve, an approved one, a file."""
    ready = payable("4250.00")
    to_approve = payable.record(payable("1000.00"))
    in_file = payable.approve(payable("3000.00"))
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    approved = payable.approve(payable("2000.00"))  # after the file: waits for the next one
    return {"ready": ready, "to_approve": to_approve, "approved": approved, "in_file": in_file, "batch": batch}


def body(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body(response)))


def urls(world) -> dict[str, str]:
    return {
        "home": HOME,
        "claim": reverse("casework:finance_claim", args=[world["ready"].reference]),
        "approve": reverse("casework:finance_payment_approve", args=[world["to_approve"].pk]),
        "cancel": reverse("casework:finance_payment_cancel", args=[world["to_approve"].pk]),
        "batch_new": reverse("casework:finance_batch_create"),
        "batch": reverse("casework:finance_batch", args=[world["batch"].pk]),
        "xml": reverse("casework:finance_batch_xml", args=[world["batch"].pk]),
    }


# --- who may open what ---------------------------------------------------------------------------------------------

OTHER_ROLES = [R.RESIDENT, R.DESK, R.CASEWORKER, R.EXPERT, R.COMMISSION, R.DECISION_MAKER, R.COORDINATOR]
PAGES = ["home", "claim", "approve", "cancel", "batch_new", "batch", "xml"]


@pytest.mark.parametrize("page", PAGES)
def test_finance_opens_every_page(client, payable, world, page):
    client.force_login(payable.finance)
    assert client.get(urls(world)[page]).status_code == 200


def _state():
    return (list(Payment.objects.order_by("pk").values_list("pk", "status")), PaymentBatch.objects.count(),
            list(Claim.objects.order_by("pk").values_list("status", "paid_amount")))


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_gets_403_and_changes_nothing(client, world, role):
    client.force_login(UserFactory(role=role))
    before = _state()
    for page, url in urls(world).items():
        assert client.get(url).status_code == 403, page
        response = client.post(url, {"iban": new_iban(), "account_holder": "X", "reason": "x", "confirmed": "on",
                                     "execution_date": today().isoformat(), "form_token": new_token()})
        assert response.status_code == 403, page
        assert world["ready"].reference not in body(response)
    assert _state() == before


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, page):
    response = client.get(urls(world)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_what_finance_may_not_see_is_a_404(client, payable):
    client.force_login(payable.finance)
    pending = claim_in(payable.cast, "decision_pending")  # no decision yet: not finance's business
    assert client.get(reverse("casework:finance_claim", args=[pending.reference])).status_code == 404
    assert client.get(reverse("casework:finance_claim", args=["MS-2026-999999"])).status_code == 404
    assert client.get(reverse("casework:finance_payment_approve", args=[999999])).status_code == 404
    assert client.get(reverse("casework:finance_batch", args=[999999])).status_code == 404
    assert client.get(reverse("casework:finance_batch_xml", args=[999999])).status_code == 404


# --- the start page ------------------------------------------------------------------------------------------------

def test_the_start_page_shows_the_four_lists(client, payable, world):
    repair = payable("25000.00", route=Route.REPAIR)
    client.force_login(payable.colleague)
    response = client.get(HOME)
    page = body(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    # Ready: the money claim with a link to record the IBAN; the repair claim without one.
    assert world["ready"].reference in page and "4.250,00" in page
    assert reverse("casework:finance_claim", args=[world["ready"].reference]) in page
    assert repair.reference in page
    assert "Geen betaling: herstel via aannemer of bouwdepot" in page
    assert "Herstel door een aannemer of via een bouwdepot" in page
    # Awaiting approval: a colleague gets the button, with the IBAN in full (finance only).
    assert reverse("casework:finance_payment_approve", args=[world["to_approve"].pk]) in page
    assert pay.ibans.formatted(world["to_approve"].iban) in page
    # Approved, not in a file: listed with the form to make one.
    assert world["approved"].claim.reference in page
    assert reverse("casework:finance_batch_create") in page
    # The files: download and report paid.
    assert world["batch"].message_id in page
    assert reverse("casework:finance_batch_xml", args=[world["batch"].pk]) in page
    # Claims with a payment under way are not "ready" again.
    ready_section = page.split('id="goedkeuren"')[0]
    assert world["to_approve"].claim.reference not in ready_section


def test_your_own_payment_has_no_approve_button(client, payable, world):
    client.force_login(payable.finance)  # recorded every payment of the world
    page = body(client.get(HOME))
    assert reverse("casework:finance_payment_approve", args=[world["to_approve"].pk]) not in page
    assert "U legde deze betaling zelf vast. Een collega keurt hem goed." in page


def _make_world_of(payable, count: int) -> None:
    for index in range(count):
        # Every third claim is only ready (a repair claim among them), the others get a payment recorded or approved.
        repair = index % 6 == 0
        claim = payable(f"{100 + index}.00", route=Route.REPAIR if repair else Route.MONEY)
        if index % 3 == 1:
            payable.record(claim)
        elif index % 3 == 2:
            payable.approve(claim)
    pay.batch_create(actor=payable.finance, execution_date=today())
    for index in range(count // 3):
        payable.approve(payable(f"{200 + index}.00"))


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_the_start_page_query_count_does_not_grow_with_the_data(client, payable):
    client.force_login(payable.colleague)
    _make_world_of(payable, 3)
    client.get(HOME)  # warm the per-process caches (holidays)
    small = _queries(client)
    _make_world_of(payable, 27)
    assert Claim.objects.filter(status=State.DECIDED).count() >= 30
    assert _queries(client) == small


# --- recording the IBAN -------------------------------------------------------------------------------------------

def test_record_a_payment_prg_and_sent_twice_does_it_once(client, payable):
    claim = payable("4250.00")
    url = reverse("casework:finance_claim", args=[claim.reference])
    client.force_login(payable.finance)
    form_page = client.get(url)
    assert 'name="iban"' in body(form_page) and claim.applicant.name in body(form_page)
    data = {"iban": "nl91 abna 0417 1643 00", "account_holder": "A. Bewoner", "form_token": new_token()}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == HOME + "#goedkeuren"
    payment = Payment.objects.get(claim=claim)
    assert (payment.iban, payment.amount, payment.status) == ("NL91ABNA0417164300", Decimal("4250.00"), "recorded")
    again = client.post(url, data)  # the same page sent again (a double click)
    assert again.status_code == 302
    assert "één keer verwerkt" in text_of(client.get(again["Location"]))
    assert Payment.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("iban,words", [
    ("NL91ABNA0417164301", "de controle klopt niet"),
    ("NL91ABNA041716430", "heeft 18 tekens"),
    ("", "Vul het IBAN in."),
])
def test_a_wrong_iban_comes_back_with_400_and_what_was_typed(client, payable, iban, words):
    claim = payable()
    client.force_login(payable.finance)
    response = client.post(reverse("casework:finance_claim", args=[claim.reference]),
                           {"iban": iban, "account_holder": "Truus Schoonbrood", "form_token": new_token()})
    assert response.status_code == 400
    assert words in body(response)
    assert 'value="Truus Schoonbrood"' in body(response)
    assert 'aria-describedby="id_iban_helptext id_iban_error"' in body(response)
    assert not Payment.objects.exists()


def test_recording_twice_for_one_claim_is_a_409(client, payable):
    claim = payable()
    payable.record(claim)
    client.force_login(payable.colleague)
    url = reverse("casework:finance_claim", args=[claim.reference])
    page = client.get(url)
    assert 'name="iban"' not in body(page)
    assert "nooit twee keer" in body(page)
    response = client.post(url, {"iban": new_iban(), "account_holder": "X", "form_token": new_token()})
    assert response.status_code == 409
    assert Payment.objects.filter(claim=claim).count() == 1


def test_a_repair_claim_has_no_iban_form(client, payable):
    claim = payable("30000.00", route=Route.REPAIR)
    client.force_login(payable.finance)
    page = client.get(reverse("casework:finance_claim", args=[claim.reference]))
    assert page.status_code == 200
    assert 'name="iban"' not in body(page)
    assert "aannemer of via een bouwdepot" in text_of(page)


# --- approving and cancelling ----------------------------------------------------------------------------------

def test_four_eyes_on_the_page(client, payable):
    payment = payable.record(payable())
    url = reverse("casework:finance_payment_approve", args=[payment.pk])
    client.force_login(payable.finance)
    assert "zelf vastgelegd" in body(client.get(url))
    refused = client.post(url, {"form_token": new_token()})
    assert refused.status_code == 403
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.RECORDED

    client.force_login(payable.colleague)
    done = client.post(url, {"form_token": new_token()})
    assert done.status_code == 302 and done["Location"] == HOME + "#goedkeuren"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.APPROVED
    again = client.post(url, {"form_token": new_token()})
    assert again.status_code == 409


def test_cancel_on_the_page(client, payable):
    payment = payable.record(payable())
    url = reverse("casework:finance_payment_cancel", args=[payment.pk])
    client.force_login(payable.colleague)
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "", "form_token": new_token()})
    assert empty.status_code == 400 and "Schrijf op waarom" in body(empty)
    done = client.post(url, {"reason": "Verkeerde naam.", "form_token": new_token()})
    assert done.status_code == 302
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CANCELLED


# --- the file and reporting it paid ----------------------------------------------------------------------------

def test_make_a_file_on_the_page(client, payable):
    payments = [payable.approve(payable(amount)) for amount in ("100.00", "250.50")]
    client.force_login(payable.finance)
    url = reverse("casework:finance_batch_create")
    past = client.post(url, {"execution_date": (today() - dt.timedelta(days=1)).isoformat(),
                             "form_token": new_token()})
    assert past.status_code == 400 and "in het verleden" in body(past)
    data = {"execution_date": today().isoformat(), "form_token": new_token()}
    done = client.post(url, data)
    batch = PaymentBatch.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("casework:finance_batch", args=[batch.pk])
    assert batch.count == 2 and batch.total == Decimal("350.50")
    assert {p.batch_id for p in Payment.objects.filter(pk__in=[p.pk for p in payments])} == {batch.pk}
    twice = client.post(url, data)  # the same page sent again: nothing new
    assert twice.status_code == 302
    assert PaymentBatch.objects.count() == 1
    nothing = client.post(url, {"execution_date": today().isoformat(), "form_token": new_token()})
    assert nothing.status_code == 409
    assert "geen goedgekeurde betalingen" in body(nothing)


def test_report_a_file_paid_on_the_page(client, payable):
    claim = payable("640.00")
    payable.approve(claim)
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    url = reverse("casework:finance_batch", args=[batch.pk])
    client.force_login(payable.colleague)
    page = client.get(url)
    assert 'name="confirmed"' in body(page) and pay.ibans.formatted(Payment.objects.get().iban) in body(page)
    unchecked = client.post(url, {"form_token": new_token()})
    assert unchecked.status_code == 400
    assert Claim.objects.get(pk=claim.pk).paid_amount == Decimal("0.00")
    done = client.post(url, {"confirmed": "on", "form_token": new_token()})
    assert done.status_code == 302 and done["Location"] == url
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.paid_amount == Decimal("640.00")
    assert claim.status == State.SETTLEMENT  # the objection window still runs
    after = client.get(url)
    assert 'name="confirmed"' not in body(after)
    again = client.post(url, {"confirmed": "on", "form_token": new_token()})
    assert again.status_code == 302
    assert Claim.objects.get(pk=claim.pk).paid_amount == Decimal("640.00")
