from __future__ import annotations

from shuangsuiji.errors import DomainError


class ResultError(DomainError):
    """A result, publication or follow-up that the rules refuse; the message says why."""
