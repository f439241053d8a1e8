"""Automatic assignment spreads new claims evenly over the guides of the right team; a submitted claim is
assigned after commit, or by the sweep when the broker was down."""

import datetime as dt
import logging
import threading
import time
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction

from casework.assignment import caseworker_for, claim_assign_automatically
from casework.tasks import assign_claim, assign_unassigned
from claims import roles as R
from claims import timeutil
from claims.models import Absence, Claim, ClaimTransition, DamageItem, OutgoingEmail, Team
from claims.services import claim_create_draft
from i3ml.celery import app as celery_app
from tests.factories import Cast, PropertyFactory, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def teams():
    parkstad = [UserFactory(role=R.CASEWORKER) for _ in range(3)]
    west = [UserFactory(role=R.CASEWORKER) for _ in range(2)]
    Team.objects.create(name="Parkstad", municipalities=["Heerlen", "Kerkrade"]).members.add(*parkstad)
    Team.objects.create(name="Westelijke Mijnstreek", municipalities=["Stein", "Beek"]).members.add(*west)
    return parkstad, west


def submitted(cast, municipality):
    return cast.fire(draft_claim(applicant=cast.person, municipality=municipality), "submit")


def test_one_hundred_new_claims_are_spread_evenly_over_the_team(teams):
    parkstad, west = teams
    cast = Cast()
    for _ in range(100):
        claim_assign_automatically(claim=submitted(cast, "Heerlen"))
    load = Counter(ClaimTransition.objects.filter(name="start_intake").values_list("data__caseworker", flat=True))
    assert set(load) == {g.pk for g in parkstad}
    assert sorted(load.values()) == [33, 33, 34]
    assert not set(load) & {g.pk for g in west}


def test_the_step_is_taken_by_the_system_and_names_the_guide(teams):
    _, west = teams
    cast = Cast()
    claim = claim_assign_automatically(claim=submitted(cast, "Stein"))
    assert claim.status == "intake" and claim.caseworker in west
    step = claim.transitions.get(name="start_intake")
    assert step.actor is None
    assert step.data["caseworker"] == claim.caseworker_id


def test_a_home_outside_every_team_still_gets_a_named_guide(teams):
    cast = Cast()
    claim = claim_assign_automatically(claim=submitted(cast, "Maastricht"))
    assert claim.caseworker is not None


def test_inactive_guides_get_nothing(teams):
    parkstad, _ = teams
    for guide in parkstad[1:]:
        guide.is_active = False
        guide.save()
    cast = Cast()
    claim = submitted(cast, "Kerkrade")
    assert caseworker_for(claim) == parkstad[0]


# --- the hook: a submitted claim is assigned after commit --------------------------------------------------

@pytest.fixture
def eager(monkeypatch):
    """Tasks run in-process, as under `make run` without Redis (letters aside: PDFs are not the point here)."""
    monkeypatch.setattr("claims.tasks.render_letter.delay", lambda letter_id: None)
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = True
    yield
    conf.task_always_eager = saved


def new_claims(cast, count: int, municipality: str = "Heerlen") -> list:
    """Submitted claims on one home, made quickly: drafts with one damage item each, then the real submit."""
    home = PropertyFactory(municipality=municipality, town=municipality)
    drafts = [claim_create_draft(property=home, applicant=cast.person, filed_by=cast.resident)
              for _ in range(count)]
    DamageItem.objects.bulk_create(DamageItem(claim=claim, position=1, location="Gevel", kind="crack",
                                              description="Scheur") for claim in drafts)
    return [cast.fire(claim, "submit") for claim in drafts]


def test_the_sweep_spreads_one_hundred_claims_over_four_guides_exactly(django_capture_on_commit_callbacks):
    four = [UserFactory(role=R.CASEWORKER) for _ in range(4)]
    Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(*four)
    UserFactory(role=R.CASEWORKER)  # another team's guide, not serving Heerlen
    Team.objects.create(name="West", municipalities=["Stein"]).members.add(User.objects.last())
    cast = Cast()
    with timeutil.frozen(dt.datetime(2026, 4, 27, 9, 0)):
        claims = new_claims(cast, 100)
    assert {c.status for c in claims} == {"submitted"}
    with timeutil.frozen(dt.datetime(2026, 4, 27, 9, 1)):
        assert assign_unassigned(limit=200) == 0  # the task sent on commit gets two minutes first
    with timeutil.frozen(dt.datetime(2026, 4, 27, 9, 5)):
        assert assign_unassigned(limit=40) == 40  # small batches, a cap per run
        assert assign_unassigned(limit=200) == 60

    load = Counter(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("caseworker", flat=True))
    assert load == {guide.pk: 25 for guide in four}
    assert not Claim.objects.filter(status="submitted").exists()


def test_after_commit_the_submitted_claim_gets_a_guide(eager, django_capture_on_commit_callbacks):
    cast = Cast()
    claim = draft_claim(applicant=cast.person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cast.fire(claim, "submit")
    claim.refresh_from_db()
    assert claim.status == "submitted"  # nothing happens before the submission commits
    for callback in callbacks:
        callback()
    claim.refresh_from_db()
    assert claim.status == "intake" and claim.caseworker == cast.caseworker
    assert claim.transitions.get(name="start_intake").actor is None


def test_only_the_submit_step_triggers_assignment(eager, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("casework.tasks.assign_claim.delay", sent.append)
    cast = Cast()
    with django_capture_on_commit_callbacks(execute=True):
        claim = cast.fire(draft_claim(applicant=cast.person), "submit")
        cast.fire(claim, "withdraw")
    assert sent == [claim.pk]


def test_assign_claim_is_idempotent(eager):
    cast = Cast()
    claim = claim_in(cast, "intake")
    other = UserFactory(role=R.CASEWORKER)
    assert assign_claim.delay(claim.pk).get() is False
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker and claim.transitions.filter(name="start_intake").count() == 1
    withdrawn = claim_in(cast, "withdrawn")
    assert assign_claim.delay(withdrawn.pk).get() is False
    assert assign_claim.delay(999_999_999).get() is False  # e.g. gone after a test database flush
    assert not Claim.objects.filter(caseworker=other).exists()


def test_without_any_guide_the_claim_stays_submitted_and_it_is_logged(eager, caplog):
    cast = Cast()
    cast.caseworker.is_active = False
    cast.caseworker.save()
    claim = claim_in(cast, "submitted")
    with caplog.at_level(logging.WARNING, logger="casework.tasks"):
        assert assign_claim.delay(claim.pk).get() is False
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.caseworker is None
    assert f"Claim {claim.pk} not assigned automatically (no_caseworker)" in caplog.text
    with timeutil.frozen(timeutil.now() + dt.timedelta(minutes=5)):
        assert assign_unassigned() == 0  # the sweep stops at once: nobody to give it to


def test_a_broker_that_is_down_leaves_the_claim_for_the_sweep(django_capture_on_commit_callbacks, monkeypatch,
                                                              caplog):
    def broker_down(claim_id):
        raise OSError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr("casework.tasks.assign_claim.delay", broker_down)
    cast = Cast()
    with django_capture_on_commit_callbacks(execute=True):
        claim = cast.fire(draft_claim(applicant=cast.person), "submit")  # the submission still succeeds
    assert f"Claim {claim.pk} not handed to automatic assignment now" in caplog.text
    claim.refresh_from_db()
    assert claim.status == "submitted"
    with timeutil.frozen(timeutil.now() + dt.timedelta(minutes=3)):
        assert assign_unassigned() == 1
    claim.refresh_from_db()
    assert claim.status == "intake" and claim.caseworker == cast.caseworker


def test_the_guide_of_an_urgent_claim_is_emailed_at_once(eager, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://mijnschade.i3ml.example"
    cast = Cast()
    with timeutil.frozen(dt.datetime(2026, 3, 6, 16, 30)), django_capture_on_commit_callbacks(execute=True):
        claim = cast.fire(draft_claim(applicant=cast.person, urgent=True), "submit")
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker
    notice = OutgoingEmail.objects.get(purpose="urgent_assigned")
    assert notice.to == cast.caseworker.email and notice.claim == claim
    assert notice.subject == f"Nieuwe spoedzaak voor u: {claim.reference}"
    assert "uiterlijk zondag 8 maart 2026, 16:30 uur een veiligheidsbezoek" in notice.body
    assert f"https://mijnschade.i3ml.example/werk/zaken/{claim.reference}/" in notice.body
    assert notice.sent_at is not None  # eager: the worker's send ran in-process
    assert any(claim.reference in m.subject and m.to == [cast.caseworker.email] for m in mail.outbox)
    # The coordinators heard at submission already (claims.notifications), not again here.
    assert OutgoingEmail.objects.filter(claim=claim, purpose="urgent_alert").count() == 1


def test_an_absent_guides_substitute_also_hears_of_a_new_urgent_claim(eager):
    cast = Cast()
    substitute = UserFactory(role=R.CASEWORKER)
    Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(cast.caseworker)
    with timeutil.frozen(dt.datetime(2026, 3, 6, 16, 30)):
        Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=timeutil.today(),
                               ends_on=timeutil.today() + dt.timedelta(days=7))
        claim = claim_in(cast, "submitted", urgent=True)
        assign_claim.delay(claim.pk)
    notices = OutgoingEmail.objects.filter(purpose="urgent_assigned")
    assert sorted(notices.values_list("to", flat=True)) == sorted([cast.caseworker.email, substitute.email])
    assert "U vervangt deze collega nu." in notices.get(to=substitute.email).body


def test_a_normal_claim_sends_no_urgent_notice(eager):
    cast = Cast()
    claim = claim_in(cast, "submitted")
    assign_claim.delay(claim.pk)
    assert not OutgoingEmail.objects.filter(purpose="urgent_assigned").exists()


# --- evenness under load, and a sweep that cannot get stuck -------------------------------------------------

def test_a_guide_in_two_teams_that_serve_the_municipality_is_counted_once(teams):
    parkstad, west = teams
    both = parkstad[0]
    Team.objects.create(name="Spoed", municipalities=["Heerlen"]).members.add(both, west[0])
    cast = Cast()
    for _ in range(6):
        claim_assign_automatically(claim=submitted(cast, "Heerlen"))
    load = Counter(Claim.objects.filter(status="intake").values_list("caseworker", flat=True))
    # Four guides serve Heerlen now; a guide in two of its teams is one guide with one load. Ties go to the
    # guide who joined first.
    assert load == {parkstad[0].pk: 2, parkstad[1].pk: 2, parkstad[2].pk: 1, west[0].pk: 1}


@pytest.fixture
def no_broker(monkeypatch):
    """Transactional tests commit, so side effects would be handed to the broker: here they stay queued rows."""
    monkeypatch.setattr("casework.tasks.enqueue_assignment", lambda claim_id: None)
    monkeypatch.setattr("claims.tasks.render_letter.delay", lambda letter_id: None)
    monkeypatch.setattr("claims.tasks.send_email.delay", lambda email_id: None)


def while_another_transaction_holds(first, second, *, hold: float = 0.5):
    """Runs `first` in a transaction that stays open `hold` seconds after it returned, and `second` (in its
    own thread and connection) as soon as `first` returned. Returns both results."""
    done, results, errors = threading.Event(), {}, []

    def run_first():
        try:
            with transaction.atomic():
                results["first"] = first()
                done.set()
                time.sleep(hold)
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            done.set()
            connection.close()

    def run_second():
        try:
            done.wait(30)
            results["second"] = second()
        except Exception as error:  # asserted on below
            results["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results["first"], results["second"]


@pytest.mark.django_db(transaction=True)
def test_two_claims_assigned_at_the_same_moment_go_to_two_guides(no_broker):
    first, second = UserFactory(role=R.CASEWORKER), UserFactory(role=R.CASEWORKER)
    Team.objects.create(name="Parkstad", municipalities=["Heerlen"]).members.add(first, second)
    cast = Cast()
    one, two = submitted(cast, "Heerlen"), submitted(cast, "Heerlen")

    a, b = while_another_transaction_holds(lambda: claim_assign_automatically(claim=one).caseworker_id,
                                           lambda: claim_assign_automatically(claim=two).caseworker_id)

    # The second waited for the first to commit, and then counted the first claim in the load.
    assert {a, b} == {first.pk, second.pk}


@pytest.mark.django_db(transaction=True)
def test_two_absences_recorded_at_once_cannot_chain_stand_ins(no_broker):
    from casework.services.absence import AbsenceRefused, absence_record

    coordinator = UserFactory(role=R.COORDINATOR)
    anouk, bram, carla = (UserFactory(role=R.CASEWORKER) for _ in range(3))
    start = timeutil.today() + dt.timedelta(days=1)
    period = {"starts_on": start, "ends_on": start + dt.timedelta(days=5), "actor": coordinator}

    _, refused = while_another_transaction_holds(
        lambda: absence_record(user=anouk, substitute=bram, **period),
        lambda: absence_record(user=bram, substitute=carla, **period),
    )

    # Bram stands in for Anouk, so he cannot be away at the same time: the claims would have nobody.
    assert isinstance(refused, AbsenceRefused) and refused.code == "is_substitute"
    assert list(Absence.objects.values_list("user", "substitute")) == [(anouk.pk, bram.pk)]


def test_the_sweep_goes_on_past_a_claim_that_fails(django_capture_on_commit_callbacks, monkeypatch, caplog):
    cast = Cast()
    with timeutil.frozen(dt.datetime(2026, 4, 27, 9, 0)):
        broken, *fine = new_claims(cast, 3)
    real = claim_assign_automatically

    def assign(*, claim):
        if claim.pk == broken.pk:
            raise ValueError("a claim with data nobody foresaw")
        return real(claim=claim)

    monkeypatch.setattr("casework.tasks.claim_assign_automatically", assign)
    with timeutil.frozen(dt.datetime(2026, 4, 27, 9, 5)), caplog.at_level(logging.ERROR, logger="casework.tasks"):
        assert assign_unassigned() == 2
        # The next run meets the same claim first, and still does not stop there.
        assert assign_unassigned() == 0
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in fine])} == {"intake"}
    broken.refresh_from_db()
    assert broken.status == "submitted" and broken.caseworker is None
    assert f"Claim {broken.pk} could not be assigned automatically" in caplog.text
