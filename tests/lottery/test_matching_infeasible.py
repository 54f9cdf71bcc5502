"""Infeasible tasks: the error names the targets and the constraint, and nothing is made."""

from __future__ import annotations

import pytest

from shuangsuiji.lottery.matching import MatchingInfeasible, ReasonCode, match_inspectors

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

T = TARGET_POOL


def _infeasible(draw: dict, inputs: dict) -> MatchingInfeasible:
    with pytest.raises(MatchingInfeasible) as info:
        match_inspectors(draw, inputs)
    return info.value


def test_too_few_eligible_names_the_target_and_the_counts() -> None:
    inspectors = [make_inspector(j, "SJ") for j in range(4)]
    inputs = make_inputs(
        inspectors,
        k=3,
        conflicts=[conflict(T[1], "SJ-000"), conflict(T[1], "SJ-001", "detected", "同一住所")],
        rotation={
            "since": "2024-01-01",
            "prior_inspections": [
                {"target_id": T[2], "inspector_id": "SJ-003", "date": "2025-01-01"}
            ],
        },
    )
    exc = _infeasible(make_draw(T[:3], seed_hex(1)), inputs)
    assert [(p.target_id, p.code) for p in exc.problems] == [(T[1], ReasonCode.TOO_FEW_ELIGIBLE)]
    problem = exc.problems[0]
    assert (
        "only 2 eligible" in problem.message_en and "2 excluded by conflicts" in problem.message_en
    )
    assert "只有 2 名" in problem.message_zh
    assert exc.targets == (T[1],)


def test_expired_certificates_and_missing_expertise_reduce_the_eligible_count() -> None:
    inspectors = [
        make_inspector(0, "SJ"),
        make_inspector(1, "SJ", valid_to="2026-05-28"),  # one day short of the period end
        make_inspector(2, "SJ", valid_from="2026-04-02"),  # one day late
        make_inspector(3, "SJ", expertise=("特种设备",)),
    ]
    exc = _infeasible(make_draw(T[:2], seed_hex(2)), make_inputs(inspectors, required=["食品安全"]))
    assert exc.codes == (ReasonCode.TOO_FEW_ELIGIBLE, ReasonCode.TOO_FEW_ELIGIBLE)
    assert exc.targets == (T[0], T[1])
    assert "1 qualified" in exc.problems[0].message_en


def test_certificate_valid_exactly_over_the_period_is_enough() -> None:
    inspectors = [
        make_inspector(0, "SJ", valid_from="2026-04-01", valid_to="2026-05-29"),
        make_inspector(1, "SJ", valid_from="2026-04-01", valid_to="2026-05-29"),
    ]
    record = match_inspectors(make_draw(T[:1], seed_hex(3)), make_inputs(inspectors))
    assert len(record["assignments"][0]["inspectors"]) == 2


def test_joint_task_without_an_inspector_of_a_department_names_it() -> None:
    inspectors = [make_inspector(j, "SJ") for j in range(3)] + [make_inspector(3, "WJ")]
    inputs = make_inputs(inspectors, joint=["SJ", "WJ"], conflicts=[conflict(T[2], "WJ-003")])
    exc = _infeasible(make_draw(T[:3], seed_hex(4)), inputs)
    assert [(p.target_id, p.code) for p in exc.problems] == [
        (T[2], ReasonCode.NO_DEPARTMENT_INSPECTOR)
    ]
    assert "WJ" in exc.problems[0].message_en and "WJ" in exc.problems[0].message_zh


def test_total_and_department_capacity_are_task_wide_problems() -> None:
    inspectors = [make_inspector(j, "SJ", cap=2) for j in range(3)] + [
        make_inspector(3, "WJ", cap=1)
    ]
    inputs = make_inputs(inspectors, joint=["SJ", "WJ"])
    exc = _infeasible(make_draw(T[:4], seed_hex(5)), inputs)
    assert [(p.target_id, p.code) for p in exc.problems] == [
        (None, ReasonCode.TOTAL_CAPACITY),
        (None, ReasonCode.DEPARTMENT_CAPACITY),
    ]
    assert "8 assignments" in exc.problems[0].message_en
    assert "only 7" in exc.problems[0].message_en
    assert "joint department WJ" in exc.problems[1].message_en
    assert exc.targets == ()


def test_per_target_problems_come_first_in_dispatch_order_then_task_wide_ones() -> None:
    inspectors = [make_inspector(j, "SJ", cap=1) for j in range(3)]
    inputs = make_inputs(inspectors, conflicts=[conflict(T[5], "SJ-000"), conflict(T[5], "SJ-001")])
    exc = _infeasible(make_draw([T[7], T[5], T[6]], seed_hex(6)), inputs)
    assert [(p.target_id, p.code) for p in exc.problems] == [
        (T[5], ReasonCode.TOO_FEW_ELIGIBLE),
        (None, ReasonCode.TOTAL_CAPACITY),
    ]


def test_contention_is_found_exactly_and_names_only_the_competing_targets() -> None:
    """T0 and T1 may only use SJ-000/SJ-001 (cap 1 each); T2 has plenty. Every local count
    is fine, but T0 and T1 cannot both be staffed."""
    inspectors = [make_inspector(j, "SJ", cap=1) for j in range(2)] + [
        make_inspector(j, "SJ", cap=3) for j in range(2, 5)
    ]
    restricted = [conflict(t, f"SJ-{j:03d}") for t in T[:2] for j in range(2, 5)]
    inputs = make_inputs(inspectors, conflicts=restricted)
    exc = _infeasible(make_draw([T[2], T[0], T[1]], seed_hex(7)), inputs)
    assert [(p.target_id, p.code) for p in exc.problems] == [
        (T[0], ReasonCode.CAPACITY_CONTENTION),
        (T[1], ReasonCode.CAPACITY_CONTENTION),
    ]
    message = exc.problems[0].message_en
    assert "at most 4 of 6 assignments" in message
    assert "SJ-000, SJ-001" in message


def test_contention_in_a_joint_task_over_a_scarce_department() -> None:
    sj = [make_inspector(j, "SJ", cap=3) for j in range(3)]
    wj = [make_inspector(3, "WJ", cap=1), make_inspector(4, "WJ", cap=3)]
    # Only WJ-003 may go to T0 and T1; WJ-004 serves T2.
    inputs = make_inputs(
        sj + wj, joint=["SJ", "WJ"], conflicts=[conflict(T[0], "WJ-004"), conflict(T[1], "WJ-004")]
    )
    exc = _infeasible(make_draw(T[:3], seed_hex(8)), inputs)
    assert exc.targets == (T[0], T[1])
    assert set(exc.codes) == {ReasonCode.CAPACITY_CONTENTION}


def test_the_error_message_is_readable_on_one_line_per_problem() -> None:
    inspectors = [make_inspector(j, "SJ") for j in range(2)]
    exc = _infeasible(make_draw(T[:1], seed_hex(9)), make_inputs(inspectors, k=3))
    assert str(exc).startswith("matching infeasible: ")
    assert "[too_few_eligible]" in str(exc)
