"""``check_matching``: recompute a matching record from the draw record and the inputs.

Called by ``shuangsuiji verify RECORD --population FILE --matching M --matching-inputs I``
after the draw itself has been checked. Everything in the record except the entropy
entries and each replacement's request (target, recused inspector, reason, sequence
number) is recomputed and compared; those requests are the inputs of the replacement draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import MatchingInfeasible, MatchingInputError
from .inputs import parse_inputs
from .match import match_inspectors
from .record import read_draw
from .replace import replace
from .spec import SPEC_ID

#: Stop listing after this many mismatches (one tampered seed changes every key).
MAX_MESSAGES = 20

_TOP_LEVEL = {
    "task_id": "task_id: the record says {actual!r}, the draw is task {expected!r}",
    "draw_seed": "draw_seed: the record says {actual!r}, the draw's seed is {expected!r}",
    "inputs_digest": (
        "inputs_digest: the record says {actual!r}, but the inputs file's canonical "
        "SHA-256 is {expected!r} (not the inputs this matching used)"
    ),
    "match_seed": (
        "match_seed: the record says {actual!r}, recomputed {expected!r} from the draw seed, "
        "inputs digest and entropy"
    ),
}


def check_matching(
    draw_record: dict[str, Any], matching_record: dict[str, Any], inputs: dict[str, Any]
) -> list[str]:
    """Return human-readable mismatches, first mismatch first; an empty list means OK."""
    try:
        draw = read_draw(draw_record)
    except MatchingInputError as exc:
        return [f"draw record: {exc}"]
    try:
        parsed = parse_inputs(inputs)
    except MatchingInputError as exc:
        return [f"matching inputs: {exc}"]
    if not isinstance(matching_record, Mapping):
        return ["matching record: expected a JSON object"]
    if "spec" not in matching_record:
        return [f"matching record: spec: missing (not a {SPEC_ID} record)"]
    if matching_record["spec"] != SPEC_ID:
        return [f"matching record: spec is {matching_record['spec']!r}, expected {SPEC_ID!r}"]
    messages: list[str] = []
    if parsed.task_id != draw.task_id:
        messages.append(
            f"matching inputs: task_id {parsed.task_id!r} is not the draw's task {draw.task_id!r}"
        )
        return messages

    entropy = matching_record.get("entropy")
    try:
        expected = match_inspectors(draw_record, inputs, entropy if entropy is not None else [])
    except MatchingInputError as exc:
        return [f"matching record: {exc}"]
    except MatchingInfeasible as exc:
        return ["these inputs admit no complete matching, yet the record claims one: " + str(exc)]

    replay_error = ""
    requests = matching_record.get("replacements")
    replayed = 0
    if isinstance(requests, list):
        for n, request in enumerate(requests):
            try:
                if not isinstance(request, Mapping):
                    raise MatchingInputError("expected a JSON object")
                expected = replace(
                    expected,
                    inputs,
                    request.get("target_id"),  # type: ignore[arg-type]
                    request.get("recused_inspector_id"),  # type: ignore[arg-type]
                    request.get("reason"),  # type: ignore[arg-type]
                    request.get("sequence_no"),  # type: ignore[arg-type]
                )
            except (MatchingInputError, MatchingInfeasible) as exc:
                replay_error = f"replacements[{n}]: cannot be reproduced: {exc}"
                break
            replayed += 1

    found: list[str] = []
    for key, want in expected.items():
        if key not in matching_record:
            found.append(f"{key}: missing from the record")
            continue
        have = matching_record[key]
        if key == "replacements" and isinstance(have, list):
            _diff(key, want[:replayed], have[:replayed], found)
            if replay_error:
                found.append(replay_error)
            continue
        if key in _TOP_LEVEL and have != want:
            found.append(_TOP_LEVEL[key].format(actual=have, expected=want))
        elif key == "assignments":
            _diff_assignments(want, have, found)
        else:
            _diff(key, want, have, found)
    for key in matching_record:
        if key not in expected:
            found.append(f"{key}: unexpected field in the record")
    messages.extend(found)
    if len(messages) > MAX_MESSAGES:
        hidden = len(messages) - MAX_MESSAGES
        messages = [*messages[:MAX_MESSAGES], f"… and {hidden} more mismatches"]
    return messages


def _diff_assignments(want: Any, have: Any, out: list[str]) -> None:
    if not isinstance(have, list):
        out.append("assignments: expected a JSON array")
        return
    for n, (w, h) in enumerate(zip(want, have, strict=False)):
        _diff(f"assignments[{n}] (target {w['target_id']})", w, h, out)
    if len(want) != len(have):
        out.append(f"assignments: the record has {len(have)} targets, the draw has {len(want)}")


def _diff(path: str, want: Any, have: Any, out: list[str]) -> None:
    """Append one message per differing leaf, in the expected value's order."""
    if isinstance(want, dict) and isinstance(have, dict):
        for key, value in want.items():
            if key not in have:
                out.append(f"{path}.{key}: missing")
            else:
                _diff(f"{path}.{key}", value, have[key], out)
        for key in have:
            if key not in want:
                out.append(f"{path}.{key}: unexpected field")
    elif isinstance(want, list) and isinstance(have, list):
        for n, (w, h) in enumerate(zip(want, have, strict=False)):
            _diff(f"{path}[{n}]", w, h, out)
        if len(want) != len(have):
            out.append(f"{path}: the record has {len(have)} entries, recomputed {len(want)}")
    elif type(want) is not type(have) or want != have:
        out.append(f"{path}: the record says {have!r}, recomputed {want!r}")
