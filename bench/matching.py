"""Benchmark: inspector matching (shuangsuiji-match-v1) on a county-sized task.

    .venv/bin/python bench/matching.py             # three scenarios, 5 repeats (≈ 1–2 min)
    .venv/bin/python bench/matching.py --quick     # the goal scenario only, 2 repeats

The goal scenario is the issue's: 5,000 drawn targets × 500 inspectors, k = 2, 2% of all
target–inspector pairs in conflict, a required expertise tag held by about 60% of the
inspectors, 5% of certificates expiring inside the inspection period, and a cap per
inspector (varied 1:3, about 25% spare capacity overall). Two harder variants show where the
time goes when the task is less comfortable:

* joint: a joint task (SJ + WJ, k = 3) with rotation on (two prior inspections per target);
* tight: caps adding up to exactly targets × k, and the last 50 targets in dispatch order
  servable by only 10 inspectors, so the plain greedy gets stuck near the end and the
  flow-backed rule (the "extendable" lookahead of docs/matching.md §4) takes over.

The 5,000 targets are a real draw-v1 draw (counts per stratum) from a 500,000-row
population; each scenario writes its draw record and inputs file under bench/out/ and runs
in its own subprocess, which reads them as `shuangsuiji match` would, matches --repeats
times (median reported), then verifies the record once with `check_matching` (which
recomputes the whole matching). Peak memory is the child's VmHWM, JSON loading included.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "src", ROOT):  # src for shuangsuiji, ROOT for bench.lottery_draw
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

OUT = ROOT / "bench" / "out"
TASK_ID = "基准抽查〔2026〕2号"
SECRET = hashlib.sha256(b"shuangsuiji matching bench secret").hexdigest()
N_TARGETS = 5_000
N_INSPECTORS = 500
POPULATION_ROWS = 500_000
# Counts (not rates) so that exactly 5,000 targets are drawn, in the 45/35/15/5 mix.
DRAW_QUOTAS = {"A": "2250", "B": "1750", "C": "750", "D": "250"}
PERIOD = {"start": "2026-04-01", "end": "2026-05-29"}
REQUIRED = "食品安全"
OTHER_TAGS = ["特种设备", "药品", "医疗器械", "广告监管", "价格监管", "计量", "网络交易"]
DEPARTMENTS = (("SJ", 0.60), ("WJ", 0.85), ("HB", 1.0))  # cumulative: 60/25/15
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华"
REASONS = {"declared": ["近亲属", "曾任职", "持股"], "detected": ["同一住址", "亲属关系", "曾代理"]}
GOAL_SECONDS = 10.0


# --- building the published inputs -----------------------------------------------------------


def draw_record() -> dict[str, Any]:
    """A real draw-v1 record of 5,000 targets (the matching reads its seed and order)."""
    from bench.lottery_draw import build_population
    from shuangsuiji.lottery import draw, parse_population, record_dict

    population = parse_population(build_population(POPULATION_ROWS, seed=2))
    result = draw(population, task_id=TASK_ID, quotas=DRAW_QUOTAS, secret=SECRET, entropy=())
    return record_dict(result)


def _inspector(n: int, rnd: random.Random) -> dict[str, Any]:
    u = rnd.random()
    dept = next(d for d, cut in DEPARTMENTS if u < cut)
    tags = {t for t in OTHER_TAGS if rnd.random() < 0.2}
    if rnd.random() < 0.6:  # "expertise limits": ~60% may take food-safety tasks
        tags.add(REQUIRED)
    expired = rnd.random() < 0.05  # certificate ends inside the period: not qualified
    return {
        "id": f"{dept}-{n:04d}",
        "name": rnd.choice(SURNAMES) + "".join(rnd.choices(GIVEN, k=rnd.choice((1, 2)))),
        "department": dept,
        "certificate_no": f"豫411523{2015 + n % 10}{n:05d}",
        "certificate_valid_from": f"20{18 + n % 7}-0{1 + n % 9}-01",
        "certificate_valid_to": "2026-04-30" if expired else f"20{27 + n % 3}-12-31",
        "expertise": sorted(tags),
        "cap": 1,  # set by scale_caps once the demand is known
    }


def _qualified(inspector: dict[str, Any]) -> bool:
    return (
        REQUIRED in inspector["expertise"]
        and inspector["certificate_valid_from"] <= PERIOD["start"]
        and inspector["certificate_valid_to"] >= PERIOD["end"]
    )


def scale_caps(
    inspectors: list[dict[str, Any]], demand: int, slack: float, rnd: random.Random
) -> None:
    """Caps varied 1:3 between inspectors, scaled so qualified caps sum to demand × slack.

    With slack = 1 the sum is exactly the demand (remainders handed out one by one), the
    tightest feasible setting.
    """
    qualified = [i for i in inspectors if _qualified(i)]
    weights = [rnd.uniform(1, 3) for _ in qualified]
    total = demand * slack
    caps = [max(1, int(total * w / sum(weights))) for w in weights]
    for j in range(round(total) - sum(caps)):
        caps[j % len(caps)] += 1
    for inspector, cap in zip(qualified, caps, strict=True):
        inspector["cap"] = cap
    for inspector in inspectors:
        if not _qualified(inspector):
            inspector["cap"] = 1 + rnd.randrange(40)  # never used, but must be valid


def build_inputs(scenario: str, targets: list[str]) -> dict[str, Any]:
    rnd = random.Random(f"bench-matching:{scenario}")
    inspectors = [_inspector(n, rnd) for n in range(N_INSPECTORS)]
    joint = ["SJ", "WJ"] if scenario == "joint" else []
    k = 3 if scenario == "joint" else 2
    scale_caps(inspectors, len(targets) * k, 1.0 if scenario == "tight" else 1.25, rnd)
    if joint:
        # Each joint department must cover one slot per target on its own.
        for dept in joint:
            members = [i for i in inspectors if i["department"] == dept and _qualified(i)]
            short = len(targets) - sum(i["cap"] for i in members)
            for j in range(max(0, short)):
                members[j % len(members)]["cap"] += 1
    # 2% of all target–inspector pairs conflict (利害关系), declared or detected.
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < len(targets) * len(inspectors) // 50:
        pairs.add((rnd.randrange(len(targets)), rnd.randrange(len(inspectors))))
    if scenario == "tight":
        # The last 50 targets in dispatch order may only be served by 10 inspectors (think
        # of a group of firms linked to everyone else): with every cap used up exactly, a
        # least-loaded greedy spends those 10 early and gets stuck at the end.
        allowed = set(rnd.sample([j for j, i in enumerate(inspectors) if _qualified(i)], 10))
        for t in range(len(targets) - 50, len(targets)):
            pairs.update((t, i) for i in range(len(inspectors)) if i not in allowed)
            pairs.difference_update((t, i) for i in allowed)
    conflicts = []
    for t, i in sorted(pairs):
        kind = "declared" if rnd.random() < 0.3 else "detected"
        conflicts.append(
            {
                "target_id": targets[t],
                "inspector_id": inspectors[i]["id"],
                "kind": kind,
                "reason": rnd.choice(REASONS[kind]),
            }
        )
    rotation = None
    if scenario == "joint":
        priors = {
            (targets[rnd.randrange(len(targets))], inspectors[rnd.randrange(len(inspectors))]["id"])
            for _ in range(2 * len(targets))
        }
        rotation = {
            "since": "2024-04-01",
            "prior_inspections": [
                {"target_id": t, "inspector_id": i, "date": f"202{3 + rnd.randrange(3)}-06-15"}
                for t, i in priors
            ],
        }
    from shuangsuiji.lottery.matching import SPEC_ID, canonicalize_inputs

    return canonicalize_inputs(
        {
            "spec": SPEC_ID,
            "task_id": TASK_ID,
            "period": dict(PERIOD),
            "inspectors_per_target": k,
            "joint_departments": joint,
            "required_expertise": [REQUIRED],
            "inspectors": inspectors,
            "conflicts": conflicts,
            "rotation": rotation,
        }
    )


SCENARIOS: dict[str, str] = {
    "county": "5,000 × 500, k=2, 2% conflicts, expertise, caps (+25%)",
    "joint": "same, joint SJ+WJ, k=3, rotation (10k prior)",
    "tight": "as county, caps sum = demand, last 50 targets: only 10 inspectors",
}


# --- the measured child ------------------------------------------------------------------------


def vmhwm_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child_main(draw_path: Path, inputs_path: Path, repeats: int) -> None:
    from shuangsuiji.lottery.matching import algorithm, check_matching, match_inspectors
    from shuangsuiji.lottery.matching import record_bytes as matching_bytes

    draw = json.loads(draw_path.read_text(encoding="utf-8"))
    inputs = json.loads(inputs_path.read_text(encoding="utf-8"))
    # Count uses of the flow-backed lookahead (an internal function; absent = unknown).
    exact_calls = 0
    exact: Callable[..., Any] | None = getattr(algorithm, "_exact", None)
    if exact is not None:
        wrapped: Callable[..., Any] = exact

        def counting(*args: Any) -> Any:
            nonlocal exact_calls
            exact_calls += 1
            return wrapped(*args)

        algorithm._exact = counting  # type: ignore[assignment]
    times, cpus = [], []
    record: dict[str, Any] = {}
    for _ in range(repeats):
        c0 = time.process_time()  # CPU time: barely moved by other load on a shared machine
        t0 = time.perf_counter()
        record = match_inspectors(draw, inputs)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    t0 = time.perf_counter()
    problems = check_matching(draw, record, inputs)
    verify_seconds = time.perf_counter() - t0
    loads = Counter(s["inspector_id"] for a in record["assignments"] for s in a["inspectors"])
    caps = {i["id"]: i["cap"] for i in inputs["inspectors"]}
    print(
        json.dumps(
            {
                "seconds": statistics.median(times),
                "cpu_seconds": statistics.median(cpus),
                "all_seconds": times,
                "loadavg": os.getloadavg()[0],
                "verify_seconds": verify_seconds,
                "verify_ok": problems == [],
                "verify_problems": problems[:3],
                "record_bytes": len(matching_bytes(record)),
                "targets": len(record["assignments"]),
                "used_inspectors": len(loads),
                "load_min": min(loads.values()),
                "load_max": max(loads.values()),
                "at_cap": sum(1 for i, n in loads.items() if n == caps[i]),
                "path": "unknown" if exact is None else ("exact" if exact_calls else "greedy"),
                "vmhwm_mb": vmhwm_mb(),
            }
        )
    )


# --- parent ------------------------------------------------------------------------------------


def describe(inputs: dict[str, Any]) -> dict[str, Any]:
    qualified = [i for i in inputs["inspectors"] if _qualified(i)]
    return {
        "inspectors": len(inputs["inspectors"]),
        "qualified": len(qualified),
        "with_tag": sum(1 for i in inputs["inspectors"] if REQUIRED in i["expertise"]),
        "conflicts": len(inputs["conflicts"]),
        "k": inputs["inspectors_per_target"],
        "capacity": sum(i["cap"] for i in qualified),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child_main(Path(argv[1]), Path(argv[2]), int(argv[3]))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated")
    p.add_argument("--repeats", type=int, default=5, help="matchings per scenario (median)")
    p.add_argument("--quick", action="store_true", help="county scenario only, 2 repeats")
    p.add_argument("--timeout", type=float, default=600, help="seconds per scenario")
    p.add_argument("--json", type=Path, default=OUT / "matching.json")
    a = p.parse_args(argv)
    scenarios = ["county"] if a.quick else a.scenarios.split(",")
    repeats = 2 if a.quick else a.repeats
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    record = draw_record()
    draw_path = OUT / "matching-draw.json"
    draw_path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    targets = [row["id"] for row in record["selected"]]
    print(f"draw: {len(targets):,} targets from {POPULATION_ROWS:,} rows", flush=True)

    results: dict[str, dict[str, Any]] = {}
    for name in scenarios:
        inputs = build_inputs(name, targets)
        inputs_path = OUT / f"matching-{name}-inputs.json"
        inputs_path.write_text(
            json.dumps(inputs, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )
        cmd = [sys.executable, __file__, "--child", str(draw_path), str(inputs_path), str(repeats)]
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=a.timeout, check=True
            )
        except subprocess.TimeoutExpired:
            results[name] = {"timed_out": True, **describe(inputs)}
            print(f"  {name}: timeout after {a.timeout:.0f} s", flush=True)
            continue
        except subprocess.CalledProcessError as exc:
            raise SystemExit(f"{name} failed:\n{exc.stderr}") from None
        results[name] = {**json.loads(done.stdout.strip().splitlines()[-1]), **describe(inputs)}
        r = results[name]
        print(f"  {name}: {r['seconds']:.2f} s, {r['vmhwm_mb']:.0f} MB", flush=True)

    lines = table(scenarios, results)
    print()
    print("\n".join(lines))
    county = results.get("county")
    verdict = ""
    if county is not None:
        if county.get("timed_out"):
            verdict = f"goal county matching < {GOAL_SECONDS:.0f} s: NOT MET (timeout)"
        else:
            ok = county["seconds"] < GOAL_SECONDS and county["verify_ok"]
            verdict = (
                f"goal 5,000 × 500 matching < {GOAL_SECONDS:.0f} s: {'MET' if ok else 'NOT MET'}:"
                f" {county['seconds']:.2f} s (median of {repeats};"
                f" CPU {county['cpu_seconds']:.2f} s, load average {county['loadavg']:.1f}),"
                f" verify {'OK' if county['verify_ok'] else 'FAILED'}"
                f" in {county['verify_seconds']:.2f} s"
            )
        print()
        print(verdict)
    print(f"bench time: {time.perf_counter() - started:.0f} s, machine: {os.cpu_count()} cores")
    a.json.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "cores": os.cpu_count(),
                "repeats": repeats,
                "results": results,
                "table": lines,
                "verdict": verdict,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    failed = any(not r.get("timed_out") and not r["verify_ok"] for r in results.values())
    return 1 if failed else 0


def table(scenarios: list[str], results: dict[str, dict[str, Any]]) -> list[str]:
    head = (
        f"{'scenario':<8} {'insp':>5} {'qual':>5} {'tag':>5} {'conflicts':>9} {'k':>2}"
        f" {'cap/demand':>10} {'match s':>8} {'CPU s':>6} {'verify s':>8} {'peak MB':>8}"
        f" {'path':>7}"
        f" {'load':>7} {'verify':>6}"
    )
    lines = [head, "-" * len(head)]
    for name in scenarios:
        r = results[name]
        demand = N_TARGETS * r["k"]
        fixed = (
            f"{name:<8} {r['inspectors']:>5} {r['qualified']:>5} {r['with_tag']:>5}"
            f" {r['conflicts']:>9,} {r['k']:>2} {r['capacity'] / demand:>10.2f}"
        )
        if r.get("timed_out"):
            lines.append(f"{fixed} {'timeout':>8}")
            continue
        lines.append(
            f"{fixed} {r['seconds']:>8.2f} {r['cpu_seconds']:>6.2f} {r['verify_seconds']:>8.2f}"
            f" {r['vmhwm_mb']:>8.0f}"
            f" {r['path']:>7} {r['load_min']:>3}–{r['load_max']:<3}"
            f" {'OK' if r['verify_ok'] else 'FAIL':>6}"
        )
    lines.append("")
    lines += [f"{name:<8} {SCENARIOS[name]}" for name in scenarios]
    lines.append(
        "insp = inspectors; qual = qualified (tag + certificate valid for the whole period);"
        " tag = holding the required tag; load = targets per used inspector, min–max;"
        " match s = wall, median; CPU s = CPU time of the same runs, median"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
