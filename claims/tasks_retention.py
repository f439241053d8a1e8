"""The nightly retention job (beat, 03:15): the same service as `manage.py anonymise_closed_claims`."""

from celery import shared_task

from .models import RetentionRun
from .services.retention import claims_anonymise_expired


# No retry: a run that fails part-way has committed what it did, and tomorrow's run takes the rest.
@shared_task(acks_late=True)
def anonymise_expired_claims() -> int:
    """Anonymises the claims closed longer than MIJNSCHADE_RETENTION["years"]; returns how many."""
    return claims_anonymise_expired(trigger=RetentionRun.Trigger.SCHEDULE).claims_done
