"""Benchmark: the draw-v1 target draw against its baselines, in one run.

    .venv/bin/python bench/lottery_draw.py                       # 30k, 1M, 10M (≈ 9 min)
    .venv/bin/python bench/lottery_draw.py --sizes 30000,1000000  # a subset
    .venv/bin/python bench/lottery_draw.py --quick                # 30k + 1M, one repeat

For each population size (strata A–D in a 45/35/15/5 mix, one ticket each, quota 1% per
stratum) it measures, each contender in its own subprocess so that peak memory is per
contender:

* ours — `parse_population` + `draw` from the file's bytes (strict parse, digest, keys,
  selection): with the C accelerator on 1 thread and on 2 threads (the run stops if the
  accelerator is not built), and the pure-Python reference path (SHUANGSUIJI_PURE_PYTHON=1)
  with workers=1;
* Rivest's `consistent_sampler` (PyPI) on the same ids, per stratum, same sample sizes;
  stopped after --timeout seconds and extrapolated linearly from the largest size that
  finished;
* numpy `Generator.choice` without replacement per stratum: the non-verifiable floor;
* the PostgreSQL query of `shuangsuiji.lottery.sql.draw_sql` (rows loaded with COPY into a
  fresh database, not timed), checked to return exactly the Python selection;
* the SHA-256 limit of this machine: `openssl speed` for one ticket's message length, as
  hashes per second per core, spread over all cores.

Seconds are medians over --repeats runs (consistent_sampler and PostgreSQL run once).
Peak memory is the larger of the contender process's VmHWM and the sampled proportional
set size (PSS) of its whole process tree — PSS counts pages shared by the workers=2 pool
once — plus, for PostgreSQL, the server processes serving the benchmark database.

Populations are cached under bench/out/ (gitignored); results also go to
bench/out/lottery_draw.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DEFAULT_SIZES = (30_000, 1_000_000, 10_000_000)
TASK_ID = "基准抽查〔2026〕1号"
# Fixed so that every run draws the same sample and selections can be compared across runs.
SECRET = hashlib.sha256(b"shuangsuiji bench secret").hexdigest()
ENTROPY = ("dice:31415 92653 58979 32384",)
STRATA_MIX = (("A", 0.45), ("B", 0.80), ("C", 0.95), ("D", 1.0))  # cumulative, 45/35/15/5
QUOTAS = {"A": "1%", "B": "1%", "C": "1%", "D": "1%"}
ID_CHARS = 18  # unified social credit codes
CONTENDERS = ("ours_w1", "ours_w2", "ours_py", "consistent_sampler", "numpy", "postgres")
# ours_w1 / ours_w2: the C accelerator on 1 / 2 threads; ours_py: the pure-Python reference.
LABELS = {
    "ours_w1": "ours C, 1 thread",
    "ours_w2": "ours C, 2 threads",
    "ours_py": "ours, pure Python",
    "consistent_sampler": "consistent_sampler",
    "numpy": "numpy choice",
    "postgres": "PostgreSQL query",
}


# --- population files ------------------------------------------------------------------------


def population_path(size: int, seed: int) -> Path:
    return OUT / f"population-{size}-s{seed}.csv"


def build_population(size: int, seed: int) -> bytes:
    """A canonical population file of `size` distinct, checksum-valid credit codes.

    Uses the demo's code bijections (shuangsuiji.demo.codes) rather than the full
    `demo.county.entities` stream: same kind of codes, without generating names, addresses
    and scopes the draw never reads (several times faster at ten million).
    """
    from shuangsuiji.demo.codes import code_maker, prefix_sum

    rng = random.Random(f"bench-population:{seed}")
    rnd = rng.random
    ma, legacy, indiv = code_maker("MA", rng), code_maker("legacy", rng), code_maker("L", rng)
    ent, shop, coop = "91411523", "92411523", "93411523"
    sums = {p: prefix_sum(p) for p in (ent, shop, coop)}
    lines: list[str] = []
    append = lines.append
    for _ in range(size):
        kind = rnd()
        if kind < 0.30:  # enterprises: mostly post-2015 MA bodies, some legacy org codes
            prefix, make = ent, ma if rnd() < 0.7 else legacy
        elif kind < 0.92:  # individual businesses: 2016 conversions (L…) and new MA codes
            prefix, make = shop, indiv if rnd() < 0.6 else ma
        else:  # farmer cooperatives
            prefix, make = coop, ma
        risk = rnd()
        stratum = next(s for s, cut in STRATA_MIX if risk < cut)
        append(f"{make(prefix, sums[prefix])},{stratum},1")
    lines.sort()  # ASCII: str order is UTF-8 byte order, as draw-v1 requires
    return ("id,stratum,tickets\n" + "\n".join(lines) + "\n").encode("ascii")


# --- memory ----------------------------------------------------------------------------------


def _proc_status_kb(pid: int | str, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def loadavg() -> float:
    return os.getloadavg()[0]


def vmhwm_mb() -> float:
    """Peak resident set size of this process (exact, kept by the kernel)."""
    return _proc_status_kb("self", "VmHWM:") / 1024


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) for every process we can see."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        # The command name in parentheses may hold spaces; the parent pid follows it.
        table[int(entry)] = (int(stat[stat.rindex(")") + 2 :].split()[1]), cmd)
    return table


def _tree(root: int, table: dict[int, tuple[int, str]]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def postgres_pids(database: str) -> Callable[[dict[int, tuple[int, str]]], list[int]]:
    """Backends connected to `database`, and the parallel workers serving them."""
    marker = f" {database} "

    def find(table: dict[int, tuple[int, str]]) -> list[int]:
        backends = [
            pid for pid, (_, cmd) in table.items() if cmd.startswith("postgres:") and marker in cmd
        ]
        workers = [
            pid
            for pid, (_, cmd) in table.items()
            for b in backends
            if f"parallel worker for PID {b}" in cmd
        ]
        return backends + workers

    return find


class PeakSampler(threading.Thread):
    """Samples the summed PSS of a process tree (plus extra pids) until stopped.

    PSS rather than RSS: with workers=2 the forked pool shares the population bytes
    copy-on-write, and RSS would count those pages once per process.
    """

    def __init__(
        self,
        root: int,
        extra: Callable[[dict[int, tuple[int, str]]], list[int]] | None = None,
        interval: float = 0.2,
    ) -> None:
        super().__init__(daemon=True)
        self.root, self.extra, self.interval = root, extra, interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            table = _process_table()
            pids = set(_tree(self.root, table))
            if self.extra is not None:
                pids.update(self.extra(table))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))
            self._stop_event.wait(self.interval)

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return self.peak_kb / 1024


# --- the contenders (each runs in a child process) --------------------------------------------


def _selection_digest(rows: Sequence[tuple[str, str, str]]) -> str:
    """One hash of the selection in dispatch order, to compare contenders cheaply."""
    text = "".join(f"{i},{s},{k}\n" for i, s, k in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _grouped_ids(data: bytes) -> dict[str, list[str]]:
    """Ids per stratum (as str) from a valid population file; loose parsing, never timed.

    Block by block, so that loading does not hold three 10M-item columns at once and
    inflate the peak memory of the baseline being measured.
    """
    from shuangsuiji.lottery.population import HEADER, block_columns, iter_blocks

    groups: dict[str, list[str]] = {}
    for block in iter_blocks(data, len(HEADER), len(data)):
        ids, strata, _ = block_columns(block)
        for idb, sb in zip(ids, strata, strict=True):
            groups.setdefault(sb.decode("ascii"), []).append(idb.decode("ascii"))
    return groups


def _cpu() -> float:
    """CPU seconds of this process (ns resolution) plus of its reaped children (pool workers).

    CPU time barely depends on other load on a shared machine, unlike wall time.
    """
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def child_ours(path: Path, workers: int, repeats: int, pure: bool = False) -> dict[str, Any]:
    if pure:
        os.environ["SHUANGSUIJI_PURE_PYTHON"] = "1"
    from shuangsuiji.lottery import draw, parse_population
    from shuangsuiji.lottery import population as population_module

    if not pure:
        if population_module.fast_module() is None:
            raise SystemExit("the C accelerator is not built: pip install -e . (or --skip)")
        population_module.FAST_THREADS = workers  # the C path uses threads, not processes

    data = path.read_bytes()  # the draw starts from the frozen file's bytes
    totals, parses, selects, cpus = [], [], [], []
    digest = seed = ""
    drawn = 0
    for _ in range(repeats):
        c0 = _cpu()
        t0 = time.perf_counter()
        population = parse_population(data, source=str(path), workers=workers)
        t1 = time.perf_counter()
        result = draw(
            population,
            task_id=TASK_ID,
            quotas=QUOTAS,
            secret=SECRET,
            entropy=ENTROPY,
            workers=workers,
        )
        t2 = time.perf_counter()
        cpus.append(_cpu() - c0)
        totals.append(t2 - t0)
        parses.append(t1 - t0)
        selects.append(t2 - t1)
        digest = _selection_digest([(s.id, s.stratum, s.key) for s in result.selected])
        seed, drawn = result.seed, len(result.selected)
        del population, result
    return {
        "seconds": statistics.median(totals),
        "cpu_seconds": statistics.median(cpus),
        "all_seconds": totals,
        "parse_seconds": statistics.median(parses),
        "select_seconds": statistics.median(selects),
        "selection": digest,
        "seed": seed,
        "drawn": drawn,
    }


def child_consistent_sampler(path: Path, seed: str, drawn: dict[str, int]) -> dict[str, Any]:
    from consistent_sampler import sampler

    # Ids as str, as consistent_sampler hashes str(id); loading them is not timed, which
    # favours consistent_sampler (ours is timed from the file's bytes).
    groups = _grouped_ids(path.read_bytes())
    c0 = _cpu()
    t0 = time.perf_counter()
    picked = {s: list(sampler(groups[s], seed, take=n, output="id")) for s, n in drawn.items()}
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu() - c0,
        "drawn": sum(len(p) for p in picked.values()),
    }


def child_numpy(path: Path, seed: str, drawn: dict[str, int], repeats: int) -> dict[str, Any]:
    import numpy as np

    from shuangsuiji.lottery.population import HEADER

    # The bench's files have fixed-width rows ("<18-char id>,<stratum>,1\n"), so the ids
    # can be viewed as one array without a Python object per row (loading is not timed).
    data = path.read_bytes()
    width = ID_CHARS + 5
    rows = np.frombuffer(data, dtype=np.uint8, offset=len(HEADER)).reshape(-1, width)
    if not ((rows[:, ID_CHARS] == ord(",")).all() and (rows[:, -1] == ord("\n")).all()):
        raise SystemExit("numpy contender needs fixed-width rows")
    ids = np.ascontiguousarray(rows[:, :ID_CHARS]).view(f"S{ID_CHARS}").ravel()
    column = rows[:, ID_CHARS + 1]
    groups = {s: ids[column == ord(s)] for s in drawn}
    del data, rows, ids, column
    times, cpus = [], []
    count = 0
    for _ in range(repeats):
        rng = np.random.default_rng(int(seed, 16))
        c0 = _cpu()
        t0 = time.perf_counter()
        picked = [
            groups[s][rng.choice(len(groups[s]), size=n, replace=False)] for s, n in drawn.items()
        ]
        times.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
        count = sum(len(p) for p in picked)
    return {
        "seconds": statistics.median(times),
        "cpu_seconds": statistics.median(cpus),
        "all_seconds": times,
        "drawn": count,
    }


def _backend_cpu(pid: int) -> float:
    """CPU seconds used so far by a PostgreSQL backend (the query runs there, not here)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def child_postgres(
    path: Path, seed: str, url: str, database: str, timeout: float
) -> dict[str, Any]:
    import psycopg

    from shuangsuiji.lottery import quota_set
    from shuangsuiji.lottery.sql import draw_sql

    with psycopg.connect(f"{url}/{database}", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS population")
        conn.execute(
            "CREATE TABLE population (id text NOT NULL, stratum text NOT NULL,"
            " tickets integer NOT NULL)"
        )
        t_load = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY population FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as fh,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        # A frozen table is vacuumed once; otherwise the first query also sets hint bits.
        conn.execute("VACUUM (ANALYZE) population")
        load_seconds = time.perf_counter() - t_load
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("work_mem", "max_parallel_workers_per_gather", "shared_buffers")
        }
        conn.execute(f"SET statement_timeout = {int(timeout * 1000)}")
        sql, params = draw_sql("population", seed=seed, quotas=quota_set(QUOTAS))
        backend = conn.info.backend_pid
        c0 = _backend_cpu(backend)
        t0 = time.perf_counter()
        try:
            rows = conn.execute(sql, params).fetchall()
        except psycopg.errors.QueryCanceled:
            conn.execute("DROP TABLE population")
            return {"timed_out": True, "load_seconds": load_seconds, "settings": settings}
        seconds = time.perf_counter() - t0
        cpu_seconds = _backend_cpu(backend) - c0
        conn.execute("DROP TABLE population")
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "load_seconds": load_seconds,
        "settings": settings,
        "selection": _selection_digest(rows),
        "drawn": len(rows),
    }


def child_main(argv: list[str]) -> None:
    """Entry point of a contender subprocess: prints one JSON line on stdout."""
    p = argparse.ArgumentParser()
    p.add_argument("contender")
    p.add_argument("--path", type=Path, required=True)
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--seed", default="")
    p.add_argument("--drawn", default="{}")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--pop-seed", type=int, default=1)
    p.add_argument("--database", default="")
    p.add_argument("--url", default=PG_URL)
    p.add_argument("--timeout", type=float, default=300)
    a = p.parse_args(argv)
    drawn: dict[str, int] = json.loads(a.drawn)
    out: dict[str, Any]
    if a.contender == "generate":
        data = build_population(a.size, a.pop_seed)
        tmp = a.path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(a.path)  # never leave a half-written file under the cached name
        out = {"bytes": len(data), "seconds": 0.0}
    elif a.contender in ("ours_w1", "ours_w2"):
        out = child_ours(a.path, 1 if a.contender == "ours_w1" else 2, a.repeats)
    elif a.contender == "ours_py":
        out = child_ours(a.path, 1, a.repeats, pure=True)
    elif a.contender == "consistent_sampler":
        out = child_consistent_sampler(a.path, a.seed, drawn)
    elif a.contender == "numpy":
        out = child_numpy(a.path, a.seed, drawn, a.repeats)
    elif a.contender == "postgres":
        out = child_postgres(a.path, a.seed, a.url, a.database, a.timeout)
    else:
        raise SystemExit(f"unknown contender {a.contender!r}")
    out["vmhwm_mb"] = vmhwm_mb()
    print(json.dumps(out))


# --- the parent: run children, collect, report -----------------------------------------------


@dataclass
class Measure:
    seconds: float | None = None  # wall clock, the goals' measure
    cpu_seconds: float | None = None  # robust to other load on a shared machine
    peak_mb: float | None = None
    timed_out: bool = False
    extrapolated_from: int | None = None  # size whose result was scaled linearly
    detail: dict[str, Any] = field(default_factory=dict)


def run_child(
    args: list[str],
    timeout: float,
    extra: Callable[[dict[int, tuple[int, str]]], list[int]] | None = None,
) -> Measure:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    # A new session, so that on timeout the whole group (pool workers too) can be killed.
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    sampler = PeakSampler(proc.pid, extra)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        sampler.stop()
        return Measure(timed_out=True)
    sampled = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed ({proc.returncode}):\n{err}")
    detail = json.loads(out.strip().splitlines()[-1])
    if detail.get("timed_out"):  # the contender enforced the limit itself (SQL timeout)
        return Measure(timed_out=True, detail=detail)
    return Measure(
        seconds=detail["seconds"],
        cpu_seconds=detail.get("cpu_seconds"),
        peak_mb=max(detail["vmhwm_mb"], sampled),
        detail=detail,
    )


def sha256_rate(message_bytes: int, tries: int = 3) -> float:
    """SHA-256 hashes per second on one core for messages of `message_bytes`, via openssl.

    Best of a few runs: the machine is shared, and a limit should not be lowered by noise.
    """
    best = 0.0
    for _ in range(tries):
        text = subprocess.run(
            ["openssl", "speed", "-seconds", "1", "-bytes", str(message_bytes), "sha256"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        m = re.search(r"^sha256\s+([\d.]+)k\s*$", text, re.MULTILINE)
        if m is None:
            raise RuntimeError(f"cannot parse openssl speed output:\n{text}")
        best = max(best, float(m.group(1)) * 1000 / message_bytes)  # "k" = 1000 bytes/s
    return best


def ensure_population(size: int, seed: int) -> Path:
    path = population_path(size, seed)
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        m = run_child(
            ["generate", "--path", str(path), "--size", str(size), "--pop-seed", str(seed)],
            timeout=3600,
        )
        print(
            f"  generated {path.name}: {m.detail['bytes'] / 1e6:.0f} MB"
            f" in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return path


def population_facts(path: Path) -> tuple[str, dict[str, int], int]:
    """Seed, drawn size per stratum and row count, from a strict parse of the file."""
    from shuangsuiji.lottery import compute_seed, quota_set, read_population

    population = read_population(path)
    qs = quota_set(QUOTAS)
    drawn = qs.resolve(population.strata, population.stratum_lines)
    seed = compute_seed(
        task_id=TASK_ID,
        population_digest=population.digest,
        quota_line=qs.line,
        secret=SECRET,
        entropy=ENTROPY,
    )
    return seed, dict(drawn), population.size


class Postgres:
    """A fresh database for this run, dropped at the end whatever happens."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = f"shuangsuiji_bench_{os.getpid()}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(statement)

    def __enter__(self) -> Postgres:
        self._admin(f"CREATE DATABASE \"{self.name}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self

    def __exit__(self, *exc: object) -> None:
        # FORCE ends a backend still running a query whose client was killed at timeout.
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def measure_size(
    size: int,
    args: argparse.Namespace,
    pg: Postgres | None,
    skip: set[str],
) -> tuple[dict[str, Measure], dict[str, Any]]:
    path = ensure_population(size, args.population_seed)
    seed, drawn, rows = population_facts(path)
    assert rows == size, (rows, size)
    common = ["--path", str(path), "--seed", seed, "--drawn", json.dumps(drawn)]
    repeats = ["--repeats", str(args.repeats)]
    results: dict[str, Measure] = {}
    for contender in CONTENDERS:
        if contender in skip:
            continue
        extra = None
        child = [contender, *common]
        if contender in ("ours_w1", "ours_w2", "ours_py", "numpy"):
            child += repeats
        if contender == "postgres":
            assert pg is not None
            child += ["--database", pg.name, "--url", pg.url, "--timeout", str(args.timeout)]
            extra = postgres_pids(pg.name)
        # Room for the untimed loading on top of the timed part.
        budget = args.timeout * (args.repeats if contender.startswith("ours") else 1) + 600
        if contender == "consistent_sampler":
            budget = args.timeout + 30 + size / 2e5  # its limit, plus loading the ids
        load_before = loadavg()
        m = run_child(child, budget, extra)
        # The machine is shared: keep the 1-minute load average to judge each number by.
        m.detail["loadavg"] = max(load_before, loadavg())
        results[contender] = m
        shown = "timeout" if m.timed_out else f"{m.seconds:.3f} s, {m.peak_mb:.0f} MB"
        print(
            f"  {size:>10,}  {LABELS[contender]:<20} {shown}  (load {m.detail['loadavg']:.1f})",
            flush=True,
        )
    facts = {"seed": seed, "drawn": drawn, "drawn_total": sum(drawn.values())}
    return results, facts


def extrapolate(all_results: dict[int, dict[str, Measure]]) -> None:
    """Fill timed-out contenders linearly from the largest size that finished.

    Both consistent_sampler and the SQL query do per-row work plus an n·log n sort or heap;
    linear scaling therefore slightly *understates* their time, which favours them.
    """
    for contender in CONTENDERS:
        done = [
            (n, r[contender])
            for n, r in sorted(all_results.items())
            if contender in r and not r[contender].timed_out
        ]
        for n, r in all_results.items():
            m = r.get(contender)
            if m is None or not m.timed_out or not done:
                continue
            base_n, base = max((d for d in done if d[0] < n), default=done[-1])
            assert base.seconds is not None and base.peak_mb is not None
            m.seconds = base.seconds * n / base_n
            m.cpu_seconds = None if base.cpu_seconds is None else base.cpu_seconds * n / base_n
            m.peak_mb = base.peak_mb * n / base_n
            m.extrapolated_from = base_n


def _fmt_s(value: float | None, extrapolated: bool = False) -> str:
    if value is None:
        return "–"
    mark = "~" if extrapolated else ""
    if value < 0.01:  # numpy's draw takes microseconds: keep significant digits
        return f"{mark}{value:.2g}"
    return f"{mark}{value:.3f}" if value < 10 else f"{mark}{value:.1f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def _fmt_ratio(r: float | None) -> str:
    if r is None:
        return "–"
    return f"{r:.2f}×" if r < 10 else f"{r:,.0f}×"


def _pair(wall: float | None, cpu: float | None) -> str:
    return f"{_fmt_ratio(wall)} ({_fmt_ratio(cpu)})"


def report(
    sizes: list[int],
    results: dict[int, dict[str, Measure]],
    facts: dict[int, dict[str, Any]],
    rate: float,
    cores: int,
) -> list[str]:
    def limit(n: int) -> float:
        return n / (rate * cores)

    def get(n: int, c: str) -> Measure:
        return results[n].get(c) or Measure()

    def wall(n: int, c: str) -> float | None:
        return get(n, c).seconds

    def cpu(n: int, c: str) -> float | None:
        return get(n, c).cpu_seconds

    def row(label: str, values: list[str]) -> tuple[str, list[str]]:
        return label, values

    def per_contender(unit: str, cell: Callable[[Measure], str]) -> list[tuple[str, list[str]]]:
        return [
            row(f"{LABELS[c]:<24}{unit}", [cell(get(n, c)) for n in sizes])
            for c in CONTENDERS
            if any(c in results[n] for n in sizes)
        ]

    def detail_s(n: int, c: str, key: str) -> str:
        value = get(n, c).detail.get(key)
        return _fmt_s(value if isinstance(value, float) else None)

    wall_rows = per_contender("s", lambda m: _fmt_s(m.seconds, bool(m.extrapolated_from)))
    if any("ours_w1" in results[n] for n in sizes):  # ours w=1 is the first contender
        wall_rows[1:1] = [
            row(
                "  of which parse + digest  s",
                [detail_s(n, "ours_w1", "parse_seconds") for n in sizes],
            ),
            row(
                "  of which keys + select   s",
                [detail_s(n, "ours_w1", "select_seconds") for n in sizes],
            ),
        ]
    rows: list[tuple[str, list[str]]] = [
        row("rows drawn (1% per stratum)", [f"{facts[n]['drawn_total']:,}" for n in sizes]),
        row(f"SHA-256 limit, {cores} cores     s", [_fmt_s(limit(n)) for n in sizes]),
        row("wall seconds (median)", []),
        *wall_rows,
        row("CPU seconds, all processes", []),
        *per_contender("s", lambda m: _fmt_s(m.cpu_seconds, bool(m.extrapolated_from))),
        row("peak memory", []),
        *per_contender(
            "MB",
            lambda m: (
                "–"
                if m.peak_mb is None
                else f"{'~' if m.extrapolated_from else ''}{m.peak_mb:,.0f}"
            ),
        ),
        row("ratios: wall (CPU)", []),
        row(
            f"ours w=2 / limit, {cores} cores",
            [
                _pair(
                    _ratio(wall(n, "ours_w2"), limit(n)),
                    _ratio(cpu(n, "ours_w2"), limit(n) * cores),
                )
                for n in sizes
            ],
        ),
        row(
            "ours w=1 / limit, 1 core",
            [
                _pair(
                    _ratio(wall(n, "ours_w1"), limit(n) * cores),
                    _ratio(cpu(n, "ours_w1"), limit(n) * cores),
                )
                for n in sizes
            ],
        ),
    ]
    for label, a, b in (
        ("consistent_sampler / ours w=1", "consistent_sampler", "ours_w1"),
        ("consistent_sampler / ours w=2", "consistent_sampler", "ours_w2"),
        ("consistent_sampler / ours pure", "consistent_sampler", "ours_py"),
        ("ours pure / ours C w=1", "ours_py", "ours_w1"),
        ("ours w=1 / numpy", "ours_w1", "numpy"),
        ("PostgreSQL / ours w=1", "postgres", "ours_w1"),
    ):
        rows.append(
            row(
                label,
                [
                    _pair(_ratio(wall(n, a), wall(n, b)), _ratio(cpu(n, a), cpu(n, b)))
                    for n in sizes
                ],
            )
        )
    width = max(len(label) for label, _ in rows) + 1
    header = f"{'population':<{width}}" + "".join(f"{n:>17,}" for n in sizes)
    lines = [header, "-" * len(header)]
    for label, values in rows:
        if not values:  # a section heading
            lines.append(f"{label}:")
            continue
        lines.append(f"{label:<{width}}" + "".join(f"{v:>17}" for v in values))
    notes = [
        f"CPU of ours w=2 / limit is CPU ÷ {cores} cores, i.e. the wall time of a perfect split"
        " on an idle machine; CPU of PostgreSQL is its backend's."
    ]
    for c in CONTENDERS:
        for n in sizes:
            m = results[n].get(c)
            if m is not None and m.extrapolated_from:
                notes.append(
                    f"~ {LABELS[c]} at {n:,}: did not finish in the time limit; extrapolated"
                    f" linearly from {m.extrapolated_from:,}"
                )
    return lines + notes


def verdicts(
    sizes: list[int], results: dict[int, dict[str, Measure]], rate: float, cores: int
) -> list[str]:
    n = max(sizes)
    r = results[n]
    at = f"at {n:,} rows" + ("" if n == 10_000_000 else " (10 million not run)")
    out = []

    def met(ok: bool) -> str:
        return "MET" if ok else "NOT MET"

    w1, w2 = r.get("ours_w1"), r.get("ours_w2")
    if w2 is not None and w2.seconds is not None:
        lim = n / (rate * cores)
        ratio = w2.seconds / lim
        idle = (
            ""
            if w2.cpu_seconds is None
            else f"; CPU ÷ {cores} = {w2.cpu_seconds / cores / lim:.1f}×"
        )
        out.append(
            f"goal ≤ 3× SHA-256 limit with {cores} cores: {met(ratio <= 3)} {at}:"
            f" {w2.seconds:.2f} s = {ratio:.1f}× the limit of {lim:.2f} s{idle}"
        )
    peaks = [(lbl, m.peak_mb) for lbl, m in (("w=1", w1), ("w=2", w2)) if m and m.peak_mb]
    if peaks:
        worst = max(p for _, p in peaks)
        shown = ", ".join(f"{lbl} {p:,.0f} MB" for lbl, p in peaks)
        out.append(f"goal peak memory < 1 GB: {met(worst < 1024)} {at}: {shown}")
    cs = r.get("consistent_sampler")
    if cs is not None and cs.seconds is not None and w1 is not None and w1.seconds:
        ratio = cs.seconds / w1.seconds
        how = (
            f" (consistent_sampler extrapolated from {cs.extrapolated_from:,})"
            if cs.extrapolated_from
            else ""
        )
        by_cpu = _ratio(cs.cpu_seconds, w1.cpu_seconds)
        out.append(
            f"goal ≥ 20× faster than consistent_sampler: {met(ratio >= 20)} {at}:"
            f" {ratio:.1f}× on one core (C, 1 thread){how}"
            + (f", {cs.seconds / w2.seconds:.1f}× with 2 threads" if w2 and w2.seconds else "")
            + ("" if by_cpu is None else f"; by CPU time {by_cpu:.1f}×")
        )
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child_main(argv[1:])
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--sizes", help="comma-separated population sizes (default 30000,1000000,10000000)"
    )
    p.add_argument("--quick", action="store_true", help="sizes 30000,1000000 and one repeat")
    p.add_argument("--repeats", type=int, default=3, help="runs of ours and numpy (median)")
    p.add_argument("--timeout", type=float, default=300, help="seconds per contender and size")
    p.add_argument(
        "--skip", default="", help=f"comma-separated contenders to skip: {', '.join(CONTENDERS)}"
    )
    p.add_argument("--population-seed", type=int, default=1)
    p.add_argument("--pg", default=PG_URL, help="PostgreSQL server URL (a database is created)")
    p.add_argument("--json", type=Path, default=OUT / "lottery_draw.json")
    a = p.parse_args(argv)
    if a.quick:
        a.repeats = 1
    sizes = [
        int(x)
        for x in (
            a.sizes or ("30000,1000000" if a.quick else ",".join(map(str, DEFAULT_SIZES)))
        ).split(",")
    ]
    skip = {x for x in a.skip.split(",") if x}
    unknown = skip - set(CONTENDERS)
    if unknown:
        p.error(f"unknown contender(s) in --skip: {', '.join(sorted(unknown))}")

    cores = os.cpu_count() or 1
    message = 64 + 1 + ID_CHARS + 1 + 1  # seed hex ":" id ":" "1"
    rate = sha256_rate(message)
    started = time.perf_counter()
    print(
        f"SHA-256 ({message}-byte messages, openssl speed): {rate / 1e6:.2f} M hashes/s per core,"
        f" {cores} cores",
        flush=True,
    )
    results: dict[int, dict[str, Measure]] = {}
    facts: dict[int, dict[str, Any]] = {}
    pg = Postgres(a.pg) if "postgres" not in skip else None
    try:
        if pg is not None:
            pg.__enter__()
        for n in sizes:
            results[n], facts[n] = measure_size(n, a, pg, skip)
    finally:
        if pg is not None:
            pg.__exit__()
    extrapolate(results)

    # Same seed ⇒ ours (1 and 2 workers) and PostgreSQL must return the same selection.
    problems = []
    for n in sizes:
        seen = {
            c: m.detail["selection"]
            for c, m in results[n].items()
            if not m.timed_out and "selection" in m.detail
        }
        if len(set(seen.values())) > 1:
            problems.append(f"{n:,}: selections differ: {seen}")
        for c, m in results[n].items():
            if not m.timed_out and m.detail.get("drawn") != facts[n]["drawn_total"]:
                problems.append(
                    f"{n:,}: {c} drew {m.detail.get('drawn')}, expected {facts[n]['drawn_total']}"
                )
            if "seed" in m.detail and m.detail["seed"] != facts[n]["seed"]:
                problems.append(f"{n:,}: {c} used seed {m.detail['seed']}")

    lines = report(sizes, results, facts, rate, cores)
    goal_lines = verdicts(sizes, results, rate, cores)
    print()
    print("\n".join(lines))
    print()
    print("\n".join(goal_lines))
    checks = (
        "same selection from ours (C 1 and 2 threads, pure Python) and PostgreSQL"
        if not problems
        else "; ".join(problems)
    )
    print(f"check: {checks}")
    loads = [m.detail["loadavg"] for r in results.values() for m in r.values()]
    print(
        f"1-minute load average around the runs: {min(loads):.1f}–{max(loads):.1f}"
        f" on {cores} cores (the bench itself adds 1, or 2 with workers=2)"
    )
    print(f"bench time: {time.perf_counter() - started:.0f} s")

    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "cores": cores,
                "sha256_per_core": rate,
                "message_bytes": message,
                "sizes": sizes,
                "facts": {str(n): facts[n] for n in sizes},
                "results": {str(n): {c: m.__dict__ for c, m in results[n].items()} for n in sizes},
                "table": lines,
                "verdicts": goal_lines,
                "problems": problems,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
