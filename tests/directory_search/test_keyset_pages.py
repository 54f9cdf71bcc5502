"""Keyset pages: every row exactly once, in a stable order, even while rows are added
between pages; no OFFSET and no COUNT in the queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuangsuiji.directory.models import Target
from shuangsuiji.directory.search import SearchMode, TargetFilters, target_search

from .conftest import Directory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_sizes")]


def walk(
    d: Directory, filters: TargetFilters, limit: int, between: list[str] | None = None
) -> list[Target]:
    """All pages; before each next page, add one target named from ``between``."""
    user = d.county.users["lead_admin"]
    seen: list[Target] = []
    after: str | None = None
    to_add = list(between or [])
    for _ in range(100):
        page = target_search(user=user, filters=filters, after=after, limit=limit)
        assert len(page.items) <= limit
        seen.extend(page.items)
        if not page.has_more:
            return seen
        assert len(page.items) == limit
        after = page.next_cursor
        if to_add:
            d.add(to_add.pop(0))
    raise AssertionError("pages never ended")


def many(d: Directory, n: int, word: str = "鑫源") -> None:
    for i in range(n):
        d.add(f"新县{word}第{i + 1}分店", kind="个体工商户" if i % 2 else "企业")


@pytest.mark.parametrize("limit", [1, 3, 5, 50])
def test_pages_cover_every_row_once_in_id_order(directory: Directory, limit: int) -> None:
    many(directory, 9)
    rows = walk(directory, TargetFilters(), limit)
    ids = [t.pk for t in rows]
    assert ids == sorted(Target.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("q", ["鑫源", "鑫源第", "分店", "第1", "鑫"])
def test_name_pages_cover_every_match_once(directory: Directory, q: str) -> None:
    many(directory, 11)
    expected = sorted(Target.objects.filter(name__contains=q).values_list("pk", flat=True))
    assert len(expected) >= 3
    assert [t.pk for t in walk(directory, TargetFilters(q=q), 2)] == expected


def test_code_prefix_pages_follow_code_order(directory: Directory) -> None:
    many(directory, 7)
    rows = walk(directory, TargetFilters(q="91411523"), 2)
    expected = sorted(
        Target.objects.filter(credit_code__startswith="91411523").values_list(
            "credit_code", flat=True
        )
    )
    assert [t.credit_code for t in rows] == expected
    assert len(expected) > 4


@pytest.mark.parametrize(
    "filters",
    [
        TargetFilters(),
        TargetFilters(q="鑫源"),
        TargetFilters(q="鑫源第"),
        TargetFilters(q="91411523"),
        TargetFilters(kind="企业"),
    ],
    ids=["all", "two-chars", "three-chars", "code-prefix", "kind"],
)
def test_rows_added_between_pages_neither_repeat_nor_hide_others(
    directory: Directory, filters: TargetFilters
) -> None:
    many(directory, 8)
    before = {
        t.pk
        for t in target_search(
            user=directory.county.users["supervisor"], filters=filters, limit=200
        ).items
    }
    additions = [f"新县鑫源第{i}分店（新增）" for i in range(100, 110)]
    rows = walk(directory, filters, 2, between=additions)
    ids = [t.pk for t in rows]
    assert len(ids) == len(set(ids)), "a row appeared on two pages"
    assert before <= set(ids), "a row that was there all along was skipped"


def test_a_cursor_from_another_kind_of_search_starts_over(directory: Directory) -> None:
    user = directory.county.users["supervisor"]
    first = target_search(user=user, filters=TargetFilters(q="91411523"), limit=2)
    assert first.mode is SearchMode.CODE and first.next_cursor
    by_name = target_search(user=user, filters=TargetFilters(q="有限"), after=first.next_cursor)
    assert [t.pk for t in by_name.items] == sorted(
        Target.objects.filter(name__contains="有限").values_list("pk", flat=True)
    )
    for junk in ["abc", "~12", "-5", "12~x", "鑫源~3", "1' OR '1'='1"]:
        page = target_search(user=user, filters=TargetFilters(), after=junk, limit=3)
        assert [t.pk for t in page.items] == sorted(Target.objects.values_list("pk", flat=True))[:3]


def test_queries_use_neither_offset_nor_count(directory: Directory) -> None:
    many(directory, 6)
    user = directory.county.users["supervisor"]
    for filters in [TargetFilters(q="鑫源"), TargetFilters(q="91411523"), TargetFilters()]:
        page = target_search(user=user, filters=filters, limit=2)
        with CaptureQueriesContext(connection) as ctx:
            target_search(user=user, filters=filters, after=page.next_cursor, limit=2)
        sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
        assert " OFFSET " not in sql
        assert "COUNT(" not in sql
        # The page; for names, a few windows (walks or index reads) to find its ids first.
        reads = [q for q in ctx.captured_queries if "directory_target" in q["sql"]]
        assert len(reads) <= 8
