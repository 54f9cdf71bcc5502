"""Unique credit codes at generator speed.

A code's organisation body comes from a per-namespace counter pushed through a seeded
bijection (affine map, then three Feistel-style mixing rounds with seeded S-boxes over
the two halves of the body). A bijection cannot collide, so uniqueness needs no memory
of earlier codes: ten million codes cost ten million counter steps.

Namespaces imitate what real codes look like:

* ``MA``: bodies issued since the 2015 reform (三证合一): ``MA`` + 6 characters;
* ``legacy``: 8-digit organisation codes of enterprises registered before it;
* ``L``: individual businesses converted in the 2016 两证整合 (``L`` + 7 characters).

Each half of a body is looked up in a precomputed table that also holds its share of the
two weighted sums, so a code costs a handful of integer operations.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from functools import cache
from itertools import product

from shuangsuiji.directory.uscc import ALPHABET, ORG_WEIGHTS, USCC_WEIGHTS, gb11714_value

_DIGITS = "0123456789"

#: Per-position character sets of each namespace, split into the two table halves.
NAMESPACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "MA": (("M", "A", ALPHABET, ALPHABET, ALPHABET), (ALPHABET, ALPHABET, ALPHABET)),
    "legacy": (("0357", _DIGITS, _DIGITS, _DIGITS), (_DIGITS, _DIGITS, _DIGITS, _DIGITS)),
    "L": (("L", _DIGITS, _DIGITS, _DIGITS), (_DIGITS, _DIGITS, _DIGITS, ALPHABET)),
}

_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# total mod 11 → GB 11714 check character (11 - m, with 10 → X and 11 → 0).
_ORG_CHECK = tuple("0" if m == 0 else "X" if m == 1 else str(11 - m) for m in range(11))
# total mod 31 → GB 32100 check character.
_FINAL = tuple(ALPHABET[-t % 31] for t in range(31))
_W_ORG_CHECK = USCC_WEIGHTS[16]  # weight of the 17th character (the organisation check)


@cache
def _half_table(
    alphabets: tuple[str, ...], offset: int
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """All strings over ``alphabets`` (in order), with their org-code and USCC partial sums.

    ``offset`` is the position of the first character inside the 8-character body.
    """
    strings: list[str] = []
    org_sums: list[int] = []
    uscc_sums: list[int] = []
    org_w = ORG_WEIGHTS[offset : offset + len(alphabets)]
    uscc_w = USCC_WEIGHTS[8 + offset : 8 + offset + len(alphabets)]
    for chars in product(*alphabets):
        strings.append("".join(chars))
        org_sums.append(sum(gb11714_value(c) * w for c, w in zip(chars, org_w, strict=True)))
        uscc_sums.append(sum(_VALUE[c] * w for c, w in zip(chars, uscc_w, strict=True)))
    return tuple(strings), tuple(org_sums), tuple(uscc_sums)


def namespace_size(namespace: str) -> int:
    hi, lo = NAMESPACES[namespace]
    return math.prod(len(a) for a in (*hi, *lo))


CodeMaker = Callable[[str, int], str]


def code_maker(namespace: str, rng: random.Random) -> CodeMaker:
    """A function ``(prefix8, prefix_sum) -> code`` yielding a new unique body per call.

    ``prefix8`` is authority + type + region and ``prefix_sum`` its weighted USCC sum
    (:func:`prefix_sum`). Raises OverflowError when the namespace is used up.
    """
    hi_alphabets, lo_alphabets = NAMESPACES[namespace]
    hi_str, hi_org, hi_us = _half_table(hi_alphabets, 0)
    lo_str, lo_org, lo_us = _half_table(lo_alphabets, len(hi_alphabets))
    n_hi, n_lo = len(hi_str), len(lo_str)
    size = n_hi * n_lo
    a = rng.randrange(size // 3, size)
    while math.gcd(a, size) != 1:
        a += 1
    b = rng.randrange(size)
    k1 = rng.randrange(1, n_hi)
    k2 = rng.randrange(1, n_lo)
    k3 = rng.randrange(1, n_hi)
    # Seeded permutations of each half (S-boxes): the affine map and the mixing rounds are
    # linear, and without a non-linear step consecutive codes visibly drift together.
    box_hi = list(range(n_hi))
    rng.shuffle(box_hi)
    box_lo = list(range(n_lo))
    rng.shuffle(box_lo)
    org_check, final, w17, value = _ORG_CHECK, _FINAL, _W_ORG_CHECK, _VALUE
    counter = 0

    def make(prefix8: str, prefix_total: int) -> str:
        nonlocal counter
        if counter >= size:
            raise OverflowError(f"credit-code namespace {namespace!r} exhausted")
        hi, lo = divmod((a * counter + b) % size, n_lo)
        counter += 1
        # Three Feistel-style rounds: each half absorbs the other through an S-box, so
        # neighbours look unrelated. Every round is invertible, so the map stays a bijection.
        hi = box_hi[(hi + lo * k1) % n_hi]
        lo = box_lo[(lo + hi * k2) % n_lo]
        hi = (hi + lo * k3) % n_hi
        oc = org_check[(hi_org[hi] + lo_org[lo]) % 11]
        total = prefix_total + hi_us[hi] + lo_us[lo] + value[oc] * w17
        return prefix8 + hi_str[hi] + lo_str[lo] + oc + final[total % 31]

    return make


def prefix_sum(prefix8: str) -> int:
    """Weighted GB 32100 sum of the first 8 characters."""
    return sum(_VALUE[c] * w for c, w in zip(prefix8, USCC_WEIGHTS[:8], strict=True))
