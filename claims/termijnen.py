"""The Algemene termijnenwet: a statutory term that would end on a Saturday, Sunday or a holiday ends
on the next day that is none of these. The holidays are data (StatutoryHoliday), not code."""

import datetime as dt
from functools import lru_cache

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import StatutoryHoliday

SATURDAY = 5


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(StatutoryHoliday.objects.filter(date__year=year).values_list("date", flat=True))


@receiver([post_save, post_delete], sender=StatutoryHoliday)
def _forget_holidays(**_kwargs) -> None:
    _holidays.cache_clear()


def clear_cache() -> None:
    _holidays.cache_clear()


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
