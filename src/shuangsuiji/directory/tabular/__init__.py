"""Import and export of the directory (检查对象、执法检查人员、随机抽查事项) as .xlsx and .csv.

- :mod:`.kinds` – the columns of each kind, with their Chinese headers;
- :mod:`.reader` – reading files as LibreOffice, WPS and Excel save them;
- :mod:`.engine` – checking every row, the preview, the import;
- :mod:`.writer` – bulk writes with history;
- :mod:`.export` – exports and templates in the import layout.
"""

from .engine import ImportOutcome, apply_spool, import_file, preview_file
from .export import export_queryset, write_template
from .kinds import KINDS, KindSpec
from .problems import ImportProblem, ImportRejected, Severity, UnreadableFile

__all__ = [
    "KINDS",
    "ImportOutcome",
    "ImportProblem",
    "ImportRejected",
    "KindSpec",
    "Severity",
    "UnreadableFile",
    "apply_spool",
    "export_queryset",
    "import_file",
    "preview_file",
    "write_template",
]
