"""The search queries can use their indexes, and the SQLite search tables stay in step
with the directory (and are repaired when a table remake drops their triggers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.models import QuerySet

from shuangsuiji.directory.models import Target
from shuangsuiji.directory.search import (
    FTS_BIGRAM,
    FTS_NAME,
    SQLITE_TRIGGERS,
    TargetFilters,
    _indexed_filter,
    _pair_stats_for,
    _PairStats,
    ensure_sqlite_search,
    target_search,
)

from .conftest import Directory

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def plan_of(d: Directory, filters: TargetFilters, marker: str = 'FROM "directory_target"') -> str:
    """The plan of the first query of a search whose SQL contains ``marker``, captured by
    running the search and then EXPLAINing that query."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        target_search(user=d.county.users["supervisor"], filters=filters)
    sql = next(q["sql"] for q in ctx.captured_queries if marker in q["sql"])
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN " + sql)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cur.fetchall())


def by_index(q: str) -> QuerySet[Target]:
    stats = _PairStats({"鑫源": 0.5, "新县": 0.9}, 0.1, 12.0, 0.0)
    return _indexed_filter(Target.objects.all(), q, 0, 0, stats.rarest(q))


def found_by_index(q: str) -> set[int]:
    return set(by_index(q).values_list("pk", flat=True))


@pytest.fixture
def no_scans() -> Iterator[None]:
    """On a dozen rows a sequential scan is cheapest; forbid it to see what can be used."""
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cur:
        cur.execute("RESET enable_seqscan")


@on_postgres
@pytest.mark.usefixtures("no_scans")
def test_postgres_plans_use_the_search_indexes(directory: Directory) -> None:
    d = directory
    with connection.cursor() as cur:
        cur.execute("SET enable_indexscan = off")  # leaves bitmap scans: GIN indexes
    try:
        # What an index window of a name search asks the pair index.
        for q in ("鑫源", "鑫源商", "鑫源商贸有限"):
            assert "directory_target_name_keys" in by_index(q).explain()
            assert found_by_index(q) == {t.pk for t in d.targets.values() if q in t.name}
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET enable_indexscan")
    code = d.targets["hongda"].credit_code
    assert "directory_target_code_keyset" in plan_of(d, TargetFilters(q=code))
    assert "directory_target_code_keyset" in plan_of(d, TargetFilters(q="91411523MA"))
    filtered = TargetFilters(township_id=d.townships["xinji"].pk, kind="企业", risk_class="A")
    # On a dozen rows the planner may as well take the foreign key's index on township.
    plan = plan_of(d, filtered)
    assert "directory_target_filter_keyset" in plan or "directory_target_township_id" in plan


@on_sqlite
def test_sqlite_plans_use_the_search_tables(directory: Directory) -> None:
    d = directory
    three = plan_of(d, TargetFilters(q="鑫源商"), "MATCH")
    assert "VIRTUAL TABLE INDEX" in three and FTS_NAME in three
    two = plan_of(d, TargetFilters(q="鑫源"), "MATCH")
    assert "VIRTUAL TABLE INDEX" in two and FTS_BIGRAM in two
    code = d.targets["hongda"].credit_code
    assert "directory_target_code_keyset" in plan_of(d, TargetFilters(q=code[:10]))
    filtered = TargetFilters(township_id=d.townships["xinji"].pk, kind="企业", risk_class="A")
    assert "directory_target_filter_keyset" in plan_of(d, filtered)


def fts_integrity() -> None:
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {FTS_NAME}({FTS_NAME}) VALUES ('integrity-check')")
        cur.execute(f"INSERT INTO {FTS_BIGRAM}({FTS_BIGRAM}) VALUES ('integrity-check')")


def names(q: str, d: Directory) -> set[str]:
    page = target_search(user=d.county.users["supervisor"], filters=TargetFilters(q=q), limit=200)
    return {t.name for t in page.items}


@on_sqlite
def test_sqlite_search_tables_follow_inserts_updates_and_deletes(directory: Directory) -> None:
    d = directory
    t = d.add("新县金源电子商务有限公司")
    Target.objects.filter(pk=t.pk).update(name="新县金源电商有限公司")
    assert names("金源电商", d) == {"新县金源电商有限公司"}
    assert names("电子商务", d) == set()
    Target.objects.filter(pk=t.pk).update(risk_class="D")  # not the name: no change
    Target.objects.filter(name__startswith="新县鑫源").delete()
    assert names("鑫源", d) == {"新县泗店乡李鑫源"}
    fts_integrity()


@on_sqlite
def test_sqlite_search_is_repaired_after_a_table_remake_drops_its_triggers(
    directory: Directory,
) -> None:
    d = directory
    with connection.cursor() as cur:
        for name in SQLITE_TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}")
    # Rows that change while the triggers are gone are caught up by the repair.
    Target.objects.filter(pk=d.targets["hongda"].pk).update(name="新县鼎盛建材有限公司")
    d.add("新县鑫源农家乐")
    assert ensure_sqlite_search(connection) is True
    assert ensure_sqlite_search(connection) is False
    assert names("鼎盛", d) == {"新县鼎盛建材有限公司"}
    assert names("宏达", d) == set()
    assert "新县鑫源农家乐" in names("鑫源", d)
    assert names("农家乐", d) == {"新县鑫源农家乐"}
    fts_integrity()


@on_postgres
def test_postgres_pair_frequencies_come_from_the_statistics(
    directory: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shuangsuiji.directory import search

    monkeypatch.setattr(search, "_pair_stats", {})
    with connection.cursor() as cur:
        cur.execute("ANALYZE directory_target")
    stats = _pair_stats_for(connection.alias)
    assert stats.rows == len(directory.targets)
    assert stats.frequency_of("新县") == 1.0  # every name starts with the county
    assert stats.density("新县鑫源") <= stats.density("新县") == 1.0
    assert stats.rarest("新县鑫源")[-1] == "新县"  # the most common pair last


def test_the_density_bound_is_the_rarest_pair() -> None:
    listed = {"新县": 0.94, "鑫源": 0.001, "有限": 0.3, "限公": 0.3, "公司": 0.31}
    stats = _PairStats(listed, 0.00009, 10_000_000.0, 0.0)
    assert stats.density("有限公司") == pytest.approx(0.3)
    assert stats.density("鑫源") == pytest.approx(0.001)
    assert stats.density("新县鑫源") == pytest.approx(0.00009)  # 县鑫 is not listed: rarer
    assert stats.rarest("新县鑫源") == ["县鑫", "鑫源", "新县"]
    assert stats.rarest("新县鑫源", 2) == ["县鑫", "鑫源"]
    assert stats.rarest("KTV") == stats.rarest("ktv") == ["kt", "tv"]


def test_names_are_found_across_id_buckets(county: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids far apart land in different buckets of the pair index (65 536 ids each)."""
    from shuangsuiji.directory import search

    from .conftest import build_directory

    d = build_directory(county)  # type: ignore[arg-type]
    far = []
    for i, bucket in enumerate([1, 2, 5]):
        far.append(
            Target.objects.create(
                id=(bucket << search.BUCKET_BITS) + 7,
                region=d.county.region,
                credit_code=f"92411523MA4{i:06d}X",
                name=f"新县鑫源第{bucket}分店",
                kind="个体工商户",
            )
        )
    expected = sorted([d.targets[k].pk for k in ("xinyuan_trade", "xinyuan_tea", "li_xinyuan")])
    expected += [t.pk for t in far]
    for share, window in [(0.001, 0.01), (0.001, 1e9), (0.5, 200)]:
        fake = search._PairStats({}, share, 1000.0, 0.0)
        monkeypatch.setattr(search, "_pair_stats_for", lambda alias, fake=fake: fake)
        monkeypatch.setattr(search, "WINDOW_MATCHES", window)
        for limit in (1, 2, 50):
            seen: list[int] = []
            after = None
            while True:
                page = target_search(
                    user=d.county.users["supervisor"],
                    filters=TargetFilters(q="鑫源"),
                    after=after,
                    limit=limit,
                )
                seen += [t.pk for t in page.items]
                if not page.has_more:
                    break
                after = page.next_cursor
            assert seen == expected, (share, window, limit)
