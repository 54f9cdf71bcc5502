"""What can go wrong with an import file, in Chinese first (the users' language) and English.

Every problem names the spreadsheet row (1-based, as Excel and WPS number them) and the
column header as it appears in the file, so a county clerk can go straight to the cell.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from django.utils import translation

from shuangsuiji.errors import DomainError, ErrorCode


class Severity(StrEnum):
    ERROR = "error"  # blocks the whole import
    WARNING = "warning"  # shown in the preview; the row is imported


class ProblemCode(StrEnum):
    NO_HEADER = "no_header"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    IGNORED_COLUMNS = "ignored_columns"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_CODE = "bad_code"
    CODE_AS_NUMBER = "code_as_number"
    FOREIGN_REGION = "foreign_region"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_VALUE = "unknown_value"
    BAD_DATE = "bad_date"
    BAD_PERIOD = "bad_period"
    UNKNOWN_TOWNSHIP = "unknown_township"
    UNKNOWN_DEPARTMENT = "unknown_department"
    OTHER_DEPARTMENT = "other_department"
    PADDED_CODE = "padded_code"
    NO_ROWS = "no_rows"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One problem.  ``row`` is None for problems of the whole file."""

    row: int | None
    column_header: str | None
    message_zh: str
    message_en: str
    severity: Severity = Severity.ERROR
    code: ProblemCode = ProblemCode.UNKNOWN_VALUE
    column_letter: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def message(self) -> str:
        """The message in the active language (Chinese unless English is active)."""
        lang = translation.get_language() or "zh-hans"
        return self.message_en if lang.startswith("en") else self.message_zh

    def where_zh(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column_header:
            letter = f"（{self.column_letter}列）" if self.column_letter else ""
            parts.append(f"“{self.column_header}”{letter}")
        return " ".join(parts) or "文件"

    def __str__(self) -> str:
        tag = "错误" if self.is_error else "提示"
        return f"{tag} {self.where_zh()}：{self.message_zh}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportProblem:
        return cls(
            row=data.get("row"),
            column_header=data.get("column_header"),
            message_zh=data["message_zh"],
            message_en=data["message_en"],
            severity=Severity(data.get("severity", "error")),
            code=ProblemCode(data.get("code", "unknown_value")),
            column_letter=data.get("column_letter"),
        )


class CellError(Exception):
    """Raised by a cell parser; the engine turns it into an :class:`ImportProblem`."""

    def __init__(self, zh: str, en: str, code: ProblemCode = ProblemCode.UNKNOWN_VALUE):
        super().__init__(en)
        self.zh, self.en, self.code = zh, en, code


class UnreadableFile(DomainError):
    """The file cannot be read at all (wrong format, broken archive, unknown encoding)."""

    code = ErrorCode.INVALID

    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.message_zh, self.message_en = zh, en

    @property
    def localized(self) -> str:
        lang = translation.get_language() or "zh-hans"
        return self.message_en if lang.startswith("en") else self.message_zh


class ImportRejected(DomainError):
    """At least one row has an error: nothing was written."""

    code = ErrorCode.INVALID

    def __init__(self, problems: list[ImportProblem]):
        errors = sum(1 for p in problems if p.is_error)
        super().__init__(f"导入文件有{errors}处错误，未写入任何数据")
        self.problems = problems
