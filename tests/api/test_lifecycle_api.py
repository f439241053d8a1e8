"""The whole lifecycle of a claim driven through the REST API alone, as the systems around the institute would drive
it: a live server, HTTP calls with `requests`, one system account with its own token per role (a municipality's
desk, the expert firm, the commission's secretariat, finance, ...) and the real Celery worker for the automatic
assignment and the letters (issue 6).

Claim A goes from a phone call at the desk to `closed`: the worker assigns the guide, the guide chooses the expert
and plans the visit, the expert records every damage item, the visit and hands in the report, the guide sends the
draft advice and forwards the claim, a commission member declares and advises, a decision maker decides, the
worker renders the decision letter (downloaded and read), finance records the IBAN, a colleague approves it, makes
the SEPA file (downloaded and parsed) and reports it paid; the claim is in settlement. Closing it is the one step
that is no API call: the daily task `close_settled_claims` (Celery beat, every morning) closes a paid claim once
the objection window has passed; the API refuses to close earlier (409). The test runs that task as the e2e
lifecycle test does, on the day after the window (claims.timeutil.frozen), and reads the result through the API.

Claim B starts as a resident's online report through the API, is decided, and the resident objects through the
API; another decision maker takes the objection, plans a hearing and decides it well-founded with a new amount;
the worker renders the letters.

A third test holds the rule behind the daily task: a claim in settlement is not closed by hand while the
objection window runs (409), as in `decided`.

After every step the claim's status and `transitions_allowed` are read back with GET /claims/{reference}/. That
list is the role and state rule (`may_fire`): a step that the list offers can still be refused for timing (the
objection window, an objection already used) with a 409, which the test shows where it applies. At the end the
change feed (GET /events/) lists exactly the claim's steps, in order, each once.
"""

import datetime as dt
import io
import time
import xml.etree.ElementTree as ET

import pytest
import requests
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from api.tokens import api_token_create
from casework.tasks_finance import close_settled_claims
from claims import roles as R
from claims import termijnen
from claims.models import Team
from claims.timeutil import frozen, today
from tests.claims.files import samples
from tests.factories import PersonFactory, UserFactory, claim_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT = 40.0  # seconds for the worker (assignment, letters)
PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
IBAN = "NL02ABNA0123456789"  # a valid Dutch IBAN (mod 97)
API = "/api/v1"

# transitions_allowed per state and caller: the role and state rule (claims/permissions.py, claims/models/claim.py).
GUIDE_INTAKE = ["request_info", "declare_not_admissible", "plan_inspection", "withdraw", "hold"]
MONEY_PATH = ["submit", "start_intake", "plan_inspection", "record_advice", "send_advice", "forward_to_commission",
              "advise", "decide", "start_settlement", "close"]
OBJECTION_PATH = ["submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                  "forward_to_commission", "advise", "decide", "file_objection", "decide_objection"]


# --- infrastructure ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def media_root(tmp_path_factory):
    """One place for files, shared by the live server and the worker; in force before the worker starts."""
    root = tmp_path_factory.mktemp("api-lifecycle-files")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture(autouse=True)
def close_connections():
    """Each kept-alive connection holds a live-server thread and its database session: closed after the test."""
    yield
    while Api.opened:
        Api.opened.pop().close()


class Api:
    """One system calling the API with its own token, as its software would."""

    opened: list[requests.Session] = []

    def __init__(self, base: str, user, role: str, name: str):
        _token, key = api_token_create(user=user, name=name, role=role, created_by=None)
        self.base, self.user, self.name = base + API, user, name
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {key}", "Accept-Language": "nl"})
        Api.opened.append(self.http)

    def call(self, method: str, path: str, expect: int, **kwargs) -> requests.Response:
        response = self.http.request(method, self.base + path, timeout=30, **kwargs)
        assert response.status_code == expect, (
            f"{self.name}: {method} {path} → {response.status_code}, expected {expect}\n{response.text[:2000]}")
        return response

    def get(self, path: str, expect: int = 200, **params):
        response = self.call("GET", path, expect, params=params)
        return response.json() if expect == 200 else response

    def post(self, path: str, body=None, expect: int = 200, **multipart):
        """JSON `body`, or multipart with `data=` and `files=`; returns the answer's JSON (the error body too)."""
        response = self.call("POST", path, expect, **(multipart or ({"json": body} if body is not None else {})))
        return response.json() if response.content else None

    def patch(self, path: str, body, expect: int = 200):
        return self.call("PATCH", path, expect, json=body).json()

    def put(self, path: str, body, expect: int = 200):
        return self.call("PUT", path, expect, json=body).json()

    def claim(self, ref: str) -> dict:
        return self.get(f"/claims/{ref}/")

    def step(self, ref: str, name: str, body=None, expect: int = 200, **multipart):
        body = {} if body is None and not multipart else body
        return self.post(f"/claims/{ref}/transitions/{name}/", body, expect=expect, **multipart)


def sees(api: Api, ref: str, status: str, allowed: list[str]) -> dict:
    """The claim as this caller reads it: in `status`, offering exactly `allowed`."""
    claim = api.claim(ref)
    assert (claim["status"], claim["transitions_allowed"]) == (status, allowed), (api.name, claim["status"],
                                                                                  claim["transitions_allowed"])
    return claim


def wait_for(what: str, check, worker, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        worker._assert_alive()
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {timeout}s\n{worker.log_tail()}")


def letter(api: Api, ref: str, letter_kind: str, worker) -> dict:
    """The letter the worker rendered, as it appears in the claim's documents (a letter is a document), found
    by its kind whatever the language it was written in."""
    def check():
        documents = api.get(f"/claims/{ref}/documents/", page_size=100)["results"]
        return next((d for d in documents if d["kind"] == "letter" and d["letter_kind"] == letter_kind), None)

    return wait_for(f"the letter ‘{letter_kind}’", check, worker)


def download(api: Api, document: dict) -> bytes:
    response = api.http.get(document["file"], timeout=30)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith(document["content_type"])
    assert len(response.content) == document["size"]
    return response.content


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:20]
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\N{NO-BREAK SPACE}", " ").split())


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    """An Amsterdam time as the API takes it (ISO 8601 with the offset)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))).isoformat()


def work_day(days: int) -> dt.date:
    return termijnen.roll_forward(today() + dt.timedelta(days=days))


def feed(api: Api, *, count: int, worker) -> list[dict]:
    """The whole change feed once it holds `count` events (a transaction still open holds the feed back for a
    moment), read again from the start."""
    def check():
        events = feed_pages(api)
        return events if len(events) >= count else None

    return wait_for(f"{count} events in the change feed", check, worker, timeout=10)


def feed_pages(api: Api) -> list[dict]:
    """The whole change feed, paged with the cursor, a few events a page."""
    events, since = [], None
    for _page in range(100):
        page = api.get("/events/", limit=3, **({"since": since} if since else {}))
        events += page["results"]
        since = page["next_cursor"]
        if not page["has_more"]:
            again = api.get("/events/", since=since)  # nothing new after the last cursor
            assert (again["results"], again["next_cursor"]) == ([], since)
            return events
    pytest.fail("the change feed did not end")


# --- the people: one system account and token per role ----------------------------------------------------------

class Systems:
    def __init__(self, base: str):
        def account(role: str, first: str, last: str, name: str) -> Api:
            user = UserFactory(first_name=first, last_name=last)
            return Api(base, user, role, name)

        self.desk = account(R.DESK, "Loket", "Heerlen", "Gemeente Heerlen, klantcontactcentrum")
        self.coordinator = account(R.COORDINATOR, "Mieke", "Lemmens", "Planning I3ML")
        self.guide = account(R.CASEWORKER, "Sanne", "Hermans", "Zaaksysteem zaakbegeleiding")
        self.expert = account(R.EXPERT, "Jos", "Vroemen", "Expertisebureau Vroemen")
        self.commission = account(R.COMMISSION, "Ria", "Offermans", "Secretariaat Limburgkamer")
        self.decider = account(R.DECISION_MAKER, "Peter", "Bours", "Besluitvorming")
        self.handler = account(R.DECISION_MAKER, "Anja", "Dassen", "Bezwaarbehandeling")
        self.finance = account(R.FINANCE, "Kim", "Douven", "Financiële administratie")
        self.finance2 = account(R.FINANCE, "Tom", "Bemelmans", "Financiële administratie, controle")
        team = Team.objects.create(name="Team Heerlen", municipalities=["Heerlen", "Kerkrade"])
        team.members.add(self.guide.user)


def assigned(systems: Systems, ref: str, worker) -> dict:
    """The worker's automatic assignment takes the submitted claim into intake with the team's guide."""
    claim = wait_for("automatic assignment",
                     lambda: (c := systems.coordinator.claim(ref))["status"] == "intake" and c, worker)
    assert claim["caseworker"] == {"id": systems.guide.user.pk, "name": "Sanne Hermans"}
    assert claim["transitions_allowed"] == GUIDE_INTAKE
    history = systems.coordinator.get(f"/claims/{ref}/transitions/")["results"]
    assert [(h["name"], h["actor"] and h["actor"]["id"]) for h in history][-1] == ("start_intake", None)  # the system
    return claim


# --- the steps, shared by both claims ----------------------------------------------------------------------------

def inspect(s: Systems, ref: str, findings: list[tuple[str, str]]) -> None:
    """The guide chooses the expert and plans the visit; the expert records every item, the visit and the report."""
    sees(s.guide, ref, "intake", GUIDE_INTAKE)
    s.expert.get(f"/claims/{ref}/", expect=404)  # not their claim yet
    claim = s.guide.step(ref, "plan_inspection", {"expert": s.expert.user.pk, "reason": "Jos kent de straat."})
    assert claim["status"] == "inspection" and claim["expert"]["id"] == s.expert.user.pk
    sees(s.guide, ref, "inspection", ["record_advice", "withdraw", "hold"])
    [inspection] = s.guide.get(f"/claims/{ref}/inspections/")["results"]
    assert inspection["expert"]["id"] == s.expert.user.pk and inspection["starts_at"] is None
    visit_day = work_day(10)
    planned = s.guide.post(f"/claims/{ref}/inspections/{inspection['id']}/schedule/",
                           {"starts_at": at(visit_day, 10), "ends_at": at(visit_day, 11, 30)})
    assert dt.datetime.fromisoformat(planned["starts_at"]) == dt.datetime.fromisoformat(at(visit_day, 10))

    expert_view = sees(s.expert, ref, "inspection", ["record_advice"])
    assert expert_view["claimed_amount"] is None and expert_view["awarded_amount"] is None  # no amounts
    items = s.expert.get(f"/claims/{ref}/damage-items/")["results"]
    assert len(items) == len(findings)
    for item, (verdict, cost) in zip(items, findings, strict=True):
        found = s.expert.patch(f"/claims/{ref}/damage-items/{item['id']}/", {
            "measurements": "Scheur 2 mm breed, 80 cm lang", "expert_verdict": verdict, "repair_cost": cost})
        assert (found["expert_verdict"], found["repair_cost"], found["awarded_amount"]) == (verdict, cost, None)
    # The report before the visit is recorded is allowed by the rules; the firm records the visit first.
    visited = s.expert.post(f"/claims/{ref}/inspections/{inspection['id']}/visit/",
                            {"visited_at": timezone.now().isoformat()})
    assert visited["visited_at"] is not None
    report = ("adviesrapport.pdf", samples.pdf(), "application/pdf")
    claim = s.expert.step(ref, "record_advice", data={"reason": "Rapport na de opname."}, files={"report": report})
    assert claim["status"] == "advice_draft"
    sees(s.expert, ref, "advice_draft", [])
    done = s.guide.get(f"/claims/{ref}/inspections/{inspection['id']}/")
    assert done["status"] == "done" and done["report"] is not None


def to_commission(s: Systems, ref: str) -> None:
    """The guide sends the draft advice and forwards the claim. No rule makes the guide wait for the resident's
    response (2 weeks): forwarding is allowed at once, as in the dossier."""
    sees(s.guide, ref, "advice_draft", ["send_advice", "withdraw", "hold"])
    assert s.guide.step(ref, "send_advice")["status"] == "response_period"
    claim = sees(s.guide, ref, "response_period", ["revise_advice", "forward_to_commission", "withdraw", "hold"])
    assert claim["reply_due"] is not None
    assert s.guide.step(ref, "forward_to_commission", {"reason": "Geen zienswijze nodig."})["status"] == \
        "commission_review"
    sees(s.guide, ref, "commission_review", ["withdraw", "hold"])


def advise(s: Systems, ref: str, items: list[dict], *, allowance: bool) -> dict:
    """A commission member declares no conflict of interest and advises per damage item."""
    sees(s.commission, ref, "commission_review", ["advise"])
    [row] = [r for r in s.commission.get("/commission-queue/")["results"] if r["reference"] == ref]
    assert row["declared"] is False
    s.commission.post(f"/claims/{ref}/commission-advice/", {"items": items, "reasoning": "Past bij de mijnbouw."},
                      expect=409)  # declare first
    declared = s.commission.post(f"/claims/{ref}/commission/declaration/", {"has_conflict": False}, expect=201)
    assert declared["has_conflict"] is False and declared["member"]["id"] == s.commission.user.pk
    advice = s.commission.post(f"/claims/{ref}/commission-advice/", {
        "items": items, "reasoning": "De schade past bij de mijnbouw onder deze straat.",
        "inspection_allowance": allowance}, expect=201)
    s.commission.get(f"/claims/{ref}/", expect=404)  # out of review: out of the member's sight
    sees(s.guide, ref, "decision_pending", ["withdraw", "hold"])
    return advice


def decide(s: Systems, ref: str, items: list[dict]) -> dict:
    sees(s.decider, ref, "decision_pending", ["decide"])
    [row] = [r for r in s.decider.get("/decision-queue/")["results"] if r["reference"] == ref]
    assert row["advised_by_me"] is False
    decision = s.decider.post(f"/claims/{ref}/decisions/", {
        "outcome": "granted", "items": items, "reasoning": "Wij volgen het advies van de commissie."}, expect=201)
    assert decision["decided_by"]["id"] == s.decider.user.pk and decision["kind"] == "first"
    s.decider.get(f"/claims/{ref}/", expect=404)  # decided: no longer on the decision maker's desk
    return decision


# --- claim A: from a phone call to closed ------------------------------------------------------------------------

def test_a_claim_from_a_phone_call_to_closed_through_the_api(live_server, celery_worker_process, media_root):
    worker = celery_worker_process
    assert worker.media_root == media_root
    s = Systems(live_server.url)

    # 1. The municipality's desk takes the report by phone and files it: submitted at once.
    filed = s.desk.post("/claims/", {
        "channel": "phone",
        "new_person": {"name": "Maria Janssen", "phone": "045 123 45 67"},
        "new_property": {"postcode": "6411 ab", "house_number": 12, "street": "Akerstraat", "town": "Heerlen",
                         "municipality": "Heerlen"},
        "owner_occupied": True,
        "description": "Gebeld door mevrouw Janssen.",
        "damage_items": [
            {"location": "Voorgevel", "kind": "crack", "description": "Scheur boven de voordeur."},
            {"location": "Kelder", "kind": "moisture", "description": "Vocht langs de muur."},
        ],
    }, expect=201)
    ref = filed["reference"]
    assert (filed["status"], filed["channel"], filed["transitions_allowed"]) == ("submitted", "phone", [])
    assert filed["activation_code"]  # the resident has no account yet: the desk hands over the code
    assert filed["property"]["postcode"] == "6411AB"

    # 2. The worker assigns the team's guide (start_intake by the system).
    assigned(s, ref, worker)
    sees(s.desk, ref, "intake", [])  # the desk follows what it filed, and takes no steps

    # 3-4. The guide chooses the expert and plans the visit; the expert records the items, the visit, the report.
    inspect(s, ref, [("yes", "3000.00"), ("partly", "2200.00")])

    # 5. The guide sends the draft advice and forwards the claim.
    to_commission(s, ref)

    # 6. The commission member declares and advises: EUR 4,100 for the items and the inspection allowance.
    front, cellar = s.guide.get(f"/claims/{ref}/damage-items/")["results"]
    advice = advise(s, ref, [
        {"damage_item": front["id"], "plausibility": "yes", "amount": "3000.00",
         "reasoning": "Schadepunt 1: past bij de bodemdaling."},
        {"damage_item": cellar["id"], "plausibility": "partly", "percentage": 50, "amount": "1100.00",
         "reasoning": "Schadepunt 2: voor de helft door mijnbouw."},
    ], allowance=True)
    assert (advice["items_total"], advice["inspection_allowance"], advice["total"], advice["route"]) == (
        "4100.00", "150.00", "4250.00", "money")

    # 7. A decision maker (not the advisor) decides on the advice.
    decision = decide(s, ref, [
        {"damage_item": front["id"], "plausibility": "yes", "amount": "3000.00"},
        {"damage_item": cellar["id"], "plausibility": "partly", "percentage": 50, "amount": "1100.00"},
    ])
    assert (decision["outcome"], decision["total"], decision["route"]) == ("granted", "4250.00", "money")
    claim = sees(s.guide, ref, "decided", ["file_objection"])
    assert claim["awarded_amount"] == "4250.00" and claim["objection_due"] is not None
    objection_due = dt.date.fromisoformat(claim["objection_due"])
    refused = s.guide.step(ref, "close", expect=409)  # the objection window runs: closing must wait
    assert refused["code"] == "objection_window_open"

    # 8. The worker renders the decision letter; it is listed and downloaded through /documents/.
    document = letter(s.guide, ref, "decision", worker)
    assert document["content_type"] == "application/pdf" and document["uploaded_by"] is None
    text = pdf_text(download(s.guide, document))
    assert ref in text
    for amount in ("4.250,00", "3.000,00", "1.100,00"):
        assert amount in text, (amount, text)

    # 9. Finance: one records the IBAN, a colleague approves it (four eyes), makes the SEPA file, reports it paid.
    sees(s.finance, ref, "decided", ["start_settlement"])
    payment = s.finance.post(f"/claims/{ref}/payments/", {"iban": "NL02 ABNA 0123 4567 89",
                                                          "account_holder": "Maria Janssen"}, expect=201)
    assert (payment["status"], payment["amount"], payment["iban"]) == ("recorded", "4250.00", "NL02 ABNA 0123 4567 89")
    s.finance.post(f"/payments/{payment['id']}/approve/", expect=403)  # not their own payment
    approved = s.finance2.post(f"/payments/{payment['id']}/approve/")
    assert approved["status"] == "approved" and approved["approved_by"]["id"] == s.finance2.user.pk
    batch = s.finance2.post("/payment-batches/", {"execution_date": today().isoformat()}, expect=201)
    assert (batch["count"], batch["total"], [p["id"] for p in batch["payments"]]) == (1, "4250.00", [payment["id"]])
    sepa = s.finance2.call("GET", f"/payment-batches/{batch['id']}/sepa.xml", 200)
    assert sepa.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(sepa.content)
    ns = {"p": PAIN}
    assert root.tag == f"{{{PAIN}}}Document"
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header.findtext("p:MsgId", namespaces=ns) == batch["message_id"]
    assert (header.findtext("p:NbOfTxs", namespaces=ns), header.findtext("p:CtrlSum", namespaces=ns)) == (
        "1", "4250.00")
    [transfer] = root.findall(".//p:CdtTrfTxInf", ns)
    assert transfer.findtext("p:Amt/p:InstdAmt", namespaces=ns) == "4250.00"
    assert transfer.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == IBAN
    assert ref in transfer.findtext("p:PmtId/p:EndToEndId", namespaces=ns)
    paid = s.finance2.post(f"/payment-batches/{batch['id']}/paid/")
    assert paid["paid_at"] is not None and paid["payments"][0]["status"] == "paid"

    # Paid, but the resident may still object: settlement, not closed yet.
    claim = sees(s.finance, ref, "settlement", [])
    assert claim["paid_amount"] == "4250.00"
    sees(s.guide, ref, "settlement", ["file_objection"])
    letter(s.finance, ref, "payment", worker)

    # 10. Closing is the daily task's (beat, every morning), not an API call: it closes the paid claim once the
    # objection window has passed — not today, and on the day after the window's last day.
    assert close_settled_claims() == 0
    sees(s.coordinator, ref, "settlement", ["file_objection"])
    with frozen(dt.datetime.combine(objection_due + dt.timedelta(days=1), dt.time(7))):
        assert close_settled_claims() == 1
    claim = sees(s.coordinator, ref, "closed", ["reopen"])
    assert claim["closed_at"] is not None
    sees(s.finance, ref, "closed", [])
    sees(s.guide, ref, "closed", [])

    # 11. The change feed lists exactly this claim's steps, in the order they happened, each once.
    history = s.coordinator.get(f"/claims/{ref}/transitions/")["results"]
    assert [h["name"] for h in history] == MONEY_PATH
    events = feed(s.coordinator, count=len(MONEY_PATH), worker=worker)
    assert len({e["cursor"] for e in events}) == len(events)
    assert {e["claim"] for e in events} == {ref}
    assert [(e["name"], e["from_state"], e["to_state"]) for e in events] == [
        (h["name"], h["from_state"], h["to_state"]) for h in history]
    assert [e["to_state"] for e in events[:-1]] == [e["from_state"] for e in events[1:]]
    assert events[1]["actor"] is None and events[0]["actor"]["id"] == s.desk.user.pk


# --- claim B: an objection ---------------------------------------------------------------------------------------

def test_a_resident_objects_through_the_api_and_another_decision_maker_upholds_it(live_server,
                                                                                  celery_worker_process):
    worker = celery_worker_process
    s = Systems(live_server.url)
    person = PersonFactory(name="Maria Janssen", user=UserFactory(first_name="Maria", last_name="Janssen"))
    resident = Api(live_server.url, person.user, R.RESIDENT, "Mijnschade-app van Maria Janssen")

    # 1. The resident reports online, every question of the report in its order, then sends it.
    draft = resident.post("/claims/", {"address": {"postcode": "6411 AB", "house_number": 14, "street": "Akerstraat",
                                                   "town": "Heerlen", "municipality": "Heerlen"}}, expect=201)
    ref = draft["reference"]
    assert (draft["status"], draft["channel"], draft["activation_code"]) == ("draft", "online", None)
    sees(resident, ref, "draft", ["submit"])
    refused = resident.step(ref, "submit", {"truthful": True}, expect=409)  # not every question answered yet
    assert refused["code"] == "step_not_reached"
    resident.put(f"/claims/{ref}/report/ownership/", {"owner_occupied": True, "in_owners_association": False,
                                                      "co_owners": []})
    resident.put(f"/claims/{ref}/report/representative/", {"name": ""})
    resident.post(f"/claims/{ref}/damage-items/", {"location": "Achtergevel", "kind": "crack",
                                                   "description": "Scheur van 3 mm naast het raam."}, expect=201)
    resident.post(f"/claims/{ref}/report/damage-done/")
    report = resident.put(f"/claims/{ref}/report/safety/", {"urgent": False})
    assert report["next_step"] == "check"
    assert resident.step(ref, "submit", {"truthful": True})["status"] == "submitted"
    assigned(s, ref, worker)

    # 2. Up to the decision, the same calls as claim A: EUR 2,000.
    inspect(s, ref, [("yes", "2600.00")])
    to_commission(s, ref)
    [item] = s.guide.get(f"/claims/{ref}/damage-items/")["results"]
    advise(s, ref, [{"damage_item": item["id"], "plausibility": "yes", "amount": "2000.00",
                     "reasoning": "Herstel van de scheur."}], allowance=False)
    decision = decide(s, ref, [{"damage_item": item["id"], "plausibility": "yes", "amount": "2000.00"}])
    assert decision["total"] == "2000.00"

    # 3. The resident objects through the API, within the window.
    claim = sees(resident, ref, "decided", ["file_objection"])
    assert claim["awarded_amount"] == "2000.00"
    filed = resident.post(f"/claims/{ref}/objections/", {
        "grounds": "Het bedrag is te laag: de aannemer rekent € 2.500 voor het herstel van de gevel."}, expect=201)
    assert (filed["status"], filed["late"], filed["handler"]) == ("received", False, None)
    claim = sees(resident, ref, "objection", [])
    assert claim["objection_decision_due"] == termijnen.term_end(dt.date.fromisoformat(claim["objection_due"]),
                                                                 weeks=12).isoformat()
    letter(resident, ref, "objection_received", worker)

    # 4. Not who decided (four eyes): another decision maker takes it, plans a hearing and upholds it.
    sees(s.decider, ref, "objection", [])
    s.decider.post(f"/claims/{ref}/objections/{filed['id']}/take/", expect=403)
    sees(s.handler, ref, "objection", ["decide_objection"])
    [row] = [r for r in s.handler.get("/objection-queue/")["results"] if r["reference"] == ref]
    assert row["excluded"] is False and row["objection"]["id"] == filed["id"]
    taken = s.handler.post(f"/claims/{ref}/objections/{filed['id']}/take/")
    assert (taken["status"], taken["handler"]["id"]) == ("in_progress", s.handler.user.pk)
    hearing_day = work_day(7)
    planned = s.handler.post(f"/claims/{ref}/objections/{filed['id']}/hearing/",
                             {"hearing_at": at(hearing_day, 10), "hearing_kind": "video"})
    assert planned["hearing_kind"] == "video"
    assert dt.datetime.fromisoformat(planned["hearing_at"]) == dt.datetime.fromisoformat(at(hearing_day, 10))
    upheld = s.handler.post(f"/claims/{ref}/objections/{filed['id']}/decide/", {
        "well_founded": True, "reasoning": "De offerte van de aannemer laat zien dat herstel meer kost.",
        "items": [{"damage_item": item["id"], "plausibility": "yes", "amount": "2500.00"}]}, expect=201)
    assert (upheld["kind"], upheld["total"], upheld["decided_by"]["id"]) == ("objection", "2500.00",
                                                                            s.handler.user.pk)
    # The objection was decided: nothing is left to object to, so the guide may close once it is paid.
    claim = sees(s.guide, ref, "settlement", ["close"])
    assert claim["awarded_amount"] == "2500.00"
    [objection] = resident.get(f"/claims/{ref}/objections/")
    assert (objection["status"], objection["outcome"], objection["handler"]) == ("decided", "well_founded", None)
    # The objection was used: the list no longer offers it, and filing again is refused.
    claim = sees(resident, ref, "settlement", [])
    assert claim["awarded_amount"] == "2500.00"
    again = resident.post(f"/claims/{ref}/objections/", {"grounds": "Nog steeds te laag."}, expect=409)
    assert again["code"] == "objection_twice"

    # 5. The worker renders the decision on the objection; the resident reads it.
    text = pdf_text(download(resident, letter(resident, ref, "objection_decision", worker)))
    assert ref in text and "2.500,00" in text

    # 6. The change feed: exactly this claim's steps, in order, each once.
    events = feed(s.coordinator, count=len(OBJECTION_PATH), worker=worker)
    assert {e["claim"] for e in events} == {ref}
    assert [e["name"] for e in events] == OBJECTION_PATH
    history = s.coordinator.get(f"/claims/{ref}/transitions/")["results"]
    assert [(e["name"], e["from_state"], e["to_state"]) for e in events] == [
        (h["name"], h["from_state"], h["to_state"]) for h in history]
    assert len({e["cursor"] for e in events}) == len(events)
    assert [e["to_state"] for e in events[:-1]] == [e["from_state"] for e in events[1:]]


# --- closing by hand ---------------------------------------------------------------------------------------------

def test_a_claim_in_settlement_is_not_closed_by_hand_while_the_objection_window_runs(live_server, cast):
    """Closing ends the right to object (file_objection does not start from closed), so it waits for the window
    in settlement as it does in decided (Awb 6:7); the daily task closes the claim afterwards."""
    claim = claim_in(cast, "settlement")
    assert claim.objection_due >= today()
    finance = Api(live_server.url, cast.finance, R.FINANCE, "Financiële administratie")
    sees(finance, claim.reference, "settlement", [])
    refused = finance.step(claim.reference, "close", expect=409)
    assert refused["code"] == "objection_window_open"
    sees(finance, claim.reference, "settlement", [])
