"""``match_inspectors``: draw record + published inputs (+ optional entropy) → matching record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .algorithm import solve
from .eligibility import build_instance
from .errors import MatchingInputError
from .inputs import parse_inputs
from .record import build_record, check_entropy, read_draw
from .spec import match_seed


def match_inspectors(
    draw_record: Mapping[str, Any],
    inputs: Mapping[str, Any],
    entropy: Sequence[str] = (),
) -> dict[str, Any]:
    """Randomly match inspectors to the drawn targets (随机匹配、选派), per shuangsuiji-match-v1.

    ``draw_record`` is the shuangsuiji-draw-v1 record as a plain dict (only ``spec``,
    ``task_id``, ``seed`` and the ids of ``selected``, in dispatch order, are read);
    ``inputs`` is the published inputs object; ``entropy`` are optional public entries
    recorded after the inputs digest was published. Returns the matching record as a dict
    (serialise with ``record_bytes``). Raises MatchingInputError for malformed data and
    MatchingInfeasible, naming targets and constraints, when no complete matching exists.
    """
    draw = read_draw(draw_record)
    parsed = parse_inputs(inputs)
    if parsed.task_id != draw.task_id:
        raise MatchingInputError(
            f"inputs.task_id {parsed.task_id!r} is not the draw's task {draw.task_id!r}"
        )
    entries = check_entropy(entropy)
    seed = match_seed(draw.seed, parsed.digest, entries)
    inst = build_instance(parsed, draw.targets)
    teams, keys = solve(inst, seed)
    return build_record(
        draw=draw,
        inputs_digest=parsed.digest,
        entropy=entries,
        seed=seed,
        inst=inst,
        teams=teams,
        keys=keys,
    )
