"""Typed lottery errors with stable codes (Saleor style).

The code is what callers branch on and what the web layer translates (错误代码); the message is
a one-line English explanation meant for a terminal. Codes are part of the public interface:
never rename one, only add.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # Population file (冻结名单文件)
    EMPTY_FILE = "population.empty_file"
    BOM = "population.bom"
    CARRIAGE_RETURN = "population.carriage_return"
    BAD_HEADER = "population.bad_header"
    MISSING_FINAL_LF = "population.missing_final_lf"
    EMPTY_LINE = "population.empty_line"
    NOT_UTF8 = "population.not_utf8"
    FIELD_COUNT = "population.field_count"
    EMPTY_ID = "population.empty_id"
    ID_TOO_LONG = "population.id_too_long"
    EMPTY_STRATUM = "population.empty_stratum"
    STRATUM_TOO_LONG = "population.stratum_too_long"
    SURROUNDING_SPACE = "population.surrounding_space"
    FORBIDDEN_CHARACTER = "population.forbidden_character"
    NOT_NFC = "population.not_nfc"
    BAD_TICKETS = "population.bad_tickets"
    UNSORTED = "population.unsorted"
    DUPLICATE_ID = "population.duplicate_id"
    # Quotas (抽取比例/数量)
    BAD_QUOTA = "quota.syntax"
    DUPLICATE_QUOTA = "quota.duplicate"
    MISSING_QUOTA = "quota.missing_for_stratum"
    UNKNOWN_STRATUM = "quota.unknown_stratum"
    # Draw inputs
    BAD_SECRET = "draw.bad_secret"
    BAD_TASK_ID = "draw.bad_task_id"
    BAD_ENTROPY = "draw.bad_entropy"
    BAD_WORKERS = "draw.bad_workers"
    # Draw records and files
    BAD_RECORD = "record.malformed"
    FILE_NOT_FOUND = "file.not_found"
    FILE_UNREADABLE = "file.unreadable"


class LotteryError(Exception):
    """Base class: every refusal from the lottery package carries a stable code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class PopulationError(LotteryError):
    """A population file (or a row handed to the writer) breaks draw-v1's file rules.

    `line` is the 1-based line number in the file (the header is line 1), or None when the
    fault is not tied to one line.
    """

    def __init__(
        self, code: ErrorCode, reason: str, *, line: int | None = None, source: str = "population"
    ) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(code, f"{where}: {reason}")
        self.reason = reason
        self.line = line
        self.source = source


class QuotaError(LotteryError):
    """A quota is malformed, duplicated, missing for a stratum, or names an absent stratum."""

    def __init__(self, code: ErrorCode, message: str, *, line: int | None = None) -> None:
        super().__init__(code, message)
        # For a stratum without quota: the first population line holding that stratum.
        self.line = line


class DrawInputError(LotteryError):
    """Secret, task id, entropy or a draw option is not acceptable."""


class RecordError(LotteryError):
    """A draw record cannot be read as a draw-v1 record (bad JSON, missing field, wrong type)."""


class InputFileError(LotteryError):
    """A file named on the command line is missing or unreadable."""
