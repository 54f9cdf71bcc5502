"""Load test of the public portal: the platform served by waitress with production settings
on 127.0.0.1, and locust in a second process hammering search and entity pages for a bounded
time.  Prints requests per second, p50/p95/p99 per page and the failures; writes
bench/out/portal_load.json.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ssj_bench_search \\
        .venv/bin/python bench/portal_load.py --users 20 --seconds 60

The database must hold a loaded county (``shuangsuiji manage load_demo --size N``); the
script does not load one.  Rate limiting is switched off for the run (one client address
makes every request); tests/portal checks the limiter itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample(database_url: str, n: int = 400) -> dict[str, list[str]]:
    """Names and codes to ask for, drawn from the database itself."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        total = conn.execute("SELECT max(id) FROM directory_target").fetchone()[0] or 0
        ids = random.Random(7).sample(range(1, total + 1), min(n, total))
        rows = conn.execute(
            "SELECT credit_code, name FROM directory_target WHERE id = ANY(%s)", [ids]
        ).fetchall()
    codes = [r[0] for r in rows]
    rnd = random.Random(11)
    # Two- to four-character pieces of real names: what people type.
    fragments = []
    for _code, name in rows:
        body = name.replace("新县", "")
        if len(body) >= 4:
            start = rnd.randrange(0, len(body) - 2)
            fragments.append(body[start : start + rnd.choice([2, 3, 4])])
    return {"codes": codes, "fragments": fragments or ["茶业"]}


def wait_until_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database with a loaded county")
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="portal-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.production",
        "SHUANGSUIJI_SECRET_KEY": "bench-only-" + "k" * 40,
        "SHUANGSUIJI_ALLOWED_HOSTS": "127.0.0.1",
        "SHUANGSUIJI_SSL_REDIRECT": "0",
        "SHUANGSUIJI_VAR_DIR": str(workdir),
        "SHUANGSUIJI_PUBLIC_RATE": "",
    }
    server = subprocess.Popen(
        [str(VENV_BIN / "shuangsuiji"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_until_up(url)
        sample_file = workdir / "sample.json"
        sample_file.write_text(json.dumps(sample(database_url), ensure_ascii=False), "utf-8")
        prefix = workdir / "locust"
        started = time.monotonic()
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f", str(ROOT / "bench" / "locustfile_portal.py"),
                "--headless", "--only-summary",
                "-u", str(args.users), "-r", str(args.users),
                "-t", f"{args.seconds}s",
                "--host", url,
                "--csv", str(prefix),
            ],
            env={**os.environ, "PORTAL_SAMPLE": str(sample_file)},
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    table = []
    for r in rows:
        table.append(
            {
                "name": r["Name"],
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "rps": float(r["Requests/s"]),
                "p50_ms": float(r["50%"] or 0),
                "p95_ms": float(r["95%"] or 0),
                "p99_ms": float(r["99%"] or 0),
            }
        )
    print(f"portal load: {args.users} users for {args.seconds} s (run {elapsed:.0f} s), "
          "waitress (8 threads), production settings")  # fmt: skip
    heads = ("requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'page':<16}" + "".join(f"{h:>10}" for h in heads))
    for t in table:
        print(f"{t['name']:<16}{t['requests']:>10}{t['failures']:>10}{t['rps']:>10.1f}"
              f"{t['p50_ms']:>10.0f}{t['p95_ms']:>10.0f}{t['p99_ms']:>10.0f}")  # fmt: skip
    (OUT / "portal_load.json").write_text(json.dumps(table, indent=2), "utf-8")
    failures = sum(t["failures"] for t in table)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
