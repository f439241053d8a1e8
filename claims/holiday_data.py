"""Computes the Algemene termijnenwet days for a year, to load them as data (see claims.bootstrap and the
`load_holidays` command). Royal-decree days (art. 3(3)) are listed by year where a decree is known."""

import datetime as dt

from .models.calendar import StatutoryHoliday

Basis = StatutoryHoliday.Basis

# Days equated with holidays by royal decree (Atw art. 3 lid 3); an administrator adds new ones in the admin.
# Source: "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025"
# and "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028".
_DECREE = "Gelijkgesteld bij koninklijk besluit"
ROYAL_DECREE_DAYS: dict[dt.date, str] = {
    dt.date(2023, 4, 28): _DECREE,
    dt.date(2023, 5, 19): _DECREE,
    dt.date(2024, 5, 10): _DECREE,
    dt.date(2024, 12, 27): _DECREE,
    dt.date(2025, 5, 30): _DECREE,
    dt.date(2026, 1, 2): _DECREE,
    dt.date(2026, 5, 15): _DECREE,
    dt.date(2027, 5, 7): _DECREE,
    dt.date(2028, 4, 28): _DECREE,
    dt.date(2028, 5, 26): _DECREE,
}


def easter_sunday(year: int) -> dt.date:
    """The Gregorian Easter date (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def kings_day(year: int) -> dt.date:
    day = dt.date(year, 4, 27)
    return day - dt.timedelta(days=1) if day.weekday() == 6 else day


def days_for_year(year: int) -> list[tuple[dt.date, str, str]]:
    easter = easter_sunday(year)
    rows = [
        (dt.date(year, 1, 1), "Nieuwjaarsdag", Basis.GENERAL),
        (easter - dt.timedelta(days=2), "Goede Vrijdag", Basis.GOOD_FRIDAY),
        (easter + dt.timedelta(days=1), "Tweede Paasdag", Basis.GENERAL),
        (kings_day(year), "Koningsdag", Basis.GENERAL),
        (dt.date(year, 5, 5), "Bevrijdingsdag", Basis.GENERAL),
        (easter + dt.timedelta(days=39), "Hemelvaartsdag", Basis.GENERAL),
        (easter + dt.timedelta(days=50), "Tweede Pinksterdag", Basis.GENERAL),
        (dt.date(year, 12, 25), "Eerste Kerstdag", Basis.GENERAL),
        (dt.date(year, 12, 26), "Tweede Kerstdag", Basis.GENERAL),
    ]
    rows += [(day, name, Basis.ROYAL_DECREE) for day, name in ROYAL_DECREE_DAYS.items() if day.year == year]
    # One row per day: in some years 5 May is also Ascension Day.
    by_day: dict[dt.date, tuple[dt.date, str, str]] = {}
    for day, name, basis in rows:
        by_day[day] = (day, f"{by_day[day][1]} en {name}", by_day[day][2]) if day in by_day else (day, name, basis)
    return sorted(by_day.values())


def load_years(first: int, last: int, model=StatutoryHoliday) -> int:
    """Loads the years given that have no days yet. A year with days is left alone, so what an
    administrator added or removed there stays as they left it."""
    loaded = set(model.objects.filter(date__year__gte=first, date__year__lte=last).values_list("date__year", flat=True))
    new = [
        model(date=day, name=name, basis=basis, source="Algemene termijnenwet")
        for year in range(first, last + 1)
        if year not in loaded
        for day, name, basis in days_for_year(year)
    ]
    model.objects.bulk_create(new)
    return len(new)
