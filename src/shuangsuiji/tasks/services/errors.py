"""Typed errors of the task workflow, each with a stable code and a user-language message."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from django.utils.translation import get_language

from shuangsuiji.errors import DomainError
from shuangsuiji.lottery.matching import Problem


class TaskErrorCode(StrEnum):
    WRONG_STATE = "task.wrong_state"
    DRAW_ALREADY_MADE = "task.draw_already_made"
    MATCHING_INFEASIBLE = "task.matching_infeasible"


class TaskStateError(DomainError):
    """The step is not allowed in the task's current state (the order is fixed)."""


class DrawAlreadyMade(DomainError):
    """A task is drawn exactly once; a redraw is a separate, reasoned, public action."""


class MatchingInfeasibleError(DomainError):
    """No matching satisfies the constraints; ``problems`` say which targets and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        english = (get_language() or "").startswith("en")
        lines = [p.message_en if english else p.message_zh for p in self.problems]
        super().__init__("\n".join(lines))
