"""``check_matching``: any change to a published matching record is found."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from shuangsuiji.lottery.matching import check_matching, match_inspectors, replace
from shuangsuiji.lottery.matching.verify import MAX_MESSAGES

try:
    from .test_matching_support import load_json
except ImportError:
    from test_matching_support import load_json  # type: ignore[no-redef]

#: Free text carried, not recomputed: it is an input of the recusal, deliberately kept out
#: of the replacement seed (docs/matching.md, "What verification covers").
UNVERIFIABLE = {("replacements", 0, "reason")}


def _example() -> tuple[dict, dict, dict]:
    return (
        load_json("example-draw.json"),
        load_json("example-inputs.json"),
        load_json("example-matching-replaced.json"),
    )


def _leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        for n, item in enumerate(value):
            yield from _leaves(item, (*path, n))
    else:
        yield path, value


def _tampered(value: Any) -> list[Any]:
    """Plausible forgeries of one value: another valid-looking value of the same kind."""
    if value is None:
        return ["SJ", 0]
    if isinstance(value, bool):  # pragma: no cover - records hold no booleans
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1, str(value)]
    if isinstance(value, str):
        if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
            flipped = "1" if value[-1] == "0" else "0"
            return [value[:-1] + flipped, value.upper()]
        swaps = {"SJ": "WJ", "WJ": "SJ", "SJ-001": "SJ-003", "SJ-003": "SJ-001"}
        return [swaps.get(value, value + "X"), None]
    if isinstance(value, list):  # an empty list
        return [["dice:1"]]
    raise AssertionError(type(value))


def _set(record: dict, path: tuple, value: Any) -> dict:
    copy_ = copy.deepcopy(record)
    node: Any = copy_
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copy_


def test_the_published_example_verifies() -> None:
    draw, inputs, record = _example()
    assert check_matching(draw, record, inputs) == []
    assert check_matching(draw, load_json("example-matching.json"), inputs) == []


def test_every_single_field_tampering_is_detected() -> None:
    draw, inputs, record = _example()
    checked = 0
    for path, value in _leaves(record):
        if path in UNVERIFIABLE:
            continue
        for forged in _tampered(value):
            problems = check_matching(draw, _set(record, path, forged), inputs)
            assert problems, f"tampering {path} = {forged!r} went unnoticed"
            checked += 1
    assert checked > 150


def test_the_recusal_reason_is_carried_not_recomputed() -> None:
    """Documented limit: the reason text is bound only by publication (and the audit log)."""
    draw, inputs, record = _example()
    edited = _set(record, ("replacements", 0, "reason"), "另一种表述")
    assert check_matching(draw, edited, inputs) == []


@pytest.mark.parametrize(
    "path", [("spec",), ("assignments", 2, "eligible"), ("replacements", 0, "pair_key")]
)
def test_a_missing_field_is_reported(path) -> None:
    draw, inputs, record = _example()
    node: Any = record
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    problems = check_matching(draw, record, inputs)
    assert any("missing" in p for p in problems), problems


def test_an_extra_field_is_reported() -> None:
    draw, inputs, record = _example()
    record["assignments"][1]["inspectors"][0]["note"] = "临时调整"
    record["approved_by"] = "王建国"
    problems = check_matching(draw, record, inputs)
    assert problems == [
        "assignments[1] (target 91411523YNGWM3NK82).inspectors[0].note: unexpected field",
        "approved_by: unexpected field in the record",
    ]


def test_a_swapped_inspector_is_named_with_target_and_slot() -> None:
    draw, inputs, record = _example()
    slot = record["assignments"][4]["inspectors"][1]
    genuine = slot["inspector_id"]
    slot["inspector_id"] = "WJ-001"
    problems = check_matching(draw, record, inputs)
    assert problems[0] == (
        "assignments[4] (target 92411523NFEGQTFRX7).inspectors[1].inspector_id: "
        f"the record says 'WJ-001', recomputed {genuine!r}"
    )


def test_first_mismatch_comes_first() -> None:
    draw, inputs, record = _example()
    record["assignments"][5]["inspectors"][0]["pair_key"] = "0" * 64
    record["assignments"][1]["eligible"] = 99
    problems = check_matching(draw, record, inputs)
    assert problems[0].startswith("assignments[1]")
    assert problems[1].startswith("assignments[5]")


def test_other_inputs_are_reported_as_a_digest_mismatch_first() -> None:
    draw, inputs, record = _example()
    inputs["inspectors"][0]["cap"] = 2
    problems = check_matching(draw, record, inputs)
    assert problems[0].startswith("inputs_digest: the record says")
    assert problems[1].startswith("match_seed:")
    assert len(problems) <= MAX_MESSAGES + 1
    if len(problems) == MAX_MESSAGES + 1:
        assert problems[-1].startswith("… and ")


def test_another_draw_is_reported_as_a_seed_mismatch() -> None:
    draw, inputs, record = _example()
    draw["seed"] = "f" * 64
    problems = check_matching(draw, record, inputs)
    assert problems[0].startswith("draw_seed: the record says")


def test_a_record_matched_on_infeasible_inputs_is_refused() -> None:
    draw, inputs, record = _example()
    for ins in inputs["inspectors"]:
        ins["cap"] = 1
    problems = check_matching(draw, record, inputs)
    assert len(problems) == 1 and "admit no complete matching" in problems[0]


def test_an_unreproducible_replacement_is_reported() -> None:
    draw, inputs, record = _example()
    record["replacements"][0]["recused_inspector_id"] = "WJ-004"
    problems = check_matching(draw, record, inputs)
    assert problems == [
        "replacements[0]: cannot be reproduced: inspector 'WJ-004' is not on the current team "
        "of target '92411523RCPGL2PA1M'"
    ]


def test_a_replacement_entry_that_was_deleted_or_reordered_is_found() -> None:
    draw, inputs, record = _example()
    second = replace(record, inputs, "93411523MX1T9AEX48", "WJ-001", "发现利害关系", 2)
    assert check_matching(draw, second, inputs) == []
    swapped = copy.deepcopy(second)
    swapped["replacements"].reverse()
    assert check_matching(draw, swapped, inputs)
    dropped = copy.deepcopy(second)
    del dropped["replacements"][0]
    assert check_matching(draw, dropped, inputs)


@pytest.mark.parametrize(
    ("which", "fragment"),
    [("draw", "draw record"), ("inputs", "matching inputs"), ("record", "matching record")],
)
def test_garbage_gives_one_clear_message(which, fragment) -> None:
    draw, inputs, record = _example()
    args = {"draw": draw, "record": record, "inputs": inputs, which: {"nonsense": True}}
    problems = check_matching(args["draw"], args["record"], args["inputs"])
    assert len(problems) >= 1 and fragment in problems[0]


def test_matching_from_the_verifier_is_the_matching_function() -> None:
    draw, inputs, record = _example()
    fresh = match_inspectors(draw, inputs, record["entropy"])
    assert fresh["assignments"] == record["assignments"]
