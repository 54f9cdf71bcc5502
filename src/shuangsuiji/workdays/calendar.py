"""Chinese working-day arithmetic (工作日计算) behind one small interface.

A day is a working day (工作日) unless it is a weekend or a public holiday; adjusted weekend
workdays (调休上班) are working days.  Three sources, later ones winning for their dates:

1. the weekday rule: Monday to Friday work, Saturday and Sunday off;
2. the ``chinesecalendar`` package, for the years it knows (it raises
   ``NotImplementedError`` for others);
3. the admin-edited table :class:`~shuangsuiji.workdays.models.CalendarDay`, so that next
   year's State Council notice (国务院办公厅关于部分节假日安排的通知) can be entered before a
   package release carries it.

A date is *known* when the package knows its year, or when an admin marked the year as
completely entered (:class:`~shuangsuiji.workdays.models.CalendarYear`).  Any answer that
rests on a day of an unknown year is *provisional*: right for ordinary weeks, possibly wrong
around holidays nobody has entered yet.

Counting is closed-form: the number of Monday-to-Friday dates up to a day is arithmetic on
its ordinal, corrected by the few hundred dates where the calendar departs from the weekday
rule (found by bisection).  So a deadline costs a few dozen bisection steps whatever ``n``
is and however far the dates lie from the package's years.

:class:`WorkCalendar` takes its overrides as plain arguments, so it is testable without a
database; :func:`load_calendar` builds one from the tables.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import accumulate

# 《企业信息公示暂行条例》: inspection results are published 自产生之日起20个工作日内.
PUBLICATION_WORKDAYS = 20

__all__ = [
    "PUBLICATION_WORKDAYS",
    "Deadline",
    "WorkCalendar",
    "deadline",
    "load_calendar",
    "package_is_workday",
]


@dataclass(frozen=True)
class Deadline:
    """A due date; ``provisional`` when it rests on a day of a year nobody has entered."""

    date: dt.date
    provisional: bool


def _weekday_rule(day: dt.date) -> bool:
    return day.weekday() < 5


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday dates among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _plain_date(day: dt.date) -> dt.date:
    # datetime is a subclass of date but never equal to one as a dict key.
    if isinstance(day, dt.datetime):
        return day.date()
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
    return day


@functools.cache
def _package_calendar() -> tuple[frozenset[int], Mapping[dt.date, bool]]:
    """The years ``chinesecalendar`` knows, and its days that break the weekday rule.

    Asked once per process through the package's own ``is_workday``, so that whatever rule
    it applies (e.g. an adjusted workday listed as both holiday and workday) is the rule here.
    """
    import chinese_calendar

    listed = set(chinese_calendar.holidays) | set(chinese_calendar.workdays)
    if not listed:
        return frozenset(), {}

    def knows(year: int) -> bool:
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    years = frozenset(
        y for y in range(min(d.year for d in listed), max(d.year for d in listed) + 1) if knows(y)
    )
    exceptions: dict[dt.date, bool] = {}
    for day in listed:
        day = _plain_date(day)
        if day.year in years:
            workday = bool(chinese_calendar.is_workday(day))
            if workday != _weekday_rule(day):
                exceptions[day] = workday
    return years, exceptions


def package_is_workday(day: dt.date) -> bool | None:
    """What ``chinesecalendar`` alone says about ``day``; None for a year it does not know.

    For the admin, to show what an entry in the table changes.
    """
    day = _plain_date(day)
    years, exceptions = _package_calendar()
    if day.year not in years:
        return None
    return exceptions.get(day, _weekday_rule(day))


class WorkCalendar:
    """Working days from the package plus ``overrides`` (date → is a working day).

    ``complete_years``: years an admin entered completely; their dates are known even where
    the package has no data.
    """

    def __init__(self, overrides: Mapping[dt.date, bool], complete_years: Collection[int]) -> None:
        package_years, package_days = _package_calendar()
        # Only the dates where the final answer differs from the weekday rule are kept:
        # an override that restores the weekday rule removes the package's exception.
        special = dict(package_days)
        for raw_day, workday in overrides.items():
            day = _plain_date(raw_day)
            if bool(workday) == _weekday_rule(day):
                special.pop(day, None)
            else:
                special[day] = bool(workday)
        self._special = special
        self._special_dates = sorted(special)
        # _adjust[i]: how far the first i special dates move the weekday count.
        self._adjust = list(
            accumulate((1 if special[d] else -1 for d in self._special_dates), initial=0)
        )
        self._known_years = sorted(set(package_years) | {int(y) for y in complete_years})

    def __repr__(self) -> str:
        return (
            f"WorkCalendar({len(self._special)} special dates, "
            f"{len(self._known_years)} known years)"
        )

    def is_workday(self, day: dt.date) -> bool:
        day = _plain_date(day)
        return self._special.get(day, _weekday_rule(day))

    def is_known(self, day: dt.date) -> bool:
        return self._years_known(_plain_date(day).year, _plain_date(day).year)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative (minus those in (end, start]) if end < start.

        ``workdays_between(deadline, today)`` is how many working days a publication is late.
        """
        return self._count(_plain_date(end)) - self._count(_plain_date(start))

    def add_workdays(self, start: dt.date, n: int) -> Deadline:
        """The ``n``-th working day strictly after ``start`` (``start`` itself not counted).

        ``n == 0`` gives ``start`` itself.  Provisional when any day in (start, result] lies
        in an unknown year.  ValueError for ``n < 0`` or a result after 9999-12-31.
        """
        start = _plain_date(start)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        if n == 0:
            return Deadline(start, provisional=False)
        target = self._count(start) + n
        lo, hi = start.toordinal() + 1, dt.date.max.toordinal()
        if lo > hi or self._count_ordinal(hi) < target:
            raise ValueError(
                f"{n} working days after {start.isoformat()} is beyond {dt.date.max.isoformat()}"
            )
        # The count is non-decreasing in the date and rises exactly on working days, so the
        # first date reaching the target is the n-th working day.
        while lo < hi:
            mid = (lo + hi) // 2
            if self._count_ordinal(mid) >= target:
                hi = mid
            else:
                lo = mid + 1
        result = dt.date.fromordinal(lo)
        first = dt.date.fromordinal(start.toordinal() + 1)
        return Deadline(result, provisional=not self._years_known(first.year, result.year))

    def _count(self, day: dt.date) -> int:
        """Working days from 0001-01-01 through ``day``."""
        return (
            _weekdays_through(day.toordinal())
            + self._adjust[bisect_right(self._special_dates, day)]
        )

    def _count_ordinal(self, ordinal: int) -> int:
        return self._count(dt.date.fromordinal(ordinal))

    def _years_known(self, first: int, last: int) -> bool:
        """Is every year from ``first`` through ``last`` known?"""
        have = bisect_right(self._known_years, last) - bisect_left(self._known_years, first)
        return have == last - first + 1


def load_calendar() -> WorkCalendar:
    """The calendar with the admin's table applied (two queries)."""
    from .models import CalendarDay, CalendarYear

    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    complete = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    return WorkCalendar(overrides, complete)


def deadline(result_date: dt.date, days: int = PUBLICATION_WORKDAYS) -> Deadline:
    """When a result of ``result_date`` must be published: ``days`` working days later."""
    return load_calendar().add_workdays(result_date, days)
