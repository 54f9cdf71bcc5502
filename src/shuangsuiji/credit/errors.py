"""Typed errors of the credit app (the codes are the platform's :class:`ErrorCode`)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from shuangsuiji.directory.tabular.fastuscc import uscc_is_valid
from shuangsuiji.directory.uscc import normalize_uscc, validate_uscc
from shuangsuiji.errors import DomainError, ErrorCode


class CreditError(DomainError):
    """A list entry, proposal, import or query that the rules refuse; the message says why.
    ``field`` names the input at fault, for forms and the JSON API."""

    def __init__(
        self,
        message: str | Promise,
        *,
        field: str | None = None,
        code: ErrorCode | None = None,
        **details: Any,
    ):
        super().__init__(message, code=code, **details)
        self.field = field


def clean_credit_code(value: str, *, field: str = "credit_code") -> str:
    """A typed credit code in canonical form, or :class:`CreditError` naming every problem.
    The lists and the participation answer concern market entities, so only unified social
    credit codes (GB 32100-2015) are accepted, not the platform's own object codes."""
    code = normalize_uscc(value or "")
    if not code:
        raise CreditError(_("Enter a unified social credit code."), field=field)
    if not uscc_is_valid(code):
        issues = validate_uscc(code)
        english = (translation.get_language() or "zh-hans").startswith("en")
        text = "; ".join(i.message_en if english else i.message_zh for i in issues)
        raise CreditError(
            _("Not a valid unified social credit code: %(why)s") % {"why": text}, field=field
        )
    return code
