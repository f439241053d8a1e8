"""The change feed under load on real PostgreSQL: writers take steps in their own threads (some in transactions
that stay open a moment, one that rolls back) while a follower pages through the feed. The follower must see
every committed step exactly once and nothing rolled back.

And why the feed needs its order: paging by row id (`id > last`) loses a step whose transaction took its id
first and committed last; the feed, read at the same moments, does not."""

import datetime as dt
import random
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings

from claims import roles as R
from claims.models import Claim, ClaimTransition
from tests.api.test_events import SETTLE_TIMEOUT, feed_page, follow, row_id, settled
from tests.factories import Cast, claim_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids are PostgreSQL's"),
]

WRITERS = 4
CLAIMS_PER_WRITER = 2
STEPS_PER_CLAIM = 12
FOLLOW_TIMEOUT = SETTLE_TIMEOUT  # the feed waits for older transactions anywhere on the server
# High rates: the follower polls; throttling is tested elsewhere.
UNTHROTTLED = {"token_rate": "100000/min", "user_rate": "100000/min", "anonymous_rate": "100000/min"}


class RollbackError(Exception):
    pass


def next_step(claim) -> str:
    status = Claim.objects.values_list("status", flat=True).get(pk=claim.pk)
    return "hold" if status == "intake" else "resume"


def writer(cast: Cast, claims, seed: int, rolled_back: list[int], errors: list[BaseException]) -> None:
    """Takes hold/resume steps on its own claims; about one in three in a transaction that stays open a moment,
    and (writer 0) one step in a transaction that rolls back after it was written."""
    chance = random.Random(seed)
    try:
        for round_ in range(STEPS_PER_CLAIM):
            for claim in claims:
                if seed == 0 and round_ == STEPS_PER_CLAIM // 2 and claim is claims[0]:
                    try:
                        with transaction.atomic():
                            cast.fire(claim, next_step(claim))
                            rolled_back.append(ClaimTransition.objects.filter(claim=claim).latest("id").pk)
                            time.sleep(0.05)
                            raise RollbackError
                    except RollbackError:
                        pass
                if chance.random() < 1 / 3:
                    with transaction.atomic():
                        cast.fire(claim, next_step(claim))
                        time.sleep(chance.uniform(0.02, 0.15))  # committed late, after later ids
                else:
                    cast.fire(claim, next_step(claim))
    except BaseException as error:  # asserted on by the test
        errors.append(error)
    finally:
        connection.close()


@override_settings(MIJNSCHADE_API=UNTHROTTLED)
def test_a_follower_sees_every_committed_step_once_while_steps_commit_out_of_id_order(cast, as_token):
    claims = [[claim_in(cast, "intake") for _ in range(CLAIMS_PER_WRITER)] for _ in range(WRITERS)]
    client = as_token(cast.coordinator, R.COORDINATOR)
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=writer, args=(cast, mine, seed, rolled_back, errors))
               for seed, mine in enumerate(claims)]
    seen: list[dict] = []
    writers_done = threading.Event()
    expected: set[int] = set()

    def follower() -> None:
        cursor = None
        deadline = time.monotonic() + FOLLOW_TIMEOUT
        try:
            while time.monotonic() < deadline:
                page = feed_page(client, since=cursor, limit=3)
                seen.extend(page["results"])
                cursor = page["next_cursor"]
                if page["has_more"]:
                    continue
                if writers_done.is_set() and {row_id(e) for e in seen} >= expected:
                    return
                time.sleep(0.01)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    reader = threading.Thread(target=follower)
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=FOLLOW_TIMEOUT)
    expected.update(ClaimTransition.objects.values_list("id", flat=True))
    writers_done.set()
    reader.join(timeout=FOLLOW_TIMEOUT + 10)

    assert not errors, errors
    assert not reader.is_alive()
    ids = [row_id(e) for e in seen]
    steps_taken = WRITERS * CLAIMS_PER_WRITER * STEPS_PER_CLAIM
    assert len(expected) == WRITERS * CLAIMS_PER_WRITER * 2 + steps_taken  # submit and start_intake first
    assert len(rolled_back) == 1 and rolled_back[0] not in expected
    assert len(ids) == len(set(ids)), "a step came twice"
    assert set(ids) == expected, f"missing {sorted(expected - set(ids))}, extra {sorted(set(ids) - expected)}"
    # Within a claim, the order in which the steps happened.
    last_state: dict[str, str] = {}
    for event in seen:
        assert event["from_state"] == last_state.get(event["claim"], "draft"), event
        last_state[event["claim"]] = event["to_state"]


@override_settings(MIJNSCHADE_API=UNTHROTTLED)
@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_paging_by_row_id_loses_a_step_that_commits_late_and_the_feed_does_not(cast, as_token, ending):
    early, late = claim_in(cast, "intake"), claim_in(cast, "intake")
    client = as_token(cast.coordinator, R.COORDINATOR)
    settled()
    _, cursor = follow(client, limit=100)
    last_id = ClaimTransition.objects.latest("id").pk

    written, release = threading.Event(), threading.Event()
    held: list[int] = []

    def open_transaction() -> None:
        try:
            with transaction.atomic():
                cast.fire(early, "hold")
                held.append(ClaimTransition.objects.filter(claim=early).latest("id").pk)
                written.set()
                release.wait(30)
                if ending == "rollback":
                    raise RollbackError
        except RollbackError:
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=open_transaction)
    thread.start()
    assert written.wait(30)
    cast.fire(late, "hold")  # a higher row id, committed at once
    quick = ClaimTransition.objects.filter(claim=late).latest("id").pk
    assert quick > held[0]

    # Both followers read while the first transaction is still open.
    by_id = list(ClaimTransition.objects.filter(id__gt=last_id).order_by("id").values_list("id", flat=True))
    assert by_id == [quick]
    last_id = by_id[-1]
    page = feed_page(client, since=cursor, limit=100)
    assert page == {"results": [], "next_cursor": cursor, "has_more": False}, "held back until the older one ends"

    release.set()
    thread.join(30)

    # The follower by id has moved past the late step: it never sees it.
    assert list(ClaimTransition.objects.filter(id__gt=last_id).values_list("id", flat=True)) == []
    if ending == "commit":
        assert ClaimTransition.objects.filter(pk=held[0]).exists(), "the step is there, but lost to that follower"
    # The feed gives both (or only the committed one), once, in transaction order.
    wanted = [held[0], quick] if ending == "commit" else [quick]
    events: list[dict] = []
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while [row_id(e) for e in events] != wanted:
        assert time.monotonic() < deadline, [row_id(e) for e in events]
        more, cursor = follow(client, since=cursor, limit=1)
        events += more
        time.sleep(0.02)
    assert [e["claim"] for e in events] == ([early.reference] if ending == "commit" else []) + [late.reference]


@override_settings(MIJNSCHADE_API=UNTHROTTLED)
def test_the_caveat_a_transaction_that_wrote_before_it_took_a_step_is_listed_by_its_older_xid(cast, as_token):
    """api/views/events.py's caveat, shown: a batch transaction writes (and so gets its xid) before it takes a
    step on a claim that someone else stepped on meanwhile. The feed lists the batch's step first, though it
    happened second; `at` and the states show the real order. Nothing is lost or repeated."""
    first, second = claim_in(cast, "intake"), claim_in(cast, "intake")
    client = as_token(cast.coordinator, R.COORDINATOR)
    settled()
    _, cursor = follow(client, limit=100)
    batch_wrote, other_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def batch() -> None:
        try:
            with transaction.atomic():
                cast.fire(first, "hold")  # the batch's xid is taken here
                batch_wrote.set()
                assert other_done.wait(30)
                cast.fire(second, "resume")  # after the other transaction's hold
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=batch)
    thread.start()
    assert batch_wrote.wait(30)
    cast.fire(second, "hold")  # a later xid, committed first
    other_done.set()
    thread.join(30)
    assert not errors, errors
    settled()

    events = [e for e in follow(client, since=cursor, limit=1)[0] if e["claim"] == second.reference]
    assert [(e["name"], e["from_state"], e["to_state"]) for e in events] == [
        ("resume", "on_hold", "intake"),  # listed first: the batch's older xid
        ("hold", "intake", "on_hold"),
    ]
    assert dt.datetime.fromisoformat(events[0]["at"]) > dt.datetime.fromisoformat(events[1]["at"])
