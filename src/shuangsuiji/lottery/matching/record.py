"""The matching record (选派记录): building it, its bytes, and reading records back.

The record is published next to the draw record and the inputs file. Its bytes are
deterministic: fixed key order, ``json.dumps(..., ensure_ascii=False, indent=1)`` and a
final LF, the same layout as the draw record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .eligibility import Instance
from .errors import MatchingInputError
from .greedy import PairKeys, Pick
from .spec import DRAW_SPEC_ID, SPEC_ID
from .textrules import check_hex64, check_int, check_keys, check_list, check_text

RECORD_KEYS = (
    "spec",
    "task_id",
    "draw_seed",
    "inputs_digest",
    "entropy",
    "match_seed",
    "inspectors_per_target",
    "joint_departments",
    "assignments",
    "replacements",
)
ASSIGNMENT_KEYS = ("target_id", "eligible", "inspectors")
SLOT_KEYS = ("inspector_id", "department", "slot_department", "pair_key")
REPLACEMENT_KEYS = (
    "sequence_no",
    "target_id",
    "recused_inspector_id",
    "reason",
    "replace_seed",
    "slot_department",
    "inspector_id",
    "department",
    "pair_key",
)
MAX_ENTROPY = 200


@dataclass(frozen=True)
class DrawView:
    """What matching takes from a draw record: task id, seed, targets in dispatch order."""

    task_id: str
    seed: str
    targets: tuple[str, ...]


def read_draw(draw_record: Mapping[str, Any]) -> DrawView:
    """Read the fields matching needs from a shuangsuiji-draw-v1 record (a plain JSON dict)."""
    if not isinstance(draw_record, Mapping):
        raise MatchingInputError("draw record: expected a JSON object")
    if draw_record.get("spec") != DRAW_SPEC_ID:
        raise MatchingInputError(
            f"draw record: spec must be {DRAW_SPEC_ID!r}, got {draw_record.get('spec')!r}"
        )
    task_id = check_text(draw_record.get("task_id"), "draw record.task_id", max_len=200)
    seed = check_hex64(draw_record.get("seed"), "draw record.seed")
    selected = check_list(draw_record.get("selected"), "draw record.selected")
    targets: list[str] = []
    for n, row in enumerate(selected):
        if not isinstance(row, Mapping):
            raise MatchingInputError(f"draw record.selected[{n}]: expected a JSON object")
        targets.append(check_text(row.get("id"), f"draw record.selected[{n}].id", id_like=True))
    if len(set(targets)) != len(targets):
        raise MatchingInputError("draw record.selected: a target id appears twice")
    return DrawView(task_id, seed, tuple(targets))


def check_entropy(entropy: Sequence[str]) -> list[str]:
    """Entropy entries as draw-v1 keeps them: NFC, no surrounding white space, no LF."""
    if isinstance(entropy, str) or not isinstance(entropy, Sequence):
        raise MatchingInputError("entropy: expected a list of strings")
    return [
        check_text(entry, f"entropy[{n}]", max_len=MAX_ENTROPY) for n, entry in enumerate(entropy)
    ]


def build_record(
    *,
    draw: DrawView,
    inputs_digest: str,
    entropy: Sequence[str],
    seed: str,
    inst: Instance,
    teams: list[list[Pick]],
    keys: PairKeys,
) -> dict[str, Any]:
    assignments = []
    for t, team in enumerate(teams):
        slots = []
        for pick in team:
            inspector = inst.inspectors[pick.inspector]
            slots.append(
                {
                    "inspector_id": inspector.id,
                    "department": inspector.department,
                    "slot_department": (
                        None if pick.slot_group is None else inst.joint[pick.slot_group]
                    ),
                    "pair_key": keys.hex(t, pick.inspector),
                }
            )
        assignments.append(
            {"target_id": inst.targets[t], "eligible": inst.eligible_count(t), "inspectors": slots}
        )
    return {
        "spec": SPEC_ID,
        "task_id": draw.task_id,
        "draw_seed": draw.seed,
        "inputs_digest": inputs_digest,
        "entropy": list(entropy),
        "match_seed": seed,
        "inspectors_per_target": inst.k,
        "joint_departments": list(inst.joint),
        "assignments": assignments,
        "replacements": [],
    }


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The published bytes of a record (same layout as the draw record)."""
    return (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Replacement:
    sequence_no: int
    target_id: str
    recused_inspector_id: str
    reason: str
    inspector_id: str


@dataclass(frozen=True)
class RecordView:
    task_id: str
    draw_seed: str
    inputs_digest: str
    entropy: tuple[str, ...]
    match_seed: str
    k: int
    joint_departments: tuple[str, ...]
    targets: tuple[str, ...]
    teams: tuple[tuple[str, ...], ...]  # as matched, before any replacement
    replacements: tuple[Replacement, ...]

    def current_teams(self) -> dict[str, list[str]]:
        """Teams after every recorded replacement (the replacement takes the recused slot)."""
        teams = {target: list(team) for target, team in zip(self.targets, self.teams, strict=True)}
        for rep in self.replacements:
            team = teams.get(rep.target_id)
            if team is None or rep.recused_inspector_id not in team:
                raise MatchingInputError(
                    f"matching record: replacement {rep.sequence_no} recuses "
                    f"{rep.recused_inspector_id!r}, who is not on target {rep.target_id!r}"
                )
            team[team.index(rep.recused_inspector_id)] = rep.inspector_id
        return teams


def read_record(record: Mapping[str, Any]) -> RecordView:
    """Strictly read a matching record's structure (not its correctness: see verify.py)."""
    obj = check_keys(dict(record) if isinstance(record, Mapping) else record, "record", RECORD_KEYS)
    if obj["spec"] != SPEC_ID:
        raise MatchingInputError(f"record.spec: expected {SPEC_ID!r}, got {obj['spec']!r}")
    targets: list[str] = []
    teams: list[tuple[str, ...]] = []
    for n, row in enumerate(check_list(obj["assignments"], "record.assignments")):
        what = f"record.assignments[{n}]"
        check_keys(row, what, ASSIGNMENT_KEYS)
        targets.append(check_text(row["target_id"], f"{what}.target_id", id_like=True))
        team = []
        for s, slot in enumerate(check_list(row["inspectors"], f"{what}.inspectors")):
            check_keys(slot, f"{what}.inspectors[{s}]", SLOT_KEYS)
            team.append(check_text(slot["inspector_id"], f"{what}.inspectors[{s}]", id_like=True))
        teams.append(tuple(team))
    replacements = []
    for n, row in enumerate(check_list(obj["replacements"], "record.replacements")):
        what = f"record.replacements[{n}]"
        check_keys(row, what, REPLACEMENT_KEYS)
        replacements.append(
            Replacement(
                sequence_no=check_int(row["sequence_no"], f"{what}.sequence_no", low=1, high=10**9),
                target_id=check_text(row["target_id"], f"{what}.target_id", id_like=True),
                recused_inspector_id=check_text(
                    row["recused_inspector_id"], f"{what}.recused_inspector_id", id_like=True
                ),
                reason=check_text(row["reason"], f"{what}.reason", max_len=MAX_ENTROPY),
                inspector_id=check_text(row["inspector_id"], f"{what}.inspector_id", id_like=True),
            )
        )
    return RecordView(
        task_id=check_text(obj["task_id"], "record.task_id", max_len=200),
        draw_seed=check_hex64(obj["draw_seed"], "record.draw_seed"),
        inputs_digest=check_hex64(obj["inputs_digest"], "record.inputs_digest"),
        entropy=tuple(check_entropy(check_list(obj["entropy"], "record.entropy"))),
        match_seed=check_hex64(obj["match_seed"], "record.match_seed"),
        k=check_int(obj["inspectors_per_target"], "record.inspectors_per_target", low=2, high=50),
        joint_departments=tuple(
            check_text(d, "record.joint_departments[]", id_like=True)
            for d in check_list(obj["joint_departments"], "record.joint_departments")
        ),
        targets=tuple(targets),
        teams=tuple(teams),
        replacements=tuple(replacements),
    )
