"""`shuangsuiji deadline` and `shuangsuiji calendar import`, and the calendar CSV format.

    shuangsuiji deadline DATE [--days N]
    shuangsuiji calendar import FILE.csv [--year Y [--complete]] [--user NAME]

``deadline`` prints the publication deadline (the N-th working day after DATE, default 20)
in ISO form, followed by `` provisional`` when it rests on a year nobody has entered.

The CSV has the header ``date,is_workday,name[,source]`` and one row per date that departs
from the package or the weekday rule: holidays (is_workday 0/false/休息) and adjusted
weekend workdays (1/true/上班).  The whole file is checked first; any bad row and nothing is
written.  The reader and writer live here rather than in a services module because this
command and the admin's paste box are their only users.

Exit status: 0 done, 1 the file has errors (each listed with row and column), 2 bad
arguments or an unreadable file.  Importing this module must not import Django: the
lottery commands run without it.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLUMNS = ("date", "is_workday", "name", "source")
REQUIRED_COLUMNS = ("date", "is_workday", "name")
WORKDAY_WORDS = {"1": True, "true": True, "上班": True, "0": False, "false": False, "休息": False}
NAME_MAX, SOURCE_MAX = 50, 100  # the model's max_length
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DayEntry:
    row: int
    date: dt.date
    is_workday: bool
    name: str
    source: str


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        if self.column is None:
            return f"第{self.row}行：{self.zh} (row {self.row}: {self.en})"
        return (
            f"第{self.row}行 {self.column} 列：{self.zh} "
            f"(row {self.row}, column {self.column}: {self.en})"
        )


class CalendarFileRejected(Exception):
    """The file has errors; ``problems`` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_date(text: str) -> dt.date:
    """A strict YYYY-MM-DD date (``fromisoformat`` alone would also take 20260101)."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 as Excel for China writes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_calendar_csv(
    text: str, *, year: int | None = None, header: bool = True
) -> list[DayEntry]:
    """Every row of a calendar CSV, or :class:`CalendarFileRejected` naming every bad cell.

    ``year``: when given, every date must lie in it.  Row numbers are line numbers, the
    header being row 1, as a spreadsheet shows them.  ``header=False``: there is none, the
    columns are date,is_workday,name,source (pasted lines in the admin).
    """
    problems: list[RowProblem] = []
    records = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text)), 1)]
    records = [(n, row) for n, row in records if any(cell.strip() for cell in row)]
    if not header:
        records.insert(0, (0, list(COLUMNS)))
    if len(records) == (0 if header else 1):
        raise CalendarFileRejected([RowProblem(1, None, "文件是空的", "the file is empty")])
    header_row, header_cells = records[0]
    columns = [cell.strip().lower() for cell in header_cells]
    for name in columns:
        if name not in COLUMNS:
            problems.append(
                RowProblem(header_row, name, "未知的列", f"unknown column; use {','.join(COLUMNS)}")
            )
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(RowProblem(header_row, name, "缺少此列", "this column is missing"))
    if len(set(columns)) != len(columns):
        problems.append(RowProblem(header_row, None, "列名重复", "a column appears twice"))
    if problems:
        raise CalendarFileRejected(problems)

    entries: list[DayEntry] = []
    first_row_of: dict[dt.date, int] = {}
    for number, row in records[1:]:
        if len(row) > len(columns):
            problems.append(
                RowProblem(number, None, "单元格多于表头的列数", "more cells than header columns")
            )
            continue
        cells = dict(zip(columns, (cell.strip() for cell in row), strict=False))
        day = _parse_day(number, cells.get("date", ""), year, first_row_of, problems)
        workday = WORKDAY_WORDS.get(cells.get("is_workday", "").lower())
        if workday is None:
            problems.append(
                RowProblem(
                    number,
                    "is_workday",
                    "应为 1/0/true/false/上班/休息",
                    "expected 1/0/true/false/上班/休息",
                )
            )
        name, source = cells.get("name", ""), cells.get("source", "")
        for column, value, limit in (("name", name, NAME_MAX), ("source", source, SOURCE_MAX)):
            if len(value) > limit:
                problems.append(
                    RowProblem(
                        number, column, f"不能超过{limit}个字", f"at most {limit} characters"
                    )
                )
        if day is not None and workday is not None:
            entries.append(DayEntry(number, day, workday, name, source))
    if not problems and not entries:
        problems.append(RowProblem(header_row + 1, None, "没有数据行", "no data rows"))
    if problems:
        raise CalendarFileRejected(problems)
    return entries


def _parse_day(
    number: int,
    text: str,
    year: int | None,
    first_row_of: dict[dt.date, int],
    problems: list[RowProblem],
) -> dt.date | None:
    try:
        day = parse_date(text)
    except ValueError:
        problems.append(
            RowProblem(
                number,
                "date",
                f"日期格式应为 YYYY-MM-DD，实为“{text}”",
                f"date must be a valid YYYY-MM-DD, got {text!r}",
            )
        )
        return None
    if year is not None and day.year != year:
        problems.append(
            RowProblem(number, "date", f"日期不在{year}年", f"date is not in the year {year}")
        )
        return None
    if day in first_row_of:
        first = first_row_of[day]
        problems.append(
            RowProblem(number, "date", f"与第{first}行日期重复", f"same date as row {first}")
        )
        return None
    first_row_of[day] = number
    return day


def save_calendar_days(
    entries: list[DayEntry], *, actor: Any, complete_year: int | None = None
) -> int:
    """Write (insert or update by date) every entry in one transaction; return how many.

    ``complete_year``: also mark that year as completely entered.  Listeners hear one
    ``calendar_changed`` for the whole import.
    """
    from django.db import transaction

    from .models import CalendarDay, CalendarYear
    from .signals import batched_changes

    with transaction.atomic(), batched_changes():
        existing = {
            day.date: day
            for day in CalendarDay.objects.select_for_update().filter(
                date__in=[e.date for e in entries]
            )
        }
        for entry in entries:
            day = existing.get(entry.date) or CalendarDay(date=entry.date)
            day.is_workday = entry.is_workday
            day.name = entry.name
            day.source = entry.source
            day.updated_by = actor
            day.save()
        if complete_year is not None:
            CalendarYear.objects.update_or_create(
                year=complete_year, defaults={"complete": True, "updated_by": actor}
            )
    return len(entries)


def _default_django_setup() -> None:
    from shuangsuiji.cli import _django_setup

    _django_setup()


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    django_setup: Callable[[], None] | None = None,
) -> None:
    """Add ``deadline`` and ``calendar``.  ``django_setup`` runs before either command."""
    setup = django_setup or _default_django_setup

    dl = sub.add_parser(
        "deadline",
        help="the publication deadline: N working days after a result date",
        description="Print the N-th Chinese working day after DATE (DATE itself not counted), "
        "using chinesecalendar and the admin's holiday table.  ' provisional' follows the date "
        "when it rests on a year whose holidays nobody has entered.",
    )
    dl.add_argument("date", metavar="DATE", help="result date, YYYY-MM-DD")
    dl.add_argument("--days", type=int, default=20, help="working days (default 20)")
    dl.set_defaults(func=lambda args: _run_deadline(args, setup))

    cal = sub.add_parser(
        "calendar", help="working-day calendar tools", description="Working-day calendar tools."
    )
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="ACTION")
    cal_sub.required = True
    imp = cal_sub.add_parser(
        "import",
        help="load holidays and adjusted workdays from a CSV file",
        description="Load a CSV with the header date,is_workday,name[,source] into the "
        "holiday table (insert or update by date), all or nothing.  Exit 1 listing every "
        "bad cell with nothing written; exit 2 if the file cannot be read.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--year", type=int, help="every date must lie in this year")
    imp.add_argument(
        "--complete",
        action="store_true",
        help="also mark --year as completely entered (its deadlines are then not provisional)",
    )
    imp.add_argument("--user", help="record this user as the editor")
    imp.set_defaults(func=lambda args: _run_import(args, setup))


def _error(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _run_deadline(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    try:
        start = parse_date(args.date)
    except ValueError:
        return _error(
            f"日期格式应为 YYYY-MM-DD，实为“{args.date}” "
            f"(date must be YYYY-MM-DD, got {args.date!r})"
        )
    if args.days < 1:
        return _error(f"--days 应为正整数 (--days must be at least 1, got {args.days})")
    django_setup()
    from django.db import DatabaseError

    from .calendar import load_calendar

    try:
        calendar = load_calendar()
    except DatabaseError as exc:
        return _error(
            f"无法读取工作日日历，请先运行 shuangsuiji manage migrate "
            f"(cannot read the working-day calendar: {exc})"
        )
    try:
        result = calendar.add_workdays(start, args.days)
    except ValueError:
        return _error(f"截止日期超出可表示的范围 (the deadline is beyond {dt.date.max})")
    suffix = " provisional" if result.provisional else ""
    print(f"{result.date.isoformat()}{suffix}")
    return 0


def _run_import(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    if args.complete and args.year is None:
        return _error("--complete 需要同时给出 --year (--complete needs --year)")
    if args.year is not None and not 1 <= args.year <= 9999:
        return _error(f"年份无效 (invalid year {args.year})")
    try:
        text = decode_csv(args.file.read_bytes())
    except OSError as exc:
        return _error(f"无法读取文件 {args.file} (cannot read the file: {exc.strerror})")
    except UnicodeDecodeError:
        return _error(f"无法识别文件编码 {args.file} (not UTF-8 or GB18030 text)")
    try:
        entries = parse_calendar_csv(text, year=args.year)
    except CalendarFileRejected as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        n = len(exc.problems)
        print(f"共{n}处错误，未写入任何数据 ({n} errors, nothing written)", file=sys.stderr)
        return 1

    django_setup()
    from django.db import DatabaseError

    from shuangsuiji.organizations import policy
    from shuangsuiji.organizations.models import User
    from shuangsuiji.organizations.policy import Action

    from .models import CalendarDay

    actor = None
    if args.user:
        actor = User.objects.filter(username=args.user, is_active=True).first()
        if actor is None:
            return _error(f"没有这个用户 {args.user} (no active user {args.user!r})")
        if not policy.user_has_permission(actor, Action.CHANGE, CalendarDay):
            return _error(f"{args.user} 无权修改工作日日历 (may not change the calendar)")
    try:
        written = save_calendar_days(
            entries, actor=actor, complete_year=args.year if args.complete else None
        )
    except DatabaseError as exc:
        return _error(f"写入失败，未写入任何数据 (database error, nothing written: {exc})")
    done = f"已写入{written}天 ({written} days written)"
    if args.complete:
        done += f"；{args.year}年已标记为完整录入 (year {args.year} marked complete)"
    print(done)
    return 0
