"""Publication deadlines: the 20th working day after the result date (R8).

Stored on each result so that overdue lists are one indexed query; recomputed for every
unpublished result when an administrator edits the holiday calendar (a deadline that was
provisional because next year's holidays were unknown becomes firm, and may move).
Published results keep theirs: whether they were late was decided when they went out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuangsuiji.workdays.calendar import Deadline, WorkCalendar, load_calendar

from ..models import PUBLICATION_WORKING_DAYS, Result, ResultStatus


def publication_deadline(result_date: dt.date, calendar: WorkCalendar | None = None) -> Deadline:
    cal = calendar or load_calendar()
    return cal.add_workdays(result_date, PUBLICATION_WORKING_DAYS)


def recompute_deadlines(earliest_year: int | None = None) -> int:
    """Recompute stored deadlines of unpublished results; returns how many changed."""
    cal = load_calendar()
    qs = Result.objects.exclude(status__in=[ResultStatus.PUBLISHED, ResultStatus.APPROVED])
    if earliest_year is not None:
        # A deadline reaches at most a few weeks into the next year.
        qs = qs.filter(result_date__gte=dt.date(earliest_year - 1, 1, 1))
    changed = []
    for result in qs.only("pk", "result_date", "deadline", "deadline_provisional").iterator():
        d = cal.add_workdays(result.result_date, PUBLICATION_WORKING_DAYS)
        if (d.date, d.provisional) != (result.deadline, result.deadline_provisional):
            result.deadline, result.deadline_provisional = d.date, d.provisional
            changed.append(result)
    Result.objects.bulk_update(changed, ["deadline", "deadline_provisional"], batch_size=500)
    return len(changed)


def on_calendar_changed(sender: Any, years: set[int] | None = None, **_: Any) -> None:
    recompute_deadlines(min(years) if years else None)
