"""``shuangsuiji match``: files in, files out, exit statuses 0 / 1 / 2."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from shuangsuiji.lottery import match_cli
from shuangsuiji.lottery.matching import canonical_inputs_bytes

try:
    from .test_matching_support import VECTORS, load_json
except ImportError:
    from test_matching_support import VECTORS, load_json  # type: ignore[no-redef]

ENTROPY = "dice:35142 60231"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in ("example-draw.json", "example-inputs.json", "example-matching.json"):
        shutil.copy(VECTORS / name, tmp_path / name)
    return tmp_path


def _match_args(d: Path, *extra: str) -> list[str]:
    return [
        "--draw", str(d / "example-draw.json"),
        "--inputs", str(d / "example-inputs.json"),
        "--entropy", ENTROPY,
        *extra,
    ]  # fmt: skip


def test_match_writes_the_example_record(files: Path, capsys) -> None:
    out = files / "out.json"
    assert match_cli.main(_match_args(files, "--out", str(out))) == 0
    assert out.read_bytes() == (VECTORS / "example-matching.json").read_bytes()
    assert "matched 6 targets" in capsys.readouterr().err


def test_match_prints_the_record_to_stdout(files: Path, capfdbinary) -> None:
    assert match_cli.main(_match_args(files)) == 0
    assert capfdbinary.readouterr().out == (VECTORS / "example-matching.json").read_bytes()


def test_entropy_typed_with_extra_spaces_is_normalised(files: Path) -> None:
    out = files / "out.json"
    args = _match_args(files, "--out", str(out))
    args[args.index(ENTROPY)] = f"  {ENTROPY} "
    assert match_cli.main(args) == 0
    assert out.read_bytes() == (VECTORS / "example-matching.json").read_bytes()


def test_non_canonical_inputs_are_refused_with_one_line(files: Path, capsys) -> None:
    inputs = files / "example-inputs.json"
    inputs.write_text(json.dumps(load_json("example-inputs.json"), ensure_ascii=False, indent=2))
    out = files / "out.json"
    assert match_cli.main(_match_args(files, "--out", str(out))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "canonical" in err and "canonicalize" in err
    assert not out.exists()


def test_canonicalize_repairs_the_order_of_an_inputs_file(files: Path) -> None:
    messy = load_json("example-inputs.json")
    messy["inspectors"].reverse()
    (files / "messy.json").write_text(json.dumps(messy, ensure_ascii=False, indent=2), "utf-8")
    out = files / "clean.json"
    assert match_cli.main(["canonicalize", str(files / "messy.json"), "--out", str(out)]) == 0
    assert out.read_bytes() == (VECTORS / "example-inputs.json").read_bytes()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"spec": 1, "spec": 2}', "duplicate key"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_files_exit_2(files: Path, capsys, content: bytes, fragment: str) -> None:
    (files / "example-draw.json").write_bytes(content)
    assert match_cli.main(_match_args(files)) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1


def test_missing_file_and_missing_options_exit_2(files: Path, capsys) -> None:
    assert match_cli.main(["--draw", str(files / "nope.json"), "--inputs", "x"]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert match_cli.main([]) == 2
    assert "--draw and --inputs are required" in capsys.readouterr().err
    assert match_cli.main(["replace", "--matching", "m.json"]) == 2  # argparse: missing options


def test_infeasible_exits_1_lists_targets_and_writes_nothing(files: Path, capsys) -> None:
    inputs = load_json("example-inputs.json")
    for inspector in inputs["inspectors"]:
        inspector["cap"] = 1
    (files / "example-inputs.json").write_bytes(canonical_inputs_bytes(inputs))
    out = files / "out.json"
    assert match_cli.main(_match_args(files, "--out", str(out))) == 1
    err = capsys.readouterr().err
    assert "matching infeasible" in err and "nothing was written" in err
    assert "[total_capacity]" in err and "[department_capacity]" in err
    assert not out.exists()
    assert list(files.glob(".out.json.*")) == []


def test_replace_updates_the_record_in_place(files: Path, capsys) -> None:
    matching = files / "example-matching.json"
    args = [
        "replace",
        "--matching", str(matching),
        "--inputs", str(files / "example-inputs.json"),
        "--target", "92411523RCPGL2PA1M",
        "--inspector", "SJ-002",
        "--reason", "申请回避：其配偶在该个体工商户处务工",
        "--out", str(matching),
    ]  # fmt: skip
    assert match_cli.main(args) == 0
    assert matching.read_bytes() == (VECTORS / "example-matching-replaced.json").read_bytes()
    assert "replaced by SJ-003" in capsys.readouterr().err
    # Repeating the same command is refused: sequence 1 is taken, the record is unchanged.
    assert match_cli.main([*args, "--sequence", "1"]) == 2
    assert "sequence_no must be 2" in capsys.readouterr().err
    assert matching.read_bytes() == (VECTORS / "example-matching-replaced.json").read_bytes()


def test_infeasible_replacement_exits_1(files: Path, capsys) -> None:
    matching = files / "example-matching.json"
    before = matching.read_bytes()
    record = load_json("example-matching.json")
    target = record["assignments"][0]["target_id"]
    # Recuse the whole SJ side of the first target until no SJ inspector is left for it.
    status = 0
    for _ in range(4):
        team = [s for s in _current(matching)[target] if s.startswith("SJ")]
        status = match_cli.main([
            "replace", "--matching", str(matching), "--inputs", str(files / "example-inputs.json"),
            "--target", target, "--inspector", team[0], "--reason", "回避", "--out", str(matching),
        ])  # fmt: skip
        if status:
            break
    assert status == 1
    assert "[no_replacement]" in capsys.readouterr().err
    assert matching.read_bytes() != before  # earlier replacements were recorded...
    assert json.loads(matching.read_bytes())["replacements"]  # ...the failed one was not


def _current(path: Path) -> dict[str, list[str]]:
    record = json.loads(path.read_bytes())
    teams = {
        a["target_id"]: [s["inspector_id"] for s in a["inspectors"]] for a in record["assignments"]
    }
    for rep in record["replacements"]:
        team = teams[rep["target_id"]]
        team[team.index(rep["recused_inspector_id"])] = rep["inspector_id"]
    return teams


def test_check_reports_ok_and_mismatches(files: Path, capsys) -> None:
    args = [
        "check",
        "--draw", str(files / "example-draw.json"),
        "--matching", str(files / "example-matching.json"),
        "--inputs", str(files / "example-inputs.json"),
    ]  # fmt: skip
    assert match_cli.main(args) == 0
    assert "OK" in capsys.readouterr().out
    record = load_json("example-matching.json")
    record["assignments"][0]["inspectors"][0]["inspector_id"] = "SJ-004"
    (files / "example-matching.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    assert match_cli.main(args) == 1
    assert "assignments[0]" in capsys.readouterr().err


def test_register_adds_match_to_a_parent_command(files: Path) -> None:
    parser = argparse.ArgumentParser(prog="shuangsuiji")
    match_cli.register(parser.add_subparsers(dest="command"))
    out = files / "out.json"
    args = parser.parse_args(["match", *_match_args(files, "--out", str(out))])
    assert args.func(args) == 0
    assert out.read_bytes() == (VECTORS / "example-matching.json").read_bytes()
    args = parser.parse_args(["match"])
    assert args.func(args) == 2


def test_help_exits_0(capsys) -> None:
    assert match_cli.main(["--help"]) == 0
    assert "随机匹配" in capsys.readouterr().out
