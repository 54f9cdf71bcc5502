"""Writing checked records: new rows in bulk, changed rows with their history.

New market entities go straight into the table: PostgreSQL ``COPY`` (the fastest way in,
the same the benchmark compares against) or SQLite ``executemany``, streamed while the
file is still being read.  The county register's creations are recorded by the import
batch (audit row with the file's SHA-256), not row by row; inspectors and items, small
department lists, get a simple_history "+" record per created row.  Every changed row of
any kind gets a "~" history record (``bulk_update_with_history``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import ExitStack, suppress
from typing import Any

from django.db import connection, models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shuangsuiji.organizations.policy import AnyUser

from .kinds import KindSpec

BATCH = 5_000
ORM_BATCH = 500


def _json_fields(model: type[models.Model], fields: Sequence[str]) -> set[int]:
    return {
        i for i, f in enumerate(fields) if isinstance(model._meta.get_field(f), models.JSONField)
    }


def _history_user(actor: AnyUser) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


class RowWriter:
    def add(self, values: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        pass


class _PostgresCopy(RowWriter):
    """COPY straight into the table; defaults for the columns the file does not carry."""

    def __init__(self, spec: KindSpec, fields: Sequence[str]):
        model = spec.model
        self.defaults = _defaults(model, fields)
        self.columns = [*fields, *self.defaults]
        self.json = _json_fields(model, self.columns)
        self.extra = tuple(
            json.dumps(v, ensure_ascii=False) if (len(fields) + i) in self.json else v
            for i, v in enumerate(self.defaults.values())
        )
        cols = ", ".join(f'"{_column(model, c)}"' for c in self.columns)
        self.stack = ExitStack()
        cursor = self.stack.enter_context(connection.cursor())
        raw: Any = cursor.cursor
        self.copy = self.stack.enter_context(
            raw.copy(f'COPY "{model._meta.db_table}" ({cols}) FROM STDIN')
        )
        self.write_row = self.copy.write_row

    def add(self, values: tuple[Any, ...]) -> None:
        if self.json:
            values = tuple(
                json.dumps(list(v), ensure_ascii=False) if i in self.json else v
                for i, v in enumerate(values)
            )
        self.write_row(values + self.extra)

    def finish(self) -> None:
        self.stack.close()

    def abort(self) -> None:
        with suppress(_Abort):
            self.stack.__exit__(_Abort, _Abort(), None)


class _Abort(Exception):
    pass


class _SqliteInsert(RowWriter):
    def __init__(self, spec: KindSpec, fields: Sequence[str]):
        model = spec.model
        self.defaults = _defaults(model, fields)
        self.columns = [*fields, *self.defaults]
        self.json = _json_fields(model, self.columns)
        self.dates = {
            i for i, c in enumerate(self.columns)
            if isinstance(model._meta.get_field(c), models.DateField)
        }  # fmt: skip
        marks = ", ".join(["%s"] * len(self.columns))
        cols = ", ".join(f'"{_column(model, c)}"' for c in self.columns)
        self.sql = f'INSERT INTO "{model._meta.db_table}" ({cols}) VALUES ({marks})'  # nosec B608 - the model's own table and column names; values are bound
        self.extra = tuple(self.defaults.values())
        self.batch: list[tuple[Any, ...]] = []
        self.convert = bool(self.json or self.dates)

    def add(self, values: tuple[Any, ...]) -> None:
        row = values + self.extra
        if self.convert:
            row = tuple(
                json.dumps(list(v), ensure_ascii=False) if i in self.json
                else (v.isoformat() if i in self.dates and v is not None else v)
                for i, v in enumerate(row)
            )  # fmt: skip
        self.batch.append(row)
        if len(self.batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        with connection.cursor() as cur:
            cur.executemany(self.sql, self.batch)
        self.batch = []

    def finish(self) -> None:
        if self.batch:
            self._flush()


class _OrmCreate(RowWriter):
    """Small lists: model instances, ``bulk_create_with_history`` ("+" records)."""

    def __init__(self, spec: KindSpec, fields: Sequence[str], actor: AnyUser, reason: str):
        self.spec, self.fields, self.actor, self.reason = spec, list(fields), actor, reason
        self.objs: list[models.Model] = []
        self.json = _json_fields(spec.model, fields)

    def add(self, values: tuple[Any, ...]) -> None:
        obj = self.spec.model()
        for i, (name, value) in enumerate(zip(self.fields, values, strict=True)):
            setattr(obj, name, list(value) if i in self.json else value)
        self.objs.append(obj)

    def finish(self) -> None:
        if self.objs:
            bulk_create_with_history(
                self.objs, self.spec.model, batch_size=ORM_BATCH,
                default_user=_history_user(self.actor), default_change_reason=self.reason,
            )  # fmt: skip


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def _defaults(model: type[models.Model], fields: Sequence[str]) -> dict[str, Any]:
    """Model defaults for concrete columns the file does not fill (raw inserts skip the
    ORM, so these must be spelled out)."""
    result: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in fields:
            continue
        if f.has_default():
            result[f.attname] = f.get_default()
        elif f.null:
            result[f.attname] = None
        elif isinstance(f, models.CharField | models.TextField):
            result[f.attname] = ""
    return result


def new_row_writer(
    spec: KindSpec, fields: Sequence[str], *, actor: AnyUser, reason: str
) -> RowWriter:
    if spec.history_on_create:
        return _OrmCreate(spec, fields, actor, reason)
    if connection.vendor == "postgresql":
        return _PostgresCopy(spec, fields)
    return _SqliteInsert(spec, fields)


def apply_changes(
    spec: KindSpec,
    fields: Sequence[str],
    changed: Sequence[tuple[int, int, tuple[Any, ...]]],
    *,
    actor: AnyUser,
    reason: str,
) -> None:
    """Update changed rows in batches, each with a "~" history record."""
    model = spec.model
    json_i = _json_fields(model, fields)
    names = list(fields)
    for start in range(0, len(changed), ORM_BATCH):
        batch = changed[start : start + ORM_BATCH]
        objs = model._default_manager.in_bulk([pk for _, pk, _ in batch])
        updated = []
        for _, pk, values in batch:
            obj = objs[pk]
            for i, (name, value) in enumerate(zip(names, values, strict=True)):
                setattr(obj, name, list(value) if i in json_i else value)
            updated.append(obj)
        bulk_update_with_history(
            updated, model, names, batch_size=ORM_BATCH,
            default_user=_history_user(actor), default_change_reason=reason,
        )  # fmt: skip
