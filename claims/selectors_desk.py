"""Look-ups for the desk: find a resident or a home before filing, so nobody is entered twice.

Desk staff may look up every resident and property (DESIGN.md: "resident look-up"), but may open only the
claims they helped file. Every claim these selectors return carries `desk_may_open`, computed from
`claims_visible_to`, and the pages show nothing but reference and status of the others.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from .models import AccessCode, Claim, Document, Person, Property
from .selectors import claims_visible_to
from .states import State
from .timeutil import now

RESULT_LIMIT = 25


@dataclass(frozen=True)
class DeskQuery:
    """What the desk searched for; empty strings and None mean "not given"."""

    name: str = ""
    postcode: str = ""  # normalised: 6411AB
    house_number: int | None = None
    addition: str = ""  # None of it given: every addition at that number
    reference: str = ""  # normalised: MS-2026-000123

    @property
    def has_address(self) -> bool:
        return bool(self.postcode and self.house_number)


@dataclass
class DeskResults:
    persons: list[Person] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    persons_truncated: bool = False
    properties_truncated: bool = False

    @property
    def empty(self) -> bool:
        return not (self.persons or self.properties)


def desk_claims_for(user) -> QuerySet[Claim]:
    """Claims as the look-up lists them: with `desk_may_open` for this user. A resident's unsent online
    draft is nobody's business yet, unless this user may open it anyway."""
    may_open = Exists(claims_visible_to(user).filter(pk=OuterRef("pk")))
    return (
        Claim.objects.annotate(desk_may_open=may_open)
        .filter(~Q(status=State.DRAFT) | Q(desk_may_open=True))
        .order_by("-created_at", "-pk")
    )


def _properties_at(query: DeskQuery) -> QuerySet[Property]:
    found = Property.objects.filter(postcode=query.postcode, house_number=query.house_number)
    if query.addition:
        found = found.filter(house_number_addition__iexact=query.addition)
    return found


def _persons_linked_to(properties: QuerySet[Property]) -> Q:
    """Owners, applicants and co-applicants of claims on these homes (three indexed subqueries, no
    joins that repeat rows)."""
    owners = Property.owners.through.objects.filter(property__in=properties).values("person_id")
    applicants = Claim.objects.filter(property__in=properties).values("applicant_id")
    co_applicants = Claim.co_applicants.through.objects.filter(claim__property__in=properties).values("person_id")
    return Q(pk__in=owners) | Q(pk__in=applicants) | Q(pk__in=co_applicants)


def _parties_to(claims: QuerySet[Claim]) -> Q:
    co_applicants = Claim.co_applicants.through.objects.filter(claim__in=claims).values("person_id")
    return Q(pk__in=claims.values("applicant_id")) | Q(pk__in=co_applicants)


def desk_search(*, user, query: DeskQuery, limit: int = RESULT_LIMIT) -> DeskResults:
    """Persons and homes that match ANY of the criteria given: a wide net, so that a resident who is already
    known is not entered a second time. Persons: name contains the text, or linked to a home at the address,
    or party to the claim with that reference. Homes: at the address, or the home of that claim."""
    person_rule = Q(pk__in=[])
    property_rule = Q(pk__in=[])
    if query.name:
        person_rule |= Q(name__icontains=query.name)
    if query.has_address:
        at_address = _properties_at(query)
        person_rule |= _persons_linked_to(at_address)
        property_rule |= Q(pk__in=at_address.values("pk"))
    if query.reference:
        claim = Claim.objects.filter(reference=query.reference)
        person_rule |= _parties_to(claim)
        property_rule |= Q(pk__in=claim.values("property_id"))

    claims = desk_claims_for(user)
    persons = list(
        Person.objects.filter(person_rule)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("claims", queryset=claims.select_related("property"), to_attr="desk_claims"),
            Prefetch("co_claims", queryset=claims.select_related("property"), to_attr="desk_co_claims"),
            Prefetch("properties", queryset=Property.objects.order_by("postcode", "house_number"),
                     to_attr="desk_owned"),
        )[: limit + 1]
    )
    properties = list(
        Property.objects.filter(property_rule)
        .order_by("postcode", "house_number", "house_number_addition", "pk")
        .prefetch_related(Prefetch("claims", queryset=claims.select_related("applicant"), to_attr="desk_claims"))[
            : limit + 1
        ]
    )
    for person in persons:
        _attach_homes(person)
    return DeskResults(
        persons=persons[:limit],
        properties=properties[:limit],
        persons_truncated=len(persons) > limit,
        properties_truncated=len(properties) > limit,
    )


def _attach_homes(person: Person) -> None:
    """All of a person's claims in one list, newest first; and the homes the desk may offer to file for again:
    owned ones, and those of claims this user may open (the home of someone else's claim is a detail)."""
    person.desk_all_claims = sorted(
        {c.pk: c for c in [*person.desk_claims, *person.desk_co_claims]}.values(),
        key=lambda c: (c.created_at, c.pk),
        reverse=True,
    )
    homes = {p.pk: p for p in person.desk_owned}
    for claim in person.desk_all_claims:
        if claim.desk_may_open:
            homes.setdefault(claim.property_id, claim.property)
    person.desk_homes = sorted(homes.values(), key=lambda p: (p.postcode, p.house_number, p.house_number_addition))


def desk_recent_claims(user, *, limit: int = 10) -> QuerySet[Claim]:
    """The claims this desk employee filed lately, to reprint a receipt or add a scan."""
    return (
        claims_visible_to(user)
        .filter(filed_by=user)
        .select_related("property", "applicant")
        .order_by("-created_at", "-pk")[:limit]
    )


def desk_claim_detail(user, reference: str) -> QuerySet[Claim]:
    """One claim for the desk pages, from `claims_visible_to`: another desk's claim is simply not there."""
    return (
        claims_visible_to(user)
        .filter(reference=reference)
        .select_related("property", "applicant", "applicant__user", "filed_by")
        .prefetch_related(
            "damage_items",
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by"), to_attr="desk_documents"),
        )
    )


def activation_code_expiry(person: Person):
    """Until when the person's current activation code works (for the receipt); None if none is live."""
    return (
        AccessCode.objects.filter(person=person, purpose=AccessCode.Purpose.ACTIVATE, used_at=None,
                                  expires_at__gt=now())
        .order_by("-created_at", "-pk")
        .values_list("expires_at", flat=True)
        .first()
    )
