"""Login lock-out (django-axes): how long a lock lasts, which accounts are locked now, and the page a locked login
gets (settings AXES_LOCKOUT_CALLABLE).

Axes counts failures per typed name (settings AXES_LOCKOUT_PARAMETERS), whether or not an account has that name, so
the lock-out page appears after the same number of tries for a made-up name as for a real one: it tells a guesser
nothing the login page does not. The page therefore never shows the name that was typed.

Time is axes' clock (django.utils.timezone.now), not claims.timeutil: the lock is axes' own business."""

import datetime as dt
from dataclasses import dataclass

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .letter_content import general_phone

LOCKED_STATUS = 429  # Too Many Requests, as axes answers by default


def cool_off() -> dt.timedelta:
    """How long an account stays locked after the last failed try."""
    return get_cool_off() or dt.timedelta(0)


def cool_off_minutes() -> int:
    return max(1, round(cool_off().total_seconds() / 60))


def failure_limit() -> int:
    return get_failure_limit(None, None)


@dataclass(frozen=True)
class Lock:
    """A name that is locked now: how many failed tries, the last one, and when the lock lifts by itself."""

    username: str
    failures: int
    last_attempt: dt.datetime
    opens_at: dt.datetime


def current_locks() -> list[Lock]:
    """Every typed name locked at this moment, the most recent first. Axes' own rule: the failures of the name whose
    last try lies within the cool-off add up to at least the limit."""
    now, length = timezone.now(), cool_off()
    rows = (AccessAttempt.objects.filter(attempt_time__gte=now - length).values("username")
            .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
            .filter(failures__gte=failure_limit()).order_by("-last_attempt", "username"))
    return [Lock(username=row["username"], failures=row["failures"], last_attempt=row["last_attempt"],
                 opens_at=row["last_attempt"] + length) for row in rows]


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The answer to a login while the name is locked, in place of the login page (axes.middleware)."""
    response = render(request, "claims/accounts/locked_out.html",
                      {"minutes": cool_off_minutes(), "phone": general_phone()}, status=LOCKED_STATUS)
    # Each try during the lock starts the wait again (axes' default), so the full cool-off is the honest answer.
    response["Retry-After"] = str(int(cool_off().total_seconds()))
    add_never_cache_headers(response)
    return response
