"""Benchmark: importing the monthly credit risk classification (信用风险分类结果) into
PostgreSQL, against PostgreSQL's own ``COPY`` of the same rows in the same run.

    .venv/bin/python bench/import_risk_classes.py [--rows 1000000] [--no-register]

1. Generates the file as the regulator sends it: one row per entity of the demo county
   (``shuangsuiji.demo.county.entities``, the same codes the register holds), columns
   统一社会信用代码 / 信用风险分类 / 分类日期, UTF-8 with BOM; the effective date is the first
   day of this month, and every third entity changes class against the register
   (``--change-every N``: every N-th).
2. Creates a fresh database (``ssj_bench_credit_<pid>``, dropped at the end), migrates it
   and loads the demo county with its entities (``load_demo``, no activity) — the import
   brings their current class up to date, which is part of what it costs.  With
   ``--no-register`` only the reference data is loaded (no entities to update).
3. Floor: ``COPY`` of the same rows, already converted to table values, into
   ``CREATE TABLE … (LIKE credit_riskclassification INCLUDING ALL)``: the same columns,
   constraints and indexes (``LIKE`` copies no foreign key; the real table has one, to its
   import batch, which the import pays for).  Streamed from this client like the import.
4. Ours: ``shuangsuiji.credit.services.risk_classes_import`` in a fresh process: reading,
   every check, the staging ``COPY``, the duplicate check, the insert into the history,
   the update of the current classes, the audit row, commit; its phases are timed apart.
5. Again: the same file imported a second time (every row already on record: the
   correction path with its ``UPDATE … FROM`` and ``INSERT … WHERE NOT EXISTS``).

Prints one table row per size and writes ``bench/out/import_risk_classes.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SEED = 411523
HEADERS = ["统一社会信用代码", "信用风险分类", "分类日期"]
NEXT = {"A": "B", "B": "C", "C": "D", "D": "A"}


def generate(rows: int, path: Path, day: dt.date, every: int = 3) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from shuangsuiji.demo import county

    start = time.perf_counter()
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADERS)
        text = day.isoformat()
        for i, e in enumerate(county.entities(rows, SEED)):
            cls = NEXT[e.risk_class] if i % every == 0 else e.risk_class
            w.writerow([e.credit_code, cls, text])
    return time.perf_counter() - start


SETUP = """
import sys, django; django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from shuangsuiji.demo.loader import load_demo
load_demo(size=int(sys.argv[1]), seed=411523, activity=False)
"""

IMPORT = """
import json, sys, time, django; django.setup()
from pathlib import Path
from shuangsuiji.credit.services import risk as risk
from shuangsuiji.organizations.models import User

phases = {}
def timed(name, fn):
    def run(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - t
    return run
for name in ("_read", "_duplicates", "_write", "sync_current"):
    setattr(risk, name, timed(name.strip("_"), getattr(risk, name)))
actor = User.objects.get(username="sysadmin")
t = time.perf_counter()
out = risk.risk_classes_import(path=Path(sys.argv[1]), actor=actor)
elapsed = time.perf_counter() - t
assert out.ok and out.applied, out.problems[:5]
print(json.dumps({"seconds": elapsed, "added": out.added, "changed": out.changed,
                  "unchanged": out.unchanged, "targets_updated": out.targets_updated,
                  "phases": phases}))
"""


def copy_floor(dsn: str, source: Path) -> float:
    """COPY the same rows (converted to table values, untimed) into a LIKE … INCLUDING ALL
    table."""
    import psycopg

    prepared = source.with_suffix(".copy.csv")
    with (
        source.open(encoding="utf-8-sig", newline="") as f,
        prepared.open("w", encoding="utf-8", newline="") as out,
    ):
        r = csv.reader(f)
        next(r)
        w = csv.writer(out)
        for code, cls, day in r:
            w.writerow([code, cls, day, 1])
    with psycopg.connect(dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy_riskclass")
        conn.execute(
            "CREATE TABLE bench_copy_riskclass (LIKE credit_riskclassification INCLUDING ALL)"
        )
        conn.commit()
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY bench_copy_riskclass (credit_code, risk_class, effective_date, batch_id) "
                "FROM STDIN WITH (FORMAT csv)"
            ) as copy,
            prepared.open("rb") as f,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_copy_riskclass")
        conn.commit()
    prepared.unlink()
    return elapsed


def _import(env: dict[str, str], csv_path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT, str(csv_path)],
        env=env, check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run(rows: int, csv_path: Path, register: bool) -> dict[str, Any]:
    db = f"ssj_bench_credit_{os.getpid()}"
    dsn = f"{PG}/{db}"
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.test",
        "PYTHONPATH": str(ROOT / "src"),
    }
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True)
    try:
        t = time.perf_counter()
        size = rows if register else 0
        subprocess.run([sys.executable, "-c", SETUP, str(size)], env=env, check=True, cwd=ROOT)
        load_s = time.perf_counter() - t
        subprocess.run(["psql", dsn, "-qc", "VACUUM ANALYZE"], check=True)
        floor = copy_floor(dsn, csv_path)
        subprocess.run(["psql", dsn, "-qc", "CHECKPOINT"], check=True)
        first = _import(env, csv_path)
        subprocess.run(["psql", dsn, "-qc", "CHECKPOINT"], check=True)
        again = _import(env, csv_path)
        return {"rows": rows, "load_s": load_s, "copy_s": floor, "import": first, "again": again}
    finally:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, action="append", help="rows (repeatable)")
    parser.add_argument("--no-register", action="store_true", help="no entities to update")
    parser.add_argument("--keep-csv", type=Path, help="write the CSV here and keep it")
    parser.add_argument(
        "--change-every", type=int, default=3, help="every N-th entity changes class (3)"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench/out/import_risk_classes.json")
    args = parser.parse_args()
    sizes = args.rows or [1_000_000]
    day = dt.date.today().replace(day=1)
    results = []
    head = (
        f"{'rows':>10} | {'CSV MB':>6} | {'COPY s':>6} | {'import s':>8} | {'ratio':>6} | "
        f"{'rows/s':>8} | {'updated':>8} | {'again s':>7} | read / dup / insert / current s"
    )
    lines = [head, "-" * len(head)]
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.keep_csv or Path(tmp) / f"risk-classes-{rows}.csv"
            if not path.exists():
                generate(rows, path, day, args.change_every)
            r = run(rows, path, register=not args.no_register)
            r["csv_mb"] = path.stat().st_size / 1e6
        results.append(r)
        ours, p = r["import"]["seconds"], r["import"]["phases"]
        lines.append(
            f"{rows:>10,} | {r['csv_mb']:>6.0f} | {r['copy_s']:>6.1f} | {ours:>8.1f} | "
            f"{ours / r['copy_s']:>5.2f}× | {rows / ours:>8,.0f} | "
            f"{r['import']['targets_updated']:>8,} | {r['again']['seconds']:>7.1f} | "
            f"{p.get('read', 0):.1f} / {p.get('duplicates', 0):.1f} / {p.get('write', 0):.1f} / "
            f"{p.get('sync_current', 0):.1f}"
        )
        print(lines[-1] if len(lines) > 3 else "\n".join(lines), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
