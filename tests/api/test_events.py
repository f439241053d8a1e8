"""The change feed: paging sees every step once, only the caller's claims, bad cursors and limits are a 400,
a fixed number of queries per page.

Transactional tests: the feed gives out only steps whose transaction has ended, so steps written inside a
test's own open transaction would never show (api/views/events.py)."""

import datetime as dt
import itertools
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.serializers.events import cursor_parse
from claims import roles as R
from claims.models import ClaimTransition
from tests.factories import claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db(transaction=True)

FEED = "/api/v1/events/"


# The feed waits for every older write transaction on the database server, in any database: on a shared
# server a long one elsewhere (another test run) holds it back for as long as it stays open.
SETTLE_TIMEOUT = 300.0


def settled(timeout: float = SETTLE_TIMEOUT) -> None:
    """Waits until every transaction that wrote a step, and every older one, has ended."""
    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {ClaimTransition._meta.db_table} "
                           "WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            if cursor.fetchone()[0] == 0:
                return
        waited = time.monotonic() - started
        assert waited < timeout, f"a transaction on the database server stayed open for {waited:.0f} s"
        time.sleep(0.05)


def feed_page(client, *, since: str | None = None, limit: int | None = None) -> dict:
    params = {key: value for key, value in (("since", since), ("limit", limit)) if value is not None}
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def follow(client, *, since: str | None = None, limit: int) -> tuple[list[dict], str]:
    """Every event after `since`, page by page as a follower reads them; the cursor to go on from."""
    events, cursor = [], since
    while True:
        page = feed_page(client, since=cursor, limit=limit)
        assert len(page["results"]) <= limit
        events += page["results"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return events, cursor


def row_id(event: dict) -> int:
    return cursor_parse(event["cursor"])[1]


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_paging_with_small_limits_gives_every_step_exactly_once(cast, as_token, limit):
    for state in ("intake", "decided", "on_hold", "withdrawn"):
        claim_in(cast, state)
    settled()
    expected = list(ClaimTransition.objects.order_by("txid", "id").values_list("id", flat=True))
    assert len(expected) == 15

    events, cursor = follow(as_token(cast.coordinator, R.COORDINATOR), limit=limit)

    assert [row_id(e) for e in events] == expected
    assert len({e["cursor"] for e in events}) == len(events)
    # Nothing new: the same cursor back, no events, nothing more.
    again = feed_page(as_token(cast.coordinator, R.COORDINATOR, name="again"), since=cursor, limit=limit)
    assert again == {"results": [], "next_cursor": cursor, "has_more": False}


def test_a_follower_picks_up_new_steps_after_its_cursor(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.coordinator, R.COORDINATOR)
    settled()
    _, cursor = follow(client, limit=100)

    cast.fire(claim, "hold")
    cast.fire(claim, "resume")
    settled()

    events, _ = follow(client, since=cursor, limit=1)
    assert [(e["claim"], e["name"], e["from_state"], e["to_state"]) for e in events] == [
        (claim.reference, "hold", "intake", "on_hold"),
        (claim.reference, "resume", "on_hold", "intake"),
    ]


def test_the_steps_of_one_claim_come_in_the_order_they_happened(cast, as_token):
    claim_in(cast, "closed")
    claim_in(cast, "objection")
    settled()
    events, _ = follow(as_token(cast.coordinator, R.COORDINATOR), limit=3)
    by_claim: dict[str, list[dict]] = {}
    for event in events:
        by_claim.setdefault(event["claim"], []).append(event)
    for steps in by_claim.values():
        assert steps[0]["from_state"] == "draft"
        for before, after in itertools.pairwise(steps):
            assert after["from_state"] == before["to_state"], steps


def test_an_event_has_the_documented_shape(cast, as_token):
    claim = claim_in(cast, "intake")
    settled()
    event = feed_page(as_token(cast.coordinator, R.COORDINATOR), limit=1)["results"][0]
    first = claim.transitions.order_by("txid", "id").first()
    assert event == {
        "cursor": f"{first.txid}.{first.pk}",
        "claim": claim.reference,
        "name": "submit",
        "from_state": "draft",
        "to_state": "submitted",
        "at": event["at"],
        "actor": {"id": cast.resident.pk, "name": cast.resident.username},
    }
    assert dt.datetime.fromisoformat(event["at"]) == first.created_at


def test_a_resident_sees_only_the_steps_of_their_own_claims_and_no_names(cast, as_token):
    own = claim_in(cast, "intake")
    other_user, other_person = resident()
    theirs = draft_claim(applicant=other_person)
    cast.fire(theirs, "submit", actor=other_user)
    settled()

    events, _ = follow(as_token(cast.resident, R.RESIDENT), limit=2)

    assert {e["claim"] for e in events} == {own.reference}
    assert [e["name"] for e in events] == ["submit", "start_intake"]
    assert all(e["actor"] is None for e in events)
    assert theirs.reference not in str(events)


def test_an_expert_sees_only_the_claims_assigned_to_them(cast, as_token):
    assigned = claim_in(cast, "inspection")
    claim_in(cast, "intake")
    settled()
    events, _ = follow(as_token(cast.expert, R.EXPERT), limit=10)
    assert {e["claim"] for e in events} == {assigned.reference}
    assert len(events) == assigned.transitions.count()
    assert events[-1]["actor"] == {"id": cast.caseworker.pk, "name": cast.caseworker.username}


BAD_CURSORS = ["abc", "12", "1.2.3", "-1.2", "1.-2", "1,2", "9223372036854775808.1", "1.2a", "１.２"]


@pytest.mark.parametrize("since", BAD_CURSORS)
def test_a_cursor_the_feed_did_not_give_is_a_400_on_since(cast, as_token, since):
    response = as_token(cast.coordinator, R.COORDINATOR).get(FEED, {"since": since})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["since"]


@pytest.mark.parametrize("limit", ["0", "501", "x", "-3"])
def test_a_limit_outside_1_to_500_is_a_400_on_limit(cast, as_token, limit):
    response = as_token(cast.coordinator, R.COORDINATOR).get(FEED, {"limit": limit})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["limit"]


def test_the_default_page_is_100_events(cast, as_token):
    for _ in range(13):
        claim_in(cast, "decided")  # 8 steps each
    settled()
    client = as_token(cast.coordinator, R.COORDINATOR)
    page = feed_page(client)
    assert len(page["results"]) == 100 and page["has_more"] is True
    assert len(feed_page(client, limit=500)["results"]) == ClaimTransition.objects.count()


@pytest.mark.parametrize("role", [R.COORDINATOR, R.CASEWORKER, R.RESIDENT])
def test_a_page_runs_the_same_queries_whatever_its_size(cast, as_token, role):
    for _ in range(8):
        claim_in(cast, "response_period")
    settled()
    user = {R.COORDINATOR: cast.coordinator, R.CASEWORKER: cast.caseworker, R.RESIDENT: cast.resident}[role]
    client = as_token(user, role)
    client.get(FEED)  # warm: the token's last use is stamped once a minute
    counts = []
    for limit in (2, 40):
        with CaptureQueriesContext(connection) as queries:
            page = feed_page(client, limit=limit)
        assert len(page["results"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 3, counts


def test_without_credentials_the_feed_is_a_401(client):
    response = client.get(FEED)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
