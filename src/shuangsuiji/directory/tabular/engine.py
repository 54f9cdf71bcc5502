"""The import pipeline: read → check every cell → compare with the database → write.

One pass over the file.  Each row becomes a tuple of field values (the *record*); records
are compared with the existing rows by natural key and a fingerprint (``hash`` of the
values), loaded for all existing rows in one query; new records stream to the database
writer while the file is still being read (PostgreSQL ``COPY``, SQLite ``executemany``).
The whole write is one transaction: the first error stops the writer and the transaction
is rolled back at the end, after every row has been checked, so the user gets the full
list of problems and nothing is written.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from openpyxl.utils import get_column_letter

from shuangsuiji.audit import chain
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations.policy import AnyUser

from .cells import normalize_header
from .kinds import KINDS, Column, ImportContext, KindSpec, load_context
from .national import VARIANTS
from .problems import (
    CellError,
    ImportProblem,
    ImportRejected,
    ProblemCode,
    Severity,
)
from .reader import Table, open_table
from .writer import apply_changes, new_row_writer

#: Problems kept in full; beyond this only counted (a file of garbage should not eat memory).
MAX_PROBLEMS = 100_000
SAMPLE_SIZE = 50
PROGRESS_EVERY = 2_000

Progress = Callable[[int, int | None], None]
Record = tuple[int, tuple[Any, ...]]  # (spreadsheet row, values in Layout.fields order)


@dataclass
class FieldChange:
    header: str
    before: str
    after: str


@dataclass
class ChangedRow:
    row: int
    key: str
    changes: list[FieldChange]


@dataclass
class ImportOutcome:
    """What an import found (preview) or did (applied)."""

    kind: str
    file_name: str
    sha256: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: int = 0
    warnings: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    added_sample: list[list[str]] = field(default_factory=list)
    changed_sample: list[ChangedRow] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def add_problem(self, problem: ImportProblem) -> None:
        if problem.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "file_name": self.file_name, "sha256": self.sha256,
            "rows": self.rows, "added": self.added, "changed": self.changed,
            "unchanged": self.unchanged, "errors": self.errors, "warnings": self.warnings,
            "headers": self.headers, "added_sample": self.added_sample,
            "changed_sample": [
                {"row": c.row, "key": c.key,
                 "changes": [[f.header, f.before, f.after] for f in c.changes]}
                for c in self.changed_sample
            ],
            "applied": self.applied,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any], problems: list[ImportProblem]) -> ImportOutcome:
        out = cls(
            kind=data["kind"], file_name=data["file_name"], sha256=data["sha256"],
            rows=data["rows"], added=data["added"], changed=data["changed"],
            unchanged=data["unchanged"], errors=data["errors"], warnings=data["warnings"],
            headers=data.get("headers", []), added_sample=data.get("added_sample", []),
            applied=data.get("applied", False), problems=problems,
        )  # fmt: skip
        out.changed_sample = [
            ChangedRow(c["row"], c["key"], [FieldChange(*f) for f in c["changes"]])
            for c in data.get("changed_sample", [])
        ]
        return out


@dataclass
class Layout:
    """Which file column fills which field, plus the fields the importer fills itself."""

    spec: KindSpec
    present: list[tuple[int, Column]]  # (index in the file row, column)
    fixed: dict[str, Any]  # field → value for every row (region, default department)
    header_row: int | None

    @property
    def fields(self) -> tuple[str, ...]:
        return (*(c.field for _, c in self.present), *self.fixed)

    def index(self, field_name: str) -> int | None:
        try:
            return self.fields.index(field_name)
        except ValueError:
            return None

    def header_of(self, field_name: str) -> tuple[str, str | None]:
        for idx, col in self.present:
            if col.field == field_name:
                return col.header, get_column_letter(idx + 1)
        return self.spec.column(field_name).header, None


def _layout(table: Table, spec: KindSpec, ctx: ImportContext, out: ImportOutcome) -> Layout:
    by_key = {key: col for col in spec.columns for key in col.header_keys()}
    present: list[tuple[int, Column]] = []
    taken: dict[str, int] = {}
    ignored: list[str] = []
    row = table.header_row
    for idx, header in enumerate(table.headers):
        col = by_key.get(normalize_header(header))
        if col is None:
            if header:
                ignored.append(header)
            continue
        if col.field in taken:
            out.add_problem(ImportProblem(
                row, header,
                f"与第{get_column_letter(taken[col.field] + 1)}列重复，都对应“{col.header}”",
                f"duplicates column {get_column_letter(taken[col.field] + 1)} "
                f"(both are {col.en})",
                code=ProblemCode.DUPLICATE_COLUMN, column_letter=get_column_letter(idx + 1),
            ))  # fmt: skip
            continue
        taken[col.field] = idx
        present.append((idx, col))
    if ignored:
        out.add_problem(ImportProblem(
            row, None, f"以下列不属于{spec.label_zh}，已忽略：{'、'.join(ignored)}",
            f"columns ignored (not part of {spec.label_en}): {', '.join(ignored)}",
            Severity.WARNING, ProblemCode.IGNORED_COLUMNS,
        ))  # fmt: skip
    for col in spec.required_columns:
        if col.field not in taken:
            out.add_problem(ImportProblem(
                row, col.header, f"缺少必填列“{col.header}”（表头在第{row}行）",
                f"required column {col.header!r} ({col.en}) is missing "
                f"(header in row {row})",
                code=ProblemCode.MISSING_COLUMN,
            ))  # fmt: skip
    fixed: dict[str, Any] = {}
    if spec.name == "targets":
        if ctx.county is None:
            out.add_problem(ImportProblem(
                None, None, f"系统中没有本县行政区划（{ctx.region_code}），请先配置",
                f"this county's region ({ctx.region_code}) is not set up",
                code=ProblemCode.NO_HEADER,
            ))  # fmt: skip
        else:
            fixed["region_id"] = ctx.county.pk
    if spec.name == "items" and "department_id" not in taken:
        if ctx.default_department is None:
            out.add_problem(ImportProblem(
                row, "所属部门",
                "缺少“所属部门”列：您可以为多个部门导入，请在文件中注明每个事项的所属部门",
                "the 所属部门 (department) column is missing and you act for several "
                "departments",
                code=ProblemCode.MISSING_COLUMN,
            ))  # fmt: skip
        else:
            fixed["department_id"] = ctx.default_department.pk
    return Layout(spec, present, fixed, row)


def _records(
    table: Table, layout: Layout, ctx: ImportContext, out: ImportOutcome, progress: Progress | None
) -> Iterator[Record]:
    """Check every cell of every row; yield the records of rows without errors."""
    present = [(idx, col, get_column_letter(idx + 1)) for idx, col in layout.present]
    fixed = tuple(layout.fixed.values())
    fields = layout.fields
    key_pos = [fields.index(f) for f in layout.spec.key_fields if f in fields]
    single_key = len(key_pos) == 1
    k0 = key_pos[0] if key_pos else 0
    key_header = layout.header_of(layout.spec.key_fields[-1])
    period = (layout.index("certificate_valid_from"), layout.index("certificate_valid_to"))
    seen: dict[Any, int] = {}
    warnings = ctx.warnings
    add = out.add_problem
    total = table.total_rows
    count = 0
    for number, cells in table.rows:
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
        width = len(cells)
        values: list[Any] = []
        bad = False
        for idx, col, letter in present:
            raw = cells[idx] if idx < width else None
            if raw is None or (type(raw) is str and not raw.strip()):
                if col.required_cell:
                    add(ImportProblem(number, col.header, f"“{col.header}”不能为空",
                                      f"{col.en} must not be empty", Severity.ERROR,
                                      ProblemCode.EMPTY, letter))  # fmt: skip
                    bad = True
                values.append(col.blank)
                continue
            try:
                values.append(col.parse(raw, ctx))
            except CellError as exc:
                add(ImportProblem(number, col.header, exc.zh, exc.en, Severity.ERROR,
                                  exc.code, letter))  # fmt: skip
                bad = True
                values.append(None)
            if warnings:
                for zh, en, code in warnings:
                    add(ImportProblem(number, col.header, zh, en, Severity.WARNING, code, letter))
                warnings.clear()
        if bad:
            continue
        values.extend(fixed)
        if period[0] is not None and period[1] is not None:
            start, end = values[period[0]], values[period[1]]
            if start and end and end < start:
                to_header, to_letter = layout.header_of("certificate_valid_to")
                add(ImportProblem(
                    number, to_header, f"有效期至（{end}）早于有效期起（{start}）",
                    f"valid to ({end}) is before valid from ({start})",
                    Severity.ERROR, ProblemCode.BAD_PERIOD, to_letter,
                ))  # fmt: skip
                continue
        key = values[k0] if single_key else tuple(values[p] for p in key_pos)
        first = seen.get(key)
        if first is not None:
            shown = key if single_key else key[-1]
            add(ImportProblem(
                number, key_header[0], f"“{shown}”与第{first}行重复",
                f"{shown!r} duplicates row {first}", Severity.ERROR,
                ProblemCode.DUPLICATE_KEY, key_header[1],
            ))  # fmt: skip
            continue
        seen[key] = number
        yield number, tuple(values)
    out.rows = count
    if progress is not None:
        progress(count, count)


def _norm(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _existing(
    spec: KindSpec, layout: Layout, ctx: ImportContext
) -> dict[Any, tuple[int, int, Any]]:
    """natural key → (pk, fingerprint, owning department) for every row the file could hit."""
    model = spec.model
    qs = model._default_manager.all()
    if spec.name == "targets" and "region_id" in layout.fixed:
        qs = qs.filter(region_id=layout.fixed["region_id"])
    if spec.name == "items":
        qs = qs.filter(department_id__in=ctx.allowed_departments)
    fields = layout.fields
    owner = "department_id" if spec.name != "targets" else "pk"
    n_keys = len(spec.key_fields)
    result: dict[Any, tuple[int, int, Any]] = {}
    for row in qs.values_list(*spec.key_fields, "pk", owner, *fields).iterator(chunk_size=20_000):
        key = row[0] if n_keys == 1 else row[:n_keys]
        values = tuple(_norm(v) for v in row[n_keys + 2 :])
        result[key] = (row[n_keys], hash(values), row[n_keys + 1])
    return result


class _Classifier:
    """Sorts records into added / changed / unchanged and feeds the writers."""

    def __init__(self, spec: KindSpec, layout: Layout, ctx: ImportContext, out: ImportOutcome):
        self.spec, self.layout, self.ctx, self.out = spec, layout, ctx, out
        self.existing = _existing(spec, layout, ctx)
        fields = layout.fields
        self.key_pos = [fields.index(f) for f in spec.key_fields]
        self.dept_pos = layout.index("department_id")
        self.changed: list[tuple[int, int, tuple[Any, ...]]] = []  # (row, pk, values)
        self.added_sample: list[tuple[int, tuple[Any, ...]]] = []

    def run(self, records: Iterable[Record], on_added: Callable[[tuple[Any, ...]], None]) -> None:
        existing_get = self.existing.get
        key_pos = self.key_pos
        single = len(key_pos) == 1
        k0 = key_pos[0]
        out = self.out
        allowed = self.ctx.allowed_departments
        dept_pos = self.dept_pos
        for number, values in records:
            if dept_pos is not None and values[dept_pos] not in allowed:
                self._refuse(number, "所属部门", "您无权向该部门导入数据",
                             "you may not import into that department")  # fmt: skip
                continue
            key = values[k0] if single else tuple(values[p] for p in key_pos)
            hit = existing_get(key)
            if hit is None:
                out.added += 1
                if len(self.added_sample) < SAMPLE_SIZE:
                    self.added_sample.append((number, values))
                if out.errors == 0:
                    on_added(values)
                continue
            pk, fingerprint, owner = hit
            if self.spec.name == "inspectors" and owner not in allowed:
                name = self.ctx.department_names.get(owner, "")
                self._refuse(
                    number, "执法证号", f"该执法证号已登记在“{name}”的人员名下，您无权修改",
                    f"this certificate number belongs to an inspector of {name}",
                )  # fmt: skip
                continue
            if hash(values) == fingerprint:
                out.unchanged += 1
            else:
                out.changed += 1
                self.changed.append((number, pk, values))

    def _refuse(self, number: int, header: str, zh: str, en: str) -> None:
        self.out.add_problem(
            ImportProblem(number, header, zh, en, Severity.ERROR, ProblemCode.OTHER_DEPARTMENT)
        )

    def fill_samples(self) -> None:
        """Rows for the preview: what would be added, and field by field what changes."""
        spec, layout, ctx = self.spec, self.layout, self.ctx
        fields = layout.fields
        shown = [(i, spec.column(f)) for i, f in enumerate(fields) if _has_column(spec, f)]
        self.out.headers = [c.header for _, c in shown]
        self.out.added_sample = [
            [display(c, values[i], ctx) for i, c in shown] for _, values in self.added_sample
        ]
        sample = self.changed[:SAMPLE_SIZE]
        before = {
            row[0]: row[1:]
            for row in spec.model._default_manager.filter(
                pk__in=[pk for _, pk, _ in sample]
            ).values_list("pk", *fields)
        }
        key_i = fields.index(spec.key_fields[-1])
        for number, pk, values in sample:
            old = before.get(pk, ())
            changes = [
                FieldChange(c.header, display(c, _norm(old[i]), ctx), display(c, values[i], ctx))
                for i, c in shown
                if i < len(old) and _norm(old[i]) != values[i]
            ]
            self.out.changed_sample.append(ChangedRow(number, str(values[key_i]), changes))


def _has_column(spec: KindSpec, field_name: str) -> bool:
    return any(c.field == field_name for c in spec.columns)


def display(col: Column, value: Any, ctx: ImportContext) -> str:
    from .cells import to_text

    if value is None:
        return ""
    if col.render is not None:
        value = col.render(value, ctx)
    return to_text(value)


def _reason(spec: KindSpec, table_name: str, sha256: str) -> str:
    return f"导入{spec.label_zh} {table_name[:40]} sha256:{sha256[:12]}"[:100]


def kind_spec(kind: str) -> KindSpec:
    """A kind, or a source-format variant of one (``national.VARIANTS``: the same kind
    read from another system's export, e.g. the national platform's)."""
    return KINDS[kind] if kind in KINDS else VARIANTS[kind]


def _check_permission(spec: KindSpec, actor: AnyUser) -> None:
    if not spec.may_import(actor):
        why = (
            "：检查对象名录是全县共用数据，只有系统管理员可以导入" if spec.name == "targets" else ""
        )
        raise NotAllowed(f"您无权导入{spec.label_zh}{why}")


def _prepare(
    kind: str, path: Path, actor: AnyUser, file_name: str | None
) -> tuple[KindSpec, Table, ImportContext, Layout, ImportOutcome]:
    spec = kind_spec(kind)
    _check_permission(spec, actor)
    table = open_table(path, spec, file_name=file_name)
    out = ImportOutcome(kind=kind, file_name=table.file_name, sha256=table.sha256)
    ctx = load_context(actor)
    if table.header_row is None:
        names = "”“".join(c.header for c in spec.required_columns[:3])
        out.add_problem(ImportProblem(
            None, None, f"前{30}行中找不到表头（应包含“{names}”等列名）",
            f"no header row found in the first 30 rows (expected columns such as {names})",
            code=ProblemCode.NO_HEADER,
        ))  # fmt: skip
        layout = Layout(spec, [], {}, None)
    else:
        layout = _layout(table, spec, ctx, out)
    return spec, table, ctx, layout, out


def _finish_rows(out: ImportOutcome) -> None:
    if out.rows == 0 and out.errors == 0:
        out.add_problem(ImportProblem(
            None, None, "文件中没有数据行", "the file has no data rows",
            Severity.WARNING, ProblemCode.NO_ROWS,
        ))  # fmt: skip


class _Rollback(Exception):
    pass


def preview_file(
    *,
    kind: str,
    path: Path,
    actor: AnyUser,
    file_name: str | None = None,
    progress: Progress | None = None,
    spool: Path | None = None,
) -> ImportOutcome:
    """Check the whole file and say what an import would do; write nothing.  With
    ``spool`` the checked records are saved there for :func:`apply_spool`."""
    spec, table, ctx, layout, out = _prepare(kind, path, actor, file_name)
    try:
        if out.errors:
            return out
        records = _records(table, layout, ctx, out, progress)
        spooler = _Spooler(spool, layout, out) if spool is not None else None
        classifier = _Classifier(spec, layout, ctx, out)
        classifier.run(spooler.tee(records) if spooler else records, lambda values: None)
        _finish_rows(out)
        if spooler is not None:
            spooler.close()
        if out.ok:
            classifier.fill_samples()
        return out
    finally:
        table.close()


def import_file(
    *,
    kind: str,
    path: Path,
    actor: AnyUser,
    file_name: str | None = None,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportOutcome:
    """Check and import in one pass (the CLI).  Raises :class:`ImportRejected` with every
    problem, having written nothing, when any row has an error."""
    spec, table, ctx, layout, out = _prepare(kind, path, actor, file_name)
    try:
        if out.errors:
            raise ImportRejected(out.problems)
        try:
            with transaction.atomic():
                _write(spec, layout, ctx, out, _records(table, layout, ctx, out, progress),
                       actor, job_id)  # fmt: skip
        except _Rollback:
            raise ImportRejected(out.problems) from None
        return out
    finally:
        table.close()


def apply_spool(
    *,
    kind: str,
    spool: Path,
    actor: AnyUser,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportOutcome:
    """Import records checked by :func:`preview_file`, comparing them again with the
    database as it is now."""
    spec = kind_spec(kind)
    _check_permission(spec, actor)
    ctx = load_context(actor)
    with spool.open("rb") as f:
        head = pickle.load(f)  # nosec B301 - our own spool file, written by this process moments before
        layout = Layout(spec, [(i, spec.column(fl)) for i, fl in enumerate(head["present"])],
                        head["fixed"], head["header_row"])  # fmt: skip
        out = ImportOutcome(kind=kind, file_name=head["file_name"], sha256=head["sha256"])
        total = head["records"]

        def records() -> Iterator[Record]:
            done = 0
            while True:
                try:
                    batch: list[Record] = pickle.load(f)  # nosec B301 - our own spool file, written by this process
                except EOFError:
                    return
                yield from batch
                done += len(batch)
                if progress is not None:
                    progress(done, total)

        try:
            with transaction.atomic():
                _write(spec, layout, ctx, out, records(), actor, job_id)
        except _Rollback:
            raise ImportRejected(out.problems) from None
    out.rows = head["rows"]
    return out


def _write(
    spec: KindSpec,
    layout: Layout,
    ctx: ImportContext,
    out: ImportOutcome,
    records: Iterable[Record],
    actor: AnyUser,
    job_id: int | None,
) -> None:
    """Inside the import transaction: compare, write, record history and the audit row."""
    if connection.vendor == "postgresql":
        # Other writers wait; readers go on.  Taken before the existing rows are read, so
        # the comparison holds until commit.
        with connection.cursor() as cur:
            cur.execute(f'LOCK TABLE "{spec.model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
    classifier = _Classifier(spec, layout, ctx, out)
    reason = _reason(spec, out.file_name, out.sha256)
    writer = new_row_writer(spec, layout.fields, actor=actor, reason=reason)
    try:
        classifier.run(records, writer.add)
    except BaseException:
        writer.abort()
        raise
    if out.errors:
        writer.abort()
        raise _Rollback
    writer.finish()
    _finish_rows(out)
    apply_changes(spec, layout.fields, classifier.changed, actor=actor, reason=reason)
    if out.added or out.changed or out.rows:
        chain.record(
            actor=actor,
            action=f"directory.import.{spec.name}",
            object_type=spec.model._meta.label,
            object_id="" if job_id is None else str(job_id),
            department=layout.fixed.get("department_id"),
            payload={
                "file": out.file_name,
                "sha256": out.sha256,
                "rows": out.rows,
                "added": out.added,
                "changed": out.changed,
                "unchanged": out.unchanged,
                "job": job_id,
            },
        )
    out.applied = True


class _Spooler:
    """Saves checked records (pickled batches) for the confirm step of the web import; the
    file is written by the server itself and never comes from a user."""

    BATCH = 5_000

    def __init__(self, path: Path, layout: Layout, out: ImportOutcome):
        self.path, self.layout, self.out = path, layout, out
        self.f = path.open("wb")
        self.batch: list[Record] = []
        self.count = 0
        self.tmp_records = path.with_suffix(".records")
        self.rf = self.tmp_records.open("wb")

    def tee(self, records: Iterable[Record]) -> Iterator[Record]:
        for rec in records:
            if self.out.errors == 0:
                self.batch.append(rec)
                if len(self.batch) >= self.BATCH:
                    self._flush()
            yield rec

    def _flush(self) -> None:
        pickle.dump(self.batch, self.rf, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(self.batch)
        self.batch = []

    def close(self) -> None:
        if self.batch:
            self._flush()
        self.rf.close()
        head = {
            "present": [c.field for _, c in self.layout.present],
            "fixed": self.layout.fixed,
            "header_row": self.layout.header_row,
            "file_name": self.out.file_name,
            "sha256": self.out.sha256,
            "rows": self.out.rows,
            "records": self.count,
        }
        pickle.dump(head, self.f, protocol=pickle.HIGHEST_PROTOCOL)
        with self.tmp_records.open("rb") as src:
            while chunk := src.read(1 << 20):
                self.f.write(chunk)
        self.f.close()
        self.tmp_records.unlink()
