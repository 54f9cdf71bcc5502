"""Files exchanged with the national platform (R14): published results and drawn lists out,
market entities in.  The column layouts are documented in ``docs/api.md``; the headers are
the platform's Chinese ones and their order is fixed.

Out: ``.xlsx`` (one sheet, header in row 1, dates as date cells, codes as text) or
``.csv`` (UTF-8 with BOM, so Excel and WPS open the Chinese text, CRLF line ends).
In: the platform's market-entity export, read by the directory's import engine as the
``national_entities`` variant of the target import (``directory.tabular.national``).

The layouts and writers are pure functions of rows; only the ``*_rows`` selectors and
:func:`import_entities` touch the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone

from shuangsuiji.directory.tabular import (
    ImportOutcome,
    ImportRejected,
    import_file,
    preview_file,
)
from shuangsuiji.directory.tabular.cells import normalize_header
from shuangsuiji.directory.tabular.national import NATIONAL_ENTITIES
from shuangsuiji.directory.tabular.reader import open_table
from shuangsuiji.organizations.models import Department
from shuangsuiji.organizations.policy import AnyUser
from shuangsuiji.results.models import Publication
from shuangsuiji.tasks.models import Draw, DrawnTarget, TaskKind

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMPORT_KIND = "national_entities"


@dataclass(frozen=True)
class ExportColumn:
    header: str  # the platform's header
    en: str  # for the documentation
    value: Callable[[dict[str, Any]], Any]


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _get(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[key]


#: 检查结果公示: one row per published result.
RESULT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("统一社会信用代码", "unified social credit code", _get("credit_code")),
    ExportColumn("企业名称", "entity name", _get("target_name")),
    ExportColumn("任务编号", "task number", _get("task_number")),
    ExportColumn("任务名称", "task name", _get("task_name")),
    ExportColumn("检查机关", "inspecting department(s), 、-separated", _get("department_name")),
    ExportColumn("检查事项", "items inspected, 、-separated", _get("item_names")),
    ExportColumn("检查日期", "inspection date", _get("inspection_date")),
    ExportColumn("完成日期", "result date", _get("result_date")),
    ExportColumn("检查结果", "result category", _get("category_name")),
    ExportColumn("拒绝检查", "refused to be inspected (是/否)", lambda r: _yes_no(r["refused"])),
    ExportColumn("检查情况", "findings as published", _get("public_text")),
    ExportColumn("公示日期", "publication date", _get("published_on")),
)

#: 抽取名单: one row per drawn target of each live draw, in dispatch order.
DRAW_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("任务编号", "task number", _get("task_number")),
    ExportColumn("任务名称", "task name", _get("task_name")),
    ExportColumn("检查机关", "department running the task", _get("department_name")),
    ExportColumn("抽取日期", "draw date", _get("drawn_on")),
    ExportColumn("抽取序号", "position in the drawn list", _get("position")),
    ExportColumn("统一社会信用代码", "unified social credit code", _get("credit_code")),
    ExportColumn("企业名称", "entity name", _get("name")),
    ExportColumn("抽取分层", "stratum (credit risk class at the freeze)", _get("stratum")),
    ExportColumn("摇号批次", "draw sequence (2 and up: a published redraw)", _get("sequence")),
    ExportColumn("随机种子", "seed of the draw (for shuangsuiji verify)", _get("seed")),
)


# --- selectors ------------------------------------------------------------------------------


def _in_period(
    qs: QuerySet[Any], field: str, start: dt.date | None, end: dt.date | None
) -> QuerySet[Any]:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def result_rows(
    publications: QuerySet[Publication],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department: Department | None = None,
) -> Iterator[dict[str, Any]]:
    """Published results (their frozen public copy) in order of publication."""
    qs = _in_period(publications, "published_on", start, end)
    if department is not None:
        qs = qs.filter(department_name__contains=department.name)
    for p in qs.order_by("published_on", "pk").iterator(chunk_size=2000):
        yield {
            "credit_code": p.credit_code,
            "target_name": p.target_name,
            "task_number": p.task_number,
            "task_name": p.task_name,
            "department_name": p.department_name,
            "item_names": "、".join(
                dict.fromkeys(str(i.get("name", "")) for i in p.items or [] if isinstance(i, dict))
            ),
            "inspection_date": p.inspection_date,
            "result_date": p.result_date,
            "category_name": p.category_name,
            "refused": p.refused,
            "public_text": p.public_text,
            "published_on": p.published_on,
        }


def draw_rows(
    draws: QuerySet[Draw],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department: Department | None = None,
    task_id: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The drawn lists of the live draws of random tasks (a redraw replaces its draw)."""
    live = draws.filter(superseded=False, task__kind=TaskKind.RANDOM)
    if department is not None:
        live = live.filter(task__department=department)
    if task_id is not None:
        live = live.filter(task_id=task_id)
    if start is not None:
        live = live.filter(drawn_at__gte=_start_of(start))
    if end is not None:
        live = live.filter(drawn_at__lt=_start_of(end + dt.timedelta(days=1)))
    rows = (
        DrawnTarget.objects.filter(draw__in=live.values("pk"))
        .select_related("draw__task__department", "target")
        .order_by("draw__drawn_at", "draw__task__number", "position")
    )
    for d in rows.iterator(chunk_size=2000):
        draw = d.draw
        yield {
            "task_number": draw.task.number,
            "task_name": draw.task.name,
            "department_name": draw.task.department.name,
            "drawn_on": timezone.localdate(draw.drawn_at),
            "position": d.position,
            "credit_code": d.target.credit_code,
            "name": d.target.name,
            "stratum": d.stratum,
            "sequence": draw.sequence,
            "seed": draw.seed,
        }


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- writers --------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_csv(
    columns: Iterable[ExportColumn], rows: Iterable[dict[str, Any]], out: IO[bytes]
) -> int:
    columns = list(columns)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    n = 0
    for row in rows:
        writer.writerow(
            [v.isoformat() if isinstance(v, dt.date) else _cell(v) for v in
             (c.value(row) for c in columns)]
        )  # fmt: skip
        n += 1
    text.flush()
    text.detach()  # the caller owns ``out``
    return n


def write_xlsx(
    columns: Iterable[ExportColumn], rows: Iterable[dict[str, Any]], out: IO[bytes], title: str
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    columns = list(columns)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append([c.header for c in columns])
    n = 0
    for row in rows:
        cells = []
        for c in columns:
            value = _cell(c.value(row))
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.number_format = "@"  # text: codes keep their leading zeros
            cells.append(cell)
        ws.append(cells)
        n += 1
    wb.save(out)
    return n


def write_export(
    columns: tuple[ExportColumn, ...],
    rows: Iterable[dict[str, Any]],
    out: IO[bytes],
    *,
    fmt: str,
    title: str,
) -> int:
    """Write one export; returns the number of data rows."""
    if fmt == "csv":
        return write_csv(columns, rows, out)
    if fmt == "xlsx":
        return write_xlsx(columns, rows, out, title)
    raise ValueError(f"unknown format {fmt!r}")


RESULTS_TITLE = "检查结果公示"
DRAWS_TITLE = "抽取名单"


def export_filename(kind: str, fmt: str, start: dt.date | None, end: dt.date | None) -> str:
    period = "-".join(d.strftime("%Y%m%d") for d in (start, end) if d is not None)
    return f"shuangsuiji-{kind}{'-' + period if period else ''}.{fmt}"


# --- import ---------------------------------------------------------------------------------


@dataclass
class EntityImport:
    outcome: ImportOutcome
    ignored_columns: list[str]


def ignored_columns(path: Path, file_name: str | None = None) -> list[str]:
    """The file's headers that map to no column of the register (listed in the report)."""
    table = open_table(path, NATIONAL_ENTITIES, file_name=file_name)
    try:
        known = {key for col in NATIONAL_ENTITIES.columns for key in col.header_keys()}
        return [h for h in table.headers if h and normalize_header(h) not in known]
    finally:
        table.close()


def import_entities(
    *, path: Path, actor: AnyUser, dry_run: bool = False, file_name: str | None = None
) -> EntityImport:
    """Check the whole file and (unless ``dry_run``) import it in one transaction.  Raises
    :class:`~shuangsuiji.directory.tabular.ImportRejected` with every problem, having
    written nothing, when any row has an error; ``UnreadableFile`` for a file that is
    not a table; ``NotAllowed`` for an account that may not change the register."""
    if dry_run:
        outcome = preview_file(kind=IMPORT_KIND, path=path, actor=actor, file_name=file_name)
        if not outcome.ok:
            raise ImportRejected(outcome.problems)
    else:
        outcome = import_file(kind=IMPORT_KIND, path=path, actor=actor, file_name=file_name)
    return EntityImport(outcome, ignored_columns(path, file_name))
