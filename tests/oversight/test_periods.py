"""The reporting period: what the picker's parameters mean, and its China-time bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from shuangsuiji.oversight.periods import PeriodError, parse_period

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    "params,start,end,kind",
    [
        ({}, "2026-01-01", "2026-12-31", "year"),
        ({"year": "2025"}, "2025-01-01", "2025-12-31", "year"),
        ({"year": "2026", "quarter": "1"}, "2026-01-01", "2026-03-31", "quarter"),
        ({"year": "2024", "quarter": "4"}, "2024-10-01", "2024-12-31", "quarter"),
        ({"year": "2024", "month": "2"}, "2024-02-01", "2024-02-29", "month"),
        # A month wins over a quarter; a range over both.
        ({"year": "2026", "quarter": "1", "month": "6"}, "2026-06-01", "2026-06-30", "month"),
        ({"year": "2020", "from": "2026-03-15", "to": "2026-04-20"}, "2026-03-15", "2026-04-20",
         "range"),
        ({"from": "2026-06-01"}, "2026-06-01", "2026-11-30", "range"),
    ],
)  # fmt: skip
def test_parameters_give_the_period(
    params: dict[str, str], start: str, end: str, kind: str
) -> None:
    period = parse_period(params, TODAY)
    assert (period.start.isoformat(), period.end.isoformat(), period.kind) == (start, end, kind)
    # The parameters of a period give it back.
    assert parse_period(period.query(), TODAY) == period


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-06-30", "to": "2026-06-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"year": "abc"},
        {"year": "1999"},
        {"year": "2026", "quarter": "5"},
        {"year": "2026", "month": "13"},
        {"from": "2026-02-30"},
    ],
)
def test_nonsense_is_refused(params: dict[str, str]) -> None:
    with pytest.raises(PeriodError):
        parse_period(params, TODAY)


def test_bounds_are_china_midnights_and_months_cover_the_period() -> None:
    period = parse_period({"from": "2026-01-20", "to": "2026-03-02"}, TODAY)
    lo, hi = period.bounds()
    assert lo.isoformat() == "2026-01-20T00:00:00+08:00"
    assert hi.isoformat() == "2026-03-03T00:00:00+08:00"
    assert [m.month for m in period.months()] == [1, 2, 3]
    assert period.year == 2026
