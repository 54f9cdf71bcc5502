"""verify recomputes everything and names the first thing that does not match."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from shuangsuiji.lottery import (
    RecordError,
    compute_seed,
    draw,
    loads_record,
    population_from_rows,
    record_dict,
    verify_files,
    verify_record,
)
from shuangsuiji.lottery.verify import CHECK_ORDER

from .test_data import EXAMPLE_POPULATION, EXAMPLE_RECORD, example_record

Record = dict[str, Any]
POPULATION = EXAMPLE_POPULATION.read_bytes()


def _set(path: str, value: Any) -> Callable[[Record], None]:
    def change(record: Record) -> None:
        *parents, last = path.split(".")
        node: Any = record
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _swap_selected(record: Record) -> None:
    sel = record["selected"]
    sel[0], sel[1] = sel[1], sel[0]


def _drop(name: str) -> Callable[[Record], None]:
    return lambda record: record.pop(name)


TAMPERINGS: list[tuple[str, Callable[[Record], None], str]] = [
    ("spec", _set("spec", "shuangsuiji-draw-v2"), "spec"),
    ("task id", _set("task_id", "新市监抽查〔2026〕4号"), "seed"),
    ("digest", _set("population_digest", "0" * 64), "digest"),
    ("population size", _set("population_size", 21), "population_size"),
    ("population size as text", _set("population_size", "20"), "format"),
    ("quota of A", _set("quotas.A", "25%"), "strata"),
    ("quota respelt", _set("quotas.A", "12.50%"), "strata"),
    ("quota malformed", _set("quotas.B", "01"), "quotas"),
    ("quota for absent stratum", _set("quotas.E", "1"), "quotas"),
    ("quota removed", lambda r: r["quotas"].pop("D"), "quotas"),
    ("stratum size", _set("strata.A.size", 9), "strata"),
    ("stratum quota text", _set("strata.B.quota", "2"), "strata"),
    ("stratum drawn", _set("strata.C.drawn", 3), "strata"),
    ("extra stratum", _set("strata.E", {"size": 0, "quota": "0", "drawn": 0}), "strata"),
    ("commitment", _set("commitment", "c" * 64), "commitment"),
    ("secret", _set("secret", "0" * 64), "commitment"),
    ("secret upper case", lambda r: r.update(secret=r["secret"].upper()), "commitment"),
    ("entropy changed", _set("entropy.0", "dice:73914 20586 11734 99022"), "seed"),
    ("entropy removed", lambda r: r["entropy"].pop(), "seed"),
    ("entropy added", lambda r: r["entropy"].append("beacon:42"), "seed"),
    ("entropy unnormalised", _set("entropy.0", " dice:73914 20586 11734 99021"), "seed"),
    ("seed", _set("seed", "1" * 64), "seed"),
    ("selected key", _set("selected.2.key", "0" * 64), "key"),
    ("selected id", _set("selected.0.id", "91411523AGYGLUY35K"), "key"),
    ("selected id unknown", _set("selected.0.id", "91411523ZZZZZZZZZZ"), "selection"),
    ("selected stratum", _set("selected.1.stratum", "A"), "selection"),
    ("order swapped", _swap_selected, "selection"),
    ("one dropped", lambda r: r["selected"].pop(), "selection"),
    ("one added", lambda r: r["selected"].append(dict(r["selected"][0])), "selection"),
    ("field removed", _drop("seed"), "format"),
    ("field added", _set("comment", "redrawn once"), "format"),
    ("selected field added", _set("selected.0.name", "某公司"), "format"),
    ("entropy not a list", _set("entropy", "dice"), "format"),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in TAMPERINGS],
                         ids=[name for name, _, _ in TAMPERINGS])  # fmt: skip
def test_single_field_tampering_is_named(change: Callable[[Record], None], expected: str) -> None:
    record = example_record()
    change(record)
    report = verify_record(record, POPULATION)
    assert not report.ok
    assert report.first_mismatch is not None
    assert report.first_mismatch.name == expected, report.first_mismatch
    assert report.first_mismatch.detail
    assert "MISMATCH" in report.summary()


def test_one_changed_byte_of_the_population_is_a_digest_mismatch() -> None:
    for position in range(len(POPULATION)):
        data = bytearray(POPULATION)
        data[position] ^= 0x01
        report = verify_record(example_record(), bytes(data))
        assert report.first_mismatch is not None
        assert report.first_mismatch.name == "digest"


def test_a_record_for_a_malformed_file_fails_on_population() -> None:
    # A publisher could compute a digest over a file the spec forbids (here CRLF).
    data = POPULATION.replace(b"\n", b"\r\n")
    record = example_record()
    record["population_digest"] = hashlib.sha256(data).hexdigest()
    report = verify_record(record, data)
    assert report.first_mismatch is not None
    assert report.first_mismatch.name == "population"
    assert ":1:" in report.first_mismatch.detail


def test_a_consistent_forgery_with_a_wrong_selection_is_caught() -> None:
    # Everything recomputed honestly except the winners: only the selection check can see it.
    record = example_record()
    record["selected"][0] = {
        "id": "91411523AGYGLUY35K",
        "stratum": "A",
        "key": hashlib.sha256(f"{record['seed']}:91411523AGYGLUY35K:1".encode()).hexdigest(),
    }
    report = verify_record(record, POPULATION)
    assert report.first_mismatch is not None
    assert report.first_mismatch.name == "selection"
    assert "92411523RCPGL2PA1M" in report.first_mismatch.detail


def test_honest_report_lists_every_check_in_order() -> None:
    report = verify_record(example_record(), POPULATION)
    assert [c.name for c in report.checks] == list(CHECK_ORDER)
    assert all(c.ok for c in report.checks)
    summary = report.summary()
    for text in ("OK", "新市监抽查〔2026〕3号", "ce71f9a0", "12.5%", "commitment:  ok",
                 "seed:        ok", "6 targets"):  # fmt: skip
        assert text in summary
    assert len(summary.splitlines()) < 24  # one screen


def test_verify_of_a_fresh_draw_with_tickets_and_chinese_text() -> None:
    rows = [(f"9141152{i:03d}MA{i:07d}", "甲乙丙"[i % 3], 1 + i % 7) for i in range(300)]
    pop = population_from_rows(rows)
    result = draw(pop, task_id="卫健委抽查〔2026〕1号", quotas={"甲": "10%", "乙": "3", "丙": "0"},
                  secret="ab" * 32, entropy=["双色球 2026001期"])  # fmt: skip
    record = json.loads(json.dumps(record_dict(result), ensure_ascii=False))
    assert verify_record(record, pop.data).ok
    assert compute_seed(task_id=record["task_id"], population_digest=pop.digest,
                        quota_line="丙=0;乙=3;甲=10%", secret="ab" * 32,
                        entropy=record["entropy"]) == record["seed"]  # fmt: skip
    tampered = copy.deepcopy(record)
    tampered["selected"][-1]["key"] = tampered["selected"][-1]["key"][::-1]
    assert verify_record(tampered, pop.data).first_mismatch.name == "key"  # type: ignore[union-attr]


def test_verify_files_reads_both_and_refuses_bad_json(tmp_path: Any) -> None:
    record, report = verify_files(EXAMPLE_RECORD, EXAMPLE_POPULATION)
    assert report.ok and record["task_id"] == "新市监抽查〔2026〕3号"
    bad = tmp_path / "bad.json"
    bad.write_text('{"spec": "x",', encoding="utf-8")
    with pytest.raises(RecordError):
        verify_files(bad, EXAMPLE_POPULATION)
    twice = tmp_path / "twice.json"
    twice.write_text('{"seed": "a", "seed": "b"}', encoding="utf-8")
    with pytest.raises(RecordError, match="twice"):
        loads_record(twice.read_bytes())
