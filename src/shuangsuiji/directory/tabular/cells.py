"""Turning spreadsheet cells into values, the way LibreOffice, WPS and Excel save them.

Cells arrive as ``str`` (CSV, text cells), ``int``/``float`` (cells typed as numbers),
``datetime`` (cells typed as dates) or ``None``.  Codes typed as numbers come back without
the ``.0``; dates are accepted as date cells, Excel serial numbers and the common written
forms (2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日, 20190305).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from .problems import CellError, ProblemCode

_SPACES = re.compile(r"\s+")
_HEADER_NOTES = re.compile(r"[(（](必填|选填|必录|可选|可空)[)）]$")


def normalize_header(value: Any) -> str:
    """Header text → comparison key: NFKC (full-width → half-width), no white space, no
    required-field asterisks or (必填) notes."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACES.sub("", text).replace("*", "")
    return _HEADER_NOTES.sub("", text)


def normalize_choice(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number_text(value: int | float) -> str:
    """5211.0 → "5211"; 3.5 → "3.5"."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def to_text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def unwrap_code(text: str) -> str:
    """Undo the tricks people use to keep codes as text: a leading apostrophe or ``="…"``."""
    if text.startswith("'"):
        text = text[1:]
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text.strip()


# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _bad_date(text: str) -> CellError:
    return CellError(
        f"日期“{text}”无法识别，请填写如 2019-03-05 的日期",
        f"cannot read the date {text!r}; write it like 2019-03-05",
        ProblemCode.BAD_DATE,
    )


def to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel serial number: a date cell that lost its format, or a CSV of one.
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise _bad_date(number_text(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    if text.isdigit() and 20000 <= int(text) < 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    raise _bad_date(text)


_TRUE = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "有"}
_FALSE = {"否", "N", "NO", "FALSE", "0", "×", "无", ""}


def to_bool(value: Any, *, true: Mapping[str, bool] | None = None) -> bool:
    if isinstance(value, bool):
        return value
    key = normalize_choice(to_text(value))
    if true and key in true:
        return true[key]
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    allowed = "、".join(k for k, v in (true or {}).items()) or "是、否"
    raise CellError(
        f"“{to_text(value)}”不是可识别的取值，请填写{allowed}",
        f"{to_text(value)!r} is not a recognised value; use one of {allowed}",
    )


_LIST_SPLIT = re.compile(r"[、,，;；/|]+")


def to_list(value: Any) -> tuple[str, ...]:
    """专业领域 and the like: separated by 、 or commas (full or half width)."""
    text = to_text(value)
    return tuple(dict.fromkeys(p.strip() for p in _LIST_SPLIT.split(text) if p.strip()))
