"""The decision on an application: the service (amounts, outcomes, size class, four eyes, the letter) and the
decision maker's pages /besluiten/ and /besluiten/<reference>/ (who may open them, what they show, the form,
and a fixed number of queries for the queue)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import CommissionAdvice, Decision, DecisionItem, ItemAdvice, Route
from casework.services.decisions import decision_make
from claims import deadlines
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import ClaimTransition, Letter, LetterKind, Message
from claims.states import State
from claims.timeutil import frozen, today
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

D = Decimal
QUEUE = "/besluiten/"
LETTER_KEYS = {"decision_id", "outcome", "total", "route", "reasoning", "objection_due_on", "items",
               "inspection_allowance", "statutory_interest"}
ITEM_KEYS = {"position", "location", "kind", "plausibility", "percentage", "amount", "reasoning"}


@pytest.fixture
def cast():
    return Cast()


# --- helpers ------------------------------------------------------------------------------------------------

ALLOWANCE, INTEREST = D("150.00"), D("100.00")


def advise(claim, member, amounts, *, plausibility=None, percentages=None, allowance=ALLOWANCE,
           interest=INTEREST) -> CommissionAdvice:
    """The commission's advice on a claim in decision_pending, written directly (its service is built apart)."""
    items = list(claim.damage_items.order_by("position"))
    amounts = [D(a) for a in amounts]
    plausibility = plausibility or ["yes" if a > 0 else "no" for a in amounts]
    percentages = percentages or [None] * len(items)
    items_total = sum(amounts, D("0.00"))
    advice = CommissionAdvice.objects.create(
        claim=claim, member=member, reasoning="De scheuren passen bij mijnbouw in deze straat.",
        items_total=items_total, inspection_allowance=allowance, statutory_interest=interest,
        total=items_total + allowance + interest)
    for item, amount, verdict, percentage in zip(items, amounts, plausibility, percentages, strict=True):
        ItemAdvice.objects.create(advice=advice, damage_item=item, plausibility=verdict, percentage=percentage,
                                  amount=amount, reasoning=f"Advies over schadepunt {item.position}.")
    return advice


def advised_claim(cast, amounts=("3000.00", "1000.00"), *, urgent=False, **kwargs):
    claim = claim_in(cast, "decision_pending", items=len(amounts), urgent=urgent)
    return claim, advise(claim, cast.commission, amounts, **kwargs)


def rows(claim, *specs) -> list[dict]:
    """One dict per damage item: (plausibility, amount[, percentage])."""
    items = list(claim.damage_items.order_by("position"))
    result = []
    for item, spec in zip(items, specs, strict=True):
        row = {"damage_item": item, "plausibility": spec[0], "amount": D(spec[1])}
        if len(spec) > 2:
            row["percentage"] = spec[2]
        result.append(row)
    return result


def both_roles():
    """A person who is commission member and decision maker at once."""
    user = UserFactory(role=R.COMMISSION)
    user.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    return user


def claim_url(claim) -> str:
    return reverse("casework:decision_claim", kwargs={"reference": claim.reference})


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'").replace("&amp;", "&")


def nothing_decided(claim, status=State.DECISION_PENDING):
    claim.refresh_from_db()
    assert claim.status == status
    assert not Decision.objects.filter(claim=claim).exists()
    assert not Letter.objects.filter(claim=claim, kind=LetterKind.DECISION).exists()
    assert not ClaimTransition.objects.filter(claim=claim, name="decide").exists()


# --- the service: each outcome ----------------------------------------------------------------------------

def test_granted_awards_the_items_and_the_allowances(cast):
    claim, advice = advised_claim(cast)
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="granted",
                             items=rows(claim, ("yes", "3000.00"), ("yes", "1000.00")),
                             reasoning="Wij volgen het advies van de commissie.")

    assert decision.kind == Decision.Kind.FIRST
    assert decision.advice == advice
    assert decision.outcome == "granted"
    assert decision.total == D("4250.00")  # 4000 items + 150 inspection allowance + 100 statutory interest
    assert decision.route == Route.MONEY
    assert decision.decided_by == cast.decision_maker
    assert decision.reasoning == "Wij volgen het advies van de commissie."
    decided = decision.items.order_by("damage_item__position")
    assert [(i.damage_item.position, i.plausibility, i.amount) for i in decided] == [
        (1, "yes", D("3000.00")), (2, "yes", D("1000.00"))]

    claim.refresh_from_db()
    assert claim.status == State.DECIDED
    assert claim.outcome == "granted"
    assert claim.awarded_amount == D("4250.00")
    assert claim.objection_due == deadlines.objection_due(today())
    assert [i.awarded_amount for i in claim.damage_items.order_by("position")] == [D("3000.00"), D("1000.00")]
    step = ClaimTransition.objects.get(claim=claim, name="decide")
    assert step.actor == cast.decision_maker
    assert step.reason == "Wij volgen het advies van de commissie."
    assert step.data == {"outcome": "granted", "awarded_amount": "4250.00"}


def test_the_decision_letter_is_scheduled_once_with_its_context(cast):
    claim, _advice = advised_claim(cast)
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="partly_granted",
                             items=rows(claim, ("partly", "1800.00", 60), ("no", "0")),
                             reasoning="Een deel van de schade komt door mijnbouw.")
    claim.refresh_from_db()

    letter = Letter.objects.get(claim=claim, kind=LetterKind.DECISION)
    assert letter.key == f"decision:{decision.pk}"
    context = letter.context
    assert set(context) >= LETTER_KEYS
    assert context["decision_id"] == decision.pk
    assert context["outcome"] == "partly_granted"
    assert context["total"] == "2050.00"
    assert context["route"] == "money"
    assert context["reasoning"] == "Een deel van de schade komt door mijnbouw."
    assert context["objection_due_on"] == claim.objection_due.isoformat()
    assert [set(item) for item in context["items"]] == [ITEM_KEYS, ITEM_KEYS]
    assert context["items"] == [
        {"position": 1, "location": "Woonkamer", "kind": "crack", "plausibility": "partly", "percentage": 60,
         "amount": "1800.00", "reasoning": "Advies over schadepunt 1."},
        {"position": 2, "location": "Woonkamer", "kind": "crack", "plausibility": "no", "percentage": None,
         "amount": "0.00", "reasoning": "Advies over schadepunt 2."},
    ]

    with pytest.raises(TransitionRefused):  # decided: a second decision is refused, no second letter
        decision_make(claim=claim, actor=cast.objection_handler, outcome="granted",
                      items=rows(claim, ("yes", "5000.00"), ("yes", "1.00")), reasoning="Nog een keer.")
    assert Letter.objects.filter(claim=claim, kind=LetterKind.DECISION).count() == 1
    assert Decision.objects.filter(claim=claim).count() == 1


def test_the_service_hands_the_letter_exactly_the_agreed_keys(cast, monkeypatch):
    from casework.services import decisions

    claim, _advice = advised_claim(cast)
    handed = []
    real = decisions.letters.schedule
    monkeypatch.setattr(decisions.letters, "schedule", lambda **kwargs: handed.append(kwargs) or real(**kwargs))
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="granted",
                             items=rows(claim, ("yes", "3000.00"), ("yes", "1000.00")), reasoning="Volgens advies.")
    [call] = handed
    assert (call["kind"], call["key"]) == (LetterKind.DECISION, f"decision:{decision.pk}")
    assert set(call["context"]) == LETTER_KEYS
    assert all(set(item) == ITEM_KEYS for item in call["context"]["items"])


def test_an_own_reasoning_per_item_replaces_the_advice_in_the_letter(cast):
    claim, _advice = advised_claim(cast, ("2000.00",))
    items = rows(claim, ("yes", "1500.00"))
    items[0]["reasoning"] = "Het herstel kost minder dan geadviseerd."
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="partly_granted", items=items,
                             reasoning="Gedeeltelijk toegekend.")
    context = Letter.objects.get(key=f"decision:{decision.pk}").context
    assert context["items"][0]["reasoning"] == "Het herstel kost minder dan geadviseerd."
    assert context["total"] == "1750.00"


def test_rejected_awards_nothing_not_even_the_allowances(cast):
    claim, _advice = advised_claim(cast, ("0", "0"))
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="rejected",
                             items=rows(claim, ("no", "0"), ("no", "0.00")),
                             reasoning="De schade komt niet door mijnbouw.")
    assert decision.total == D("0.00")
    assert decision.route == Route.NONE
    assert set(DecisionItem.objects.filter(decision=decision).values_list("amount", flat=True)) == {D("0.00")}
    claim.refresh_from_db()
    assert (claim.status, claim.outcome, claim.awarded_amount) == (State.DECIDED, "rejected", D("0.00"))
    assert claim.objection_due == deadlines.objection_due(today())
    context = Letter.objects.get(key=f"decision:{decision.pk}").context
    assert (context["total"], context["route"], context["outcome"]) == ("0.00", "none", "rejected")


@pytest.mark.parametrize("money_up_to,middle_up_to", [(D("10000.00"), D("20000.00")), (D("5000.00"), D("7500.00"))])
@pytest.mark.parametrize("offset,expected", [
    ("below_money", Route.MONEY), ("just_above_money", Route.MIDDLE),
    ("at_middle", Route.MIDDLE), ("just_above_middle", Route.REPAIR),
])
def test_the_route_follows_the_size_class_of_the_total(cast, settings, money_up_to, middle_up_to, offset, expected):
    settings.MIJNSCHADE_AMOUNTS = {**settings.MIJNSCHADE_AMOUNTS, "money_up_to": money_up_to,
                                   "middle_up_to": middle_up_to}
    total = {"below_money": money_up_to, "just_above_money": money_up_to + D("0.01"),
             "at_middle": middle_up_to, "just_above_middle": middle_up_to + D("0.01")}[offset]
    # The allowances count: 150 + 100 of the advice make up part of the total.
    items_total = total - D("250.00")
    claim, _advice = advised_claim(cast, (str(items_total),))
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="granted",
                             items=rows(claim, ("yes", items_total)), reasoning="Volgens advies.")
    assert decision.total == total
    assert decision.route == expected
    assert Letter.objects.get(key=f"decision:{decision.pk}").context["route"] == expected


@pytest.mark.parametrize("total,expected", [("10000.00", Route.MONEY), ("10000.01", Route.MIDDLE),
                                            ("20000.00", Route.MIDDLE), ("20000.01", Route.REPAIR)])
def test_the_default_thresholds(cast, total, expected):
    claim, _advice = advised_claim(cast, (total,), allowance=D("0"), interest=D("0"))
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="granted",
                             items=rows(claim, ("yes", total)), reasoning="Volgens advies.")
    assert (decision.total, decision.route) == (D(total), expected)
    claim.refresh_from_db()
    assert claim.awarded_amount == D(total)


# --- the service: refusals --------------------------------------------------------------------------------

REFUSALS = {
    "negative amount": ("granted", [("yes", "-1.00"), ("yes", "1000.00")], "Motivering", "invalid_amount"),
    "more than cents": ("granted", [("yes", "10.005"), ("yes", "1000.00")], "Motivering", "invalid_amount"),
    "rejected with an amount": ("rejected", [("no", "0"), ("yes", "500.00")], "Motivering", "rejected_has_amount"),
    "granted with nothing": ("granted", [("no", "0"), ("no", "0")], "Motivering", "grant_needs_amount"),
    "partly granted with nothing": ("partly_granted", [("yes", "0"), ("no", "0")], "Motivering",
                                    "grant_needs_amount"),
    "no reasoning": ("granted", [("yes", "3000.00"), ("yes", "1000.00")], "   ", "reason_required"),
    "unknown outcome": ("settled", [("yes", "3000.00"), ("yes", "1000.00")], "Motivering", "invalid_outcome"),
    "no but an amount": ("granted", [("no", "100.00"), ("yes", "1000.00")], "Motivering", "no_means_zero"),
    "partly without percentage": ("granted", [("partly", "100.00"), ("yes", "1000.00")], "Motivering",
                                  "invalid_percentage"),
    "partly with 100 percent": ("granted", [("partly", "100.00", 100), ("yes", "1000.00")], "Motivering",
                                "invalid_percentage"),
    "unknown plausibility": ("granted", [("maybe", "100.00"), ("yes", "1000.00")], "Motivering",
                             "invalid_plausibility"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_change_nothing(cast, case):
    outcome, specs, reasoning, code = REFUSALS[case]
    claim, _advice = advised_claim(cast)
    with pytest.raises(TransitionRefused) as refused:
        decision_make(claim=claim, actor=cast.decision_maker, outcome=outcome, items=rows(claim, *specs),
                      reasoning=reasoning)
    assert refused.value.code == code
    assert not isinstance(refused.value, TransitionForbidden)
    nothing_decided(claim)


def test_every_damage_item_is_decided_exactly_once(cast):
    claim, _advice = advised_claim(cast)
    first, second = rows(claim, ("yes", "3000.00"), ("yes", "1000.00"))
    other, _ = advised_claim(cast)
    stranger = {**second, "damage_item": other.damage_items.first()}
    for items in ([first], [first, first, second], [first, second, stranger]):
        with pytest.raises(TransitionRefused) as refused:
            decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", items=items, reasoning="x")
        assert refused.value.code == "items_mismatch"
    nothing_decided(claim)


def test_without_advice_there_is_no_decision(cast):
    claim = claim_in(cast, "decision_pending")
    with pytest.raises(TransitionRefused) as refused:
        decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", items=rows(claim, ("yes", "10")),
                      reasoning="Zonder advies.")
    assert refused.value.code == "no_advice"
    nothing_decided(claim)


@pytest.mark.parametrize("state", ["commission_review", "decided"])
def test_only_a_claim_awaiting_a_decision_is_decided(cast, state):
    claim = claim_in(cast, state, items=1)
    advise(claim, cast.commission, ["1000.00"])
    before = Decision.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", items=rows(claim, ("yes", "1000")),
                      reasoning="Volgens advies.")
    assert refused.value.code == "not_now"
    claim.refresh_from_db()
    assert claim.status == state
    assert Decision.objects.count() == before


@pytest.mark.parametrize("who", ["commission", "caseworker", "coordinator", "finance"])
def test_only_a_decision_maker_decides(cast, who):
    claim, _advice = advised_claim(cast)
    with pytest.raises(TransitionForbidden):
        decision_make(claim=claim, actor=getattr(cast, who), outcome="granted",
                      items=rows(claim, ("yes", "3000.00"), ("yes", "1000.00")), reasoning="Volgens advies.")
    nothing_decided(claim)


def test_four_eyes_who_advised_does_not_decide(cast):
    dual = both_roles()
    claim = claim_in(cast, "commission_review", items=1)
    cast.fire(claim, "advise", actor=dual)
    advise(claim, dual, ["1000.00"])
    with pytest.raises(TransitionForbidden):  # even with perfect input: the person is the problem
        decision_make(claim=claim, actor=dual, outcome="granted", items=rows(claim, ("yes", "1000.00")),
                      reasoning="Volgens mijn eigen advies.")
    nothing_decided(claim)
    decision = decision_make(claim=claim, actor=cast.decision_maker, outcome="granted",
                             items=rows(claim, ("yes", "1000.00")), reasoning="Volgens advies.")
    assert decision.decided_by == cast.decision_maker


def test_four_eyes_the_same_person_decides_a_claim_a_colleague_advised(cast):
    dual = both_roles()
    claim, _advice = advised_claim(cast, ("1000.00",))  # advised by cast.commission
    decision = decision_make(claim=claim, actor=dual, outcome="granted", items=rows(claim, ("yes", "1000.00")),
                             reasoning="Volgens advies.")
    assert decision.decided_by == dual


# --- who may open the pages -------------------------------------------------------------------------------

OTHER_ROLES = [R.RESIDENT, R.DESK, R.CASEWORKER, R.EXPERT, R.COMMISSION, R.COORDINATOR, R.FINANCE]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_a_403_on_both_pages(client, cast, role):
    claim, _advice = advised_claim(cast)
    user = {R.RESIDENT: cast.resident, R.CASEWORKER: cast.caseworker, R.COORDINATOR: cast.coordinator,
            R.COMMISSION: cast.commission}.get(role) or UserFactory(role=role)
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403
    assert client.get(claim_url(claim)).status_code == 403
    assert client.post(claim_url(claim), {"outcome": "granted"}).status_code == 403
    nothing_decided(claim)


def test_anonymous_goes_to_the_login_page(client, cast):
    claim, _advice = advised_claim(cast)
    for url in (QUEUE, claim_url(claim)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("claims:login"))


def test_a_decision_maker_opens_both_pages(client, cast):
    claim, _advice = advised_claim(cast)
    client.force_login(cast.decision_maker)
    assert client.get(QUEUE).status_code == 200
    assert client.get(claim_url(claim)).status_code == 200


@pytest.mark.parametrize("state", ["intake", "commission_review", "decided"])
def test_a_claim_the_decision_maker_may_not_see_is_a_404(client, cast, state):
    claim = claim_in(cast, state)
    client.force_login(cast.decision_maker)
    assert client.get(claim_url(claim)).status_code == 404
    assert client.post(claim_url(claim), {"outcome": "granted"}).status_code == 404
    assert client.get("/besluiten/MS-2026-999999/").status_code == 404


def test_a_claim_in_objection_is_not_decided_here(client, cast):
    claim = claim_in(cast, "objection")
    client.force_login(cast.objection_handler)
    response = client.get(claim_url(claim))
    assert response.status_code == 409
    assert "Bezwaar" in text_of(response)


# --- the queue --------------------------------------------------------------------------------------------

def at(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def test_the_queue_lists_urgent_first_then_the_oldest_advice(client, cast):
    with frozen(at(3)):
        recent, _ = advised_claim(cast, ("3000.00", "1000.00"))
    with frozen(at(10)):
        old, _ = advised_claim(cast, ("15000.00",))
    with frozen(at(1)):
        urgent, _ = advised_claim(cast, ("30000.00",), urgent=True)
    claim_in(cast, "commission_review")  # not awaiting a decision: not listed
    claim_in(cast, "objection")  # decision makers see it, but it is decided at /besluiten/bezwaren/
    client.force_login(cast.decision_maker)
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    order = [m for m in re.findall(r"MS-\d{4}-\d{6}", html)]
    assert order == [urgent.reference, urgent.reference, old.reference, old.reference, recent.reference,
                     recent.reference]  # each once in its link address and once as its text
    text = text_of(response)
    assert f"{old.reference} Akerstraat" in text
    assert "10 € 15.250,00 Geld of herstel, naar keuze" in text
    assert "3 € 4.250,00 Uitbetaling in geld" in text
    assert "1 € 30.250,00 Herstel door een aannemer of via een bouwdepot" in text
    assert "3 zaken wachten op een besluit" in text


def test_the_queue_shows_the_advisor_a_claim_without_a_link(client, cast):
    dual = both_roles()
    mine = claim_in(cast, "commission_review", items=1)
    cast.fire(mine, "advise", actor=dual)
    advise(mine, dual, ["1000.00"])
    colleagues, _ = advised_claim(cast, ("2000.00",))
    client.force_login(dual)
    response = client.get(QUEUE)
    html = response.content.decode()
    assert claim_url(colleagues) in html
    assert claim_url(mine) not in html
    assert f"{mine.reference} u adviseerde; een collega beslist" in text_of(response)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_runs_a_fixed_number_of_queries(client, cast, django_assert_num_queries):
    dual = both_roles()
    for index in range(3):
        advised_claim(cast, ("1000.00",), urgent=index == 0)
    client.force_login(dual)
    client.get(QUEUE)  # warm per-process caches
    small = count_queries(client, QUEUE)
    for index in range(27):
        if index % 5 == 0:
            claim = claim_in(cast, "commission_review", items=1)
            cast.fire(claim, "advise", actor=dual)
            advise(claim, dual, ["500.00"])
        else:
            advised_claim(cast, ("1000.00",))
    with django_assert_num_queries(small):
        response = client.get(QUEUE)
    assert "30 zaken wachten op een besluit" in text_of(response)
    assert small <= 6


# --- the claim page and its form ---------------------------------------------------------------------------

def token_of(response) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def form_data(claim, token="", outcome="granted", reasoning="Wij volgen het advies.", **per_item) -> dict:
    data = {"form_token": token, "outcome": outcome, "reasoning": reasoning}
    for item in claim.damage_items.order_by("position"):
        spec = per_item.get(f"item{item.position}", ("yes", "1000,00"))
        data[f"item{item.pk}_plausibility"] = spec[0]
        data[f"item{item.pk}_amount"] = spec[1]
        data[f"item{item.pk}_percentage"] = spec[2] if len(spec) > 2 else ""
        data[f"item{item.pk}_reasoning"] = ""
    return data


def test_the_page_shows_the_advice_and_a_form_that_starts_from_it(client, cast):
    claim, _advice = advised_claim(cast, ("3000.00", "1000.00"))
    Message.objects.create(claim=claim, kind=Message.Kind.RESPONSE, direction=Message.Direction.IN,
                           body="Ik ben het niet eens met het bedrag voor de gevel.")
    client.force_login(cast.decision_maker)
    response = client.get(claim_url(claim))
    assert response.status_code == 200
    text = text_of(response)
    html = response.content.decode()
    assert "Advies van de commissie" in text
    assert "Advies over schadepunt 2." in text
    assert "Totaal advies € 4.250,00" in text
    assert "Ik ben het niet eens met het bedrag voor de gevel." in text
    assert "Termijnen" in text and "Tijdlijn" in text
    item = claim.damage_items.get(position=1)
    assert f'name="item{item.pk}_amount" value="3000,00"' in html
    assert re.search(rf'name="item{item.pk}_plausibility" value="yes"[^>]*checked', html)
    assert "De scheuren passen bij mijnbouw in deze straat.</textarea>" in html
    assert "Totaal € 4.250,00 Grootteklasse en route Uitbetaling in geld" in text
    assert html.count("<h1") == 1


def test_the_claim_page_runs_a_fixed_number_of_queries(client, cast):
    small, _ = advised_claim(cast, ("1000.00",))
    large, _ = advised_claim(cast, ("1000.00",) * 8)
    for index in range(5):
        Message.objects.create(claim=large, kind=Message.Kind.RESPONSE, direction=Message.Direction.IN,
                               body=f"Reactie {index}")
    client.force_login(cast.decision_maker)
    client.get(claim_url(small))  # warm per-process caches
    assert count_queries(client, claim_url(small)) == count_queries(client, claim_url(large))


def test_deciding_on_the_page(client, cast):
    claim, _advice = advised_claim(cast, ("3000.00", "1000.00"))
    client.force_login(cast.decision_maker)
    token = token_of(client.get(claim_url(claim)))
    data = form_data(claim, token, outcome="partly_granted", item1=("partly", "2.500,00", "80"),
                     item2=("yes", "1000"))
    response = client.post(claim_url(claim), data)
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    decision = Decision.objects.get(claim=claim)
    assert (decision.outcome, decision.total, decision.route) == ("partly_granted", D("3750.00"), Route.MONEY)
    context = Letter.objects.get(key=f"decision:{decision.pk}").context
    assert context["items"][0]["percentage"] == 80
    assert "Het besluit over zaak" in text_of(client.get(QUEUE))

    again = client.post(claim_url(claim), data)  # the same page sent once more: nothing twice
    assert again.status_code == 302
    assert Decision.objects.filter(claim=claim).count() == 1
    assert Letter.objects.filter(claim=claim, kind=LetterKind.DECISION).count() == 1


def test_recalculating_the_total_decides_nothing(client, cast):
    claim, _advice = advised_claim(cast, ("3000.00", "1000.00"))
    client.force_login(cast.decision_maker)
    data = {**form_data(claim, item1=("yes", "9000"), item2=("yes", "1500,50")), "preview": "1"}
    response = client.post(claim_url(claim), data)
    assert response.status_code == 200
    assert "Totaal € 10.750,50 Grootteklasse en route Geld of herstel, naar keuze" in text_of(response)
    nothing_decided(claim)


@pytest.mark.parametrize("case,changes,status,message", [
    ("negative amount", {"item1": ("yes", "-5")}, 400, "Vul een bedrag in van nul of meer"),
    ("no reasoning", {"reasoning": ""}, 400, "Schrijf de motivering van het besluit."),
    ("no outcome", {"outcome": ""}, 400, "Kies de uitkomst."),
    ("no with an amount", {"item1": ("no", "100")}, 400, "dan is het bedrag nul"),
    ("partly without percentage", {"item1": ("partly", "100")}, 400, "een percentage"),
    ("rejected with an amount", {"outcome": "rejected"}, 409,
     "Bij een afwijzing is het bedrag van elk schadepunt nul."),
    ("granted with nothing", {"item1": ("no", "0"), "item2": ("yes", "0")}, 409,
     "ten minste één schadepunt een bedrag boven nul"),
])
def test_the_form_refuses_and_keeps_what_was_typed(client, cast, case, changes, status, message):
    claim, _advice = advised_claim(cast, ("3000.00", "1000.00"))
    client.force_login(cast.decision_maker)
    token = token_of(client.get(claim_url(claim)))
    data = form_data(claim, token, reasoning=changes.pop("reasoning", "Mijn eigen motivering."), **changes)
    response = client.post(claim_url(claim), data)
    assert response.status_code == status
    assert message in text_of(response)
    assert "Er ging iets mis" in text_of(response)
    nothing_decided(claim)
    if status == 409:  # the token was given back: the corrected page can be sent
        fixed = form_data(claim, token, reasoning="Mijn eigen motivering.")
        assert client.post(claim_url(claim), fixed).status_code == 302
        assert Decision.objects.filter(claim=claim).count() == 1


def test_the_advisor_reads_the_advice_and_is_told_a_colleague_decides(client, cast):
    dual = both_roles()
    claim = claim_in(cast, "commission_review", items=1)
    cast.fire(claim, "advise", actor=dual)
    advise(claim, dual, ["1000.00"])
    client.force_login(dual)
    response = client.get(claim_url(claim))
    assert response.status_code == 200
    text = text_of(response)
    assert "Een collega moet besluiten" in text
    assert "U hebt als commissielid over deze zaak geadviseerd." in text
    assert "Advies over schadepunt 1." in text
    assert 'name="outcome"' not in response.content.decode()

    posted = client.post(claim_url(claim), form_data(claim, "a" * 32))
    assert posted.status_code == 403
    assert "Een collega moet besluiten" in text_of(posted)
    nothing_decided(claim)

    client.force_login(cast.decision_maker)  # a colleague may
    token = token_of(client.get(claim_url(claim)))
    assert client.post(claim_url(claim), form_data(claim, token)).status_code == 302
    assert Decision.objects.get(claim=claim).decided_by == cast.decision_maker


def test_without_advice_the_page_reads_but_offers_no_form(client, cast):
    claim = claim_in(cast, "decision_pending")
    client.force_login(cast.decision_maker)
    response = client.get(claim_url(claim))
    assert response.status_code == 200
    assert "Zonder advies kunt u niet besluiten." in text_of(response)
    assert 'name="outcome"' not in response.content.decode()
    assert client.post(claim_url(claim), {"outcome": "granted"}).status_code == 409
    nothing_decided(claim)
