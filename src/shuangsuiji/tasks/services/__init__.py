"""Task services, one module per step of the fixed order: create → freeze → draw →
match (and recuse) → dispatch."""

from .creation import task_create
from .dispatch import task_dispatch
from .draw import task_draw, task_request_redraw
from .errors import DrawAlreadyMade, MatchingInfeasibleError, TaskStateError
from .freeze import task_freeze
from .joint import task_participation_confirm
from .matching import assignment_recuse, task_match

__all__ = [
    "DrawAlreadyMade",
    "MatchingInfeasibleError",
    "TaskStateError",
    "assignment_recuse",
    "task_create",
    "task_dispatch",
    "task_draw",
    "task_freeze",
    "task_match",
    "task_participation_confirm",
    "task_request_redraw",
]
