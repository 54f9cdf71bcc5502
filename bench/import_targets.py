"""Benchmark: importing market entities from CSV into PostgreSQL, against PostgreSQL's own
``COPY`` of the same rows in the same run.

    .venv/bin/python bench/import_targets.py [--rows 1000000] [--keep-csv PATH]

1. Generates the CSV in the import template's layout from the demo county generator
   (``shuangsuiji.demo.county.entities``), UTF-8 with BOM, as an export would write it.
2. Creates a fresh database, migrates it and loads the demo county's reference data
   (regions, townships, departments; no entities).
3. Floor: ``COPY`` of the same rows, already converted to table values (township ids,
   region id, booleans), into ``CREATE TABLE … (LIKE directory_target INCLUDING ALL)``: the
   same columns, constraints and indexes (``LIKE`` copies no foreign keys; the real table
   has two, which the import pays for).  Streamed from this client like the import.
4. Ours: ``shuangsuiji.directory.tabular.import_file`` into the empty ``directory_target``
   in a fresh process: reading, every check, comparison with existing rows, the write, the
   audit row, commit.

Prints one table row per size with both times and the ratio (goal: at most 3×).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SEED = 411523

HEADERS = [
    "统一社会信用代码", "名称", "主体类型", "登记状态", "法定代表人", "住所",
    "所属乡镇（街道）", "行业代码", "经营范围", "成立日期", "信用风险分类",
    "列入经营异常名录", "联系电话",
]  # fmt: skip
COLUMNS = (
    "region_id, credit_code, name, kind, status, legal_rep, address, township_id, "
    "industry_code, scope, founded_on, risk_class, abnormal_operation, phone, flags"
)


def generate(rows: int, path: Path) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from shuangsuiji.demo import county

    towns = {t.code: t.name for t in county.TOWNSHIPS}
    start = time.perf_counter()
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADERS)
        for e in county.entities(rows, SEED):
            w.writerow([
                e.credit_code, e.name, e.kind, e.status, e.legal_rep, e.address,
                towns[e.township_code], e.industry_code, e.scope, e.founded_on.isoformat(),
                e.risk_class, "是" if e.abnormal_operation else "否", e.phone,
            ])  # fmt: skip
    return time.perf_counter() - start


SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from shuangsuiji.demo.loader import load_demo
load_demo(size=0, seed=411523, activity=False)
"""

IMPORT = """
import sys, time, django; django.setup()
from pathlib import Path
from shuangsuiji.directory.tabular import import_file
from shuangsuiji.organizations.models import User
actor = User.objects.get(username="sysadmin")
t = time.perf_counter()
out = import_file(kind="targets", path=Path(sys.argv[1]), actor=actor)
elapsed = time.perf_counter() - t
assert out.ok and out.added == int(sys.argv[2]), (out.added, out.errors)
print(elapsed)
"""


def copy_floor(dsn: str, source: Path) -> float:
    """COPY the same rows (converted to table values, untimed) into a LIKE … INCLUDING ALL
    table."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        county_id = conn.execute("SELECT id FROM organizations_region WHERE code='411523'")
        cid = county_id.fetchone()[0]  # type: ignore[index]
        towns = dict(
            conn.execute(
                "SELECT name, id FROM organizations_region WHERE parent_id=%s", (cid,)
            ).fetchall()
        )
        prepared = source.with_suffix(".copy.csv")
        with (
            source.open(encoding="utf-8-sig", newline="") as f,
            prepared.open("w", encoding="utf-8", newline="") as out,
        ):
            r = csv.reader(f)
            next(r)
            w = csv.writer(out)
            for row in r:
                w.writerow([
                    cid, row[0], row[1], row[2], row[3], row[4], row[5], towns[row[6]], row[7],
                    row[8], row[9], row[10], row[11] == "是", row[12], "[]",
                ])  # fmt: skip
        conn.execute("DROP TABLE IF EXISTS bench_copy_target")
        conn.execute("CREATE TABLE bench_copy_target (LIKE directory_target INCLUDING ALL)")
        conn.commit()
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY bench_copy_target ({COLUMNS}) FROM STDIN WITH (FORMAT csv)") as copy,
            prepared.open("rb") as f,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_copy_target")
        conn.commit()
        prepared.unlink()
        return elapsed


def run(rows: int, csv_path: Path) -> tuple[float, float]:
    db = f"ssj_bench_import_{os.getpid()}"
    dsn = f"{PG}/{db}"
    env = {**os.environ, "DATABASE_URL": dsn, "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.test"}
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True)
    try:
        subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT)
        floor = copy_floor(dsn, csv_path)
        subprocess.run(["psql", dsn, "-qc", "CHECKPOINT"], check=True)
        out = subprocess.run(
            [sys.executable, "-c", IMPORT, str(csv_path), str(rows)],
            env=env, check=True, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        ours = float(out.stdout.strip().splitlines()[-1])
        return floor, ours
    finally:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, action="append", help="rows (repeatable)")
    parser.add_argument("--keep-csv", type=Path, help="write the CSV here and keep it")
    args = parser.parse_args()
    sizes = args.rows or [1_000_000]
    print(f"{'rows':>10} | {'CSV MB':>7} | {'COPY s':>7} | {'import s':>8} | {'ratio':>5} | "
          f"{'import rows/s':>13}")  # fmt: skip
    print("-" * 66)
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.keep_csv or Path(tmp) / f"targets-{rows}.csv"
            if not path.exists():
                generate(rows, path)
            floor, ours = run(rows, path)
            mb = path.stat().st_size / 1e6
            print(f"{rows:>10,} | {mb:>7.0f} | {floor:>7.1f} | {ours:>8.1f} | "
                  f"{ours / floor:>4.2f}× | {rows / ours:>13,.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
