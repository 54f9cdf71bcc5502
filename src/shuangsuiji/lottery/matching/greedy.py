"""The fast path of shuangsuiji-match-v1: the ranking rule applied greedily, slot by slot.

Each slot takes, among the inspectors allowed in it that still have capacity, the one with
the smallest (current load, pair key, inspector id). This module applies that rule without
looking ahead. When it fills every slot its result *is* the specified matching (each pick
is then extendable, witnessed by the completed matching itself, so it is also the first
extendable candidate that the spec asks for); only when it gets stuck does the exact,
flow-backed path in ``flow.py`` take over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .eligibility import Instance


@dataclass(frozen=True)
class Pick:
    inspector: int  # index into Instance.inspectors
    slot_group: int | None  # joint department slot (group index), None for a free slot


def slot_plan(inst: Instance) -> list[int | None]:
    """One slot per joint department in code order, then free slots up to k."""
    joint_slots: list[int | None] = list(range(len(inst.joint)))
    return joint_slots + [None] * (inst.k - len(inst.joint))


class PairKeys:
    """Pair keys SHA-256(seed:target:inspector), kept as raw digests for ranking.

    A rank value is the raw digest followed by the inspector id's UTF-8 bytes: comparing
    those bytes compares (pair key, inspector id) exactly as the spec orders them (raw
    digests order as their lowercase hex does), with one comparison in C instead of a
    tuple per candidate. Targets are processed one after another, so the keys of one
    target are cached at a time.
    """

    def __init__(self, inst: Instance, seed: str) -> None:
        self._prefix = [f"{seed}:{target}:".encode() for target in inst.targets]
        self._ids = [ins.id.encode() for ins in inst.inspectors]
        self._target = -1
        self._cache: dict[int, bytes] = {}

    def _for(self, t: int) -> dict[int, bytes]:
        if t != self._target:
            self._target = t
            self._cache = {}
        return self._cache

    def rank(self, t: int, i: int) -> bytes:
        cache = self._for(t)
        value = cache.get(i)
        if value is None:
            value = hashlib.sha256(self._prefix[t] + self._ids[i]).digest() + self._ids[i]
            cache[i] = value
        return value

    def _fill(self, t: int, candidates: list[int]) -> dict[int, bytes]:
        cache = self._for(t)
        prefix, ids, sha256 = self._prefix[t], self._ids, hashlib.sha256
        for i in candidates:
            if i not in cache:
                cache[i] = sha256(prefix + ids[i]).digest() + ids[i]
        return cache

    def best(self, t: int, candidates: list[int]) -> int:
        """The candidate with the smallest (pair key, inspector id)."""
        return min(candidates, key=self._fill(t, candidates).__getitem__)

    def ordered(self, t: int, candidates: list[int]) -> list[int]:
        """The candidates sorted by (pair key, inspector id)."""
        return sorted(candidates, key=self._fill(t, candidates).__getitem__)

    def hex(self, t: int, i: int) -> str:
        return self.rank(t, i)[:32].hex()


def greedy(
    inst: Instance,
    keys: PairKeys | None,
    *,
    skip_stuck: bool,
    order: Sequence[int] | None = None,
) -> tuple[list[list[Pick]], bool]:
    """Apply the ranking rule without lookahead; return (teams, whether some slot was stuck).

    With ``skip_stuck`` a slot without candidates is left empty and the run goes on;
    otherwise the run stops at the first stuck slot. Without ``keys`` (and with another
    target ``order``) this is only a quick way to start the maximum flow: least-loaded,
    lowest index first — not the spec's ranking.
    """
    n_ins = len(inst.inspectors)
    top = max(inst.cap, default=0)
    load = [0] * n_ins
    # buckets[g][level] = inspectors of group g with load == level and capacity left.
    buckets: list[list[set[int]]] = [[set() for _ in range(top)] for _ in range(inst.n_groups)]
    for i in range(n_ins):
        buckets[inst.group[i]][0].add(i)
    plan = slot_plan(inst)
    all_groups = range(inst.n_groups)
    teams: list[list[Pick]] = [[] for _ in inst.targets]
    stuck = False
    for t in range(len(inst.targets)) if order is None else order:
        excluded = inst.excluded[t]
        team: list[Pick] = []
        on_team: set[int] = set()
        for slot_group in plan:
            groups = all_groups if slot_group is None else (slot_group,)
            pick = -1
            for level in range(top):
                candidates = [
                    i
                    for g in groups
                    for i in buckets[g][level]
                    if i not in excluded and i not in on_team
                ]
                if candidates:
                    pick = min(candidates) if keys is None else keys.best(t, candidates)
                    break
            if pick < 0:
                stuck = True
                if not skip_stuck:
                    return teams, True
                continue
            team.append(Pick(pick, slot_group))
            on_team.add(pick)
            group = buckets[inst.group[pick]]
            group[load[pick]].discard(pick)
            load[pick] += 1
            if load[pick] < inst.cap[pick]:
                group[load[pick]].add(pick)
        teams[t] = team
    return teams, stuck
