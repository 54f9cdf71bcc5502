"""Deadlines around Spring Festival and National Day, checked by hand against the State
Council notices (国务院办公厅关于部分节假日安排的通知) for 2024, 2025 and 2026.

Every expected date below was counted on a paper calendar, not by the code under test.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shuangsuiji.workdays.calendar import Deadline, WorkCalendar, package_is_workday

D = dt.date
PACKAGE_ONLY = WorkCalendar({}, [])


@pytest.mark.parametrize(
    ("result_date", "days", "expected"),
    [
        # 2024 春节: 2/10 (Sat)–2/17 (Sat) off; 2/4 (Sun) and 2/18 (Sun) are workdays.
        # 2/2 Fri → 2/3 Sat off → 2/4 Sun worked: the first working day.
        (D(2024, 2, 2), 1, D(2024, 2, 4)),
        # 2/8 Thu → 2/9 Fri (除夕, officially a workday) is 1, 2/10–2/17 off, 2/18 Sun is 2.
        (D(2024, 2, 8), 2, D(2024, 2, 18)),
        # 1/31 → 2/1, 2/2, 2/4, 2/5–2/9 (8), 2/18 (9), 2/19–2/23 (14), 2/26–3/1 (19), 3/4.
        (D(2024, 1, 31), 20, D(2024, 3, 4)),
        # 2024 国庆节: 10/1–10/7 off; 9/29 (Sun) and 10/12 (Sat) are workdays.
        # 9/27 Fri → 9/29, 9/30, 10/8–10/11 (6), 10/12 Sat (7), 10/14–18 (12), 10/21–25 (17),
        # 10/28, 10/29, 10/30 (20).
        (D(2024, 9, 27), 20, D(2024, 10, 30)),
        (D(2024, 9, 27), 7, D(2024, 10, 12)),
        # 2025 春节: 1/28 (Tue)–2/4 (Tue) off; 1/26 (Sun) and 2/8 (Sat) are workdays.
        # 1/24 Fri → 1/26 (1), 1/27 (2), 2/5–2/7 (5), 2/8 Sat (6), 2/10–14 (11),
        # 2/17–21 (16), 2/24–27 (20).
        (D(2025, 1, 24), 20, D(2025, 2, 27)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        # 2025 国庆节+中秋节: 10/1–10/8 off; 9/28 (Sun) and 10/11 (Sat) are workdays.
        # 9/26 Fri → 9/28 (1), 9/29, 9/30 (3), 10/9, 10/10 (5), 10/11 Sat (6),
        # 10/13–17 (11), 10/20–24 (16), 10/27–30 (20).
        (D(2025, 9, 26), 20, D(2025, 10, 30)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        # 2026 春节: 2/15 (Sun)–2/23 (Mon) off; 2/14 (Sat) and 2/28 (Sat) are workdays.
        # 2/12 Thu → 2/13 (1), 2/14 Sat (2), 2/24–27 (6), 2/28 Sat (7), 3/2–6 (12),
        # 3/9–13 (17), 3/16, 3/17, 3/18 (20).
        (D(2026, 2, 12), 20, D(2026, 3, 18)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        # 2026 中秋节 9/25 (Fri)–9/27 off; 国庆节 10/1 (Thu)–10/7 off; 9/20 (Sun) and
        # 10/10 (Sat) are workdays.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        # 9/25 → 9/28–9/30 (3), 10/8, 10/9 (5), 10/10 Sat (6), 10/12–16 (11),
        # 10/19–23 (16), 10/26–29 (20).
        (D(2026, 9, 25), 20, D(2026, 10, 29)),
        (D(2026, 9, 25), 5, D(2026, 10, 9)),
    ],
)
def test_deadlines_around_the_great_holidays(
    result_date: dt.date, days: int, expected: dt.date
) -> None:
    assert PACKAGE_ONLY.add_workdays(result_date, days) == Deadline(expected, provisional=False)


def test_an_adjusted_weekend_workday_counts_and_a_holiday_does_not() -> None:
    assert PACKAGE_ONLY.is_workday(D(2024, 2, 4))  # Sunday, 春节调休上班
    assert PACKAGE_ONLY.is_workday(D(2025, 10, 11))  # Saturday, 国庆节调休上班
    assert PACKAGE_ONLY.is_workday(D(2026, 2, 28))  # Saturday, 春节调休上班
    assert not PACKAGE_ONLY.is_workday(D(2025, 10, 8))  # Wednesday, 中秋节
    assert not PACKAGE_ONLY.is_workday(D(2026, 2, 23))  # Monday, 春节
    assert not PACKAGE_ONLY.is_workday(D(2026, 2, 21))  # an ordinary Saturday inside 春节
    # 2/14 Sat worked: one working day between the Friday and the Saturday.
    assert PACKAGE_ONLY.workdays_between(D(2026, 2, 13), D(2026, 2, 14)) == 1
    # Nine days off from 2/15 to 2/23: none counted.
    assert PACKAGE_ONLY.workdays_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


def test_the_2026_package_data_matches_the_state_council_notice() -> None:
    # 国办发明电〔2025〕7号, as published: every holiday and adjusted workday of 2026.
    off = {
        "元旦": [D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3)],
        "春节": [D(2026, 2, d) for d in range(15, 24)],
        "清明节": [D(2026, 4, 4), D(2026, 4, 5), D(2026, 4, 6)],
        "劳动节": [D(2026, 5, d) for d in range(1, 6)],
        "端午节": [D(2026, 6, 19), D(2026, 6, 20), D(2026, 6, 21)],
        "中秋节": [D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27)],
        "国庆节": [D(2026, 10, d) for d in range(1, 8)],
    }
    worked = [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    holidays = {d for days in off.values() for d in days}
    for day in (D(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)):
        expected = day in worked or (day.weekday() < 5 and day not in holidays)
        assert PACKAGE_ONLY.is_workday(day) is expected, day
        assert chinese_calendar.is_workday(day) is expected, day


def test_dates_beyond_the_package_are_provisional_weekday_counts() -> None:
    # 2026-12-28 Mon → 12/29–12/31 (3), then 2027 by the weekday rule: 1/1 Fri (4),
    # 1/4–8 (9), 1/11–15 (14), 1/18–22 (19), 1/25 Mon (20).
    assert PACKAGE_ONLY.add_workdays(D(2026, 12, 28), 20) == Deadline(D(2027, 1, 25), True)
    assert not PACKAGE_ONLY.is_known(D(2027, 1, 1))
    assert PACKAGE_ONLY.is_known(D(2026, 12, 31))
    assert package_is_workday(D(2027, 1, 1)) is None
    # Three known days and no unknown one examined: firm.
    assert PACKAGE_ONLY.add_workdays(D(2026, 12, 28), 3) == Deadline(D(2026, 12, 31), False)


def test_overrides_win_over_the_package_and_complete_years_are_known() -> None:
    cal = WorkCalendar(
        {D(2027, 1, 1): False, D(2026, 10, 10): False, D(2026, 10, 1): True},
        complete_years=[2027],
    )
    assert not cal.is_workday(D(2026, 10, 10))
    assert cal.is_workday(D(2026, 10, 1))
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.is_known(D(2027, 6, 1)) and not cal.is_known(D(2028, 1, 3))
    # As above but 1/1 off: 1/26 is the 20th, and firm.
    assert cal.add_workdays(D(2026, 12, 28), 20) == Deadline(D(2027, 1, 26), False)


def test_n_zero_is_the_start_and_bad_n_is_refused() -> None:
    assert PACKAGE_ONLY.add_workdays(D(2026, 10, 3), 0) == Deadline(D(2026, 10, 3), False)
    with pytest.raises(ValueError, match="negative"):
        PACKAGE_ONLY.add_workdays(D(2026, 10, 3), -1)
    with pytest.raises(TypeError):
        PACKAGE_ONLY.add_workdays(D(2026, 10, 3), 2.5)  # type: ignore[arg-type]


def test_the_ends_of_the_date_range_give_clear_errors_not_crashes() -> None:
    with pytest.raises(ValueError, match="beyond 9999-12-31"):
        PACKAGE_ONLY.add_workdays(dt.date.max, 1)
    with pytest.raises(ValueError, match="beyond 9999-12-31"):
        PACKAGE_ONLY.add_workdays(D(9999, 12, 27), 5)  # a Monday; only four weekdays left
    assert PACKAGE_ONLY.add_workdays(D(9999, 12, 27), 4) == Deadline(D(9999, 12, 31), True)
    assert PACKAGE_ONLY.add_workdays(dt.date.min, 1) == Deadline(D(1, 1, 2), True)
    assert PACKAGE_ONLY.workdays_between(dt.date.min, dt.date.min) == 0


def test_long_spans_are_fast_and_consistent() -> None:
    # 0001-01-01 is a Monday; 5 of every 7 days are weekdays, corrected for the package.
    span = PACKAGE_ONLY.workdays_between(dt.date.min, dt.date.max)
    assert 0.71 < span / (dt.date.max - dt.date.min).days < 0.72
    far = PACKAGE_ONLY.add_workdays(dt.date.min, span)
    assert far == Deadline(dt.date.max, provisional=True)  # 9999-12-31 is a Friday
    assert PACKAGE_ONLY.workdays_between(D(2026, 10, 29), D(2026, 9, 25)) == -20


def test_datetimes_are_taken_as_their_date() -> None:
    moment = dt.datetime(2026, 2, 14, 9, 30)
    assert PACKAGE_ONLY.is_workday(moment)
    assert WorkCalendar({moment: False}, []).is_workday(D(2026, 2, 14)) is False
