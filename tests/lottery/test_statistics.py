"""Statistical behaviour of draw-v1 over many seeds.

Seeds are SHA-256 of a counter, so every run sees the same draws: a test passes or fails
deterministically, and the thresholds (family-wise error 1e-6) only decide how unlucky a
*correct* implementation would have to be to fail. Both tails of chi-square are tested: a
too-perfect fit would betray a systematic (non-random) sampler such as a fixed stride.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from itertools import combinations
from statistics import NormalDist

import pytest

from shuangsuiji.lottery import Row, select_rows

from .test_data import credit_code

ALPHA = 1e-6  # family-wise, per test


def chi2_sf(x: float, df: int) -> float:
    """Upper tail of the chi-square distribution, closed form for integer df."""
    if x <= 0:
        return 1.0
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, df // 2):
            term *= (x / 2) / k
            total += term
        return math.exp(-x / 2) * total
    chi = math.sqrt(x)
    normal = NormalDist()
    total, term = 0.0, 1.0 / chi  # builds chi^(2r-1) / (1·3·…·(2r-1))
    for r in range(1, (df - 1) // 2 + 1):
        term *= x / (2 * r - 1)
        total += term
    return 2 * (1 - normal.cdf(chi)) + 2 * normal.pdf(chi) * total


def assert_chi2_fits(
    observed: list[int], expected: list[float], *, df: int, tests: int = 1
) -> None:
    """Pearson goodness of fit, two-sided (too bad a fit or a suspiciously perfect one)."""
    assert min(expected) >= 5, "too few draws for a chi-square test"
    x = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    upper = chi2_sf(x, df)
    assert ALPHA / (2 * tests) < upper < 1 - ALPHA / (2 * tests), (x, df, upper)


def seeds(label: str, count: int) -> list[str]:
    return [hashlib.sha256(f"{label}:{i}".encode()).hexdigest() for i in range(count)]


def test_chi2_sf_matches_tabulated_critical_values() -> None:
    for x, df in ((3.841459, 1), (5.991465, 2), (11.0705, 5), (18.30704, 10), (30.14353, 19)):
        assert chi2_sf(x, df) == pytest.approx(0.05, abs=1e-5)
    assert chi2_sf(0.0, 4) == 1.0


def _rows(n: int, stratum: str, label: str, tickets: list[int] | None = None) -> list[Row]:
    import random

    rng = random.Random(label)
    ids = sorted({credit_code(rng) for _ in range(n * 2)})[:n]
    return [(i, stratum, 1 if tickets is None else tickets[k]) for k, i in enumerate(ids)]


@pytest.mark.slow
def test_inclusion_frequencies_match_n_over_N_in_every_stratum() -> None:
    strata = {"A": (11, 3), "B": (7, 2), "D": (4, 4)}
    rows = [r for s, (size, _) in strata.items() for r in _rows(size, s, s)]
    drawn = {s: n for s, (_, n) in strata.items()}
    draws = 100_000
    counts: Counter[str] = Counter()
    for seed in seeds("inclusion", draws):
        counts.update(t.id for t in select_rows(rows, seed=seed, drawn=drawn))
    z = NormalDist().inv_cdf(1 - ALPHA / (2 * len(rows)))  # Bonferroni over rows
    for stratum, (size, n) in strata.items():
        ids = [r[0] for r in rows if r[1] == stratum]
        p = n / size
        for target_id in ids:
            # Each row's inclusion count is exactly Binomial(draws, n/N) across seeds.
            bound = z * math.sqrt(draws * p * (1 - p)) + 1e-9
            assert abs(counts[target_id] - draws * p) <= bound, (target_id, counts[target_id])
        if 0 < p < 1:
            # Joint test: sampling without replacement makes the counts negatively
            # correlated, Σ(O−E)²/(S·p(1−p)) ~ N/(N−1)·χ²(N−1).
            x = sum((counts[i] - draws * p) ** 2 for i in ids) / (draws * p * (1 - p))
            upper = chi2_sf(x * (size - 1) / size, size - 1)
            assert ALPHA / 4 < upper < 1 - ALPHA / 4, (stratum, x, upper)


@pytest.mark.slow
def test_every_subset_of_the_drawn_size_is_equally_likely() -> None:
    # Simple random sampling is more than right marginals: all C(6,2) = 15 pairs equally often.
    rows = _rows(6, "C", "pairs")
    draws = 45_000
    pairs: Counter[tuple[str, ...]] = Counter()
    for seed in seeds("pairs", draws):
        pairs[tuple(sorted(t.id for t in select_rows(rows, seed=seed, drawn={"C": 2})))] += 1
    all_pairs = list(combinations(sorted(r[0] for r in rows), 2))
    assert set(pairs) == set(all_pairs)
    observed = [pairs[p] for p in all_pairs]
    assert_chi2_fits(observed, [draws / len(all_pairs)] * len(all_pairs), df=len(all_pairs) - 1)


@pytest.mark.slow
def test_first_pick_probability_is_proportional_to_tickets() -> None:
    tickets = [1, 2, 3, 4, 10]
    rows = _rows(5, "D", "first-pick", tickets)
    draws = 50_000
    first: Counter[str] = Counter()
    for seed in seeds("first-pick", draws):
        (winner,) = select_rows(rows, seed=seed, drawn={"D": 1})
        first[winner.id] += 1
    total = sum(tickets)
    expected = [draws * t / total for t in tickets]
    assert_chi2_fits([first[r[0]] for r in rows], expected, df=len(rows) - 1)


@pytest.mark.slow
def test_second_pick_is_proportional_to_the_remaining_tickets() -> None:
    # Successive sampling (Efraimidis–Spirakis): P(i then j) = t_i/T · t_j/(T − t_i), where
    # "then" is the dispatch order (by key) of the two drawn rows.
    tickets = [1, 2, 3, 6]
    rows = _rows(4, "D", "second-pick", tickets)
    draws = 60_000
    ordered: Counter[tuple[str, str]] = Counter()
    for seed in seeds("second-pick", draws):
        a, b = select_rows(rows, seed=seed, drawn={"D": 2})
        ordered[(a.id, b.id)] += 1
    total = sum(tickets)
    cells, observed, expected = [], [], []
    for ri, ti in zip(rows, tickets, strict=True):
        for rj, tj in zip(rows, tickets, strict=True):
            if ri is not rj:
                cells.append((ri[0], rj[0]))
                observed.append(ordered[(ri[0], rj[0])])
                expected.append(draws * ti / total * tj / (total - ti))
    assert sum(observed) == draws
    assert_chi2_fits(observed, expected, df=len(cells) - 1)


@pytest.mark.slow
def test_dispatch_starts_with_the_overall_smallest_key() -> None:
    # Keys are uniform, so the first target dispatched comes from stratum h with probability
    # N_h / N (whenever every stratum draws at least one), whatever the quotas.
    rows = _rows(4, "A", "dispatch-a") + _rows(12, "B", "dispatch-b")
    draws = 40_000
    first_stratum: Counter[str] = Counter()
    for seed in seeds("dispatch", draws):
        selected = select_rows(rows, seed=seed, drawn={"A": 1, "B": 3})
        first_stratum[selected[0].stratum] += 1
    assert_chi2_fits([first_stratum["A"], first_stratum["B"]], [draws / 4, draws * 3 / 4], df=1)
