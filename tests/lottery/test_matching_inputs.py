"""The published inputs file: strict validation, canonical bytes, canonicalisation."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from shuangsuiji.lottery.matching import (
    MatchingInputError,
    canonical_inputs_bytes,
    canonicalize_inputs,
    inputs_digest,
    match_inspectors,
    parse_inputs,
)

try:
    from .test_matching_support import conflict, load_json, make_draw, seed_hex
except ImportError:
    from test_matching_support import (  # type: ignore[no-redef]
        conflict,
        load_json,
        make_draw,
        seed_hex,
    )


def _inputs() -> dict[str, Any]:
    return load_json("example-inputs.json")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(obj: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = obj
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda obj: obj.pop(key)


BAD_INPUTS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("wrong spec", _set("spec", "shuangsuiji-match-v0"), "inputs.spec"),
    ("missing field", _delete("rotation"), "missing field(s) rotation"),
    ("unknown field", _set("priority", 1), "unknown field(s) priority"),
    ("k below two", _set("inspectors_per_target", 1), "inspectors_per_target"),
    ("k as bool", _set("inspectors_per_target", True), "inspectors_per_target"),
    ("k as float", _set("inspectors_per_target", 2.0), "inspectors_per_target"),
    ("more joint departments than k", _set("joint_departments", ["HB", "SJ", "WJ"]), "joint"),
    ("unsorted joint departments", _set("joint_departments", ["WJ", "SJ"]), "not sorted"),
    ("period reversed", _set("period", {"start": "2026-05-29", "end": "2026-04-01"}), "period"),
    ("impossible date", _set("period.start", "2026-02-30"), "not a calendar date"),
    ("compact date", _set("period.start", "20260401"), "YYYY-MM-DD"),
    ("fullwidth digits", _set("period.start", "２０２６-04-01"), "YYYY-MM-DD"),
    ("cap zero", _set("inspectors.0.cap", 0), "cap"),
    ("cap as string", _set("inspectors.0.cap", "3"), "cap"),
    ("empty name", _set("inspectors.0.name", ""), "name"),
    ("name with spaces around", _set("inspectors.0.name", " 王建国"), "white space"),
    ("ideographic space", _set("inspectors.0.name", "王建国\u3000"), "white space"),
    ("control character", _set("inspectors.0.name", "王建\t国"), "control"),
    ("not NFC", _set("inspectors.0.name", "Zoe\u0301"), "NFC"),
    ("comma in id", _set("inspectors.0.id", "SJ,001"), "comma"),
    ("unsorted inspectors", _set("inspectors.0.id", "ZZ-999"), "not sorted"),
    ("duplicate inspector", _set("inspectors.1.id", "SJ-001"), "duplicate"),
    ("duplicate certificate", _set("inspectors.1.certificate_no", "豫41152320190101"), "twice"),
    ("certificate ends first", _set("inspectors.0.certificate_valid_to", "2020-01-01"), "before"),
    ("unsorted expertise", _set("inspectors.0.expertise", ["食品安全", "广告监管"]), "not sorted"),
    ("unknown conflict inspector", _set("conflicts.0.inspector_id", "SJ-404"), "unknown"),
    ("bad conflict kind", _set("conflicts.0.kind", "rumour"), "kind"),
    (
        "unknown rotation inspector",
        _set("rotation.prior_inspections.0.inspector_id", "X"),
        "unknown",
    ),
    ("rotation without since", _set("rotation", {"prior_inspections": []}), "since"),
    ("inspectors not a list", _set("inspectors", {}), "JSON array"),
]


@pytest.mark.parametrize(("mutate", "fragment"), [(m, f) for _, m, f in BAD_INPUTS],
                         ids=[name for name, _, _ in BAD_INPUTS])  # fmt: skip
def test_bad_inputs_are_refused_with_a_one_line_message(mutate, fragment) -> None:
    inputs = _inputs()
    mutate(inputs)
    with pytest.raises(MatchingInputError) as info:
        parse_inputs(inputs)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_inputs_must_belong_to_the_draws_task() -> None:
    inputs = _inputs()
    inputs["task_id"] = "新市监抽查〔2026〕4号"
    draw = load_json("example-draw.json")
    with pytest.raises(MatchingInputError, match="not the draw's task"):
        match_inspectors(draw, inputs)


def test_canonical_bytes_are_sorted_compact_utf8_with_final_lf() -> None:
    raw = canonical_inputs_bytes(_inputs())
    assert raw.endswith(b"}\n") and raw.count(b"\n") == 1
    assert "王建国".encode() in raw  # UTF-8, not \\u escapes
    assert b'{"conflicts":[' in raw[:15]  # keys sorted
    assert b": " not in raw and b", " not in raw
    assert inputs_digest(_inputs()) == hashlib.sha256(raw).hexdigest()


def test_quotes_and_backslashes_in_text_are_escaped_canonically() -> None:
    inputs = _inputs()
    inputs["inspectors"][0]["name"] = 'A "quoted" \\ name'
    raw = canonical_inputs_bytes(inputs)
    assert b'"A \\"quoted\\" \\\\ name"' in raw
    assert json.loads(raw)["inspectors"][0]["name"] == 'A "quoted" \\ name'


def test_canonicalize_sorts_every_list_and_only_sorts() -> None:
    inputs = _inputs()
    messy = copy.deepcopy(inputs)
    messy["inspectors"].reverse()
    messy["inspectors"][0]["expertise"].reverse()
    messy["conflicts"] = [
        conflict("93411523YERGXFBX35", "WJ-003", "detected", "曾任职"),
        *messy["conflicts"],
    ]
    messy["rotation"]["prior_inspections"].reverse()
    with pytest.raises(MatchingInputError, match="not sorted"):
        parse_inputs(messy)
    fixed = canonicalize_inputs(messy)
    assert fixed["inspectors"] == inputs["inspectors"]
    assert fixed["conflicts"][0]["reason"] == "近亲属"
    assert fixed["rotation"] == inputs["rotation"]
    parse_inputs(fixed)


def test_canonicalize_does_not_repair_text() -> None:
    inputs = _inputs()
    inputs["inspectors"][0]["name"] = "王建国 "
    with pytest.raises(MatchingInputError, match="white space"):
        canonicalize_inputs(inputs)


def test_pairs_naming_targets_outside_the_draw_are_allowed_and_ignored() -> None:
    """An inputs file may be prepared from the whole directory before the draw."""
    inputs = _inputs()
    draw = load_json("example-draw.json")
    extra = canonicalize_inputs(
        {**inputs, "conflicts": [*inputs["conflicts"], conflict("91411523AGYGLUY35K", "SJ-001")]}
    )
    base = match_inspectors(draw, inputs)
    other = match_inspectors(draw, extra)
    # Different inputs give a different digest and so different keys, but the same
    # eligibility counts.
    assert other["inputs_digest"] != base["inputs_digest"]
    assert [a["eligible"] for a in other["assignments"]] == [
        a["eligible"] for a in base["assignments"]
    ]


def test_a_draw_without_targets_gives_an_empty_matching() -> None:
    inputs = _inputs()
    draw = make_draw([], seed_hex("empty"), task_id=inputs["task_id"])
    record = match_inspectors(draw, inputs)
    assert record["assignments"] == [] and record["replacements"] == []


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (_set("spec", "shuangsuiji-draw-v2"), "spec"),
        (_set("seed", "ABC"), "seed"),
        (_set("selected", [{"id": "X"}, {"id": "X"}]), "twice"),
        (_set("selected", "all"), "selected"),
    ],
)
def test_bad_draw_records_are_refused(mutate, fragment) -> None:
    draw = load_json("example-draw.json")
    mutate(draw)
    with pytest.raises(MatchingInputError, match=fragment):
        match_inspectors(draw, _inputs())


@pytest.mark.parametrize("entry", ["", " dice", "a\nb", "e\u0301"])
def test_entropy_entries_must_be_normalised(entry) -> None:
    with pytest.raises(MatchingInputError, match="entropy"):
        match_inspectors(load_json("example-draw.json"), _inputs(), [entry])
