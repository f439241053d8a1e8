"""The change feed: every step (ClaimTransition) of the claims the caller may see, in an order a follower can
page through with a cursor and see each step exactly once, even while steps are being taken.

Why this order. Row ids come from a sequence when a row is written, not when its transaction commits: a
transaction that took id 10 can commit after one that took id 11. A follower that had read 11 and asks for
`id > 11` would never see 10. So the feed orders by the id of the writing transaction (PostgreSQL's xid,
`ClaimTransition.txid`), then by row id, and gives out only rows whose transaction is older than the oldest
transaction still running in the same statement's snapshot (`txid < pg_snapshot_xmin(pg_current_snapshot())`).
Every transaction below that xmin has ended: committed (its rows are visible to the statement) or rolled back
(its rows will never exist). No row can turn up later before a cursor the feed has given out, so nothing is
lost. A transaction that writes and stays open holds the feed back at its xid until it ends: it delays events,
it never loses them. Transaction ids are server-wide, so this is any writing transaction on the database
server, also in another database on it (keep batch jobs' transactions short). Read-only transactions hold
nothing back. Within one transaction its own new steps are not given out yet (its xid is still running).

Within one claim the steps come in the order they happened: every step locks the claim row first
(claims/services/steps.py `lock`), and a transaction that gets its xid from that lock (PostgreSQL assigns it
when the lock is granted, after any wait) gets one above the step before it. The caveat: a transaction that
wrote something else before it locked the claim (a batch in one transaction: `claims_reassign`, or recording
a paid SEPA batch, which settles and closes claim after claim) has an older xid, and if it had to wait for
another step on the same claim, the feed lists its step before that one. `from_state`/`to_state` show it;
`at` is the time of the step.

Visibility is checked when the feed is read, through `claims_visible_to`: a claim the caller comes to see
later does not replay its steps from before the cursor; read the claim itself.

On SQLite (one writer at a time, ids in commit order) every txid is 0 and the order is the row id.
"""

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import ClaimTransition
from claims.selectors import claims_visible_to

from ..serializers.events import (
    START,
    EventPageSerializer,
    EventQuerySerializer,
    EventSerializer,
    cursor_text,
    shows_actor,
)

# claim__status: django-fsm reads the protected state field when it builds the claim, so it must not be deferred.
FEED_FIELDS = ("txid", "id", "name", "from_state", "to_state", "created_at", "claim__reference", "claim__status",
               "actor__id", "actor__username", "actor__first_name", "actor__last_name")

FEED_DESCRIPTION = """The steps of the claims you may see, oldest first, for a system that follows changes.

Start without `since`; then pass the `next_cursor` of each answer as `since`. While `has_more` is true, ask
again at once; otherwise ask again later (the answer is the same cursor until something new happens).

Each step comes exactly once, also while steps are being taken at the same moment: the feed is ordered by the
database transaction that wrote the step and gives out only steps whose transaction and all older ones have
ended, so a step can never appear later behind a cursor you already have. A long transaction can delay
steps by its length; it never loses them. Within one claim the steps come in the order they happened
(the claim is locked for every step), except when one transaction did other work before it took its step on
a claim another step was waiting for; `from_state` and `to_state` show the order.

You see the steps of the claims you may see when you ask; the steps of a claim that becomes visible to you
later are not repeated from before your cursor."""


def _position_after(position: tuple[int, int]) -> RawSQL:
    table = connection.ops.quote_name(ClaimTransition._meta.db_table)
    # A row comparison, so the (txid, id) index serves the range and the order in one scan.
    return RawSQL(f"({table}.txid, {table}.id) > (%s, %s)", position, output_field=BooleanField())


def _transactions_ended() -> RawSQL:
    table = connection.ops.quote_name(ClaimTransition._meta.db_table)
    # Evaluated with the statement's own snapshot: what it lets through is exactly what that snapshot sees.
    return RawSQL(f"{table}.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint", (),
                  output_field=BooleanField())


def events_after(user, position: tuple[int, int]) -> QuerySet[ClaimTransition]:
    """The feed for `user` after `position` (txid, id), in feed order; slice it for a page."""
    rows = (ClaimTransition.objects.filter(claim__in=claims_visible_to(user).values("pk"))
            .filter(_position_after(position)))
    if connection.vendor == "postgresql":
        rows = rows.filter(_transactions_ended())
    return rows.select_related("claim", "actor").only(*FEED_FIELDS).order_by("txid", "id")


class EventList(APIView):
    """The change feed (see the module docstring for why the order loses nothing)."""

    @extend_schema(operation_id="events_list", summary="Change feed: the steps of the claims you may see",
                   description=FEED_DESCRIPTION, parameters=[EventQuerySerializer],
                   responses={200: EventPageSerializer})
    def get(self, request):
        query = EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = query.validated_data.get("since", START)
        limit = query.validated_data["limit"]
        rows = list(events_after(request.user, since)[: limit + 1])
        has_more = len(rows) > limit
        rows = rows[:limit]
        last = (rows[-1].txid, rows[-1].pk) if rows else since
        context = {"request": request, "show_actor": shows_actor(request.user)}
        return Response({
            "results": EventSerializer(rows, many=True, context=context).data,
            "next_cursor": cursor_text(last),
            "has_more": has_more,
        })


urlpatterns = [
    path("events/", EventList.as_view(), name="event_list"),
]
