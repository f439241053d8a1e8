"""Claims: the list (filtered, sorted, paged; a fixed number of queries whatever the page size) and one claim
with the steps the caller may take now. Both start from `claims_visible_to`. A new claim (POST on the list) is
made in api/views/create.py."""

import datetime as dt

import django_filters
from django.urls import path, re_path
from drf_spectacular.utils import extend_schema_view
from rest_framework import generics
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import JSONParser

from casework.selectors import overdue_on
from claims.access_log import Action, access_record
from claims.models import Claim
from claims.selectors import claims_visible_to
from claims.states import State
from claims.timeutil import today

from ..lookups import REFERENCE, visible_claim
from ..serializers.claims import ClaimDetailSerializer, ClaimListSerializer
from .create import create_claim, create_schema


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=State.choices)
    municipality = django_filters.CharFilter(field_name="property__municipality", lookup_expr="iexact")
    guide = django_filters.NumberFilter(field_name="caseworker_id", help_text="The case guide's user id.")
    unassigned = django_filters.BooleanFilter(field_name="caseworker", lookup_expr="isnull",
                                              help_text="true: claims without a case guide.")
    expert = django_filters.NumberFilter(field_name="expert_id")
    urgent = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           help_text="true: the decision term has lapsed and the clock runs.")
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    decided_after = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__gte")
    decided_before = django_filters.DateFilter(field_name="decided_at", lookup_expr="date__lte")
    due_after = django_filters.DateFilter(field_name="decision_due", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="decision_due", lookup_expr="lte")
    updated_after = django_filters.IsoDateTimeFilter(method="filter_updated_after")

    class Meta:
        model = Claim
        fields = []

    def filter_updated_after(self, queryset, name, value):
        # In UTC: ISO 8601 allows offsets up to ±23:59, PostgreSQL only up to ±15:59.
        return queryset.filter(updated_at__gte=value.astimezone(dt.UTC))

    def filter_overdue(self, queryset, name, value):
        condition = overdue_on(today())
        return queryset.filter(condition) if value else queryset.exclude(condition)


@extend_schema_view(post=create_schema)
class ClaimList(generics.ListCreateAPIView):
    serializer_class = ClaimListSerializer
    filterset_class = ClaimFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["reference", "submitted_at", "decision_due", "updated_at", "status", "created_at"]
    ordering = ["-created_at", "-id"]
    parser_classes = [JSONParser]  # a new claim has nested parts: JSON only

    def get_queryset(self):
        return claims_visible_to(self.request.user).select_related("property", "applicant", "caseworker", "expert")

    def create(self, request, *args, **kwargs):
        return create_claim(request)


class ClaimDetail(generics.RetrieveAPIView):
    serializer_class = ClaimDetailSerializer

    def get_object(self):
        claim = visible_claim(self.request, self.kwargs["reference"])
        access_record(request=self.request, claim=claim, action=Action.API_READ, detail=self.request.path)
        return (Claim.objects.select_related("property", "applicant", "caseworker", "expert").get(pk=claim.pk))


urlpatterns = [
    path("claims/", ClaimList.as_view(), name="claim_list"),
    re_path(rf"^claims/{REFERENCE}/$", ClaimDetail.as_view(), name="claim_detail"),
]
