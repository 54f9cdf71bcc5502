"""Benchmark: generate and load the demo county into a fresh PostgreSQL database.

    .venv/bin/python bench/demo_load.py --size 1000000 [--size 30000 ...]

Each size gets its own fresh database (created and dropped), so runs do not disturb each
other.  Prints a table: entities, seconds for generation alone (the Python generator, no
database), seconds for the full load (migrate excluded), and entities per second.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def generation_only(size: int, seed: int) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from shuangsuiji.demo import county

    start = time.perf_counter()
    for _ in county.entities(size, seed):
        pass
    return time.perf_counter() - start


LOAD_SCRIPT = """
import sys, time, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from shuangsuiji.demo.loader import load_demo
t = time.perf_counter()
load_demo(size=int(sys.argv[1]), seed=int(sys.argv[2]), activity=False)
print(time.perf_counter() - t)
"""


def full_load(size: int, seed: int) -> float:
    db = f"ssj_bench_{os.getpid()}_{size}"
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True)
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"{PG}/{db}",
            "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.test",
        }
        out = subprocess.run(
            [sys.executable, "-c", LOAD_SCRIPT, str(size), str(seed)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        return float(out.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, action="append", help="entities (repeatable)")
    parser.add_argument("--seed", type=int, default=411523)
    args = parser.parse_args()
    sizes = args.size or [30_000, 1_000_000]
    print(f"{'entities':>12} | {'generate s':>10} | {'load into PG s':>14} | {'entities/s':>10}")
    print("-" * 56)
    for size in sizes:
        gen_s = generation_only(size, args.seed)
        load_s = full_load(size, args.seed)
        print(f"{size:>12,} | {gen_s:>10.1f} | {load_s:>14.1f} | {size / load_s:>10,.0f}")


if __name__ == "__main__":
    main()
