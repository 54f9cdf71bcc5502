"""Recusal after matching (回避): a recorded, reproducible replacement draw for one slot."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .eligibility import build_instance
from .errors import MatchingInfeasible, MatchingInputError, Problem, ReasonCode
from .inputs import MAX_REASON, parse_inputs
from .record import read_record
from .spec import match_seed, pair_key, replacement_seed
from .textrules import check_int, check_text


def replace(
    record: Mapping[str, Any],
    inputs: Mapping[str, Any],
    target_id: str,
    inspector_id: str,
    reason: str,
    sequence_no: int,
) -> dict[str, Any]:
    """Recuse ``inspector_id`` from ``target_id`` and draw the replacement; return a new record.

    The recused pair becomes a conflict for good (also for later replacements). The slot is
    refilled by the ranking rule — (current load, replacement key, inspector id) — over the
    qualified inspectors eligible for the target, not already on its team and with capacity
    left; if the recused inspector was the team's only member of a joint department, the
    replacement must come from that department. Other teams never change. The original
    assignment stays in ``assignments``; the replacement is appended to ``replacements``.

    ``sequence_no`` must be the next number (1 for the first replacement of the task): it
    makes each replacement draw a numbered, unrepeatable event. The input record is not
    modified; on any error nothing is returned.
    """
    view = read_record(record)
    parsed = parse_inputs(inputs)
    if parsed.digest != view.inputs_digest:
        raise MatchingInputError(
            "inputs digest differs from the record's: these are not the inputs it was matched on"
        )
    if match_seed(view.draw_seed, view.inputs_digest, view.entropy) != view.match_seed:
        raise MatchingInputError("record.match_seed does not follow from its draw seed and inputs")
    expected = len(view.replacements) + 1
    check_int(sequence_no, "sequence_no", low=1, high=10**9)
    if sequence_no != expected:
        raise MatchingInputError(f"sequence_no must be {expected}, got {sequence_no}")
    check_text(reason, "reason", max_len=MAX_REASON)
    check_text(target_id, "target_id", id_like=True)
    check_text(inspector_id, "inspector_id", id_like=True)

    teams = view.current_teams()
    if target_id not in teams:
        raise MatchingInputError(f"target {target_id!r} is not in the matching record")
    if inspector_id not in teams[target_id]:
        raise MatchingInputError(
            f"inspector {inspector_id!r} is not on the current team of target {target_id!r}"
        )
    recused = [(r.target_id, r.recused_inspector_id) for r in view.replacements]
    recused.append((target_id, inspector_id))
    inst = build_instance(parsed, view.targets, extra_exclusions=recused)
    by_id = {ins.id: ins for ins in parsed.inspectors}
    load = Counter(member for team in teams.values() for member in team)
    unknown = sorted(set(load) - set(by_id))
    if unknown:
        raise MatchingInputError(f"matching record names unknown inspector(s) {unknown}")
    load[inspector_id] -= 1
    remaining = [member for member in teams[target_id] if member != inspector_id]

    department = by_id[inspector_id].department
    required: str | None = None
    if department in inst.joint and all(by_id[m].department != department for m in remaining):
        required = department

    t = view.targets.index(target_id)
    excluded = inst.excluded[t]
    candidates = [
        ins
        for n, ins in enumerate(inst.inspectors)
        if n not in excluded
        and ins.id not in remaining
        and load[ins.id] < ins.cap
        and (required is None or ins.department == required)
    ]
    if not candidates:
        zh_dept = f"部门 {required} 中" if required else ""
        en_dept = f" from department {required}" if required else ""
        raise MatchingInfeasible(
            [
                Problem(
                    target_id,
                    ReasonCode.NO_REPLACEMENT,
                    f"检查对象 {target_id}：{inspector_id} 回避后，{zh_dept}没有可递补的"
                    "执法检查人员（符合条件、不在本组且未达上限）",
                    f"target {target_id}: after {inspector_id} is recused, no eligible"
                    f" inspector{en_dept} with capacity left can take the slot",
                )
            ]
        )
    seed = replacement_seed(view.match_seed, sequence_no, target_id, inspector_id)
    keyed = [(load[ins.id], pair_key(seed, target_id, ins.id), ins.id, ins) for ins in candidates]
    _, key, _, chosen = min(keyed, key=lambda row: row[:3])

    new_record = copy.deepcopy(dict(record))
    new_record["replacements"] = [
        *new_record["replacements"],
        {
            "sequence_no": sequence_no,
            "target_id": target_id,
            "recused_inspector_id": inspector_id,
            "reason": reason,
            "replace_seed": seed,
            "slot_department": required,
            "inspector_id": chosen.id,
            "department": chosen.department,
            "pair_key": key,
        },
    ]
    return new_record
