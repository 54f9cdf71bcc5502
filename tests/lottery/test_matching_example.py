"""The worked example of docs/matching.md, reproduced byte for byte and step by step."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from shuangsuiji.lottery.matching import (
    MatchingInfeasible,
    ReasonCode,
    canonical_inputs_bytes,
    check_matching,
    inputs_digest,
    match_inspectors,
    match_seed,
    pair_key,
    record_bytes,
    replace,
    replacement_seed,
)

try:
    from .test_matching_support import VECTORS, assert_constraints, load_json
except ImportError:
    from test_matching_support import VECTORS, assert_constraints, load_json  # type: ignore[no-redef]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "matching.md"
ENTROPY = ["dice:35142 60231"]
RECUSAL = ("92411523RCPGL2PA1M", "SJ-002", "申请回避：其配偶在该个体工商户处务工")


def _example() -> tuple[dict, dict]:
    return load_json("example-draw.json"), load_json("example-inputs.json")


def test_inputs_file_is_canonical_and_its_sha256sum_is_the_digest() -> None:
    raw = (VECTORS / "example-inputs.json").read_bytes()
    _, inputs = _example()
    assert canonical_inputs_bytes(inputs) == raw
    assert inputs_digest(inputs) == hashlib.sha256(raw).hexdigest()
    assert load_json("example-matching.json")["inputs_digest"] == hashlib.sha256(raw).hexdigest()


def test_example_matching_is_reproduced_byte_for_byte() -> None:
    draw, inputs = _example()
    record = match_inspectors(draw, inputs, ENTROPY)
    assert record_bytes(record) == (VECTORS / "example-matching.json").read_bytes()
    assert_constraints(record, inputs)


def test_example_replacement_is_reproduced_byte_for_byte() -> None:
    draw, inputs = _example()
    original = load_json("example-matching.json")
    target, inspector, reason = RECUSAL
    updated = replace(original, inputs, target, inspector, reason, 1)
    assert record_bytes(updated) == (VECTORS / "example-matching-replaced.json").read_bytes()
    assert updated["assignments"] == original["assignments"]  # the original stays on record
    assert check_matching(draw, updated, inputs) == []
    assert_constraints(updated, inputs)


def test_every_hash_in_the_example_follows_the_printf_recipes() -> None:
    """What a citizen does with printf | sha256sum, done with hashlib on the same text."""
    draw = load_json("example-draw.json")
    record = load_json("example-matching-replaced.json")
    digest = hashlib.sha256((VECTORS / "example-inputs.json").read_bytes()).hexdigest()
    seed_text = "shuangsuiji-match-v1\n" + draw["seed"] + "\n" + digest + "\n" + ENTROPY[0]
    seed = hashlib.sha256(seed_text.encode()).hexdigest()
    assert record["match_seed"] == seed == match_seed(draw["seed"], digest, ENTROPY)
    for assignment in record["assignments"]:
        for slot in assignment["inspectors"]:
            text = f"{seed}:{assignment['target_id']}:{slot['inspector_id']}"
            assert slot["pair_key"] == hashlib.sha256(text.encode()).hexdigest()
            assert slot["pair_key"] == pair_key(seed, assignment["target_id"], slot["inspector_id"])
    rep = record["replacements"][0]
    rseed_text = "\n".join(
        ["shuangsuiji-match-v1/replace", seed, "1", rep["target_id"], rep["recused_inspector_id"]]
    )
    assert rep["replace_seed"] == hashlib.sha256(rseed_text.encode()).hexdigest()
    assert rep["replace_seed"] == replacement_seed(seed, 1, rep["target_id"], "SJ-002")
    key_text = f"{rep['replace_seed']}:{rep['target_id']}:{rep['inspector_id']}"
    assert rep["pair_key"] == hashlib.sha256(key_text.encode()).hexdigest()


def test_example_shows_each_exclusion_rule() -> None:
    """Expired certificate, missing expertise, declared conflict and rotation all bite."""
    record = load_json("example-matching.json")
    on_any_team = {s["inspector_id"] for a in record["assignments"] for s in a["inspectors"]}
    assert "SJ-004" not in on_any_team  # 陈静: certificate ends 2026-04-30, inside the period
    assert "WJ-004" not in on_any_team  # 黄磊: no 食品安全 expertise
    eligible = {a["target_id"]: a["eligible"] for a in record["assignments"]}
    assert eligible["93411523CM9HRLGN44"] == 5  # SJ-002's declared conflict
    assert eligible["92411523NFEGQTFRX7"] == 5  # WJ-001 inspected it in 2025 (rotation)
    assert eligible["93411523MX1T9AEX48"] == 6  # WJ-002's 2023 inspection predates `since`
    teams = {
        a["target_id"]: {s["inspector_id"] for s in a["inspectors"]} for a in record["assignments"]
    }
    assert "SJ-002" not in teams["93411523CM9HRLGN44"]
    assert "WJ-001" not in teams["92411523NFEGQTFRX7"]


def test_documentation_quotes_the_example_values() -> None:
    """docs/matching.md must show the same digest, seeds and keys as the vector files."""
    text = DOCS.read_text(encoding="utf-8")
    record = load_json("example-matching-replaced.json")
    quoted = set(re.findall(r"\b[0-9a-f]{64}\b", text))
    assert record["inputs_digest"] in quoted
    assert record["match_seed"] in quoted
    assert record["assignments"][0]["inspectors"][0]["pair_key"] in quoted
    assert record["replacements"][0]["replace_seed"] in quoted
    # Every 64-hex value quoted in the docs is one of the example's real values.
    real = {record["inputs_digest"], record["match_seed"], record["draw_seed"]}
    real |= {s["pair_key"] for a in record["assignments"] for s in a["inspectors"]}
    real |= {record["replacements"][0]["replace_seed"], record["replacements"][0]["pair_key"]}
    draw, inputs = _example()
    seed = record["match_seed"]
    first = record["assignments"][0]["target_id"]
    real |= {pair_key(seed, first, i["id"]) for i in inputs["inspectors"]}
    rseed = record["replacements"][0]["replace_seed"]
    real |= {pair_key(rseed, first, i["id"]) for i in inputs["inspectors"]}
    assert quoted <= real, quoted - real
    assert json.loads(json.dumps(draw))["seed"] == record["draw_seed"]


def test_recused_inspector_stays_excluded_as_the_docs_describe() -> None:
    _, inputs = _example()
    record = load_json("example-matching-replaced.json")
    target = RECUSAL[0]
    record = replace(record, inputs, target, "SJ-003", "发现利害关系", 2)
    assert record["replacements"][-1]["inspector_id"] == "SJ-001"
    try:
        replace(record, inputs, target, "SJ-001", "发现利害关系", 3)
    except MatchingInfeasible as exc:
        assert exc.codes == (ReasonCode.NO_REPLACEMENT,)
        assert "部门 SJ 中没有可递补的执法检查人员" in exc.problems[0].message_zh
    else:  # pragma: no cover
        raise AssertionError("expected no_replacement")
