"""Properties of WorkCalendar under random admin overrides and completed years.

The reference here walks day by day with ``is_workday`` / ``is_known``, and those are
checked in turn against ``chinesecalendar`` itself, so the closed-form counting in the
calendar is compared with the plainest possible computation.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.workdays.calendar import WorkCalendar

# 2001–2030 straddles both ends of the package's years (2004–2026 in 1.11).
FIRST, LAST = dt.date(2001, 1, 1), dt.date(2030, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)
complete_years = st.sets(st.integers(2000, 2031), max_size=6)
counts = st.integers(min_value=1, max_value=300)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates in (start, end]."""
    return [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]


@st.composite
def calendars(draw: st.DrawFn) -> tuple[WorkCalendar, dict[dt.date, bool], set[int]]:
    # Overrides clustered near some date, so that they often fall inside the counted days.
    start = draw(dates)
    near = st.dates(min_value=start, max_value=min(start + dt.timedelta(days=500), LAST))
    table = draw(st.dictionaries(st.one_of(near, dates), st.booleans(), max_size=40))
    years = draw(complete_years)
    return WorkCalendar(table, years), table, years


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, counts)
def test_the_deadline_is_the_nth_working_day_strictly_after_the_start(
    built: tuple[WorkCalendar, dict[dt.date, bool], set[int]], start: dt.date, n: int
) -> None:
    cal, _, _ = built
    result = cal.add_workdays(start, n)
    assert result.date > start
    assert cal.is_workday(result.date)
    span = _days(start, result.date)
    assert sum(cal.is_workday(d) for d in span) == n
    assert cal.workdays_between(start, result.date) == n
    assert cal.workdays_between(result.date, start) == -n
    assert result.provisional == any(not cal.is_known(d) for d in span)


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, st.integers(min_value=0, max_value=299))
def test_more_working_days_give_a_strictly_later_deadline(
    built: tuple[WorkCalendar, dict[dt.date, bool], set[int]], start: dt.date, n: int
) -> None:
    cal, _, _ = built
    assert cal.add_workdays(start, n + 1).date > cal.add_workdays(start, n).date


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, counts, dates)
def test_declaring_a_holiday_never_brings_a_deadline_forward(
    built: tuple[WorkCalendar, dict[dt.date, bool], set[int]],
    start: dt.date,
    n: int,
    holiday: dt.date,
) -> None:
    cal, table, years = built
    before = cal.add_workdays(start, n).date
    after = WorkCalendar({**table, holiday: False}, years).add_workdays(start, n).date
    assert after >= before
    if not (start < holiday <= before) or not cal.is_workday(holiday):
        assert after == before  # a holiday outside the counted days changes nothing


@settings(max_examples=200, deadline=None)
@given(calendars(), dates)
def test_each_day_comes_from_the_table_then_the_package_then_the_weekday_rule(
    built: tuple[WorkCalendar, dict[dt.date, bool], set[int]], day: dt.date
) -> None:
    cal, table, years = built
    try:
        package: bool | None = chinese_calendar.is_workday(day)
    except NotImplementedError:
        package = None
    if day in table:
        assert cal.is_workday(day) is table[day]
    elif package is not None:
        assert cal.is_workday(day) is package
    else:
        assert cal.is_workday(day) is (day.weekday() < 5)
    assert cal.is_known(day) == (package is not None or day.year in years)


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, dates, dates)
def test_counts_between_dates_add_up(
    built: tuple[WorkCalendar, dict[dt.date, bool], set[int]],
    a: dt.date,
    b: dt.date,
    c: dt.date,
) -> None:
    cal, _, _ = built
    assert cal.workdays_between(a, c) == cal.workdays_between(a, b) + cal.workdays_between(b, c)
    low, high = min(a, b), max(a, b)
    if (high - low).days <= 400:
        assert cal.workdays_between(low, high) == sum(cal.is_workday(d) for d in _days(low, high))
