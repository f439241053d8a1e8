"""Celery tasks: thin, idempotent, given ids."""

from celery import shared_task
from django.db import OperationalError

from . import deadlines, letters, outbox


@shared_task(acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=8)
def send_email(email_id: int) -> bool:
    return outbox.deliver(email_id)


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Hands every e-mail still unsent to the worker again (e.g. the broker was down at the time)."""
    ids = outbox.pending_ids()
    for email_id in ids:
        send_email.delay(email_id)
    return len(ids)


@shared_task(acks_late=True)
def refresh_suspended_deadlines() -> int:
    """Every morning: a suspended clock moves the decision date on by a day."""
    return deadlines.refresh_suspended()


# Rendering can fail for passing reasons (database, disk); each failure is recorded on the letter first.
@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
             retry_jitter=True, max_retries=5)
def render_letter(letter_id: int) -> bool:
    """Makes and stores the PDF of one letter; does nothing if it has one already."""
    letter = letters.render(letter_id)
    return letter is not None and letter.status == letter.Status.READY


@shared_task(acks_late=True)
def sweep_letters() -> int:
    """Hands every letter still without its PDF to the worker again (e.g. the broker was down at the time)."""
    return letters.sweep()
