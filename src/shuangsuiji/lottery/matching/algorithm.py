"""The assignment rule of shuangsuiji-match-v1 (docs/matching.md, "The rule").

Targets are taken in dispatch order; each target's slots in plan order (one per joint
department, then free slots). A slot takes the first inspector in the order
(current load, pair key, inspector id), among those allowed in the slot, whose choice still
leaves a complete matching possible ("extendable"). The result is therefore defined without
reference to any particular algorithm, and the task is reported infeasible only when no
complete matching exists at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from .eligibility import Instance, local_problems
from .errors import MatchingInfeasible, Problem, ReasonCode
from .flow import Witness
from .greedy import PairKeys, Pick, greedy, slot_plan

#: How many inspector ids a contention message lists before "…".
_LISTED = 10


def solve(inst: Instance, seed: str) -> tuple[list[list[Pick]], PairKeys]:
    """Return each target's picks in slot order, or raise MatchingInfeasible."""
    problems = local_problems(inst)
    if problems:
        raise MatchingInfeasible(problems)
    keys = PairKeys(inst, seed)
    teams, stuck = greedy(inst, keys, skip_stuck=False)
    if not stuck:
        return teams, keys
    # Seed the maximum flow with the most constrained targets first: that greedy leaves
    # far fewer deficits to augment than the dispatch-order run that just got stuck.
    tightest = sorted(range(len(inst.targets)), key=lambda t: (inst.eligible_count(t), t))
    start, _ = greedy(inst, None, skip_stuck=True, order=tightest)
    witness = Witness(inst)
    witness.load(start)
    complete, contended, saturated = witness.augment()
    if not complete:
        raise MatchingInfeasible(_contention(inst, witness, contended, saturated))
    return _exact(inst, keys, witness), keys


def _exact(inst: Instance, keys: PairKeys, witness: Witness) -> list[list[Pick]]:
    """The rule with lookahead: a candidate is taken only if ``witness.force`` succeeds."""
    load = [0] * len(inst.inspectors)
    teams: list[list[Pick]] = []
    for t in range(len(inst.targets)):
        excluded = inst.excluded[t]
        team: list[Pick] = []
        on_team: set[int] = set()
        for slot_group in slot_plan(inst):
            candidates = [
                i
                for i in range(len(inst.inspectors))
                if i not in excluded
                and i not in on_team
                and load[i] < inst.cap[i]
                and (slot_group is None or inst.group[i] == slot_group)
            ]
            dead: dict[int, set[int]] = {}  # per goal group: nodes that cannot reach it
            for i in _ranked(candidates, load, keys, t):
                if witness.force(t, i, dead.setdefault(inst.group[i], set())):
                    break
            else:  # pragma: no cover - the witness proves some candidate is extendable
                raise AssertionError(f"no extendable candidate for target {inst.targets[t]}")
            team.append(Pick(i, slot_group))
            on_team.add(i)
            load[i] += 1
        teams.append(team)
    return teams


def _ranked(candidates: list[int], load: list[int], keys: PairKeys, t: int) -> Iterator[int]:
    """Candidates in (load, pair key, id) order, hashing one load level at a time: the first
    or second candidate is nearly always extendable, so later levels are rarely needed."""
    levels: dict[int, list[int]] = {}
    for i in candidates:
        levels.setdefault(load[i], []).append(i)
    for level in sorted(levels):
        yield from keys.ordered(t, levels[level])


def _contention(
    inst: Instance, witness: Witness, contended: set[int], saturated: set[int]
) -> list[Problem]:
    n, k = len(inst.targets), inst.k
    possible = sum(len(team) for team in witness.team)
    ids = sorted(inst.inspectors[i].id for i in saturated)
    listed = ", ".join(ids[:_LISTED]) + (" …" if len(ids) > _LISTED else "")
    group_size = len(contended)
    problems = []
    for t in sorted(contended):
        target = inst.targets[t]
        problems.append(
            Problem(
                target,
                ReasonCode.CAPACITY_CONTENTION,
                f"检查对象 {target}：与另外 {group_size - 1} 户检查对象争用同一批执法检查人员，"
                f"按各人上限最多只能选派 {possible}/{n * k} 人次（已满额：{listed or '无'}）",
                f"target {target}: competes with {group_size - 1} other targets for the same"
                f" inspectors; with the caps given at most {possible} of {n * k} assignments"
                f" can be made (at cap: {listed or 'none'})",
            )
        )
    return problems
