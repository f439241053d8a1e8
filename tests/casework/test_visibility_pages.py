"""Visibility of issue 4 as a table: another case guide (of another team), an expert who is not assigned, a desk
employee who did not file the claim, a resident who is not a party, and an anonymous visitor each try every
page, action and download of the staff side on claims that are not theirs. None succeeds: the answer is the
login page (anonymous), 403 or 404, the page never names the claim or the resident, and a POST changes nothing.

The controls keep the table honest: the rightful user reaches every one of these addresses (same data, same
claim), and each outsider does reach their own claim, so a broken address or a broken account cannot make the
table pass by accident.

The claims are built once for the module (through the real services) and rolled back at its end; each test
runs in its own savepoint, so a POST that got through would not leak into the next test.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from casework.models import Note, Reassignment
from casework.services.inspection import (
    damage_item_record_findings,
    damage_photo_add,
    inspection_schedule,
    inspection_submit_report,
)
from casework.urls import dossier as dossier_urls
from casework.urls import expert as expert_urls
from casework.views.dossier_actions import WORK
from claims import letters, termijnen
from claims.models import (
    Absence,
    Claim,
    ClaimTransition,
    ClockEvent,
    DamageItem,
    Document,
    Inspection,
    Letter,
    LetterKind,
    Message,
    OutgoingEmail,
    Team,
)
from claims.models.claim import TRANSITION_NAMES
from claims.timeutil import frozen, now, today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db

NAME = "Truus Schoonbrood"  # the resident of the claims under attack: never on an outsider's page
STREET = "Schandelerboord"
OWN_NAME = "Piet Ramakers"  # the outsider resident

# The state each step starts from: every step is tried on a claim where it could really be taken now.
STEP_FROM = {
    "submit": "draft",
    "start_intake": "submitted",
    "request_info": "intake",
    "receive_info": "info_requested",
    "declare_not_admissible": "intake",
    "plan_inspection": "intake",
    "record_advice": "inspection",
    "send_advice": "advice_draft",
    "revise_advice": "response_period",
    "forward_to_commission": "response_period",
    "advise": "commission_review",
    "decide": "decision_pending",
    "file_objection": "decided",
    "decide_objection": "objection",
    "start_settlement": "decided",
    "close": "settlement",
    "withdraw": "intake",
    "hold": "intake",
    "resume": "on_hold",
    "reopen": "closed",
}
# Steps nobody who may open the dossier may take (commission and decision makers have their own pages).
NO_DOSSIER_ACTOR = {"advise", "decide", "decide_objection"}
COORDINATOR_STEPS = {"submit", "start_intake", "start_settlement", "reopen"}


# --- the world ------------------------------------------------------------------------------------------------

@dataclass
class World:
    cast: Cast  # the claims' own people: resident, guide, expert, coordinator
    mine: Cast  # the outsiders: another resident, a guide of another team, another expert, another desk
    claims: dict[str, Claim]  # one claim of cast.person per state, in Heerlen
    late: Claim  # in intake, its decision term lapsed (the notice of default can be recorded)
    urgent: Claim  # in intake, acutely unsafe (the safety visit can be recorded)
    own: Claim  # the outsiders' own claim in Kerkrade, in inspection with a visit planned
    docs: dict[str, Document]
    own_docs: dict[str, Document]
    absence: Absence  # a planned absence of the claims' guide (for the team view's "end" button)
    colleague: object  # a guide of the claims' team who is not their guide (the absence's substitute)
    secrets: list[str] = field(default_factory=list)

    @property
    def target(self) -> Claim:
        return self.claims["inspection"]

    @property
    def all_claims(self) -> list[Claim]:
        return [*self.claims.values(), self.late, self.urgent]

    @property
    def advised(self) -> Claim:
        return self.claims["response_period"]


def _visit_times(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(day, dt.time(10)), zone),
            timezone.make_aware(dt.datetime.combine(day, dt.time(11)), zone))


def _visit_day() -> dt.date:
    return termijnen.roll_forward(today() + dt.timedelta(days=10))


def _pdf(name="rapport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def _png(name="scheur.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.png(), content_type="image/png")


def _jpeg(name="opname.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.jpeg(), content_type="image/jpeg")


def _record_findings(claim: Claim, expert) -> None:
    for item in claim.damage_items.order_by("position"):
        damage_item_record_findings(item=item, actor=expert, location=item.location, kind=item.kind,
                                    measurements="2 mm breed, 80 cm lang", verdict="yes", repair_cost="1250.00")


def _build_world() -> World:
    cast, mine = Cast(), Cast()
    cast.person.name = NAME
    cast.person.save(update_fields=["name"])
    mine.person.name = OWN_NAME
    mine.person.save(update_fields=["name"])
    colleague = UserFactory(role="caseworker")
    heerlen = Team.objects.create(name="Team Heerlen", municipalities=["Heerlen"])
    heerlen.members.add(cast.caseworker, colleague)
    kerkrade = Team.objects.create(name="Team Kerkrade", municipalities=["Kerkrade"])
    kerkrade.members.add(mine.caseworker)

    claims = {}
    for state in sorted(set(STEP_FROM.values()) - {"inspection", "response_period"}):
        claims[state] = claim_in(cast, state)

    # In inspection: the visit planned, a photo of the resident and one of the expert, the findings recorded
    # (so the report could be handed in), the appointment letter rendered.
    target = claim_in(cast, "inspection", items=2)
    inspection_schedule(inspection=target.inspections.get(), actor=cast.caseworker,
                        starts_at=_visit_times(_visit_day())[0], ends_at=_visit_times(_visit_day())[1])
    first, second = target.damage_items.order_by("position")
    resident_photo = store_upload(claim=target, file=_png(), kind="photo", actor=cast.resident, damage_item=first)
    expert_photo = damage_photo_add(item=second, actor=cast.expert, upload=_jpeg())
    _record_findings(target, cast.expert)
    letter = letters.render(Letter.objects.get(claim=target, kind=LetterKind.APPOINTMENT).pk)
    claims["inspection"] = target

    # In the response period, with the expert's advice report (released to the resident).
    advised = claim_in(cast, "inspection")
    _record_findings(advised, cast.expert)
    advised = inspection_submit_report(claim=advised, actor=cast.expert, upload=_pdf())
    advised = cast.fire(advised, "send_advice")
    claims["response_period"] = advised

    with frozen(now() - dt.timedelta(days=90)):
        late = claim_in(cast, "intake")

    with frozen(now() - dt.timedelta(days=1)):
        urgent = claim_in(cast, "intake", urgent=True)

    for claim in [*claims.values(), late, urgent]:
        claim.property.street = STREET
        claim.property.save(update_fields=["street"])

    # The outsiders' own claim: filed at the desk by mine.desk, guided by mine.caseworker, inspected by mine.expert.
    own = draft_claim(applicant=mine.person, filed_by=mine.desk, municipality="Kerkrade")
    for name in ("submit", "start_intake", "plan_inspection"):
        own = mine.fire(own, name)
    inspection_schedule(inspection=own.inspections.get(), actor=mine.caseworker,
                        starts_at=_visit_times(_visit_day())[0], ends_at=_visit_times(_visit_day())[1])
    own_docs = {
        "scan": store_upload(claim=own, file=_pdf("scan.pdf"), kind="scan", actor=mine.desk),
        "photo": store_upload(claim=own, file=_png(), kind="photo", actor=mine.resident,
                              damage_item=own.damage_items.first()),
    }

    absence = Absence.objects.create(user=cast.caseworker, substitute=colleague, reason="verlof",
                                     starts_on=today() + dt.timedelta(days=30),
                                     ends_on=today() + dt.timedelta(days=40))
    world = World(
        cast=cast, mine=mine, claims={k: Claim.objects.get(pk=c.pk) for k, c in claims.items()},
        late=Claim.objects.get(pk=late.pk), urgent=Claim.objects.get(pk=urgent.pk), own=Claim.objects.get(pk=own.pk),
        docs={"resident_photo": resident_photo, "expert_photo": expert_photo,
              "advice_report": advised.inspections.get().report, "letter": letter.document},
        own_docs=own_docs, absence=absence, colleague=colleague,
    )
    world.secrets = [NAME, STREET, *(c.reference for c in world.all_claims)]
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("visibility-files")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


# --- the addresses --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Try:
    """One address of issue 4 and what is sent to it. `build(world)` gives (url, data)."""

    id: str
    method: str
    build: Callable[[World], tuple[str, dict]]
    get_only: bool = False  # a page that only reads: a POST may also be refused as 405 (which tells nothing)
    lists: bool = False  # a list (200 for some roles): it must simply not show the claim
    download: bool = False
    rightful: str = ""  # who may do this (a World attribute path), for the control; "" = nobody from these pages
    rightful_changes: bool = True  # a POST of the rightful user changes the database


def _ref(claim: Claim) -> str:
    return claim.reference


def dossier_url(claim: Claim) -> str:
    return reverse("casework:dossier", kwargs={"reference": claim.reference})


def access_log_url(claim: Claim) -> str:
    return reverse("casework:dossier_access_log", kwargs={"reference": claim.reference})


def step_url(claim: Claim, name: str) -> str:
    return reverse("casework:dossier_step", kwargs={"reference": claim.reference, "name": name})


def work_url(claim: Claim, key: str) -> str:
    return reverse(f"casework:dossier_{key}", kwargs={"reference": claim.reference})


def expert_url(name: str, claim: Claim, **kwargs) -> str:
    return reverse(f"casework:{name}", kwargs={"reference": claim.reference, **kwargs})


def step_data(world: World, name: str) -> dict:
    day = _visit_day()
    return {
        "start_intake": {"caseworker": world.mine.caseworker.pk, "reason": ""},
        "request_info": {"reason": "Stuur foto's van de scheur.", "reply_days": "14"},
        "receive_info": {"reason": "Foto's kwamen per post binnen."},
        "declare_not_admissible": {"reason": "De woning ligt buiten het gebied."},
        "plan_inspection": {"expert": world.mine.expert.pk, "visit_date": day.isoformat(), "visit_start": "10:00",
                            "visit_end": "11:00", "reason": ""},
        "record_advice": {"reason": "Het rapport kwam per post."},
        "revise_advice": {"reason": "De zienswijze noemt een nieuwe scheur."},
        "decide": {"outcome": "granted", "awarded_amount": "1000", "reason": "Toegekend."},
        "file_objection": {"reason": "Het bedrag is te laag.", "late_excuse": ""},
        "decide_objection": {"reason": "Ongegrond.", "awarded_amount": ""},
        "withdraw": {"reason": "De bewoner belde en wil niet verder."},
        "hold": {"reason": "De bewoner ligt in het ziekenhuis."},
        "resume": {"reason": "De bewoner is weer thuis."},
        "reopen": {"reason": "Nieuwe scheuren in dezelfde muur."},
    }.get(name, {"reason": ""})


def work_claim(world: World, key: str) -> Claim:
    return {"response": world.advised, "default": world.late, "safety": world.urgent}.get(key, world.target)


def work_data(world: World, key: str) -> dict:
    day = _visit_day()
    return {
        "note": {"note-body": "Interne notitie van een buitenstaander."},
        "call": {"call-direction": "out", "call-spoke_with": "de bewoner", "call-body": "Gebeld over de scheur."},
        "message": {"message-body": "Bericht van een buitenstaander."},
        "response": {"response-body": "Ik ben het niet eens met het advies.",
                     "response-received_on": today().isoformat()},
        "extend": {"extend-weeks": "6", "extend-reason": "Meer tijd nodig."},
        "default": {"default-received_on": today().isoformat(), "default-reason": "Brief van de advocaat."},
        "reassign": {"reassign-to_guide": world.mine.caseworker.pk, "reassign-reason": "Overname.",
                     "reassign-handover": "Alles staat in het dossier."},
        "visit": {"visit-visit_date": termijnen.roll_forward(day + dt.timedelta(days=1)).isoformat(),
                  "visit-visit_start": "13:00", "visit-visit_end": "14:00"},
        "replace": {"replace-expert": world.mine.expert.pk, "replace-reason": "Bezwaar van de bewoner."},
        "safety": {"safety-visited_on": today().isoformat(),
                   "safety-visited_time": timezone.localtime(now()).strftime("%H:%M"),
                   "safety-findings": "Niemand gezien."},
    }[key]


def _step_rightful(name: str) -> str:
    if name in NO_DOSSIER_ACTOR:
        return ""
    return "cast.coordinator" if name in COORDINATOR_STEPS else "cast.caseworker"


def _item(world: World, position: int) -> DamageItem:
    return world.target.damage_items.get(position=position)


def _findings(world: World) -> dict:
    item = _item(world, 1)
    prefix = f"item{item.pk}"
    return {f"{prefix}-location": "Gevel voorkant", f"{prefix}-kind": item.kind, f"{prefix}-measurements": "3 mm",
            f"{prefix}-expert_notes": "Gezien.", f"{prefix}-verdict": "partly", f"{prefix}-repair_cost": "999,00"}


def _new_item() -> dict:
    return {"new-location": "Schuur", "new-kind": "crack", "new-description": "Scheur in de schuur.",
            "new-measurements": "", "new-expert_notes": "", "new-verdict": "no", "new-repair_cost": ""}


def _search(claim: Claim) -> str:
    home = claim.property
    return f"{home.postcode} {home.house_number}"


def _step_try(name: str, method: str) -> Try:
    def build(w: World) -> tuple[str, dict]:
        return step_url(w.claims[STEP_FROM[name]], name), step_data(w, name)

    return Try(f"step-{name}-{method}", method, build, rightful=_step_rightful(name))


def _work_try(key: str, method: str) -> Try:
    def build(w: World) -> tuple[str, dict]:
        return work_url(work_claim(w, key), key), work_data(w, key)

    return Try(f"work-{key}-{method}", method, build,
               rightful="cast.coordinator" if key == "reassign" else "cast.caseworker")


def _download_try(kind: str) -> Try:
    def build(w: World) -> tuple[str, dict]:
        return reverse("claims:document_download", args=[w.docs[kind].pk]), {}

    return Try(f"download-{kind}", "GET", build, download=True, rightful="cast.caseworker")


TRIES: list[Try] = [
    # The dossier itself.
    Try("dossier-GET", "GET", lambda w: (dossier_url(w.target), {}), rightful="cast.caseworker"),
    Try("dossier-POST", "POST", lambda w: (dossier_url(w.target), {"note-body": "x"}), get_only=True,
        rightful="cast.caseworker", rightful_changes=False),
    # Who has looked at the claim: the coordinator's page.
    Try("access-log-GET", "GET", lambda w: (access_log_url(w.target), {}), rightful="cast.coordinator"),
    Try("access-log-POST", "POST", lambda w: (access_log_url(w.target), {}), get_only=True,
        rightful="cast.coordinator", rightful_changes=False),
    # Every step, on a claim in the state it starts from.
    *(_step_try(name, method) for name in TRANSITION_NAMES for method in ("GET", "POST")),
    # Every piece of work on the claim.
    *(_work_try(key, method) for key in WORK for method in ("GET", "POST")),
    # Lists and the export: an outsider may open them, but the claim is not in them.
    Try("caseload-q-reference", "GET", lambda w: (reverse("casework:caseload") + "?q=" + _ref(w.target), {}),
        lists=True, rightful="cast.caseworker"),
    Try("caseload-q-postcode", "GET",
        lambda w: (reverse("casework:caseload") + "?" + urlencode({"q": _search(w.target)}), {}),
        lists=True, rightful="cast.caseworker"),
    Try("caseload-csv", "GET", lambda w: (reverse("casework:caseload_csv") + "?q=" + _ref(w.target), {}),
        lists=True, download=True, rightful="cast.caseworker"),
    Try("caseload-csv-postcode", "GET",
        lambda w: (reverse("casework:caseload_csv") + "?" + urlencode({"q": _search(w.target)}), {}),
        lists=True, download=True, rightful="cast.caseworker"),
    Try("caseload-POST-reassign", "POST",
        lambda w: (reverse("casework:caseload"), {"references": [_ref(w.target)], "to_guide": w.mine.caseworker.pk,
                                                   "reason": "Overname.", "handover": ""}),
        rightful="cast.coordinator"),
    Try("team-GET", "GET", lambda w: (reverse("casework:team"), {}), lists=True, rightful="cast.coordinator"),
    Try("team-POST-reassign", "POST",
        lambda w: (reverse("casework:team"), {"references": [_ref(w.target)], "to_guide": w.mine.caseworker.pk,
                                              "reason": "Overname.", "handover": ""}),
        rightful="cast.coordinator"),
    Try("team-absence-POST", "POST",
        lambda w: (reverse("casework:team_absence"), {
            "absence-user": w.cast.caseworker.pk, "absence-substitute": w.mine.caseworker.pk,
            "absence-starts_on": today().isoformat(), "absence-ends_on": (today() + dt.timedelta(days=5)).isoformat(),
            "absence-reason": "verlof"}),
        rightful="cast.coordinator"),
    Try("team-absence-end-POST", "POST",
        lambda w: (reverse("casework:team_absence_end", kwargs={"pk": w.absence.pk}), {}),
        rightful="cast.coordinator"),
    # Locked logins and second factors (the control for the coordinator: tests/casework/test_account_unlock.py).
    Try("team-logins-GET", "GET", lambda w: (reverse("casework:team_logins"), {})),
    Try("team-logins-unlock-POST", "POST",
        lambda w: (reverse("casework:team_login_unlock", kwargs={"pk": w.cast.resident.pk}), {}),
        rightful="cast.coordinator", rightful_changes=False),
    Try("team-logins-second-factor-POST", "POST",
        lambda w: (reverse("casework:team_login_second_factor_reset", kwargs={"pk": w.cast.caseworker.pk}), {}),
        rightful="cast.coordinator", rightful_changes=False),
    # The management dashboard (issue 8): figures only, for coordinators (tests/casework/test_dashboard.py).
    Try("dashboard-GET", "GET", lambda w: (reverse("casework:dashboard") + "?municipality=Heerlen", {})),
    Try("dashboard-csv", "GET", lambda w: (reverse("casework:dashboard_csv"), {}), download=True),
    # The expert's pages.
    Try("expert-home", "GET", lambda w: (reverse("casework:expert_home"), {}), lists=True, rightful="cast.expert"),
    Try("expert-inspection-GET", "GET", lambda w: (expert_url("expert_inspection", w.target), {}),
        rightful="cast.expert"),
    Try("expert-ics", "GET", lambda w: (expert_url("expert_ics", w.target), {}), download=True,
        rightful="cast.expert"),
    Try("expert-visit-POST", "POST",
        lambda w: (expert_url("expert_visit", w.target),
                   {"visit-visited_at": timezone.localtime(now()).strftime("%Y-%m-%dT%H:%M")}),
        rightful="cast.expert"),
    Try("expert-add-item-POST", "POST", lambda w: (expert_url("expert_add_item", w.target), _new_item()),
        rightful="cast.expert"),
    Try("expert-findings-POST", "POST",
        lambda w: (expert_url("expert_findings", w.target, item=_item(w, 1).pk), _findings(w)),
        rightful="cast.expert"),
    Try("expert-photo-POST", "POST",
        lambda w: (expert_url("expert_photo", w.target, item=_item(w, 2).pk),
                   {f"photo{_item(w, 2).pk}-photo": _jpeg()}),
        rightful="cast.expert"),
    Try("expert-report-POST", "POST",
        lambda w: (expert_url("expert_report", w.target), {"report-report": _pdf(), "report-confirm": "on"}),
        rightful="cast.expert"),
    # The resident's side of the inspection.
    Try("portal-claim", "GET", lambda w: (reverse("claims:portal_claim", args=[_ref(w.target)]), {}),
        rightful="cast.resident"),
    Try("portal-ics", "GET", lambda w: (reverse("claims:portal_ics", args=[_ref(w.target)]), {}), download=True,
        rightful="cast.resident"),
    Try("portal-expert-objection-GET", "GET",
        lambda w: (reverse("claims:portal_expert_objection", args=[_ref(w.target)]), {}), rightful="cast.resident"),
    Try("portal-expert-objection-POST", "POST",
        lambda w: (reverse("claims:portal_expert_objection", args=[_ref(w.target)]),
                   {"reason": "De deskundige is mijn buurman."}),
        rightful="cast.resident"),
    # Mijn gegevens downloaden (AVG art. 15): another resident gets their own page and ZIP, never these claims;
    # staff get 403 (the ZIP's own contents: tests/claims/test_personal_data_export.py).
    Try("portal-personal-data-GET", "GET", lambda w: (reverse("claims:portal_personal_data"), {}), lists=True,
        rightful="cast.resident"),
    Try("portal-personal-data-POST", "POST", lambda w: (reverse("claims:portal_personal_data"), {}), lists=True,
        download=True),
    # Downloads of the claims' documents.
    *(_download_try(kind) for kind in ("resident_photo", "expert_photo", "advice_report", "letter")),
]
TRY_IDS = [t.id for t in TRIES]
assert len(TRY_IDS) == len(set(TRY_IDS))

ACTORS = ["other_guide", "other_expert", "other_desk", "other_resident", "anonymous"]


def actor_of(world: World, who: str):
    return {
        "other_guide": world.mine.caseworker,
        "other_expert": world.mine.expert,
        "other_desk": world.mine.desk,
        "other_resident": world.mine.resident,
        "anonymous": None,
    }[who]


def rightful_of(world: World, path: str):
    owner, name = path.split(".")
    return getattr(getattr(world, owner), name)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, method: str, url: str, data: dict):
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


def raw_of(response) -> bytes:
    """The body as bytes, read once (a download streams)."""
    if not hasattr(response, "_raw"):
        streaming = getattr(response, "streaming", False)
        response._raw = b"".join(response.streaming_content) if streaming else response.content
    return response._raw


def body_of(response) -> str:
    return raw_of(response).decode("utf-8", errors="replace")


# --- what must not change -------------------------------------------------------------------------------------

COUNTED = (Note, Message, ClaimTransition, Inspection, Document, DamageItem, Reassignment, ClockEvent, Letter,
           Absence, OutgoingEmail, Claim)


def snapshot() -> dict:
    state = {model.__name__: model.objects.count() for model in COUNTED}
    state["claims"] = list(Claim.objects.order_by("pk").values_list(
        "pk", "status", "caseworker_id", "expert_id", "decision_due", "reply_due", "clock_suspended", "updated_at"))
    state["items"] = list(DamageItem.objects.order_by("pk").values_list(
        "pk", "location", "kind", "measurements", "expert_notes", "expert_verdict", "repair_cost"))
    state["inspections"] = list(Inspection.objects.order_by("pk").values_list(
        "pk", "status", "expert_id", "starts_at", "ends_at", "visited_at", "report_id"))
    state["absences"] = list(Absence.objects.order_by("pk").values_list("pk", "user_id", "starts_on", "ends_on"))
    return state


# --- the table ------------------------------------------------------------------------------------------------

def test_the_table_covers_every_address_of_the_dossier_and_the_expert():
    """A new route in casework/urls/dossier.py or expert.py without a row here makes this test fail."""
    dossier_names = {p.name for p in dossier_urls.urlpatterns}
    assert dossier_names == {"dossier", "dossier_access_log", "dossier_step", *(f"dossier_{key}" for key in WORK)}
    assert set(STEP_FROM) == set(TRANSITION_NAMES)
    assert {f"step-{name}-POST" for name in TRANSITION_NAMES} <= set(TRY_IDS)
    assert {f"work-{key}-POST" for key in WORK} <= set(TRY_IDS)
    expert_names = {p.name for p in expert_urls.urlpatterns}
    covered = {"expert_home", "expert_inspection", "expert_ics", "expert_visit", "expert_add_item",
               "expert_findings", "expert_photo", "expert_report"}
    assert expert_names == covered


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("attempt", TRIES, ids=TRY_IDS)
def test_an_outsider_gets_nothing(world, who, attempt):
    url, data = attempt.build(world)
    user = actor_of(world, who)
    client = client_for(user)
    before = snapshot() if attempt.method == "POST" else None

    response = send(client, attempt.method, url, data)

    allowed = {403, 404}
    if user is None:
        allowed = {302}
    if attempt.get_only and attempt.method == "POST":
        allowed.add(405)
    if attempt.lists and user is not None:
        allowed.add(200)
    assert response.status_code in allowed, f"{who} {attempt.method} {url}: {response.status_code}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("claims:login") + "?next=")
    body = body_of(response)
    if attempt.lists:
        # A list echoes what was searched for (search box, CSV link, language switch); the claim must not be there.
        reference = world.target.reference
        body = body.replace(f"q={reference}", "").replace(f'value="{reference}"', "")
    leaked = [secret for secret in world.secrets if secret in body]
    assert not leaked, f"{who} {attempt.method} {url} shows {leaked}"
    if before is not None:
        assert snapshot() == before, f"{who} {attempt.method} {url} changed the database"


@pytest.mark.parametrize("attempt", [t for t in TRIES if t.rightful], ids=[t.id for t in TRIES if t.rightful])
def test_the_rightful_user_gets_there(world, attempt):
    """The control: with the same address and data, the claim's own people get the claim (or their change)."""
    url, data = attempt.build(world)
    client = client_for(rightful_of(world, attempt.rightful))
    before = snapshot() if attempt.method == "POST" else None

    if attempt.id == "step-close-POST":
        # Closing waits for the objection window (Awb 6:7): the guide closes on the first day after it.
        settled = world.claims["settlement"]
        with frozen(dt.datetime.combine(settled.objection_due + dt.timedelta(days=1), dt.time(10))):
            response = send(client, attempt.method, url, data)
    else:
        response = send(client, attempt.method, url, data)
    body = body_of(response)

    if attempt.method == "GET":
        assert response.status_code == 200, f"{attempt.id}: {response.status_code}"
        if attempt.id.startswith("download-"):
            document = world.docs[attempt.id.removeprefix("download-")]
            with document.file.open("rb") as stored:
                assert raw_of(response) == stored.read()
        else:
            references = [c.reference for c in world.all_claims]
            assert any(reference in body for reference in references), f"{attempt.id}: no claim on the page"
    elif attempt.get_only:
        assert response.status_code == 405
    else:
        assert response.status_code == 302, f"{attempt.id}: {response.status_code}\n{body[:3000]}"
        assert not response["Location"].startswith(reverse("claims:login"))
        if attempt.rightful_changes:
            assert snapshot() != before, f"{attempt.id}: the rightful user's POST changed nothing"


OWN_PAGES = {
    "other_guide": [
        lambda w: (dossier_url(w.own), w.own.reference),
        lambda w: (reverse("casework:caseload") + "?q=" + w.own.reference, f"/werk/zaken/{w.own.reference}/"),
        lambda w: (reverse("casework:caseload_csv") + "?q=" + w.own.reference, w.own.reference),
    ],
    "other_expert": [
        lambda w: (reverse("casework:expert_home"), w.own.reference),
        lambda w: (expert_url("expert_inspection", w.own), w.own.reference),
        lambda w: (expert_url("expert_ics", w.own), w.own.reference),
    ],
    "other_desk": [
        lambda w: (reverse("claims:document_download", args=[w.own_docs["scan"].pk]), None),
    ],
    "other_resident": [
        lambda w: (reverse("claims:portal_claim", args=[w.own.reference]), w.own.reference),
        lambda w: (reverse("claims:portal_ics", args=[w.own.reference]), w.own.reference),
        lambda w: (reverse("claims:portal_expert_objection", args=[w.own.reference]), w.own.reference),
        lambda w: (reverse("claims:document_download", args=[w.own_docs["photo"].pk]), None),
    ],
}


@pytest.mark.parametrize("who", list(OWN_PAGES))
def test_each_outsider_does_reach_their_own_claim(world, who):
    """The control for the actors: their accounts and roles work; only the claims of others are closed."""
    client = client_for(actor_of(world, who))
    for page in OWN_PAGES[who]:
        url, expected = page(world)
        response = client.get(url)
        assert response.status_code == 200, f"{who} GET {url}: {response.status_code}"
        if expected is not None:
            assert expected in body_of(response), f"{who} GET {url} does not show {expected}"


DOSSIER_POSTS = [t for t in TRIES if t.method == "POST" and t.id.startswith(("step-", "work-"))]


@pytest.mark.parametrize("attempt", DOSSIER_POSTS, ids=[t.id for t in DOSSIER_POSTS])
def test_a_team_colleague_reads_but_changes_nothing(world, attempt):
    """A guide of the claim's own team may read the dossier, but no step or piece of work is theirs."""
    url, data = attempt.build(world)
    client = client_for(world.colleague)
    assert client.get(dossier_url(world.target)).status_code == 200
    before = snapshot()
    response = client.post(url, data)
    expected = 404 if attempt.id == "step-submit-POST" else 403  # a draft is not the team's business yet
    assert response.status_code == expected, f"{attempt.id}: {response.status_code}"
    assert snapshot() == before


# --- the login steps (issue 7): about the person who logs in, never about a claim ------------------------------

LOGIN_STEP_TRIES = [
    ("login_code", "GET", {}), ("login_code", "POST", {"code": "123456"}),
    ("two_factor_setup", "GET", {}), ("two_factor_setup", "POST", {"code": "123456"}),
    ("two_factor_backup_codes", "GET", {}), ("two_factor_off", "POST", {"password": "niet het wachtwoord"}),
]


def test_the_login_step_table_covers_every_route_of_the_second_step():
    from claims.urls import accounts as account_urls

    second_step = {p.name for p in account_urls.urlpatterns if p.name.startswith(("login_", "two_factor_"))}
    assert second_step == {name for name, _method, _data in LOGIN_STEP_TRIES}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("name,method,data", LOGIN_STEP_TRIES, ids=[f"{n}-{m}" for n, m, _d in LOGIN_STEP_TRIES])
def test_the_login_steps_show_no_claim_and_change_nothing(world, who, name, method, data):
    """Without a pending login there is nothing to confirm: the login page, the person's own setup, or a refusal."""
    url = reverse(f"claims:{name}")
    before = snapshot()
    response = send(client_for(actor_of(world, who)), method, url, data)
    assert response.status_code in {200, 302, 403, 405}, f"{who} {method} {url}: {response.status_code}"
    leaked = [secret for secret in world.secrets if secret in body_of(response)]
    assert not leaked, f"{who} {method} {url} shows {leaked}"
    assert snapshot() == before
