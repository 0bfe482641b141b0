"""The working-day clock of the Chinese calendar (no Django).

Statutory holidays are days off even on weekdays, and make-up working days (调休上班) are
working days even on a Saturday or Sunday; the ``chinese_calendar`` package publishes both from
the State Council's yearly notice. For a year the package does not know yet, the clock falls
back to Monday-Friday, which is the best guess until the notice is published.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar

IsWorkday = Callable[[date], bool]


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year outside the package's data
        return day.weekday() < 5


def add_working_days(start: date, days: int, *, workday: IsWorkday = is_workday) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts).

    A complaint received on Tuesday 30 September 2025 with one working day to acknowledge is due
    on Thursday 9 October: 1-8 October are the National Day holiday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if workday(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, *, workday: IsWorkday = is_workday) -> int:
    """Working days in (start, end]: how many working days after ``start`` ``end`` is.

    Negative when ``end`` is before ``start``.
    """
    if end < start:
        return -working_days_between(end, start, workday=workday)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if workday(day):
            count += 1
    return count


def in_season(day: date, season: str) -> bool:
    """Whether ``day`` falls inside a yearly season written ``MM-DD:MM-DD`` (inclusive).

    A season may wrap the new year ("11-15:02-15").
    """
    start, end = _parse_season(season)
    key = (day.month, day.day)
    if start <= end:
        return start <= key <= end
    return key >= start or key <= end


def _parse_season(season: str) -> tuple[tuple[int, int], tuple[int, int]]:
    try:
        first, last = season.split(":")
        sm, sd = (int(x) for x in first.split("-"))
        em, ed = (int(x) for x in last.split("-"))
        date(2024, sm, sd), date(2024, em, ed)  # noqa: B018  (validates, leap year allows 02-29)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"season must look like 05-01:09-30, not {season!r}") from exc
    return (sm, sd), (em, ed)
