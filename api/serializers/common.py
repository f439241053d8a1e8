"""Small shapes shared by many representations: a person or staff member by id and name, an address."""

from django.contrib.auth import get_user_model
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
