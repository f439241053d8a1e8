"""The frame every transition runs in: lock, check, fire, save, history, deadlines."""

from typing import Any

from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed

from .. import deadlines, permissions, timeutil
from ..errors import CONFLICT, NOT_NOW, TransitionConflict, TransitionRefused
from ..models import Claim, ClaimTransition, ClockEvent
from ..states import State


def lock(claim: Claim) -> Claim:
    """The row, locked for this transaction and freshly read: decisions are taken on current data."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A claim is locked only inside a transaction")
    return Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)


def begin(claim: Claim, *, name: str, actor) -> Claim:
    claim = lock(claim)
    permissions.ensure(actor, name, claim)
    if not can_proceed(getattr(claim, name), check_conditions=False):
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
    return claim


def finish(claim: Claim, *, name: str, actor, reason: str = "", data: dict[str, Any] | None = None,
           clock_events: list[ClockEvent] = ()) -> Claim:
    """Fires the transition in memory, records clock events, refreshes deadlines, saves, appends history."""
    from_state = claim.status
    getattr(claim, name)()
    for event in clock_events:
        event.claim = claim
        event.actor = actor
        event.save()
    deadlines.refresh(claim)
    try:
        claim.save()
    except ConcurrentTransition as error:
        raise TransitionConflict(CONFLICT, code="conflict") from error
    ClaimTransition.objects.create(
        claim=claim, name=name, from_state=from_state, to_state=claim.status, actor=actor,
        reason=reason, data=data or {}, created_at=timeutil.now(),
    )
    return claim


def require_text(value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise TransitionRefused(message, code="reason_required")
    return value
