"""``shuangsuiji match``: inspector matching (随机匹配、选派) and recusal (回避) from files.

    shuangsuiji match --draw DRAW.json --inputs INPUTS.json [--entropy TEXT]... [--out FILE]
    shuangsuiji match replace --matching M.json --inputs INPUTS.json --target T \\
        --inspector X --reason TEXT [--sequence N] [--out FILE]
    shuangsuiji match canonicalize INPUTS.json [--out FILE]
    shuangsuiji match check --draw DRAW.json --matching M.json --inputs INPUTS.json

Exit status: 0 done; 1 infeasible (targets and constraints listed on stderr) or, for
``check``, mismatches found; 2 bad input (one line on stderr). Nothing is written unless
the command succeeds, and files are replaced atomically (``--out`` may name the input).
Needs neither a database nor Django.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shuangsuiji.lottery.matching import (
    MatchingInfeasible,
    MatchingInputError,
    canonical_inputs_bytes,
    canonicalize_inputs,
    check_matching,
    match_inspectors,
    record_bytes,
    replace,
)
from shuangsuiji.lottery.matching.record import read_record
from shuangsuiji.lottery.matching.textrules import normalize_text

PROG = "shuangsuiji match"


class _BadInput(Exception):
    """A problem with the command line or a file, reported in one line with exit status 2."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would make "the" value ambiguous between JSON readers.
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _BadInput(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _BadInput(f"cannot read {path}: {exc.strerror or exc}") from None


def _load_json(path: str) -> tuple[Any, bytes]:
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadInput(f"{path}: not UTF-8") from None
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates), data
    except json.JSONDecodeError as exc:
        raise _BadInput(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except _BadInput as exc:
        raise _BadInput(f"{path}: {exc}") from None


def _load_inputs(path: str) -> dict[str, Any]:
    """Load an inputs file that must already be canonical (its sha256sum is the digest)."""
    inputs, data = _load_json(path)
    try:
        canonical = canonical_inputs_bytes(inputs)
    except MatchingInputError as exc:
        raise _BadInput(f"{path}: {exc}") from None
    if data != canonical:
        raise _BadInput(
            f"{path}: not in canonical form, so its sha256sum would not be the inputs digest; "
            f"write the canonical file with `{PROG} canonicalize {path} --out FILE`"
        )
    if not isinstance(inputs, dict):  # pragma: no cover - canonical_inputs_bytes checked it
        raise _BadInput(f"{path}: expected a JSON object")
    return inputs


def _write(out: str | None, data: bytes) -> None:
    if out is None:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:  # pragma: no cover - text-only stdout replacements
            sys.stdout.write(data.decode("utf-8"))
        return
    target = Path(out)
    # Write next to the destination, then rename: readers never see half a record.
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    except OSError as exc:
        raise _BadInput(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; a record is for publishing
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _BadInput(f"cannot write {out}: {exc.strerror or exc}") from None


def _file_mode(target: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 minus the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _entropy(values: Sequence[str] | None) -> list[str]:
    entries = []
    for value in values or []:
        entry = normalize_text(value)
        if "\n" in entry or "\r" in entry:
            raise _BadInput("--entropy: an entry may not contain a line break")
        entries.append(entry)
    return entries


def _report_infeasible(exc: MatchingInfeasible) -> int:
    print(
        f"{PROG}: 无法完成随机匹配 / matching infeasible ({len(exc.problems)} problem(s)); "
        "nothing was written:",
        file=sys.stderr,
    )
    for problem in exc.problems:
        where = problem.target_id if problem.target_id is not None else "(whole task 全部)"
        print(f"  {where} [{problem.code.value}]", file=sys.stderr)
        print(f"    {problem.message_zh}", file=sys.stderr)
        print(f"    {problem.message_en}", file=sys.stderr)
    return 1


def _run_match(args: argparse.Namespace) -> int:
    if not args.draw or not args.inputs:
        raise _BadInput("--draw and --inputs are required (or use: replace, canonicalize, check)")
    draw, _ = _load_json(args.draw)
    inputs = _load_inputs(args.inputs)
    record = match_inspectors(draw, inputs, _entropy(args.entropy))
    _write(args.out, record_bytes(record))
    if args.out:
        print(
            f"matched {len(record['assignments'])} targets, "
            f"{record['inspectors_per_target']} inspectors each; "
            f"inputs digest {record['inputs_digest']}; written to {args.out}",
            file=sys.stderr,
        )
    return 0


def _run_replace(args: argparse.Namespace) -> int:
    record, _ = _load_json(args.matching)
    inputs = _load_inputs(args.inputs)
    sequence = args.sequence
    if sequence is None:
        sequence = len(read_record(record).replacements) + 1
    updated = replace(
        record, inputs, args.target, args.inspector, normalize_text(args.reason), sequence
    )
    _write(args.out, record_bytes(updated))
    entry = updated["replacements"][-1]
    print(
        f"replacement {entry['sequence_no']}: {entry['recused_inspector_id']} recused from "
        f"{entry['target_id']}, replaced by {entry['inspector_id']}",
        file=sys.stderr,
    )
    return 0


def _run_canonicalize(args: argparse.Namespace) -> int:
    inputs, _ = _load_json(args.inputs_file)
    _write(args.out, canonical_inputs_bytes(canonicalize_inputs(inputs)))
    return 0


def _run_check(args: argparse.Namespace) -> int:
    draw, _ = _load_json(args.draw)
    record, _ = _load_json(args.matching)
    inputs = _load_inputs(args.inputs)
    problems = check_matching(draw, record, inputs)
    if problems:
        print(f"{PROG} check: MISMATCH 不一致", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("OK 一致: the matching follows from the draw and the inputs (shuangsuiji-match-v1)")
    return 0


def _guard(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn domain errors into the documented exit statuses and stderr messages."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except MatchingInfeasible as exc:
            return _report_infeasible(exc)
        except (_BadInput, MatchingInputError) as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 2

    return guarded


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``match`` arguments and actions to ``parser``."""
    parser.description = (
        "Randomly match certified inspectors to the drawn targets (随机匹配执法检查人员) "
        "by shuangsuiji-match-v1, or record a recusal replacement (回避递补)."
    )
    parser.add_argument("--draw", metavar="DRAW_RECORD", help="the draw record (JSON)")
    parser.add_argument(
        "--inputs", metavar="INPUTS_JSON", help="the published matching inputs (canonical JSON)"
    )
    parser.add_argument(
        "--entropy",
        action="append",
        metavar="TEXT",
        help="public entropy entered after the inputs digest was published (repeatable)",
    )
    parser.add_argument("--out", metavar="FILE", help="write the record here (default stdout)")
    parser.set_defaults(func=_guard(_run_match))

    actions = parser.add_subparsers(dest="match_action", metavar="ACTION")
    rep = actions.add_parser(
        "replace",
        help="recuse an inspector from a target and draw the replacement",
        description="Record a recusal (回避) and its reproducible replacement draw; prints "
        "the updated matching record (the original assignment stays on record).",
    )
    rep.add_argument("--matching", required=True, metavar="M", help="the matching record")
    rep.add_argument("--inputs", required=True, metavar="INPUTS_JSON", dest="inputs")
    rep.add_argument("--target", required=True, metavar="TARGET_ID")
    rep.add_argument("--inspector", required=True, metavar="INSPECTOR_ID")
    rep.add_argument("--reason", required=True, metavar="TEXT", help="reason for the recusal")
    rep.add_argument(
        "--sequence",
        type=int,
        metavar="N",
        help="expected sequence number (default: the next one); guards against double entry",
    )
    rep.add_argument("--out", metavar="FILE", help="write the record here (may be M itself)")
    rep.set_defaults(func=_guard(_run_replace))

    can = actions.add_parser(
        "canonicalize",
        help="sort an inputs file into its canonical, publishable form",
        description="Sort every list of a matching inputs file and write its canonical bytes.",
    )
    can.add_argument("inputs_file", metavar="INPUTS_JSON")
    can.add_argument("--out", metavar="FILE", help="write here (default stdout)")
    can.set_defaults(func=_guard(_run_canonicalize))

    chk = actions.add_parser(
        "check",
        help="recompute a matching record and list any mismatch",
        description="Recompute the matching and every replacement from the draw record and "
        "the inputs; exit 1 listing mismatches, first one first.",
    )
    chk.add_argument("--draw", required=True, metavar="DRAW_RECORD")
    chk.add_argument("--matching", required=True, metavar="M")
    chk.add_argument("--inputs", required=True, metavar="INPUTS_JSON")
    chk.set_defaults(func=_guard(_run_check))


def register(subparsers: Any) -> None:
    """Add ``match`` to the ``shuangsuiji`` command's subparsers."""
    configure(
        subparsers.add_parser(
            "match",
            help="match inspectors to drawn targets (shuangsuiji-match-v1)",
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG)
    configure(parser)
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: 2 for bad usage, 0 for --help
        return exc.code if isinstance(exc.code, int) else 2
    if args.match_action is None and args.draw is None and args.inputs is None:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: --draw and --inputs are required", file=sys.stderr)
        return 2
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
