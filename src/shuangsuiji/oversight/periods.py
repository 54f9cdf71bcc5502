"""The reporting period (考核期间): a year, a quarter, a month or any from–to range of days.

A period places dated events (a draw, a result, a deadline, a follow-up's due date) in or
out of the figures; states such as "overdue" or "still open" are always as of today.
Datetime columns are compared with the local (China) midnights that bound the period, so
an event at 23:30 on 31 March counts in March wherever the server's clock runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

#: Longest range accepted (a few years of monthly trend is still a readable chart).
MAX_DAYS = 3 * 366


class PeriodError(ValueError):
    """The period asked for does not make sense (end before start, bad date …)."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str  # "year", "quarter", "month" or "range"

    @property
    def year(self) -> int:
        """The year whose item list, annual plan and planned tasks the period is judged
        against: the year of its last day."""
        return self.end.year

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Year %(year)d") % {"year": self.start.year}
        if self.kind == "quarter":
            return _("%(year)d Q%(quarter)d") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == "month":
            return _("%(year)d, month %(month)d") % {
                "year": self.start.year,
                "month": self.start.month,
            }
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[local midnight of the first day, local midnight after the last day)."""
        return local_midnight(self.start), local_midnight(self.end + dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        """First day of every month the period touches, in order."""
        out = []
        day = self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return out

    def query(self) -> dict[str, str]:
        """The GET parameters that give this period back (for links and exports)."""
        if self.kind == "year":
            return {"year": str(self.start.year)}
        if self.kind == "quarter":
            return {"year": str(self.start.year), "quarter": str((self.start.month - 1) // 3 + 1)}
        if self.kind == "month":
            return {"year": str(self.start.year), "month": str(self.start.month)}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def quarter_period(year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise PeriodError(_("A quarter is 1 to 4."))
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (first + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    return Period(first, last, "quarter")


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(_("A month is 1 to 12."))
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Period(first, last, "month")


def range_period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise PeriodError(_("The period ends before it starts."))
    if (end - start).days > MAX_DAYS:
        raise PeriodError(_("Choose a period of at most three years."))
    return Period(start, end, "range")


def _int(params: Mapping[str, str], name: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise PeriodError(_("%(name)s must be a number.") % {"name": name})
    return int(value)


def _date(params: Mapping[str, str], name: str) -> dt.date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PeriodError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from None


def parse_period(params: Mapping[str, str], today: dt.date) -> Period:
    """From GET parameters: ``from``/``to`` (a range), else ``year`` with ``month`` or
    ``quarter``, else the year alone; nothing at all means this year."""
    start, end = _date(params, "from"), _date(params, "to")
    if start or end:
        return range_period(start or dt.date(today.year, 1, 1), end or today)
    year = _int(params, "year") or today.year
    if not 2000 <= year <= 2100:
        raise PeriodError(_("Choose a year between 2000 and 2100."))
    month, quarter = _int(params, "month"), _int(params, "quarter")
    if month:
        return month_period(year, month)
    if quarter:
        return quarter_period(year, quarter)
    return year_period(year)
