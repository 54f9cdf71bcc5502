"""The canonical population file of draw-v1 (冻结名单文件): writing it, and reading it strictly.

The file *is* the population: its SHA-256 is published before the draw, so any byte that two
honest implementations could write differently (a BOM, CRLF, a space, a leading zero, a
non-NFC id, row order) is refused rather than tolerated. Every refusal names the line (the
header is line 1) and the reason.

A `Population` keeps the file bytes themselves rather than one Python object per row: at ten
million rows, per-row tuples would cost gigabytes, while the bytes cost ~25 bytes a row and
can be shared with worker processes.

Reading is done in blocks of about a megabyte. A block is first checked as a whole with
C-level operations (separator pattern, forbidden bytes, NFC of the whole text, columns
sorted); only a block that fails those is re-read line by line, which is what produces the
exact line and reason. Both paths accept exactly the same files (tested).

When the optional C accelerator `_fastdraw` is built, it checks the rows first (see
`fast_module`); it can only say "valid" or "not sure", and on "not sure" this module's
Python code reads the file, so every error message is the Python one.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from .errors import ErrorCode, InputFileError, PopulationError

HEADER_LINE = b"id,stratum,tickets"
HEADER = HEADER_LINE + b"\n"
BOM = b"\xef\xbb\xbf"
MAX_ID_CHARS = 64
MAX_STRATUM_CHARS = 32
MAX_TICKETS = 1000
FORBIDDEN_IN_LABEL = (",", "\r", "\n")

# Big enough that C-level work dominates, small enough that a 10M-row file never becomes
# 10M objects at once.
BLOCK_BYTES = 1 << 20
# Below this many bytes per shard, starting processes costs more than it saves.
MIN_SHARD_BYTES = 1 << 22

PURE_PYTHON_ENV = "SHUANGSUIJI_PURE_PYTHON"
# From about 200k rows of credit codes on, the C accelerator splits the rows over 2 threads.
FAST_THREADS_MIN_BYTES = 1 << 22
FAST_THREADS: int | None = None
"""Thread count for the C accelerator; None chooses by size (tests set it)."""

T = TypeVar("T")
Row = tuple[str, str, int]
"""(id, stratum, tickets) — a plain tuple on purpose: cheap to create and to pickle."""


def label_problem(value: str, *, what: str, max_chars: int) -> tuple[ErrorCode, str] | None:
    """Check an id or stratum against draw-v1's character rules; None when it is fine.

    "White space" is what str.strip() removes (Unicode White_Space plus ASCII separators).
    """
    is_id = what == "id"
    if not value:
        return (ErrorCode.EMPTY_ID if is_id else ErrorCode.EMPTY_STRATUM, f"empty {what}")
    for ch in FORBIDDEN_IN_LABEL:
        if ch in value:
            return (ErrorCode.FORBIDDEN_CHARACTER, f"{what} {value!r} contains {ch!r}")
    if len(value) > max_chars:
        return (
            ErrorCode.ID_TOO_LONG if is_id else ErrorCode.STRATUM_TOO_LONG,
            f"{what} has {len(value)} characters, at most {max_chars} allowed",
        )
    if value != value.strip():
        return (ErrorCode.SURROUNDING_SPACE, f"{what} {value!r} has surrounding white space")
    if not unicodedata.is_normalized("NFC", value):
        return (ErrorCode.NOT_NFC, f"{what} {value!r} is not in Unicode NFC form")
    return None


def tickets_problem(text: str) -> str | None:
    """Tickets are ASCII digits, 1–1000, no leading zero (so each count has one spelling)."""
    if (
        not text
        or not text.isascii()
        or not text.isdigit()
        or text[0] == "0"
        or len(text) > 4
        or int(text) > MAX_TICKETS
    ):
        return f"tickets must be an integer 1–{MAX_TICKETS} without leading zeros, found {text!r}"
    return None


@dataclass(frozen=True, slots=True)
class Population:
    """A validated population file (the frozen list, 冻结名单) and what the draw needs of it."""

    data: bytes = field(repr=False)
    digest: str
    size: int
    strata: Mapping[str, int]
    """Rows per stratum, ordered by stratum (code point order = UTF-8 byte order)."""
    stratum_lines: Mapping[str, int]
    """First line of each stratum, so a missing quota can point at a line."""
    source: str = "population"

    def rows(self) -> Iterator[Row]:
        """The rows in file order, decoded (one tuple at a time: fine to stream)."""
        for block in iter_blocks(self.data, len(HEADER), len(self.data)):
            ids, strata, tickets = block_columns(block)
            for target_id, stratum, t in zip(ids, strata, tickets, strict=True):
                yield (target_id.decode("utf-8"), stratum.decode("utf-8"), int(t))


def find_row(population: Population, target_id: str) -> Row | None:
    """Look a row up by id with a binary search over the sorted file bytes (no index)."""
    data, key = population.data, target_id.encode("utf-8")
    lo, hi = len(HEADER), len(data)  # lo is always a line start
    while lo < hi:
        mid = (lo + hi) // 2
        start = data.rfind(b"\n", lo, mid)
        start = lo if start < 0 else start + 1
        end = data.index(b"\n", start)
        row_id, stratum, tickets = data[start:end].split(b",")
        if row_id == key:
            return (target_id, stratum.decode("utf-8"), int(tickets))
        if row_id < key:
            lo = end + 1
        else:
            hi = start
    return None


# --- the optional C accelerator -------------------------------------------------------------


def fast_module() -> ModuleType | None:
    """The C accelerator, or None for the pure-Python reference path.

    None when the extension was not built (no compiler or no OpenSSL headers at install
    time) or when SHUANGSUIJI_PURE_PYTHON is set to anything but "" or "0" (read at each
    call, so a test or a citizen reading the code can force the reference path).
    """
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    try:
        return importlib.import_module("shuangsuiji.lottery._fastdraw")
    except ImportError:
        return None


def fast_threads(nbytes: int) -> int:
    """Threads for the accelerator over `nbytes` of rows (the result never depends on it)."""
    if FAST_THREADS is not None:
        return FAST_THREADS
    return 2 if nbytes >= FAST_THREADS_MIN_BYTES and (os.cpu_count() or 1) > 1 else 1


# --- blocks and shards ----------------------------------------------------------------------


def iter_blocks(data: bytes, start: int, end: int) -> Iterator[bytes]:
    """Yield data[start:end] in pieces of about BLOCK_BYTES that end at a line end."""
    pos = start
    while pos < end:
        stop = data.find(b"\n", min(pos + BLOCK_BYTES, end) - 1, end)
        stop = end if stop < 0 else stop + 1
        yield data[pos:stop]
        pos = stop


def block_columns(block: bytes) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Split a block of *valid* row lines into id, stratum and tickets columns.

    One replace and one split in C instead of a split per line.
    """
    flat = block.replace(b"\n", b",").split(b",")
    flat.pop()  # the empty piece after the block's final LF
    return flat[0::3], flat[1::3], flat[2::3]


def line_ranges(
    data: bytes, parts: int, start: int | None = None, end: int | None = None
) -> list[tuple[int, int, int]]:
    """Cut the rows of a population into about `parts` byte ranges at line boundaries.

    Returns (start, end, line number of the range's first line) triples, for work done per
    shard (draw-v1 allows computing keys per shard and merging).
    """
    start = len(HEADER) if start is None else start
    end = len(data) if end is None else end
    first_line = data.count(b"\n", 0, start) + 1
    if end - start < MIN_SHARD_BYTES * 2 or parts <= 1:
        return [(start, end, first_line)]
    step = max(MIN_SHARD_BYTES, (end - start) // parts)
    cuts = [start]
    while cuts[-1] + step < end:
        nxt = data.find(b"\n", cuts[-1] + step - 1, end)
        if nxt < 0 or nxt + 1 >= end:
            break
        cuts.append(nxt + 1)
    cuts.append(end)
    out = []
    line_no = first_line
    for a, b in pairwise(cuts):
        out.append((a, b, line_no))
        line_no += data.count(b"\n", a, b)
    return out


# Worker processes read the population through this module global: with the "fork" start
# method they inherit it copy-on-write instead of unpickling hundreds of megabytes.
_SHARED_DATA: bytes = b""


def _run_shard(task: tuple[Callable[..., Any], bytes | None, int, int, tuple[Any, ...]]) -> Any:
    func, chunk, start, end, args = task
    return func(_SHARED_DATA if chunk is None else chunk, start, end, *args)


def map_shards(
    func: Callable[..., T],
    data: bytes,
    ranges: Sequence[tuple[int, int, int]],
    args: Callable[[tuple[int, int, int]], tuple[Any, ...]],
    workers: int,
) -> list[T]:
    """Run func(data, start, end, *args(range)) for each range, in processes when useful.

    func must be a module-level function; results come back in range order.
    """
    global _SHARED_DATA
    if workers <= 1 or len(ranges) <= 1:
        return [func(data, a, b, *args((a, b, n))) for a, b, n in ranges]
    tasks: list[tuple[Callable[..., T], bytes | None, int, int, tuple[Any, ...]]]
    if "fork" in multiprocessing.get_all_start_methods():
        ctx: Any = multiprocessing.get_context("fork")
        tasks = [(func, None, a, b, args((a, b, n))) for a, b, n in ranges]
        _SHARED_DATA = data
    else:
        ctx = multiprocessing.get_context()
        tasks = [(func, data[a:b], 0, b - a, args((a, b, n))) for a, b, n in ranges]
    try:
        with ctx.Pool(processes=min(workers, len(ranges))) as pool:
            return pool.map(_run_shard, tasks)
    finally:
        _SHARED_DATA = b""


# --- strict reading -------------------------------------------------------------------------

_NOT_SEPARATOR = bytes(b for b in range(256) if b not in b",\n")
# ASCII white space and control characters other than LF are all <= 0x20.
_NOT_LOW_ASCII = bytes(b for b in range(256) if not (b <= 0x20 and b != 0x0A))
_LOW_ASCII_AT_EDGE = re.compile(rb"[\x00-\x09\x0b-\x20][,\n]|[,\n][\x00-\x09\x0b-\x20]")
_UNICODE_SPACE = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if chr(c).isspace())
_ANY_UNICODE_SPACE = re.compile(f"[{_UNICODE_SPACE}]")
_UNICODE_SPACE_AT_EDGE = re.compile(f"[{_UNICODE_SPACE}][,\\n]|[,\\n][{_UNICODE_SPACE}]")


@dataclass(slots=True)
class _Scan:
    counts: dict[bytes, int]
    first_line: dict[bytes, int]
    first_id: bytes | None
    last_id: bytes | None
    # (code, reason, line) instead of an exception, so that it crosses process boundaries.
    error: tuple[ErrorCode, str, int | None] | None = None


def _fail(code: ErrorCode, reason: str, line: int, source: str) -> PopulationError:
    return PopulationError(code, reason, line=line, source=source)


def _order_error(idb: bytes, prev: bytes, line_no: int, source: str) -> PopulationError:
    if idb == prev:
        return _fail(
            ErrorCode.DUPLICATE_ID, f"duplicate id {idb.decode('utf-8')!r}", line_no, source
        )
    return _fail(
        ErrorCode.UNSORTED,
        f"id {idb.decode('utf-8')!r} sorts before the previous id {prev.decode('utf-8')!r};"
        " rows must be sorted by id (UTF-8 bytes)",
        line_no,
        source,
    )


def _check_line(line: bytes, line_no: int, source: str) -> tuple[bytes, bytes]:
    """Full check of one row line; returns (id bytes, stratum bytes) or raises."""
    if not line:
        raise _fail(ErrorCode.EMPTY_LINE, "empty line", line_no, source)
    if b"\r" in line:
        raise _fail(
            ErrorCode.CARRIAGE_RETURN,
            "carriage return (CRLF line ends?); lines must end with LF only",
            line_no,
            source,
        )
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            ErrorCode.NOT_UTF8, f"not valid UTF-8 at byte {exc.start + 1}", line_no, source
        ) from None
    fields = text.split(",")
    if len(fields) != 3:
        raise _fail(
            ErrorCode.FIELD_COUNT,
            f"expected 3 fields id,stratum,tickets, found {len(fields)}"
            " (an id or stratum may not contain a comma)",
            line_no,
            source,
        )
    target_id, stratum, tickets = fields
    for value, what, limit in (
        (target_id, "id", MAX_ID_CHARS),
        (stratum, "stratum", MAX_STRATUM_CHARS),
    ):
        problem = label_problem(value, what=what, max_chars=limit)
        if problem is not None:
            raise _fail(problem[0], problem[1], line_no, source)
    bad_tickets = tickets_problem(tickets)
    if bad_tickets is not None:
        raise _fail(ErrorCode.BAD_TICKETS, bad_tickets, line_no, source)
    return target_id.encode("utf-8"), stratum.encode("utf-8")


def _block_is_clean(block: bytes, lines: int, prev: bytes) -> list[bytes] | None:
    """Whole-block check; returns the stratum column if every line is valid, else None.

    None does not mean invalid, only "check line by line" (e.g. an inner space in an id).
    """
    if block.translate(None, _NOT_SEPARATOR) != b",,\n" * lines:
        return None  # some line has other than exactly 3 fields, or no final LF
    if block[0] == 0x2C or b"\n," in block or b",," in block or b",\n" in block:
        return None  # an empty field
    if block.translate(None, _NOT_LOW_ASCII) and (
        b"\r" in block or block[0] <= 0x20 or _LOW_ASCII_AT_EDGE.search(block)
    ):
        return None
    if block.isascii():
        ids, strata, tickets = block_columns(block)
        id_len, stratum_len = max(map(len, ids)), max(map(len, strata))
    else:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            return None
        # NFC of the whole block equals NFC of each field: ',' and LF are stable starters
        # that nothing composes with, so normalisation never crosses a field boundary.
        if not unicodedata.is_normalized("NFC", text):
            return None
        if _ANY_UNICODE_SPACE.search(text) and (
            text[0].isspace() or _UNICODE_SPACE_AT_EDGE.search(text)
        ):
            return None
        flat = text.replace("\n", ",").split(",")
        id_len, stratum_len = max(map(len, flat[0::3])), max(map(len, flat[1::3]))
        ids, strata, tickets = block_columns(block)
    if id_len > MAX_ID_CHARS or stratum_len > MAX_STRATUM_CHARS:
        return None
    if any(t != b"1" and tickets_problem(t.decode("ascii", "replace")) for t in set(tickets)):
        return None
    # Strictly increasing ids: sorted() is linear on sorted input; the set finds duplicates.
    if not (prev < ids[0] and ids == sorted(ids) and len(set(ids)) == len(ids)):
        return None
    return strata


def _scan_rows(data: bytes, start: int, end: int, first_line_no: int, source: str) -> _Scan:
    """Validate the row lines in data[start:end] (a shard), counting rows per stratum."""
    counts: dict[bytes, int] = {}
    first_line: dict[bytes, int] = {}
    first_id: bytes | None = None
    line_no = first_line_no - 1  # number of the last line checked
    prev = b""
    for block in iter_blocks(data, start, end):
        lines = block.count(b"\n")
        strata = _block_is_clean(block, lines, prev)
        if strata is not None:
            for sb, n in Counter(strata).items():
                if sb in counts:
                    counts[sb] += n
                else:
                    counts[sb] = n
                    first_line[sb] = line_no + 1 + strata.index(sb)
            if first_id is None:
                first_id = block[: block.index(b",")]
            prev = block[block.rfind(b"\n", 0, len(block) - 1) + 1 :].split(b",", 1)[0]
            line_no += lines
            continue
        pieces = block.split(b"\n")
        if pieces[-1] == b"":
            pieces.pop()
        for line in pieces:
            line_no += 1
            idb, sb = _check_line(line, line_no, source)
            if idb <= prev:
                raise _order_error(idb, prev, line_no, source)
            prev = idb
            if first_id is None:
                first_id = idb
            if sb in counts:
                counts[sb] += 1
            else:
                counts[sb] = 1
                first_line[sb] = line_no
    return _Scan(counts, first_line, first_id, prev if first_id is not None else None)


def _scan_shard(data: bytes, start: int, end: int, first_line_no: int, source: str) -> _Scan:
    try:
        return _scan_rows(data, start, end, first_line_no, source)
    except PopulationError as exc:
        return _Scan({}, {}, None, None, (exc.code, exc.reason, exc.line))


def _scan_all(
    data: bytes, start: int, end: int, source: str, workers: int
) -> tuple[dict[bytes, int], dict[bytes, int]]:
    """Validate rows in shards (in processes when workers > 1); report the first error.

    Shards are checked independently, so the order between neighbouring shards is checked
    here: the first error of the earliest failing shard, or a boundary, is the file's first.
    """
    ranges = line_ranges(data, workers, start, end)
    scans = map_shards(_scan_shard, data, ranges, lambda r: (r[2], source), workers)
    counts: dict[bytes, int] = {}
    first_line: dict[bytes, int] = {}
    prev_last: bytes | None = None
    for scan, (first_byte, _, line_no) in zip(scans, ranges, strict=True):
        if scan.error is not None:
            code, reason, line = scan.error
            if prev_last is not None and line != line_no:
                # The shard's first line was valid, so its order against the previous
                # shard comes before the shard's own (later) error.
                end_first = data.index(b"\n", first_byte)
                first_id = data[first_byte:end_first].split(b",", 1)[0]
                if first_id <= prev_last:
                    raise _order_error(first_id, prev_last, line_no, source)
            raise PopulationError(code, reason, line=line, source=source)
        if scan.first_id is None:
            continue
        if prev_last is not None and scan.first_id <= prev_last:
            raise _order_error(scan.first_id, prev_last, line_no, source)
        prev_last = scan.last_id
        for sb, n in scan.counts.items():
            counts[sb] = counts.get(sb, 0) + n
            first_line.setdefault(sb, scan.first_line[sb])
    return counts, first_line


def _fast_scan(
    fast: ModuleType, data: bytes, source: str
) -> tuple[dict[bytes, int], dict[bytes, int]] | None:
    """Rows checked by the C accelerator, or None when Python must read the file.

    The C code decides ASCII ids and strata itself; rows with a non-ASCII id and each
    distinct non-ASCII stratum are checked here with the reference functions. Any problem
    returns None, so that the Python parser finds and reports the file's first error.
    """
    found = fast.scan(data, len(HEADER), fast_threads(len(data)))
    if found is None:
        return None
    counts, first_line, deferred = found
    try:
        for start, end, line_no in deferred:
            _check_line(data[start:end], line_no, source)
        for sb in counts:
            if not sb.isascii() and label_problem(
                sb.decode("utf-8"), what="stratum", max_chars=MAX_STRATUM_CHARS
            ):
                return None
    except (PopulationError, UnicodeDecodeError):
        return None
    return counts, first_line


def parse_population(data: bytes, *, source: str = "population", workers: int = 1) -> Population:
    """Read population file bytes strictly; raise PopulationError naming line and reason.

    `workers` > 1 validates shards of a large file in that many processes (pure-Python
    path; the C accelerator, when present, uses threads instead).
    """
    if not data:
        raise _fail(
            ErrorCode.EMPTY_FILE, "empty file; expected header 'id,stratum,tickets'", 1, source
        )
    if data.startswith(BOM):
        raise _fail(ErrorCode.BOM, "byte order mark (BOM) at start of file", 1, source)
    nl = data.find(b"\n")
    header = data if nl < 0 else data[:nl]
    if header != HEADER_LINE:
        if header == HEADER_LINE + b"\r":
            raise _fail(
                ErrorCode.CARRIAGE_RETURN,
                "carriage return (CRLF line ends?); lines must end with LF only",
                1,
                source,
            )
        shown = header[:80].decode("utf-8", errors="replace")
        raise _fail(
            ErrorCode.BAD_HEADER,
            f"header must be exactly 'id,stratum,tickets', found {shown!r}",
            1,
            source,
        )
    if not data.endswith(b"\n"):
        # Name the unterminated line itself, after checking the lines before it.
        last_start = data.rfind(b"\n") + 1
        if last_start > len(HEADER):
            _scan_all(data, len(HEADER), last_start, source, workers)
        raise _fail(
            ErrorCode.MISSING_FINAL_LF,
            "missing line feed at end of file (the last line must end with LF)",
            data.count(b"\n") + 1,
            source,
        )
    fast = fast_module()
    scanned = None if fast is None else _fast_scan(fast, data, source)
    if scanned is None:
        scanned = _scan_all(data, len(HEADER), len(data), source, workers)
    counts, first_line = scanned
    # Code point order equals UTF-8 byte order, so sorting the byte labels is draw-v1's order.
    strata = {k.decode("utf-8"): v for k, v in sorted(counts.items())}
    return Population(
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
        size=sum(strata.values()),
        strata=strata,
        stratum_lines={k.decode("utf-8"): v for k, v in sorted(first_line.items())},
        source=source,
    )


def read_file_bytes(path: str | Path) -> bytes:
    """Read a whole input file, turning OS errors into one clear InputFileError."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputFileError(ErrorCode.FILE_NOT_FOUND, f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(ErrorCode.FILE_UNREADABLE, f"{path}: is a directory") from None
    except OSError as exc:
        raise InputFileError(ErrorCode.FILE_UNREADABLE, f"{path}: {exc.strerror or exc}") from None


def read_population(path: str | Path, *, workers: int = 1) -> Population:
    """Read and strictly validate a population file; errors name the file and line."""
    return parse_population(read_file_bytes(path), source=str(path), workers=workers)


# --- writing --------------------------------------------------------------------------------


def write_population(rows: Iterable[Row]) -> bytes:
    """Build the canonical population file from rows in any order.

    Rows are checked before sorting, so a refusal names the offending row (the canonical
    line number does not exist yet); duplicates are found after sorting.
    """
    encoded: list[tuple[bytes, bytes]] = []
    for index, (target_id, stratum, tickets) in enumerate(rows, start=1):
        where = f"row {index}"
        for value, what, limit in (
            (target_id, "id", MAX_ID_CHARS),
            (stratum, "stratum", MAX_STRATUM_CHARS),
        ):
            problem = label_problem(value, what=what, max_chars=limit)
            if problem is not None:
                raise PopulationError(problem[0], problem[1], source=where)
        if (
            isinstance(tickets, bool)
            or not isinstance(tickets, int)
            or not 1 <= tickets <= MAX_TICKETS
        ):
            raise PopulationError(
                ErrorCode.BAD_TICKETS,
                f"tickets of {target_id!r} must be an integer 1–{MAX_TICKETS}, got {tickets!r}",
                source=where,
            )
        idb = target_id.encode("utf-8")
        encoded.append((idb, b"%s,%s,%d" % (idb, stratum.encode("utf-8"), tickets)))
    encoded.sort()
    for (a, _), (b, _) in pairwise(encoded):
        if a == b:
            raise PopulationError(
                ErrorCode.DUPLICATE_ID, f"duplicate id {a.decode('utf-8')!r}", source="rows"
            )
    return HEADER + b"".join(line + b"\n" for _, line in encoded)


def population_from_rows(rows: Iterable[Row], *, source: str = "population") -> Population:
    """Canonicalise rows into a Population (the freeze step, 冻结)."""
    return parse_population(write_population(rows), source=source)
