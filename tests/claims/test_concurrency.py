"""Concurrency on real PostgreSQL: threads with their own connections race for one claim or one number."""

import re
import threading

import pytest
from django.db import connection

from claims.errors import TransitionRefused
from claims.models import ClaimTransition
from claims.services import claim_transition
from tests.factories import Cast, claim_in, draft_claim

THREADS = 12


def race(workers):
    """Starts every worker at the same moment; returns (results, errors)."""
    barrier = threading.Barrier(len(workers))
    results, errors = [], []

    def run(work):
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


# Pairs of steps from one state where either one rules the other out.
CONFLICTS = {
    "intake": (("request_info", {"reason": "Stuur foto's."}), ("plan_inspection", {"expert": None})),
    "response_period": (("revise_advice", {"reason": "Zienswijze."}), ("forward_to_commission", {})),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state", sorted(CONFLICTS))
def test_conflicting_transitions_on_one_claim_exactly_one_wins(state):
    cast = Cast()
    claim = claim_in(cast, state)
    before = ClaimTransition.objects.filter(claim=claim).count()

    def worker(i):
        name, data = CONFLICTS[state][i % 2]
        data = {k: (cast.expert if k == "expert" else v) for k, v in data.items()}
        return lambda: claim_transition(claim=claim, name=name, actor=cast.caseworker, **data).status

    results, errors = race([worker(i) for i in range(THREADS)])
    assert len(results) == 1, (results, errors)
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, TransitionRefused) for e in errors), errors
    claim.refresh_from_db()
    assert claim.status == results[0]
    assert ClaimTransition.objects.filter(claim=claim).count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_the_same_transition_fired_many_times_at_once_happens_once():
    cast = Cast()
    claim = claim_in(cast, "advice_draft")
    results, errors = race([
        lambda: claim_transition(claim=claim, name="send_advice", actor=cast.caseworker).status
        for _ in range(THREADS)
    ])
    assert results == ["response_period"]
    assert len(errors) == THREADS - 1
    assert ClaimTransition.objects.filter(claim=claim, name="send_advice").count() == 1


@pytest.mark.django_db(transaction=True)
def test_claims_filed_at_the_same_moment_get_distinct_sequential_references():
    cast = Cast()
    per_thread = 5

    def file_claims():
        return [draft_claim(applicant=cast.person).reference for _ in range(per_thread)]

    results, errors = race([file_claims for _ in range(THREADS)])
    assert not errors
    references = [ref for batch in results for ref in batch]
    assert len(references) == len(set(references)) == THREADS * per_thread
    assert all(re.fullmatch(r"MS-\d{4}-\d{6}", ref) for ref in references)
    numbers = sorted(int(ref[-6:]) for ref in references)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
