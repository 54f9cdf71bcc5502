"""Shared helpers for the matching tests (no tests here).

``reference_match`` is a second, deliberately naive implementation of shuangsuiji-match-v1
written from docs/matching.md alone: it works on the raw JSON dicts, hashes with hashlib
directly and decides "extendable" by building a fresh max-flow network for every candidate.
The production code must agree with it on every instance.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter, deque
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

VECTORS = Path(__file__).parent / "matching_vectors"

#: Credit codes of the example population (tests/lottery/matching_vectors/example-draw.json's file).
TARGET_POOL = [
    "91411523AGYGLUY35K", "91411523DGRQUKWF09", "91411523HH99E4WL3C", "91411523K239T3E02D",
    "91411523WKKHDRJH21", "91411523YNGWM3NK82", "92411523D2CWJHFU4X", "92411523D69T80142Q",
    "92411523F4FW7UW39Y", "92411523NFEGQTFRX7", "92411523RCPGL2PA1M", "92411523XG8UDJXF6Y",
    "93411523CM9HRLGN44", "93411523FMA6C8BX03", "93411523GR0J7Q4T46", "93411523MX1T9AEX48",
    "93411523NEMFNXYH3D", "93411523NJ90UNBBX7", "93411523QQFQQJE75U", "93411523YERGXFBX35",
]  # fmt: skip
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周敏", "吴强",
         "徐芳", "孙涛", "胡军", "朱琳", "高峰", "林娜", "何勇", "郭静", "马超",
         "罗欣"]  # fmt: skip
DEPARTMENTS = ["HB", "SJ", "WJ"]  # 生态环境局, 市场监管局, 卫健委
TAGS = ["特种设备", "食品安全"]
TASK_ID = "新市监抽查〔2026〕9号"
PERIOD = {"start": "2026-04-01", "end": "2026-05-29"}
SPEC = "shuangsuiji-match-v1"


def load_json(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def make_draw(targets: list[str], seed: str, task_id: str = TASK_ID) -> dict[str, Any]:
    """The parts of a draw-v1 record that matching reads."""
    return {
        "spec": "shuangsuiji-draw-v1",
        "task_id": task_id,
        "seed": seed,
        "selected": [{"id": t, "stratum": "A", "key": "0" * 64} for t in targets],
    }


def make_inspector(
    n: int,
    department: str,
    *,
    cap: int = 5,
    expertise: tuple[str, ...] = ("食品安全",),
    valid_from: str = "2022-01-01",
    valid_to: str = "2028-12-31",
) -> dict[str, Any]:
    return {
        "id": f"{department}-{n:03d}",
        "name": NAMES[n % len(NAMES)],
        "department": department,
        "certificate_no": f"豫4115232019{n:04d}{department}",
        "certificate_valid_from": valid_from,
        "certificate_valid_to": valid_to,
        "expertise": sorted(expertise),
        "cap": cap,
    }


def make_inputs(
    inspectors: list[dict[str, Any]],
    *,
    k: int = 2,
    joint: list[str] | None = None,
    required: list[str] | None = None,
    conflicts: list[dict[str, Any]] | None = None,
    rotation: dict[str, Any] | None = None,
    task_id: str = TASK_ID,
) -> dict[str, Any]:
    """A valid inputs object with every list in canonical order."""
    return {
        "spec": SPEC,
        "task_id": task_id,
        "period": dict(PERIOD),
        "inspectors_per_target": k,
        "joint_departments": sorted(joint or []),
        "required_expertise": sorted(required or []),
        "inspectors": sorted(inspectors, key=lambda i: i["id"]),
        "conflicts": sorted(
            conflicts or [],
            key=lambda c: (c["target_id"], c["inspector_id"], c["kind"], c["reason"]),
        ),
        "rotation": (
            None
            if rotation is None
            else {
                "since": rotation["since"],
                "prior_inspections": sorted(
                    rotation["prior_inspections"],
                    key=lambda p: (p["target_id"], p["inspector_id"], p["date"]),
                ),
            }
        ),
    }


def conflict(target: str, inspector: str, kind: str = "declared", reason: str = "近亲属") -> dict:
    return {"target_id": target, "inspector_id": inspector, "kind": kind, "reason": reason}


def seed_hex(n: int | str) -> str:
    return hashlib.sha256(f"test-seed-{n}".encode()).hexdigest()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------
# Random small instances
# ---------------------------------------------------------------------------------------


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_targets: int = 5,
    max_inspectors: int = 8,
    max_cap: int = 4,
    roomy: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(draw record, inputs, entropy): small instances of every feature, weighted so that
    about half are feasible and many are tight (caps, scarce departments, conflicts).
    ``roomy`` instances have more inspectors and caps above the even share (mostly feasible)."""
    n = draw(st.integers(1, max_targets))
    k = draw(st.integers(2, 3))
    m = draw(st.integers(2 * k if roomy else k, max(2 * k, max_inspectors)))
    # Caps around the even share n·k/m keep many instances near the feasibility boundary.
    share = -(-n * k // m)
    low_cap = min(max_cap, share + 1) if roomy else 1
    top_cap = min(max_cap, share + 1) if not roomy else share + 4
    targets = draw(st.permutations(TARGET_POOL))[:n]
    inspectors = []
    for j in range(m):
        dept = draw(st.sampled_from(["SJ"] * 4 + ["WJ"] * 4 + ["HB"] * 2))
        tags = {"食品安全"} if draw(st.integers(0, 99)) < 85 else set()
        if draw(st.integers(0, 99)) < 30:
            tags.add("特种设备")
        inspectors.append(
            make_inspector(
                j,
                dept,
                cap=draw(st.integers(low_cap, top_cap)),
                expertise=tuple(tags),
                valid_from=draw(st.sampled_from(["2020-01-01"] * 9 + ["2026-04-02"])),
                valid_to=draw(st.sampled_from(["2030-12-31"] * 9 + ["2026-05-28", "2026-05-29"])),
            )
        )
    joint = draw(st.sampled_from([[]] * 6 + [["SJ"]] + [["SJ", "WJ"]] * 3 + [DEPARTMENTS]))
    joint = joint[:k]
    required = draw(st.sampled_from([[]] * 5 + [["食品安全"]] * 4 + [["特种设备"]]))
    ids = [i["id"] for i in inspectors]
    pairs = draw(
        st.sets(
            st.tuples(st.sampled_from(targets), st.sampled_from(ids)),
            max_size=n * m // (12 if roomy else 6),
        )
    )
    conflicts = [
        conflict(t, i, draw(st.sampled_from(["declared", "detected"])), "近亲属")
        for t, i in sorted(pairs)
    ]
    rotation = None
    if draw(st.booleans()):
        priors = draw(
            st.sets(
                st.tuples(
                    st.sampled_from(targets),
                    st.sampled_from(ids),
                    st.sampled_from(["2023-06-01", "2025-03-01"]),
                ),
                max_size=3,
            )
        )
        rotation = {
            "since": "2024-04-01",
            "prior_inspections": [
                {"target_id": t, "inspector_id": i, "date": d} for t, i, d in sorted(priors)
            ],
        }
    inputs = make_inputs(
        inspectors, k=k, joint=joint, required=required, conflicts=conflicts, rotation=rotation
    )
    seed = draw(st.binary(min_size=32, max_size=32)).hex()
    entropy = draw(st.sampled_from([[], ["dice:4 2 6"]]))
    return make_draw(targets, seed), inputs, entropy


@st.composite
def tight_instances(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Instances where later targets depend on a few inspectors with small caps: the plain
    greedy often hands those to earlier targets, so the exact (flow-backed) rule is needed."""
    n = draw(st.integers(2, 5))
    k = 2
    joint = draw(st.sampled_from([[], [], ["SJ", "WJ"]]))
    m = draw(st.integers(n + 1, n * k + 2))
    targets = draw(st.permutations(TARGET_POOL))[:n]
    inspectors = [
        make_inspector(j, ["SJ", "WJ"][j % 2] if joint else "SJ", cap=draw(st.integers(1, 2)))
        for j in range(m)
    ]
    ids = [i["id"] for i in inspectors]
    conflicts = []
    for t in targets[1:]:
        if draw(st.booleans()):
            keep = set(draw(st.permutations(ids))[: draw(st.integers(k, k + 1))])
            conflicts += [conflict(t, i) for i in ids if i not in keep]
    inputs = make_inputs(inspectors, k=k, joint=joint, conflicts=conflicts)
    seed = draw(st.binary(min_size=32, max_size=32)).hex()
    return make_draw(targets, seed), inputs, []


# ---------------------------------------------------------------------------------------
# Independent reading of the spec
# ---------------------------------------------------------------------------------------


def ref_digest(inputs: dict[str, Any]) -> str:
    text = json.dumps(inputs, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    return sha(text)


def ref_eligible(inputs: dict[str, Any], target: str, extra: set[tuple[str, str]] = frozenset()):
    """Inspectors (dicts) eligible for ``target``; ISO dates compare correctly as text."""
    start, end = inputs["period"]["start"], inputs["period"]["end"]
    required = set(inputs["required_expertise"])
    blocked = {(c["target_id"], c["inspector_id"]) for c in inputs["conflicts"]} | set(extra)
    rotation = inputs["rotation"]
    if rotation is not None:
        blocked |= {
            (p["target_id"], p["inspector_id"])
            for p in rotation["prior_inspections"]
            if p["date"] >= rotation["since"]
        }
    return [
        ins
        for ins in inputs["inspectors"]
        if ins["certificate_valid_from"] <= start
        and ins["certificate_valid_to"] >= end
        and required <= set(ins["expertise"])
        and (target, ins["id"]) not in blocked
    ]


def _max_flow(capacity: dict[Any, dict[Any, int]], source: Any, sink: Any) -> int:
    """Edmonds–Karp on an explicit dict-of-dicts network (mutates ``capacity``)."""
    for u in list(capacity):
        for v in list(capacity[u]):
            capacity.setdefault(v, {}).setdefault(u, 0)
    flow = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, c in capacity[u].items():
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        push, v = 10**9, sink
        while parent[v] is not None:
            push = min(push, capacity[parent[v]][v])
            v = parent[v]
        v = sink
        while parent[v] is not None:
            capacity[parent[v]][v] -= push
            capacity[v][parent[v]] += push
            v = parent[v]
        flow += push


def ref_feasible(
    inputs: dict[str, Any],
    targets: list[str],
    committed: dict[str, list[str]],
    extra: set[tuple[str, str]] = frozenset(),
) -> bool:
    """Can ``committed`` be completed to a full matching? (fresh network every call)"""
    k = inputs["inspectors_per_target"]
    joint = inputs["joint_departments"]
    caps = {i["id"]: i["cap"] for i in inputs["inspectors"]}
    dept = {i["id"]: i["department"] for i in inputs["inspectors"]}
    used = Counter(i for team in committed.values() for i in team)
    if any(used[i] > caps[i] for i in used):
        return False
    net: dict[Any, dict[Any, int]] = {"s": {}}
    need = 0
    for t in targets:
        team = committed.get(t, [])
        missing = [d for d in joint if all(dept[i] != d for i in team)]
        free = k - len(team) - len(missing)
        if free < 0:
            return False
        need += k - len(team)
        for d in missing:
            net["s"][("M", t, d)] = 1
            net[("M", t, d)] = {("G", t, d): 1}
        net["s"][("F", t)] = free
        groups = net.setdefault(("F", t), {})
        for ins in ref_eligible(inputs, t, extra):
            if ins["id"] in team:
                continue
            g = ("G", t, ins["department"])
            groups[g] = 10**6
            net.setdefault(g, {})[("I", ins["id"])] = 1
            net.setdefault(("I", ins["id"]), {})["z"] = caps[ins["id"]] - used[ins["id"]]
    return _max_flow(net, "s", "z") == need


def ref_pair_key(seed: str, target: str, inspector: str) -> str:
    return sha(f"{seed}:{target}:{inspector}")


def reference_match(
    draw_record: dict[str, Any], inputs: dict[str, Any], entropy: list[str]
) -> list[list[tuple[str, str | None, str]]] | None:
    """Teams as [(inspector id, slot department, pair key)], or None if infeasible."""
    targets = [row["id"] for row in draw_record["selected"]]
    seed = sha("\n".join([SPEC, draw_record["seed"], ref_digest(inputs), *entropy]))
    if not ref_feasible(inputs, targets, {}):
        return None
    k = inputs["inspectors_per_target"]
    joint = inputs["joint_departments"]
    caps = {i["id"]: i["cap"] for i in inputs["inspectors"]}
    load: Counter[str] = Counter()
    committed: dict[str, list[str]] = {}
    result = []
    for t in targets:
        team: list[tuple[str, str | None, str]] = []
        committed[t] = []
        for slot in [*joint, *[None] * (k - len(joint))]:
            candidates = [
                ins["id"]
                for ins in ref_eligible(inputs, t)
                if ins["id"] not in committed[t]
                and load[ins["id"]] < caps[ins["id"]]
                and (slot is None or ins["department"] == slot)
            ]
            candidates.sort(key=lambda i: (load[i], ref_pair_key(seed, t, i), i))
            for i in candidates:
                trial = {**committed, t: [*committed[t], i]}
                if ref_feasible(inputs, targets, trial):
                    break
            else:
                raise AssertionError("reference: feasible prefix with no extendable candidate")
            committed[t].append(i)
            load[i] += 1
            team.append((i, slot, ref_pair_key(seed, t, i)))
        result.append(team)
    return result


def brute_force_feasible(draw_record: dict[str, Any], inputs: dict[str, Any]) -> bool:
    """Exhaustive search over teams (memoised on remaining caps); no flows involved."""
    targets = [row["id"] for row in draw_record["selected"]]
    k = inputs["inspectors_per_target"]
    joint = set(inputs["joint_departments"])
    ids = [i["id"] for i in inputs["inspectors"]]
    teams_per_target = []
    for t in targets:
        eligible = ref_eligible(inputs, t)
        options = [
            tuple(ids.index(i["id"]) for i in combo)
            for combo in itertools.combinations(eligible, k)
            if joint <= {i["department"] for i in combo}
        ]
        teams_per_target.append(options)
    seen: set[tuple[int, tuple[int, ...]]] = set()

    def search(pos: int, caps: tuple[int, ...]) -> bool:
        if pos == len(targets):
            return True
        if (pos, caps) in seen:
            return False
        for team in teams_per_target[pos]:
            if all(caps[i] > 0 for i in team):
                rest = list(caps)
                for i in team:
                    rest[i] -= 1
                if search(pos + 1, tuple(rest)):
                    return True
        seen.add((pos, caps))
        return False

    return search(0, tuple(i["cap"] for i in inputs["inspectors"]))


def current_teams(record: dict[str, Any]) -> dict[str, list[str]]:
    teams = {
        a["target_id"]: [s["inspector_id"] for s in a["inspectors"]] for a in record["assignments"]
    }
    for rep in record["replacements"]:
        team = teams[rep["target_id"]]
        team[team.index(rep["recused_inspector_id"])] = rep["inspector_id"]
    return teams


def assert_constraints(record: dict[str, Any], inputs: dict[str, Any]) -> None:
    """Every constraint of the task, checked on the raw dicts (after replacements)."""
    k = inputs["inspectors_per_target"]
    joint = inputs["joint_departments"]
    start, end = inputs["period"]["start"], inputs["period"]["end"]
    by_id = {i["id"]: i for i in inputs["inspectors"]}
    blocked = {(c["target_id"], c["inspector_id"]) for c in inputs["conflicts"]}
    blocked |= {(r["target_id"], r["recused_inspector_id"]) for r in record["replacements"]}
    rotation = inputs["rotation"]
    if rotation is not None:
        blocked |= {
            (p["target_id"], p["inspector_id"])
            for p in rotation["prior_inspections"]
            if p["date"] >= rotation["since"]
        }
    load: Counter[str] = Counter()
    for target, team in current_teams(record).items():
        assert len(team) == k, (target, team)
        assert len(set(team)) == k, f"{target}: an inspector twice"
        for member in team:
            ins = by_id[member]
            assert ins["certificate_valid_from"] <= start, f"{member}: certificate too late"
            assert ins["certificate_valid_to"] >= end, f"{member}: certificate expires"
            assert set(inputs["required_expertise"]) <= set(ins["expertise"]), member
            assert (target, member) not in blocked, f"{member} conflicts with {target}"
        for dept in joint:
            assert any(by_id[m]["department"] == dept for m in team), f"{target}: no {dept}"
        load.update(team)
    for inspector, count in load.items():
        assert count <= by_id[inspector]["cap"], f"{inspector} over cap"
