"""Reading .xlsx (openpyxl, read-only, streaming) and .csv (UTF-8 with or without BOM,
GB18030 as Excel for China saves it, UTF-16 "Unicode text") into rows of cells, and finding
the header row below any title rows.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .cells import is_blank, normalize_header
from .kinds import KindSpec
from .problems import UnreadableFile

#: Title rows, notes and blank rows above the header: how far down to look for it.
HEADER_SEARCH_ROWS = 30
_SNIFF_BYTES = 1 << 16

Row = Sequence[Any]


@dataclass
class Table:
    file_name: str
    sha256: str
    header_row: int | None  # 1-based; None when no header was found
    headers: list[str]  # as written in the file
    rows: Iterator[tuple[int, Row]]  # data rows after the header, blank rows skipped
    total_rows: int | None  # an estimate for progress, None if unknown
    _closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for c in self._closers:
            c.close()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def open_table(path: Path, spec: KindSpec, *, file_name: str | None = None) -> Table:
    """Open ``path`` (format from the extension of ``file_name`` or ``path``)."""
    name = file_name or path.name
    suffix = Path(name).suffix.lower()
    try:
        sha = file_sha256(path)
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件：{exc}", f"cannot read the file: {exc}") from exc
    if suffix in (".xlsx", ".xlsm"):
        raw, total, closers = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        raw, total, closers = _csv_rows(path)
    elif suffix in (".xls", ".et", ".ods"):
        raise UnreadableFile(
            f"不支持{suffix}格式，请在 WPS 或 Excel 中“另存为”.xlsx 或 .csv 后再导入",
            f"{suffix} files are not supported; save the file as .xlsx or .csv first",
        )
    else:
        raise UnreadableFile(
            "只能导入 .xlsx 或 .csv 文件", "only .xlsx and .csv files can be imported"
        )
    header_row, headers, rows = _find_header(raw, spec)
    return Table(name, sha, header_row, headers, rows, total, closers)


def _xlsx_rows(path: Path) -> tuple[Iterator[tuple[int, Row]], int | None, list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            "文件不是有效的 .xlsx 工作簿（可能已损坏，或其实是其他格式）",
            f"not a valid .xlsx workbook ({exc.__class__.__name__})",
        ) from exc
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not sheets:
        wb.close()
        raise UnreadableFile("工作簿中没有工作表", "the workbook has no worksheet")
    ws: Any = sheets[0]
    total = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 1 else None
    if total is None:
        total = _last_row_number(path, getattr(ws, "_worksheet_path", ""))
    # Some writers record a wrong size ("A1"); read what is there, not what is declared.
    ws.reset_dimensions()

    def rows() -> Iterator[tuple[int, Row]]:
        try:
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise UnreadableFile(
                "工作表内容无法读取（文件可能已损坏）", "the worksheet cannot be read"
            ) from exc

    return rows(), total, [wb]


_ROW_TAG = re.compile(rb'<(?:\w+:)?row[^>]*?\sr="(\d+)"')


def _last_row_number(path: Path, member: str) -> int | None:
    """For the progress bar when the sheet declares no size: the number of the last
    ``<row r="…">`` in the sheet XML (decompressing is much faster than parsing)."""
    try:
        with zipfile.ZipFile(path) as z, z.open(member.lstrip("/")) as f:
            previous, current = b"", b""
            while chunk := f.read(1 << 20):
                previous, current = current, chunk
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        return None
    matches = list(_ROW_TAG.finditer(previous[-4096:] + current))
    return int(matches[-1][1]) if matches else None


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"  # what Excel and WPS for China write as "CSV"
    return "utf-8"


def _csv_rows(path: Path) -> tuple[Iterator[tuple[int, Row]], int | None, list[Any]]:
    binary: IO[bytes] = path.open("rb")
    head = binary.read(_SNIFF_BYTES)
    encoding = _sniff_encoding(head)
    newline = b"\n\x00" if encoding == "utf-16" else b"\n"
    # A cheap count of lines for the progress bar (quoted line breaks make it an estimate).
    total = head.count(newline)
    while chunk := binary.read(1 << 22):
        total += chunk.count(newline)
    binary.seek(0)
    stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
    first = stream.readline()
    stream.seek(0)
    delimiter = max(("\t", ",", ";"), key=first.count) if first else ","
    if first.count(delimiter) == 0:
        delimiter = ","

    def rows() -> Iterator[tuple[int, Row]]:
        try:
            yield from enumerate(csv.reader(stream, delimiter=delimiter), start=1)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(
                f"CSV 文件无法按 {encoding} 编码读取：{exc}",
                f"cannot read the CSV file as {encoding}: {exc}",
            ) from exc

    return rows(), total or None, [stream]


def _find_header(
    raw: Iterator[tuple[int, Row]], spec: KindSpec
) -> tuple[int | None, list[str], Iterator[tuple[int, Row]]]:
    """The header is the first row (among the first few) naming at least two known columns,
    or one required column when the file has a single column."""
    known = {key for col in spec.columns for key in col.header_keys()}
    seen: list[tuple[int, Row]] = []
    for number, values in raw:
        seen.append((number, values))
        hits = sum(1 for v in values if normalize_header(v) in known)
        if hits >= 2 or (hits == 1 and sum(1 for v in values if not is_blank(v)) == 1):
            headers = ["" if v is None else str(v).strip() for v in values]
            while headers and not headers[-1]:
                headers.pop()
            return number, headers, _data_rows(raw)
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    return None, [], iter(())


def _data_rows(raw: Iterator[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
    for number, values in raw:
        for v in values:
            if v is not None and (type(v) is not str or v.strip()):
                yield number, values
                break
