"""The admin's table through the database: next year's holidays change deadlines, and
``calendar_changed`` tells listeners which years changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from shuangsuiji.workdays.calendar import Deadline, deadline, load_calendar
from shuangsuiji.workdays.models import CalendarDay, CalendarYear
from shuangsuiji.workdays.signals import batched_changes, calendar_changed

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def heard() -> Iterator[list[tuple[Any, set[int]]]]:
    calls: list[tuple[Any, set[int]]] = []

    def receiver(sender: Any, *, years: set[int], **kwargs: Any) -> None:
        calls.append((sender, years))

    calendar_changed.connect(receiver, dispatch_uid="tests.workdays.heard")
    yield calls
    calendar_changed.disconnect(dispatch_uid="tests.workdays.heard")


def test_entering_next_years_holidays_firms_up_a_provisional_deadline() -> None:
    # 2026-12-28 Mon: 12/29–31 known, then 2027 by the weekday rule (1/1 Fri counted).
    assert deadline(D(2026, 12, 28)) == Deadline(D(2027, 1, 25), provisional=True)

    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    # Still provisional: nobody said 2027 is complete; 1/1 no longer counts.
    assert deadline(D(2026, 12, 28)) == Deadline(D(2027, 1, 26), provisional=True)

    CalendarYear.objects.create(year=2027, complete=True)
    assert deadline(D(2026, 12, 28)) == Deadline(D(2027, 1, 26), provisional=False)
    cal = load_calendar()
    assert cal.is_known(D(2027, 12, 31)) and not cal.is_known(D(2028, 1, 3))
    assert not cal.is_workday(D(2027, 1, 1))


def test_a_year_marked_incomplete_is_provisional_again() -> None:
    CalendarYear.objects.create(year=2027, complete=False)
    assert deadline(D(2026, 12, 28)).provisional


def test_an_entry_overrides_the_package_for_its_date() -> None:
    # Suppose a corrected notice moved 2026-10-10 (Sat) back to a day off.
    CalendarDay.objects.create(date=D(2026, 10, 10), is_workday=False, name="国庆节")
    # 9/25 → 9/28–30 (3), 10/8, 10/9 (5), 10/12–16 (10), 10/19–23 (15), 10/26–30 (20).
    assert deadline(D(2026, 9, 25)) == Deadline(D(2026, 10, 30), provisional=False)
    assert deadline(D(2026, 9, 25), days=5) == Deadline(D(2026, 10, 9), provisional=False)


def test_load_calendar_reads_each_table_once(django_assert_num_queries: Any) -> None:
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, complete=True)
    with django_assert_num_queries(2):
        load_calendar()


def test_saving_and_deleting_days_and_years_names_the_years(
    heard: list[tuple[Any, set[int]]],
) -> None:
    day = CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    assert heard == [(CalendarDay, {2027})]
    heard.clear()

    day.name = "元旦节"
    day.save()
    assert heard == [(CalendarDay, {2027})]
    heard.clear()

    # Moving an entry to another year changes both years.
    day = CalendarDay.objects.get(pk=day.pk)
    day.date = D(2028, 1, 1)
    day.save()
    assert heard == [(CalendarDay, {2027, 2028})]
    heard.clear()
    day.save()
    assert heard == [(CalendarDay, {2028})]
    heard.clear()

    day.delete()
    assert heard == [(CalendarDay, {2028})]
    heard.clear()

    year = CalendarYear.objects.create(year=2027, complete=True)
    assert heard == [(CalendarDay, {2027})]
    heard.clear()
    CalendarYear.objects.get(pk=year.pk).delete()
    assert heard == [(CalendarDay, {2027})]


def test_a_batch_sends_one_signal_for_all_its_years(heard: list[tuple[Any, set[int]]]) -> None:
    with batched_changes():
        CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
        CalendarDay.objects.create(date=D(2027, 2, 6), is_workday=False, name="春节")
        with batched_changes():
            CalendarYear.objects.create(year=2028, complete=False)
        assert heard == []
    assert heard == [(CalendarDay, {2027, 2028})]


def test_a_failed_batch_sends_nothing(heard: list[tuple[Any, set[int]]]) -> None:
    with pytest.raises(RuntimeError), batched_changes():
        CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
        raise RuntimeError("rolled back")
    assert heard == []


def test_a_queryset_delete_still_tells_listeners(heard: list[tuple[Any, set[int]]]) -> None:
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    CalendarDay.objects.create(date=D(2028, 1, 1), is_workday=False, name="元旦")
    heard.clear()
    CalendarDay.objects.all().delete()
    assert sorted(y for _, years in heard for y in years) == [2027, 2028]


def test_strings_name_the_day() -> None:
    day = CalendarDay(date=D(2027, 2, 20), is_workday=True, name="春节调休上班")
    assert str(day).startswith("2027-02-20 ") and str(day).endswith(" 春节调休上班")
    assert str(CalendarYear(year=2027)) == "2027"
