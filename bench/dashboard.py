"""Benchmark: the supervision dashboard (督查考核) on the 1-million-entity county with a year
of generated activity, on PostgreSQL.

    .venv/bin/python bench/dashboard.py                      # 1M entities, 15 runs
    .venv/bin/python bench/dashboard.py --size 30000 --runs 5
    .venv/bin/python bench/dashboard.py --keep               # keep the database afterwards
    .venv/bin/python bench/dashboard.py --reuse --keep       # measure again on a kept one

1. A fresh database (``--db``, default ``ssj_bench_dash``): migrate, load the demo county
   (``load_demo(activity=False)``) and then ``generate_activity`` for the year, each timed.
   The generator plays the year through the services; its tasks and results grow with the
   county only up to 30,000 entities, so a 1M county gets the demo's year (a few hundred
   results).  ``--extra-results N`` (default 50,000) then adds N result parts cloned from
   the generated ones onto other entities of the register (with follow-ups for a tenth of
   them), which is what a county of that size inspects in a year at a 5% ratio; the rows
   are inserted directly (bench data, not a story) and only the figures read them.
2. In a second process (Django test client, logged in as the county supervisor duchashi):
   ``--runs`` timed renders of the dashboard page after one warm-up, against a baseline
   measured in the same run: the same figures computed the naive way, by loading the rows
   into Python and counting there.  The naive figures must equal the database's (checked).
   Also timed: the figures alone, the CSV, the XLSX and the PDF report.
3. Prints the table, writes ``bench/out/dashboard.json`` and drops the database unless
   ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
OUT = ROOT / "bench" / "out" / "dashboard.json"
SEED = 411523


def _env(db: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.test",
        "SHUANGSUIJI_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)


def _exists(db: str) -> bool:
    out = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "1"


def _child(db: str, mode: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, f"--{mode}", *args],
        env=_env(db),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- child: load -----------------------------------------------------------------------


def load(size: int, extra_results: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from shuangsuiji.demo.activity import generate_activity
    from shuangsuiji.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    t = time.perf_counter()
    load_demo(size=size, seed=SEED, activity=False)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    summary = generate_activity(seed=SEED, progress=True)
    activity_s = time.perf_counter() - t
    t = time.perf_counter()
    added = _extra_results(extra_results) if extra_results else {}
    extra_s = time.perf_counter() - t
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "size": size,
        "load_s": load_s,
        "activity_s": activity_s,
        "activity": summary.as_payload(),
        "extra_s": extra_s,
        "extra": added,
    }


def _extra_results(n: int) -> dict[str, int]:
    """Clone generated result parts onto other active entities of the register, keeping
    each template's task, department, category, status and dates (moved by up to a few
    weeks inside the year), and give a tenth of them a follow-up.  Inserted in bulk."""
    import random

    from django.db import transaction

    from shuangsuiji.directory.models import Target
    from shuangsuiji.results.models import FollowUp, FollowUpState, Result

    rng = random.Random(SEED)
    templates = list(Result.objects.all())
    if not templates:
        return {}
    used = set(Result.objects.values_list("task", "target"))
    ids = list(Target.objects.filter(status="存续").values_list("pk", flat=True)[: n * 3])
    rng.shuffle(ids)
    year_end = dt.date(templates[0].result_date.year, 12, 31)
    rows: list[Result] = []
    for target_id in ids:
        if len(rows) >= n:
            break
        t = rng.choice(templates)
        if (t.task_id, target_id) in used:
            continue
        used.add((t.task_id, target_id))
        shift = dt.timedelta(days=rng.randint(-40, 0))
        result_date = t.result_date + shift
        rows.append(
            Result(
                task_id=t.task_id,
                target_id=target_id,
                department_id=t.department_id,
                status=t.status,
                inspection_date=t.inspection_date + shift,
                result_date=result_date,
                category_id=t.category_id,
                findings=t.findings,
                deadline=min(t.deadline + shift, year_end),
                entered_by_id=t.entered_by_id,
                late_working_days=t.late_working_days,
                submitted_at=t.submitted_at,
                reviewed_at=t.reviewed_at,
            )
        )
    with transaction.atomic():
        created = Result.objects.bulk_create(rows, batch_size=5000)
        follow = [
            FollowUp(
                result=r,
                action="correct",
                description="督促整改",
                department_id=r.department_id,
                due_date=r.deadline + dt.timedelta(days=15),
                state=FollowUpState.CLOSED if i % 3 else FollowUpState.OPEN,
                closing_note="已整改" if i % 3 else "",
                created_by_id=r.entered_by_id,
            )
            for i, r in enumerate(created)
            if i % 10 == 0
        ]
        FollowUp.objects.bulk_create(follow, batch_size=5000)
    return {"results": len(created), "follow_ups": len(follow)}


# --- child: measure --------------------------------------------------------------------


def naive(departments: list[Any], period: Any, today: dt.date) -> dict[int, dict[str, Any]]:
    """The figures the naive way: every row into Python, counted there (the baseline)."""
    from django.utils import timezone

    from shuangsuiji.results.models import FollowUp, Result
    from shuangsuiji.tasks.models import Assignment, Draw, Task

    ids = {d.pk for d in departments}
    lo, hi = period.bounds()
    out: dict[int, dict[str, Any]] = {d.pk: defaultdict(int) for d in departments}
    for r in Result.objects.select_related("category").filter(department__in=ids):
        row = out[r.department_id]
        if period.start <= r.result_date <= period.end:
            row["inspected"] += 1
            row["problems"] += int(r.category.problem_found)
        if period.start <= r.deadline <= period.end:
            done = r.status in ("approved", "published")
            if done and r.late_working_days == 0:
                row["pub_on_time"] += 1
            elif done:
                row["pub_late"] += 1
            elif r.deadline < today:
                row["pub_overdue"] += 1
    for f in FollowUp.objects.filter(department__in=ids):
        row = out[f.department_id]
        if period.start <= f.due_date <= period.end:
            row["fu_total"] += 1
            closed_day = timezone.localdate(f.closed_at) if f.closed_at else None
            if f.state == "closed" and closed_day and closed_day <= f.due_date:
                row["fu_on_time"] += 1
            elif f.state == "open" and f.due_date < today:
                row["fu_open_overdue"] += 1
        if f.action == "refer" and f.created_at and lo <= f.created_at < hi:
            row["ref_received"] += 1
    participants: dict[int, list[int]] = defaultdict(list)
    for task_id, dept in Task.participants.through.objects.values_list("task", "department"):
        participants[task_id].append(dept)
    for d in Draw.objects.select_related("task").filter(superseded=False):
        if d.task.status != "dispatched" or not lo <= d.drawn_at < hi:
            continue
        for dept in [d.task.department_id, *participants[d.task_id]]:
            if dept in ids:
                out[dept]["tasks_done"] += 1
    loads: Counter[int] = Counter()
    dept_of: dict[int, int] = {}
    for a in Assignment.objects.select_related("matching__draw", "inspector").filter(active=True):
        if a.matching.draw.superseded or not lo <= a.matching.created_at < hi:
            continue
        loads[a.inspector_id] += 1
        dept_of[a.inspector_id] = a.inspector.department_id
    for inspector, n in loads.items():
        if dept_of[inspector] in ids:
            out[dept_of[inspector]]["assignments"] += n
    return out


KEYS = ["inspected", "problems", "pub_on_time", "pub_late", "pub_overdue", "fu_total",
        "fu_on_time", "fu_open_overdue", "ref_received", "tasks_done", "assignments"]  # fmt: skip


def _timed(fn: Any, runs: int) -> list[float]:
    fn()  # warm-up: connection, caches, template loading
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def measure(runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from shuangsuiji.directory.models import Target
    from shuangsuiji.organizations.models import User
    from shuangsuiji.oversight import report, selectors
    from shuangsuiji.oversight.figures import Dashboard
    from shuangsuiji.oversight.periods import year_period
    from shuangsuiji.results.models import FollowUp, Result

    user = User.objects.get(username="duchashi")
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    period = year_period(today.year)
    url = f"/oversight/?year={today.year}"
    departments = selectors.visible_departments(user)

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def figures() -> Dashboard:
        return selectors.dashboard(user=user, period=period, today=today, total_name="合计")

    def baseline() -> None:
        naive(departments, period, today)

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        page()
    dash = figures()
    by_db = {r.department_id: r for r in dash.rows}
    by_naive = naive(departments, period, today)
    mismatches = [
        (d.name, key, getattr(by_db[d.pk], key), by_naive[d.pk][key])
        for d in departments
        for key in KEYS
        if getattr(by_db[d.pk], key) != by_naive[d.pk][key]
    ]
    results = {
        "page": _timed(page, runs),
        "figures": _timed(figures, runs),
        "naive": _timed(baseline, runs),
        "csv": _timed(lambda: report.metrics_csv(figures()), max(3, runs // 3)),
        "xlsx": _timed(lambda: report.report_xlsx(figures()), max(3, runs // 3)),
        "pdf": _timed(lambda: report.report_pdf(figures()), 3),
    }
    return {
        "timings": results,
        "queries": len(queries),
        "mismatches": mismatches,
        "rows": {
            "targets": Target.objects.count(),
            "results": Result.objects.count(),
            "follow_ups": FollowUp.objects.count(),
            "departments": len(departments),
            "total_inspected": dash.total.inspected,
            "total_pub_due": dash.total.pub_due,
        },
    }


# --- parent ----------------------------------------------------------------------------


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--extra-results", type=int, default=50_000)
    parser.add_argument("--db", default="ssj_bench_dash")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure on an existing database")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(args.size, args.extra_results)))
        return
    if args.measure:
        print(json.dumps(measure(args.runs), default=str))
        return

    loaded: dict[str, Any] = {}
    if not (args.reuse and _exists(args.db)):
        _psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
        _psql(f"CREATE DATABASE {args.db}")
        loaded = _child(
            args.db, "load", "--size", str(args.size), "--extra-results", str(args.extra_results)
        )
    try:
        measured = _child(args.db, "measure", "--runs", str(args.runs))
    finally:
        if not args.keep:
            _psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
    rows = measured["rows"]
    if loaded:
        print(
            f"load {loaded['size']:,} entities: {loaded['load_s']:.1f} s; "
            f"generate_activity: {loaded['activity_s']:.1f} s; "
            f"extra results {loaded['extra']}: {loaded['extra_s']:.1f} s"
        )
    print(
        f"database: {rows['targets']:,} entities, {rows['results']:,} result parts, "
        f"{rows['follow_ups']:,} follow-ups, {rows['departments']} departments; "
        f"dashboard page: {measured['queries']} queries"
    )
    print(f"{'what (runs)':<44} | {'p50 ms':>9} | {'p95 ms':>9} | {'max ms':>9}")
    print("-" * 80)
    labels = {
        "page": "dashboard page render (test client)",
        "figures": "figures alone (aggregate queries)",
        "naive": "baseline: same figures, rows into Python",
        "csv": "CSV of every figure",
        "xlsx": "XLSX report",
        "pdf": "PDF report (WeasyPrint)",
    }
    for key, label in labels.items():
        t = measured["timings"][key]
        print(
            f"{label + f' ({len(t)})':<44} | {1000 * _p(t, 0.5):>9.1f} | "
            f"{1000 * _p(t, 0.95):>9.1f} | {1000 * max(t):>9.1f}"
        )
    if measured["mismatches"]:
        print("MISMATCH between the database figures and the naive ones:")
        for m in measured["mismatches"]:
            print("  ", m)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"loaded": loaded, "measured": measured}, indent=1, default=str))
    page_p50 = _p(measured["timings"]["page"], 0.5)
    print(f"goal: page under 1 s — {'met' if page_p50 < 1 else 'NOT met'} (p50 {page_p50:.3f} s)")
    sys.exit(1 if measured["mismatches"] else 0)


if __name__ == "__main__":
    main()
