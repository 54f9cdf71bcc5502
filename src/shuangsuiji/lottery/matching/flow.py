"""Exact feasibility for shuangsuiji-match-v1: a maximum flow kept as a "witness" matching.

The network (never built explicitly; arcs are derived from the current teams):

    source → M[t,d]  capacity 1        one mandatory unit per joint department d
    source → T[t]    capacity k − |D|  the free units of target t
    M[t,d] → G[t,d]  capacity 1
    T[t]   → G[t,g]  unbounded         for every slot group g (joint departments, "other")
    G[t,g] → I[i]    capacity 1        i eligible for t and in group g
    I[i]   → sink    capacity cap(i)

A flow saturating every source arc is exactly a complete matching: k distinct eligible
inspectors per target (arcs G→I carry at most 1), one of each joint department, caps kept.
The state is just the teams ``team[t]``; the split between mandatory and free units is
taken canonically (a department with a member uses its mandatory unit), which is always a
valid flow when any valid flow with the same teams exists.

Two questions are answered on this network:

* ``augment``: is the task feasible at all? Augmenting paths from the deficits of a
  greedy start; if none is left and some demand is unmet, the nodes reachable from the
  source (the same set for every maximum flow) name the targets that compete for too few
  inspectors.
* ``force``: given committed pairs (locked) and a complete witness that respects them, can
  one more pair (t, i) be committed and still be completed? By the flow decomposition
  theorem the answer is yes exactly when the residual network, without touching locked
  arcs, has a path from I[i] back to G[t, group(i)]; pushing one unit round that cycle
  gives the new witness.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from itertools import pairwise

from .eligibility import Instance
from .greedy import Pick


class Witness:
    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.m = len(inst.inspectors)
        self.n = len(inst.targets)
        self.n_joint = len(inst.joint)
        self.sink = self.m
        self.t_base = self.m + 1
        self.g_base = self.m + 1 + self.n
        self.members = [inst.members(g) for g in range(inst.n_groups)]
        self.team: list[set[int]] = [set() for _ in range(self.n)]
        self.of: list[set[int]] = [set() for _ in range(self.m)]
        self.locked: list[set[int]] = [set() for _ in range(self.n)]
        self._eligible_cache: dict[int, list[int]] = {}

    # -- node numbering: inspectors 0..m-1, sink m, T[t], then G[t,g] --------------------
    def t_node(self, t: int) -> int:
        return self.t_base + t

    def g_node(self, t: int, g: int) -> int:
        return self.g_base + t * self.inst.n_groups + g

    # -- state -----------------------------------------------------------------------------
    def add(self, t: int, i: int) -> None:
        self.team[t].add(i)
        self.of[i].add(t)

    def remove(self, t: int, i: int) -> None:
        self.team[t].discard(i)
        self.of[i].discard(t)

    def load(self, teams: list[list[Pick]]) -> None:
        for t, team in enumerate(teams):
            for pick in team:
                self.add(t, pick.inspector)

    def _count(self, t: int, g: int) -> int:
        group = self.inst.group
        return sum(1 for j in self.team[t] if group[j] == g)

    def _free(self, t: int, g: int) -> int:
        """Units on the arc T[t] → G[t,g] in the canonical flow."""
        count = self._count(t, g)
        return count - 1 if g < self.n_joint and count > 0 else count

    def _eligible(self, t: int, g: int) -> list[int]:
        """Eligible inspectors of group g for target t (cached: the slow path revisits)."""
        key = t * self.inst.n_groups + g
        found = self._eligible_cache.get(key)
        if found is None:
            excluded = self.inst.excluded[t]
            found = [j for j in self.members[g] if j not in excluded]
            self._eligible_cache[key] = found
        return found

    def _spare(self, i: int) -> bool:
        return len(self.of[i]) < self.inst.cap[i]

    # -- residual network --------------------------------------------------------------------
    def _neighbors(self, u: int, first: list[int], unseen: list[set[int]]) -> Iterator[int]:
        """Residual arcs out of ``u``. Arcs into inspectors are only listed towards
        inspectors not reached yet (``unseen``, per group): a search then costs about the
        number of nodes plus exclusions, instead of targets × inspectors."""
        inst = self.inst
        if u < self.m:  # inspector
            if self._spare(u):
                yield self.sink
            g = inst.group[u]
            for t in self.of[u]:
                if u not in self.locked[t]:
                    yield self.g_node(t, g)  # reverse arc: take u off team t
        elif u == self.sink:  # reverse arcs: any inspector with load can give a unit back
            yield from first
            for members in unseen:
                for j in list(members):
                    if self.of[j]:
                        yield j
        elif u < self.g_base:  # T[t]
            t = u - self.t_base
            for g in range(inst.n_groups):
                yield self.g_node(t, g)
        else:  # G[t,g]
            t, g = divmod(u - self.g_base, inst.n_groups)
            if self._free(t, g) > 0:
                yield self.t_node(t)
            excluded = inst.excluded[t]
            team = self.team[t]
            pool = unseen[g]
            eligible = self._eligible(t, g)
            if len(eligible) < len(pool):  # a target with many exclusions: walk its own list
                for j in eligible:
                    if j in pool and j not in team:
                        yield j
            else:
                for j in list(pool):
                    if j not in excluded and j not in team:
                        yield j

    def _search(
        self,
        starts: list[int],
        is_goal: Callable[[int], bool],
        dead: set[int],
        first: list[int] | None = None,
    ) -> tuple[list[int] | None, set[int]]:
        """Breadth-first search; returns (path from a start to a goal node, visited nodes)."""
        group = self.inst.group
        unseen = [set(members) for members in self.members]
        for node in dead:
            if node < self.m:
                unseen[group[node]].discard(node)
        parent: dict[int, int] = {}
        queue: deque[int] = deque()
        for s in starts:
            if s in dead or s in parent:
                continue
            parent[s] = -1
            if is_goal(s):
                return [s], set(parent)
            queue.append(s)
        order = first or []
        while queue:
            u = queue.popleft()
            for v in self._neighbors(u, order, unseen):
                if v in parent or v in dead:
                    continue
                parent[v] = u
                if v < self.m:
                    unseen[group[v]].discard(v)
                if is_goal(v):
                    path = [v]
                    while parent[path[-1]] >= 0:
                        path.append(parent[path[-1]])
                    path.reverse()
                    return path, set(parent)
                queue.append(v)
        return None, set(parent)

    def _apply(self, path: list[int]) -> None:
        """Push one unit along ``path``; only inspector–group arcs change the teams."""
        for u, v in pairwise(path):
            if u < self.m and v >= self.g_base:  # reverse arc I → G: off the team
                self.remove((v - self.g_base) // self.inst.n_groups, u)
            elif v < self.m and u >= self.g_base:  # forward arc G → I: onto the team
                self.add((u - self.g_base) // self.inst.n_groups, v)

    # -- feasibility ---------------------------------------------------------------------------
    def _deficits(self, t: int) -> list[int]:
        """Residual arcs out of the source into target t's nodes, as the nodes they reach."""
        group = self.inst.group
        represented = {group[j] for j in self.team[t] if group[j] < self.n_joint}
        starts = [self.g_node(t, g) for g in range(self.n_joint) if g not in represented]
        if len(self.team[t]) - len(represented) < self.inst.k - self.n_joint:
            starts.append(self.t_node(t))
        return starts

    def _target_of(self, node: int) -> int:
        if node >= self.g_base:
            return (node - self.g_base) // self.inst.n_groups
        return node - self.t_base

    def augment(self) -> tuple[bool, set[int], set[int]]:
        """Grow to a maximum flow. Returns (complete, contended targets, inspectors at cap).

        One breadth-first search from all remaining deficits per augmenting path; it is
        started from a greedy filling of the most constrained targets first, which leaves
        few deficits. The two sets are empty when complete; otherwise they are read off the
        source side of the minimal minimum cut, which does not depend on the path choices.
        """
        short = {t: d for t in range(self.n) if (d := self._deficits(t))}
        while short:
            starts = [node for t in sorted(short) for node in short[t]]
            path, seen = self._search(starts, lambda v: v < self.m and self._spare(v), dead=set())
            if path is None:
                targets = {self._target_of(node) for node in seen if node > self.sink}
                return False, targets, {node for node in seen if node < self.m}
            self._apply(path)
            # Only targets on the path can have changed their deficits.
            for touched in {self._target_of(node) for node in path if node > self.sink}:
                deficits = self._deficits(touched)
                if deficits:
                    short[touched] = deficits
                else:
                    short.pop(touched, None)
        return True, set(), set()

    def force(self, t: int, i: int, dead: set[int]) -> bool:
        """Commit (t, i) if some completion keeps every committed pair; update the witness.

        ``dead`` collects nodes known not to reach G[t, group(i)]; the caller shares it
        between candidates of one slot (the network does not change until a pair is
        committed), so a slot costs one sweep of the network however many candidates fail.
        """
        if i in self.team[t]:
            self.locked[t].add(i)
            return True
        if i in dead:  # an earlier candidate's failed search already passed through I[i]
            return False
        g = self.inst.group[i]
        goal = self.g_node(t, g)
        t_node = self.t_node(t)
        # Nodes one arc before the goal: T[t] (arc T→G is unbounded) and unlocked members of
        # group g on team t (reverse arc I→G). Reaching one of them closes the cycle.
        group = self.inst.group
        before = {j for j in self.team[t] if group[j] == g and j not in self.locked[t]}
        path, seen = self._search(
            [i],
            lambda v: v in (goal, t_node) or v in before,
            dead,
            first=sorted(before),
        )
        if path is None:
            dead |= seen
            return False
        if path[-1] != goal:
            path.append(goal)
        self._apply(path)
        self.add(t, i)  # the forced arc G[t,g] → I[i] closes the cycle
        self.locked[t].add(i)
        return True
