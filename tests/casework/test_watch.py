"""The morning deadline watch on fixed dates (frozen time): marks due soon at exactly 10 working days,
counting past weekends and Algemene termijnenwet days; overdue the day after; one digest per person per day;
the coordinators alerted once when an urgent claim had no safety visit within 48 hours."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from casework import watch as watch_module
from casework.models import DeadlineMark, Digest, UrgentAlert
from casework.services.safety import claim_record_safety_visit
from casework.tasks import check_urgent_safety_visits, deadline_watch
from casework.watch import DIGEST_MAX_LINES, refresh_marks, run_watch
from claims import roles as R
from claims import termijnen, timeutil
from claims.models import Absence, Claim, OutgoingEmail, Person
from tests.factories import Cast, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db
D = dt.date
SITE = "https://mijnschade.i3ml.example"


@pytest.fixture(autouse=True)
def _fresh_holiday_cache():
    termijnen.clear_cache()
    yield
    termijnen.clear_cache()


@pytest.fixture
def cast():
    return Cast()


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0)


def watch(day: dt.date):
    with timeutil.frozen(at(day)):
        return run_watch(on=timeutil.today())


def due_on(claim: Claim, day: dt.date) -> Claim:
    """The stored decision date, as if the history had put it there (the watch reads only this)."""
    Claim.objects.filter(pk=claim.pk).update(decision_due=day)
    claim.refresh_from_db()
    return claim


def running(cast, day: dt.date, *, guide=None, state: str = "intake") -> Claim:
    claim = claim_in(cast, state)
    if guide is not None:
        Claim.objects.filter(pk=claim.pk).update(caseworker=guide)
    return due_on(claim, day)


def mark_of(claim: Claim) -> DeadlineMark | None:
    return DeadlineMark.objects.filter(claim=claim).first()


def digests(to: str | None = None):
    emails = OutgoingEmail.objects.filter(purpose="deadline_digest")
    return emails.filter(to=to) if to else emails


# --- marks -----------------------------------------------------------------------------------------------

# (the watch's day, the last decision date that is "within 10 working days"), counted by hand.
TEN_WORKING_DAYS = [
    # Weekends only: 2..5 June, 8..12 June, 15 June.
    (D(2026, 6, 1), D(2026, 6, 15)),
    # King's Day, Monday 27 April 2026, does not count.
    (D(2026, 4, 13), D(2026, 4, 28)),
    # Christmas (Fri 25, Sat 26 Dec 2026) and New Year's Day (Fri 1 Jan 2027) do not count.
    (D(2026, 12, 18), D(2027, 1, 5)),
    # Good Friday (26 March 2027) and Easter Monday (29 March 2027) do not count.
    (D(2027, 3, 18), D(2027, 4, 5)),
]


@pytest.mark.parametrize(("day", "last_due_soon"), TEN_WORKING_DAYS)
def test_due_soon_is_exactly_ten_working_days(cast, day, last_due_soon):
    overdue = running(cast, day - dt.timedelta(days=1))
    today = running(cast, day)
    limit = running(cast, last_due_soon)
    beyond = running(cast, termijnen.add_working_days(last_due_soon, 1))

    result = watch(day)

    assert mark_of(overdue).level == "overdue"
    assert mark_of(today).level == "due_soon"
    assert mark_of(limit).level == "due_soon" and mark_of(limit).due_on == last_due_soon
    assert mark_of(beyond) is None
    assert (result.marks.overdue, result.marks.due_soon, result.marks.added) == (1, 2, 3)


def test_a_claim_through_its_real_history_is_marked_from_the_tenth_working_day_and_overdue_the_day_after(cast):
    with timeutil.frozen(dt.datetime(2026, 3, 2, 10, 0)):
        claim = cast.fire(cast.fire(draft_claim(applicant=cast.person), "submit"), "start_intake")
    # Eight weeks end on King's Day, Monday 27 April 2026: the term ends the next day.
    assert claim.decision_due == D(2026, 4, 28)

    watch(D(2026, 4, 10))
    assert mark_of(claim) is None
    watch(D(2026, 4, 13))
    assert (mark_of(claim).level, mark_of(claim).since) == ("due_soon", D(2026, 4, 13))
    watch(D(2026, 4, 28))
    mark = mark_of(claim)
    assert (mark.level, mark.since, mark.checked_on) == ("due_soon", D(2026, 4, 13), D(2026, 4, 28))
    watch(D(2026, 4, 29))
    assert (mark_of(claim).level, mark_of(claim).since) == ("overdue", D(2026, 4, 29))
    watch(D(2026, 5, 4))
    mark = mark_of(claim)
    assert (mark.level, mark.since, mark.due_on, mark.checked_on) == (
        "overdue", D(2026, 4, 29), D(2026, 4, 28), D(2026, 5, 4))


def test_suspended_and_closed_claims_get_no_mark(cast):
    day = D(2026, 6, 1)
    asked = running(cast, day, state="info_requested")
    held = running(cast, day, state="on_hold")
    decided = running(cast, day, state="decided")
    assert asked.clock_suspended and held.clock_suspended

    watch(day)

    assert not DeadlineMark.objects.filter(claim__in=[asked, held, decided]).exists()


def test_the_mark_goes_when_the_decision_is_taken(cast):
    day = D(2026, 6, 1)
    claim = running(cast, day + dt.timedelta(days=3), state="decision_pending")
    watch(day)
    assert mark_of(claim).level == "due_soon"

    with timeutil.frozen(at(day, 10)):
        cast.fire(claim, "decide")
    result = watch(day + dt.timedelta(days=1))

    assert mark_of(claim) is None
    assert result.marks.removed == 1


def test_a_moved_due_date_is_followed_and_a_later_one_drops_the_mark(cast):
    day = D(2026, 6, 1)
    claim = running(cast, day + dt.timedelta(days=2))
    watch(day)
    due_on(claim, day + dt.timedelta(days=4))  # e.g. a suspension that ended moved it on
    watch(day + dt.timedelta(days=1))
    assert mark_of(claim).due_on == day + dt.timedelta(days=4)
    assert mark_of(claim).since == day
    due_on(claim, day + dt.timedelta(weeks=8))  # the one extension (Awb 4:14)
    watch(day + dt.timedelta(days=2))
    assert mark_of(claim) is None


def test_refreshing_the_marks_is_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    day = D(2026, 6, 1)
    for offset in range(-3, 12):
        running(cast, day + dt.timedelta(days=offset))
    with timeutil.frozen(at(day)):
        refresh_marks(on=day)
    running(cast, day + dt.timedelta(days=1))
    with timeutil.frozen(at(day + dt.timedelta(days=1))), django_assert_max_num_queries(12):
        refresh_marks(on=day + dt.timedelta(days=1))


# --- digests ---------------------------------------------------------------------------------------------

@pytest.fixture
def guides(cast):
    second = UserFactory(role=R.CASEWORKER, first_name="Lotte", last_name="Vincken")
    idle = UserFactory(role=R.CASEWORKER)
    return cast.caseworker, second, idle


@override_settings(SITE_URL=SITE + "/")
def test_each_guide_gets_one_digest_with_their_own_claims(cast, guides):
    mine, second, idle = guides
    day = D(2026, 4, 13)
    late = running(cast, D(2026, 4, 10), guide=mine)
    soon = running(cast, D(2026, 4, 28), guide=mine)
    later = running(cast, D(2026, 6, 1), guide=mine)
    theirs = running(cast, D(2026, 4, 14), guide=second)

    result = watch(day)

    assert result.digests == 2
    assert sorted(digests().values_list("to", flat=True)) == sorted([mine.email, second.email])
    body = digests(mine.email).get().body
    assert late.reference in body and soon.reference in body
    assert later.reference not in body and theirs.reference not in body
    assert body.index("Termijn verstreken") < body.index(late.reference) < body.index("Binnen 10 werkdagen")
    assert body.index("Binnen 10 werkdagen") < body.index(soon.reference)
    assert "Uiterste besluitdatum was vrijdag 10 april 2026." in body
    assert "Uiterste besluitdatum: dinsdag 28 april 2026." in body
    assert f"{SITE}/werk/zaken/{soon.reference}/" in body
    assert str(soon.property) in body
    assert digests(mine.email).get().subject == "Mijnschade: 2 zaken vragen uw aandacht (13 april 2026)"
    assert theirs.reference in digests(second.email).get().body
    assert not digests(idle.email).exists()
    assert Digest.objects.get(user=mine, on_date=day).claims == 2


def test_the_digest_goes_once_a_day(cast, guides):
    mine, *_ = guides
    running(cast, D(2026, 4, 14), guide=mine)
    assert watch(D(2026, 4, 13)).digests == 1
    assert watch(D(2026, 4, 13)).digests == 0
    assert digests(mine.email).count() == 1
    assert watch(D(2026, 4, 14)).digests == 1
    assert digests(mine.email).count() == 2
    assert list(Digest.objects.filter(user=mine).values_list("on_date", flat=True).order_by("on_date")) == [
        D(2026, 4, 13), D(2026, 4, 14)]


def test_claims_whose_reply_or_response_term_ended_are_in_the_digest(cast, guides):
    mine, *_ = guides
    with timeutil.frozen(dt.datetime(2026, 3, 2, 10, 0)):
        asked = claim_in(cast, "info_requested")
        responding = claim_in(cast, "response_period")
        still_open = claim_in(cast, "response_period")
    Claim.objects.filter(pk=still_open.pk).update(reply_due=D(2026, 6, 30))
    Claim.objects.filter(pk__in=[asked.pk, responding.pk, still_open.pk]).update(decision_due=D(2026, 7, 1))
    asked.refresh_from_db()
    responding.refresh_from_db()

    watch(D(2026, 4, 13))

    body = digests(mine.email).get().body
    assert "Reactietermijn voorbij" in body and asked.reference in body
    assert "Zienswijzetermijn voorbij" in body and responding.reference in body
    assert still_open.reference not in body
    assert f"De aanvrager kon tot en met {_long(asked.reply_due)} de gevraagde informatie sturen." in body


def test_a_claim_in_two_sections_counts_once(cast, guides):
    mine, *_ = guides
    with timeutil.frozen(dt.datetime(2026, 3, 2, 10, 0)):
        claim = claim_in(cast, "response_period")
    due_on(claim, D(2026, 4, 14))

    watch(D(2026, 4, 13))

    email = digests(mine.email).get()
    assert email.body.count(claim.reference + ",") == 2  # due soon, and the response term has ended
    assert email.subject == "Mijnschade: 1 zaak vraagt uw aandacht (13 april 2026)"
    assert Digest.objects.get(user=mine).claims == 1


def _long(day: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "l j F Y")


def test_the_substitute_also_gets_the_digest_of_an_absent_guide(cast, guides):
    mine, second, _idle = guides
    substitute = UserFactory(role=R.CASEWORKER, first_name="Kim", last_name="Dassen")
    Absence.objects.create(user=second, substitute=substitute, starts_on=D(2026, 4, 6), ends_on=D(2026, 4, 17))
    Absence.objects.create(user=mine, substitute=substitute, starts_on=D(2026, 4, 14), ends_on=D(2026, 4, 30))
    away = running(cast, D(2026, 4, 20), guide=second)
    not_yet_away = running(cast, D(2026, 4, 21), guide=mine)

    watch(D(2026, 4, 13))

    body = digests(substitute.email).get().body
    assert away.reference in body
    assert "Zaken van Lotte Vincken. U vervangt deze collega tot en met vrijdag 17 april 2026." in body
    assert not_yet_away.reference not in body  # that absence starts tomorrow
    assert away.reference in digests(second.email).get().body  # the absent guide keeps theirs
    assert Digest.objects.filter(user=substitute, on_date=D(2026, 4, 13)).count() == 1


def test_a_substitute_with_own_claims_gets_one_digest_with_both(cast, guides):
    mine, second, _idle = guides
    Absence.objects.create(user=second, substitute=mine, starts_on=D(2026, 4, 13), ends_on=D(2026, 4, 13))
    own = running(cast, D(2026, 4, 20), guide=mine)
    covered = running(cast, D(2026, 4, 21), guide=second)

    watch(D(2026, 4, 13))

    body = digests(mine.email).get().body
    assert body.index("Uw eigen zaken.") < body.index(own.reference) < body.index("Zaken van Lotte Vincken")
    assert body.index("Zaken van Lotte Vincken") < body.index(covered.reference)
    assert digests(mine.email).get().subject.startswith("Mijnschade: 2 zaken")


def test_a_long_digest_names_the_first_claims_and_counts_the_rest(cast, guides, monkeypatch):
    mine, *_ = guides
    monkeypatch.setattr("casework.watch.DIGEST_MAX_LINES", 2)
    assert DIGEST_MAX_LINES > 2
    claims = [running(cast, D(2026, 4, 14) + dt.timedelta(days=n), guide=mine) for n in range(3)]

    watch(D(2026, 4, 13))

    body = digests(mine.email).get().body
    assert claims[0].reference in body and claims[1].reference in body
    assert claims[2].reference not in body
    assert "En nog 1 zaak." in body
    assert Digest.objects.get(user=mine).claims == 3


def test_unassigned_and_inactive_guides_get_no_digest(cast, guides):
    mine, *_ = guides
    submitted = claim_in(cast, "submitted")
    due_on(submitted, D(2026, 4, 14))
    running(cast, D(2026, 4, 14), guide=mine)
    mine.is_active = False
    mine.save()

    result = watch(D(2026, 4, 13))

    assert mark_of(submitted).level == "due_soon"  # the team view shows it; there is nobody to mail yet
    assert result.digests == 0
    assert not digests().exists()


def test_the_digest_is_in_the_language_of_the_guides_account(cast, guides):
    mine, second, _idle = guides
    Person.objects.create(name="Ruud", user=mine, language="en")
    running(cast, D(2026, 4, 14), guide=mine)
    running(cast, D(2026, 4, 14), guide=second)

    watch(D(2026, 4, 13))

    # Dates come out of Django's own catalogues, so they show the language even before ours is filled in.
    assert "Monday 13 April 2026" in digests(mine.email).get().body
    assert "maandag 13 april 2026" in digests(second.email).get().body


# --- urgent claims: the safety visit -----------------------------------------------------------------------

REPORTED = dt.datetime(2026, 3, 6, 16, 30)  # a Friday afternoon: 48 hours end on Sunday


@pytest.fixture
def urgent(cast):
    with timeutil.frozen(REPORTED):
        return cast.fire(draft_claim(applicant=cast.person, urgent=True), "submit")


def alerts():
    return OutgoingEmail.objects.filter(purpose="safety_visit_overdue")


def check(moment: dt.datetime) -> int:
    with timeutil.frozen(moment):
        return check_urgent_safety_visits()


def test_the_coordinators_are_alerted_once_when_48_hours_pass_without_a_visit(cast, urgent):
    second = UserFactory(role=R.COORDINATOR)
    assert check(REPORTED + dt.timedelta(hours=47, minutes=59)) == 0
    assert not alerts().exists()

    assert check(REPORTED + dt.timedelta(hours=48, minutes=15)) == 1

    assert sorted(alerts().values_list("to", flat=True)) == sorted([cast.coordinator.email, second.email])
    body = alerts().first().body
    assert urgent.reference in body and "zondag 8 maart 2026, 16:30" in body
    assert alerts().first().subject == f"Geen veiligheidsbezoek op tijd: {urgent.reference}"
    assert UrgentAlert.objects.filter(claim=urgent).count() == 1
    assert check(REPORTED + dt.timedelta(hours=60)) == 0
    assert alerts().count() == 2


def test_no_alert_when_the_visit_was_recorded(cast, urgent):
    with timeutil.frozen(REPORTED + dt.timedelta(hours=20)):
        claim_record_safety_visit(claim=urgent, actor=cast.coordinator, visited_at=timeutil.now(),
                                  findings="Gevel gestut; bewoners mogen blijven.")
    assert check(REPORTED + dt.timedelta(hours=49)) == 0
    assert not alerts().exists() and not UrgentAlert.objects.exists()


def test_no_alert_for_a_withdrawn_or_a_normal_claim(cast, urgent):
    with timeutil.frozen(REPORTED):
        normal = cast.fire(draft_claim(applicant=cast.person), "submit")
        cast.fire(urgent, "withdraw")
    assert normal.safety_visit_due is None
    assert check(REPORTED + dt.timedelta(hours=49)) == 0


def test_without_a_coordinator_no_alert_is_recorded_so_the_next_run_still_tells(cast, urgent):
    cast.coordinator.is_active = False
    cast.coordinator.save()
    assert check(REPORTED + dt.timedelta(hours=49)) == 0
    assert not UrgentAlert.objects.exists()
    UserFactory(role=R.COORDINATOR)
    assert check(REPORTED + dt.timedelta(hours=50)) == 1


def test_the_morning_task_runs_the_whole_watch(cast, urgent):
    claim = running(cast, D(2026, 3, 10), guide=cast.caseworker)
    with timeutil.frozen(dt.datetime(2026, 3, 9, 6, 0)):
        result = deadline_watch.apply().get()
    assert result == {"overdue": 0, "due_soon": 1, "digests": 1, "alerts": 1}
    assert mark_of(claim).level == "due_soon"
    assert digests(cast.caseworker.email).count() == 1
    assert alerts().count() == 1


def test_a_visit_recorded_while_the_alerts_go_out_stops_the_alert(cast, urgent, monkeypatch):
    late_at = timezone.make_aware(REPORTED + dt.timedelta(hours=49))
    late = list(watch_module.late_safety_visits(at=late_at))  # the list as the run read it
    assert late == [urgent]
    with timeutil.frozen(late_at):
        # A moment later the coordinator records the visit (under the claim's lock), before the alert is sent.
        claim_record_safety_visit(claim=urgent, actor=cast.coordinator, visited_at=timeutil.now(),
                                  findings="Gevel gestut; bewoners mogen blijven.")
    monkeypatch.setattr(watch_module, "late_safety_visits", lambda at: late)
    assert check(late_at) == 0
    assert not alerts().exists() and not UrgentAlert.objects.exists()


def test_a_substitute_whose_account_was_closed_gets_nothing_and_the_guide_keeps_theirs(cast, guides):
    _mine, second, _idle = guides
    substitute = UserFactory(role=R.CASEWORKER)
    Absence.objects.create(user=second, substitute=substitute, starts_on=D(2026, 4, 6), ends_on=D(2026, 4, 17))
    substitute.is_active = False
    substitute.save()
    covered = running(cast, D(2026, 4, 20), guide=second)

    assert watch(D(2026, 4, 13)).digests == 1
    assert not digests(substitute.email).exists()
    assert covered.reference in digests(second.email).get().body


def test_an_urgent_claim_given_to_an_absent_guide_reaches_only_a_working_substitute(cast):
    substitute = UserFactory(role=R.CASEWORKER)
    with timeutil.frozen(REPORTED):
        Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=timeutil.today(),
                               ends_on=timeutil.today() + dt.timedelta(days=3))
        claim = claim_in(cast, "intake", urgent=True)
        substitute.is_active = False
        substitute.save()
        assert watch_module.notify_urgent_assignment(claim, on=timeutil.today()) == 1
    assert list(OutgoingEmail.objects.filter(purpose="urgent_assigned").values_list("to", flat=True)) == [
        cast.caseworker.email]
