"""The outbox: a mail server that fails loses nothing, and a sent e-mail is never sent twice."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from claims.models import OutgoingEmail
from claims.outbox import deliver, pending_ids


class RefusingMailServer(BaseEmailBackend):
    """Stands in for an SMTP server that is down (the one thing outside our system)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unavailable")


@pytest.fixture
def queued(db):
    return OutgoingEmail.objects.create(to="bewoner@example.nl", subject="Uw brief staat klaar", body="Zie Mijnschade.",
                                        purpose="letter_ready")


def test_a_failed_send_is_recorded_and_the_email_stays_pending(queued, settings):
    settings.EMAIL_BACKEND = "tests.claims.test_outbox.RefusingMailServer"
    with pytest.raises(ConnectionRefusedError):
        deliver(queued.pk)
    queued.refresh_from_db()
    assert queued.sent_at is None
    assert queued.attempts == 1
    assert "SMTP server unavailable" in queued.last_error
    assert queued.pk in pending_ids()


def test_sent_once_then_never_again(queued):
    assert deliver(queued.pk) is True
    assert deliver(queued.pk) is False
    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 1
    assert queued.pk not in pending_ids()
