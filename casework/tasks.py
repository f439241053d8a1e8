"""Celery tasks of the staff side: thin, idempotent, given ids. Automatic assignment after submission, the
sweep that assigns what the broker never delivered, and the deadline watch."""

import datetime as dt
import logging

from celery import shared_task
from django.db import OperationalError, transaction

from claims.errors import TransitionRefused
from claims.models import Claim
from claims.states import State
from claims.timeutil import now, today

from . import dashboard, tasks_finance, watch  # noqa: F401 (tasks_finance: the worker registers its tasks)
from .assignment import claim_assign_automatically

log = logging.getLogger(__name__)

ASSIGN_BATCH = 25
ASSIGN_PER_RUN = 200
# The task sent on commit normally assigns a claim within seconds; the sweep leaves those to it.
ASSIGN_GRACE = dt.timedelta(minutes=2)


def enqueue_assignment(claim_id: int) -> None:
    """Runs after the submission committed. A broker that is down must not break the request: the
    claim stays submitted and `assign_unassigned` takes it within minutes."""
    try:
        assign_claim.delay(claim_id)
    except Exception:
        log.warning("Claim %s not handed to automatic assignment now; the sweep assigns it", claim_id,
                    exc_info=True)


def assign_waiting(claim_id: int) -> Claim | None:
    """Gives a submitted claim without a guide its case guide. Does nothing for a claim that has moved on
    or has a guide; leaves it submitted (the coordinator's team view lists it) when no guide is available."""
    claim = (Claim.objects.filter(pk=claim_id, status=State.SUBMITTED, caseworker__isnull=True)
             .select_related("property").first())
    if claim is None:
        return None
    try:
        with transaction.atomic():
            claim = claim_assign_automatically(claim=claim)
            if claim.urgent:
                watch.notify_urgent_assignment(claim, on=today())
    except TransitionRefused as refused:
        # no_caseworker: nobody to give it to; not_now / conflict: someone else took it at the same moment.
        level = logging.WARNING if refused.code == "no_caseworker" else logging.INFO
        log.log(level, "Claim %s not assigned automatically (%s): %s", claim_id, refused.code, refused.message)
        return None
    return claim


def waiting_for_a_guide(*, before: dt.datetime):
    """Submitted claims without a guide, urgent ones first, oldest first."""
    return (Claim.objects.filter(status=State.SUBMITTED, caseworker__isnull=True, submitted_at__lt=before)
            .order_by("-urgent", "submitted_at", "pk"))


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def assign_claim(claim_id: int) -> bool:
    return assign_waiting(claim_id) is not None


@shared_task(acks_late=True)
def assign_unassigned(limit: int = ASSIGN_PER_RUN) -> int:
    """Every few minutes: assigns claims still submitted without a guide (e.g. the broker was down at
    submission), in small batches. Stops early when no guide could be found."""
    assigned, seen = 0, set()
    while len(seen) < limit:
        batch = [pk for pk in waiting_for_a_guide(before=now() - ASSIGN_GRACE).exclude(pk__in=seen)
                 .values_list("pk", flat=True)[:min(ASSIGN_BATCH, limit - len(seen))]]
        if not batch:
            break
        for claim_id in batch:
            seen.add(claim_id)
            try:
                done = assign_waiting(claim_id)
            except OperationalError:
                raise  # the database itself is in trouble: the next run tries again
            except Exception:
                # One claim that fails (bad data, a bug) must not block every claim queued behind it, run
                # after run: it is logged, stays submitted for the coordinator, and the sweep goes on.
                log.exception("Claim %s could not be assigned automatically", claim_id)
                continue
            if done is not None:
                assigned += 1
            elif Claim.objects.filter(pk=claim_id, status=State.SUBMITTED, caseworker__isnull=True).exists():
                return assigned  # no guide available now: the next run tries again
    return assigned


@shared_task(acks_late=True)
def deadline_watch() -> dict:
    """Every morning at 06:00: marks, digests and urgent alerts for today."""
    result = watch.run_watch(on=today())
    return {"overdue": result.marks.overdue, "due_soon": result.marks.due_soon, "digests": result.digests,
            "alerts": result.alerts}


@shared_task(acks_late=True)
def check_urgent_safety_visits() -> int:
    """Every 15 minutes: 48 hours can lapse at any hour of the day."""
    return watch.check_urgent_safety_visits()


@shared_task
def recount_dashboard() -> None:
    """The dashboard's figures for the whole area, counted ahead (beat, every 5 minutes; they are kept 10)."""
    dashboard.recount(now=now(), as_of=today())
