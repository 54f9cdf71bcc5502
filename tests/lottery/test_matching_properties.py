"""Property tests: the matching obeys every constraint, agrees with a naive reading of the
spec, is deterministic, and reports infeasible exactly when no matching exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery.matching import (
    MatchingInfeasible,
    match_inspectors,
    record_bytes,
)
from shuangsuiji.lottery.matching.algorithm import _exact, solve
from shuangsuiji.lottery.matching.eligibility import build_instance
from shuangsuiji.lottery.matching.flow import Witness
from shuangsuiji.lottery.matching.greedy import PairKeys, greedy
from shuangsuiji.lottery.matching.inputs import parse_inputs
from shuangsuiji.lottery.matching.spec import match_seed

try:
    from .test_matching_support import (
        TARGET_POOL,
        assert_constraints,
        brute_force_feasible,
        conflict,
        instances,
        make_draw,
        make_inputs,
        make_inspector,
        reference_match,
        seed_hex,
        tight_instances,
    )
except ImportError:
    from test_matching_support import (  # type: ignore[no-redef]
        TARGET_POOL,
        assert_constraints,
        brute_force_feasible,
        conflict,
        instances,
        make_draw,
        make_inputs,
        make_inspector,
        reference_match,
        seed_hex,
        tight_instances,
    )

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _teams(record: dict) -> list[list[tuple[str, str | None, str]]]:
    return [
        [(s["inspector_id"], s["slot_department"], s["pair_key"]) for s in a["inspectors"]]
        for a in record["assignments"]
    ]


@SETTINGS
@given(st.one_of(instances(), tight_instances()))
def test_matching_equals_the_naive_reading_of_the_spec(case) -> None:
    draw, inputs, entropy = case
    expected = reference_match(draw, inputs, entropy)
    if expected is None:
        with pytest.raises(MatchingInfeasible):
            match_inspectors(draw, inputs, entropy)
    else:
        record = match_inspectors(draw, inputs, entropy)
        assert _teams(record) == expected


@SETTINGS
@given(st.one_of(instances(max_targets=4, max_inspectors=6), tight_instances()))
def test_infeasible_is_reported_exactly_when_brute_force_finds_no_matching(case) -> None:
    draw, inputs, entropy = case
    feasible = brute_force_feasible(draw, inputs)
    try:
        record = match_inspectors(draw, inputs, entropy)
    except MatchingInfeasible as exc:
        assert not feasible, f"false infeasible: {exc}"
        assert exc.problems
    else:
        assert feasible
        assert_constraints(record, inputs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_targets=20, max_inspectors=16, max_cap=12, roomy=True))
def test_every_constraint_holds_on_larger_instances(case) -> None:
    draw, inputs, entropy = case
    try:
        record = match_inspectors(draw, inputs, entropy)
    except MatchingInfeasible as exc:
        event("infeasible")
        assert exc.problems
    else:
        event("matched")
        assert_constraints(record, inputs)
        assert [a["target_id"] for a in record["assignments"]] == [
            row["id"] for row in draw["selected"]
        ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(max_targets=8, max_inspectors=8), tight_instances()))
def test_fast_path_result_is_the_exact_rule_result(case) -> None:
    """When the plain greedy completes, the flow-backed rule gives the very same teams."""
    draw, inputs, entropy = case
    parsed = parse_inputs(inputs)
    inst = build_instance(parsed, [row["id"] for row in draw["selected"]])
    seed = match_seed(draw["seed"], parsed.digest, entropy)
    try:
        teams, _ = solve(inst, seed)
    except MatchingInfeasible:
        return
    witness = Witness(inst)
    complete, _, _ = witness.augment()
    assert complete
    assert _exact(inst, PairKeys(inst, seed), witness) == teams


@settings(max_examples=100, deadline=None)
@given(instances(max_targets=6), st.randoms(use_true_random=False))
def test_same_inputs_give_the_same_bytes_whatever_the_json_key_order(case, rnd) -> None:
    draw, inputs, entropy = case

    def shuffled(value):
        if isinstance(value, dict):
            items = list(value.items())
            rnd.shuffle(items)
            return {key: shuffled(v) for key, v in items}
        if isinstance(value, list):
            return [shuffled(v) for v in value]
        return value

    try:
        first = record_bytes(match_inspectors(draw, inputs, entropy))
    except MatchingInfeasible:
        return
    assert record_bytes(match_inspectors(shuffled(draw), shuffled(inputs), entropy)) == first


def test_result_does_not_depend_on_python_hash_randomisation(tmp_path) -> None:
    """The implementation uses sets; the record must not depend on their iteration order."""
    inspectors = [make_inspector(j, ["SJ", "WJ"][j % 2], cap=3) for j in range(12)]
    inputs = make_inputs(
        inspectors,
        k=3,
        joint=["SJ", "WJ"],
        conflicts=[conflict(TARGET_POOL[1], "SJ-000"), conflict(TARGET_POOL[2], "WJ-003")],
    )
    draw = make_draw(TARGET_POOL[:10], seed_hex("hash-order"))
    (tmp_path / "draw.json").write_text(json.dumps(draw, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "inputs.json").write_text(json.dumps(inputs, ensure_ascii=False), "utf-8")
    script = (
        "import json,sys;from shuangsuiji.lottery.matching import *;"
        f"d=json.load(open({str(tmp_path / 'draw.json')!r}));"
        f"i=json.load(open({str(tmp_path / 'inputs.json')!r}));"
        "sys.stdout.buffer.write(record_bytes(match_inspectors(d,i)))"
    )
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert outputs == {record_bytes(match_inspectors(draw, inputs))}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(2, 12),
    st.integers(2, 4),
    st.binary(min_size=32, max_size=32),
)
def test_load_spread_is_at_most_one_when_everyone_is_eligible(n, m, k, seed) -> None:
    assume(m >= k)
    cap = -(-n * k // m)  # the smallest cap that lets everyone share the work evenly
    inspectors = [make_inspector(j, "SJ", cap=cap) for j in range(m)]
    targets = TARGET_POOL[:n] if n <= 20 else [f"9141152300000{j:05d}" for j in range(n)]
    draw = make_draw(targets, seed.hex())
    record = match_inspectors(draw, make_inputs(inspectors, k=k))
    load = Counter(s["inspector_id"] for a in record["assignments"] for s in a["inspectors"])
    counts = [load.get(i["id"], 0) for i in inspectors]
    assert max(counts) - min(counts) <= 1


def _scarce_case(seed: str) -> tuple[dict, dict]:
    """t1 may use anyone; t2 only SJ-000 and SJ-001 (caps 1): t1 must leave both to t2."""
    inspectors = [make_inspector(j, "SJ", cap=1) for j in range(4)]
    t1, t2 = TARGET_POOL[0], TARGET_POOL[1]
    inputs = make_inputs(
        inspectors, conflicts=[conflict(t2, "SJ-002"), conflict(t2, "SJ-003", "detected", "曾任职")]
    )
    return make_draw([t1, t2], seed), inputs


def test_greedy_would_get_stuck_but_the_rule_finds_the_matching() -> None:
    # Find a seed where plain greedy hands a scarce inspector to the first target.
    for n in range(200):
        draw, inputs = _scarce_case(seed_hex(n))
        parsed = parse_inputs(inputs)
        inst = build_instance(parsed, [row["id"] for row in draw["selected"]])
        keys = PairKeys(inst, match_seed(draw["seed"], parsed.digest))
        _, stuck = greedy(inst, keys, skip_stuck=False)
        if stuck:
            break
    else:  # pragma: no cover
        pytest.fail("no seed makes greedy stuck")
    record = match_inspectors(draw, inputs)
    teams = {
        a["target_id"]: {s["inspector_id"] for s in a["inspectors"]} for a in record["assignments"]
    }
    assert teams == {TARGET_POOL[0]: {"SJ-002", "SJ-003"}, TARGET_POOL[1]: {"SJ-000", "SJ-001"}}
    assert _teams(record) == reference_match(draw, inputs, [])


def test_scarce_department_inspectors_are_saved_for_the_targets_that_need_them() -> None:
    """Joint task: WJ-000 is the only WJ inspector for t2; t1 has another WJ option."""
    sj = [make_inspector(j, "SJ", cap=2) for j in range(3)]
    wj = [make_inspector(j, "WJ", cap=1) for j in range(2)]
    t1, t2 = TARGET_POOL[3], TARGET_POOL[4]
    inputs = make_inputs(sj + wj, joint=["SJ", "WJ"], conflicts=[conflict(t2, "WJ-001")])
    for n in range(40):
        draw = make_draw([t1, t2], seed_hex(f"joint-{n}"))
        record = match_inspectors(draw, inputs)
        assert_constraints(record, inputs)
        assert _teams(record) == reference_match(draw, inputs, [])
        t2_team = {s["inspector_id"] for s in record["assignments"][1]["inspectors"]}
        assert "WJ-000" in t2_team
