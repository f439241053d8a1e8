"""People (applicants and co-owners) and homes of the claims the caller may see, with what their pages show.

Everything starts from `claims_visible_to`: a person or home reachable only through a claim the caller may not
see is a 404, as one that does not exist. What is shown of a person follows the page each role works in,
per role through which the person is reached (a session may hold more than one role):

| role | applicant | co-owner | page |
|---|---|---|---|
| coordinator, case guide | contact | phone | the dossier (casework/views/dossier.py) |
| desk | contact | contact | the desk's claim page and resident look-up (claims/views/desk.py) |
| expert | phone | - | the inspection page: the resident's name and phone (casework/views/expert.py) |
| commission | name | name | the commission's claim and declaration pages |
| decision maker, finance | name | - | the decision, objection and payment pages |
| resident | name | name | the portal; their own record in full (preferences) |

A home: its address and claims to all who see one of its claims; the building facts as in PROPERTY_FIELDS.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import path
from rest_framework import generics
from rest_framework.exceptions import NotFound

from claims import roles as R
from claims.models import Claim, Person, Property
from claims.selectors import ROLE_FILTERS, claims_visible_to

from ..serializers.people import CONTACT, LEVELS, NAME, PHONE, PersonSerializer, PropertySerializer

# role: (level as applicant, level as co-owner); None: that role's pages do not show co-owners.
PERSON_RULES: dict[str, tuple[str, str | None]] = {
    R.COORDINATOR: (CONTACT, PHONE),
    R.CASEWORKER: (CONTACT, PHONE),
    R.DESK: (CONTACT, CONTACT),
    R.EXPERT: (PHONE, None),
    R.COMMISSION: (NAME, NAME),
    R.DECISION_MAKER: (NAME, None),
    R.FINANCE: (NAME, None),
    R.RESIDENT: (NAME, NAME),
}
# The building facts each role's pages show besides the address.
PROPERTY_FIELDS: dict[str, frozenset[str]] = {
    R.COORDINATOR: frozenset({"in_mining_area", "build_year", "is_monument"}),
    R.CASEWORKER: frozenset({"in_mining_area", "build_year", "is_monument"}),
    R.DESK: frozenset({"in_mining_area"}),
    R.EXPERT: frozenset({"build_year", "is_monument"}),
    R.COMMISSION: frozenset({"build_year"}),
    R.DECISION_MAKER: frozenset(),
    R.FINANCE: frozenset(),
    R.RESIDENT: frozenset(),
}
CO_OWNERS = Claim.co_applicants.through


class Scope:
    """The caller's visible claims, per role through which they are visible; built once per request."""

    def __init__(self, user) -> None:
        self.user = user
        self.visible = claims_visible_to(user)
        held = R.roles_of(user) if user.is_active else frozenset()
        self.roles = tuple(sorted((held | {R.COORDINATOR}) if user.is_superuser else held))
        self.via = {role: self._via(role) for role in self.roles}
        with_co_owners = [role for role in self.roles if PERSON_RULES[role][1] is not None]
        self.co_owner_claims = self._union(with_co_owners)

    def _via(self, role: str) -> QuerySet[Claim]:
        """claims_visible_to's rule for this one role, never more than claims_visible_to."""
        if role == R.COORDINATOR or len(self.roles) == 1:
            return self.visible
        return self.visible.filter(pk__in=Claim.objects.filter(ROLE_FILTERS[role](self.user)).values("pk"))

    def _union(self, roles: list[str]) -> QuerySet[Claim]:
        if not roles:
            return self.visible.none()
        if len(roles) == len(self.roles):
            return self.visible
        rule = Q(pk__in=[])
        for role in roles:
            rule |= Q(pk__in=self.via[role].values("pk"))
        return self.visible.filter(rule)

    # --- people ---

    def people(self) -> QuerySet[Person]:
        annotations, shown = {}, Q(pk__in=[])
        for role in self.roles:
            annotations[f"api_applicant_{role}"] = Exists(self.via[role].filter(applicant=OuterRef("pk")))
            shown |= Q(**{f"api_applicant_{role}": True})
            if PERSON_RULES[role][1] is not None:
                annotations[f"api_co_owner_{role}"] = Exists(
                    CO_OWNERS.objects.filter(person=OuterRef("pk"), claim__in=self.via[role].values("pk")))
                shown |= Q(**{f"api_co_owner_{role}": True})
        if R.RESIDENT in self.roles:
            shown |= Q(user=self.user)  # their own record, also before any claim
        claim_fields = ("pk", "reference", "applicant_id", "status")  # status: django-fsm reads it on load
        return (
            Person.objects.annotate(**annotations).filter(shown)
            .prefetch_related(
                Prefetch("claims", queryset=self.visible.only(*claim_fields), to_attr="api_claims_as_applicant"),
                Prefetch("co_claims", queryset=self.co_owner_claims.only(*claim_fields),
                         to_attr="api_claims_as_co_owner"),
            )
        )

    def level_of(self, person: Person) -> str:
        levels = [CONTACT] if R.RESIDENT in self.roles and person.user_id == self.user.pk else []
        for role in self.roles:
            as_applicant, as_co_owner = PERSON_RULES[role]
            if getattr(person, f"api_applicant_{role}", False):
                levels.append(as_applicant)
            if as_co_owner is not None and getattr(person, f"api_co_owner_{role}", False):
                levels.append(as_co_owner)
        return max(levels, key=LEVELS.index, default=NAME)

    def people_on(self, reference: str) -> Q:
        """The people of one claim as this caller is shown them: its applicant, and its co-owners where the role
        through which the claim is visible shows co-owners."""
        co_owners = CO_OWNERS.objects.filter(claim__in=self.co_owner_claims.filter(reference=reference).values("pk"))
        return (Q(pk__in=self.visible.filter(reference=reference).values("applicant_id"))
                | Q(pk__in=co_owners.values("person_id")))

    # --- homes ---

    def homes(self) -> QuerySet[Property]:
        claims = self.visible.only("pk", "reference", "property_id", "status").order_by("reference")
        return (Property.objects.filter(pk__in=self.visible.values("property_id"))
                .prefetch_related(Prefetch("claims", queryset=claims, to_attr="api_claims")))

    def property_fields(self) -> frozenset[str]:
        return frozenset().union(*(PROPERTY_FIELDS[role] for role in self.roles))


def scope_of(request) -> Scope:
    if not hasattr(request, "_api_scope"):
        request._api_scope = Scope(request.user)
    return request._api_scope


# --- people -------------------------------------------------------------------------------------------------------

class PersonFilter(django_filters.FilterSet):
    claim = django_filters.CharFilter(method="filter_claim", help_text="A claim's reference: the people on it.")

    class Meta:
        model = Person
        fields = []

    def filter_claim(self, queryset, name, value):
        return queryset.filter(scope_of(self.request).people_on(value))


class PeopleView:
    serializer_class = PersonSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "person_level": scope_of(self.request).level_of}


class PersonList(PeopleView, generics.ListAPIView):
    filterset_class = PersonFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        return scope_of(self.request).people().order_by("name", "pk")


class PersonDetail(PeopleView, generics.RetrieveAPIView):
    def get_object(self):
        person = scope_of(self.request).people().filter(pk=self.kwargs["pk"]).first()
        if person is None:
            raise NotFound()
        return person


# --- homes --------------------------------------------------------------------------------------------------------

class PropertyFilter(django_filters.FilterSet):
    postcode = django_filters.CharFilter(method="filter_postcode", help_text="For example 6411AB or 6411 ab.")
    municipality = django_filters.CharFilter(lookup_expr="iexact")
    claim = django_filters.CharFilter(method="filter_claim", help_text="A claim's reference: its home.")

    class Meta:
        model = Property
        fields = []

    def filter_postcode(self, queryset, name, value):
        return queryset.filter(postcode="".join(value.split()).upper())

    def filter_claim(self, queryset, name, value):
        return queryset.filter(pk__in=scope_of(self.request).visible.filter(reference=value).values("property_id"))


class HomesView:
    serializer_class = PropertySerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "property_fields": scope_of(self.request).property_fields()}


class PropertyList(HomesView, generics.ListAPIView):
    filterset_class = PropertyFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        return scope_of(self.request).homes().order_by("postcode", "house_number", "house_number_addition", "pk")


class PropertyDetail(HomesView, generics.RetrieveAPIView):
    def get_object(self):
        home = scope_of(self.request).homes().filter(pk=self.kwargs["pk"]).first()
        if home is None:
            raise NotFound()
        return home


urlpatterns = [
    path("people/", PersonList.as_view(), name="person_list"),
    path("people/<int:pk>/", PersonDetail.as_view(), name="person_detail"),
    path("properties/", PropertyList.as_view(), name="property_list"),
    path("properties/<int:pk>/", PropertyDetail.as_view(), name="property_detail"),
]
