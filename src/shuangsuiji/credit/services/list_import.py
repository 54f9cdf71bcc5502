"""Importing list entries from a file (名单信息导入): the lists published by courts, tax
offices and the market regulator come as spreadsheets.

Each row is one decision, keyed by (list, credit code, document number).  A new row places
the entity on the list (and, with a removal day, removes it again: history can be loaded);
a row already on record is unchanged, or removes the entity when the file now gives a
removal day.  Any other difference with what is on record is an error: a decision is
corrected by removing it and entering the new one, never by overwriting.  Rows go through
the same services as the pages (permissions, credit record, audit); the whole file is one
transaction, and any error leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.tabular import cells
from shuangsuiji.directory.tabular.problems import (
    CellError,
    ImportProblem,
    ImportRejected,
    ProblemCode,
    Severity,
)
from shuangsuiji.directory.tabular.reader import open_table
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action

from ..errors import CreditError
from ..lookup import targets_by_code
from ..models_lists import CreditList, CreditListEntry
from ..tabular import LIST_ENTRIES, Layout, Problems, Progress, read_layout, rows_with_progress
from ..tabular import credit_code as parse_code
from .lists import CHUNK, create_entry, deciding_department, list_entry_remove

#: Other names the lists go by in files from other systems.
LIST_ALIASES = {
    "abnormal": ("经营异常", "经营异常名录", "异常名录", "列入经营异常名录"),
    "serious_illegal": ("严重违法失信", "严重违法失信企业名单", "严重违法失信名单"),
    "major_tax": ("重大税收违法案件当事人名单", "重大税收违法失信主体", "重大税收违法"),
    "dishonest_debtor": ("失信被执行人", "失信被执行人名单", "老赖"),
}

TEXT_LIMITS = {"entity_name": 200, "authority": 200, "document_no": 100, "removal_document_no": 100}


@dataclass
class ListImportOutcome:
    file_name: str
    sha256: str = ""
    rows: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass
class _Row:
    number: int
    credit_list: CreditList
    department: Department
    values: dict[str, Any]

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.credit_list.pk, self.values["credit_code"], self.values["document_no"])


def _list_lookup() -> dict[str, CreditList]:
    table: dict[str, CreditList] = {}
    for credit_list in CreditList.objects.filter(active=True):
        names = (
            credit_list.code,
            credit_list.name,
            credit_list.name_en,
            *LIST_ALIASES.get(credit_list.code, ()),
        )
        for name in names:
            if name:
                table.setdefault(cells.normalize_choice(name), credit_list)
    return table


def _parse_row(
    number: int,
    values: Any,
    layout: Layout,
    lists: dict[str, CreditList],
    actor: User,
    problems: Problems,
) -> _Row | None:
    got: dict[str, Any] = {}
    ok = True
    for col in LIST_ENTRIES.columns:
        raw = layout.get(values, col.field)
        if cells.is_blank(raw):
            if col.required_cell:
                problems.cell(
                    number,
                    layout,
                    col.field,
                    f"“{col.header}”不能为空",
                    f"{col.en} must not be empty",
                    ProblemCode.EMPTY,
                )
                ok = False
            got[col.field] = None if col.field.endswith("_date") else ""
            continue
        try:
            if col.field == "credit_code":
                got[col.field] = parse_code(raw)
            elif col.field.endswith("_date"):
                got[col.field] = cells.to_date(raw)
            elif col.field == "credit_list_id":
                text = cells.to_text(raw)
                found = lists.get(cells.normalize_choice(text))
                if found is None:
                    names = "、".join(sorted({c.name for c in lists.values()}))
                    raise CellError(
                        f"没有名为“{text}”的名单，应为：{names}",
                        f"no list called {text!r}",
                        ProblemCode.UNKNOWN_VALUE,
                    )
                got[col.field] = found
            else:
                text = cells.to_text(raw)
                limit = TEXT_LIMITS.get(col.field)
                if limit is not None and len(text) > limit:
                    raise CellError(
                        f"内容过长：最多{limit}个字符，实际{len(text)}个",
                        f"too long: at most {limit} characters, got {len(text)}",
                        ProblemCode.TOO_LONG,
                    )
                got[col.field] = text
        except CellError as exc:
            problems.cell(number, layout, col.field, exc.zh, exc.en, exc.code)
            ok = False
    if not ok:
        return None
    start, end = got["start_date"], got["end_date"]
    if end is not None and end < start:
        problems.cell(
            number,
            layout,
            "end_date",
            f"移出日期（{end}）早于列入日期（{start}）",
            f"removed on {end}, before listed from {start}",
            ProblemCode.BAD_PERIOD,
        )
        return None
    if end is not None and not got["removal_reason"]:
        problems.cell(
            number,
            layout,
            "removal_reason",
            "填写了移出日期时，“移出原因”不能为空",
            "a removal day needs a reason for removal",
            ProblemCode.EMPTY,
        )
        return None
    credit_list: CreditList = got.pop("credit_list_id")
    department = deciding_department(actor, credit_list)
    if department is None:
        problems.cell(
            number,
            layout,
            "credit_list_id",
            f"您无权向“{credit_list.name}”列入名单：应由作出决定的部门或牵头部门录入",
            f"you may not add to {credit_list.name}",
            ProblemCode.OTHER_DEPARTMENT,
        )
        return None
    return _Row(number, credit_list, department, got)


def _existing(codes: set[str]) -> dict[tuple[int, str, str], CreditListEntry]:
    found: dict[tuple[int, str, str], CreditListEntry] = {}
    pending = sorted(codes)
    for start in range(0, len(pending), CHUNK):
        for entry in CreditListEntry.objects.filter(credit_code__in=pending[start : start + CHUNK]):
            found[(entry.credit_list_id, entry.credit_code, entry.document_no)] = entry
    return found


def _row_problem(row: _Row, zh: str, en: str, field_name: str = "document_no") -> ImportProblem:
    col = LIST_ENTRIES.column(field_name)
    return ImportProblem(row.number, col.header, zh, en, Severity.ERROR, ProblemCode.UNKNOWN_VALUE)


def _plan(
    rows: list[_Row], problems: Problems
) -> tuple[list[_Row], list[tuple[_Row, CreditListEntry | None]], int]:
    """(rows to add, rows whose entry is removed — None: the entry added by this file —,
    unchanged count), with every conflict with the record as a problem."""
    existing = _existing({r.values["credit_code"] for r in rows})
    codes = sorted({r.values["credit_code"] for r in rows})
    in_register: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        in_register.update(
            targets_by_code(codes[start : start + CHUNK]).values_list("credit_code", flat=True)
        )
    to_add: list[_Row] = []
    to_remove: list[tuple[_Row, CreditListEntry | None]] = []
    unchanged = 0
    for row in rows:
        v = row.values
        entry = existing.get(row.key)
        if entry is None:
            if not v["entity_name"] and v["credit_code"] not in in_register:
                problems.add(
                    _row_problem(
                        row,
                        "该主体不在本县名录库中，请填写“名称”",
                        "the entity is not in the register: give its name",
                        "entity_name",
                    )
                )
                continue
            to_add.append(row)
            if v["end_date"] is not None:
                to_remove.append((row, None))
            continue
        if (entry.reason, entry.authority, entry.start_date) != (
            v["reason"],
            v["authority"],
            v["start_date"],
        ):
            problems.add(
                _row_problem(
                    row,
                    "该决定已登记但内容不同（列入原因、决定机关或列入日期）；更正请先移出原记录再重新列入",
                    "this decision is on record with a different reason, authority or start day; "
                    "remove it and enter the corrected decision instead",
                )
            )
        elif entry.end_date is None and v["end_date"] is not None:
            to_remove.append((row, entry))
        elif entry.end_date == v["end_date"] or (v["end_date"] is None and entry.end_date):
            # The same decision again, or a file from before its removal.
            unchanged += 1
        else:
            problems.add(
                _row_problem(
                    row,
                    f"该决定已于{entry.end_date}移出，与文件中的移出日期不同",
                    f"this decision was removed on {entry.end_date}, not as the file says",
                    "end_date",
                )
            )
    return to_add, to_remove, unchanged


def list_entries_import(
    *,
    path: Path,
    actor: User,
    file_name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ListImportOutcome:
    """Check the whole file, then place and remove entries in one transaction.  Raises
    :class:`ImportRejected` with every problem when any row has an error."""
    if not policy.user_has_permission(actor, Action.ADD, CreditListEntry):
        raise NotAllowed(_("You may not add entries to the credit lists."))
    table = open_table(path, LIST_ENTRIES, file_name=file_name)
    out = ListImportOutcome(file_name=table.file_name, sha256=table.sha256)
    problems = Problems()
    rows: list[_Row] = []
    try:
        layout = read_layout(table, LIST_ENTRIES, problems)
        if not problems.errors:
            lists = _list_lookup()
            seen: dict[tuple[int, str, str], int] = {}
            for number, values in rows_with_progress(table, progress):
                out.rows += 1
                row = _parse_row(number, values, layout, lists, actor, problems)
                if row is None:
                    continue
                first = seen.get(row.key)
                if first is not None:
                    problems.add(
                        _row_problem(
                            row,
                            f"与第{first}行是同一决定（名单、代码、文号相同）",
                            f"the same decision as row {first}",
                        )
                    )
                    continue
                seen[row.key] = number
                rows.append(row)
    finally:
        table.close()
    try:
        if problems.errors:
            raise ImportRejected(problems.items)
        to_add, to_remove, out.unchanged = _plan(rows, problems)
        if problems.errors:
            raise ImportRejected(problems.items)
        with transaction.atomic():
            _apply(actor, to_add, to_remove, out, problems)
            chain.record(
                actor=actor,
                action="credit.import.credit_list_entries",
                object_type="credit.CreditListEntry",
                payload={
                    "file": out.file_name,
                    "sha256": out.sha256,
                    "rows": out.rows,
                    "added": out.added,
                    "removed": out.removed,
                    "unchanged": out.unchanged,
                },
            )
            if dry_run:
                transaction.set_rollback(True)
            else:
                out.applied = True
    finally:
        out.problems, out.errors, out.warnings = problems.items, problems.errors, problems.warnings
    return out


def _apply(
    actor: User,
    to_add: list[_Row],
    to_remove: list[tuple[_Row, CreditListEntry | None]],
    out: ListImportOutcome,
    problems: Problems,
) -> None:
    created: dict[tuple[int, str, str], CreditListEntry] = {}
    for row in to_add:
        v = row.values
        try:
            created[row.key] = create_entry(
                actor=actor,
                credit_list=row.credit_list,
                department=row.department,
                credit_code=v["credit_code"],
                entity_name=v["entity_name"],
                reason=v["reason"],
                authority=v["authority"],
                document_no=v["document_no"],
                start_date=v["start_date"],
            )
        except CreditError as exc:
            problems.add(_row_problem(row, str(exc), str(exc), exc.field or "document_no"))
            continue
        out.added += 1
    for row, entry in to_remove:
        target_entry = entry if entry is not None else created.get(row.key)
        if target_entry is None:
            continue
        end: dt.date = row.values["end_date"]
        try:
            list_entry_remove(
                actor=actor,
                entry=target_entry,
                end_date=end,
                reason=row.values["removal_reason"],
                document_no=row.values["removal_document_no"],
            )
        except (CreditError, NotAllowed) as exc:
            problems.add(_row_problem(row, str(exc), str(exc), "end_date"))
            continue
        out.removed += 1
    if problems.errors:
        # Raised inside the transaction: everything this file did is rolled back.
        raise ImportRejected(problems.items)
