"""Scale (slow): a county-sized task completes; timings are printed, not asserted
(measured on the development machine: about 1.2 s for 5,000 × 500; see docs/matching.md)."""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter

import pytest

from shuangsuiji.lottery.matching import algorithm as matching_algorithm
from shuangsuiji.lottery.matching import check_matching, match_inspectors

try:
    from .test_matching_support import (
        assert_constraints,
        conflict,
        make_draw,
        make_inputs,
        make_inspector,
    )
except ImportError:
    from test_matching_support import (  # type: ignore[no-redef]
        assert_constraints,
        conflict,
        make_draw,
        make_inputs,
        make_inspector,
    )

pytestmark = pytest.mark.slow
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TAGS = ["食品安全", "特种设备", "药品", "医疗器械", "广告监管", "价格监管"]


def _targets(n: int, rnd: random.Random) -> list[str]:
    ids = {"9141152" + "".join(rnd.choice(CODE_CHARS) for _ in range(11)) for _ in range(n)}
    while len(ids) < n:  # pragma: no cover - collisions are rare
        ids.add("9141152" + "".join(rnd.choice(CODE_CHARS) for _ in range(11)))
    return sorted(ids)


def _county_task(n: int = 5000, m: int = 500, k: int = 2) -> tuple[dict, dict]:
    """5,000 drawn targets, 500 inspectors in three departments, 2 % of all pairs in
    conflict, expertise required (about 85 % have it), 5 % expired certificates."""
    rnd = random.Random(411523)
    targets = _targets(n, rnd)
    inspectors = []
    for j in range(m):
        tags = {t for t in TAGS if rnd.random() < 0.5}
        if rnd.random() < 0.7:
            tags.add("食品安全")
        expired = rnd.random() < 0.05
        inspectors.append(
            make_inspector(
                j,
                ["SJ", "WJ", "HB"][j % 3],
                cap=1,
                expertise=tuple(tags),
                valid_to="2026-04-30" if expired else "2029-12-31",
            )
        )
    qualified = [
        i
        for i in inspectors
        if "食品安全" in i["expertise"] and "2029" in i["certificate_valid_to"]
    ]
    for inspector in inspectors:
        inspector["cap"] = -(-n * k // len(qualified)) + 2
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n * m // 50:
        pairs.add((rnd.randrange(n), rnd.randrange(m)))
    conflicts = [conflict(targets[t], inspectors[i]["id"]) for t, i in sorted(pairs)]
    inputs = make_inputs(inspectors, k=k, required=["食品安全"], conflicts=conflicts)
    draw = make_draw(rnd.sample(targets, n), hashlib.sha256(b"county").hexdigest())
    return draw, inputs


def test_county_sized_task_completes_and_verifies() -> None:
    draw, inputs = _county_task()
    started = time.perf_counter()
    record = match_inspectors(draw, inputs)
    elapsed = time.perf_counter() - started
    print(f"\n5000 targets × 500 inspectors: matched in {elapsed:.2f} s")
    assert len(record["assignments"]) == 5000
    assert_constraints(record, inputs)
    loads = Counter(s["inspector_id"] for a in record["assignments"] for s in a["inspectors"])
    assert max(loads.values()) - min(loads.values()) <= 2
    assert check_matching(draw, record, inputs) == []


def test_tight_task_needing_the_exact_path_completes(monkeypatch) -> None:
    """2,000 targets × 200 inspectors with caps summing exactly to the demand, and the last
    100 targets restricted to 20 inspectors: the plain greedy gets stuck, the flow-backed
    rule finishes."""
    n, m, k = 2000, 200, 2
    targets = [f"914115230{j:09d}" for j in range(n)]
    inspectors = [make_inspector(j, "SJ", cap=n * k // m) for j in range(m)]
    restricted = [conflict(t, inspectors[i]["id"]) for t in targets[-100:] for i in range(20, m)]
    inputs = make_inputs(inspectors, k=k, conflicts=restricted)
    draw = make_draw(targets, hashlib.sha256(b"tight").hexdigest())
    calls = []
    exact = matching_algorithm._exact
    monkeypatch.setattr(matching_algorithm, "_exact", lambda *a: calls.append(1) or exact(*a))
    started = time.perf_counter()
    record = match_inspectors(draw, inputs)
    print(f"\n2000 × 200 tight (exact path): {time.perf_counter() - started:.2f} s")
    assert calls, "expected the exact path"
    assert_constraints(record, inputs)
