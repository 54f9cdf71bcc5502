"""Importing the monthly risk classification file and keeping the current values current.

The import reads and checks every row, streaming the good ones into a temporary staging
table (PostgreSQL ``COPY``; SQLite ``executemany``); duplicates within the file are found
there by one ``GROUP BY``.  Any error: the transaction is rolled back and every problem is
reported, nothing written.  Otherwise the rows go into the history with one
``INSERT … SELECT`` (plus one ``UPDATE`` for corrections when the file repeats dates already
on record), ``Target.risk_class`` is brought up to date by one ``UPDATE … FROM``, and one
audit row records the file's digest and counts.

``Target.risk_class`` and ``abnormal_operation`` are caches of the history (see
:mod:`..models_risk`): they are set with plain ``UPDATE`` statements, without a
simple_history row per entity, because the classification rows and list entries are the
history — copying a million entities into the register's history table every month would
double the cost of the import and say nothing new.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
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
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import Action

from ..models_lists import ABNORMAL_LIST, CreditListEntry
from ..models_risk import CreditSync, RiskClassification, RiskClassImport
from ..tabular import RISK_CLASSES, Problems, Progress, read_layout, rows_with_progress
from ..tabular import credit_code as parse_code
from ..tabular import risk_class as parse_class
from .lists import refresh_abnormal_flags

STAGE = "credit_stage_riskclass"
BATCH = 5_000
#: Duplicate keys reported in full (the rest are counted).
MAX_DUPLICATES = 1_000
_EPOCH = dt.date(1, 1, 1)


@dataclass
class ClassImportOutcome:
    file_name: str
    sha256: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    targets_updated: int = 0
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    applied: bool = False
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.errors == 0


class _Stage:
    """The temporary staging table (no WAL, no indexes) that the checked rows stream into."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cur.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (credit_code varchar(18) NOT NULL, "
                "risk_class varchar(1) NOT NULL, effective_date date NOT NULL, "
                "row_no integer NOT NULL)"
            )
        self.batch: list[tuple[str, str, Any, int]] = []
        self.copy: Any = None
        self._cursor: Any = None
        if self.pg:
            self._cursor = connection.cursor()
            raw: Any = self._cursor.cursor
            self.copy = raw.copy(
                f"COPY {STAGE} (credit_code, risk_class, effective_date, row_no) FROM STDIN"
            )
            self.write_row = self.copy.__enter__().write_row
        else:
            self.write_row = self._sqlite_add

    def _sqlite_add(self, row: tuple[str, str, dt.date, int]) -> None:
        self.batch.append((row[0], row[1], row[2].isoformat(), row[3]))
        if len(self.batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {STAGE} (credit_code, risk_class, effective_date, row_no) "  # nosec B608 - table and column names are constants; values are bound
                "VALUES (%s, %s, %s, %s)",
                self.batch,
            )
        self.batch = []

    def finish(self) -> None:
        if self.pg:
            self.copy.__exit__(None, None, None)
            self._cursor.close()
        elif self.batch:
            self._flush()

    def abort(self) -> None:
        if self.pg and self._cursor is not None:
            # Leaving the COPY block with an exception ends it without loading the rows.
            with contextlib.suppress(RuntimeError):
                self.copy.__exit__(RuntimeError, RuntimeError("aborted"), None)
            self._cursor.close()

    @staticmethod
    def drop() -> None:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _read(
    path: Path,
    file_name: str | None,
    out: ClassImportOutcome,
    problems: Problems,
    progress: Progress | None,
    stage: _Stage | None,
) -> set[dt.date]:
    """Check every row; stream the good ones into ``stage`` until the first error."""
    table = open_table(path, RISK_CLASSES, file_name=file_name)
    out.file_name, out.sha256 = table.file_name, table.sha256
    dates: set[dt.date] = set()
    try:
        layout = read_layout(table, RISK_CLASSES, problems)
        if problems.errors:
            return dates
        ci, ki, di = (layout.index[f] for f in ("credit_code", "risk_class", "effective_date"))
        width = max(ci, ki, di) + 1
        date_cache: dict[Any, dt.date] = {}
        class_cache: dict[Any, str] = {}
        write = stage.write_row if stage is not None else None
        for number, values in rows_with_progress(table, progress):
            out.rows += 1
            if len(values) < width:
                values = [*values, *([None] * (width - len(values)))]
            raw_code, raw_class, raw_date = values[ci], values[ki], values[di]
            row_ok = True
            for name, raw in (
                ("credit_code", raw_code),
                ("risk_class", raw_class),
                ("effective_date", raw_date),
            ):
                if cells.is_blank(raw):
                    col = RISK_CLASSES.column(name)
                    problems.cell(
                        number,
                        layout,
                        name,
                        f"“{col.header}”不能为空",
                        f"{col.en} must not be empty",
                        ProblemCode.EMPTY,
                    )
                    row_ok = False
            if not row_ok:
                continue
            try:
                code = parse_code(raw_code)
            except CellError as exc:
                problems.cell(number, layout, "credit_code", exc.zh, exc.en, exc.code)
                row_ok = False
            # Few distinct classes and dates per file: parse each once.
            cls = class_cache.get(raw_class)
            if cls is None:
                try:
                    cls = class_cache[raw_class] = parse_class(raw_class)
                except CellError as exc:
                    problems.cell(number, layout, "risk_class", exc.zh, exc.en, exc.code)
                    row_ok = False
            day = date_cache.get(raw_date)
            if day is None:
                try:
                    day = date_cache[raw_date] = cells.to_date(raw_date)
                except CellError as exc:
                    problems.cell(number, layout, "effective_date", exc.zh, exc.en, exc.code)
                    row_ok = False
            if not row_ok or problems.errors:
                continue
            assert cls is not None and day is not None
            dates.add(day)
            if write is not None:
                write((code, cls, day, number))
    finally:
        table.close()
    return dates


def _duplicates(problems: Problems) -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT credit_code, MIN(row_no), MAX(row_no), COUNT(*) FROM {STAGE} "  # nosec B608 - table and column names are constants; values are bound
            "GROUP BY credit_code, effective_date HAVING COUNT(*) > 1 ORDER BY 2"
        )
        for code, first, last, _n in cur.fetchmany(MAX_DUPLICATES):
            problems.add(
                ImportProblem(
                    last,
                    RISK_CLASSES.column("credit_code").header,
                    f"“{code}”在同一分类日期已出现在第{first}行",
                    f"{code!r} on the same date duplicates row {first}",
                    Severity.ERROR,
                    ProblemCode.DUPLICATE_KEY,
                )
            )


def _write(batch: RiskClassImport, dates: set[dt.date], out: ClassImportOutcome) -> None:
    table = RiskClassification._meta.db_table
    cols = "credit_code, risk_class, effective_date, batch_id"
    with connection.cursor() as cur:
        if not RiskClassification.objects.filter(effective_date__in=sorted(dates)).exists():
            # The usual monthly file: new dates only, so every row is new.
            cur.execute(
                f"INSERT INTO {table} ({cols}) "  # nosec B608 - table and column names are constants; values are bound
                f"SELECT credit_code, risk_class, effective_date, %s FROM {STAGE}",
                [batch.pk],
            )
            out.added = cur.rowcount
            return
        # A file sent again, or a correction: same (code, date) with another class.
        cur.execute(
            f"UPDATE {table} SET risk_class = s.risk_class, batch_id = %s FROM {STAGE} s "  # nosec B608 - table and column names are constants; values are bound
            f"WHERE {table}.credit_code = s.credit_code "
            f"AND {table}.effective_date = s.effective_date "
            f"AND {table}.risk_class <> s.risk_class",
            [batch.pk],
        )
        out.changed = cur.rowcount
        cur.execute(
            f"INSERT INTO {table} ({cols}) "  # nosec B608 - table and column names are constants; values are bound
            f"SELECT s.credit_code, s.risk_class, s.effective_date, %s FROM {STAGE} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.credit_code = s.credit_code "
            "AND r.effective_date = s.effective_date)",
            [batch.pk],
        )
        out.added = cur.rowcount
    out.unchanged = out.rows - out.added - out.changed


def _update_current_classes(day: dt.date, since: dt.date | None, batch_id: int | None) -> int:
    """Set ``Target.risk_class`` to the class in force on ``day`` for every entity with a
    row of ``batch_id`` or a row that took effect after ``since``; others are current."""
    table = RiskClassification._meta.db_table
    which = "r.effective_date > %s"
    params: list[Any] = [day, since or _EPOCH]
    if batch_id is not None:
        which = f"(r.batch_id = %s OR {which})"
        params = [day, batch_id, since or _EPOCH]
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE directory_target SET risk_class = c.risk_class FROM ("  # nosec B608 - table and column names are constants; values are bound
            f"SELECT r.credit_code, r.risk_class FROM {table} r "
            f"WHERE r.effective_date <= %s AND {which} "
            f"AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.credit_code = r.credit_code "
            "AND n.effective_date > r.effective_date AND n.effective_date <= %s)"
            ") c WHERE directory_target.credit_code = c.credit_code "
            "AND directory_target.risk_class <> c.risk_class",
            [*params, day],
        )
        return max(cur.rowcount, 0)


@dataclass
class SyncOutcome:
    day: dt.date
    since: dt.date | None
    classes_updated: int
    flags_updated: int


def sync_current(*, day: dt.date, batch_id: int | None = None) -> SyncOutcome:
    """Bring ``Target.risk_class`` and ``Target.abnormal_operation`` to what is in force on
    ``day``.  Runs inside the caller's transaction."""
    state, _created = CreditSync.objects.select_for_update().get_or_create(pk=1)
    since = state.synced_through
    if since is not None and since > day:
        since = None  # the clock went back: recompute everything rather than trust it
    classes = _update_current_classes(day, since, batch_id)
    entries = CreditListEntry.objects.filter(credit_list__code=ABNORMAL_LIST)
    if since is not None:
        window = {"start_date__gt": since, "start_date__lte": day}
        ended = {"end_date__gt": since, "end_date__lte": day}
        codes = set(entries.filter(**window).values_list("credit_code", flat=True))
        codes |= set(entries.filter(**ended).values_list("credit_code", flat=True))
    else:
        codes = set(entries.values_list("credit_code", flat=True))
    flags = refresh_abnormal_flags(codes, day)
    state.synced_through = day
    state.save(update_fields=["synced_through"])
    return SyncOutcome(day, since, classes, flags)


@transaction.atomic
def credit_sync(*, actor: User | None = None, day: dt.date | None = None) -> SyncOutcome:
    """The daily run (``shuangsuiji credit sync``): classes and list entries that took
    effect or ended since the last run reach the register's current values."""
    outcome = sync_current(day=day or timezone.localdate())
    if outcome.classes_updated or outcome.flags_updated:
        chain.record(
            actor=actor,
            action="credit.sync",
            object_type="credit.CreditSync",
            object_id=1,
            payload={
                "day": outcome.day.isoformat(),
                "since": outcome.since.isoformat() if outcome.since else None,
                "classes_updated": outcome.classes_updated,
                "flags_updated": outcome.flags_updated,
            },
        )
    return outcome


def may_import_classes(user: Any) -> bool:
    return policy.user_has_permission(user, Action.ADD, RiskClassification)


def risk_classes_import(
    *,
    path: Path,
    actor: User,
    file_name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    day: dt.date | None = None,
) -> ClassImportOutcome:
    """Import a classification file as one transaction.  Raises :class:`ImportRejected`
    with every problem (nothing written) when any row has an error; with ``dry_run`` does
    everything, reports the counts, and rolls back."""
    if not may_import_classes(actor):
        raise NotAllowed(
            _("Only the lead department and system administrators import risk classes.")
        )
    day = day or timezone.localdate()
    out = ClassImportOutcome(file_name=file_name or path.name, sha256="")
    problems = Problems()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Other writers of the history wait; readers (a freeze) go on.
                with connection.cursor() as cur:
                    cur.execute(
                        f'LOCK TABLE "{RiskClassification._meta.db_table}" '
                        "IN SHARE ROW EXCLUSIVE MODE"
                    )
            stage = _Stage()
            try:
                dates = _read(path, file_name, out, problems, progress, stage)
            except BaseException:
                stage.abort()
                raise
            stage.finish()
            if not problems.errors:
                _duplicates(problems)
            if problems.errors:
                raise ImportRejected(problems.items)
            if out.rows == 0:
                problems.add(
                    ImportProblem(
                        None,
                        None,
                        "文件中没有数据行",
                        "the file has no data rows",
                        Severity.WARNING,
                        ProblemCode.NO_ROWS,
                    )
                )
            batch = RiskClassImport.objects.create(
                file_name=out.file_name[:200],
                sha256=out.sha256,
                imported_by=actor,
                imported_at=timezone.now(),
            )
            if dates:
                _write(batch, dates, out)
                out.first_date, out.last_date = min(dates), max(dates)
            out.targets_updated = sync_current(day=day, batch_id=batch.pk).classes_updated
            _Stage.drop()
            for name in ("rows", "added", "changed", "unchanged", "targets_updated"):
                setattr(batch, name, getattr(out, name))
            batch.first_date, batch.last_date = out.first_date, out.last_date
            batch.save()
            chain.record(
                actor=actor,
                action="credit.import.risk_classes",
                obj=batch,
                payload={
                    "file": out.file_name,
                    "sha256": out.sha256,
                    "rows": out.rows,
                    "added": out.added,
                    "changed": out.changed,
                    "unchanged": out.unchanged,
                    "targets_updated": out.targets_updated,
                    "dates": sorted(d.isoformat() for d in dates)[:50],
                },
            )
            out.batch_id = batch.pk
            if dry_run:
                transaction.set_rollback(True)
            else:
                out.applied = True
    finally:
        out.problems, out.errors, out.warnings = problems.items, problems.errors, problems.warnings
    return out
