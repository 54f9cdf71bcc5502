"""File exchange with the national platform: the exports to upload there, and the import
of its market-entity export.  Layouts in ``docs/api.md``; the same files come from
``shuangsuiji exchange …`` on the command line."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from shuangsuiji.tasks.models import Draw

from .. import exchange
from ..auth import OPTIONAL, OPTIONAL_SECURITY, REQUIRED
from ..common import caller, department, responses, staff, visible
from ..errors import ERROR_STATUSES, import_problem_json
from ..schemas import Day, ErrorOut, Id, ImportReportOut
from .results import publications

router = Router(tags=["exchange 国家平台数据交换"])

_BINARY = {"type": "string", "format": "binary"}
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file (.xlsx, or .csv in UTF-8 with BOM)",
            "content": {
                "text/csv": {"schema": _BINARY},
                exchange.CONTENT_TYPES["xlsx"]: {"schema": _BINARY},
            },
        }
    }
}


class ResultExportIn(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"
    published_from: Day | None = None
    published_to: Day | None = None
    department: Id | None = None


class DrawExportIn(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"
    drawn_from: Day | None = None
    drawn_to: Day | None = None
    department: Id | None = None
    task: Id | None = None


def _file(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=exchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.get(
    "/exchange/results",
    response={ERROR_STATUSES: ErrorOut},
    auth=OPTIONAL,
    openapi_extra={**OPTIONAL_SECURITY, **FILE_RESPONSE},
    summary="Published results for the national platform (检查结果公示)",
)
def export_results(request: HttpRequest, query: Query[ResultExportIn]) -> HttpResponse:
    dept = department(query.department) if query.department else None
    rows = exchange.result_rows(
        publications(caller(request)),
        start=query.published_from,
        end=query.published_to,
        department=dept,
    )
    buf = io.BytesIO()
    exchange.write_export(
        exchange.RESULT_COLUMNS, rows, buf, fmt=query.format, title=exchange.RESULTS_TITLE
    )
    name = exchange.export_filename(
        "results", query.format, query.published_from, query.published_to
    )
    return _file(buf.getvalue(), query.format, name)


@router.get(
    "/exchange/draws",
    response={ERROR_STATUSES: ErrorOut},
    auth=OPTIONAL,
    openapi_extra={**OPTIONAL_SECURITY, **FILE_RESPONSE},
    summary="Drawn lists for the national platform (抽取名单)",
)
def export_draws(request: HttpRequest, query: Query[DrawExportIn]) -> HttpResponse:
    dept = department(query.department) if query.department else None
    rows = exchange.draw_rows(
        visible(caller(request), Draw),
        start=query.drawn_from,
        end=query.drawn_to,
        department=dept,
        task_id=query.task,
    )
    buf = io.BytesIO()
    exchange.write_export(
        exchange.DRAW_COLUMNS, rows, buf, fmt=query.format, title=exchange.DRAWS_TITLE
    )
    name = exchange.export_filename("draws", query.format, query.drawn_from, query.drawn_to)
    return _file(buf.getvalue(), query.format, name)


SUFFIXES = {".xlsx", ".xlsm", ".csv", ".txt", ".tsv"}


@router.post(
    "/exchange/entities",
    response=responses(ImportReportOut),
    auth=REQUIRED,
    summary="Import the national platform's market-entity export (市场主体)",
)
def import_entities(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = Query(False, description="Check and report only; write nothing"),
) -> dict[str, Any]:
    """All or nothing: any bad row → 400 ``import.rejected`` with every problem (row,
    column, message) and nothing written.  Needs an account that keeps the register
    (the lead department's administrators, system administrators); others get 403."""
    user = staff(request)
    name = Path(file.name or "upload.xlsx").name
    suffix = Path(name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix if suffix in SUFFIXES else ".bin") as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        result = exchange.import_entities(
            path=Path(tmp.name), actor=user, dry_run=dry_run, file_name=name
        )
    out = result.outcome
    return {
        "file_name": out.file_name,
        "sha256": out.sha256,
        "rows": out.rows,
        "added": out.added,
        "changed": out.changed,
        "unchanged": out.unchanged,
        "warnings": out.warnings,
        "applied": out.applied,
        "ignored_columns": result.ignored_columns,
        "problems": [import_problem_json(p) for p in out.problems],
    }
