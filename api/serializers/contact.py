"""Notes, calls and messages as the API shows them, and what a client sends to add one.

Notes and calls are internal: only staff who see the dossier get them. Messages are shown to staff in full
and to the resident as the portal shows them: who wrote it as the portal names them, never a staff member's
account, the phone column or the handling mark.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.models import Note
from casework.timeline import person_name
from claims.forms.portal import PHONE
from claims.models import Message
from claims.services.portal import MAX_TEXT

from .common import StaffRefSerializer


def text_field(**kwargs) -> serializers.CharField:
    """Required text of at most MAX_TEXT characters, trimmed (blank is refused with DRF's own message)."""
    return serializers.CharField(max_length=MAX_TEXT, **kwargs)


# --- notes and calls (internal) ----------------------------------------------------------------------------------

class NoteSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    direction = serializers.CharField(read_only=True, help_text="Calls only: in (the resident called) or out "
                                                                "(we called); empty for other notes.")
    direction_label = serializers.CharField(source="get_direction_display", read_only=True,
                                            help_text="Empty unless the note is a call.")
    author = StaffRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "kind", "kind_label", "author", "body", "direction", "direction_label", "spoke_with",
                  "created_at"]
        read_only_fields = fields


class NoteInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(Note.Kind.NOTE, Note.Kind.NOTE.label),
                                            (Note.Kind.CALL, Note.Kind.CALL.label)],
                                   default=Note.Kind.NOTE,
                                   help_text="note: an internal note; call: a phone call (direction needed).")
    body = text_field(help_text="The note, or what was said on the phone. Never shown to the resident.")
    direction = serializers.ChoiceField(choices=Note.Direction.choices, required=False,
                                        help_text="Calls only: in = the resident called, out = we called.")
    spoke_with = serializers.CharField(max_length=120, required=False, allow_blank=True, default="",
                                       help_text="Calls only: who was on the phone.")

    def validate(self, data):
        if data["kind"] == Note.Kind.CALL and not data.get("direction"):
            raise serializers.ValidationError({"direction": [_("Kies wie er belde.")]})
        return data


# --- messages to and from the resident ---------------------------------------------------------------------------

class MessageSerializer(serializers.ModelSerializer):
    """For residents (context `resident=True`) `author`, `phone` and `handled_at` are left empty, as in the
    portal; `author_name` is then what the portal shows: the staff member's full name on our messages, the
    person's name on theirs."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    author = serializers.SerializerMethodField()
    author_name = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField(help_text="True when the caller wrote or recorded it.")
    phone = serializers.SerializerMethodField(help_text="The number of a callback request (staff only).")
    handled_at = serializers.SerializerMethodField(help_text="When staff handled it (staff only).")

    class Meta:
        model = Message
        fields = ["id", "kind", "kind_label", "direction", "direction_label", "author", "author_name", "mine",
                  "body", "phone", "created_at", "handled_at"]
        read_only_fields = fields

    def _resident(self) -> bool:
        return bool(self.context.get("resident"))

    @staticmethod
    def _person(user):
        try:
            return user.person
        except AttributeError:  # RelatedObjectDoesNotExist: an account without a Person (staff)
            return None

    @extend_schema_field(StaffRefSerializer(allow_null=True))
    def get_author(self, message):
        if self._resident() or message.author is None:
            return None
        return StaffRefSerializer(message.author).data

    def get_author_name(self, message) -> str:
        author = message.author
        if author is None:
            return ""
        if not self._resident():
            return person_name(author)
        if message.direction == Message.Direction.OUT:
            return author.get_full_name().strip()
        person = self._person(author)
        return person.name if person is not None else ""

    def get_mine(self, message) -> bool:
        return message.author_id is not None and message.author_id == self.context["request"].user.pk

    def get_phone(self, message) -> str:
        return "" if self._resident() else message.phone

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_handled_at(self, message):
        if self._resident() or message.handled_at is None:
            return None
        return serializers.DateTimeField().to_representation(message.handled_at)


class MessageInputSerializer(serializers.Serializer):
    body = text_field(help_text="The message. Staff write to the resident; a resident writes to their guide.")


class ResponseInputSerializer(serializers.Serializer):
    """The zienswijze on the draft advice: a resident sends it themselves, staff record one that came on paper
    or by phone (then `received_on` is required)."""

    body = text_field(help_text="What the resident thinks of the draft advice.")
    received_on = serializers.DateField(required=False,
                                        help_text="Staff only, required for them: the day it came in.")
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False, max_length=30,
        help_text="Residents only: ids of files they uploaded to this claim, named in the response.")


class CallbackInputSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30, help_text="The number to call, e.g. 045 123 45 67.")
    letter = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
                                      help_text="The id of a letter of this claim the call is about (optional).")
    question = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")

    def validate_phone(self, value: str) -> str:
        phone = " ".join(value.split())
        if not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 10:
            raise serializers.ValidationError(_("Vul een telefoonnummer in van 10 cijfers, zoals 045 123 45 67."))
        return phone
