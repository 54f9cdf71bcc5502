"""Recusal after matching (回避): reproducible replacement draws, originals kept on record."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery.matching import (
    MatchingInfeasible,
    MatchingInputError,
    ReasonCode,
    check_matching,
    match_inspectors,
    pair_key,
    replace,
    replacement_seed,
)

try:
    from .test_matching_support import (
        TARGET_POOL,
        assert_constraints,
        current_teams,
        instances,
        load_json,
        make_draw,
        make_inputs,
        make_inspector,
        seed_hex,
    )
except ImportError:
    from test_matching_support import (  # type: ignore[no-redef]
        TARGET_POOL,
        assert_constraints,
        current_teams,
        instances,
        load_json,
        make_draw,
        make_inputs,
        make_inspector,
        seed_hex,
    )

T = TARGET_POOL
REASON = "申请回避：系该企业股东的近亲属"


def _example() -> tuple[dict, dict, dict]:
    return (
        load_json("example-draw.json"),
        load_json("example-inputs.json"),
        load_json("example-matching.json"),
    )


def test_replacement_is_reproducible_and_leaves_the_input_record_alone() -> None:
    _, inputs, record = _example()
    before = copy.deepcopy(record)
    target = record["assignments"][3]["target_id"]
    member = record["assignments"][3]["inspectors"][1]["inspector_id"]
    first = replace(record, inputs, target, member, REASON, 1)
    again = replace(record, inputs, target, member, REASON, 1)
    assert first == again
    assert record == before
    assert first["assignments"] == record["assignments"]
    assert len(first["replacements"]) == 1


def test_reason_wording_does_not_change_the_replacement() -> None:
    """The reason is not hashed, so rewording it cannot be used to re-roll the draw."""
    _, inputs, record = _example()
    target = record["assignments"][0]["target_id"]
    member = record["assignments"][0]["inspectors"][0]["inspector_id"]
    one = replace(record, inputs, target, member, "近亲属", 1)["replacements"][0]
    two = replace(record, inputs, target, member, "近亲属关系（补充说明）", 1)["replacements"][0]
    assert {k: v for k, v in one.items() if k != "reason"} == {
        k: v for k, v in two.items() if k != "reason"
    }


def test_the_replacement_follows_load_then_replacement_key() -> None:
    inspectors = [make_inspector(j, "SJ", cap=4) for j in range(6)]
    inputs = make_inputs(inspectors)
    draw = make_draw(T[:5], seed_hex("rank"))
    record = match_inspectors(draw, inputs)
    target = T[2]
    recused = record["assignments"][2]["inspectors"][0]["inspector_id"]
    updated = replace(record, inputs, target, recused, REASON, 1)
    rep = updated["replacements"][0]
    load = Counter(i for team in current_teams(record).values() for i in team)
    load[recused] -= 1
    team = set(current_teams(record)[target]) - {recused}
    rseed = replacement_seed(record["match_seed"], 1, target, recused)
    assert rep["replace_seed"] == rseed
    candidates = [
        i["id"]
        for i in inspectors
        if i["id"] not in team and i["id"] != recused and load[i["id"]] < i["cap"]
    ]
    best = min(candidates, key=lambda i: (load[i], pair_key(rseed, target, i), i))
    assert rep["inspector_id"] == best
    assert rep["pair_key"] == pair_key(rseed, target, best)
    assert rep["slot_department"] is None


def test_a_recused_pair_stays_excluded_for_later_replacements() -> None:
    inspectors = [make_inspector(j, "SJ", cap=9) for j in range(5)]
    inputs = make_inputs(inspectors)
    record = match_inspectors(make_draw(T[:1], seed_hex("chain")), inputs)
    target = T[0]
    recused = []
    for seq in range(1, 4):
        member = current_teams(record)[target][0]
        recused.append(member)
        record = replace(record, inputs, target, member, REASON, seq)
        assert not set(recused) & set(current_teams(record)[target])
    # Only SJ-00x not yet recused and not on the team remain; a fourth recusal must fail.
    member = current_teams(record)[target][0]
    with pytest.raises(MatchingInfeasible) as info:
        replace(record, inputs, target, member, REASON, 4)
    assert info.value.codes == (ReasonCode.NO_REPLACEMENT,)
    assert info.value.targets == (target,)
    assert check_matching(make_draw(T[:1], seed_hex("chain")), record, inputs) == []
    assert [r["sequence_no"] for r in record["replacements"]] == [1, 2, 3]


def test_a_replacement_inspector_can_be_recused_in_turn() -> None:
    draw, inputs, record = _example()
    target = "92411523RCPGL2PA1M"
    record = replace(record, inputs, target, "SJ-002", REASON, 1)
    newcomer = record["replacements"][0]["inspector_id"]
    record = replace(record, inputs, target, newcomer, "发现曾在该户兼职", 2)
    assert record["replacements"][1]["recused_inspector_id"] == newcomer
    assert check_matching(draw, record, inputs) == []
    assert_constraints(record, inputs)


def test_joint_task_refills_a_department_slot_from_the_same_department() -> None:
    sj = [make_inspector(j, "SJ", cap=3) for j in range(4)]
    wj = [make_inspector(j, "WJ", cap=3) for j in range(4, 8)]
    inputs = make_inputs(sj + wj, k=3, joint=["SJ", "WJ"])
    draw = make_draw(T[:4], seed_hex("joint-replace"))
    record = match_inspectors(draw, inputs)
    for assignment in record["assignments"]:
        slots = assignment["inspectors"]
        by_dept = Counter(s["department"] for s in slots)
        sole = [s for s in slots if by_dept[s["department"]] == 1]
        shared = [s for s in slots if by_dept[s["department"]] == 2]
        target = assignment["target_id"]
        # The only member of a department: the replacement must come from it.
        rep = replace(record, inputs, target, sole[0]["inspector_id"], REASON, 1)
        entry = rep["replacements"][0]
        assert entry["slot_department"] == sole[0]["department"]
        assert entry["department"] == sole[0]["department"]
        # One of two members of a department: anyone may take the slot.
        rep = replace(record, inputs, target, shared[0]["inspector_id"], REASON, 1)
        assert rep["replacements"][0]["slot_department"] is None
        assert_constraints(rep, inputs)


def test_infeasible_replacement_changes_nothing_and_names_the_department() -> None:
    sj = [make_inspector(j, "SJ", cap=2) for j in range(3)]
    wj = [make_inspector(j, "WJ", cap=1) for j in range(3, 5)]  # both needed, both used
    inputs = make_inputs(sj + wj, joint=["SJ", "WJ"])
    draw = make_draw(T[:2], seed_hex("no-wj"))
    record = match_inspectors(draw, inputs)
    before = copy.deepcopy(record)
    wj_member = next(
        s["inspector_id"] for s in record["assignments"][0]["inspectors"] if s["department"] == "WJ"
    )
    with pytest.raises(MatchingInfeasible) as info:
        replace(record, inputs, T[0], wj_member, REASON, 1)
    problem = info.value.problems[0]
    assert problem.code == ReasonCode.NO_REPLACEMENT and problem.target_id == T[0]
    assert "department WJ" in problem.message_en and "部门 WJ" in problem.message_zh
    assert record == before
    assert check_matching(draw, record, inputs) == []


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"sequence_no": 2}, "sequence_no must be 1"),
        ({"sequence_no": 0}, "sequence_no"),
        ({"inspector_id": "WJ-004"}, "not on the current team"),
        ({"target_id": "91411523AGYGLUY35K"}, "not in the matching record"),
        ({"reason": ""}, "reason"),
        ({"reason": "回避\n理由"}, "reason"),
    ],
)
def test_bad_replacement_requests_are_refused(kwargs, fragment) -> None:
    _, inputs, record = _example()
    request = {
        "target_id": "92411523RCPGL2PA1M",
        "inspector_id": "SJ-002",
        "reason": REASON,
        "sequence_no": 1,
        **kwargs,
    }
    with pytest.raises(MatchingInputError, match=fragment):
        replace(record, inputs, **request)


def test_replacement_needs_the_inputs_the_matching_used() -> None:
    _, inputs, record = _example()
    inputs["inspectors"][0]["cap"] = 9
    with pytest.raises(MatchingInputError, match="digest"):
        replace(record, inputs, "92411523RCPGL2PA1M", "SJ-002", REASON, 1)


def test_replacement_refuses_a_record_whose_seed_does_not_follow() -> None:
    _, inputs, record = _example()
    record["entropy"] = ["dice:1 1 1"]
    with pytest.raises(MatchingInputError, match="match_seed"):
        replace(record, inputs, "92411523RCPGL2PA1M", "SJ-002", REASON, 1)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_targets=6, max_inspectors=10, max_cap=6, roomy=True), st.data())
def test_random_recusals_keep_every_constraint_and_verify(case, data) -> None:
    draw, inputs, entropy = case
    try:
        record = match_inspectors(draw, inputs, entropy)
    except MatchingInfeasible:
        return
    for seq in range(1, data.draw(st.integers(1, 4)) + 1):
        teams = current_teams(record)
        target = data.draw(st.sampled_from(sorted(teams)))
        member = data.draw(st.sampled_from(teams[target]))
        try:
            updated = replace(record, inputs, target, member, REASON, seq)
        except MatchingInfeasible:
            break
        assert updated["replacements"][:-1] == record["replacements"]
        record = updated
        assert_constraints(record, inputs)
    assert check_matching(draw, record, inputs) == []
