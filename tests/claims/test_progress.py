"""claims.progress: the plain-words status and timeline of a claim, as a table over all 16 states."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from claims import progress, termijnen
from claims.deadlines import decision_clock
from claims.models import ClaimTransition
from claims.services import claim_extend_term
from claims.states import State
from claims.timeutil import frozen, today
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

# Friday 20 March 2026: an info request made today must be answered by Friday 17 April 2026 (28 days).
MOMENT = dt.datetime(2026, 3, 20, 10, 0)
DAY = MOMENT.date()

MARK = {"D": progress.DONE, "C": progress.CURRENT, "U": progress.UPCOMING, "S": progress.SKIPPED}

# state: title, current step, something asked of you, where the next step's date comes from, final, marks
TABLE = [
    ("draft", "Nog niet verstuurd", None, True, None, False, "UUUUUUUU"),
    ("submitted", "Wij hebben uw melding ontvangen", "received", False, "guide_by", False, "CUUUUUUU"),
    ("intake", "Uw zaakbegeleider bekijkt uw melding", "guide", False, "decision_due", False, "DCUUUUUU"),
    ("info_requested", "Wij wachten op informatie van u", "guide", True, "reply_due", False, "DCUUUUUU"),
    ("inspection", "Een deskundige bekijkt de schade", "inspection", False, "decision_due", False, "DDCUUUUU"),
    ("advice_draft", "De deskundige heeft een adviesrapport geschreven", "advice", False, "decision_due", False,
     "DDDCUUUU"),
    ("response_period", "U kunt reageren op het conceptadvies", "response", False, "reply_due", False, "DDDDCUUU"),
    ("commission_review", "De Commissie Mijnbouwschade bekijkt uw dossier", "commission", False, "decision_due",
     False, "DDDDDCUU"),
    ("decision_pending", "Wij bereiden het besluit voor", "decision", False, "decision_due", False, "DDDDDDCU"),
    ("decided", "Wij hebben een besluit genomen", "decision", False, "objection_due", False, "DDDDDDCU"),
    ("objection", "Wij behandelen uw bezwaar", "decision", False, "objection_decision_due", False, "DDDDDDCU"),
    ("settlement", "Wij regelen de uitbetaling of het herstel", "settlement", False, None, False, "DDDDDDDC"),
    ("closed", "Uw melding is afgerond", None, False, None, True, "DDDDDDDD"),
    ("not_admissible", "Wij behandelen uw melding niet", "decision", False, "objection_due", True, "DDSSSSCS"),
    ("withdrawn", "U hebt uw melding ingetrokken", None, False, None, True, "DSSSSSSS"),
    ("on_hold", "Uw melding ligt stil op uw verzoek", "guide", False, None, False, "DCUUUUUU"),
]


def test_the_table_covers_every_state():
    assert sorted(row[0] for row in TABLE) == sorted(State.values)


def _view(claim):
    transitions = list(claim.transitions.all())
    clock = decision_clock(claim.clock_events.all(), as_of=DAY)
    return (progress.status(claim, transitions=transitions, clock=clock, today=DAY),
            progress.timeline(claim, transitions), clock)


@pytest.mark.parametrize("state,title,step,waiting,due_from,final,marks", TABLE)
def test_status_and_timeline_per_state(state, title, step, waiting, due_from, final, marks):
    with frozen(MOMENT), translation.override("nl"):
        claim = claim_in(Cast(), state)
        status, steps, clock = _view(claim)

        assert status.state == state
        assert status.title == title
        assert status.meaning  # every state says what it means for you
        assert progress.current_step(claim) == step
        assert status.waiting_on_you is waiting
        assert status.final is final
        assert "".join(k for s in steps for k, v in MARK.items() if v == s.mark) == marks
        assert [s.key for s in steps if s.is_current] == ([step] if step and state not in ("closed",) else [])
        assert [s.label for s in steps] == ["Melding ontvangen", "Zaakbegeleider", "Schade-opname", "Adviesrapport",
                                            "Zienswijze", "Commissie", "Besluit", "Uitbetaling of herstel"]

        expected_due = {
            None: None,
            "guide_by": termijnen.add_working_days(DAY, progress.GUIDE_WORKING_DAYS),
            "decision_due": clock.due,
            "reply_due": claim.reply_due,
            "objection_due": claim.objection_due,
            "objection_decision_due": claim.objection_decision_due,
        }[due_from]
        assert status.next_due == expected_due
        if expected_due is not None:
            assert status.next_step
            assert progress.long_date(expected_due) in status.next_when
        if not final and state not in ("closed",):
            assert status.next_step, "an open claim always says what happens next"


def test_info_request_says_what_is_asked_and_by_when():
    with frozen(MOMENT), translation.override("nl"):
        claim = claim_in(Cast(), "info_requested")
        status, steps, _clock = _view(claim)
    assert claim.reply_due == dt.date(2026, 4, 17)
    assert status.asked == "Wij wachten op uw aanvulling, uiterlijk vrijdag 17 april 2026."
    assert status.detail == "Stuur ons foto's van de scheur in de gevel."  # the question, written for the resident
    assert status.action_due == dt.date(2026, 4, 17)
    guide = steps[1]
    assert [e.text for e in guide.events] == ["U hebt een vaste zaakbegeleider gekregen.",
                                              "Wij hebben u om meer informatie gevraagd."]
    assert guide.events[1].detail == "Stuur ons foto's van de scheur in de gevel."


def test_a_late_answer_is_still_asked_for_with_the_date_that_passed():
    with frozen(MOMENT), translation.override("nl"):
        claim = claim_in(Cast(), "info_requested")
    with translation.override("nl"):
        status = progress.status(claim, today=dt.date(2026, 4, 20))
    assert status.waiting_on_you
    assert "vrijdag 17 april 2026" in status.asked and "zo snel mogelijk" in status.asked


def test_internal_reasons_never_reach_the_resident():
    cast = Cast()
    with frozen(MOMENT), translation.override("nl"):
        claim = claim_in(cast, "response_period")
        cast.fire(claim, "revise_advice", reason="INTERN: deskundige had de kelder overgeslagen")
        cast.fire(claim, "send_advice")
        cast.fire(claim, "hold", reason="INTERN: bewoner ligt in het ziekenhuis")
        claim.refresh_from_db()
        status, steps, clock = _view(claim)
        deadline = progress.decision_deadline(claim, clock, today=DAY)
    shown = [status.title, status.meaning, status.detail, status.next_step, status.next_when]
    shown += [e.text + e.detail for s in steps for e in s.events]
    shown += [line.text for line in deadline.suspensions]
    assert not [text for text in shown if "INTERN" in text]
    assert ClaimTransition.objects.filter(claim=claim, reason__startswith="INTERN").count() == 2
    assert [line.text for line in deadline.suspensions] == ["Aangehouden op uw verzoek"]
    assert status.title == "Uw melding ligt stil op uw verzoek"


def test_decision_and_not_admissible_reasons_are_for_the_resident():
    cast = Cast()
    with frozen(MOMENT), translation.override("nl"):
        decided = claim_in(cast, "decision_pending")
        cast.fire(decided, "decide", reason="De scheur komt door de mijnbouw.")
        decided.refresh_from_db()
        status, steps, _clock = _view(decided)
        refused = claim_in(cast, "not_admissible")
        refused_status, _steps, _clock = _view(refused)
    assert status.detail == "De scheur komt door de mijnbouw."
    assert status.meaning.startswith("Wij kennen u € 4.250,00 toe.")
    assert steps[6].events[-1].text == "Wij hebben een besluit genomen: toegekend. Bedrag: € 4.250,00."
    assert refused_status.detail == "De woning ligt buiten het mijnbouwschadegebied."
    assert "tot en met" in refused_status.asked


def test_a_rejected_decision_skips_settlement_and_a_closed_one_has_no_current_step():
    cast = Cast()
    with frozen(MOMENT):
        claim = claim_in(cast, "decision_pending")
        cast.fire(claim, "decide", outcome="rejected", awarded_amount=0)
        claim.refresh_from_db()
        assert [s.mark for s in progress.timeline(claim, claim.transitions.all())][-1] == progress.SKIPPED
    with frozen(MOMENT + dt.timedelta(weeks=7)):  # closing waits for the objection window
        cast.fire(claim, "close")
        claim.refresh_from_db()
        marks = [s.mark for s in progress.timeline(claim, claim.transitions.all())]
    assert marks == [progress.DONE] * 7 + [progress.SKIPPED]


def test_the_deadline_names_suspension_and_extension_in_plain_words():
    cast = Cast()
    with frozen(MOMENT), translation.override("nl"):
        claim = claim_in(cast, "intake")
        claim_extend_term(claim=claim, actor=cast.caseworker, reason="De deskundige heeft meer tijd nodig.")
        cast.fire(claim, "request_info")
        claim.refresh_from_db()
    with frozen(MOMENT + dt.timedelta(days=3)):
        clock = decision_clock(claim.clock_events.all(), as_of=today())
        deadline = progress.decision_deadline(claim, clock, today=today())
    assert deadline.suspended
    assert [(s.text, s.start, s.end) for s in deadline.suspensions] == [("Wij wachten op informatie van u", DAY, None)]
    assert deadline.suspensions[0].days == 3
    assert deadline.extension_weeks == 8 and deadline.extension_reason == "De deskundige heeft meer tijd nodig."
    assert deadline.due == clock.due and deadline.days_left == (clock.due - (DAY + dt.timedelta(days=3))).days


def test_no_decision_deadline_before_submission_or_after_the_decision():
    cast = Cast()
    with frozen(MOMENT):
        for state in ("draft", "decided", "withdrawn"):
            claim = claim_in(cast, state)
            clock = decision_clock(claim.clock_events.all(), as_of=DAY)
            assert progress.decision_deadline(claim, clock, today=DAY) is None


@pytest.mark.parametrize("language,amount,text", [
    ("nl", Decimal("4250"), "€ 4.250,00"),
    ("nl", Decimal("12.5"), "€ 12,50"),
    ("nl", Decimal("1234567.891"), "€ 1.234.567,89"),
    ("en", Decimal("4250"), "€4,250.00"),
])
def test_euro_amounts(language, amount, text):
    with translation.override(language):
        assert progress.euro(amount) == text
