"""Export and blank templates in the import layout: the same headers, so an export can be
edited and imported again.  .xlsx through openpyxl's write-only mode (streams, constant
memory); .csv as UTF-8 with a BOM so Excel and WPS open the Chinese text correctly."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet

from .kinds import Column, ImportContext, KindSpec, date_value, load_context

ProgressFn = Callable[[int, int | None], None]


def _columns(spec: KindSpec) -> list[Column]:
    return list(spec.columns)


def _rows(
    spec: KindSpec, qs: QuerySet[Any], ctx: ImportContext, *, for_csv: bool
) -> Iterator[list[Any]]:
    cols = _columns(spec)
    fields = [c.field for c in cols]
    for values in qs.values_list(*fields).iterator(chunk_size=5_000):
        row: list[Any] = []
        for col, value in zip(cols, values, strict=True):
            if value is None:
                row.append("")
                continue
            if col.render is not None:
                value = col.render(value, ctx)
            if for_csv and isinstance(value, dt.date):
                value = value.isoformat()
            row.append(value)
        yield row


def export_queryset(
    spec: KindSpec,
    qs: QuerySet[Any],
    target: IO[bytes] | Path,
    *,
    fmt: str,
    actor: Any,
    progress: ProgressFn | None = None,
) -> int:
    """Write ``qs`` (already filtered by the data-scope policy) in the import layout."""
    ctx = load_context(actor)
    qs = qs.order_by("pk")
    total = qs.count() if progress else None
    rows = _counted(_rows(spec, qs, ctx, for_csv=fmt == "csv"), progress, total)
    return write_table(spec, rows, target, fmt=fmt)


def _counted(
    rows: Iterable[list[Any]], progress: ProgressFn | None, total: int | None
) -> Iterator[list[Any]]:
    for n, row in enumerate(rows, start=1):
        if progress is not None and n % 2_000 == 0:
            progress(n, total)
        yield row
    if progress is not None:
        progress(total or 0, total)


def write_table(
    spec: KindSpec, rows: Iterable[list[Any]], target: IO[bytes] | Path, *, fmt: str
) -> int:
    headers = [c.header for c in _columns(spec)]
    count = 0
    if fmt == "csv":
        own = isinstance(target, Path)
        raw: IO[bytes] = target.open("wb") if isinstance(target, Path) else target
        try:
            raw.write("\ufeff".encode())
            text = _TextOut(raw)
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(headers)
            for row in rows:
                writer.writerow(row)
                count += 1
            text.flush()
        finally:
            if own:
                raw.close()
        return count
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.sheet_title)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    date_cols = [i for i, c in enumerate(_columns(spec)) if c.parse is date_value]
    for row in rows:
        for i in date_cols:
            if isinstance(row[i], dt.date):
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = "yyyy-mm-dd"
                row[i] = cell
        ws.append(row)
        count += 1
    _notes_sheet(wb, spec)
    wb.save(target)
    return count


def _notes_sheet(wb: Any, spec: KindSpec) -> None:
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明", "示例"])
    for c in spec.columns:
        required = "必填" if c.required_cell else ("必须有此列" if c.required_column else "选填")
        example = c.example.isoformat() if isinstance(c.example, dt.date) else c.example
        notes.append([c.header, required, c.hint, example])
    notes.append([])
    notes.append(["第一张工作表为数据表；表头上方可以有标题行，空行会被跳过。"])
    notes.append(
        [
            "按自然键更新："
            + "、".join(
                spec.column(k).header
                for k in spec.key_fields
                if any(col.field == k for col in spec.columns)
            )
            + "相同的行会被更新，其余新增。"
        ]
    )


def write_template(spec: KindSpec, target: IO[bytes] | Path, *, fmt: str) -> None:
    """An empty file with the headers (and, in .xlsx, a sheet of notes)."""
    write_table(spec, [], target, fmt=fmt)


class _TextOut:
    """A minimal text sink over a binary stream for csv.writer (UTF-8)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.parts: list[str] = []
        self.size = 0

    def write(self, s: str) -> int:
        self.parts.append(s)
        self.size += len(s)
        if self.size > 1 << 16:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self.parts:
            self.raw.write("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0
