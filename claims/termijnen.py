"""The Algemene termijnenwet: a statutory term that would end on a Saturday, Sunday or a holiday ends
on the next day that is none of these. The holidays are data (StatutoryHoliday), not code."""

import datetime as dt
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import StatutoryHoliday

SATURDAY = 5


# Per process, for a few minutes: an administrator's change reaches every web and worker process by then,
# and the process that saved it at once (signal below).
CACHE_SECONDS = 300
_cache: dict[int, tuple[float, frozenset[dt.date]]] = {}


def _holidays(year: int) -> frozenset[dt.date]:
    hit = _cache.get(year)
    if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
        days = frozenset(StatutoryHoliday.objects.filter(date__year=year).values_list("date", flat=True))
        hit = _cache[year] = (time.monotonic(), days)
    return hit[1]


@receiver([post_save, post_delete], sender=StatutoryHoliday)
def _forget_holidays(**_kwargs) -> None:
    clear_cache()


def clear_cache() -> None:
    _cache.clear()


def is_day_off(day: dt.date) -> bool:
    return day.weekday() >= SATURDAY or day in _holidays(day.year)


def roll_forward(day: dt.date) -> dt.date:
    """The day itself, or the next day that is neither a weekend day nor a holiday (Atw art. 1)."""
    while is_day_off(day):
        day += dt.timedelta(days=1)
    return day


def term_end(start: dt.date, *, days: int = 0, weeks: int = 0) -> dt.date:
    """The last day of a term counted from `start` (the event's date; counting begins the day after)."""
    return roll_forward(start + dt.timedelta(days=days, weeks=weeks))


def add_working_days(start: dt.date, count: int) -> dt.date:
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        if not is_day_off(day):
            count -= 1
    return day
