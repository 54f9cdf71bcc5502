"""Mixed load: citizens on the public portal while staff save results and file plans, against
gunicorn with the production settings on PostgreSQL, on 127.0.0.1 for a bounded time.
Prints requests per second, p50/p95/p99 per page and the failures; writes
bench/out/mixed_load.json.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ssj_ops_bench \\
        .venv/bin/python bench/mixed_load.py --users 24 --seconds 60

The database must hold the demo county with its year of activity
(``shuangsuiji manage load_demo --size 30000``): the inspectors 张伟 and 许芳 need open
assignments and 王丽华 her department.  The run writes to it (draft results, plans), so use a
scratch copy.  gunicorn runs as deploy/gunicorn.conf.py configures it (2 workers × 8 threads
unless --workers/--threads); static files are collected first, as in docs/operations.md.
Rate limiting is off for the run (every request comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal_load import free_port, sample, wait_until_up  # noqa: E402

OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
INSPECTORS = ("zhangwei", "xufang")
PLAN_ADMIN = "sjadmin"


def staff_sample(database_url: str) -> dict[str, object]:
    """The inspectors' assignments whose result may still be saved, and the plan admin's
    department."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """
            SELECT u.username, a.task_id, a.target_id
              FROM tasks_assignment a
              JOIN directory_inspector i ON i.id = a.inspector_id
              JOIN organizations_user u ON u.id = i.user_id
              JOIN tasks_task t ON t.id = a.task_id
              LEFT JOIN results_result r ON r.task_id = a.task_id AND r.target_id = a.target_id
             WHERE a.active AND u.username = ANY(%s) AND t.status = 'dispatched'
               AND (r.id IS NULL OR r.status IN ('draft', 'returned'))
             ORDER BY a.id
            """,
            [list(INSPECTORS)],
        ).fetchall()
        dept = conn.execute(
            "SELECT department_id FROM organizations_user WHERE username = %s", [PLAN_ADMIN]
        ).fetchone()
    if not rows or dept is None:
        raise SystemExit("the database holds no open assignments of the demo inspectors")
    return {
        "assignments": [{"username": u, "task": t, "target": g} for u, t, g in rows],
        "plan_admin": PLAN_ADMIN,
        "plan_department": dept[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=24, help="locust users in all")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--password", default="Xinxian@2026", help="the demo logins' (shuangsuiji/demo/loader.py)"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL copy of the demo county")
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="mixed-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.production",
        "SHUANGSUIJI_SECRET_KEY": "bench-only-" + "k" * 40,
        "SHUANGSUIJI_ALLOWED_HOSTS": "127.0.0.1",
        "SHUANGSUIJI_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "SHUANGSUIJI_VAR_DIR": str(workdir),
        "SHUANGSUIJI_STATIC_ROOT": str(workdir / "static"),
        "SHUANGSUIJI_PUBLIC_RATE": "",
        "SHUANGSUIJI_BIND": f"127.0.0.1:{port}",
        "SHUANGSUIJI_WORKERS": str(args.workers),
        "SHUANGSUIJI_THREADS": str(args.threads),
        "SHUANGSUIJI_ACCESS_LOG": "0",
    }
    subprocess.run(
        [str(VENV_BIN / "shuangsuiji"), "manage", "collectstatic", "--noinput", "-v0"],
        env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env=env, cwd=workdir, stdout=subprocess.DEVNULL,
        stderr=(workdir / "gunicorn.log").open("wb"), start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(url)
        data = {**sample(database_url), **staff_sample(database_url)}
        data.update(password=args.password, year=time.localtime().tm_year)
        # Inspector users get 2/11 of the users (locust weights 8:2:1).
        data["inspector_users"] = max(1, round(args.users * 2 / 11))
        sample_file = workdir / "sample.json"
        sample_file.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        prefix = workdir / "locust"
        started = time.monotonic()
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f", str(ROOT / "bench" / "locustfile_mixed.py"),
                "--headless", "--only-summary",
                "-u", str(args.users), "-r", str(args.users),
                "-t", f"{args.seconds}s",
                "--host", url,
                "--csv", str(prefix),
            ],
            env={**os.environ, "MIXED_SAMPLE": str(sample_file)},
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
            failures = list(csv.DictReader(f))
        with open(f"{prefix}_exceptions.csv", encoding="utf-8") as f:
            exceptions = list(csv.DictReader(f))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    table = [
        {
            "name": r["Name"],
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "rps": float(r["Requests/s"]),
            "p50_ms": float(r["50%"] or 0),
            "p95_ms": float(r["95%"] or 0),
            "p99_ms": float(r["99%"] or 0),
        }
        for r in rows
    ]
    load = os.getloadavg()[0]
    print(
        f"mixed load: {args.users} users for {args.seconds} s (run {elapsed:.0f} s), gunicorn "
        f"{args.workers}×{args.threads} gthread, production settings, load average {load:.1f}"
    )
    heads = ("requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'page':<20}" + "".join(f"{h:>10}" for h in heads))
    for t in table:
        print(f"{t['name']:<20}{t['requests']:>10}{t['failures']:>10}{t['rps']:>10.1f}"
              f"{t['p50_ms']:>10.0f}{t['p95_ms']:>10.0f}{t['p99_ms']:>10.0f}")  # fmt: skip
    for fail in failures:
        print(f"failure: {fail['Method']} {fail['Name']}: {fail['Error']} × {fail['Occurrences']}")
    for exc in exceptions:
        print(f"exception in a user: {exc['Message']} × {exc['Count']}")
    (OUT / "mixed_load.json").write_text(
        json.dumps({"table": table, "failures": failures, "load_average": load}, indent=2),
        "utf-8",
    )
    return 1 if exceptions or any(t["failures"] for t in table) else 0


if __name__ == "__main__":
    sys.exit(main())
