"""Texts that pages repeat per row, made once per process and language instead of on every call.

`display(row, "kind")` reads as row.get_kind_display(): Django rebuilds the field's whole choice table on each
call (some 20 µs), which adds up over a timeline or a table of documents. `day_text(day)` is a date as the
filter date:"j F Y" writes it; the same days come back on every page. The filters `display`, `day` and `day_time`
bring the same to templates; tests/casework/test_dossier_render.py holds them to Django's own output."""

import datetime as dt
from functools import lru_cache

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import date as date_filter
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _labels(field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


def display(row, name: str):
    field = row._meta.get_field(name)
    value = getattr(row, field.attname)
    return _labels(field, get_language()).get(value, value)


@lru_cache(maxsize=4096)
def _day_text(day: dt.date, language: str | None) -> str:
    return date_format(day, "j F Y")


def day_text(day: dt.date) -> str:
    """'7 januari 2026', for a date (never a datetime: there is no time zone to convert)."""
    return _day_text(day, get_language())


@lru_cache(maxsize=64)
def _month_name(month: int, language: str | None) -> str:
    return date_format(dt.date(2000, month, 1), "F")


def month_name(month: int) -> str:
    """'januari': what date:"F" writes."""
    return _month_name(month, get_language())


@register.filter(name="display")
def display_filter(row, name: str):
    """{{ document|display:"kind" }}: as {{ document.get_kind_display }}, also in showing nothing for no row."""
    try:
        return display(row, name)
    except (AttributeError, FieldDoesNotExist):
        return ""


def moment_text(local: dt.datetime, sep: str = "") -> str:
    """'7 januari 2026 09:30' (date:"j F Y H:i"), or with sep="," '7 januari 2026, 09:30'; a local time."""
    return f"{local.day} {month_name(local.month)} {local.year}{sep} {local:%H:%M}"


@register.filter(expects_localtime=True)
def day_time(value, sep: str = "") -> str:
    """{{ document.created_at|day_time }}: as {{ document.created_at|date:"j F Y H:i" }};
    {{ message.created_at|day_time:"," }}: as {{ message.created_at|date:"j F Y, H:i" }}."""
    if isinstance(value, dt.datetime):
        return moment_text(value, sep)
    return date_filter(value, f"j F Y{sep} H:i")


@register.filter(expects_localtime=True)
def day(value) -> str:
    """{{ letter.created_at|day }}: as {{ letter.created_at|date:"j F Y" }} (a time in local time first)."""
    if isinstance(value, dt.date):
        return day_text(value.date() if isinstance(value, dt.datetime) else value)
    return date_filter(value, "j F Y")
