"""Quotas: one spelling per count, rates to 4 decimals, exact rounding, canonical line."""

from __future__ import annotations

from fractions import Fraction

import pytest

from shuangsuiji.lottery import ErrorCode, QuotaError, parse_quota, parse_quotas, quota_set


@pytest.mark.parametrize(
    ("text", "size", "drawn"),
    [
        ("12.5%", 7, 1),  # 0.875 rounds up
        ("12.5%", 8, 1),  # exactly 1
        ("12.5%", 9, 2),  # 1.125 rounds up
        ("0%", 1000, 0),
        ("0", 1000, 0),
        ("100%", 37, 37),
        ("100.0000%", 37, 37),
        ("150%", 10, 10),  # a rate above 100% is capped by the stratum size
        ("5", 3, 3),  # a count above the size takes everything
        ("5", 0, 0),
        ("0.0001%", 1, 1),  # any positive rate of a non-empty stratum draws at least one
        ("0.01%", 10_000, 1),
        ("0.01%", 10_001, 2),
        ("33.3333%", 3, 1),  # 0.999999 → 1, not 2 (a float 1/3 would be fine too, by luck)
        ("33.3334%", 3, 2),  # 1.000002 → 2
        ("7%", 100, 7),  # 7.000000000000001 in floats would round up to 8
        ("1%", 10_000_000, 100_000),
    ],
)
def test_drawn_size_is_exact(text: str, size: int, drawn: int) -> None:
    assert parse_quota(text).drawn(size) == drawn


def test_float_arithmetic_would_get_some_of_these_wrong() -> None:
    # Why quotas use Fraction: 100 × 7% computed in floats is not 7.
    import math

    assert math.ceil(100 * 0.07) == 8
    assert parse_quota("7%").drawn(100) == 7


def test_rate_is_kept_as_an_exact_fraction_and_as_written() -> None:
    quota = parse_quota("12.50%")
    assert quota.rate == Fraction(25, 2)
    assert quota.text == "12.50%"
    assert quota.count is None


@pytest.mark.parametrize(
    "text",
    ["", "01", "-1", "+1", "1.5", "1e3", " 5", "5 ", "１", "%", ".5%", "5.%", "12.34567%",
     "012%", "12,5%", "12.5 %", "12.5%%", "0x10", "五"],
)  # fmt: skip
def test_malformed_quota_is_refused(text: str) -> None:
    with pytest.raises(QuotaError) as caught:
        parse_quota(text)
    assert caught.value.code == ErrorCode.BAD_QUOTA
    assert repr(text) in str(caught.value)


def test_canonical_line_sorts_strata_by_utf8_bytes_and_keeps_spelling() -> None:
    quotas = parse_quotas(["D=100%", "C=50%", "a=1", "B=1", "A=12.5%", "高风险=20.00%"])
    assert quotas.line == "A=12.5%;B=1;C=50%;D=100%;a=1;高风险=20.00%"
    assert list(quotas.as_texts()) == ["A", "B", "C", "D", "a", "高风险"]


def test_quota_items_may_be_joined_with_semicolons() -> None:
    assert parse_quotas("A=12.5%;B=1").line == parse_quotas(["B=1", "A=12.5%"]).line


@pytest.mark.parametrize(
    ("items", "code"),
    [
        (["A=1", "A=2"], ErrorCode.DUPLICATE_QUOTA),
        (["A=1;A=1"], ErrorCode.DUPLICATE_QUOTA),
        (["A"], ErrorCode.BAD_QUOTA),
        (["=5"], ErrorCode.BAD_QUOTA),
        ([" A=5"], ErrorCode.BAD_QUOTA),
        (["A,B=5"], ErrorCode.BAD_QUOTA),
        (["A=5;"], ErrorCode.BAD_QUOTA),
    ],
)
def test_bad_quota_lists_are_refused(items: list[str], code: ErrorCode) -> None:
    with pytest.raises(QuotaError) as caught:
        parse_quotas(items)
    assert caught.value.code == code


def test_every_stratum_needs_a_quota_and_every_quota_a_stratum() -> None:
    strata = {"A": 8, "B": 6}
    assert quota_set({"A": "12.5%", "B": "0"}).resolve(strata) == {"A": 1, "B": 0}
    with pytest.raises(QuotaError) as missing:
        quota_set({"A": "1"}).resolve(strata, {"A": 2, "B": 3})
    assert missing.value.code == ErrorCode.MISSING_QUOTA
    assert missing.value.line == 3
    assert "'B'" in str(missing.value) and "line 3" in str(missing.value)
    with pytest.raises(QuotaError) as absent:
        quota_set({"A": "1", "B": "1", "E": "5%"}).resolve(strata)
    assert absent.value.code == ErrorCode.UNKNOWN_STRATUM
    assert "'E'" in str(absent.value)
