"""Worked examples for the Algemene termijnenwet (claims.termijnen).

Atw art. 1(1): a statutory term that ends on a Saturday, Sunday or a day of art. 3 is extended up to and
including the next day that is none of these. Art. 3(1): Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag,
Tweede Pinksterdag, the day the King's birthday is celebrated (Koningsdag), 5 May and both Christmas days;
art. 3(2): Good Friday; art. 3(3): days equated by royal decree. The days are data (StatutoryHoliday),
loaded for 2020-2060 by claims.bootstrap (migration 0002, and again after every migrate or flush, for years
that have no days yet) or by `manage.py load_holidays --from Y --to Y`.

Calendar facts used below (checked by hand): Easter Sunday 2026 is 5 April, so Good Friday is Friday 3
April, Easter Monday 6 April, Ascension (Easter + 39) Thursday 14 May and Whit Monday (Easter + 50) Monday
25 May 2026. 27 April 2026 is a Monday; 27 April 2025 is a Sunday, so Koningsdag 2025 was Saturday 26 April.
Christmas 2026 falls on Friday 25 and Saturday 26 December. 1 January 2026 is a Thursday, 1 January 2027 a
Friday. Royal decree ("Besluit gelijkstelling ... 2026 ... 2028") equates Friday 2 January 2026, Friday 15
May 2026 and Friday 7 May 2027 (the day after Ascension 2027). Easter 2016 was 27 March, so Ascension 2016
fell on 5 May, the day that is also in art. 3(1) itself. 1 January 2060 is a Thursday.
"""

import datetime as dt
import types
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims import termijnen
from claims.holiday_data import days_for_year, load_years
from claims.models import StatutoryHoliday

D = dt.date
Basis = StatutoryHoliday.Basis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_holiday_cache():
    """termijnen caches the holidays per year in the process. A row added inside a test transaction is
    cached and then rolled back without a post_delete signal, so the cache is cleared on both sides."""
    termijnen.clear_cache()
    yield
    termijnen.clear_cache()


# --- is_day_off ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "off"),
    [
        # Wednesday 11 March 2026: an ordinary working day.
        pytest.param(D(2026, 3, 11), False, id="2026-03-11-ordinary-wednesday"),
        # Saturday and Sunday are never the last day of a term (Atw art. 1).
        pytest.param(D(2026, 3, 14), True, id="2026-03-14-saturday"),
        pytest.param(D(2026, 3, 15), True, id="2026-03-15-sunday"),
        # Maundy Thursday 2 April 2026 is no holiday under the Atw.
        pytest.param(D(2026, 4, 2), False, id="2026-04-02-maundy-thursday-not-off"),
        # Good Friday 3 April 2026 (Easter 5 April - 2): art. 3(2).
        pytest.param(D(2026, 4, 3), True, id="2026-04-03-good-friday"),
        # Easter Monday 6 April 2026 (Easter + 1): art. 3(1).
        pytest.param(D(2026, 4, 6), True, id="2026-04-06-easter-monday"),
        # Tuesday 7 April 2026: the first working day after Easter.
        pytest.param(D(2026, 4, 7), False, id="2026-04-07-tuesday-after-easter"),
        # Koningsdag 2026 is Monday 27 April (27 April is no Sunday).
        pytest.param(D(2026, 4, 27), True, id="2026-04-27-koningsdag-monday"),
        pytest.param(D(2026, 4, 28), False, id="2026-04-28-tuesday-after-koningsdag"),
        # 2025: 27 April is a Sunday, so Koningsdag is Saturday 26 April; Friday 25 April is a working day
        # and there is no substitute Monday: 28 April 2025 is a working day.
        pytest.param(D(2025, 4, 25), False, id="2025-04-25-friday-before-koningsdag"),
        pytest.param(D(2025, 4, 26), True, id="2025-04-26-koningsdag-saturday"),
        pytest.param(D(2025, 4, 28), False, id="2025-04-28-no-substitute-monday"),
        # 5 May is in art. 3(1) every year (not only every fifth year): Tuesday 5 May 2026 and
        # Wednesday 5 May 2027.
        pytest.param(D(2026, 5, 5), True, id="2026-05-05-bevrijdingsdag"),
        pytest.param(D(2027, 5, 5), True, id="2027-05-05-bevrijdingsdag-non-lustrum-year"),
        # Ascension Thursday 14 May 2026 (Easter + 39) and the equated Friday 15 May 2026 (royal decree).
        pytest.param(D(2026, 5, 13), False, id="2026-05-13-wednesday-before-ascension"),
        pytest.param(D(2026, 5, 14), True, id="2026-05-14-ascension"),
        pytest.param(D(2026, 5, 15), True, id="2026-05-15-royal-decree-friday"),
        # Friday 7 May 2027, day after Ascension 2027 (Easter 28 March + 39 = 6 May), royal decree.
        pytest.param(D(2027, 5, 7), True, id="2027-05-07-royal-decree-friday"),
        # Whit Monday 25 May 2026 (Easter + 50); Tuesday 26 May is a working day.
        pytest.param(D(2026, 5, 25), True, id="2026-05-25-whit-monday"),
        pytest.param(D(2026, 5, 26), False, id="2026-05-26-tuesday-after-whitsun"),
        # Christmas Eve is no holiday; 25 and 26 December are; no substitute for a Saturday 26 December.
        pytest.param(D(2026, 12, 24), False, id="2026-12-24-christmas-eve-not-off"),
        pytest.param(D(2026, 12, 25), True, id="2026-12-25-christmas-friday"),
        pytest.param(D(2026, 12, 26), True, id="2026-12-26-boxing-day-saturday"),
        pytest.param(D(2026, 12, 28), False, id="2026-12-28-monday-after-christmas"),
        # New Year's Eve is no holiday; New Year's Day is.
        pytest.param(D(2026, 12, 31), False, id="2026-12-31-new-years-eve-not-off"),
        pytest.param(D(2026, 1, 1), True, id="2026-01-01-new-year-thursday"),
        pytest.param(D(2027, 1, 1), True, id="2027-01-01-new-year-friday"),
        # Friday 2 January 2026 is equated by royal decree; Monday 5 January is a working day.
        pytest.param(D(2026, 1, 2), True, id="2026-01-02-royal-decree"),
        pytest.param(D(2026, 1, 5), False, id="2026-01-05-monday"),
        # Friday 27 December 2024, royal decree (between Boxing Day and the weekend).
        pytest.param(D(2024, 12, 27), True, id="2024-12-27-royal-decree"),
        # Christmas 2040 is a Tuesday.
        pytest.param(D(2040, 12, 25), True, id="2040-12-25-christmas-tuesday"),
        # The last loaded year: New Year's Day 2060 is a Thursday.
        pytest.param(D(2060, 1, 1), True, id="2060-01-01-new-year-last-loaded-year"),
    ],
)
def test_is_day_off(day, off):
    assert termijnen.is_day_off(day) is off


# --- the data the migration loaded ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "name", "basis"),
    [
        # Koningsdag 2025 moved to Saturday 26 April because 27 April 2025 is a Sunday.
        pytest.param(D(2025, 4, 26), "Koningsdag", Basis.GENERAL, id="koningsdag-2025-on-26-april"),
        pytest.param(D(2026, 4, 27), "Koningsdag", Basis.GENERAL, id="koningsdag-2026-on-27-april"),
        pytest.param(D(2026, 4, 3), "Goede Vrijdag", Basis.GOOD_FRIDAY, id="good-friday-2026-art-3-2"),
        pytest.param(D(2026, 5, 15), "Gelijkgesteld bij koninklijk besluit", Basis.ROYAL_DECREE,
                     id="15-may-2026-art-3-3"),
        pytest.param(D(2026, 1, 2), "Gelijkgesteld bij koninklijk besluit", Basis.ROYAL_DECREE,
                     id="2-jan-2026-art-3-3"),
        pytest.param(D(2026, 5, 25), "Tweede Pinksterdag", Basis.GENERAL, id="whit-monday-2026"),
    ],
)
def test_statutory_holiday_rows(day, name, basis):
    row = StatutoryHoliday.objects.get(date=day)
    assert (row.name, row.basis) == (name, basis)


def test_koningsdag_2025_is_not_on_the_sunday():
    # 27 April 2025 is a Sunday: the celebration (and so the Atw day) is the Saturday before.
    assert not StatutoryHoliday.objects.filter(date=D(2025, 4, 27)).exists()


@pytest.mark.parametrize(
    ("year", "count"),
    [
        # Nine days every year: New Year, Good Friday, Easter Monday, Koningsdag, 5 May, Ascension,
        # Whit Monday, Christmas and Boxing Day; plus the royal-decree days of that year.
        pytest.param(2025, 10, id="2025-nine-plus-30-may"),
        pytest.param(2026, 11, id="2026-nine-plus-2-jan-and-15-may"),
        pytest.param(2027, 10, id="2027-nine-plus-7-may"),
        pytest.param(2028, 11, id="2028-nine-plus-28-april-and-26-may"),
        pytest.param(2030, 9, id="2030-nine-no-decree-known"),
        pytest.param(2040, 9, id="2040-nine"),
        pytest.param(2060, 9, id="2060-last-loaded-year"),
        # Outside 2020-2060 nothing is loaded.
        pytest.param(2019, 0, id="2019-before-the-range"),
        pytest.param(2061, 0, id="2061-after-the-range"),
    ],
)
def test_days_loaded_per_year(year, count):
    assert StatutoryHoliday.objects.filter(date__year=year).count() == count


# --- roll_forward ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # A working day stays where it is.
        pytest.param(D(2026, 3, 11), D(2026, 3, 11), id="working-day-unchanged"),
        # Saturday 14 March 2026 -> Sunday -> Monday 16 March.
        pytest.param(D(2026, 3, 14), D(2026, 3, 16), id="saturday-to-monday"),
        # Good Friday 3 April -> Sat 4 -> Sun 5 -> Easter Monday 6 -> Tuesday 7 April 2026.
        pytest.param(D(2026, 4, 3), D(2026, 4, 7), id="good-friday-to-tuesday-after-easter"),
        # Easter Monday 6 April 2026 -> Tuesday 7 April.
        pytest.param(D(2026, 4, 6), D(2026, 4, 7), id="easter-monday-to-tuesday"),
        # Koningsdag Monday 27 April 2026 -> Tuesday 28 April.
        pytest.param(D(2026, 4, 27), D(2026, 4, 28), id="koningsdag-2026-to-tuesday"),
        # Koningsdag Saturday 26 April 2025 -> Sunday 27 -> Monday 28 April 2025.
        pytest.param(D(2025, 4, 26), D(2025, 4, 28), id="koningsdag-2025-saturday-to-monday"),
        # 5 May 2026 (Tuesday) -> Wednesday 6 May.
        pytest.param(D(2026, 5, 5), D(2026, 5, 6), id="bevrijdingsdag-to-wednesday"),
        # Ascension 14 May -> decree Friday 15 -> Sat 16 -> Sun 17 -> Monday 18 May 2026.
        pytest.param(D(2026, 5, 14), D(2026, 5, 18), id="ascension-and-decree-friday-to-monday"),
        # Whit Monday 25 May 2026 -> Tuesday 26 May.
        pytest.param(D(2026, 5, 25), D(2026, 5, 26), id="whit-monday-to-tuesday"),
        # Christmas Eve is a working day: a term ending on Thursday 24 December 2026 is not moved.
        pytest.param(D(2026, 12, 24), D(2026, 12, 24), id="christmas-eve-not-moved"),
        # Christmas Friday 25 -> Boxing Day Saturday 26 -> Sunday 27 -> Monday 28 December 2026.
        pytest.param(D(2026, 12, 25), D(2026, 12, 28), id="christmas-to-monday-28-dec"),
        pytest.param(D(2026, 12, 26), D(2026, 12, 28), id="boxing-day-to-monday-28-dec"),
        # New Year Thursday 1 January 2026 -> decree Friday 2 -> weekend -> Monday 5 January 2026.
        pytest.param(D(2026, 1, 1), D(2026, 1, 5), id="new-year-2026-and-decree-friday-to-monday"),
        # New Year Friday 1 January 2027 -> weekend -> Monday 4 January 2027.
        pytest.param(D(2027, 1, 1), D(2027, 1, 4), id="new-year-2027-to-monday"),
    ],
)
def test_roll_forward(day, expected):
    assert termijnen.roll_forward(day) == expected


# --- term_end --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "kwargs", "expected"),
    [
        # Counting begins the day after the event: Monday 2 March 2026 + 8 weeks = Monday 27 April 2026,
        # Koningsdag -> Tuesday 28 April.
        pytest.param(D(2026, 3, 2), {"weeks": 8}, D(2026, 4, 28), id="8-weeks-onto-koningsdag"),
        # Wednesday 11 March 2026 + 8 weeks = Wednesday 6 May 2026, a working day.
        pytest.param(D(2026, 3, 11), {"weeks": 8}, D(2026, 5, 6), id="8-weeks-plain"),
        # Friday 6 March 2026 + 28 days = Good Friday 3 April -> Tuesday 7 April.
        pytest.param(D(2026, 3, 6), {"days": 28}, D(2026, 4, 7), id="28-days-onto-good-friday"),
        # Thursday 30 April 2026 + 14 days = Ascension 14 May -> Monday 18 May (15 May decree).
        pytest.param(D(2026, 4, 30), {"days": 14}, D(2026, 5, 18), id="14-days-onto-ascension"),
        # Thursday 12 November 2026 + 6 weeks = Thursday 24 December: Christmas Eve, not moved.
        pytest.param(D(2026, 11, 12), {"weeks": 6}, D(2026, 12, 24), id="6-weeks-onto-christmas-eve"),
        # Friday 13 November 2026 + 6 weeks = Friday 25 December -> Monday 28 December.
        pytest.param(D(2026, 11, 13), {"weeks": 6}, D(2026, 12, 28), id="6-weeks-onto-christmas"),
        # Friday 21 November 2025 + 6 weeks = Friday 2 January 2026 (decree) -> Monday 5 January 2026.
        pytest.param(D(2025, 11, 21), {"weeks": 6}, D(2026, 1, 5), id="6-weeks-onto-2-jan-decree"),
        # Weeks and days add up: Monday 2 March 2026 + 1 week + 1 day = Tuesday 10 March.
        pytest.param(D(2026, 3, 2), {"weeks": 1, "days": 1}, D(2026, 3, 10), id="weeks-plus-days"),
        # A zero-length term ending on a Saturday still rolls: Saturday 14 March -> Monday 16 March.
        pytest.param(D(2026, 3, 14), {}, D(2026, 3, 16), id="zero-length-on-saturday"),
    ],
)
def test_term_end(start, kwargs, expected):
    assert termijnen.term_end(start, **kwargs) == expected


# --- add_working_days ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Zero working days: the start itself.
        pytest.param(D(2026, 3, 11), 0, D(2026, 3, 11), id="zero"),
        # Wednesday 11 March + 1 working day = Thursday 12 March.
        pytest.param(D(2026, 3, 11), 1, D(2026, 3, 12), id="one-plain"),
        # Friday 13 March + 1 = Monday 16 March (weekend skipped).
        pytest.param(D(2026, 3, 13), 1, D(2026, 3, 16), id="over-weekend"),
        # Thursday 2 April + 1: Good Friday, Saturday, Easter Sunday and Easter Monday skipped ->
        # Tuesday 7 April.
        pytest.param(D(2026, 4, 2), 1, D(2026, 4, 7), id="over-easter"),
        # Wednesday 13 May + 1: Ascension 14, decree 15, weekend skipped -> Monday 18 May 2026.
        pytest.param(D(2026, 5, 13), 1, D(2026, 5, 18), id="over-ascension-and-decree-friday"),
        # Thursday 24 December + 2: 25, 26, 27 skipped -> Monday 28 (1), Tuesday 29 December (2).
        pytest.param(D(2026, 12, 24), 2, D(2026, 12, 29), id="over-christmas"),
        # Wednesday 31 December 2025 + 1: New Year 1 Jan, decree 2 Jan, weekend -> Monday 5 January 2026.
        pytest.param(D(2025, 12, 31), 1, D(2026, 1, 5), id="over-new-year-and-2-jan"),
    ],
)
def test_add_working_days(start, count, expected):
    assert termijnen.add_working_days(start, count) == expected


# --- holidays are data: an administrator's change is honoured at once ------------------------------

NEW_DAY = D(2026, 6, 1)  # Monday 1 June 2026: an ordinary working day in the loaded data


def _prime_cache() -> None:
    # Read 2026 once so the per-year cache is filled before the table changes.
    assert termijnen.is_day_off(NEW_DAY) is False
    # Saturday 30 May 2026 rolls to Monday 1 June while that is a working day.
    assert termijnen.roll_forward(D(2026, 5, 30)) == NEW_DAY


def test_added_holiday_is_honoured_immediately():
    _prime_cache()
    StatutoryHoliday.objects.create(date=NEW_DAY, name="Gelijkgesteld (test)", basis=Basis.ROYAL_DECREE,
                                    source="test")
    assert termijnen.is_day_off(NEW_DAY) is True
    # Saturday 30 May -> Sunday 31 May -> the new day off Monday 1 June -> Tuesday 2 June.
    assert termijnen.roll_forward(D(2026, 5, 30)) == D(2026, 6, 2)
    # Monday 20 April 2026 + 6 weeks = Monday 1 June -> Tuesday 2 June.
    assert termijnen.term_end(D(2026, 4, 20), weeks=6) == D(2026, 6, 2)


def test_deleted_holiday_is_forgotten_immediately():
    row = StatutoryHoliday.objects.create(date=NEW_DAY, name="Gelijkgesteld (test)",
                                          basis=Basis.ROYAL_DECREE, source="test")
    assert termijnen.is_day_off(NEW_DAY) is True  # cached with the new day
    row.delete()
    assert termijnen.is_day_off(NEW_DAY) is False
    assert termijnen.roll_forward(D(2026, 5, 30)) == NEW_DAY


def test_holiday_deleted_through_a_queryset_is_forgotten():
    StatutoryHoliday.objects.create(date=NEW_DAY, name="Gelijkgesteld (test)", basis=Basis.ROYAL_DECREE)
    assert termijnen.is_day_off(NEW_DAY) is True
    StatutoryHoliday.objects.filter(date=NEW_DAY).delete()  # the admin's bulk delete action
    assert termijnen.is_day_off(NEW_DAY) is False


def test_holiday_moved_in_the_admin_is_honoured():
    # Moving the decree day of 15 May 2026 to 1 June (an edit in the admin: save() on the row).
    _prime_cache()
    row = StatutoryHoliday.objects.get(date=D(2026, 5, 15))
    row.date = NEW_DAY
    row.save()
    assert termijnen.is_day_off(D(2026, 5, 15)) is False
    assert termijnen.is_day_off(NEW_DAY) is True
    # Ascension 14 May now rolls only to Friday 15 May.
    assert termijnen.roll_forward(D(2026, 5, 14)) == D(2026, 5, 15)


def test_cache_expires_for_changes_made_elsewhere(monkeypatch):
    # A change from another process (no signal here) reaches this one once the cached year is older than
    # CACHE_SECONDS. queryset.update() sends no signal, so it stands in for the other process.
    clock = types.SimpleNamespace(now=1000.0)
    monkeypatch.setattr(termijnen, "time", types.SimpleNamespace(monotonic=lambda: clock.now))
    _prime_cache()
    StatutoryHoliday.objects.filter(date=D(2026, 5, 15)).update(date=NEW_DAY)
    clock.now += termijnen.CACHE_SECONDS  # exactly at the limit: still the cached days
    assert termijnen.is_day_off(NEW_DAY) is False
    assert termijnen.is_day_off(D(2026, 5, 15)) is True
    clock.now += 1
    assert termijnen.is_day_off(NEW_DAY) is True
    assert termijnen.is_day_off(D(2026, 5, 15)) is False


# --- holiday_data: computing and loading the days ----------------------------------------------------

@pytest.mark.parametrize("year", [pytest.param(2005, id="2005"), pytest.param(2016, id="2016")])
def test_ascension_on_5_may_gives_one_row(year):
    # Easter 27 March: Ascension (Easter + 39) is 5 May. One row for that day, with both names; eight days
    # in all (no royal-decree day known for these years).
    rows = days_for_year(year)
    may_5 = [row for row in rows if row[0] == D(year, 5, 5)]
    assert may_5 == [(D(year, 5, 5), "Bevrijdingsdag en Hemelvaartsdag", Basis.GENERAL)]
    assert len(rows) == len({row[0] for row in rows}) == 8
    assert rows == sorted(rows)


def test_days_for_year_2026():
    # Nine art. 3(1)/(2) days plus the two decree days 2 January and 15 May, in date order.
    assert [(day, name) for day, name, _basis in days_for_year(2026)] == [
        (D(2026, 1, 1), "Nieuwjaarsdag"),
        (D(2026, 1, 2), "Gelijkgesteld bij koninklijk besluit"),
        (D(2026, 4, 3), "Goede Vrijdag"),
        (D(2026, 4, 6), "Tweede Paasdag"),
        (D(2026, 4, 27), "Koningsdag"),
        (D(2026, 5, 5), "Bevrijdingsdag"),
        (D(2026, 5, 14), "Hemelvaartsdag"),
        (D(2026, 5, 15), "Gelijkgesteld bij koninklijk besluit"),
        (D(2026, 5, 25), "Tweede Pinksterdag"),
        (D(2026, 12, 25), "Eerste Kerstdag"),
        (D(2026, 12, 26), "Tweede Kerstdag"),
    ]


def test_load_years_2016_loads_one_row_for_5_may():
    # date is unique: without the merge the second 5 May row would fail the whole load.
    assert load_years(2016, 2016) == 8
    assert StatutoryHoliday.objects.filter(date__year=2016).count() == 8
    assert StatutoryHoliday.objects.get(date=D(2016, 5, 5)).name == "Bevrijdingsdag en Hemelvaartsdag"
    assert termijnen.is_day_off(D(2016, 5, 5)) is True
    # Wednesday 4 May 2016 is a working day; Thursday 5 May (both holidays) -> Friday 6 May.
    assert termijnen.roll_forward(D(2016, 5, 5)) == D(2016, 5, 6)


def test_load_years_leaves_a_year_with_an_admin_deletion_alone():
    # An administrator removed the decree day of Friday 15 May 2026 (e.g. entered by mistake).
    StatutoryHoliday.objects.filter(date=D(2026, 5, 15)).delete()
    assert load_years(2020, 2060) == 0  # every year already has days: nothing is added
    assert not StatutoryHoliday.objects.filter(date=D(2026, 5, 15)).exists()
    assert StatutoryHoliday.objects.filter(date__year=2026).count() == 10
    assert termijnen.is_day_off(D(2026, 5, 15)) is False
    # Ascension Thursday 14 May 2026 now rolls to Friday 15 May only.
    assert termijnen.roll_forward(D(2026, 5, 14)) == D(2026, 5, 15)


def test_load_years_leaves_an_admin_addition_and_loads_only_missing_years():
    added = StatutoryHoliday.objects.create(date=D(2026, 6, 1), name="Gelijkgesteld (admin)",
                                            basis=Basis.ROYAL_DECREE, source="admin")
    # 2060 is loaded, 2061 and 2062 are not: 9 + 9 days (no decree days known, no 5 May Ascension).
    assert load_years(2060, 2062) == 18
    assert StatutoryHoliday.objects.filter(date__year=2060).count() == 9
    assert StatutoryHoliday.objects.filter(date__year__in=(2061, 2062)).count() == 18
    assert StatutoryHoliday.objects.get(pk=added.pk).name == "Gelijkgesteld (admin)"
    assert load_years(2020, 2062) == 0


def test_load_holidays_command():
    out = StringIO()
    call_command("load_holidays", "--from", "2061", "--to", "2062", stdout=out)
    assert out.getvalue().strip() == "18 dagen toegevoegd voor 2061–2062."
    # Easter 2061 is 10 April: Good Friday 8 April 2061; Christmas 2061 is a Sunday.
    assert StatutoryHoliday.objects.get(date=D(2061, 4, 8)).basis == Basis.GOOD_FRIDAY
    assert termijnen.is_day_off(D(2061, 4, 8)) is True
    assert StatutoryHoliday.objects.filter(date=D(2061, 12, 25)).exists()
    # Run again: the years have days now, nothing is added.
    out = StringIO()
    call_command("load_holidays", "--from", "2061", "--to", "2062", stdout=out)
    assert out.getvalue().strip() == "0 dagen toegevoegd voor 2061–2062."
    assert StatutoryHoliday.objects.filter(date__year__in=(2061, 2062)).count() == 18


def test_load_holidays_command_needs_both_years():
    with pytest.raises(CommandError):
        call_command("load_holidays", "--from", "2061")
