"""Unified social credit codes: check characters, assembly and typed validation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from shuangsuiji.directory.uscc import (
    ALPHABET,
    AUTHORITY_KINDS,
    ORG_WEIGHTS,
    UsccIssueCode,
    gb11714_value,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    region_of,
    uscc_check_char,
    validate_uscc,
)

# Published codes of well-known companies (Xiaomi, Huawei) and stdnum's own example.
REAL_CODES = ["91110108551385082Q", "914403001922038216", "91110000600037341L"]

PAIRS = [(a, k) for a, (_, kinds) in AUTHORITY_KINDS.items() for k in kinds]
alphabet_chars = st.sampled_from(ALPHABET)
bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
regions = st.text(alphabet="0123456789", min_size=6, max_size=6)


@st.composite
def valid_codes(draw: st.DrawFn, digits_only_prefix: bool = False) -> str:
    pairs = [p for p in PAIRS if p[0].isdigit()] if digits_only_prefix else PAIRS
    authority, kind = draw(st.sampled_from(pairs))
    return make_uscc(authority, kind, draw(regions), draw(bodies))


def issue_codes(code: str) -> set[UsccIssueCode]:
    return {issue.code for issue in validate_uscc(code)}


def with_checks(first16: str) -> str:
    """Complete 16 characters with a correct organisation check and final check."""
    first17 = first16 + org_code_check_char(first16[8:16])
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_codes_are_valid(code: str) -> None:
    assert validate_uscc(code) == []
    assert stdnum_uscc.is_valid(code)
    assert region_of(code) == code[2:8]


def test_org_check_of_published_organisation_codes() -> None:
    assert org_code_check_char("55138508") == "2"  # Xiaomi 55138508-2
    assert org_code_check_char("19220382") == "1"  # Huawei 19220382-1


def test_uscc_check_char_agrees_with_stdnum_on_many_random_codes() -> None:
    rng = random.Random(20151001)
    for _ in range(20_000):
        first17 = "".join(rng.choice(ALPHABET) for _ in range(17))
        assert uscc_check_char(first17) == stdnum_uscc.calc_check_digit(first17)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_agrees_with_stdnum(first17: str) -> None:
    assert uscc_check_char(first17) == stdnum_uscc.calc_check_digit(first17)


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_org_check_char_closes_the_mod_11_sum(body: str) -> None:
    check = org_code_check_char(body)
    assert check in "0123456789X"
    # 10 is written X and 11 is written 0, so the weighted sum plus the check is 0 mod 11.
    value = 10 if check == "X" else int(check)
    total = sum(gb11714_value(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    assert (total + value) % 11 == 0


@given(bodies)
def test_org_check_char_of_a_uscc_body_is_always_in_the_uscc_alphabet(body: str) -> None:
    # GB 11714 check characters are 0-9 or X, all allowed by GB 32100: no body needs re-picking.
    assert org_code_check_char(body) in ALPHABET


@given(valid_codes())
def test_made_codes_validate(code: str) -> None:
    assert validate_uscc(code) == []
    assert len(code) == 18


@given(valid_codes(digits_only_prefix=True))
def test_made_codes_pass_stdnum(code: str) -> None:
    assert stdnum_uscc.is_valid(code)


def test_stdnum_rejects_codes_of_letter_authorities_that_gb32100_allows() -> None:
    # stdnum insists on 8 leading digits; village collectives (N2…) are real codes anyway.
    code = make_uscc("N", "2", "411523", "MA40K7PQ")
    assert validate_uscc(code) == []
    assert not stdnum_uscc.is_valid(code)


@settings(max_examples=300)
@given(valid_codes(), st.integers(0, 17), alphabet_chars)
def test_any_single_substitution_breaks_the_final_check(code: str, pos: int, new: str) -> None:
    if new == code[pos]:
        return
    broken = code[:pos] + new + code[pos + 1 :]
    # Every weight 3**i is non-zero mod 31 and a value differs by < 31: always detected.
    assert UsccIssueCode.BAD_CHECK in issue_codes(broken)


@settings(max_examples=300)
@given(valid_codes(), st.integers(8, 16), alphabet_chars)
def test_org_check_catches_a_substitution_unless_the_values_differ_by_11(
    code: str, pos: int, new: str
) -> None:
    if new == code[pos]:
        return
    broken = code[:pos] + new + code[pos + 1 :]
    caught = UsccIssueCode.BAD_ORG_CHECK in issue_codes(broken)
    if pos == 16:  # the organisation check character itself
        assert caught
    else:
        # GB 11714 values run to 35, so 1→C (1→12) or 2→D slip through mod 11.
        assert caught == ((gb11714_value(new) - gb11714_value(code[pos])) % 11 != 0)


@settings(max_examples=300)
@given(valid_codes(), st.integers(0, 17), st.integers(0, 17))
def test_transpositions_break_the_final_check_except_first_with_last(
    code: str, i: int, j: int
) -> None:
    i, j = min(i, j), max(i, j)
    if i == j or code[i] == code[j]:
        return
    swapped = list(code)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    broken = "".join(swapped)
    final_ok = broken[17] == uscc_check_char(broken[:17])
    # The weights 3**0..3**16 are distinct mod 31 (3 is a primitive root) and the 18th
    # character counts with weight 1 = 3**0: only swapping the 1st and 18th goes unseen.
    assert final_ok == ((i, j) == (0, 17))


def test_wrong_length_is_reported_alone() -> None:
    for code in ["", "9141152", REAL_CODES[0][:17], REAL_CODES[0] + "0"]:
        issues = validate_uscc(code)
        assert [i.code for i in issues] == [UsccIssueCode.WRONG_LENGTH]
        assert str(len(code)) in issues[0].message_zh


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "a", "-", "号"])
def test_characters_outside_the_alphabet_are_named_with_their_position(bad: str) -> None:
    code = REAL_CODES[0][:5] + bad + REAL_CODES[0][6:]
    issues = validate_uscc(code)
    assert [(i.code, i.position) for i in issues] == [(UsccIssueCode.BAD_CHARACTER, 6)]
    assert bad in issues[0].message_zh and bad in issues[0].message_en


def test_unknown_authority_and_type_pair() -> None:
    code = with_checks("94411523MA40K7PQ")  # authority 9 has types 1, 2, 3 only
    assert issue_codes(code) == {UsccIssueCode.UNKNOWN_TYPE}
    assert issue_codes(with_checks("B1411523MA40K7PQ")) == {UsccIssueCode.UNKNOWN_TYPE}


def test_region_must_be_digits() -> None:
    assert issue_codes(with_checks("91411A23MA40K7PQ")) == {UsccIssueCode.BAD_REGION}


def test_bad_organisation_check_alone() -> None:
    good = make_uscc("9", "1", "411523", "MA40K7PQ")
    wrong = "0" if good[16] != "0" else "1"
    first17 = good[:16] + wrong
    broken = first17 + uscc_check_char(first17)  # final check recomputed to isolate the issue
    issues = validate_uscc(broken)
    assert [(i.code, i.position) for i in issues] == [(UsccIssueCode.BAD_ORG_CHECK, 17)]


def test_bad_final_check_alone() -> None:
    good = make_uscc("9", "2", "411523", "L1234567")
    wrong = ALPHABET[(ALPHABET.index(good[17]) + 1) % 31]
    issues = validate_uscc(good[:17] + wrong)
    assert [(i.code, i.position) for i in issues] == [(UsccIssueCode.BAD_CHECK, 18)]
    assert good[17] in issues[0].message_zh and good[17] in issues[0].message_en


def test_every_issue_has_both_languages() -> None:
    for code in ["", "9141152300000000I0", with_checks("94411A23MA40K7PQ")[:-1] + "0"]:
        for issue in validate_uscc(code):
            assert issue.message_zh and issue.message_en
    assert issue_codes(with_checks("94411A23MA40K7PQ")[:-1] + "0") >= {
        UsccIssueCode.UNKNOWN_TYPE,
        UsccIssueCode.BAD_REGION,
    }


def test_make_uscc_refuses_impossible_parts() -> None:
    with pytest.raises(ValueError, match="authority"):
        make_uscc("9", "4", "411523", "MA40K7PQ")
    with pytest.raises(ValueError, match="region"):
        make_uscc("9", "1", "41152", "MA40K7PQ")
    with pytest.raises(ValueError, match="organisation body"):
        make_uscc("9", "1", "411523", "MA40I7PQ")  # I is valid in GB 11714, not in GB 32100
    with pytest.raises(ValueError):
        uscc_check_char("91411523MA40K7PQ")
    with pytest.raises(ValueError):
        uscc_check_char("91411523MA40K7PQI")
    with pytest.raises(ValueError):
        org_code_check_char("MA40K7P")


def test_normalize_and_region() -> None:
    assert normalize_uscc(" 9141 1523-ma40k7pq4c ") == "91411523MA40K7PQ4C"
    assert is_valid_uscc(normalize_uscc("9141 1523 ma40k7pq4c"))
    assert region_of("91411523MA40K7PQ4C") == "411523"
    with pytest.raises(ValueError):
        region_of("9141")
