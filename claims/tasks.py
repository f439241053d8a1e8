"""Celery tasks: thin, idempotent, given ids."""

from celery import shared_task
from django.db import OperationalError

from . import deadlines, outbox


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
