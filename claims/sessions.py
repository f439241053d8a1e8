"""Ending a person's logged-in sessions everywhere (a lost phone: its browser may still be logged in)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session

from .timeutil import now


def sessions_end(*, user) -> int:
    """Deletes every unexpired session of `user`; returns how many. Sessions are stored signed and encoded, not by
    user, so this reads them all once: fine for a rare action by a coordinator, not for a page."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=now()).only("session_key", "session_data").iterator(
            chunk_size=2000):
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
