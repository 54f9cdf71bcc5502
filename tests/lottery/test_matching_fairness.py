"""Statistical fairness over many seeds (slow): every eligible inspector is about equally
likely to be sent to a target, within binomial bounds.

Seeds are fixed, so these tests are deterministic; the bounds (|z| ≤ 4.5 per cell, i.e. a
two-sided p of about 7e-6, Bonferroni-safe over a few hundred cells) are what a fair rule
passes with near certainty for *any* seed set, and what a biased rule (for instance one
that favours low ids, or that ignores the hash for ties) fails by a wide margin.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from shuangsuiji.lottery.matching import match_inspectors

try:
    from .test_matching_support import (
        TARGET_POOL,
        conflict,
        make_draw,
        make_inputs,
        make_inspector,
        seed_hex,
    )
except ImportError:
    from test_matching_support import (  # type: ignore[no-redef]
        TARGET_POOL,
        conflict,
        make_draw,
        make_inputs,
        make_inspector,
        seed_hex,
    )

Z_LIMIT = 4.5
pytestmark = pytest.mark.slow


def _pair_counts(inputs: dict, targets: list[str], seeds: int, tag: str) -> Counter:
    counts: Counter = Counter()
    for s in range(seeds):
        record = match_inspectors(make_draw(targets, seed_hex(f"{tag}-{s}")), inputs)
        for assignment in record["assignments"]:
            for slot in assignment["inspectors"]:
                counts[assignment["target_id"], slot["inspector_id"]] += 1
    return counts


def _assert_binomial(count: int, trials: int, p: float, what: str) -> None:
    sd = math.sqrt(trials * p * (1 - p))
    z = (count - trials * p) / sd
    assert abs(z) <= Z_LIMIT, f"{what}: {count} of {trials}, expected {trials * p:.0f} (z={z:.2f})"


def test_every_inspector_is_equally_likely_for_every_target() -> None:
    """10 inspectors, 12 targets, 2 per target: each (target, inspector) pair has p = 0.2,
    for the first target in dispatch order as for the last, load balancing notwithstanding."""
    seeds, m, k = 20_000, 10, 2
    inspectors = [make_inspector(j, "SJ", cap=12) for j in range(m)]
    targets = TARGET_POOL[:12]
    counts = _pair_counts(make_inputs(inspectors, k=k), targets, seeds, "uniform")
    for target in targets:
        for inspector in inspectors:
            _assert_binomial(counts[target, inspector["id"]], seeds, k / m, target)
    # A chi-square over the whole table, as a second, global look.
    expected = seeds * k / m
    chi2 = sum((counts[t, i["id"]] - expected) ** 2 / expected for t in targets for i in inspectors)
    dof = len(targets) * (m - 1)
    assert chi2 < dof + 5 * math.sqrt(2 * dof), f"chi-square {chi2:.1f} with {dof} dof"


def test_eligible_inspectors_are_equally_likely_despite_conflicts() -> None:
    """A target with three conflicted inspectors: the seven others share it evenly."""
    seeds, m, k = 15_000, 10, 2
    inspectors = [make_inspector(j, "SJ", cap=12) for j in range(m)]
    targets = TARGET_POOL[:8]
    special = targets[3]
    conflicted = {"SJ-001", "SJ-004", "SJ-008"}
    inputs = make_inputs(
        inspectors, k=k, conflicts=[conflict(special, i) for i in sorted(conflicted)]
    )
    counts = _pair_counts(inputs, targets, seeds, "conflicts")
    for inspector in inspectors:
        if inspector["id"] in conflicted:
            assert counts[special, inspector["id"]] == 0
        else:
            _assert_binomial(counts[special, inspector["id"]], seeds, k / 7, inspector["id"])


def test_joint_departments_are_fair_within_each_department() -> None:
    """Joint task (SJ 4 inspectors, WJ 6), 3 per target: within a department every
    inspector has the same chance of being on a target's team."""
    seeds, k = 12_000, 3
    inspectors = [make_inspector(j, "SJ", cap=9) for j in range(4)] + [
        make_inspector(j, "WJ", cap=9) for j in range(4, 10)
    ]
    targets = TARGET_POOL[:6]
    counts = _pair_counts(make_inputs(inspectors, k=k, joint=["SJ", "WJ"]), targets, seeds, "j")
    for target in targets:
        for dept in ("SJ", "WJ"):
            members = [i["id"] for i in inspectors if i["department"] == dept]
            total = sum(counts[target, i] for i in members)
            share = total / (seeds * len(members))  # the department's per-inspector rate
            for member in members:
                _assert_binomial(counts[target, member], seeds, share, f"{target} {member}")


def test_loads_are_balanced_on_every_seed_when_all_are_eligible() -> None:
    inspectors = [make_inspector(j, "SJ", cap=20) for j in range(7)]
    inputs = make_inputs(inspectors, k=3)
    for s in range(500):
        record = match_inspectors(make_draw(TARGET_POOL, seed_hex(f"load-{s}")), inputs)
        load = Counter(
            slot["inspector_id"] for a in record["assignments"] for slot in a["inspectors"]
        )
        assert max(load.values()) - min(load.values()) <= 1
        assert len(load) == 7
