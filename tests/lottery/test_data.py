"""Realistic test data for the lottery tests, and the tests that keep it realistic.

Targets carry unified social credit codes (统一社会信用代码, GB 32100-2015) with correct
check characters; strata are the credit risk classes A–D (企业信用风险分类).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from shuangsuiji.lottery import Population, Row, population_from_rows

VECTORS = Path(__file__).parent / "vectors"
EXAMPLE_POPULATION = VECTORS / "example-population.csv"
EXAMPLE_RECORD = VECTORS / "example-draw.json"

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the letters GB 11714 codes use here
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Henan, Xinyang, Xin county and neighbours: GB/T 2260 region codes.
REGIONS = ("411523", "411502", "411503", "411521", "411522", "411524", "411525", "411526")
RISK_CLASSES = ("A", "B", "C", "D")


def _org_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code(rng: random.Random) -> str:
    """A well-formed 18-character credit code: market regulator, enterprise/individual/coop."""
    head = "9" + rng.choice("123") + rng.choice(REGIONS)
    org_body = "".join(rng.choice(_ORG_ALPHABET) for _ in range(8))
    first17 = head + org_body + _org_check(org_body)
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]


def make_rows(
    rng: random.Random,
    n: int,
    *,
    strata: tuple[str, ...] = RISK_CLASSES,
    max_tickets: int = 1,
) -> list[Row]:
    """n rows with distinct credit codes, random risk classes and 1..max_tickets tickets."""
    ids: set[str] = set()
    while len(ids) < n:
        ids.add(credit_code(rng))
    return [
        (i, rng.choice(strata), rng.randint(1, max_tickets)) for i in sorted(ids, key=str.encode)
    ]


def make_population(seed: int, n: int, **kwargs: Any) -> Population:
    return population_from_rows(make_rows(random.Random(seed), n, **kwargs))


def example_record() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(EXAMPLE_RECORD.read_text(encoding="utf-8"))
    return result


def test_credit_codes_pass_the_national_check_digit() -> None:
    uscc = pytest.importorskip("stdnum.cn.uscc")
    rng = random.Random(2026)
    for _ in range(200):
        assert uscc.is_valid(credit_code(rng))


def test_example_vectors_are_the_published_ones() -> None:
    # Guards the copies under tests/lottery/vectors against accidental edits.
    assert hashlib.sha256(EXAMPLE_POPULATION.read_bytes()).hexdigest() == (
        "ce71f9a05879d5191af047d02245769372bd83cd00305332ab380935c04f3d70"
    )
    assert example_record()["population_digest"] == (
        hashlib.sha256(EXAMPLE_POPULATION.read_bytes()).hexdigest()
    )
