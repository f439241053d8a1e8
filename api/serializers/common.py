"""Small shapes shared by many representations: a person or staff member by id and name, an address."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims.models import Person, Property


class StaffRefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "name"]

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class PropertyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Property
        fields = ["id", "postcode", "house_number", "house_number_addition", "street", "town", "municipality"]


class MomentField(serializers.DateTimeField):
    """A date and time; one without a zone is Amsterdam time. DRF's own field crashes (OverflowError) on a moment
    at the edge of the calendar (year 1 or 9999) when moving it between zones: here that is a 400 like any other
    wrong value."""

    default_error_messages = {"out_of_range": _("Deze datum en tijd kunnen wij niet gebruiken. Kies een andere.")}

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("out_of_range")
