"""The one clock of the domain: now and today in Europe/Amsterdam, which tests and seeding can freeze."""

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("frozen_now", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


def today() -> dt.date:
    return timezone.localtime(now()).date()


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Run a block as if it were `at` (demo history, worked examples in tests)."""
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
