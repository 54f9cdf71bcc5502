"""Benchmark: freezing a task's population (冻结名单) and drawing from it, on PostgreSQL.

    .venv/bin/python bench/freeze.py                               # 1M, median of 3 runs
    .venv/bin/python bench/freeze.py --size 1000000 --size 10000000 --keep
    .venv/bin/python bench/freeze.py --size 1000000 --profile      # + cProfile of one freeze

For each size the demo county (新县, ``load_demo``) is loaded into a fresh PostgreSQL
database.  The market regulator (新县市场监督管理局, SJ) gets a target library whose rules
cover every entity kind, i.e. the whole county; an annual plan is created, submitted and
approved, and then every run creates a fresh task through ``task_create`` and times

* ``task_freeze``: the library query, the exclusions (not 存续, already drawn this year),
  the canonical population file and its digest, the exclusion report, the commitment and
  the audit row — the service exactly as a department runs it;
* ``task_draw`` on that frozen population: reading and re-checking the file, keys and
  selection, the draw record and the drawn-target rows.

Tasks run in the same year, so each run's freeze also excludes the targets drawn by the
runs before it (the "inspected this year" rule at work); the table shows how many.

Databases: without ``--keep`` each size gets its own database, dropped at the end.  With
``--keep`` the database is named ``ssj_bench_freeze_<size>`` and is left in place, and a
later ``--keep`` run reuses it instead of loading again (10 million entities take about
4–5 minutes to load).  Drop it with ``psql postgresql://postgres@127.0.0.1:5432/postgres
-c 'DROP DATABASE ssj_bench_freeze_10000000'``.  Files written by the freeze (population
file, exclusion report) go to a temporary directory that is removed afterwards.

The server is ``$BENCH_PG`` (default ``postgresql://postgres@127.0.0.1:5432``, trust auth).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
QUOTAS = {"A": "1%", "B": "2%", "C": "5%", "D": "10%"}


def _psql(sql: str) -> str:
    out = subprocess.run(
        ["psql", f"{PG}/postgres", "-Atqc", sql], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _db_exists(name: str) -> bool:
    return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


# ---------------------------------------------------------------- worker (inside Django)


def _setup(size: int, seed: int) -> dict[str, Any]:
    """Migrate, load the county if needed, and give SJ an all-covering library and an
    approved plan.  Idempotent, so a kept database is reused as is."""
    import datetime as dt

    from django.core.management import call_command

    from shuangsuiji.demo.loader import demo_loaded, load_demo
    from shuangsuiji.directory.models import EntityKind, InspectionItem, Target, TargetLibrary
    from shuangsuiji.organizations.models import Department, User
    from shuangsuiji.plans import services as plans
    from shuangsuiji.plans.models import AnnualPlan, PlanStatus

    call_command("migrate", interactive=False, verbosity=0)
    load_s = None
    if not demo_loaded():
        started = time.perf_counter()
        load_demo(size=size, seed=seed, activity=False)
        load_s = time.perf_counter() - started
    entities = Target.objects.count()
    if entities != size:
        raise SystemExit(f"the database holds {entities} entities, not {size}")
    department = Department.objects.get(code="SJ")
    actor = User.objects.get(username="sjadmin")  # 牵头部门管理员 of SJ
    TargetLibrary.objects.update_or_create(
        department=department,
        defaults={"kinds": list(EntityKind.values), "industry_prefixes": [], "township_codes": []},
    )
    plan = AnnualPlan.objects.filter(department=department, status=PlanStatus.APPROVED).first()
    if plan is None:
        plan = plans.plan_create(
            department=department,
            actor=actor,
            year=2026,
            items=list(InspectionItem.objects.filter(department=department)[:3]),
            name="2026年度市场监管领域双随机抽查计划（基准测试）",
            target_scope="全县市场主体",
            ratios=QUOTAS,
            frequency="每年一次",
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 12, 20),
            inspecting_body=department.name,
        )
        plans.plan_submit(plan=plan, actor=actor)
        plan = plans.plan_approve(plan=plan, actor=actor)
    return {"department": department, "actor": actor, "plan": plan, "load_s": load_s}


def _new_task(ctx: dict[str, Any], n: int) -> Any:
    import datetime as dt

    from shuangsuiji.directory.models import InspectionItem
    from shuangsuiji.tasks import services

    return services.task_create(
        department=ctx["department"],
        actor=ctx["actor"],
        plan=ctx["plan"],
        name=f"市场主体登记事项基准抽查（第{n}批）",
        items=list(InspectionItem.objects.filter(department=ctx["department"])[:2]),
        quotas=QUOTAS,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 6, 30),
        extra_tickets_abnormal=2,
    )


def _breakdown(ctx: dict[str, Any]) -> dict[str, float]:
    """The freeze's two heavy steps timed apart on a fresh (unfrozen) task: the library
    query with the exclusions, then the canonical file and its digest."""
    from django.db import transaction

    from shuangsuiji.directory.models import TargetLibrary
    from shuangsuiji.lottery import population_from_rows
    from shuangsuiji.tasks.services import freeze as freeze_module

    with transaction.atomic():
        task = _new_task(ctx, 0)
        library = TargetLibrary.objects.get(department=ctx["department"])
        t0 = time.perf_counter()
        rows, _excluded = freeze_module._eligible_and_excluded(task, library)
        t1 = time.perf_counter()
        population_from_rows(rows)
        t2 = time.perf_counter()
        transaction.set_rollback(True)  # leave no half-frozen task behind
    return {"query_and_exclusions_s": t1 - t0, "file_and_digest_s": t2 - t1}


def worker(size: int, seed: int, runs: int, profile: bool) -> None:
    import django

    django.setup()
    from shuangsuiji.tasks import services

    ctx = _setup(size, seed)
    results: dict[str, Any] = {"size": size, "load_s": ctx["load_s"], "runs": []}
    results.update(_breakdown(ctx))
    for n in range(1, runs + 1):
        task = _new_task(ctx, n)
        t0 = time.perf_counter()
        freeze = services.task_freeze(task=task, actor=ctx["actor"])
        t1 = time.perf_counter()
        draw = services.task_draw(
            task=task, actor=ctx["actor"], entropy=[f"bench dice:{n} {n * 7 % 6 + 1}"]
        )
        t2 = time.perf_counter()
        results["runs"].append(
            {
                "task": task.number,
                "freeze_s": t1 - t0,
                "draw_s": t2 - t1,
                "population": freeze.population_size,
                "excluded": freeze.excluded_count,
                "drawn": draw.selected_count,
            }
        )
        print(f"  run {n}: {results['runs'][-1]}", file=sys.stderr, flush=True)
    if profile:
        import cProfile
        import io
        import pstats

        task = _new_task(ctx, runs + 1)
        for step, call in (
            ("task_freeze", lambda: services.task_freeze(task=task, actor=ctx["actor"])),
            ("task_draw", lambda: services.task_draw(task=task, actor=ctx["actor"])),
        ):
            profiler = cProfile.Profile()
            profiler.enable()
            call()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(f"==== cProfile of {step}\n{out.getvalue()}", file=sys.stderr)
    print(json.dumps(results))


# ---------------------------------------------------------------- driver


def run_size(size: int, *, seed: int, runs: int, keep: bool, profile: bool) -> dict[str, Any]:
    db = f"ssj_bench_freeze_{size}" if keep else f"ssj_bench_freeze_{os.getpid()}_{size}"
    if not _db_exists(db):
        _psql(f"CREATE DATABASE {db}")
    elif keep:
        print(f"reusing database {db}", file=sys.stderr)
    try:
        with tempfile.TemporaryDirectory(prefix="ssj-bench-freeze-") as var:
            env = {
                **os.environ,
                "DATABASE_URL": f"{PG}/{db}",
                "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.test",
                "SHUANGSUIJI_VAR_DIR": var,
                "PYTHONPATH": str(ROOT / "src"),
            }
            args = [sys.executable, __file__, "--worker", "--size", str(size), "--seed", str(seed)]
            args += ["--runs", str(runs)] + (["--profile"] if profile else [])
            out = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True)
            result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
            return result
    finally:
        if not keep:
            _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", type=int, action="append", help="entities (repeatable)")
    parser.add_argument("--seed", type=int, default=411523)
    parser.add_argument(
        "--runs", type=int, help="freeze+draw runs per size (default: 3 up to 1M, 1 above)"
    )
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the databases")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one extra freeze and its draw"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = args.size or [1_000_000]
    if args.worker:
        worker(sizes[0], args.seed, args.runs or 1, args.profile)
        return
    rows = []
    for size in sizes:
        runs = args.runs or (3 if size <= 1_000_000 else 1)
        print(f"== {size:,} entities, {runs} run(s)", file=sys.stderr, flush=True)
        rows.append(run_size(size, seed=args.seed, runs=runs, keep=args.keep, profile=args.profile))
    print()
    head = (
        f"{'entities':>11} | {'eligible':>9} | {'excluded':>8} | {'drawn':>7} | {'freeze s':>8}"
        f" | {'draw s':>6} | {'rows/s':>9} | query+excl s | file+digest s | load s"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        freeze_s = statistics.median(x["freeze_s"] for x in r["runs"])
        draw_s = statistics.median(x["draw_s"] for x in r["runs"])
        last = r["runs"][-1]
        load = f"{r['load_s']:.0f}" if r["load_s"] is not None else "kept"
        print(
            f"{r['size']:>11,} | {last['population']:>9,} | {last['excluded']:>8,} |"
            f" {last['drawn']:>7,} | {freeze_s:>8.1f} | {draw_s:>6.1f} |"
            f" {r['size'] / freeze_s:>9,.0f} | {r['query_and_exclusions_s']:>12.1f} |"
            f" {r['file_and_digest_s']:>13.1f} | {load}"
        )
        print(
            "   runs: "
            + "; ".join(
                f"freeze {x['freeze_s']:.1f} s, draw {x['draw_s']:.1f} s" for x in r["runs"]
            )
        )


if __name__ == "__main__":
    main()
