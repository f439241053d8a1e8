"""The permission matrix as one table test (issue 6): every operation of the OpenAPI description x every caller
(anonymous and one API token per role and connection) x the caller's own object and someone else's, each cell
with the status code the RULES give (tests/api/matrix_cases.py says which rule and why).

Matrix size: 91 operations; 73 on an object (own and other) and 18 with one column; 13 callers:
(73 x 2 + 18) x 13 = 2132 cells by token; plus 10 cells by the session (with the CSRF token) and the 7 unsafe
ones of them again without it (403). `test_the_matrix_size` prints the current numbers (run with -s).

- Every (path, method) of the schema drf-spectacular generates must have a row, and every row an operation: a new
  endpoint cannot be added without deciding who may use it.
- Success is real: each allowed cell sends a minimal valid body and its effect must show in the database.
- A refused cell changes nothing: the counts of the main tables and the rows they hold (status, updated_at,
  ...) are the same before and after.
- The data set is built once for the module (inside a transaction rolled back at the end); every cell runs in its
  own savepoint (pytest-django's `db`), so an allowed step never changes what the next cell sees.
"""

import datetime as dt
from decimal import Decimal
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api.tokens import api_token_create
from casework.models import CommissionAdvice, Decision, Note, Objection, ReviewDeclaration
from casework.services import payments as pay
from casework.services.commission import advice_record, review_declare
from casework.services.decisions import decision_make
from casework.services.inspection import damage_item_record_findings, inspection_schedule
from claims import roles as Role
from claims import termijnen
from claims.models import (
    Absence,
    Claim,
    ClaimTransition,
    ClockEvent,
    DamageItem,
    Document,
    Inspection,
    Mandate,
    Message,
    Payment,
    PaymentBatch,
    Person,
    Property,
    Recusal,
    Team,
)
from claims.services import claim_transition
from claims.services.desk import desk_attach_scans
from claims.services.portal import objection_file
from claims.timeutil import frozen, today
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, resident

from . import matrix_cases as M
from .conftest import forget_throttle_counts

IBAN = "NL91 ABNA 0417 1643 00"
CALLER_ROLES = {
    M.RESIDENT: Role.RESIDENT, M.RESIDENT_OTHER: Role.RESIDENT, M.DESK: Role.DESK, M.DESK_OTHER: Role.DESK,
    M.GUIDE: Role.CASEWORKER, M.GUIDE_OTHER_TEAM: Role.CASEWORKER, M.EXPERT: Role.EXPERT,
    M.EXPERT_OTHER: Role.EXPERT, M.COMMISSION: Role.COMMISSION, M.DECISION_MAKER: Role.DECISION_MAKER,
    M.COORDINATOR: Role.COORDINATOR, M.FINANCE: Role.FINANCE,
}
# Claims built for both casts (own = A, other = B), by state key (matrix_cases.STATE_OF).
PLAIN_STATES = ("draft", "submitted", "intake", "info_requested", "on_hold", "advice_draft", "response_period")


# --- the operations of the schema --------------------------------------------------------------------------------

@cache
def schema_operations() -> frozenset[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return frozenset((method.upper(), "/api/v1" + path if not path.startswith("/api/") else path)
                     for path, operations in schema["paths"].items() for method in operations
                     if method in ("get", "post", "put", "patch", "delete"))


# --- the data set ------------------------------------------------------------------------------------------------

def _advise(cast: Cast, claim: Claim) -> Claim:
    review_declare(claim=claim, member=cast.commission, has_conflict=False)
    first, second = claim.damage_items.order_by("position")
    advice_record(claim=claim, member=cast.commission, reasoning="Past bij de mijnbouw.", inspection_allowance=True,
                  items=[{"damage_item": first, "plausibility": "yes", "amount": Decimal("3000.00"),
                          "reasoning": "Ja."},
                         {"damage_item": second, "plausibility": "yes", "amount": Decimal("1000.00"),
                          "reasoning": "Ook ja."}])
    claim.refresh_from_db()
    return claim


def _decide(cast: Cast, claim: Claim) -> Claim:
    first, second = claim.damage_items.order_by("position")
    decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", reasoning="Wij volgen het advies.",
                  items=[{"damage_item": first, "plausibility": "yes", "amount": Decimal("3000.00")},
                         {"damage_item": second, "plausibility": "yes", "amount": Decimal("1000.00")}])
    claim.refresh_from_db()
    return claim


def visit_at(days: int, hour: int) -> dt.datetime:
    day = termijnen.roll_forward(today() + dt.timedelta(days=days))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class World:
    """Cast A (the callers' own claims), cast B (someone else's), the callers and their tokens."""

    def __init__(self) -> None:
        a, b = Cast(), Cast()
        self.a, self.b = a, b
        heerlen = Team.objects.create(name="Team Heerlen", municipalities=["Heerlen"])
        heerlen.members.add(a.caseworker, b.caseworker)
        far_guide = UserFactory(role=Role.CASEWORKER)
        Team.objects.create(name="Team Kerkrade", municipalities=["Kerkrade"]).members.add(far_guide)
        self.spare_guides = [UserFactory(role=Role.CASEWORKER) for _ in range(3)]
        self.spare_expert = UserFactory(role=Role.EXPERT)
        self.finance_colleague = UserFactory(role=Role.FINANCE)
        self.users = {
            M.RESIDENT: a.resident, M.RESIDENT_OTHER: resident()[0], M.DESK: a.desk,
            M.DESK_OTHER: UserFactory(role=Role.DESK), M.GUIDE: a.caseworker, M.GUIDE_OTHER_TEAM: far_guide,
            M.EXPERT: a.expert, M.EXPERT_OTHER: UserFactory(role=Role.EXPERT), M.COMMISSION: a.commission,
            M.DECISION_MAKER: UserFactory(role=Role.DECISION_MAKER), M.COORDINATOR: a.coordinator,
            M.FINANCE: a.finance,
        }
        self.keys, self.clients = {}, {}
        for caller, user in self.users.items():
            _token, self.keys[caller] = api_token_create(user=user, name=f"Matrix {caller}", role=CALLER_ROLES[caller],
                                                         created_by=None)
        self.claims = {M.OWN: self._claims(a, own=True), M.OTHER: self._claims(b, own=False)}
        self.persons = {M.OWN: a.person, M.OTHER: b.person}
        self.payments = {obj: Payment.objects.get(claim=claims["decided_paying"])
                         for obj, claims in self.claims.items()}
        self.scans = {obj: Document.objects.get(claim=claims["decided"], kind="scan")
                      for obj, claims in self.claims.items()}
        self._finance_files(b)
        self.absence = Absence.objects.create(user=self.spare_guides[0], substitute=self.spare_guides[1],
                                              starts_on=today() - dt.timedelta(days=3),
                                              ends_on=today() + dt.timedelta(days=3), created_by=a.coordinator)

    def _claims(self, cast: Cast, *, own: bool) -> dict[str, Claim]:
        def make(state: str, **kwargs) -> Claim:
            return claim_in(cast, state, filed_by=cast.desk, items=2, **kwargs)

        claims = {state: make(state) for state in PLAIN_STATES}
        reported = claims["draft_reported"] = make("draft")
        Claim.objects.filter(pk=reported.pk).update(report_step="veiligheid")  # every step of the report saved
        with frozen(timezone.now() - dt.timedelta(weeks=12)):  # the 8-week decision term has lapsed
            claims["intake_overdue"] = make("intake")
        claims["inspection"] = self._inspection(cast, make("inspection", urgent=True))
        member = self.users[M.COMMISSION]
        for key in ("cr_fresh", "cr_declared"):
            claim = make("commission_review")
            if not own:  # the caller `commission` stepped aside from every claim of B in review
                review_declare(claim=claim, member=member, has_conflict=True, ground=Recusal.Ground.NEIGHBOUR)
            elif key == "cr_declared":
                review_declare(claim=claim, member=member, has_conflict=False)
            claims[key] = claim
        claims["decision_pending"] = _advise(cast, make("commission_review"))
        decided = claims["decided"] = _decide(cast, _advise(cast, make("commission_review")))
        desk_attach_scans(claim=decided, files=[SimpleUploadedFile("formulier.pdf", samples.pdf(), "application/pdf")],
                          actor=cast.desk)
        paying = claims["decided_paying"] = _decide(cast, _advise(cast, make("commission_review")))
        pay.payment_record(claim=paying, actor=self.finance_colleague, iban=IBAN, account_holder="A. Bewoner")
        claims["objection"] = objection_file(claim=_decide(cast, _advise(cast, make("commission_review"))),
                                             actor=cast.resident, grounds="Het bedrag is te laag voor het herstel.")
        claims["settlement_due"] = self._settled(cast, make)
        claims["closed"] = claim_transition(claim=self._settled(cast, make), name="close", actor=cast.finance)
        return claims

    def _settled(self, cast: Cast, make) -> Claim:
        """In settlement with the objection window behind it: closing is possible."""
        claim = _decide(cast, _advise(cast, make("commission_review")))
        claim = claim_transition(claim=claim, name="start_settlement", actor=cast.finance)
        Claim.objects.filter(pk=claim.pk).update(objection_due=today() - dt.timedelta(days=1))
        claim.refresh_from_db()
        return claim

    def _inspection(self, cast: Cast, claim: Claim) -> Claim:
        """Urgent, the visit planned, every item with a verdict and a cost (the report may come in)."""
        inspection_schedule(inspection=claim.inspections.get(), actor=cast.caseworker, starts_at=visit_at(10, 10),
                            ends_at=visit_at(10, 11))
        for item in claim.damage_items.all():
            damage_item_record_findings(item=item, actor=cast.expert, location=item.location, kind=item.kind,
                                        verdict="yes", repair_cost=Decimal("500.00"))
        claim.refresh_from_db()
        return claim

    def _finance_files(self, cast: Cast) -> None:
        """A SEPA file with one payment, and one more approved payment waiting for the next file."""
        first, second = (_decide(cast, _advise(cast, claim_in(cast, "commission_review", items=2)))
                         for _ in range(2))
        for claim in (first, second):
            payment = pay.payment_record(claim=claim, actor=self.finance_colleague, iban=IBAN,
                                         account_holder="B. Bewoner")
            pay.payment_approve(payment=payment, actor=cast.finance)
            if claim is first:
                self.batch = pay.batch_create(actor=cast.finance, execution_date=today())

    def client(self, caller: str) -> APIClient:
        """One client per caller for the module: a client loads the middleware once."""
        if caller not in self.clients:
            client = self.clients[caller] = APIClient()
            if caller != M.ANON:
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.keys[caller]}")
        return self.clients[caller]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once; everything it wrote is rolled back after the module."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix"))):
        forget_throttle_counts()  # this run's throttle counts start at zero
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- the request of a cell ------------------------------------------------------------------------------------------

def pdf(name: str = "rapport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def jpeg() -> SimpleUploadedFile:
    return SimpleUploadedFile("scheur.jpg", samples.jpeg(), content_type="image/jpeg")


def items_of(claim: Claim) -> list[DamageItem]:
    return list(claim.damage_items.order_by("position"))


def advice_body(w, caller, claim) -> dict:
    first, second = items_of(claim)
    return {"reasoning": "De schade past bij de mijnbouw.", "inspection_allowance": True, "items": [
        {"damage_item": first.pk, "plausibility": "yes", "amount": "1000.00", "reasoning": "Past bij bodembeweging."},
        {"damage_item": second.pk, "plausibility": "yes", "amount": "250.00", "reasoning": "Ook."}]}


def decision_body(w, caller, claim) -> dict:
    first, second = items_of(claim)
    return {"outcome": "granted", "reasoning": "Wij volgen het advies van de commissie.", "items": [
        {"damage_item": first.pk, "plausibility": "yes", "amount": "3000.00"},
        {"damage_item": second.pk, "plausibility": "yes", "amount": "1000.00"}]}


def desk_body(w, caller, claim) -> dict:
    return {"channel": "phone", "new_person": {"name": "M. Hendriks", "phone": "045 123 45 67"},
            "new_property": {"postcode": "6411 AB", "house_number": 912, "street": "Akerstraat", "town": "Heerlen",
                             "municipality": "Heerlen"},
            "owner_occupied": True,
            "damage_items": [{"location": "Woonkamer", "kind": "crack", "description": "Scheur van 3 mm."}]}


def new_claim_body(w, caller, claim) -> dict:
    if CALLER_ROLES.get(caller) == Role.RESIDENT:  # the online report starts from the address
        return {"address": {"postcode": "6411 AB", "house_number": 913, "street": "Akerstraat", "town": "Heerlen",
                            "municipality": "Heerlen"}}
    return desk_body(w, caller, claim)


def multipart(**data) -> dict:
    return {"data": data, "format": "multipart"}


def json(data: dict | None = None) -> dict:
    return {"data": data or {}, "format": "json"}


T = "/api/v1/claims/{reference}/transitions/"
REASON = {"reason": "Op verzoek, zie het gesprek van vandaag."}
# Operation → a minimal valid body for the caller and object (the same for every caller where the body is
# not what decides).
BODIES = {
    ("POST", "/api/v1/claims/"): lambda w, c, claim: json(new_claim_body(w, c, claim)),
    ("POST", "/api/v1/claims/reassign/"): lambda w, c, claim: json({
        "references": [w.claims[M.OWN]["intake"].reference], "to_guide": w.spare_guides[2].pk,
        "reason": "Verdeling van het werk."}),
    ("POST", "/api/v1/claims/{reference}/reassign/"): lambda w, c, claim: json({
        "to_guide": w.spare_guides[2].pk, "reason": "Verdeling van het werk."}),
    ("POST", "/api/v1/claims/{reference}/extension/"): lambda w, c, claim: json({
        "weeks": 4, "reason": "Het rapport van de deskundige komt later."}),
    ("POST", "/api/v1/claims/{reference}/default-notices/"): lambda w, c, claim: json({
        "received_on": today().isoformat(), "reason": "Per brief."}),
    ("POST", "/api/v1/claims/{reference}/safety-visits/"): lambda w, c, claim: json({
        "visited_at": timezone.now().isoformat(), "findings": "De gevel is gestut."}),
    ("POST", T + "submit/"): lambda w, c, claim: json({"truthful": True}),
    ("POST", T + "start_intake/"): lambda w, c, claim: json({"caseworker": w.users[M.GUIDE].pk}),
    ("POST", T + "request_info/"): lambda w, c, claim: json({"reason": "Stuur ons foto's van de scheur."}),
    ("POST", T + "receive_info/"): lambda w, c, claim: json({"reason": "Hierbij de foto's van de scheur."}),
    ("POST", T + "declare_not_admissible/"): lambda w, c, claim: json({"reason": "Buiten het gebied."}),
    ("POST", T + "plan_inspection/"): lambda w, c, claim: json({"expert": w.spare_expert.pk}),
    ("POST", T + "record_advice/"): lambda w, c, claim: (multipart(report=pdf(), reason="Rapport.")
                                                         if c == M.EXPERT else json()),
    ("POST", T + "revise_advice/"): lambda w, c, claim: json({"reason": "De zienswijze noemt een nieuwe scheur."}),
    ("POST", T + "advise/"): lambda w, c, claim: json(advice_body(w, c, claim)),
    ("POST", T + "decide/"): lambda w, c, claim: json(decision_body(w, c, claim)),
    ("POST", T + "file_objection/"): lambda w, c, claim: json({"reason": "Het bedrag is te laag."}),
    ("POST", T + "decide_objection/"): lambda w, c, claim: json({"well_founded": False,
                                                                 "reasoning": "Het bezwaar is ongegrond."}),
    ("POST", T + "withdraw/"): lambda w, c, claim: json({"reason": "De bewoner trekt de melding in."}),
    ("POST", T + "hold/"): lambda w, c, claim: json({"reason": "De bewoner is drie weken weg."}),
    ("POST", T + "reopen/"): lambda w, c, claim: json({"reason": "Nieuwe scheuren in dezelfde muur."}),
    ("PUT", "/api/v1/claims/{reference}/report/address/"): lambda w, c, claim: json({
        "postcode": "6411 AB", "house_number": 914, "street": "Akerstraat", "town": "Heerlen",
        "municipality": "Heerlen"}),
    ("PUT", "/api/v1/claims/{reference}/report/ownership/"): lambda w, c, claim: json({
        "owner_occupied": True, "in_owners_association": False, "co_owners": []}),
    ("PUT", "/api/v1/claims/{reference}/report/representative/"): lambda w, c, claim: json({
        "name": "J. Jansen", "email": "j.jansen@example.nl"}),
    ("PUT", "/api/v1/claims/{reference}/report/safety/"): lambda w, c, claim: json({"urgent": True}),
    ("POST", "/api/v1/claims/{reference}/damage-items/"): lambda w, c, claim: json({
        "location": "Keuken", "kind": "crack", "description": "Scheur in de tegels."}),
    ("PATCH", "/api/v1/claims/{reference}/damage-items/{item_id}/"): lambda w, c, claim: json(
        {"expert_verdict": "partly", "repair_cost": "400.00"} if c == M.EXPERT else {"description": "Anders."}),
    ("POST", "/api/v1/claims/{reference}/damage-items/{item_id}/photos/"): lambda w, c, claim: multipart(
        photos=[jpeg()]),
    ("POST", "/api/v1/claims/{reference}/documents/"): lambda w, c, claim: multipart(files=[pdf("brief.pdf")]),
    ("POST", "/api/v1/claims/{reference}/notes/"): lambda w, c, claim: json({"body": "Gebeld, niemand thuis."}),
    ("POST", "/api/v1/claims/{reference}/messages/"): lambda w, c, claim: json({"body": "Wanneer komt de expert?"}),
    ("POST", "/api/v1/claims/{reference}/responses/"): lambda w, c, claim: json({
        "body": "De schuur is vergeten.", "received_on": today().isoformat()}),
    ("POST", "/api/v1/claims/{reference}/callback-requests/"): lambda w, c, claim: json({"phone": "045 123 45 67"}),
    ("POST", "/api/v1/claims/{reference}/inspections/{id}/schedule/"): lambda w, c, claim: json({
        "starts_at": visit_at(12, 9).isoformat(), "ends_at": visit_at(12, 10).isoformat()}),
    ("POST", "/api/v1/claims/{reference}/inspections/{id}/visit/"): lambda w, c, claim: json({
        "visited_at": timezone.now().isoformat()}),
    ("POST", "/api/v1/claims/{reference}/inspection-report/"): lambda w, c, claim: multipart(report=pdf()),
    ("POST", "/api/v1/claims/{reference}/expert-replacement/"): lambda w, c, claim: json({
        "expert": w.spare_expert.pk, "reason": "De bewoner kent de deskundige."}),
    ("POST", "/api/v1/claims/{reference}/expert-objections/"): lambda w, c, claim: json({
        "reason": "De deskundige is mijn buurman."}),
    ("POST", "/api/v1/claims/{reference}/commission/declaration/"): lambda w, c, claim: json({"has_conflict": False}),
    ("POST", "/api/v1/claims/{reference}/commission-advice/"): lambda w, c, claim: json(advice_body(w, c, claim)),
    ("POST", "/api/v1/claims/{reference}/decisions/"): lambda w, c, claim: json(decision_body(w, c, claim)),
    ("POST", "/api/v1/claims/{reference}/objections/"): lambda w, c, claim: json({
        "grounds": "Het bedrag is te laag voor het herstel."}),
    ("POST", "/api/v1/claims/{reference}/objections/{id}/hearing/"): lambda w, c, claim: json({
        "hearing_at": visit_at(14, 10).isoformat(), "hearing_kind": "office"}),
    ("POST", "/api/v1/claims/{reference}/objections/{id}/decide/"): lambda w, c, claim: json({
        "well_founded": False, "reasoning": "Het bezwaar is ongegrond."}),
    ("POST", "/api/v1/claims/{reference}/payments/"): lambda w, c, claim: json({"iban": IBAN,
                                                                              "account_holder": "A. Bewoner"}),
    ("POST", "/api/v1/payments/{id}/cancel/"): lambda w, c, claim: json({"reason": "Verkeerd rekeningnummer."}),
    ("POST", "/api/v1/payment-batches/"): lambda w, c, claim: json({"execution_date": today().isoformat()}),
    ("POST", "/api/v1/absences/"): lambda w, c, claim: json({
        "user": w.spare_guides[2].pk, "substitute": w.spare_guides[1].pk,
        "starts_on": (today() + dt.timedelta(days=7)).isoformat(),
        "ends_on": (today() + dt.timedelta(days=9)).isoformat()}),
}


def target(w: World, op: tuple[str, str], caller: str, obj: str) -> tuple[str, Claim | None]:
    """The URL of the cell and the claim it is about (None: no claim)."""
    _method, path = op
    case = M.CASES[op]
    claim = w.claims[obj][case.state_for(caller)] if case.kind == "claim" else None
    if case.kind == "payment":
        claim = w.payments[obj].claim
    url = path
    if claim is not None:
        url = url.replace("{reference}", claim.reference)
    if "{item_id}" in url:
        url = url.replace("{item_id}", str(items_of(claim)[0].pk))
    if "{document_id}" in url:
        url = url.replace("{document_id}", str(w.scans[obj].pk))
    if "{id}" in url:
        if "/inspections/" in path:
            ident = claim.inspections.get().pk
        elif "/objections/" in path:
            ident = Objection.objects.get(claim=claim).pk
        elif path.startswith("/api/v1/payments/"):
            ident = w.payments[obj].pk
        elif path.startswith("/api/v1/payment-batches/"):
            ident = w.batch.pk
        elif path.startswith("/api/v1/absences/"):
            ident = w.absence.pk
        elif path.startswith("/api/v1/people/"):
            ident = w.persons[obj].pk
        else:  # properties: the home of the decided claim
            ident = w.claims[obj]["decided"].property_id
        url = url.replace("{id}", str(ident))
    return url, claim


def send(client: APIClient, w: World, op: tuple[str, str], caller: str, claim: Claim | None, url: str, **extra):
    method, _path = op
    body = BODIES.get(op, lambda w, c, claim: json())(w, caller, claim) if method != "GET" else {}
    return getattr(client, method.lower())(url, **body, **extra)


# --- what a cell may change ------------------------------------------------------------------------------------------

TABLES = (Claim, ClaimTransition, ClockEvent, DamageItem, Document, Message, Note, Inspection, Objection, Decision,
          CommissionAdvice, ReviewDeclaration, Recusal, Payment, PaymentBatch, Absence, Person, Property, Mandate)


# The fields an action changes, per table (the counts of every table in TABLES too).
WATCHED = {
    Claim: ("status", "updated_at", "caseworker_id", "expert_id", "decision_due", "urgent", "property_id",
            "report_step"),
    Inspection: ("status", "starts_at", "visited_at", "expert_id"),
    DamageItem: ("description", "expert_verdict", "repair_cost"),
    Objection: ("handler_id", "hearing_at"),
    Payment: ("status",),
    PaymentBatch: ("paid_at",),
    Absence: ("ends_on",),
}


@cache
def snapshot_sql() -> str:
    """One statement (a cell runs it twice): the counts and a digest of the watched fields."""
    parts = [f"(SELECT count(*) FROM {model._meta.db_table})" for model in TABLES]
    for model, fields in WATCHED.items():
        columns = ", ".join(("id", *fields))
        parts.append(f"(SELECT md5(string_agg(row({columns})::text, ',' ORDER BY id)) FROM {model._meta.db_table})")
    return "SELECT " + ", ".join(parts)


def snapshot() -> tuple:
    """The counts of the main tables and the fields an action changes."""
    with connection.cursor() as cursor:
        cursor.execute(snapshot_sql())
        return cursor.fetchone()


def cell_id(value) -> str:
    return " ".join(value) if isinstance(value, tuple) else value


# --- the tests -------------------------------------------------------------------------------------------------------

def size() -> tuple[int, int, int, int]:
    ops = len(M.CASES)
    with_objects = sum(1 for case in M.CASES.values() if len(case.objects()) == 2)
    return ops, with_objects, len(M.CALLERS), len(M.cells())


def test_the_matrix_size():
    ops, with_objects, callers, total = size()
    print(f"\npermission matrix: {ops} operations ({with_objects} on an own and another object, "
          f"{ops - with_objects} with one column) x {callers} callers = {total} cells by token")
    assert total == (with_objects * 2 + ops - with_objects) * callers


def test_every_operation_of_the_schema_has_a_row_and_every_row_an_operation(db):
    operations = schema_operations()
    assert sorted(operations - set(M.CASES)) == [], "operations without a row: decide who may use them"
    assert sorted(set(M.CASES) - operations) == [], "rows for operations that no longer exist"


@pytest.mark.parametrize(("op", "caller", "obj"), M.cells(), ids=cell_id)
def test_cell(world, db, op, caller, obj):
    case = M.CASES[op]
    want = M.expected(case, caller, obj)
    url, claim = target(world, op, caller, obj)
    before = snapshot()
    response = send(world.client(caller), world, op, caller, claim, url)
    body = response.content[:400] if response.status_code != want else b""
    assert response.status_code == want, f"{op[0]} {op[1]} as {caller} on {obj}: {response.status_code} {body!r}"
    if want >= 400:
        assert set(response.json()) == {"detail", "code", "errors"}
        assert snapshot() == before, "a refused call changed the database"
    elif op[0] != "GET":
        assert snapshot() != before, "an allowed call left no trace in the database"


# --- by the session: the same rules, and no unsafe method without the CSRF token -------------------------------------

SESSION_CELLS = [
    (("GET", "/api/v1/claims/{reference}/"), M.RESIDENT, M.OWN),
    (("GET", "/api/v1/claims/{reference}/"), M.RESIDENT, M.OTHER),
    (("GET", "/api/v1/claims/{reference}/notes/"), M.GUIDE, M.OTHER),
    (("POST", "/api/v1/claims/{reference}/messages/"), M.RESIDENT, M.OWN),
    (("POST", "/api/v1/claims/{reference}/notes/"), M.GUIDE, M.OWN),
    (("POST", "/api/v1/claims/{reference}/notes/"), M.GUIDE, M.OTHER),
    (("POST", T + "withdraw/"), M.RESIDENT, M.OWN),
    (("POST", T + "decide/"), M.DECISION_MAKER, M.OWN),
    (("POST", "/api/v1/payments/{id}/approve/"), M.FINANCE, M.OWN),
    (("POST", "/api/v1/payments/{id}/approve/"), M.GUIDE, M.OWN),
]


def session_client(user, *, csrf: bool) -> tuple[APIClient, dict]:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    if not csrf:
        return client, {}
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, {"HTTP_X_CSRFTOKEN": token}


@pytest.mark.parametrize(("op", "caller", "obj"), SESSION_CELLS, ids=cell_id)
def test_session_cell(world, db, op, caller, obj):
    want = M.expected(M.CASES[op], caller, obj)
    url, claim = target(world, op, caller, obj)
    client, headers = session_client(world.users[caller], csrf=True)
    before = snapshot()
    response = send(client, world, op, caller, claim, url, **headers)
    assert response.status_code == want, response.content[:400]
    if want >= 400:
        assert snapshot() == before


@pytest.mark.parametrize(("op", "caller", "obj"), [cell for cell in SESSION_CELLS if cell[0][0] != "GET"],
                         ids=cell_id)
def test_an_unsafe_call_by_session_without_the_csrf_token_is_refused(world, db, op, caller, obj):
    url, claim = target(world, op, caller, obj)
    client, _headers = session_client(world.users[caller], csrf=False)
    before = snapshot()
    response = send(client, world, op, caller, claim, url)
    assert response.status_code == 403, response.content[:400]
    assert response.json()["code"] in ("permission_denied", "csrf_failed"), response.json()
    assert snapshot() == before
