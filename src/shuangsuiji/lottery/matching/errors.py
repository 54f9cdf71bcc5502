"""Typed errors of the inspector matching (随机匹配).

Every failure carries a stable code from :class:`ReasonCode` so that the platform can show it
in the user's language, and nothing half-done is returned: the functions that raise these
errors build their result only after every check has passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    """Why a matching (or a replacement draw) cannot be made. Values are stable API."""

    #: Fewer eligible inspectors than the task's inspectors-per-target count.
    TOO_FEW_ELIGIBLE = "too_few_eligible"
    #: Joint task: no eligible inspector of a participating department for this target.
    NO_DEPARTMENT_INSPECTOR = "no_department_inspector"
    #: Task-wide: the qualified inspectors' caps add up to fewer than targets × k.
    TOTAL_CAPACITY = "total_capacity"
    #: Task-wide, joint task: a department's caps add up to fewer than the number of targets.
    DEPARTMENT_CAPACITY = "department_capacity"
    #: Every local count is fine, but a group of targets competes for the same inspectors
    #: and their caps cannot cover all of them (found exactly by a maximum flow).
    CAPACITY_CONTENTION = "capacity_contention"
    #: Recusal (回避): no eligible inspector with remaining capacity can take the slot.
    NO_REPLACEMENT = "no_replacement"


@dataclass(frozen=True)
class Problem:
    """One unmet constraint: which target (``None`` = the whole task) and why."""

    target_id: str | None
    code: ReasonCode
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        where = self.target_id if self.target_id is not None else "(task)"
        return f"{where} [{self.code.value}] {self.message_zh} / {self.message_en}"


class MatchingError(Exception):
    """Base class of every matching error."""


class MatchingInputError(MatchingError, ValueError):
    """The inputs, draw record or matching record are malformed (a one-line message)."""


class MatchingInfeasible(MatchingError):
    """The constraints cannot all be met; ``problems`` says which targets and which constraint.

    Raised before anything is produced: no partial record exists.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(
            "matching infeasible: " + "; ".join(str(problem) for problem in self.problems)
        )

    @property
    def targets(self) -> tuple[str, ...]:
        """The targets named by the problems, in report order, without repeats."""
        seen: dict[str, None] = {}
        for problem in self.problems:
            if problem.target_id is not None:
                seen.setdefault(problem.target_id, None)
        return tuple(seen)

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(problem.code for problem in self.problems)
