"""Reads that matter on the staff side: the case guide's caseload, search, and the coordinator's team view.

Every read starts from `claims_visible_to`. Each function returns querysets whose query count does not grow
with the data: annotations and subqueries instead of per-row look-ups (Open Zaak's lesson, DESIGN.md)."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from claims import roles as R
from claims.models import Absence, Claim, ClaimTransition, ClockEvent, ClockEventKind, Message, Person, Property
from claims.selectors import claims_carried_by, claims_visible_to
from claims.states import OPEN_STATES, State

from .attention import due_soon_limit, running_clock, with_attention
from .models import Note

User = get_user_model()

# The claims a guide carries: the open states, and a claim on hold (it resumes to them, with the same guide).
CASELOAD_STATES = (*OPEN_STATES, State.ON_HOLD)
# A claim in an open state with no step for this long is stuck (the team view).
STUCK_AFTER_DAYS = 30
# The team view's lists show this many rows at most; the caseload filters find the rest.
TEAM_LIST_LIMIT = 25

NO_GUIDE = "none"  # the guide filter's value for claims without a case guide


# --- the caseload ---------------------------------------------------------------------------------------


def is_coordinator(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or R.has_role(user, R.COORDINATOR)))


def guides() -> QuerySet:
    """Active case guides, by name: the people claims can be given to."""
    return (User.objects.filter(is_active=True, groups__name=R.CASEWORKER)
            .order_by("first_name", "last_name", "username"))


def _last_contact():
    """The latest message to or from the resident, or logged call, whichever is later (NULL: no contact).
    PostgreSQL's GREATEST skips NULLs; elsewhere each is Coalesce'd to the other, as Greatest(x, NULL) is NULL."""
    message = (Message.objects.filter(claim=OuterRef("pk")).order_by("-created_at")
               .values("created_at")[:1])
    call = (Note.objects.filter(claim=OuterRef("pk"), kind=Note.Kind.CALL).order_by("-created_at")
            .values("created_at")[:1])
    message, call = Subquery(message), Subquery(call)
    if connection.vendor == "postgresql":
        return Greatest(message, call)  # two subqueries, not four: cheaper to compile and to plan
    return Greatest(Coalesce(message, call), Coalesce(call, message))


ATTENTION_ORDER = ("-urgent", F("decision_due").asc(nulls_last=True), "pk")


def _annotated(claims: QuerySet, *, on: dt.date, order=ATTENTION_ORDER) -> QuerySet:
    return (
        with_attention(claims, on=on)
        .select_related("property", "applicant", "caseworker")
        .annotate(last_contact=_last_contact())
        .order_by(*order)
    )


# What the claims table (templates/casework/caseload/_claims_table.html) shows; the rest of the four joined rows
# (some 70 columns, the description among them) was read, sent and turned into Python for nothing.
TABLE_FIELDS = (
    "reference", "status", "urgent", "decision_due", "clock_suspended", "reply_due", "safety_visit_due",
    "property__street", "property__house_number", "property__house_number_addition", "property__postcode",
    "property__town", "applicant__name", "caseworker__first_name", "caseworker__last_name", "caseworker__username",
)


def rows_for(ids, *, order=ATTENTION_ORDER) -> QuerySet[Claim]:
    """The claims whose ids a (sliced) `values("pk")` queryset or a list holds, joined, with `last_contact`;
    `attention` is for the page to work out (casework.views.caseload.table_rows: the same rule in Python, for
    25 rows cheaper than compiling it into the query).

    A list sorts and slices narrow rows first and joins and annotates only the rows shown: sorting 100,000
    whole rows with their joins to show 25 of them would spill to disk (EXPLAIN on 250,000 claims)."""
    return (Claim.objects.filter(pk__in=ids).select_related("property", "applicant", "caseworker")
            .annotate(last_contact=_last_contact()).order_by(*order).only(*TABLE_FIELDS))


class NarrowPaginator(Paginator):
    """A Paginator whose page is `rows_for(ids of that page)`: one query for the count, one for the rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom, top = self._bounds(number)
        rows = list(rows_for(self._ids(bottom, top))) if top > bottom else []
        return self._get_page(rows, number, self)

    def _bounds(self, number: int) -> tuple[int, int]:
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return bottom, top

    def _ids(self, bottom: int, top: int):
        return self.object_list.values("pk")[bottom:top]


class OneGuidePaginator(NarrowPaginator):
    """For one guide's caseload (some hundreds of claims): the ids of all of them, in order, in one narrow query,
    which gives the count and the page; then one query for the page's rows. The filter runs once, not once for
    the count and once more for the page: a name search joins each claim's applicant and home (EXPLAIN on
    250,000 claims: 1 to 3 ms a run), and a later page needs no walk along the attention index."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(list(object_list.values_list("pk", flat=True)), per_page, **kwargs)

    def _ids(self, bottom: int, top: int):
        return self.object_list[bottom:top]


def caseload_for(user, *, on: dt.date, guide=None) -> QuerySet[Claim]:
    """The open claims this user carries: as case guide, and for the guides they stand in for on `on`.
    A coordinator gets every open claim, or one guide's (`guide` a user, or NO_GUIDE for claims without one).
    Urgent first, then the nearest decision date (none last); with `attention` and `last_contact`."""
    return caseload_columns(caseload_claims(user, on=on, guide=guide), on=on)


def caseload_columns(claims: QuerySet[Claim], *, on: dt.date) -> QuerySet[Claim]:
    """`claims` joined and annotated for a list or an export (`attention`, `last_contact`), in caseload order."""
    return _annotated(claims, on=on)


def caseload_claims(user, *, on: dt.date, guide=None) -> QuerySet[Claim]:
    """The claims of `caseload_for`, bare: what the page counts and pages through. Annotating them there was
    wasted work (the count drops the annotations, the page's rows get them from `rows_for`)."""
    if is_coordinator(user):
        claims = claims_visible_to(user).filter(status__in=CASELOAD_STATES)
        if guide == NO_GUIDE:
            claims = claims.filter(caseworker__isnull=True)
        elif guide is not None:
            claims = claims.filter(caseworker=guide)
    else:
        claims = claims_carried_by(user, on=on).filter(status__in=CASELOAD_STATES)
    return claims.order_by(*ATTENTION_ORDER)


@dataclass(frozen=True)
class CaseloadFilter:
    """The caseload's filters; empty values mean "all"."""

    status: str = ""
    municipality: str = ""  # a municipality's name, or OUTSIDE_AREA
    overdue: bool = False
    urgent: bool = False
    query: str = ""


OUTSIDE_AREA = "outside"


def filter_caseload(claims: QuerySet[Claim], filters: CaseloadFilter, *, on: dt.date,
                    one_guide: bool = False) -> QuerySet[Claim]:
    """`one_guide`: `claims` are one guide's caseload (hundreds of claims, not all open claims)."""
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.municipality == OUTSIDE_AREA:
        claims = claims.filter(property__in_mining_area=False)
    elif filters.municipality:
        claims = claims.filter(property__municipality=filters.municipality)
    if filters.overdue:
        claims = claims.filter(overdue_on(on))
    if filters.urgent:
        claims = claims.filter(urgent=True)
    if filters.query:
        claims = search_claims(claims, filters.query, one_guide=one_guide)
    return claims


# --- search ---------------------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^MS-?(\d{4})-?(\d{1,6})$")
# "6411 AB 12", "6411AB 12a", "6411ab12-A", or the postcode alone.
_ADDRESS = re.compile(r"^([1-9]\d{3})\s*([A-Z]{2})(?:\s*(\d{1,5})(?:\s*-?\s*([A-Z0-9]{1,6}))?)?$")
MIN_TEXT_SEARCH = 2


@dataclass(frozen=True)
class SearchTerms:
    reference: str = ""
    postcode: str = ""
    house_number: int | None = None
    addition: str = ""
    text: str = ""
    kinds: tuple[str, ...] = field(default=())


def parse_query(query: str) -> SearchTerms:
    """What a search box holds: a reference, a postcode (with house number), or part of a name or street."""
    squeezed = re.sub(r"\s+", " ", (query or "").strip())
    compact = squeezed.replace(" ", "").upper()
    if match := _REFERENCE.match(compact):
        return SearchTerms(reference=f"MS-{match.group(1)}-{int(match.group(2)):06d}", kinds=("reference",))
    if match := _ADDRESS.match(squeezed.upper()):
        number = int(match.group(3)) if match.group(3) else None
        return SearchTerms(postcode=match.group(1) + match.group(2), house_number=number,
                           addition=match.group(4) or "", kinds=("address",))
    return SearchTerms(text=squeezed, kinds=("text",) if squeezed else ())


def search_claims(claims: QuerySet[Claim], query: str, *, one_guide: bool = False) -> QuerySet[Claim]:
    """Narrows `claims` to those matching the search box. A name or street matches on any part
    (case-insensitive); the trigram indexes on UPPER(name) and UPPER(street) serve it (casework 0002), unless
    `claims` are one guide's caseload (`one_guide`): then their own few hundred rows are read instead."""
    terms = parse_query(query)
    if terms.reference:
        return claims.filter(reference=terms.reference)
    if terms.postcode:
        claims = claims.filter(property__postcode=terms.postcode)
        if terms.house_number is not None:
            claims = claims.filter(property__house_number=terms.house_number)
        if terms.addition:
            claims = claims.filter(property__house_number_addition__iexact=terms.addition)
        return claims
    if len(terms.text) < MIN_TEXT_SEARCH:
        return claims if not terms.text else claims.none()
    if one_guide:
        # A guide has some 400 open claims: matching their applicants and homes by key reads 800 rows, where
        # the trigram indexes find every "Janssen" of the region first (8,000 people: 12 of the 18 ms; EXPLAIN
        # on 250,000 claims). Over all open claims it is the other way round (hash joins: 160 ms against 25).
        return claims.filter(Q(applicant__name__icontains=terms.text) | Q(property__street__icontains=terms.text))
    # Two subqueries on the already narrowed claims, each served by its trigram index (casework 0002).
    # Measured on 250,000 claims (bench/casework_pages.py): a union of id lists over all claims made
    # PostgreSQL scan the claims table for common names (guide "Janssen": 105 ms); this form: 12 ms.
    persons = Person.objects.filter(name__icontains=terms.text).values("pk")
    homes = Property.objects.filter(street__icontains=terms.text).values("pk")
    return claims.filter(Q(applicant__in=persons) | Q(property__in=homes))


# --- the team view --------------------------------------------------------------------------------------


def guide_loads(user, *, on: dt.date) -> list:
    """Every active case guide with counts of their open claims (`open_count`, `overdue_count`,
    `due_soon_count`, `urgent_count`) and who stands in for them on `on` (`substitute_id`).

    Two queries: the guides, and the counts in one query grouped by guide. Grouped from the claims' side, so
    only open claims are read (a join from the guides would read every claim they ever had)."""
    away = Absence.objects.filter(user=OuterRef("pk"), starts_on__lte=on, ends_on__gte=on).order_by("-starts_on")
    people = list(guides().annotate(substitute_id=Subquery(away.values("substitute_id")[:1])))
    # Every row counted is in CASELOAD_STATES (open, or on hold), so the clock runs unless the claim is on hold
    # or its clock is suspended: running_clock() in full, evaluated for each of the 36,000 open claims in
    # three FILTERs, took half of this query's 24 ms (250,000 claims).
    running = Q(clock_suspended=False) & ~Q(status=State.ON_HOLD)
    counts = {
        row["caseworker"]: row
        for row in claims_visible_to(user)
        .filter(status__in=CASELOAD_STATES, caseworker__in=[guide.pk for guide in people])
        .order_by()
        .values("caseworker")
        .annotate(
            open_count=Count("pk"),
            overdue_count=Count("pk", filter=running & Q(decision_due__lt=on)),
            due_soon_count=Count("pk", filter=running & Q(decision_due__gte=on,
                                                          decision_due__lte=due_soon_limit(on))),
            urgent_count=Count("pk", filter=Q(urgent=True)),
        )
    }
    for guide in people:
        row = counts.get(guide.pk, {})
        for key in ("open_count", "overdue_count", "due_soon_count", "urgent_count"):
            setattr(guide, key, row.get(key, 0))
    return people


def overdue_on(on: dt.date) -> Q:
    """As `attention == OVERDUE`, but a condition the (status, decision_due) index can serve."""
    return running_clock() & Q(decision_due__lt=on)


def _team_claims(user, *, on: dt.date) -> QuerySet[Claim]:
    return _annotated(claims_visible_to(user).filter(status__in=CASELOAD_STATES), on=on)


def overdue_claims(user, *, on: dt.date) -> QuerySet[Claim]:
    return _team_claims(user, on=on).filter(overdue_on(on))


STUCK_REPLY_LAPSED, STUCK_NO_STEP, STUCK_NO_GUIDE = "reply_lapsed", "no_step", "no_guide"


def _reply_lapsed(on: dt.date) -> Q:
    return Q(status=State.INFO_REQUESTED, reply_due__lt=on)


NO_GUIDE_YET = Q(status=State.SUBMITTED, caseworker__isnull=True)


def _stuck_reason(on: dt.date) -> Case:
    """Which rule made a stuck claim stuck (on a stuck claim that is neither of the first two: no step)."""
    return Case(
        When(_reply_lapsed(on), then=Value(STUCK_REPLY_LAPSED)),
        When(NO_GUIDE_YET, then=Value(STUCK_NO_GUIDE)),
        default=Value(STUCK_NO_STEP),
        output_field=CharField(),
    )


def stuck_claims(user, *, on: dt.date) -> QuerySet[Claim]:
    """Claims nobody is moving: the reply term of an info request lapsed without an answer; no step for
    STUCK_AFTER_DAYS days in an open state; or received and still without a guide. `stuck_reason` says which."""
    # A moment, not created_at__date: the indexes on created_at serve the look-up.
    since = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=STUCK_AFTER_DAYS), dt.time.min))
    recent_step = ClaimTransition.objects.filter(claim=OuterRef("pk"), created_at__gte=since)
    no_step = Q(status__in=OPEN_STATES) & ~Exists(recent_step)
    return (
        _team_claims(user, on=on)
        .filter(_reply_lapsed(on) | NO_GUIDE_YET | no_step)
        .annotate(stuck_reason=_stuck_reason(on))
    )


SAFETY_ORDER = ("safety_visit_due", "pk")


def urgent_without_safety_visit(user, *, on: dt.date) -> QuerySet[Claim]:
    """Urgent open claims with a safety-visit deadline and no safety visit recorded, the earliest due first."""
    visited = ClockEvent.objects.filter(claim=OuterRef("pk"), kind=ClockEventKind.SAFETY_VISIT)
    return (
        _team_claims(user, on=on)
        .filter(urgent=True, safety_visit_due__isnull=False)
        .filter(~Exists(visited))
        .order_by(*SAFETY_ORDER)
    )


def claims_without_guide(user, *, on: dt.date) -> QuerySet[Claim]:
    return _team_claims(user, on=on).filter(caseworker__isnull=True)


def current_absences(*, on: dt.date) -> QuerySet[Absence]:
    """Absences that have not ended yet, the current ones first."""
    return (Absence.objects.filter(ends_on__gte=on).select_related("user", "substitute")
            .order_by("starts_on", "pk"))


@dataclass
class TeamOverview:
    loads: list
    overdue: list
    stuck: list
    urgent_unvisited: list
    unassigned: list
    absences: list
    limit: int = TEAM_LIST_LIMIT

    def more(self, name: str) -> bool:
        return len(getattr(self, name)) > self.limit


def _limited(claims: QuerySet, *, on: dt.date, limit: int, order=ATTENTION_ORDER) -> QuerySet[Claim]:
    # One row more than shown tells the page the list goes on.
    return rows_for(claims.values("pk")[: limit + 1], order=order)


def team_overview(user, *, on: dt.date, limit: int = TEAM_LIST_LIMIT) -> TeamOverview:
    """The coordinator's view: each guide's load, and every claim that needs the coordinator. A fixed
    number of queries whatever the data size; each list holds at most `limit` + 1 rows."""
    stuck = _limited(stuck_claims(user, on=on), on=on, limit=limit).annotate(stuck_reason=_stuck_reason(on))
    return TeamOverview(
        loads=guide_loads(user, on=on),
        overdue=list(_limited(overdue_claims(user, on=on), on=on, limit=limit)),
        stuck=list(stuck),
        urgent_unvisited=list(_limited(urgent_without_safety_visit(user, on=on), on=on, limit=limit,
                                       order=SAFETY_ORDER)),
        unassigned=list(_limited(claims_without_guide(user, on=on), on=on, limit=limit)),
        absences=list(current_absences(on=on)[:limit]),
        limit=limit,
    )
