"""`commit`, `draw`, `verify` from the command line: outputs, exit codes, nothing half-written."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import shuangsuiji.lottery
from shuangsuiji.lottery import cli

from .test_data import EXAMPLE_POPULATION, EXAMPLE_RECORD, example_record

RECORD = example_record()
DRAW_ARGS = [
    "draw",
    "--population", str(EXAMPLE_POPULATION),
    "--task", RECORD["task_id"],
    "--secret", RECORD["secret"],
    "--entropy", RECORD["entropy"][0],
    "--entropy", RECORD["entropy"][1],
    "--quota", "A=12.5%",
    "--quota", "B=1;C=50%",
    "--quota", "D=100%",
]  # fmt: skip


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _with(args: list[str], flag: str, value: str) -> list[str]:
    changed = args[:]
    changed[changed.index(flag) + 1] = value
    return changed


def test_commit_prints_a_labelled_secret_and_its_commitment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "commit")
    assert code == 0
    secret_line, commitment_line = out.splitlines()
    secret = secret_line.removeprefix("secret: ")
    assert len(secret) == 64
    assert commitment_line == f"commitment: {shuangsuiji.lottery.commitment_of(secret)}"


def test_commit_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "commit", "--json")
    value = json.loads(out)
    assert code == 0 and set(value) == {"secret", "commitment"}
    assert value["commitment"] == shuangsuiji.lottery.commitment_of(value["secret"])


def test_draw_prints_the_example_record_byte_for_byte(capsys: pytest.CaptureFixture[bytes]) -> None:
    code = cli.main(DRAW_ARGS)
    out = capsys.readouterr().out
    assert code == 0
    assert out.encode("utf-8") == EXAMPLE_RECORD.read_bytes()  # type: ignore[attr-defined]


def test_draw_writes_the_record_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "draw.json"
    code, out, err = _run(capsys, *DRAW_ARGS, "--out", str(out_file))
    assert (code, out, err) == (0, "", "")
    assert out_file.read_bytes() == EXAMPLE_RECORD.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["draw.json"]  # no temp file left behind


def test_secret_can_come_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(RECORD["secret"] + "\n", encoding="ascii")
    args = DRAW_ARGS[:]
    at = args.index("--secret")
    args[at : at + 2] = ["--secret-file", str(secret_file)]
    code, out, _ = _run(capsys, *args)
    assert code == 0 and json.loads(out)["seed"] == RECORD["seed"]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda a: _with(a, "--population", "/nonexistent/名单.csv"), "名单.csv: no such file"),
        (lambda a: _with(a, "--secret", RECORD["secret"].upper()), "64 lowercase hex"),
        (lambda a: _with(a, "--secret", "abc"), "draw.bad_secret"),
        (lambda a: _with(a, "--quota", "A=12.5"), "bad quota '12.5'"),
        (lambda a: _with(a, "--quota", "A=012%"), "quota.syntax"),
        (lambda a: _with(a, "--quota", "A=1;A=2"), "more than one quota"),
        (lambda a: _with(a, "--quota", "E=5"), "stratum 'A' has no quota"),
        (lambda a: [*a, "--quota", "E=5"], "'E', which has no rows"),
        (lambda a: _with(a, "--task", "bad\ntask"), "draw.bad_task_id"),
        (lambda a: _with(a, "--entropy", "   "), "entropy entry 1"),
    ],
)
def test_bad_input_is_one_line_on_stderr_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, needle: str
) -> None:
    out_file = tmp_path / "draw.json"
    code, out, err = _run(capsys, *change(DRAW_ARGS), "--out", str(out_file))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("shuangsuiji: error: ")
    assert needle in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (EXAMPLE_POPULATION.read_bytes().replace(b"\n", b"\r\n"), ":1: carriage return"),
        (EXAMPLE_POPULATION.read_bytes()[:-1], ":21: missing line feed"),
        (EXAMPLE_POPULATION.read_bytes().replace(b"RCPGL2PA1M,A,1", b"RCPGL2PA1M,A,01"),
         ":12: tickets must be"),
        (b"\xef\xbb\xbf" + EXAMPLE_POPULATION.read_bytes(), ":1: byte order mark"),
    ],
)  # fmt: skip
def test_malformed_population_names_file_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, needle: str
) -> None:
    bad = tmp_path / "population.csv"
    bad.write_bytes(content)
    code, out, err = _run(capsys, *_with(DRAW_ARGS, "--population", str(bad)))
    assert (code, out) == (2, "")
    assert f"{bad}{needle}" in err and err.count("\n") == 1


def test_verify_accepts_the_example_with_a_one_screen_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "verify", str(EXAMPLE_RECORD), "--population",
                          str(EXAMPLE_POPULATION))  # fmt: skip
    assert (code, err) == (0, "")
    for text in (RECORD["task_id"], RECORD["population_digest"], "20 rows", "12.5%",
                 "commitment:  ok", "seed:        ok", "6 targets"):  # fmt: skip
        assert text in out
    assert len(out.splitlines()) <= 24


def test_verify_names_the_first_mismatch_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tampered = dict(RECORD, secret="0" * 64)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    code, out, err = _run(capsys, "verify", str(path), "--population", str(EXAMPLE_POPULATION))
    assert code == 1
    assert "first mismatch: commitment" in out
    assert "mismatch in commitment" in err


def test_verify_with_a_changed_population_byte_fails_on_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pop = tmp_path / "population.csv"
    pop.write_bytes(EXAMPLE_POPULATION.read_bytes().replace(b"C,3", b"C,4"))
    code, out, _ = _run(capsys, "verify", str(EXAMPLE_RECORD), "--population", str(pop))
    assert code == 1 and "first mismatch: digest" in out


@pytest.mark.parametrize("record_text", [None, "{not json", "[]"])
def test_verify_of_missing_or_unreadable_record_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record_text: str | None
) -> None:
    path = tmp_path / "draw.json"
    if record_text is not None:
        path.write_text(record_text, encoding="utf-8")
    code, out, err = _run(capsys, "verify", str(path), "--population", str(EXAMPLE_POPULATION))
    assert (code, out) == (2, "") and err.startswith("shuangsuiji: error: ")


def _fake_matching(monkeypatch: pytest.MonkeyPatch, problems: list[str]) -> list[Any]:
    calls: list[Any] = []

    def check_matching(draw_record: dict, matching_record: dict, inputs: dict) -> list[str]:
        calls.append((draw_record["task_id"], matching_record, inputs))
        return problems

    module = types.ModuleType("shuangsuiji.lottery.matching")
    module.check_matching = check_matching  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shuangsuiji.lottery.matching", module)
    monkeypatch.setattr(shuangsuiji.lottery, "matching", module, raising=False)
    return calls


@pytest.mark.parametrize(("problems", "code"), [([], 0), (["target X has 1 inspector"], 1)])
def test_verify_checks_matching_when_asked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    problems: list[str],
    code: int,
) -> None:
    calls = _fake_matching(monkeypatch, problems)
    matching = tmp_path / "matching.json"
    matching.write_text('{"spec": "shuangsuiji-match-v1"}', encoding="utf-8")
    inputs = tmp_path / "inputs.json"
    inputs.write_text('{"inspectors": []}', encoding="utf-8")
    got, out, _ = _run(capsys, "verify", str(EXAMPLE_RECORD), "--population",
                       str(EXAMPLE_POPULATION), "--matching", str(matching),
                       "--matching-inputs", str(inputs))  # fmt: skip
    assert got == code
    assert calls == [(RECORD["task_id"], {"spec": "shuangsuiji-match-v1"}, {"inspectors": []})]
    assert ("matching: ok" in out) == (code == 0)
    if problems:
        assert "target X has 1 inspector" in out


def test_matching_needs_its_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "verify", str(EXAMPLE_RECORD), "--population",
                        str(EXAMPLE_POPULATION), "--matching", "m.json")  # fmt: skip
    assert code == 2 and "--matching-inputs" in err


def test_register_adds_commands_to_a_foreign_parser() -> None:
    parser = argparse.ArgumentParser(prog="shuangsuiji")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["verify", "r.json", "--population", "p.csv"])
    assert callable(args.func)
    assert parser.parse_args(["commit"]).func is not None


def test_register_adds_every_lottery_command() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli.register(sub)
    assert {"commit", "draw", "verify", "match"} <= set(sub.choices)


def test_module_runs_as_a_script_with_utf8_output_in_a_c_locale() -> None:
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii")
    done = subprocess.run(
        [sys.executable, "-m", "shuangsuiji.lottery.cli", *DRAW_ARGS],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == EXAMPLE_RECORD.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "shuangsuiji.lottery.cli", "verify", str(EXAMPLE_RECORD),
         "--population", str(EXAMPLE_POPULATION)],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "新市监抽查" in done.stdout.decode("utf-8")


def test_no_command_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys)
    assert code == 2 and "usage" in err


def test_unusable_matching_inputs_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("shuangsuiji.lottery.matching")

    def check_matching(draw_record: dict, matching_record: dict, inputs: dict) -> list[str]:
        raise ValueError("inspector 'I-1' has no certificate number")

    module.check_matching = check_matching  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shuangsuiji.lottery.matching", module)
    monkeypatch.setattr(shuangsuiji.lottery, "matching", module, raising=False)
    for name in ("matching.json", "inputs.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    code, out, err = _run(capsys, "verify", str(EXAMPLE_RECORD), "--population",
                          str(EXAMPLE_POPULATION), "--matching", str(tmp_path / "matching.json"),
                          "--matching-inputs", str(tmp_path / "inputs.json"))  # fmt: skip
    assert (code, out) == (2, "") and "no certificate number" in err


def test_verify_with_the_real_matching_vectors_when_available(
    capsys: pytest.CaptureFixture[str],
) -> None:
    vectors = Path(__file__).parent / "matching_vectors"
    pytest.importorskip("shuangsuiji.lottery.matching")
    if not (vectors / "example-matching.json").exists():
        pytest.skip("matching vectors not present")
    code, out, _ = _run(capsys, "verify", str(EXAMPLE_RECORD), "--population",
                        str(EXAMPLE_POPULATION), "--matching",
                        str(vectors / "example-matching.json"), "--matching-inputs",
                        str(vectors / "example-inputs.json"))  # fmt: skip
    assert code == 0, out
    assert "matching: ok" in out


def test_the_lottery_imports_no_django() -> None:
    # `pip install shuangsuiji && shuangsuiji verify` must work with no settings or database.
    program = (
        "import sys\n"
        "import shuangsuiji.lottery, shuangsuiji.lottery.sql\n"
        "from shuangsuiji.lottery import cli\n"
        "cli.build_parser()\n"
        "found = {m.split('.')[0] for m in sys.modules} & {'django', 'psycopg'}\n"
        "sys.exit(f'imported {sorted(found)}' if found else 0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
