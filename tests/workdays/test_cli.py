"""`shuangsuiji deadline` and `shuangsuiji calendar import`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from shuangsuiji.cli import main
from shuangsuiji.workdays.models import CalendarDay, CalendarYear
from tests.conftest import County

pytestmark = pytest.mark.django_db

HEADER = "date,is_workday,name,source\n"
NOTICE = "国办发明电〔2026〕8号"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "节假日2027.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_deadline_prints_the_20th_working_day(capsys: Any) -> None:
    # 2026-09-25 (中秋节) → 9/28–30, 10/8–9, 10/10 Sat worked, ... 10/29 is the 20th.
    assert main(["deadline", "2026-09-25"]) == 0
    assert capsys.readouterr().out == "2026-10-29\n"
    assert main(["deadline", "2026-09-25", "--days", "5"]) == 0
    assert capsys.readouterr().out == "2026-10-09\n"


def test_a_deadline_in_an_unentered_year_is_marked_provisional(capsys: Any) -> None:
    assert main(["deadline", "2027-03-01"]) == 0
    # 2027 by the weekday rule: 3/2–5 (4), 8–12 (9), 15–19 (14), 22–26 (19), 29 (20).
    assert capsys.readouterr().out == "2027-03-29 provisional\n"
    assert main(["deadline", "2026-12-28"]) == 0
    assert capsys.readouterr().out.endswith(" provisional\n")


@pytest.mark.parametrize("bad", ["2026-13-01", "2026/09/25", "20260925", "下周一", ""])
def test_a_bad_date_exits_2_with_a_message_and_no_traceback(bad: str, capsys: Any) -> None:
    assert main(["deadline", bad]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "日期格式应为 YYYY-MM-DD" in out.err and "date must be YYYY-MM-DD" in out.err
    assert "Traceback" not in out.err


def test_bad_day_counts_and_the_end_of_time_exit_2(capsys: Any) -> None:
    assert main(["deadline", "2026-09-25", "--days", "0"]) == 2
    assert main(["deadline", "9999-12-30", "--days", "5"]) == 2
    assert "9999-12-31" in capsys.readouterr().err


def test_import_writes_a_year_and_firms_up_its_deadlines(
    county: County, tmp_path: Path, capsys: Any
) -> None:
    path = write(
        tmp_path,
        HEADER + f"2027-01-01,休息,元旦,{NOTICE}\n"
        f"2027-02-06,0,春节,{NOTICE}\n"
        f"2027-02-20,上班,春节调休上班,{NOTICE}\n"
        "2027-10-09,TRUE,国庆节调休上班,\n",
        encoding="utf-8-sig",  # as Excel saves "CSV UTF-8"
    )
    args = ["calendar", "import", str(path), "--year", "2027", "--complete"]
    assert main([*args, "--user", "sysadmin"]) == 0
    assert "已写入4天 (4 days written)" in capsys.readouterr().out
    spring = CalendarDay.objects.get(date=dt.date(2027, 2, 20))
    assert spring.is_workday and spring.name == "春节调休上班" and spring.source == NOTICE
    assert spring.updated_by == county.users["sysadmin"]
    assert CalendarYear.objects.get(year=2027).complete

    assert main(["deadline", "2026-12-28"]) == 0
    assert capsys.readouterr().out == "2027-01-26\n"

    # Importing again updates in place.
    assert main(["calendar", "import", str(path)]) == 0
    assert CalendarDay.objects.count() == 4
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 20)).updated_by is None


def test_a_gb18030_file_from_excel_for_china_is_read(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, "date,is_workday,name\r\n2027-01-01,休息,元旦\r\n", "gb18030")
    assert main(["calendar", "import", str(path)]) == 0
    assert CalendarDay.objects.get().name == "元旦"


def test_a_bad_file_writes_nothing_and_names_every_bad_cell(tmp_path: Path, capsys: Any) -> None:
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    path = write(
        tmp_path,
        HEADER + "2027-01-01,1,元旦改上班,\n"  # fine on its own
        "2027-02-30,0,春节,\n"  # row 3: no such date
        "2027-02-07,放假,春节,\n"  # row 4: unknown status word
        "2027-01-01,0,元旦,\n"  # row 5: same date as row 2
        "2028-01-01,0,元旦,\n",  # row 6: not in --year
    )
    assert main(["calendar", "import", str(path), "--year", "2027", "--complete"]) == 1
    err = capsys.readouterr().err
    assert "第3行 date 列" in err and "row 3, column date" in err
    assert "第4行 is_workday 列" in err
    assert "第5行 date 列：与第2行日期重复" in err
    assert "第6行 date 列：日期不在2027年" in err
    assert "共4处错误，未写入任何数据" in err
    day = CalendarDay.objects.get()
    assert not day.is_workday and day.name == "元旦"
    assert not CalendarYear.objects.exists()


def test_a_file_without_the_header_columns_is_rejected(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, "日期,是否上班\n2027-01-01,0\n")
    assert main(["calendar", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "第1行 日期 列：未知的列" in err and "第1行 is_workday 列：缺少此列" in err
    assert not CalendarDay.objects.exists()


def test_import_argument_errors_exit_2(county: County, tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, HEADER + "2027-01-01,0,元旦,\n")
    assert main(["calendar", "import", str(tmp_path / "missing.csv")]) == 2
    assert main(["calendar", "import", str(path), "--complete"]) == 2
    assert main(["calendar", "import", str(path), "--user", "nobody"]) == 2
    # A department admin may read the calendar but not change it.
    assert main(["calendar", "import", str(path), "--user", "wj_admin"]) == 2
    assert "无权修改" in capsys.readouterr().err
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "第1行：文件是空的"),
        ("\n\n", "第1行：文件是空的"),
        (HEADER, "第2行：没有数据行"),
        (HEADER + "2027-01-01,0,元旦,通知,多余\n", "第2行：单元格多于表头的列数"),
        (HEADER + "2027-01-01,0," + "春" * 51 + ",\n", "第2行 name 列：不能超过50个字"),
        ("date,date,is_workday,name\n", "第1行：列名重复"),
    ],
)
def test_calendar_csv_problems(text: str, problem: str) -> None:
    from shuangsuiji.workdays.cli import CalendarFileRejected, parse_calendar_csv

    with pytest.raises(CalendarFileRejected) as caught:
        parse_calendar_csv(text)
    assert problem in [str(p).split(" (")[0] for p in caught.value.problems]


def test_pasted_lines_without_a_header_are_numbered_as_pasted() -> None:
    from shuangsuiji.workdays.cli import CalendarFileRejected, parse_calendar_csv

    entries = parse_calendar_csv("2027-01-01,休息,元旦\n2027-02-20,上班", header=False)
    assert [(e.row, e.date.isoformat(), e.is_workday, e.name) for e in entries] == [
        (1, "2027-01-01", False, "元旦"),
        (2, "2027-02-20", True, ""),
    ]
    with pytest.raises(CalendarFileRejected) as caught:
        parse_calendar_csv("2027-01-01,休息,元旦\n2027-02-20,是", header=False)
    assert str(caught.value.problems[0]).startswith("第2行 is_workday 列")
