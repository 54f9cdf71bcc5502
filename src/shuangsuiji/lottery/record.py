"""The draw record (摇号记录): draw-v1's published JSON, field names and order fixed.

The byte form is `json.dumps(record, ensure_ascii=False, indent=1)` plus a final LF — the
form of the worked example — so two implementations publish identical files and a citizen
can diff them. Reading is tolerant of formatting (any valid JSON) but strict about fields.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .draw import DrawResult
from .errors import ErrorCode, RecordError
from .population import read_file_bytes

RECORD_FIELDS = (
    "spec",
    "task_id",
    "population_digest",
    "population_size",
    "quotas",
    "strata",
    "commitment",
    "secret",
    "entropy",
    "seed",
    "selected",
)
STRATUM_FIELDS = ("size", "quota", "drawn")
SELECTED_FIELDS = ("id", "stratum", "key")


def record_dict(result: DrawResult) -> dict[str, Any]:
    """The record as a dict whose insertion order is the published field order."""
    return {
        "spec": result.spec,
        "task_id": result.task_id,
        "population_digest": result.population_digest,
        "population_size": result.population_size,
        "quotas": dict(result.quotas),
        "strata": {
            s: {"size": d.size, "quota": d.quota, "drawn": d.drawn}
            for s, d in result.strata.items()
        },
        "commitment": result.commitment,
        "secret": result.secret,
        "entropy": list(result.entropy),
        "seed": result.seed,
        "selected": [{"id": t.id, "stratum": t.stratum, "key": t.key} for t in result.selected],
    }


def dumps_record(record: DrawResult | dict[str, Any]) -> str:
    """Serialise a record exactly as published (UTF-8 text, one-space indent, final LF)."""
    as_dict = record_dict(record) if isinstance(record, DrawResult) else record
    return json.dumps(as_dict, ensure_ascii=False, indent=1) + "\n"


def record_bytes(record: DrawResult | dict[str, Any]) -> bytes:
    return dumps_record(record).encode("utf-8")


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A record with a field given twice could show a reader one value and a checker another.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise RecordError(ErrorCode.BAD_RECORD, f"field {key!r} appears twice")
        out[key] = value
    return out


def loads_record(data: bytes | str, *, source: str = "record") -> dict[str, Any]:
    """Parse record JSON (UTF-8); the structure is checked by verify, not here."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except UnicodeDecodeError:
        raise RecordError(ErrorCode.BAD_RECORD, f"{source}: not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            ErrorCode.BAD_RECORD, f"{source}:{exc.lineno}: not valid JSON ({exc.msg})"
        ) from None
    except RecordError as exc:
        raise RecordError(exc.code, f"{source}: {exc.message}") from None
    if not isinstance(value, dict):
        raise RecordError(ErrorCode.BAD_RECORD, f"{source}: a draw record is a JSON object")
    return value


def read_record(path: str | Path) -> dict[str, Any]:
    return loads_record(read_file_bytes(path), source=str(path))
