"""Result services: every write to results, publications and follow-ups goes through here,
with its audit row in the same transaction."""

from .attachments import attachment_add, attachment_path
from .entry import ResultInput, result_save, result_submit, user_on_team
from .followup import followup_close, followup_create
from .review import result_publish, result_return

__all__ = [
    "ResultInput",
    "attachment_add",
    "attachment_path",
    "followup_close",
    "followup_create",
    "result_publish",
    "result_return",
    "result_save",
    "result_submit",
    "user_on_team",
]
