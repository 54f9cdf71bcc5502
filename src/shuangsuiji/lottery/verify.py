"""Verify a draw record against its population file (核验摇号记录): recompute everything.

Checks run in a fixed order and stop at the first mismatch, which is what the report names:
format → spec → digest → population → population_size → quotas → strata → commitment →
seed → key → selection. A later check would only repeat the first failure in other words
(a wrong digest changes the seed, which changes every key).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from .draw import (
    SPEC,
    StratumDraw,
    check_task_id,
    compute_seed,
    normalize_entropy,
    select_population,
    ticket_key,
)
from .errors import LotteryError
from .population import Population, find_row, parse_population, read_file_bytes
from .quotas import quota_set
from .record import RECORD_FIELDS, SELECTED_FIELDS, STRATUM_FIELDS, read_record

CHECK_ORDER = (
    "format",
    "spec",
    "digest",
    "population",
    "population_size",
    "quotas",
    "strata",
    "commitment",
    "seed",
    "key",
    "selection",
)
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass(slots=True)
class VerifyReport:
    """Outcome of verifying one record; `first_mismatch` is None when everything matched."""

    checks: list[Check] = field(default_factory=list)
    task_id: str | None = None
    population_digest: str | None = None
    population_size: int | None = None
    quota_line: str | None = None
    strata: dict[str, StratumDraw] = field(default_factory=dict)
    commitment: str | None = None
    seed: str | None = None
    selected: int = 0
    extra: list[Check] = field(default_factory=list)
    """Further checks appended by callers (e.g. inspector matching)."""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in [*self.checks, *self.extra]) and self._complete

    @property
    def _complete(self) -> bool:
        return [c.name for c in self.checks] == list(CHECK_ORDER)

    @property
    def first_mismatch(self) -> Check | None:
        return next((c for c in [*self.checks, *self.extra] if not c.ok), None)

    def summary(self) -> str:
        """A one-screen text report (English; the web portal renders its own)."""
        bad = self.first_mismatch
        lines = [f"draw record: {'OK' if bad is None else 'MISMATCH'} ({SPEC})"]
        if bad is not None:
            lines.append(f"first mismatch: {bad.name}: {bad.detail}")
        passed = {c.name for c in self.checks if c.ok}
        if self.task_id is not None:
            lines.append(f"task:        {self.task_id}")
        if self.population_digest is not None:
            size = f"{self.population_size} rows" if self.population_size is not None else "?"
            mark = "ok" if "digest" in passed else "MISMATCH"
            lines.append(f"population:  {self.population_digest} ({size}), digest {mark}")
        if self.quota_line is not None:
            lines.append(f"quotas:      {self.quota_line}")
        if self.strata:
            width = max(7, *(len(s) for s in self.strata))
            lines.append(f"  {'stratum':<{width}} {'size':>9} {'quota':>9} {'drawn':>7}")
            for name, d in self.strata.items():
                lines.append(f"  {name:<{width}} {d.size:>9} {d.quota:>9} {d.drawn:>7}")
        for name, value in (("commitment", self.commitment), ("seed", self.seed)):
            if value is not None:
                mark = "ok" if name in passed else "not verified"
                lines.append(f"{name + ':':<12} {mark} ({value})")
        if "selection" in passed:
            lines.append(f"selected:    {self.selected} targets; keys and dispatch order ok")
        lines.extend(f"{c.name}: {'ok' if c.ok else c.detail}" for c in self.extra)
        return "\n".join(lines)


class _Stop(Exception):
    """Raised internally at the first failed check."""


class _Checks:
    """Records one Check per stage: a failure stops verification, a pass closes a stage."""

    def __init__(self, report: VerifyReport) -> None:
        self.report = report

    def fail(self, name: str, detail: str) -> NoReturn:
        self.report.checks.append(Check(name, False, detail))
        raise _Stop

    def expect(self, name: str, ok: bool, detail: str) -> None:
        if not ok:
            self.fail(name, detail)

    def passed(self, name: str) -> None:
        self.report.checks.append(Check(name, True))


def _format_problem(record: Mapping[str, Any]) -> str | None:
    """Structural check of a record; a string naming the first problem, or None."""
    missing = [f for f in RECORD_FIELDS if f not in record]
    if missing:
        return f"missing field {missing[0]!r}"
    unknown = [f for f in record if f not in RECORD_FIELDS]
    if unknown:
        return f"unexpected field {unknown[0]!r}"
    for name in ("spec", "task_id", "population_digest", "commitment", "secret", "seed"):
        if not isinstance(record[name], str):
            return f"{name} must be a string"
    if not _is_int(record["population_size"]):
        return "population_size must be an integer"
    quotas = record["quotas"]
    if not isinstance(quotas, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in quotas.items()
    ):
        return "quotas must map stratum to quota text"
    strata = record["strata"]
    if not isinstance(strata, dict):
        return "strata must be an object"
    for name, value in strata.items():
        if not isinstance(value, dict) or sorted(value) != sorted(STRATUM_FIELDS):
            return f"strata[{name!r}] must have exactly the fields size, quota, drawn"
        if not (_is_int(value["size"]) and _is_int(value["drawn"])) or not isinstance(
            value["quota"], str
        ):
            return f"strata[{name!r}] has a field of the wrong type"
    entropy = record["entropy"]
    if not isinstance(entropy, list) or not all(isinstance(e, str) for e in entropy):
        return "entropy must be a list of strings"
    selected = record["selected"]
    if not isinstance(selected, list):
        return "selected must be a list"
    for i, item in enumerate(selected):
        if (
            not isinstance(item, dict)
            or sorted(item) != sorted(SELECTED_FIELDS)
            or not all(isinstance(v, str) for v in item.values())
        ):
            return f"selected[{i}] must have exactly the string fields id, stratum, key"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def verify_record(
    record: Mapping[str, Any],
    population: bytes | Population,
    *,
    source: str = "population",
    workers: int = 1,
) -> VerifyReport:
    """Recompute the draw from the record's inputs and the population file.

    Never raises for a mismatch: the report names the first one.
    """
    report = VerifyReport()
    with contextlib.suppress(_Stop):
        _verify(record, population, source, workers, report, _Checks(report))
    return report


def _verify(
    record: Mapping[str, Any],
    population: bytes | Population,
    source: str,
    workers: int,
    report: VerifyReport,
    c: _Checks,
) -> None:
    problem = _format_problem(record)
    if problem is not None:
        c.fail("format", problem)
    c.passed("format")
    report.task_id = record["task_id"]
    report.population_digest = record["population_digest"]
    report.commitment = record["commitment"]
    report.seed = record["seed"]
    c.expect("spec", record["spec"] == SPEC, f"spec is {record['spec']!r}, expected {SPEC!r}")
    c.passed("spec")

    data = population.data if isinstance(population, Population) else population
    digest = hashlib.sha256(data).hexdigest()
    c.expect(
        "digest",
        digest == record["population_digest"],
        f"population file has SHA-256 {digest}, record says {record['population_digest']}",
    )
    c.passed("digest")
    if isinstance(population, Population):
        pop = population
    else:
        try:
            pop = parse_population(data, source=source, workers=workers)
        except LotteryError as exc:
            c.fail("population", str(exc))
    c.passed("population")
    report.population_size = pop.size
    c.expect(
        "population_size",
        record["population_size"] == pop.size,
        f"file has {pop.size} rows, record says {record['population_size']}",
    )
    c.passed("population_size")

    try:
        quotas = quota_set(record["quotas"])
        drawn = quotas.resolve(pop.strata, pop.stratum_lines)
    except LotteryError as exc:
        c.fail("quotas", str(exc))
    report.quota_line = quotas.line
    report.strata = {
        s: StratumDraw(size=pop.strata[s], quota=q.text, drawn=drawn[s])
        for s, q in quotas.quotas.items()
    }
    c.passed("quotas")

    strata = record["strata"]
    for name, sd in report.strata.items():
        recorded = strata.get(name)
        fields = {"size": sd.size, "quota": sd.quota, "drawn": sd.drawn}
        c.expect(
            "strata",
            recorded == fields,
            f"strata[{name!r}] should be {fields}, record has {recorded}",
        )
    for name in strata:
        c.expect("strata", name in report.strata, f"strata has unexpected stratum {name!r}")
    c.passed("strata")

    secret = record["secret"]
    c.expect("commitment", bool(_HEX64.fullmatch(secret)), "secret is not 64 lowercase hex digits")
    commitment = hashlib.sha256(secret.encode("ascii")).hexdigest()
    c.expect(
        "commitment",
        commitment == record["commitment"],
        f"SHA-256 of the secret is {commitment}, record says {record['commitment']}",
    )
    c.passed("commitment")

    try:
        check_task_id(record["task_id"])
        entries = normalize_entropy(record["entropy"])
    except LotteryError as exc:
        c.fail("seed", str(exc))
    c.expect(
        "seed",
        list(entries) == record["entropy"],
        "entropy entries must be recorded NFC-normalised and stripped",
    )
    seed = compute_seed(
        task_id=record["task_id"],
        population_digest=digest,
        quota_line=quotas.line,
        secret=secret,
        entropy=entries,
    )
    c.expect(
        "seed", seed == record["seed"], f"recomputed seed is {seed}, record says {record['seed']}"
    )
    c.passed("seed")

    for i, item in enumerate(record["selected"]):
        row = find_row(pop, item["id"])
        if row is None:
            c.fail("selection", f"selected[{i}] id {item['id']!r} is not in the population")
        c.expect(
            "selection",
            row[1] == item["stratum"],
            f"selected[{i}] id {item['id']!r} is in stratum {row[1]!r},"
            f" record says {item['stratum']!r}",
        )
        key = ticket_key(seed, row[0], row[2])
        c.expect(
            "key",
            key == item["key"],
            f"selected[{i}] id {item['id']!r}: key is {key}, record says {item['key']}",
        )
    c.passed("key")

    expected = select_population(pop, seed=seed, drawn=drawn, workers=workers)
    got = record["selected"]
    for i, want in enumerate(expected):
        have = got[i]["id"] if i < len(got) else None
        c.expect(
            "selection",
            have == want.id,
            f"selected[{i}] should be {want.id!r} (stratum {want.stratum}), "
            + ("record ends here" if have is None else f"record has {have!r}"),
        )
    c.expect(
        "selection",
        len(got) == len(expected),
        f"record selects {len(got)} targets, the draw selects {len(expected)}",
    )
    c.passed("selection")
    report.selected = len(expected)


def verify_files(
    record_path: str | Path, population_path: str | Path, *, workers: int = 1
) -> tuple[dict[str, Any], VerifyReport]:
    """Read both files (InputFileError / RecordError if unreadable) and verify."""
    record = read_record(record_path)
    data = read_file_bytes(population_path)
    return record, verify_record(record, data, source=str(population_path), workers=workers)
