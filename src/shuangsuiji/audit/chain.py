"""Writing to and verifying the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditEvent, AuditHead


def _now_ms() -> dt.datetime:
    # Truncated to milliseconds: every supported database stores that exactly.
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def canonical_json(data: Any) -> str:
    """Sorted keys, no insignificant white space, UTF-8 text: the same bytes on every run."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    department_id: int | None,
    payload: str,
    prev_hash: str,
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "occurred_at": _timestamp(occurred_at),
            "actor_id": actor_id,
            "actor": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "department_id": department_id,
            "payload": payload,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    department: Any = None,
    payload: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event.  Must run inside the transaction of the change it records, so the
    change and its record commit or roll back together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = getattr(actor, "username", None) or str(actor) if actor is not None else "system"
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = obj.pk if object_id is None else object_id
        if department is None and hasattr(obj, "department_id"):
            department = obj.department_id
    department_id = getattr(department, "pk", department)
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=_now_ms(),
        actor_id=actor_id,
        actor_label=actor_label or "system",
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        department_id=department_id,
        payload=canonical_json(dict(payload or {})),
        prev_hash=head.hash,
    )
    event.hash = row_hash(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        department_id=event.department_id,
        payload=event.payload,
        prev_hash=event.prev_hash,
    )
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    row_id: int | None
    kind: str  # altered | inserted | deleted | reordered | head
    message: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "chain head"
        rid = f" (row id {self.row_id})" if self.row_id is not None else ""
        return f"{where}{rid}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _iter_rows() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Walk the chain from the start and stop at the first broken link."""
    head = AuditHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    prev_row: AuditEvent | None = None
    for row in _iter_rows():
        count += 1
        recomputed = row_hash(
            seq=row.seq,
            occurred_at=row.occurred_at,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            department_id=row.department_id,
            payload=row.payload,
            prev_hash=row.prev_hash,
        )
        if row.seq > head_seq:
            return ChainReport(
                count,
                expected_prev,
                ChainProblem(
                    row.seq,
                    row.pk,
                    "inserted",
                    f"the chain head ends at {head_seq}; this row was not written by the platform",
                ),
            )
        if row.seq < expected_seq:
            return ChainReport(
                count,
                expected_prev,
                ChainProblem(row.seq, row.pk, "inserted", f"sequence {row.seq} appears again"),
            )
        if row.seq > expected_seq:
            return ChainReport(
                count,
                expected_prev,
                ChainProblem(
                    row.seq,
                    row.pk,
                    "deleted",
                    f"rows {expected_seq}..{row.seq - 1} are missing before this row",
                ),
            )
        if row.prev_hash != expected_prev:
            if recomputed == row.hash and prev_row is not None:
                # This row is intact, so the one before it was changed and re-hashed.
                return ChainReport(
                    count,
                    expected_prev,
                    ChainProblem(
                        prev_row.seq,
                        prev_row.pk,
                        "altered",
                        f"its hash no longer matches what row {row.seq} recorded "
                        "(changed and re-hashed)",
                    ),
                )
            return ChainReport(
                count,
                expected_prev,
                ChainProblem(
                    row.seq,
                    row.pk,
                    "altered",
                    "prev_hash does not match the hash of the row before it",
                ),
            )
        if recomputed != row.hash:
            return ChainReport(
                count,
                expected_prev,
                ChainProblem(
                    row.seq, row.pk, "altered", "the row's content no longer matches its hash"
                ),
            )
        expected_prev = row.hash
        expected_seq += 1
        prev_row = row
    if head_seq != expected_seq - 1 or head_hash != expected_prev:
        return ChainReport(
            count,
            expected_prev,
            ChainProblem(
                None,
                None,
                "deleted" if head_seq > expected_seq - 1 else "head",
                f"the chain head records {head_seq} rows ending in {head_hash[:12]}…, "
                f"the table ends at {expected_seq - 1} ({expected_prev[:12]}…)",
            ),
        )
    return ChainReport(count, expected_prev, None)
