"""Credit services: every write to the lists, proposals and risk classes goes through
here, with its audit row in the same transaction."""

from .list_import import ListImportOutcome, list_entries_import
from .lists import (
    deciding_department,
    list_entry_add,
    list_entry_remove,
    may_remove,
    refresh_abnormal_flags,
)
from .proposals import (
    deciding_department_for,
    proposal_confirm,
    proposal_from_result,
    proposal_reject,
)
from .risk import (
    ClassImportOutcome,
    SyncOutcome,
    credit_sync,
    may_import_classes,
    risk_classes_import,
)

__all__ = [
    "ClassImportOutcome",
    "ListImportOutcome",
    "SyncOutcome",
    "credit_sync",
    "deciding_department",
    "deciding_department_for",
    "list_entries_import",
    "list_entry_add",
    "list_entry_remove",
    "may_import_classes",
    "may_remove",
    "proposal_confirm",
    "proposal_from_result",
    "proposal_reject",
    "refresh_abnormal_flags",
    "risk_classes_import",
]
