"""Objections (bezwaar): recorded when filed (portal or paper), the decision makers' queue with the 12-week term,
four eyes, and the handler's work (take it on, hearing, decide) through the services and the pages."""

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import CommissionAdvice, Decision, DecisionItem, ItemAdvice, Note, Objection, Route
from casework.services.objections import (
    objection_decide,
    objection_hearing,
    objection_record,
    objection_take,
    objections_visible_to,
)
from casework.signals import record_objection
from claims import roles as R
from claims import termijnen
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import ClaimTransition, Document, DocumentKind, Letter, LetterKind
from claims.services import claim_transition
from claims.services.portal import objection_file
from claims.states import State
from claims.timeutil import frozen, now, today
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

GROUNDS = "De scheur in de gevel is veel groter dan de deskundige opschreef."
REASONING = "Wij hebben de foto's opnieuw bekeken. Het bedrag blijft zoals het was."


# --- helpers -----------------------------------------------------------------------------------------------------

def queue_url() -> str:
    return reverse("casework:objections_queue")


def claim_url(claim, action: str = "") -> str:
    name = {"": "objection_claim", "take": "objection_take", "hearing": "objection_hearing",
            "decide": "objection_decide"}[action]
    return reverse(f"casework:{name}", kwargs={"reference": claim.reference})


def token_on(response, prefix: str = "") -> str:
    """The one-time token of a form on the page (casework/forms/once.py)."""
    name = f"{prefix}-form_token" if prefix else "form_token"
    return re.search(rf'name="{name}" value="([0-9a-f]{{32}})"', response.content.decode()).group(1)


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'").replace("&amp;", "&")


def with_first_decision(cast, claim, *, amounts=("3000.00", "1250.00"), plausibility=("yes", "partly"),
                        outcome="partly_granted", allowance="0.00"):
    """The decision on the application as the decisions page keeps it (the lifecycle's `decide` was fired by
    `claim_in`): a Decision with its items, on a commission advice; total = items + allowance."""
    items = list(claim.damage_items.order_by("position"))
    amounts = [Decimal(a) for a in amounts]
    items_total = sum(amounts, Decimal("0.00"))
    advice = CommissionAdvice.objects.create(
        claim=claim, member=cast.commission, reasoning="Advies.", items_total=items_total,
        inspection_allowance=Decimal(allowance), statutory_interest=Decimal("0.00"),
        total=items_total + Decimal(allowance))
    for item, amount, plaus in zip(items, amounts, plausibility, strict=True):
        ItemAdvice.objects.create(advice=advice, damage_item=item, plausibility=plaus, amount=amount,
                                  percentage=60 if plaus == "partly" else None, reasoning=f"Advies {item.position}.")
    decision = Decision.objects.create(claim=claim, kind=Decision.Kind.FIRST, advice=advice, outcome=outcome,
                                       total=advice.total, route=Route.MONEY, reasoning="Besluit.",
                                       decided_by=cast.decision_maker)
    for item, amount, plaus in zip(items, amounts, plausibility, strict=True):
        DecisionItem.objects.create(decision=decision, damage_item=item, plausibility=plaus, amount=amount)
    return decision


def objection_claim(cast, *, award="4250.00", **decision_kwargs):
    """A claim in `objection` against a decision of `award` (items 3000 + 1250 unless told otherwise)."""
    claim = claim_in(cast, "decision_pending", items=2)
    outcome = "rejected" if Decimal(award) == 0 else "partly_granted"
    claim = cast.fire(claim, "decide", outcome=outcome, awarded_amount=Decimal(award))
    if Decimal(award) == 0:
        decision_kwargs.setdefault("amounts", ("0.00", "0.00"))
        decision_kwargs.setdefault("plausibility", ("no", "no"))
        decision_kwargs.setdefault("outcome", "rejected")
    with_first_decision(cast, claim, **decision_kwargs)
    return objection_file(claim=claim, actor=cast.resident, grounds=GROUNDS)


def new_items(claim, *amounts, plausibility=None):
    items = list(claim.damage_items.order_by("position"))
    plausibility = plausibility or ["yes"] * len(items)
    return [{"damage_item": item.pk, "plausibility": p, "amount": Decimal(a), "percentage": 50 if p == "partly"
             else None} for item, a, p in zip(items, amounts, plausibility, strict=True)]


def decide_post(claim, *, outcome="unfounded", reasoning=REASONING, amounts=None, plausibility=None,
                percentage=None, token=""):
    data = {"decide-outcome": outcome, "decide-reasoning": reasoning, "decide-form_token": token}
    for index, item in enumerate(claim.damage_items.order_by("position")):
        data[f"decide-item_{item.pk}_plausibility"] = (plausibility or ["yes", "yes"])[index]
        data[f"decide-item_{item.pk}_amount"] = (amounts or ["3000,00", "1250,00"])[index]
        data[f"decide-item_{item.pk}_percentage"] = (percentage or ["", ""])[index]
    return data


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def handler(client, cast):
    client.force_login(cast.objection_handler)
    return client


# --- recording: one objection per filing ---------------------------------------------------------------------

def test_an_objection_from_the_portal_is_recorded_once(cast):
    claim = claim_in(cast, "decided")
    objection_file(claim=claim, actor=cast.resident, grounds=GROUNDS)
    objection = Objection.objects.get(claim=claim)
    step = ClaimTransition.objects.get(claim=claim, name="file_objection")
    assert (objection.grounds, objection.received_on, objection.late, objection.late_excuse) == (
        GROUNDS, today(), False, "")
    assert objection.created_at == step.created_at
    assert objection.handler is None and objection.outcome == "" and objection.decision is None


def test_a_paper_objection_recorded_by_the_guide_late_with_its_excuse(cast):
    claim = claim_in(cast, "decided")
    late_day = termijnen.roll_forward(claim.objection_due + dt.timedelta(days=3))
    moment = timezone.make_aware(dt.datetime.combine(late_day, dt.time(10, 30)))
    with frozen(moment):
        claim_transition(claim=claim, name="file_objection", actor=cast.caseworker, reason="Brief van 2 mei.",
                         late_excuse="Mevrouw lag in het ziekenhuis.")
    objection = Objection.objects.get(claim=claim)
    assert objection.received_on == late_day
    assert objection.late is True
    assert objection.late_excuse == "Mevrouw lag in het ziekenhuis."
    assert objection.grounds == "Brief van 2 mei."


def test_a_late_objection_without_excuse_is_refused_and_nothing_is_recorded(cast):
    claim = claim_in(cast, "decided")
    late = timezone.make_aware(dt.datetime.combine(claim.objection_due + dt.timedelta(days=1), dt.time(9)))
    with frozen(late), pytest.raises(TransitionRefused):
        claim_transition(claim=claim, name="file_objection", actor=cast.caseworker, reason="Te laat.")
    assert not Objection.objects.filter(claim=claim).exists()


def test_recording_twice_for_the_same_step_keeps_one_objection(cast):
    claim = claim_in(cast, "objection")
    step = ClaimTransition.objects.get(claim=claim, name="file_objection")
    assert objection_record(transition=step) == Objection.objects.get(claim=claim)
    record_objection(sender=ClaimTransition, instance=step, created=True)
    assert Objection.objects.filter(claim=claim).count() == 1


def test_other_steps_and_raw_saves_record_no_objection(cast):
    claim = claim_in(cast, "decided")
    step = ClaimTransition.objects.get(claim=claim, name="decide")
    record_objection(sender=ClaimTransition, instance=step, created=True)
    assert not Objection.objects.exists()


def test_after_the_decision_on_the_objection_a_second_objection_is_refused(cast):
    """Objection → unfounded → settlement: the next step is the court (beroep), not another objection."""
    claim = objection_claim(cast)
    objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None, reasoning=REASONING)
    claim.refresh_from_db()
    assert claim.status == State.SETTLEMENT
    with pytest.raises(TransitionRefused) as refused:
        claim_transition(claim=claim, name="file_objection", actor=cast.caseworker, reason="Nog een bezwaar.",
                         late_excuse="Nieuwe feiten.")
    assert refused.value.code == "objection_twice"
    assert Objection.objects.filter(claim=claim).count() == 1


# --- the queue: who sees it, four eyes, the 12-week term -------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    (R.DECISION_MAKER, 200),
    (R.COMMISSION, 403),
    (R.CASEWORKER, 403),
    (R.COORDINATOR, 403),
    (R.FINANCE, 403),
    (R.EXPERT, 403),
    (R.DESK, 403),
    (R.RESIDENT, 403),
])
def test_roles_table_for_the_queue_and_the_claim_page(client, cast, role, status):
    claim = objection_claim(cast)
    user = cast.resident if role == R.RESIDENT else UserFactory(role=role)
    client.force_login(user)
    assert client.get(queue_url()).status_code == status
    assert client.get(claim_url(claim)).status_code == status
    if status == 403:
        for action in ("take", "hearing", "decide"):
            assert client.post(claim_url(claim, action), decide_post(claim)).status_code == 403
        assert Objection.objects.get(claim=claim).handler is None


def test_anonymous_goes_to_the_login_page(client, cast):
    claim = objection_claim(cast)
    for url in (queue_url(), claim_url(claim)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("claims:login") in response["Location"]
    response = client.post(claim_url(claim, "decide"), decide_post(claim))
    assert response.status_code == 302
    assert Objection.objects.get(claim=claim).outcome == ""


def test_the_queue_holds_only_claims_in_objection(handler, cast):
    in_objection = objection_claim(cast)
    others = [claim_in(cast, state) for state in ("decision_pending", "decided", "settlement", "closed")]
    assert list(objections_visible_to(cast.objection_handler)) == [in_objection]
    assert objections_visible_to(cast.caseworker).count() == 0
    assert objections_visible_to(cast.coordinator).count() == 0  # the queue is the decision makers'
    page = text_of(handler.get(queue_url()))
    assert in_objection.reference in page
    assert not any(other.reference in page for other in others)


def test_the_queue_shows_received_late_handler_hearing_and_days_left(handler, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    hearing_at = timezone.make_aware(dt.datetime.combine(today() + dt.timedelta(days=7), dt.time(14, 0)))
    objection_hearing(claim=claim, actor=cast.objection_handler, hearing_at=hearing_at, kind="video")
    claim.refresh_from_db()
    response = handler.get(queue_url())
    page = text_of(response)
    days_left = (claim.objection_decision_due - today()).days
    assert f'href="{claim_url(claim)}"' in response.content.decode()
    assert cast.objection_handler.username in page
    assert "Via video" in page
    assert str(days_left) in page
    assert Objection.objects.get(claim=claim).received_on.strftime("%Y") in page


def test_the_original_decision_maker_sees_the_claim_without_a_link_and_may_not_act(client, cast):
    claim = objection_claim(cast)
    client.force_login(cast.decision_maker)
    response = client.get(queue_url())
    assert claim.reference in text_of(response)
    assert claim_url(claim) not in response.content.decode()
    assert "vier ogen" in text_of(response)
    assert client.get(claim_url(claim)).status_code == 403
    assert client.post(claim_url(claim, "take"), {}).status_code == 403
    assert client.post(claim_url(claim, "hearing"), {"hearing-hearing_date": "2030-01-02",
                                                     "hearing-hearing_time": "10:00",
                                                     "hearing-kind": "video"}).status_code == 403
    assert client.post(claim_url(claim, "decide"), decide_post(claim)).status_code == 403
    objection = Objection.objects.get(claim=claim)
    assert (objection.handler, objection.hearing_at, objection.outcome) == (None, None, "")
    claim.refresh_from_db()
    assert claim.status == State.OBJECTION
    with pytest.raises(TransitionForbidden):
        objection_take(claim=claim, actor=cast.decision_maker)
    with pytest.raises(TransitionForbidden):
        objection_decide(claim=claim, actor=cast.decision_maker, well_founded=False, items=None, reasoning="X")


def test_a_decision_maker_who_was_in_the_commission_may_not_handle_it(client, cast):
    claim = claim_in(cast, "commission_review", items=2)
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    claim = claim_transition(claim=claim, name="advise", actor=both)
    claim = cast.fire(claim, "decide", outcome="granted", awarded_amount=Decimal("4250.00"))
    with_first_decision(cast, claim)
    objection_file(claim=claim, actor=cast.resident, grounds=GROUNDS)
    client.force_login(both)
    assert claim_url(claim) not in client.get(queue_url()).content.decode()
    assert client.get(claim_url(claim)).status_code == 403


def test_an_unknown_or_not_objected_claim_is_a_404(handler, cast):
    decided = claim_in(cast, "decided")
    assert handler.get(claim_url(decided)).status_code == 404
    assert handler.post(claim_url(decided, "decide"), decide_post(decided)).status_code == 404
    assert handler.get("/besluiten/bezwaren/MS-2026-999999/").status_code == 404


def test_the_12_week_term_is_marked_due_soon_and_overdue(handler, cast):
    claim = objection_claim(cast)
    claim.refresh_from_db()
    due = claim.objection_decision_due
    assert due == termijnen.term_end(claim.objection_due, weeks=12)

    def row():
        page = text_of(handler.get(queue_url()))
        return page[page.index(claim.reference):]

    assert "Binnen 10 werkdagen" not in row() and "Termijn verstreken" not in row()
    with frozen(timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(9)))):
        assert "Binnen 10 werkdagen" in row()
        assert " 3 " in f" {row()} "
        detail = text_of(handler.get(claim_url(claim)))
        assert "nog 3 dagen" in detail
    with frozen(timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=2), dt.time(9)))):
        assert "Termijn verstreken" in row()
        assert "2 dagen te laat" in row()


def test_the_queue_sorts_the_shortest_term_first(handler, cast):
    first = objection_claim(cast)
    with frozen(now() + dt.timedelta(days=7)):
        second = objection_claim(cast)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.objection_decision_due < second.objection_decision_due
    page = text_of(handler.get(queue_url()))
    assert page.index(first.reference) < page.index(second.reference)


def test_the_queue_runs_the_same_number_of_queries_for_more_claims(handler, cast):
    objection_claim(cast)
    with CaptureQueriesContext(connection) as one:
        assert handler.get(queue_url()).status_code == 200
    for _ in range(4):
        claim = objection_claim(cast)
        objection_take(claim=claim, actor=cast.objection_handler)
    with CaptureQueriesContext(connection) as five:
        response = handler.get(queue_url())
    assert text_of(response).count("MS-") >= 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


# --- the claim page ----------------------------------------------------------------------------------------------

def test_the_page_shows_the_decision_the_grounds_and_the_timeline(handler, cast):
    claim = objection_claim(cast)
    page = text_of(handler.get(claim_url(claim)))
    assert GROUNDS in page
    assert "€ 4.250,00" in page and "€ 3.000,00" in page and "€ 1.250,00" in page
    assert "Gedeeltelijk toegekend" in page
    assert "Bezwaar ontvangen" in page  # the timeline
    assert "Ik behandel dit bezwaar" in page
    assert "Beslissing vastleggen" not in page  # only once taken on


def test_taking_it_on_through_the_page(handler, cast):
    claim = objection_claim(cast)
    token = token_on(handler.get(claim_url(claim)))
    response = handler.post(claim_url(claim, "take"), {"form_token": token})
    assert response.status_code == 302 and response["Location"].startswith(claim_url(claim))
    assert Objection.objects.get(claim=claim).handler == cast.objection_handler
    assert Note.objects.filter(claim=claim, author=cast.objection_handler).count() == 1
    page = text_of(handler.get(claim_url(claim)))
    assert "Hoorzitting opslaan" in page and "Beslissing vastleggen" in page
    # Sent again: nothing new.
    handler.post(claim_url(claim, "take"), {"form_token": token})
    assert Note.objects.filter(claim=claim).count() == 1


def test_a_colleague_cannot_take_an_objection_someone_handles(client, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    colleague = UserFactory(role=R.DECISION_MAKER, first_name="Lies", last_name="Kusters")
    with pytest.raises(TransitionRefused) as refused:
        objection_take(claim=claim, actor=colleague)
    assert refused.value.code == "other_handler"
    client.force_login(colleague)
    page = text_of(client.get(claim_url(claim)))
    assert "U kunt het alleen lezen" in page and "Beslissing vastleggen" not in page
    response = client.post(claim_url(claim, "decide"), decide_post(claim))
    assert response.status_code == 409
    assert Objection.objects.get(claim=claim).outcome == ""


def test_a_colleague_takes_over_from_a_handler_who_left(cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    cast.objection_handler.is_active = False
    cast.objection_handler.save()
    colleague = UserFactory(role=R.DECISION_MAKER)
    assert objection_take(claim=claim, actor=colleague).handler == colleague


def test_planning_the_hearing_and_recording_it_afterwards(handler, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    day = termijnen.roll_forward(today() + dt.timedelta(days=10))
    response = handler.post(claim_url(claim, "hearing"), {
        "hearing-hearing_date": day.isoformat(), "hearing-hearing_time": "14:30", "hearing-kind": "on_site"})
    assert response.status_code == 302
    objection = Objection.objects.get(claim=claim)
    assert timezone.localtime(objection.hearing_at) == timezone.make_aware(
        dt.datetime.combine(day, dt.time(14, 30)))
    assert objection.hearing_kind == "on_site"
    # Notes before the hearing took place: refused, what was typed stays.
    response = handler.post(claim_url(claim, "hearing"), {
        "hearing-hearing_date": day.isoformat(), "hearing-hearing_time": "14:30", "hearing-kind": "on_site",
        "hearing-notes": "Mevrouw liet de scheur zien."})
    assert response.status_code == 409
    assert "pas na de hoorzitting" in text_of(response) and "Mevrouw liet de scheur zien." in text_of(response)
    with frozen(objection.hearing_at + dt.timedelta(hours=2)):
        response = handler.post(claim_url(claim, "hearing"), {
            "hearing-hearing_date": day.isoformat(), "hearing-hearing_time": "14:30", "hearing-kind": "on_site",
            "hearing-notes": "Mevrouw liet de scheur zien."})
    assert response.status_code == 302
    assert Objection.objects.get(claim=claim).hearing_notes == "Mevrouw liet de scheur zien."
    assert "Mevrouw liet de scheur zien." in text_of(handler.get(claim_url(claim)))


def test_a_hearing_form_with_errors_comes_back(handler, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    response = handler.post(claim_url(claim, "hearing"), {"hearing-hearing_date": "morgen",
                                                           "hearing-kind": "phone"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Vul een datum in als 31-12-2026." in page and "Vul een tijd in." in page
    with pytest.raises(TransitionRefused):
        objection_hearing(claim=claim, actor=cast.objection_handler, hearing_at=now(), kind="phone")
    assert Objection.objects.get(claim=claim).hearing_at is None


# --- deciding ----------------------------------------------------------------------------------------------------

def test_unfounded_keeps_the_award_and_goes_to_settlement(handler, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    token = token_on(handler.get(claim_url(claim)), "decide")
    data = decide_post(claim, amounts=["-5", "x"], token=token)  # the amounts do not count when unfounded
    response = handler.post(claim_url(claim, "decide"), data)
    assert response.status_code == 302 and response["Location"] == queue_url()
    claim.refresh_from_db()
    assert claim.status == State.SETTLEMENT and claim.awarded_amount == Decimal("4250.00")
    decision = Decision.objects.get(claim=claim, kind=Decision.Kind.OBJECTION)
    assert (decision.total, decision.outcome, decision.route, decision.decided_by) == (
        Decimal("4250.00"), "partly_granted", Route.MONEY, cast.objection_handler)
    assert [(i.plausibility, i.amount) for i in decision.items.order_by("damage_item__position")] == [
        ("yes", Decimal("3000.00")), ("partly", Decimal("1250.00"))]
    objection = Objection.objects.get(claim=claim)
    assert (objection.outcome, objection.decision) == (Objection.Outcome.UNFOUNDED, decision)
    step = ClaimTransition.objects.get(claim=claim, name="decide_objection")
    assert step.actor == cast.objection_handler and step.reason == REASONING
    assert step.data == {"well_founded": False}
    letter = Letter.objects.get(claim=claim, kind=LetterKind.OBJECTION_DECISION)
    assert letter.key == f"objection_decision:{decision.pk}"
    assert letter.context["outcome"] == "unfounded" and letter.context["total"] == "4250.00"
    assert letter.context["items"][1] == {"position": 2, "location": "Woonkamer", "kind": "crack",
                                          "plausibility": "partly", "percentage": 60, "amount": "1250.00",
                                          "reasoning": "Advies 2."}
    # The same page sent again does nothing twice.
    handler.post(claim_url(claim, "decide"), data)
    assert Decision.objects.filter(claim=claim, kind=Decision.Kind.OBJECTION).count() == 1
    assert Letter.objects.filter(claim=claim, kind=LetterKind.OBJECTION_DECISION).count() == 1


def test_unfounded_against_a_rejection_closes_the_claim(cast):
    claim = objection_claim(cast, award="0.00")
    decision = objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None,
                                reasoning=REASONING)
    claim.refresh_from_db()
    assert claim.status == State.CLOSED and claim.closed_at is not None
    assert (decision.total, decision.outcome, decision.route) == (Decimal("0.00"), "rejected", Route.NONE)
    assert Objection.objects.get(claim=claim).handler == cast.objection_handler  # taken on by deciding


def test_well_founded_with_new_amounts_goes_to_settlement_with_a_new_decision(handler, cast):
    claim = objection_claim(cast, allowance="150.00", award="4400.00")
    objection_take(claim=claim, actor=cast.objection_handler)
    data = decide_post(claim, outcome="well_founded", amounts=["3.500,00", "1500"], plausibility=["yes", "partly"],
                       percentage=["", "70"], reasoning="De scheur is groter. Wij betalen het herstel.")
    response = handler.post(claim_url(claim, "decide"), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    decision = Decision.objects.get(claim=claim, kind=Decision.Kind.OBJECTION)
    assert decision.total == Decimal("5150.00")  # 3500 + 1500 + the inspection allowance of the advice
    assert (decision.outcome, decision.route) == ("partly_granted", Route.MONEY)
    assert claim.status == State.SETTLEMENT and claim.awarded_amount == Decimal("5150.00")
    assert [i.awarded_amount for i in claim.damage_items.order_by("position")] == [Decimal("3500.00"),
                                                                                   Decimal("1500.00")]
    assert Objection.objects.get(claim=claim).outcome == Objection.Outcome.WELL_FOUNDED
    step = ClaimTransition.objects.get(claim=claim, name="decide_objection")
    assert step.data == {"well_founded": True, "awarded_amount": "5150.00"}
    letter = Letter.objects.get(claim=claim, kind=LetterKind.OBJECTION_DECISION)
    assert letter.context["outcome"] == "well_founded" and letter.context["total"] == "5150.00"
    assert letter.context["route"] == "money" and letter.context["decision_id"] == decision.pk
    assert [(i["plausibility"], i["percentage"], i["amount"]) for i in letter.context["items"]] == [
        ("yes", None, "3500.00"), ("partly", 70, "1500.00")]


def test_well_founded_the_size_class_follows_the_new_total(cast):
    claim = objection_claim(cast)
    decision = objection_decide(claim=claim, actor=cast.objection_handler, well_founded=True,
                                items=new_items(claim, "9000.00", "6000.00"), reasoning="Herstel is duurder.")
    assert (decision.total, decision.route, decision.outcome) == (Decimal("15000.00"), Route.MIDDLE, "granted")


def test_well_founded_to_nothing_closes_the_claim(cast):
    claim = objection_claim(cast)
    decision = objection_decide(claim=claim, actor=cast.objection_handler, well_founded=True,
                                items=new_items(claim, "0", "0", plausibility=["no", "no"]),
                                reasoning="Geen mijnbouwschade.")
    claim.refresh_from_db()
    assert claim.status == State.CLOSED and claim.awarded_amount == Decimal("0.00")
    assert (decision.total, decision.outcome, decision.route) == (Decimal("0.00"), "rejected", Route.NONE)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"well_founded": False, "items": None, "reasoning": "  "}, "reason_required"),
    ({"well_founded": True, "items": None, "reasoning": "Gegrond."}, "items_required"),
    ({"well_founded": True, "items": "negative", "reasoning": "Gegrond."}, "invalid_amount"),
    ({"well_founded": True, "items": "half_cent", "reasoning": "Gegrond."}, "invalid_amount"),
    ({"well_founded": True, "items": "no_with_amount", "reasoning": "Gegrond."}, "no_means_zero"),
    ({"well_founded": True, "items": "one_missing", "reasoning": "Gegrond."}, "items_mismatch"),
    ({"well_founded": True, "items": "twice", "reasoning": "Gegrond."}, "items_mismatch"),
    ({"well_founded": True, "items": "partly_bad_percentage", "reasoning": "Gegrond."}, "invalid_percentage"),
])
def test_the_service_refuses_what_is_not_right_and_changes_nothing(cast, kwargs, code):
    claim = objection_claim(cast)
    items = new_items(claim, "100", "200")
    kwargs = dict(kwargs)
    if kwargs["items"] == "negative":
        items[0]["amount"] = Decimal("-1.00")
    elif kwargs["items"] == "half_cent":
        items[0]["amount"] = Decimal("10.005")
    elif kwargs["items"] == "no_with_amount":
        items[0]["plausibility"] = "no"
    elif kwargs["items"] == "one_missing":
        items = items[:1]
    elif kwargs["items"] == "twice":
        items = [items[0], items[0]]
    elif kwargs["items"] == "partly_bad_percentage":
        items[0].update(plausibility="partly", percentage=100)
    if isinstance(kwargs["items"], str):
        kwargs["items"] = items
    with pytest.raises(TransitionRefused) as refused:
        objection_decide(claim=claim, actor=cast.objection_handler, **kwargs)
    assert refused.value.code == code
    claim.refresh_from_db()
    assert claim.status == State.OBJECTION
    assert not Decision.objects.filter(claim=claim, kind=Decision.Kind.OBJECTION).exists()
    assert Objection.objects.get(claim=claim).outcome == ""
    assert not Letter.objects.filter(claim=claim, kind=LetterKind.OBJECTION_DECISION).exists()


def test_deciding_in_the_wrong_state_is_refused(cast):
    claim = claim_in(cast, "decided")
    with pytest.raises(TransitionRefused) as refused:
        objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None,
                         reasoning=REASONING)
    assert refused.value.code == "not_now"
    claim = objection_claim(cast)
    objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None, reasoning=REASONING)
    with pytest.raises(TransitionRefused):
        objection_decide(claim=claim, actor=cast.objection_handler, well_founded=False, items=None,
                         reasoning=REASONING)
    with pytest.raises(TransitionRefused):
        objection_hearing(claim=claim, actor=cast.objection_handler, hearing_at=now(), kind="video")
    assert Decision.objects.filter(claim=claim, kind=Decision.Kind.OBJECTION).count() == 1


def test_someone_without_the_role_may_not_decide(cast):
    claim = objection_claim(cast)
    for outsider in (cast.caseworker, cast.coordinator, cast.commission, cast.resident):
        with pytest.raises(TransitionForbidden):
            objection_decide(claim=claim, actor=outsider, well_founded=False, items=None, reasoning=REASONING)


@pytest.mark.parametrize(("data", "message"), [
    ({"reasoning": ""}, "Schrijf de motivering van de beslissing op bezwaar op."),
    ({"outcome": ""}, "Kies: gegrond of ongegrond."),
    ({"outcome": "well_founded", "amounts": ["-10", "100"]}, "Vul een bedrag in van nul of meer"),
    ({"outcome": "well_founded", "amounts": ["", "100"]}, "Vul een bedrag in."),
    ({"outcome": "well_founded", "plausibility": ["no", "yes"]}, "krijgt bedrag nul"),
    ({"outcome": "well_founded", "plausibility": ["partly", "yes"]}, "Vul een percentage in van 1 tot en met 99."),
    ({"outcome": "well_founded", "plausibility": ["partly", "yes"], "percentage": ["120", ""]},
     "Vul een percentage in van 1 tot en met 99."),
])
def test_the_decide_form_comes_back_with_its_errors(handler, cast, data, message):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    response = handler.post(claim_url(claim, "decide"), decide_post(claim, **data))
    assert response.status_code == 400
    assert message in text_of(response)
    claim.refresh_from_db()
    assert claim.status == State.OBJECTION
    assert not Decision.objects.filter(claim=claim, kind=Decision.Kind.OBJECTION).exists()


def test_the_decide_form_starts_with_the_amounts_decided(handler, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    html = handler.get(claim_url(claim)).content.decode()
    first, second = claim.damage_items.order_by("position")
    assert re.search(rf'name="decide-item_{first.pk}_amount"[^>]*value="3000,00"', html)
    assert re.search(rf'name="decide-item_{second.pk}_amount"[^>]*value="1250,00"', html)
    assert re.search(rf'name="decide-item_{second.pk}_percentage"[^>]*value="60"', html)
    assert '<option value="partly" selected>' in html


def test_the_decision_letter_is_linked_once_it_is_ready(handler, cast):
    claim = objection_claim(cast)
    decision = Decision.objects.get(claim=claim, kind=Decision.Kind.FIRST)
    assert "Nog niet klaar" in text_of(handler.get(claim_url(claim)))
    content = b"%PDF-1.7 besluit"
    document = Document.objects.create(
        claim=claim, kind=DocumentKind.LETTER, title="Besluit", file=ContentFile(content, name="besluit.pdf"),
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), content_type="application/pdf")
    Letter.objects.create(claim=claim, kind=LetterKind.DECISION, key=f"decision:{decision.pk}",
                          recipient=claim.applicant, document=document, status=Letter.Status.READY)
    html = handler.get(claim_url(claim)).content.decode()
    url = reverse("claims:document_download", args=[document.pk])
    assert f'href="{url}">Besluitbrief (pdf) openen' in html
    assert handler.get(url).status_code == 200  # the decision maker may open it too


def test_a_decision_on_the_objection_outside_these_pages_still_closes_the_objection(cast):
    claim = objection_claim(cast)
    claim_transition(claim=claim, name="decide_objection", actor=cast.objection_handler, reason="Via beheer.",
                     well_founded=True, awarded_amount=Decimal("5000.00"))
    objection = Objection.objects.get(claim=claim)
    assert (objection.outcome, objection.decision) == (Objection.Outcome.WELL_FOUNDED, None)


def test_a_paper_objection_through_the_dossier_step_page_is_recorded_once(client, cast):
    claim = claim_in(cast, "decided")
    client.force_login(cast.caseworker)
    url = reverse("casework:dossier_step", kwargs={"reference": claim.reference, "name": "file_objection"})
    token = token_on(client.get(url))
    data = {"reason": "Bezwaarschrift per post ontvangen.", "late_excuse": "", "form_token": token}
    assert client.post(url, data).status_code == 302
    client.post(url, data)  # sent twice
    objection = Objection.objects.get(claim=claim)
    assert objection.grounds == "Bezwaarschrift per post ontvangen." and objection.late is False


def test_the_decide_form_sent_again_after_the_claim_moved_on_says_done_not_404(handler, cast):
    claim = objection_claim(cast)
    objection_take(claim=claim, actor=cast.objection_handler)
    token = token_on(handler.get(claim_url(claim)), "decide")
    data = decide_post(claim, token=token)
    assert handler.post(claim_url(claim, "decide"), data).status_code == 302
    again = handler.post(claim_url(claim, "decide"), data)  # the claim is in settlement now, out of the queue
    assert again.status_code == 302 and again["Location"] == queue_url()
    assert Decision.objects.filter(claim=claim, kind=Decision.Kind.OBJECTION).count() == 1
    # Someone who did not decide it still gets a 404 for a claim that is not in objection.
    handler.force_login(cast.decision_maker)
    assert handler.post(claim_url(claim, "decide"), data).status_code == 404
