"""`shuangsuiji commit | draw | verify` — the lottery from a terminal, no Django needed.

The lead's `shuangsuiji.cli` calls `register(subparsers)`; `main()` here builds a parser of
its own so the lottery also runs as `python -m shuangsuiji.lottery.cli`.

Exit codes: 0 success, 1 verification mismatch, 2 bad input (malformed population, bad
quota or secret, missing file). On 2 nothing is written and stderr holds one line naming
the file, line and reason.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from .draw import (
    check_secret,
    check_task_id,
    commitment_of,
    draw,
    new_secret,
    normalize_entropy,
)
from .errors import DrawInputError, ErrorCode, LotteryError, RecordError
from .population import read_file_bytes, read_population
from .quotas import parse_quotas
from .record import dumps_record, loads_record, read_record
from .verify import Check, verify_record

PROG = "shuangsuiji"
EXIT_OK, EXIT_MISMATCH, EXIT_BAD_INPUT = 0, 1, 2


def _emit(text: str, stream: IO[str]) -> None:
    # Write UTF-8 whatever the locale: task ids and entropy are Chinese text, and a C/POSIX
    # locale would otherwise turn the record into an encoding error.
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _error(message: str) -> int:
    _emit(f"{PROG}: error: {' '.join(message.splitlines())}\n", sys.stderr)
    return EXIT_BAD_INPUT


def _guard(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn lottery errors into the one-line message and exit code 2."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except LotteryError as exc:
            return _error(f"{exc.message} [{exc.code}]")

    guarded.__name__ = run.__name__
    return guarded


def _write_atomically(path: Path, data: bytes) -> None:
    # A half-written record must never exist: write a sibling temp file, then rename.
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- commit ---------------------------------------------------------------------------------


def _run_commit(args: argparse.Namespace) -> int:
    secret = new_secret()
    commitment = commitment_of(secret)
    if args.json:
        _emit(json.dumps({"secret": secret, "commitment": commitment}, indent=1) + "\n", sys.stdout)
    else:
        _emit(f"secret: {secret}\ncommitment: {commitment}\n", sys.stdout)
    return EXIT_OK


# --- draw -----------------------------------------------------------------------------------


def _secret_from(args: argparse.Namespace) -> str:
    if args.secret_file is not None:
        try:
            text = read_file_bytes(args.secret_file).decode("ascii")
        except UnicodeDecodeError:
            raise DrawInputError(
                ErrorCode.BAD_SECRET, f"{args.secret_file}: secret file is not ASCII hex"
            ) from None
        # One trailing newline is what `echo` or an editor leaves; anything else is refused.
        return text[:-1] if text.endswith("\n") else text
    secret: str = args.secret
    return secret


def _run_draw(args: argparse.Namespace) -> int:
    # Cheap checks first, so a typo is reported before a large file is read.
    quotas = parse_quotas(args.quota)
    secret = _secret_from(args)
    check_secret(secret)
    check_task_id(args.task)
    normalize_entropy(args.entropy or ())
    if args.workers < 1:
        raise DrawInputError(ErrorCode.BAD_WORKERS, "--workers must be at least 1")
    population = read_population(args.population, workers=args.workers)
    result = draw(
        population,
        task_id=args.task,
        quotas=quotas,
        secret=secret,
        entropy=args.entropy or (),
        workers=args.workers,
    )
    text = dumps_record(result)
    if args.out is None:
        _emit(text, sys.stdout)
    else:
        _write_atomically(Path(args.out), text.encode("utf-8"))
    return EXIT_OK


# --- verify ---------------------------------------------------------------------------------


def _load_json(path: str) -> Any:
    data = read_file_bytes(path)
    return loads_record(data, source=path)


def _matching_checks(args: argparse.Namespace, draw_record: dict[str, Any]) -> list[Check]:
    try:
        from shuangsuiji.lottery.matching import check_matching
    except ImportError:
        raise RecordError(
            ErrorCode.BAD_RECORD, "inspector matching is not available in this installation"
        ) from None
    matching_record = _load_json(args.matching)
    inputs = _load_json(args.matching_inputs)
    try:
        problems = check_matching(draw_record, matching_record, inputs)
    except ValueError as exc:  # the matching package's input errors are ValueErrors
        raise RecordError(ErrorCode.BAD_RECORD, f"{args.matching_inputs}: {exc}") from None
    if problems:
        return [Check("matching", False, problems[0])]
    return [Check("matching", True)]


def _run_verify(args: argparse.Namespace) -> int:
    if (args.matching is None) != (args.matching_inputs is None):
        return _error("--matching and --matching-inputs go together")
    record = read_record(args.record)
    data = read_file_bytes(args.population)
    report = verify_record(record, data, source=args.population, workers=args.workers)
    if report.ok and args.matching is not None:
        report.extra.extend(_matching_checks(args, record))
    _emit(report.summary() + "\n", sys.stdout)
    if report.ok:
        return EXIT_OK
    bad = report.first_mismatch
    if bad is not None:
        _emit(f"{PROG}: verify: mismatch in {bad.name}: {bad.detail}\n", sys.stderr)
    return EXIT_MISMATCH


# --- wiring ---------------------------------------------------------------------------------


def _add_commands(subparsers: Any) -> None:
    commit = subparsers.add_parser(
        "commit",
        help="make a fresh draw secret and its commitment (承诺值)",
        description="Print a fresh 32-byte secret and commitment = SHA-256 of its hex text. "
        "Publish the commitment before the draw; keep the secret until the draw.",
    )
    commit.add_argument("--json", action="store_true", help="print a JSON object")
    commit.set_defaults(func=_guard(_run_commit))

    drw = subparsers.add_parser(
        "draw",
        help="draw targets by shuangsuiji-draw-v1 (摇号) and print the draw record",
        description="Draw targets from a population file; prints the draw record JSON.",
    )
    drw.add_argument("--population", required=True, metavar="FILE", help="population file")
    drw.add_argument(
        "--task", required=True, metavar="ID", help="task id, e.g. 新市监抽查〔2026〕3号"
    )
    secret = drw.add_mutually_exclusive_group(required=True)
    secret.add_argument("--secret", metavar="HEX", help="the committed secret (64 hex digits)")
    secret.add_argument(
        "--secret-file", metavar="FILE", help="read the secret from FILE (keeps it out of ps)"
    )
    drw.add_argument(
        "--entropy",
        action="append",
        metavar="TEXT",
        help="public entropy entry (repeat, in order), e.g. witnesses' dice",
    )
    drw.add_argument(
        "--quota",
        action="append",
        required=True,
        metavar="STRATUM=QUOTA",
        help="quota per stratum: a count (5) or a rate (12.5%%); repeat, or join with ';'",
    )
    drw.add_argument("--out", metavar="FILE", help="write the record to FILE instead of stdout")
    drw.add_argument("--workers", type=int, default=1, help="processes for large files")
    drw.set_defaults(func=_guard(_run_draw))

    ver = subparsers.add_parser(
        "verify",
        help="check a draw record against its population file (核验)",
        description="Recompute a draw from its record and population file. Exit 0 if "
        "everything matches, 1 naming the first mismatch, 2 on unreadable input.",
    )
    ver.add_argument("record", metavar="RECORD", help="draw record JSON")
    ver.add_argument("--population", required=True, metavar="FILE", help="population file")
    ver.add_argument("--matching", metavar="MATCHING_RECORD", help="inspector matching record")
    ver.add_argument("--matching-inputs", metavar="INPUTS_JSON", help="matching inputs")
    ver.add_argument("--workers", type=int, default=1, help="processes for large files")
    ver.set_defaults(func=_guard(_run_verify))


def register(subparsers: Any) -> None:
    """Add commit, draw, verify and match to an argparse subparsers action."""
    from shuangsuiji.lottery import match_cli

    _add_commands(subparsers)
    match_cli.register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="双随机 verifiable lottery (shuangsuiji-draw-v1)"
    )
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_usage(sys.stderr)
        return EXIT_BAD_INPUT
    code: int = func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
