"""The working-day clock on the Chinese calendar (pure, no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.lib.workdays import add_working_days, in_season, is_workday, working_days_between


def test_it_knows_national_day_2025_and_its_make_up_days():
    assert not is_workday(date(2025, 10, 1))  # Wednesday, holiday
    assert not is_workday(date(2025, 10, 8))  # Wednesday, holiday
    assert is_workday(date(2025, 9, 28))  # Sunday, make-up working day
    assert is_workday(date(2025, 10, 11))  # Saturday, make-up working day
    assert not is_workday(date(2025, 10, 12))  # an ordinary Sunday


def test_it_skips_the_national_day_holiday():
    # Received on Tuesday 30 September 2025: one working day to acknowledge is 9 October.
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_it_counts_a_sunday_make_up_day():
    # Friday 26 September + 1 working day = Sunday 28 September (调休上班).
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    # Friday 10 October + 1 = Saturday 11 October (make-up), + 2 = Monday 13.
    assert add_working_days(date(2025, 10, 10), 1) == date(2025, 10, 11)
    assert add_working_days(date(2025, 10, 10), 2) == date(2025, 10, 13)


def test_it_crosses_the_2026_spring_festival():
    # Saturday 14 February 2026 is a make-up day; 15-23 February are the holiday.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_fifteen_working_days_over_national_day():
    # From 29 September: 30 Sep (1), 9-11 Oct (2-4), 13-17 (5-9), 20-24 (10-14), 27 Oct (15).
    assert add_working_days(date(2025, 9, 29), 15) == date(2025, 10, 27)


def test_it_falls_back_to_weekdays_for_unknown_years():
    assert add_working_days(date(2040, 6, 1), 1) == date(2040, 6, 4)  # Friday -> Monday


def test_it_refuses_negative_days():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 1, 1), -1)


def test_it_reads_seasons_including_across_new_year():
    assert in_season(date(2026, 7, 1), "05-01:09-30")
    assert not in_season(date(2026, 10, 1), "05-01:09-30")
    assert in_season(date(2026, 1, 5), "11-15:02-15")
    assert not in_season(date(2026, 3, 1), "11-15:02-15")
    with pytest.raises(ValueError):
        in_season(date(2026, 1, 1), "May to September")


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)),
    st.integers(min_value=0, max_value=40),
)
def test_adding_then_counting_gives_back_the_days(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days
    assert days == 0 or is_workday(end)
    assert end - start >= timedelta(days=days)
