"""The audit chain: intact data verifies; a direct edit, insert or delete is caught and the
first broken row is named — on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from shuangsuiji.audit import chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.cli import main
from shuangsuiji.directory import services
from tests.conftest import County


def _make_events(county: County, n: int = 5) -> list[AuditEvent]:
    item = county.items["health"]
    for i in range(n):
        services.item_update(
            item=item,
            actor=county.users["dept_admin"],
            data={"content": f"第{i + 1}次修订：检查内容"},
        )
    return list(AuditEvent.objects.order_by("seq"))


def _raw(sql: str, params: list[object] | None = None) -> None:
    """Tamper behind the application's back.  On PostgreSQL the append-only trigger has to
    be switched off first, as a database owner intent on tampering would."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")  # superuser: no triggers
        cur.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_untouched_chain_verifies(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    events = _make_events(county)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert chain.verify_chain().ok
    assert main(["audit", "verify"]) == 0
    assert "5 rows" in capsys.readouterr().out


@pytest.mark.django_db
def test_empty_chain_verifies(db: None) -> None:
    assert chain.verify_chain().ok


@pytest.mark.django_db
def test_direct_edit_is_named(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    events = _make_events(county)
    _raw("UPDATE audit_auditevent SET payload = %s WHERE seq = 3", ['{"changes":{}}'])
    report = chain.verify_chain()
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "altered")
    assert report.problem.row_id == events[2].pk
    assert main(["audit", "verify"]) == 1
    assert "seq 3" in capsys.readouterr().err


@pytest.mark.django_db
def test_edit_that_also_rehashes_the_row_is_named_by_the_next_link(county: County) -> None:
    _make_events(county)
    row = AuditEvent.objects.get(seq=2)
    forged_payload = '{"changes":{"content":["x","y"]}}'
    forged_hash = chain.row_hash(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_label=row.actor_label,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        department_id=row.department_id,
        payload=forged_payload,
        prev_hash=row.prev_hash,
    )
    _raw(
        "UPDATE audit_auditevent SET payload = %s, hash = %s WHERE seq = 2",
        [forged_payload, forged_hash],
    )
    problem = chain.verify_chain().problem
    assert problem is not None and problem.seq == 2 and problem.kind == "altered"
    assert "row 3" in problem.message


@pytest.mark.django_db
def test_deleted_row_is_named(county: County) -> None:
    _make_events(county)
    _raw("DELETE FROM audit_auditevent WHERE seq = 2")
    problem = chain.verify_chain().problem
    assert problem is not None and problem.kind == "deleted" and problem.seq == 3
    assert "2..2" in problem.message


@pytest.mark.django_db
def test_deleted_tail_is_caught_by_the_head(county: County) -> None:
    _make_events(county)
    _raw("DELETE FROM audit_auditevent WHERE seq = 5")
    problem = chain.verify_chain().problem
    assert problem is not None and problem.kind == "deleted" and problem.seq is None


@pytest.mark.django_db
def test_inserted_row_is_named(county: County) -> None:
    events = _make_events(county)
    last = events[-1]
    _raw(
        "INSERT INTO audit_auditevent (seq, occurred_at, actor_label, action, object_type, "
        "object_id, payload, prev_hash, hash) VALUES (6, %s, 'ghost', 'item.update', "
        "'directory.InspectionItem', '1', '{}', %s, %s)",
        [last.occurred_at, last.hash, "f" * 64],
    )
    problem = chain.verify_chain().problem
    assert problem is not None and problem.seq == 6 and problem.kind == "inserted"


@pytest.mark.django_db
def test_failed_change_leaves_no_audit_row(county: County) -> None:
    item = county.items["health"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.item_update(
            item=item, actor=county.users["dept_admin"], data={"content": "新内容"}
        )
        raise RuntimeError("the surrounding work failed")
    assert not AuditEvent.objects.exists()
    item.refresh_from_db()
    assert item.content != "新内容"


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        chain.record(actor=None, action="x")


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_trigger_refuses_update_and_delete(county: County) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    _make_events(county, 2)
    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert AuditEvent.objects.count() == 2
    assert chain.verify_chain().ok
