"""The in-browser verifier reaches the verdicts of ``shuangsuiji verify`` (draw-v1).

Every test runs web/static/web/verifier.js in real Chromium and compares it with the Python
reference (shuangsuiji.lottery): the worked example value by value, tampered records by the
name of the first mismatch, damaged population files by error code and line, the WebCrypto
and plain-JS SHA-256 paths against each other, and a generated 20,000-row draw.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from shuangsuiji.lottery import draw, parse_population, population_from_rows, record_bytes
from shuangsuiji.lottery.draw import select_population, ticket_key
from shuangsuiji.lottery.errors import PopulationError
from shuangsuiji.lottery.quotas import quota_set
from shuangsuiji.lottery.verify import CHECK_ORDER, verify_record
from tests.lottery.test_fastdraw import BAD_ROWS, GOOD
from tests.lottery.test_fastdraw import HEADER as POP_HEADER

from .conftest import OpenPage, Server
from .support import HERE, ROOT, STATIC, VECTORS, read_json, verify_in_page

pytestmark = pytest.mark.browser

POPULATION = (VECTORS / "example-population.csv").read_bytes()
RECORD = read_json(VECTORS / "example-draw.json")
VECTOR_FILES = {
    "population": "/vectors/example-population.csv",
    "draw": "/vectors/example-draw.json",
}


def _verify_texts(
    page: Page, population: bytes, record: dict[str, Any] | str, **options: Any
) -> dict:
    """Run the verifier on in-memory files (the record as a dict or as raw JSON text)."""
    text = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False, indent=1)
    verdict: dict = page.evaluate(
        """async ([population, draw, options]) => {
            const bytes = Uint8Array.from(population);
            const v = await window.ShuangsuijiVerifier.verify({population: bytes, draw}, options);
            return JSON.parse(JSON.stringify(v));
        }""",
        [list(population), text, options],
    )
    return verdict


def _first(verdict: dict) -> dict | None:
    return next((c for c in verdict["checks"] if not c["ok"]), None)


def _stable(verdict: dict) -> dict:
    """A verdict without what legitimately differs between runs and engines."""
    out = copy.deepcopy(verdict)
    for key in ("timing_ms", "engine", "wall_ms"):
        out.pop(key, None)
    return out


# --- 1. the worked example -----------------------------------------------------------------


def test_worked_example_is_reproduced_value_by_value(page: Page) -> None:
    verdict = verify_in_page(page, VECTOR_FILES)
    assert verdict["ok"], verdict["first_mismatch"]
    assert [c["name"] for c in verdict["checks"]] == list(CHECK_ORDER)
    assert all(c["ok"] for c in verdict["checks"])
    computed = verdict["computed"]
    assert computed["population_digest"] == RECORD["population_digest"]
    assert computed["population_digest"] == hashlib.sha256(POPULATION).hexdigest()
    assert computed["commitment"] == RECORD["commitment"]
    assert computed["seed"] == RECORD["seed"]
    assert computed["population_size"] == RECORD["population_size"]
    assert computed["quota_line"] == "A=12.5%;B=1;C=50%;D=100%"
    assert computed["strata"] == RECORD["strata"]
    # Keys, ids, strata and the dispatch order of the selected targets.
    assert computed["selected"] == RECORD["selected"]
    # The commitment and digest checks name what they compared.
    checks = {c["name"]: c for c in verdict["checks"]}
    assert checks["digest"]["actual"] == checks["digest"]["expected"] == RECORD["population_digest"]
    assert checks["commitment"]["actual"] == RECORD["commitment"]


def test_every_row_key_equals_python(page: Page) -> None:
    """Not only the winners: each row's key, including the three-ticket row."""
    population = parse_population(POPULATION)
    rows = list(population.rows())
    assert any(t > 1 for _, _, t in rows)
    keys = page.evaluate(
        "([seed, rows]) => rows.map(([id, s, t]) =>"
        " window.ShuangsuijiVerifier.ticketKey(seed, id, t))",
        [RECORD["seed"], [list(r) for r in rows]],
    )
    assert keys == [ticket_key(RECORD["seed"], i, t) for i, _, t in rows]


# --- 2. a changed population file ------------------------------------------------------------


def _flip(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1, old
    return data.replace(old, new)


def _python_diagnosis(changed: bytes) -> str | None:
    """What Python would find checking the record against the changed rows, with the
    record's digest in the seed: the first failing later stage, or None (same result)."""
    try:
        pop = parse_population(changed)
    except PopulationError:
        return "population"
    if pop.size != RECORD["population_size"]:
        return "population_size"
    try:
        qs = quota_set(RECORD["quotas"])
        drawn = qs.resolve(pop.strata, pop.stratum_lines)
    except Exception:
        return "quotas"
    expected = select_population(pop, seed=RECORD["seed"], drawn=drawn)
    got = [(s["id"], s["stratum"], s["key"]) for s in RECORD["selected"]]
    return None if [(s.id, s.stratum, s.key) for s in expected] == got else "selection"


@pytest.mark.parametrize(
    ("old", "new", "diagnosis"),
    [
        # A drawn target's code changed: the record's first target is no longer in the file.
        (b"92411523RCPGL2PA1M,A,1", b"92411523RCPGL2PA1N,A,1", "selection"),
        # A target not drawn gets two tickets: the draw may or may not change.
        (b"91411523AGYGLUY35K,A,1", b"91411523AGYGLUY35K,A,2", None),
        # A stratum label changed: the record's quotas no longer fit the file.
        (b"91411523DGRQUKWF09,B,1", b"91411523DGRQUKWF09,b,1", "quotas"),
        # The header: the file is no longer a population file at all.
        (b"id,stratum,tickets\n", b"id,stratum,tickeTs\n", "population"),
    ],
    ids=["drawn id", "tickets", "stratum", "header"],
)
def test_one_changed_byte_names_the_population_digest(
    page: Page, old: bytes, new: bytes, diagnosis: str | None
) -> None:
    changed = _flip(POPULATION, old, new)
    assert sum(a != b for a, b in zip(changed, POPULATION, strict=True)) == 1
    verdict = _verify_texts(page, changed, RECORD)
    assert not verdict["ok"]
    first = verdict["first_mismatch"]
    assert first["name"] == "digest" == verify_record(RECORD, changed).first_mismatch.name
    assert first["expected"] == RECORD["population_digest"]
    assert first["actual"] == hashlib.sha256(changed).hexdigest()
    assert first["message_zh"].startswith("总体文件摘要不符")
    assert RECORD["population_digest"] in first["message_zh"]
    assert "population digest differs" in first["message_en"]
    assert first["actual"] in first["message_en"]
    # Then the diagnosis: the record checked against the changed rows.
    later = [c for c in verdict["checks"] if c.get("diagnostic")]
    assert later and all(c["diagnostic"] for c in later)
    expected = _python_diagnosis(changed) if diagnosis is None else diagnosis
    assert expected == _python_diagnosis(changed)
    failing = [c["name"] for c in later if not c["ok"]]
    if expected is None:
        assert failing == [] and later[-1]["name"] == "selection"
    else:
        assert failing == [expected]
    if diagnosis == "selection":
        assert "第 1 个中选对象" in later[-1]["message_zh"]
        assert "92411523RCPGL2PA1M" in later[-1]["message_en"]


# --- 3. tampered draw records ----------------------------------------------------------------


def _other_row(stratum: str) -> tuple[str, str]:
    """A row of `stratum` that was not drawn, and its true key."""
    chosen = {s["id"] for s in RECORD["selected"]}
    for target_id, s, t in parse_population(POPULATION).rows():
        if s == stratum and target_id not in chosen:
            return target_id, ticket_key(RECORD["seed"], target_id, t)
    raise AssertionError(stratum)


def _flip_hex(value: str) -> str:
    return ("1" if value[0] != "1" else "2") + value[1:]


def _set(path: list[Any], value: Any) -> Callable[[dict], None]:
    def edit(rec: dict) -> None:
        node = rec
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return edit


def _swap_in(rec: dict) -> None:
    target_id, key = _other_row("A")
    rec["selected"][0] = {"id": target_id, "stratum": "A", "key": key}


TAMPERINGS: dict[str, tuple[Callable[[dict], None], str]] = {
    "selected id swapped": (_set(["selected", 0, "id"], _other_row("A")[0]), "key"),
    "selected id and key swapped": (_swap_in, "selection"),
    "dispatch order swapped": (
        lambda r: r["selected"].__setitem__(slice(0, 2), r["selected"][1::-1]),
        "selection",
    ),
    "last selected dropped": (lambda r: r["selected"].pop(), "selection"),
    "one selected too many": (
        lambda r: r["selected"].append(
            {"id": _other_row("B")[0], "stratum": "B", "key": _other_row("B")[1]}
        ),
        "selection",
    ),
    "selected stratum wrong": (_set(["selected", 0, "stratum"], "B"), "selection"),
    "selected id not in file": (_set(["selected", 0, "id"], "99999999999999999X"), "selection"),
    "selected key wrong": (
        _set(["selected", 2, "key"], _flip_hex(RECORD["selected"][2]["key"])),
        "key",
    ),
    "seed wrong": (_set(["seed"], _flip_hex(RECORD["seed"])), "seed"),
    "commitment wrong": (_set(["commitment"], _flip_hex(RECORD["commitment"])), "commitment"),
    "secret wrong": (_set(["secret"], _flip_hex(RECORD["secret"])), "commitment"),
    "secret upper case": (_set(["secret"], RECORD["secret"].upper()), "commitment"),
    "entropy changed": (_set(["entropy", 0], "dice:73914 20586 11734 99022"), "seed"),
    "entropy not stripped": (_set(["entropy", 0], " dice:73914 20586 11734 99021"), "seed"),
    "entropy dropped": (lambda r: r["entropy"].pop(), "seed"),
    "task id changed": (_set(["task_id"], "新市监抽查〔2026〕4号"), "seed"),
    "task id with space": (_set(["task_id"], "新市监抽查〔2026〕3号\u3000"), "seed"),
    "quota changed": (_set(["quotas", "A"], "25%"), "strata"),
    "quota malformed": (_set(["quotas", "A"], "12.5"), "quotas"),
    "quota missing": (lambda r: r["quotas"].pop("D"), "quotas"),
    "quota for absent stratum": (_set(["quotas", "E"], "1"), "quotas"),
    "population size": (_set(["population_size"], 21), "population_size"),
    "stratum drawn": (_set(["strata", "A", "drawn"], 2), "strata"),
    "stratum extra": (_set(["strata", "E"], {"size": 0, "quota": "1", "drawn": 0}), "strata"),
    "digest wrong": (_set(["population_digest"], _flip_hex(RECORD["population_digest"])), "digest"),
    "spec": (_set(["spec"], "shuangsuiji-draw-v2"), "spec"),
    "field missing": (lambda r: r.pop("seed"), "format"),
    "field unknown": (_set(["note"], "x"), "format"),
    "size as float": (_set(["population_size"], 20.0), "format"),
    "size as bool": (_set(["population_size"], True), "format"),
    "selected extra field": (_set(["selected", 0, "rank"], "1"), "format"),
    "entropy not a list": (_set(["entropy"], "dice"), "format"),
}


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_tampered_record_names_the_same_check_as_python(page: Page, name: str) -> None:
    edit, expected = TAMPERINGS[name]
    record = copy.deepcopy(RECORD)
    edit(record)
    python = verify_record(record, POPULATION)
    assert not python.ok
    assert python.first_mismatch.name == expected
    verdict = _verify_texts(page, POPULATION, record)
    assert not verdict["ok"]
    first = verdict["first_mismatch"]
    assert first["name"] == expected, first
    assert first["message_zh"] and first["message_en"]
    # The checks before it passed, in verify.py's order (a key-loop "selection" failure
    # comes before the "key" stage closes, as in verify.py; a digest failure is followed
    # by diagnostic checks, marked as such).
    names = [c["name"] for c in verdict["checks"] if not c.get("diagnostic")]
    before = list(CHECK_ORDER[: CHECK_ORDER.index(expected)])
    if expected == "selection" and "key" not in names:
        before.remove("key")
    assert names == [*before, expected]
    assert all(c["ok"] for c in verdict["checks"][: len(before)])


def test_swapped_selected_target_is_named_by_position(page: Page) -> None:
    record = copy.deepcopy(RECORD)
    _swap_in(record)
    first = _verify_texts(page, POPULATION, record)["first_mismatch"]
    assert first["message_zh"].startswith("第 1 个中选对象不符")
    assert first["expected"] == record["selected"][0]["id"]
    assert first["actual"] == RECORD["selected"][0]["id"]
    assert first["position"] == 1


def test_record_layout_and_order_do_not_matter(page: Page) -> None:
    reordered = dict(reversed(list(RECORD.items())))
    reordered["quotas"] = dict(reversed(list(RECORD["quotas"].items())))
    text = json.dumps(reordered, ensure_ascii=False, separators=(",", ":"))
    assert verify_record(json.loads(text), POPULATION).ok
    assert _verify_texts(page, POPULATION, text)["ok"]


@pytest.mark.parametrize(
    "text",
    [
        '{"spec": "a", "spec": "b"}',
        "[]",
        "{",
        "\ufeff{}",
        '{"population_size": 1e400}',
    ],
    ids=["duplicate key", "not an object", "truncated", "BOM", "huge float"],
)
def test_unreadable_records_fail_the_format_check(page: Page, text: str) -> None:
    first = _verify_texts(page, POPULATION, text)["first_mismatch"]
    assert first["name"] == "format"


# --- strict reading of the population file: same refusals as Python ---------------------------


def _python_outcome(data: bytes) -> tuple[Any, ...]:
    try:
        pop = parse_population(data)
    except PopulationError as exc:
        return ("error", str(exc.code), exc.line)
    return ("ok", pop.size, [[s, n] for s, n in pop.strata.items()])


def _damaged_files() -> list[bytes]:
    files = [
        b"",
        POP_HEADER,
        b"\xef\xbb\xbf" + POP_HEADER + GOOD[0],
        b"id,stratum,tickets\r\n" + GOOD[0],
        b"id,stratum\n" + GOOD[0],
        POP_HEADER + GOOD[0] + b"92411523D69T80142Q,C,3",
        POP_HEADER + "张,高风险,1\n".encode() + "张三,高风险,2\n".encode(),
        POP_HEADER + "92e\u0301,A,1\n".encode(),
        POP_HEADER + b"a b,x  y,7\n",
        POP_HEADER + b"a\x00b,\x7f,1\n",
        POP_HEADER + "\U0001f600,A,1\n\uffff,A,1\n".encode(),  # astral sorts after U+FFFF
        POP_HEADER + "\uffff,A,1\n\U0001f600,A,1\n".encode(),
    ]
    for bad in BAD_ROWS:
        for position in (0, 1, 3):
            lines = GOOD[:]
            lines.insert(position, bad)
            files.append(POP_HEADER + b"".join(lines))
    # Random damage, as tests/lottery/test_fastdraw.py does it (seeded: reproducible).
    rnd = random.Random(20260318)
    pieces = [b",", b"\n", b"\r", b" ", b"\t", b"\x1f", b"0", b"1", b"9", b"A", b"\x00"]
    pieces += [
        b"\xc3\xa9",
        b"e\xcc\x81",
        b"\xe3\x80\x80",
        b"\xc2\xa0",
        b"\xff",
        b"\xe5",
        b"\xc2\x85",
    ]
    base = population_from_rows(
        [
            ("91411523AGYGLUY35K", "A", 1),
            ("92411523D69T80142Q", "C", 3),
            ("93411523CM9HRLGN44", "高风险", 12),
            ("农民专业合作社", "A", 1000),
            ("张 三", "B", 1),
        ]
    ).data
    for _ in range(400):
        data = bytearray(base)
        for _ in range(rnd.randint(1, 4)):
            at = len(POP_HEADER) + rnd.randrange(len(data) - len(POP_HEADER) + 1)
            drop = rnd.randint(0, 2)
            data[at : at + drop] = rnd.choice(pieces)
        files.append(bytes(data))
    return files


def test_population_files_are_accepted_and_refused_exactly_like_python(page: Page) -> None:
    files = _damaged_files()
    outcomes = page.evaluate(
        """files => files.map(f => {
            const V = window.ShuangsuijiVerifier;
            try {
                const pop = V.parsePopulation(Uint8Array.from(f));
                return ['ok', pop.size, pop.strata.map(s => [s.name, s.size])];
            } catch (e) {
                if (!(e instanceof V.errors.PopulationError)) throw e;
                return ['error', e.code, e.line];
            }
        })""",
        [list(f) for f in files],
    )
    expected = [list(_python_outcome(f)) for f in files]
    mismatches = [
        (f, got, want)
        for f, got, want in zip(files, outcomes, expected, strict=True)
        if got != want
    ]
    assert not mismatches, mismatches[:5]
    assert sum(1 for o in expected if o[0] == "error") > 300  # the damage did damage


# --- 4. the plain-JS SHA-256 fallback ----------------------------------------------------------


def test_plain_js_sha256_equals_webcrypto_and_hashlib(page: Page) -> None:
    rnd = random.Random(5)
    samples = [bytes(rnd.randrange(256) for _ in range(n)) for n in [*range(0, 140), 1000, 4095]]
    samples.append(rnd.randbytes(3_000_000))  # many blocks, lengths beyond 2^24 bits
    results = page.evaluate(
        """async samples => {
            const V = window.ShuangsuijiVerifier;
            const out = [];
            for (const s of samples) {
                const bytes = Uint8Array.from(atob(s), c => c.charCodeAt(0));
                out.push([V.sha256HexSync(bytes), await V.sha256Hex(bytes, 'webcrypto')]);
            }
            const task = '新市监抽查〔2026〕3号';
            out.push([V.sha256HexSync(task), await V.sha256Hex(task, 'webcrypto')]);
            return out;
        }""",
        [base64.b64encode(s).decode() for s in samples],
    )
    want = [hashlib.sha256(s).hexdigest() for s in samples]
    want.append(hashlib.sha256("新市监抽查〔2026〕3号".encode()).hexdigest())
    assert [js for js, _ in results] == want
    assert [wc for _, wc in results] == want


def test_fallback_and_webcrypto_give_the_same_verdicts(page: Page) -> None:
    cases: list[tuple[bytes, dict[str, Any]]] = [(POPULATION, RECORD)]
    cases.append((_flip(POPULATION, b"92411523RCPGL2PA1M,A,1", b"92411523RCPGL2PA1N,A,1"), RECORD))
    for name in ("selected id and key swapped", "seed wrong", "dispatch order swapped"):
        record = copy.deepcopy(RECORD)
        TAMPERINGS[name][0](record)
        cases.append((POPULATION, record))
    for population, record in cases:
        by_engine = {
            engine: _verify_texts(page, population, record, engine=engine)
            for engine in ("webcrypto", "js", "auto")
        }
        assert by_engine["webcrypto"]["engine"] == {"digest": "webcrypto", "keys": "webcrypto"}
        assert by_engine["js"]["engine"] == {"digest": "js", "keys": "js"}
        assert (
            _stable(by_engine["webcrypto"])
            == _stable(by_engine["js"])
            == _stable(by_engine["auto"])
        )


NO_SUBTLE = """
    // What a plain-http page on a non-localhost address sees: no crypto.subtle.
    Object.defineProperty(Crypto.prototype, 'subtle',
                          { get() { return undefined; }, configurable: true });
"""


def test_without_crypto_subtle_the_fallback_verifies(open_page: OpenPage) -> None:
    page = open_page(init_script=NO_SUBTLE)
    assert page.evaluate("() => window.ShuangsuijiVerifier.hasWebCrypto()") is False
    verdict = verify_in_page(page, VECTOR_FILES)
    assert verdict["ok"], verdict["first_mismatch"]
    assert verdict["engine"] == {"digest": "js", "keys": "js"}
    assert verdict["computed"]["selected"] == RECORD["selected"]
    with pytest.raises(Exception, match=r"crypto\.subtle is not available"):
        verify_in_page(page, VECTOR_FILES, engine="webcrypto")


# --- 5. a generated draw of 20,000 rows --------------------------------------------------------


def _generated_population(n: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    ids: set[str] = set()
    while len(ids) < n - 40:
        ids.add("9" + rnd.choice("123") + "4115" + "".join(rnd.choice(chars) for _ in range(12)))
    # Individual businesses without a credit code are listed by name: non-ASCII ids.
    ids |= {f"个体工商户·张{k:03d}" for k in range(40)}
    strata = ["A"] * 60 + ["B"] * 25 + ["C"] * 10 + ["D"] * 4 + ["高风险"]
    rows = []
    for target_id in ids:
        luck = rnd.random()
        tickets = 1 if luck < 0.92 else rnd.choice([2, 3, 5, 20]) if luck < 0.9997 else 1000
        rows.append((target_id, rnd.choice(strata), tickets))
    return population_from_rows(rows).data


def _cli(*args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "shuangsuiji.lottery.cli", *args],
        input=stdin,
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def test_twenty_thousand_rows_verify_and_equal_python(
    open_page: OpenPage, server: Server, tmp_path: Any
) -> None:
    population = _generated_population(20_000, seed=411523)
    (tmp_path / "population.csv").write_bytes(population)
    # The real ceremony, through the command line: commit, then draw with public entropy.
    secret = json.loads(_cli("commit", "--json"))["secret"]
    (tmp_path / "secret.txt").write_text(secret + "\n")
    published = _cli(
        "draw", "--population", str(tmp_path / "population.csv"), "--task", "新市监抽查〔2026〕9号",
        "--secret-file", str(tmp_path / "secret.txt"), "--entropy", "dice:4 1 6 6 2",
        "--entropy", "福彩3D 2026320期: 8 8 1",
        "--quota", "A=2.5%;B=40;C=12.1234%;D=0;高风险=100%",
    )  # fmt: skip
    record = json.loads(published)
    assert len(record["selected"]) > 500
    files = {
        "population": server.publish("big-population.csv", population),
        "draw": server.publish("big-draw.json", published),
    }
    page = open_page()
    timings = {}
    verdicts = {}
    for engine in ("auto", "webcrypto", "js"):
        verdict = verify_in_page(page, files, engine=engine)
        assert verdict["ok"], (engine, verdict["first_mismatch"])
        assert verdict["computed"]["selected"] == record["selected"]
        assert verdict["computed"]["strata"] == record["strata"]
        assert verdict["computed"]["seed"] == record["seed"]
        timings[engine] = round(verdict["wall_ms"])
        verdicts[engine] = _stable(verdict)
    assert verdicts["auto"] == verdicts["webcrypto"] == verdicts["js"]
    no_subtle = open_page(init_script=NO_SUBTLE)
    fallback = verify_in_page(no_subtle, files)
    assert fallback["engine"] == {"digest": "js", "keys": "js"} and fallback["ok"]
    timings["no crypto.subtle"] = round(fallback["wall_ms"])
    print(f"\n20,000 rows, {len(record['selected'])} drawn, verify in Chromium (ms): {timings}")
    # "Well under a few seconds" on a shared 2-vCPU machine, with room for its load.
    assert timings["auto"] < 5_000
    # One changed byte deep in the big file is still named.
    changed = bytearray(population)
    changed[len(changed) // 2] ^= 0x01
    files["population"] = server.publish("big-population-changed.csv", bytes(changed))
    verdict = verify_in_page(page, files)
    assert verdict["first_mismatch"]["name"] == "digest"


# --- the page: button, own files, languages --------------------------------------------------

CSP_WATCH = """
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation',
                              e => window.__cspViolations.push(e.violatedDirective));
"""


def test_button_downloads_the_files_and_shows_verified(open_page: OpenPage) -> None:
    page = open_page(init_script=CSP_WATCH)
    button = page.get_by_role("button", name="在浏览器中验证")
    expect(button).to_be_enabled()
    button.click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("已验证")
    expect(status).to_contain_text("Verified")  # the English follows on a Chinese page
    expect(page.locator("#verifier")).to_have_attribute("data-verdict", "ok")
    expect(page.locator('[data-check="selection"][data-ok="true"]')).to_have_count(1)
    expect(page.locator("[data-verifier-details]")).to_contain_text(RECORD["seed"])
    assert page.evaluate("() => window.__cspViolations") == []


def test_english_page_speaks_english(open_page: OpenPage) -> None:
    page = open_page(
        init_script="document.addEventListener('DOMContentLoaded',"
        " () => document.documentElement.lang = 'en')"
    )
    page.get_by_role("button", name="Verify in this browser").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Verified: the draw record matches the population file")
    expect(status).not_to_contain_text("已验证")


def test_own_files_from_disk_replace_the_downloads(page: Page) -> None:
    changed = _flip(POPULATION, b"91411523AGYGLUY35K,A,1", b"91411523AGYGLUY35K,A,2")
    page.get_by_text("使用自己保存的文件").click()
    page.get_by_label("总体文件").set_input_files(
        {"name": "population.csv", "mimeType": "text/csv", "buffer": changed}
    )
    page.get_by_role("button", name="在浏览器中验证").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("总体文件摘要不符")
    expect(status).to_contain_text(hashlib.sha256(changed).hexdigest())
    expect(page.locator("#verifier")).to_have_attribute("data-verdict", "mismatch")
    # Both files from disk, with a tampered record this time.
    record = copy.deepcopy(RECORD)
    _swap_in(record)
    page.get_by_label("总体文件").set_input_files(
        {"name": "population.csv", "mimeType": "text/csv", "buffer": POPULATION}
    )
    page.get_by_label("摇号记录").set_input_files(
        {"name": "draw.json", "mimeType": "application/json",
         "buffer": json.dumps(record, ensure_ascii=False).encode()}
    )  # fmt: skip
    page.get_by_role("button", name="在浏览器中验证").click()
    expect(status).to_contain_text("第 1 个中选对象不符")


def test_download_failure_is_explained(page: Page) -> None:
    page.evaluate("() => document.getElementById('verifier').dataset.drawUrl = '/gen/missing.json'")
    page.get_by_role("button", name="在浏览器中验证").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("无法下载")
    expect(status).to_contain_text("404")
    expect(page.locator("#verifier")).to_have_attribute("data-verdict", "error")


def test_progress_is_reported_for_large_files(open_page: OpenPage, server: Server) -> None:
    population = _generated_population(60_000, seed=7)
    result = draw(
        parse_population(population),
        task_id="T-progress",
        quotas={"A": "5%", "B": "5%", "C": "5%", "D": "5%", "高风险": "5%"},
        secret="0f" * 32,
        entropy=["dice:1"],
    )
    population_url = server.publish("progress-population.csv", population)
    draw_url = server.publish("progress-draw.json", record_bytes(result))
    page = open_page()
    seen = page.evaluate(
        """async ([p, d]) => {
            const stages = [];
            const bytes = async u => new Uint8Array(await (await fetch(u)).arrayBuffer());
            const v = await window.ShuangsuijiVerifier.verify(
                {population: await bytes(p), draw: await bytes(d)},
                {onProgress: e => stages.push([e.stage, e.done, e.total])});
            return {ok: v.ok, stages};
        }""",
        [population_url, draw_url],
    )
    assert seen["ok"]
    keys = [s for s in seen["stages"] if s[0] == "keys"]
    assert len(keys) > 5 and keys[-1][1] == keys[-1][2] == 60_000
    # And the page shows it while it works (a <progress> bar and a stage line).
    page.evaluate(
        "([p, d]) => Object.assign(document.getElementById('verifier').dataset,"
        " {populationUrl: p, drawUrl: d})",
        [population_url, draw_url],
    )
    page.get_by_role("button", name="在浏览器中验证").click()
    expect(page.get_by_role("status")).to_contain_text("已验证")


def test_django_partial_works_with_the_script(open_page: OpenPage, server: Server) -> None:
    """The template partial, rendered by Django, gives a working verifier (no inline JS)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):  # English labels, whatever the .po files hold
        section = render_to_string(
            "web/_verifier.html",
            {
                "population_url": "/vectors/example-population.csv",
                "draw_url": "/vectors/example-draw.json",
                "matching_url": "",
            },
        )
    assert "<script>" not in section and "onclick" not in section
    assert 'src="/static/web/verifier.js"' in section
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
        "script-src 'self'\"></head><body>" + section + "</body></html>"
    )
    page = open_page(server.publish("partial.html", html.encode()), init_script=CSP_WATCH)
    page.get_by_role("button", name="Verify in this browser").click()
    expect(page.get_by_role("status")).to_contain_text("Verified: the draw record matches")
    for label in ("Population file (population.csv)", "Draw record (draw.json)"):
        expect(page.get_by_label(label)).to_have_attribute("type", "file")
    assert page.evaluate("() => window.__cspViolations") == []


def test_saved_copy_works_offline_from_disk(browser: Browser, tmp_path: Any) -> None:
    """docs/verifier.md: save the page and the script, open from file://, choose the files."""
    html = (HERE / "harness" / "harness.html").read_text("utf-8")
    html = html.replace('src="/static/web/verifier.js"', 'src="verifier.js"')
    (tmp_path / "page.html").write_text(html, "utf-8")
    (tmp_path / "verifier.js").write_bytes((STATIC / "web" / "verifier.js").read_bytes())
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((tmp_path / "page.html").as_uri())
        button = page.get_by_role("button", name="在浏览器中验证")
        button.click()
        status = page.get_by_role("status")
        expect(status).to_contain_text("无法下载")  # no server: the page says what to do
        page.get_by_text("使用自己保存的文件").click()
        page.get_by_label("总体文件").set_input_files(str(VECTORS / "example-population.csv"))
        page.get_by_label("摇号记录").set_input_files(str(VECTORS / "example-draw.json"))
        button.click()
        expect(status).to_contain_text("已验证")
        assert not errors
    finally:
        context.close()
