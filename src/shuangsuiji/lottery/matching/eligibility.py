"""Who may inspect which target: the integer-indexed problem the algorithms work on.

An inspector is *qualified* for the task when the certificate covers the whole inspection
period and the expertise tags include every required tag. A qualified inspector is
*eligible* for a target unless a conflict (declared or detected, 回避) or, with rotation
on, a recent inspection of that same target excludes the pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import Problem, ReasonCode
from .inputs import Inspector, MatchingInputs


@dataclass
class Instance:
    """The matching problem with inspectors and targets replaced by list positions.

    ``group`` puts each qualified inspector in a slot group: in a joint task the position of
    its department in ``joint_departments``, or ``len(joint_departments)`` ("other") for a
    department that is not participating; in a single-department task everyone is group 0.
    """

    targets: list[str]
    inspectors: list[Inspector]  # qualified inspectors only, sorted by id
    k: int
    joint: list[str]
    cap: list[int]
    group: list[int]
    n_groups: int
    excluded: list[set[int]]  # per target: qualified inspectors excluded by conflict/rotation
    conflicted: list[set[int]] = field(default_factory=list)
    rotated: list[set[int]] = field(default_factory=list)
    qualified_total: int = 0

    def eligible(self, t: int) -> list[int]:
        excluded = self.excluded[t]
        return [i for i in range(len(self.inspectors)) if i not in excluded]

    def eligible_count(self, t: int) -> int:
        return len(self.inspectors) - len(self.excluded[t])

    def members(self, g: int) -> list[int]:
        return [i for i, grp in enumerate(self.group) if grp == g]


def qualified(inputs: MatchingInputs, inspector: Inspector) -> bool:
    """Certificate valid on every day of the period, and expertise covering the task's tags."""
    return (
        inspector.certificate_valid_from <= inputs.period_start
        and inspector.certificate_valid_to >= inputs.period_end
        and set(inputs.required_expertise).issubset(inspector.expertise)
    )


def build_instance(
    inputs: MatchingInputs,
    targets: Sequence[str],
    extra_exclusions: Iterable[tuple[str, str]] = (),
) -> Instance:
    """Index the problem. ``extra_exclusions`` are (target, inspector) pairs recused later."""
    inspectors = [ins for ins in inputs.inspectors if qualified(inputs, ins)]
    index = {ins.id: n for n, ins in enumerate(inspectors)}
    position = {target: t for t, target in enumerate(targets)}
    joint = list(inputs.joint_departments)
    joint_index = {dept: g for g, dept in enumerate(joint)}
    if joint:
        group = [joint_index.get(ins.department, len(joint)) for ins in inspectors]
        n_groups = len(joint) + 1
    else:
        group = [0] * len(inspectors)
        n_groups = 1

    conflicted: list[set[int]] = [set() for _ in targets]
    rotated: list[set[int]] = [set() for _ in targets]

    def mark(sets: list[set[int]], target_id: str, inspector_id: str) -> None:
        # Pairs naming a target outside this draw or an unqualified inspector change nothing.
        t = position.get(target_id)
        i = index.get(inspector_id)
        if t is not None and i is not None:
            sets[t].add(i)

    for conflict in inputs.conflicts:
        mark(conflicted, conflict.target_id, conflict.inspector_id)
    for target_id, inspector_id in extra_exclusions:
        mark(conflicted, target_id, inspector_id)
    if inputs.rotation is not None:
        since = inputs.rotation.since
        for prior in inputs.rotation.prior_inspections:
            if prior.date >= since:
                mark(rotated, prior.target_id, prior.inspector_id)

    return Instance(
        targets=list(targets),
        inspectors=inspectors,
        k=inputs.k,
        joint=joint,
        cap=[ins.cap for ins in inspectors],
        group=group,
        n_groups=n_groups,
        excluded=[c | r for c, r in zip(conflicted, rotated, strict=True)],
        conflicted=conflicted,
        rotated=rotated,
        qualified_total=len(inspectors),
    )


def local_problems(inst: Instance) -> list[Problem]:
    """Necessary conditions that can be named target by target, then task-wide ones.

    When this list is empty the matching may still be infeasible (a group of targets
    competing for the same few inspectors); the exact test is the maximum flow in flow.py.
    """
    problems: list[Problem] = []
    k = inst.k
    group_size = [0] * inst.n_groups
    for g in inst.group:
        group_size[g] += 1
    for t, target in enumerate(inst.targets):
        eligible = inst.eligible_count(t)
        if eligible < k:
            conflicts = len(inst.conflicted[t])
            rotation = len(inst.rotated[t] - inst.conflicted[t])
            problems.append(
                Problem(
                    target,
                    ReasonCode.TOO_FEW_ELIGIBLE,
                    f"检查对象 {target}：符合条件的执法检查人员只有 {eligible} 名，少于每户所需的"
                    f" {k} 名（{inst.qualified_total} 名证件有效且专长符合，其中 {conflicts} 名"
                    f"需回避，{rotation} 名因轮换排除）",
                    f"target {target}: only {eligible} eligible inspectors, fewer than the {k}"
                    f" required ({inst.qualified_total} qualified by certificate and expertise,"
                    f" {conflicts} excluded by conflicts, {rotation} by rotation)",
                )
            )
        if inst.joint:
            excluded_in = [0] * inst.n_groups
            for i in inst.excluded[t]:
                excluded_in[inst.group[i]] += 1
            for g, dept in enumerate(inst.joint):
                if group_size[g] - excluded_in[g] == 0:
                    problems.append(
                        Problem(
                            target,
                            ReasonCode.NO_DEPARTMENT_INSPECTOR,
                            f"检查对象 {target}：联合抽查部门 {dept} 没有符合条件的执法检查人员",
                            f"target {target}: no eligible inspector from joint department {dept}",
                        )
                    )
    n = len(inst.targets)
    if n:
        total = sum(inst.cap)
        if total < n * k:
            problems.append(
                Problem(
                    None,
                    ReasonCode.TOTAL_CAPACITY,
                    f"{n} 户检查对象共需选派 {n * k} 人次，但符合条件的执法检查人员上限合计只有"
                    f" {total} 人次",
                    f"the {n} targets need {n * k} assignments but the qualified inspectors'"
                    f" caps add up to only {total}",
                )
            )
        for g, dept in enumerate(inst.joint):
            dept_total = sum(c for c, grp in zip(inst.cap, inst.group, strict=True) if grp == g)
            if dept_total < n:
                problems.append(
                    Problem(
                        None,
                        ReasonCode.DEPARTMENT_CAPACITY,
                        f"联合抽查部门 {dept}：{n} 户检查对象每户需该部门一人，但其执法检查人员上限"
                        f"合计只有 {dept_total} 人次",
                        f"joint department {dept}: the {n} targets need one of its inspectors"
                        f" each, but their caps add up to only {dept_total}",
                    )
                )
    return problems
