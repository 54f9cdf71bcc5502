"""Typed domain errors (Saleor style): a stable code plus a message in the user's language."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str | Promise, *, code: ErrorCode | None = None, **details: Any):
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The data-scope policy refused the action."""

    code = ErrorCode.NOT_ALLOWED
