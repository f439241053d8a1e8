"""The change feed's shapes: the query (a cursor and a page size), one event, and a page of events.

The cursor is opaque to clients. Inside it is "<transaction id>.<row id>" of the last event given, the
position in the feed's order (see api/views/events.py)."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import roles
from claims.models.claim import TRANSITION_NAMES
from claims.states import State

from .common import StaffRefSerializer

START = (0, 0)
LIMIT_DEFAULT = 100
LIMIT_MAX = 500
_CURSOR = re.compile(r"([0-9]{1,19})\.([0-9]{1,19})")
_BIGINT_MAX = 2**63 - 1


def cursor_text(position: tuple[int, int]) -> str:
    return f"{position[0]}.{position[1]}"


def cursor_parse(text: str) -> tuple[int, int] | None:
    """(txid, id) from a cursor, or None when it is not one this feed gave."""
    match = _CURSOR.fullmatch(text or "")
    if match is None:
        return None
    position = (int(match[1]), int(match[2]))
    return position if max(position) <= _BIGINT_MAX else None


class EventQuerySerializer(serializers.Serializer):
    since = serializers.CharField(
        required=False, trim_whitespace=True,
        help_text="The `next_cursor` of the previous page. Leave it out to start at the beginning of the feed.")
    limit = serializers.IntegerField(required=False, default=LIMIT_DEFAULT, min_value=1, max_value=LIMIT_MAX,
                                     help_text="How many events at most (1 to 500).")

    def validate_since(self, value: str) -> tuple[int, int]:
        position = cursor_parse(value)
        if position is None:
            raise serializers.ValidationError(
                _("Deze cursor kennen we niet. Gebruik de ‘next_cursor’ uit het vorige antwoord."))
        return position


class EventSerializer(serializers.Serializer):
    cursor = serializers.SerializerMethodField(
        help_text="This event's place in the feed: `since` for the events after it.")
    claim = serializers.CharField(source="claim.reference", help_text="The claim's reference.")
    name = serializers.ChoiceField(choices=TRANSITION_NAMES, help_text="The step.")
    from_state = serializers.ChoiceField(choices=State.choices)
    to_state = serializers.ChoiceField(choices=State.choices)
    at = serializers.DateTimeField(source="created_at", help_text="When the step was taken.")
    actor = serializers.SerializerMethodField(
        help_text="Who took the step; null when the system did, or when the caller is a resident (the portal "
                  "shows residents no names in the history).")

    def get_cursor(self, transition) -> str:
        return cursor_text((transition.txid, transition.pk))

    @extend_schema_field(StaffRefSerializer(allow_null=True))
    def get_actor(self, transition) -> dict | None:
        if transition.actor is None or not self.context.get("show_actor", False):
            return None
        return StaffRefSerializer(transition.actor).data


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass as `since` for the next page; the same as `since` when nothing new has come.")
    has_more = serializers.BooleanField(help_text="true: more events are ready now; ask again at once.")


def shows_actor(user) -> bool:
    """Staff see who took a step, as in their history pages; a resident's portal shows no names."""
    return bool(user.is_superuser or roles.roles_of(user) & roles.STAFF_ROLES)
