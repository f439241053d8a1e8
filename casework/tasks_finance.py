"""Celery tasks of finance: thin and idempotent. Beat runs `close_settled_claims` every morning."""

import logging

from celery import shared_task
from django.db import OperationalError

from claims.timeutil import today

from .services.payments import settled_claims_close

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def close_settled_claims() -> int:
    """Closes paid settlement claims once their objection window has passed (or the objection was decided) and
    no objection is open. A second run the same day finds nothing left to do."""
    closed = settled_claims_close(on=today())
    if closed:
        log.info("Closed %s paid settlement claims", closed)
    return closed
