"""The in-browser verifier checks inspector matching (shuangsuiji-match-v1) like Python.

verifier.js carries a port of shuangsuiji.lottery.matching: the inputs rules and canonical
digest, the ranking rule with its flow-backed lookahead, replacements, and check_matching.
These tests hold it to the reference: the worked example byte for byte, tampered records
and inputs (same verdict, same first mismatch), random and tight instances (same record or
same infeasibility), and the page's button.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, expect

from shuangsuiji.lottery.matching import (
    MatchingInfeasible,
    check_matching,
    match_inspectors,
    parse_inputs,
    record_bytes,
    replace,
)
from shuangsuiji.lottery.matching.eligibility import build_instance
from shuangsuiji.lottery.matching.greedy import PairKeys, greedy
from shuangsuiji.lottery.matching.spec import match_seed
from tests.lottery.test_matching_support import (
    conflict,
    instances,
    make_draw,
    make_inputs,
    make_inspector,
    tight_instances,
)

from .conftest import OpenPage, Server
from .support import MATCHING_VECTORS, read_json, verify_in_page

pytestmark = pytest.mark.browser

DRAW = read_json(MATCHING_VECTORS / "example-draw.json")
INPUTS = read_json(MATCHING_VECTORS / "example-inputs.json")
MATCHING = read_json(MATCHING_VECTORS / "example-matching.json")
REPLACED = read_json(MATCHING_VECTORS / "example-matching-replaced.json")
ENTROPY = ["dice:35142 60231"]
RECUSAL = ("92411523RCPGL2PA1M", "SJ-002", "申请回避：其配偶在该个体工商户处务工", 1)
FULL = {
    "population": "/vectors/example-population.csv",
    "draw": "/mvectors/example-draw.json",
    "matchingInputs": "/mvectors/example-inputs.json",
}

JS_MATCH = """([draw, inputs, entropy, recusal]) => {
    const V = window.ShuangsuijiVerifier;
    const problems = e => e.problems.map(p => [p.target_id, p.code]);
    let record;
    try {
        record = V.matchInspectors(draw, inputs, entropy);
    } catch (e) {
        if (e instanceof V.errors.MatchingInfeasible) return {infeasible: problems(e)};
        return {error: String(e.message)};
    }
    const text = V.recordText(record);
    const out = {record: text, check: V.checkMatching(draw, text, inputs)};
    if (recusal) {
        try {
            out.replaced = V.recordText(V.replace(record, inputs, ...recusal));
        } catch (e) {
            out.replaced = e instanceof V.errors.MatchingInfeasible
                ? {infeasible: problems(e)} : {error: String(e.message)};
        }
    }
    return out;
}"""


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _python_match(draw: dict, inputs: dict, entropy: list[str], recusal: tuple | None) -> dict:
    try:
        record = match_inspectors(draw, inputs, entropy)
    except MatchingInfeasible as exc:
        return {"infeasible": [[p.target_id, str(p.code)] for p in exc.problems]}
    out: dict[str, Any] = {"record": record_bytes(record).decode(), "check": []}
    if recusal:
        try:
            out["replaced"] = record_bytes(replace(record, inputs, *recusal)).decode()
        except MatchingInfeasible as exc:
            out["replaced"] = {"infeasible": [[p.target_id, str(p.code)] for p in exc.problems]}
    return out


def _js_match(
    page: Page, draw: dict, inputs: dict, entropy: list[str], recusal: tuple | None
) -> dict:
    result: dict = page.evaluate(
        JS_MATCH, [_text(draw), _text(inputs), entropy, list(recusal) if recusal else None]
    )
    return result


def _recusal_for(python: dict) -> tuple | None:
    if "record" not in python:
        return None
    first = json.loads(python["record"])["assignments"][0]
    return (first["target_id"], first["inspectors"][0]["inspector_id"], "近亲属在该单位任职", 1)


def _same_as_python(page: Page, draw: dict, inputs: dict, entropy: list[str]) -> dict:
    python = _python_match(draw, inputs, entropy, None)
    recusal = _recusal_for(python)
    if recusal:
        python = _python_match(draw, inputs, entropy, recusal)
    js = _js_match(page, draw, inputs, entropy, recusal)
    assert js == python
    return python


# --- the worked example -----------------------------------------------------------------------


def test_worked_example_is_reproduced_byte_for_byte(page: Page) -> None:
    result = _js_match(page, DRAW, INPUTS, ENTROPY, RECUSAL)
    assert result["record"] == (MATCHING_VECTORS / "example-matching.json").read_text("utf-8")
    assert result["replaced"] == (MATCHING_VECTORS / "example-matching-replaced.json").read_text(
        "utf-8"
    )
    assert result["check"] == []
    digest, seed = page.evaluate(
        """([inputs, drawSeed, entropy]) => {
            const V = window.ShuangsuijiVerifier;
            const digest = V.inputsDigest(inputs);
            return [digest, V.matchSeed(drawSeed, digest, entropy)];
        }""",
        [_text(INPUTS), DRAW["seed"], ENTROPY],
    )
    assert (
        digest
        == hashlib.sha256((MATCHING_VECTORS / "example-inputs.json").read_bytes()).hexdigest()
    )
    assert digest == MATCHING["inputs_digest"] and seed == MATCHING["match_seed"]


@pytest.mark.parametrize("name", ["example-matching.json", "example-matching-replaced.json"])
def test_full_verification_with_matching_is_ok(page: Page, name: str) -> None:
    verdict = verify_in_page(page, {**FULL, "matching": f"/mvectors/{name}"})
    assert verdict["ok"], verdict["first_mismatch"]
    assert verdict["checks"][-1]["name"] == "matching"
    matching = verdict["computed"]["matching"]
    assert matching["rule_checked"] is True
    assert matching["match_seed"] == MATCHING["match_seed"]
    assert verdict["computed"]["matching_inputs_file_canonical"] is True


def test_without_inputs_only_the_hashes_are_checked(page: Page, server: Server) -> None:
    files = {k: v for k, v in FULL.items() if k != "matchingInputs"}
    verdict = verify_in_page(
        page, {**files, "matching": "/mvectors/example-matching-replaced.json"}
    )
    assert verdict["ok"]
    last = verdict["checks"][-1]
    assert last["name"] == "matching_hashes" and last["partial"] is True
    assert "未核对" in last["message_zh"] and "not checked" in last["message_en"]
    # A changed pair key is caught without the inputs …
    record = copy.deepcopy(REPLACED)
    record["assignments"][2]["inspectors"][1]["pair_key"] = "0" * 64
    url = server.publish("matching-bad-key.json", _text(record).encode())
    verdict = verify_in_page(page, {**files, "matching": url})
    assert verdict["first_mismatch"]["name"] == "matching_hashes"
    assert "assignments[2].inspectors[1].pair_key" in verdict["first_mismatch"]["message_en"]
    # … and so is a replacement seed that does not follow from the match seed.
    record = copy.deepcopy(REPLACED)
    record["replacements"][0]["recused_inspector_id"] = "WJ-002"
    url = server.publish("matching-bad-replacement.json", _text(record).encode())
    assert not verify_in_page(page, {**files, "matching": url})["ok"]


def test_matching_is_not_checked_when_the_draw_fails(page: Page, server: Server) -> None:
    draw = copy.deepcopy(DRAW)
    draw["seed"] = "0" * 64
    url = server.publish("draw-bad-seed.json", _text(draw).encode())
    verdict = verify_in_page(
        page, {**FULL, "draw": url, "matching": "/mvectors/example-matching.json"}
    )
    assert verdict["first_mismatch"]["name"] == "seed"
    assert all(c["name"] != "matching" for c in verdict["checks"])
    assert verdict["notes"] and "not checked" in verdict["notes"][0]["en"]


# --- tampered matching records and inputs -----------------------------------------------------


def _edit(path: list[Any], value: Any):
    def apply(obj: dict) -> None:
        node = obj
        for step in path[:-1]:
            node = node[step]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return apply


RECORD_EDITS = {
    "inspector swapped": _edit(["assignments", 1, "inspectors", 0, "inspector_id"], "SJ-003"),
    "pair key": _edit(["assignments", 0, "inspectors", 1, "pair_key"], "f" * 64),
    "eligible": _edit(["assignments", 2, "eligible"], 6),
    "eligible as text": _edit(["assignments", 2, "eligible"], "5"),
    "eligible as float": _edit(["assignments", 2, "eligible"], 5.0),
    "department": _edit(["assignments", 0, "inspectors", 0, "department"], "WJ"),
    "slot department": _edit(["assignments", 0, "inspectors", 0, "slot_department"], None),
    "match seed": _edit(["match_seed"], "0" * 64),
    "draw seed": _edit(["draw_seed"], "0" * 64),
    "inputs digest": _edit(["inputs_digest"], "0" * 64),
    "entropy changed": _edit(["entropy", 0], "dice:35142 60232"),
    "entropy removed": _edit(["entropy"], KeyError),
    "entropy not a list": _edit(["entropy"], "dice:35142 60231"),
    "task id": _edit(["task_id"], "新市监抽查〔2026〕4号"),
    "k": _edit(["inspectors_per_target"], 3),
    "joint departments": _edit(["joint_departments"], ["SJ"]),
    "target dropped": lambda r: r["assignments"].pop(),
    "extra field": _edit(["note"], "x"),
    "spec": _edit(["spec"], "shuangsuiji-match-v2"),
    "spec missing": _edit(["spec"], KeyError),
    "replacement inspector": _edit(["replacements", 0, "inspector_id"], "SJ-001"),
    "replacement pair key": _edit(["replacements", 0, "pair_key"], "0" * 64),
    "replacement number": _edit(["replacements", 0, "sequence_no"], 2),
    "replacement of someone not on the team": _edit(
        ["replacements", 0, "recused_inspector_id"], "WJ-003"
    ),
    "replacement reason reworded": _edit(["replacements", 0, "reason"], "另有原因"),  # carried: OK
    "replacements removed": _edit(["replacements"], []),  # the original matching: OK
    "replacement not an object": _edit(["replacements", 0], "SJ-003"),
}

INPUT_EDITS = {
    "cap raised": _edit(["inspectors", 0, "cap"], 4),
    "cap as float": _edit(["inspectors", 0, "cap"], 3.0),
    "other task": _edit(["task_id"], "新市监抽查〔2026〕4号"),
    "unsorted inspectors": lambda i: i["inspectors"].reverse(),
    "conflict removed": _edit(["conflicts"], []),
    "bad date": _edit(["period", "end"], "2026-02-30"),
    "unknown field": _edit(["note"], 1),
}


def _prefix(message: str) -> str:
    return message.split(": ")[0]


@pytest.mark.parametrize("name", list(RECORD_EDITS))
def test_tampered_matching_record_gets_python_verdict(page: Page, name: str) -> None:
    record = copy.deepcopy(REPLACED)
    RECORD_EDITS[name](record)
    python = check_matching(DRAW, record, INPUTS)
    js = page.evaluate(
        "([d, r, i]) => window.ShuangsuijiVerifier.checkMatching(d, r, i)",
        [_text(DRAW), _text(record), _text(INPUTS)],
    )
    assert bool(js) == bool(python), (js, python)
    if python:
        assert _prefix(js[0]["en"]) == _prefix(python[0])
        assert len(js) == len(python)
        assert js[0]["zh"]


@pytest.mark.parametrize("name", list(INPUT_EDITS))
def test_changed_inputs_get_python_verdict(page: Page, name: str) -> None:
    inputs = copy.deepcopy(INPUTS)
    INPUT_EDITS[name](inputs)
    python = check_matching(DRAW, REPLACED, inputs)
    js = page.evaluate(
        "([d, r, i]) => window.ShuangsuijiVerifier.checkMatching(d, r, i)",
        [_text(DRAW), _text(REPLACED), _text(inputs)],
    )
    assert python and js
    assert _prefix(js[0]["en"]) == _prefix(python[0])


def test_tampered_matching_fails_the_whole_verification(page: Page, server: Server) -> None:
    record = copy.deepcopy(MATCHING)
    RECORD_EDITS["inspector swapped"](record)
    url = server.publish("matching-swapped.json", _text(record).encode())
    verdict = verify_in_page(page, {**FULL, "matching": url})
    assert not verdict["ok"]
    first = verdict["first_mismatch"]
    assert first["name"] == "matching"
    assert first["message_zh"].startswith("选派记录不符")
    assert "assignments[1]" in first["message_en"]
    assert len(first["messages"]) == len(check_matching(DRAW, record, INPUTS))


# --- agreement with Python on random instances -------------------------------------------------


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(instances(), instances(roomy=True), tight_instances()))
def test_random_instances_match_python(page: Page, case: tuple[dict, dict, list[str]]) -> None:
    draw, inputs, entropy = case
    _same_as_python(page, draw, inputs, entropy)


def _tight_case(rnd: random.Random) -> tuple[dict, dict]:
    """Like tight_instances: later targets depend on a few low-cap inspectors."""
    from tests.lottery.test_matching_support import TARGET_POOL

    n = rnd.randint(2, 6)
    joint = rnd.choice([[], [], ["SJ", "WJ"]])
    m = rnd.randint(n + 1, 2 * n + 2)
    targets = rnd.sample(TARGET_POOL, n)
    inspectors = [
        make_inspector(j, ["SJ", "WJ"][j % 2] if joint else "SJ", cap=rnd.randint(1, 2))
        for j in range(m)
    ]
    ids = [i["id"] for i in inspectors]
    conflicts = []
    for t in targets[1:]:
        if rnd.random() < 0.6:
            keep = set(rnd.sample(ids, rnd.randint(2, 3)))
            conflicts += [conflict(t, i) for i in ids if i not in keep]
    seed = hashlib.sha256(f"tight-{rnd.random()}".encode()).hexdigest()
    return make_draw(targets, seed), make_inputs(inspectors, k=2, joint=joint, conflicts=conflicts)


def _greedy_stuck(draw: dict, inputs: dict) -> bool:
    parsed = parse_inputs(inputs)
    inst = build_instance(parsed, [row["id"] for row in draw["selected"]])
    return greedy(inst, PairKeys(inst, match_seed(draw["seed"], parsed.digest)), skip_stuck=False)[
        1
    ]


def test_tight_instances_take_the_exact_path_like_python(page: Page) -> None:
    """Many instances where the plain greedy gets stuck: the lookahead (max flow) decides,
    and infeasible ones name the same targets and reasons (incl. capacity_contention)."""
    rnd = random.Random(411523)
    cases = [_tight_case(rnd) for _ in range(500)]
    expected = []
    for draw, inputs in cases:
        python = _python_match(draw, inputs, [], None)
        expected.append((python, _recusal_for(python)))
    payload = [
        [_text(d), _text(i), [], list(rec) if rec else None]
        for (d, i), (_, rec) in zip(cases, expected, strict=True)
    ]
    results = page.evaluate(f"cases => cases.map({JS_MATCH})", payload)
    stuck = feasible_after_stuck = contention = 0
    for (draw, inputs), (python, recusal), js in zip(cases, expected, results, strict=True):
        if recusal:
            python = _python_match(draw, inputs, [], recusal)
        assert js == python, (draw, inputs)
        if _greedy_stuck(draw, inputs):
            stuck += 1
            feasible_after_stuck += "record" in python
        contention += any(code == "capacity_contention" for _, code in python.get("infeasible", []))
    assert feasible_after_stuck >= 20, (stuck, feasible_after_stuck)
    assert contention >= 5


def test_larger_tasks_match_python_and_time_them(page: Page) -> None:
    rnd = random.Random(7)
    targets = sorted({f"9141152{rnd.randrange(10**11):011d}" for _ in range(1000)})
    # A county-like task: 1,000 targets, 120 inspectors in two joint departments.
    inspectors = [
        make_inspector(
            j, ["SJ", "WJ"][j % 2], cap=30, expertise=("食品安全",) if rnd.random() < 0.9 else ()
        )
        for j in range(120)
    ]
    conflicts = sorted({(rnd.choice(targets), rnd.choice(inspectors)["id"]) for _ in range(2000)})
    county = (
        make_draw(rnd.sample(targets, len(targets)), hashlib.sha256(b"county").hexdigest()),
        make_inputs(inspectors, k=2, joint=["SJ", "WJ"], required=["食品安全"],
                    conflicts=[conflict(t, i) for t, i in conflicts]),
    )  # fmt: skip
    # A tight one: caps add up exactly to the demand, 40 targets restricted to 10 inspectors
    # (whom the plain greedy hands out to the first targets).
    few = [make_inspector(j, "SJ", cap=10) for j in range(40)]
    tight_targets = targets[:200]
    scarce = {i["id"] for i in few[:10]}
    tight_conflicts = [
        conflict(t, i["id"]) for t in tight_targets[-40:] for i in few if i["id"] not in scarce
    ]
    tight = (
        make_draw(tight_targets, hashlib.sha256(b"tight").hexdigest()),
        make_inputs(few, k=2, conflicts=tight_conflicts),
    )
    assert _greedy_stuck(*tight)
    timings = {}
    for name, (draw, inputs) in {"county 1000x120": county, "tight 200x40": tight}.items():
        t0 = time.perf_counter()
        python = _python_match(draw, inputs, [], None)
        timings[f"{name} python"] = round((time.perf_counter() - t0) * 1000)
        assert "record" in python
        js = page.evaluate(
            """([d, i]) => {
                const V = window.ShuangsuijiVerifier;
                const t0 = performance.now();
                const record = V.recordText(V.matchInspectors(d, i, []));
                const t1 = performance.now();
                const check = V.checkMatching(d, record, i);
                return {record, check, match_ms: t1 - t0, check_ms: performance.now() - t1};
            }""",
            [_text(draw), _text(inputs)],
        )
        assert js["record"] == python["record"]
        assert js["check"] == []
        timings[f"{name} js"] = round(js["match_ms"])
        timings[f"{name} js check"] = round(js["check_ms"])
    print(f"\nmatching in Chromium vs Python (ms): {timings}")


# --- the page ----------------------------------------------------------------------------------


def test_button_checks_the_published_matching(page: Page) -> None:
    page.evaluate(
        """() => Object.assign(document.getElementById('verifier').dataset, {
            drawUrl: '/mvectors/example-draw.json',
            matchingUrl: '/mvectors/example-matching-replaced.json',
            matchingInputsUrl: '/mvectors/example-inputs.json'})"""
    )
    page.get_by_role("button", name="在浏览器中验证").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("选派记录也已核对")
    expect(page.locator('[data-check="matching"][data-ok="true"]')).to_have_count(1)


def test_unpublished_matching_is_skipped(page: Page) -> None:
    """Before the matching, matching.json answers 404: the draw alone is verified."""
    page.evaluate(
        """() => Object.assign(document.getElementById('verifier').dataset, {
            matchingUrl: '/gen/no-matching.json', matchingInputsUrl: '/gen/no-inputs.json'})"""
    )
    page.get_by_role("button", name="在浏览器中验证").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("已验证")
    expect(status).not_to_contain_text("选派记录")


def test_tampered_matching_from_disk_is_named(open_page: OpenPage) -> None:
    page = open_page()
    page.evaluate(
        "() => document.getElementById('verifier').dataset.drawUrl = '/mvectors/example-draw.json'"
    )
    record = copy.deepcopy(REPLACED)
    RECORD_EDITS["replacement inspector"](record)
    page.get_by_text("使用自己保存的文件").click()
    page.get_by_label("选派记录").set_input_files(
        {"name": "matching.json", "mimeType": "application/json", "buffer": _text(record).encode()}
    )
    page.get_by_label("选派输入文件").set_input_files(str(MATCHING_VECTORS / "example-inputs.json"))
    page.get_by_role("button", name="在浏览器中验证").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("选派记录不符")
    expect(status).to_contain_text("replacements[0].inspector_id")
