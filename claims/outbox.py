"""Queueing e-mail: rows in OutgoingEmail, handed to the worker after commit, swept if the broker was down."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F

from . import timeutil
from .models import OutgoingEmail

log = logging.getLogger(__name__)


def queue_email(*, to: str, subject: str, body: str, purpose: str, claim=None) -> OutgoingEmail:
    email = OutgoingEmail.objects.create(to=to, subject=subject, body=body, purpose=purpose, claim=claim)
    transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(email_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception:  # a broker that is down must not break the request; the sweep sends it later
        log.warning("Broker unavailable; e-mail %s waits for the outbox sweep", email_id, exc_info=True)


def deliver(email_id: int) -> bool:
    """Sends one queued e-mail unless it was sent already. Returns whether it was sent now."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id, sent_at=None).first()
        if email is None:
            return False
        try:
            send_mail(email.subject, email.body, None, [email.to], fail_silently=False)
        except Exception as error:  # the mail server's fault, not ours: the row waits for the next try
            failure = error
        else:
            email.attempts += 1
            email.sent_at = timeutil.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "sent_at", "last_error"])
            return True
    # Recorded outside the block above, so the note of the failure survives; then Celery retries.
    OutgoingEmail.objects.filter(pk=email_id).update(attempts=F("attempts") + 1, last_error=str(failure)[:2000])
    raise failure


def pending_ids(limit: int = 500) -> list[int]:
    return list(OutgoingEmail.objects.filter(sent_at=None, attempts__lt=20).order_by("created_at")
                .values_list("pk", flat=True)[:limit])
