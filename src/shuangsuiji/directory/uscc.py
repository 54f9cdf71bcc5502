"""Unified social credit code (统一社会信用代码, GB 32100-2015).

Layout of the 18 characters::

    9 1 411523 MA40K7PQ3 X
    | | |      |         `- 18th: mod-31 check over the first 17 (GB 32100)
    | | |      `----------- 9th-17th: organisation code, 8 body chars + GB 11714 check
    | | `------------------ 3rd-8th: GB/T 2260 region code of the registering authority
    | `-------------------- 2nd: entity type, meaningful only under the 1st character
    `---------------------- 1st: registering authority (登记管理部门)

``python-stdnum`` (``stdnum.cn.uscc``) checks only the last character. We also check the
embedded organisation code and the authority/type pair, and report *typed* issues so the
import screens can say what is wrong in Chinese and English. The check arithmetic is
written out here (rather than calling stdnum) because the demo generator computes
millions of codes from precomputed partial sums; the tests cross-check every formula
against stdnum.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ALPHABET",
    "AUTHORITY_KINDS",
    "ORG_WEIGHTS",
    "USCC_WEIGHTS",
    "UsccIssue",
    "UsccIssueCode",
    "gb11714_value",
    "is_valid_uscc",
    "make_uscc",
    "normalize_uscc",
    "org_code_check_char",
    "region_of",
    "uscc_check_char",
    "validate_uscc",
]

#: The 31 characters GB 32100 allows: digits and capitals without I, O, S, V, Z
#: (they read too much like 1, 0, 5, U, 2). The index of a character is its value.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE: dict[str, int] = {c: i for i, c in enumerate(ALPHABET)}

#: Weights of positions 1-17 for the final check: 3**i mod 31.
USCC_WEIGHTS: tuple[int, ...] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Weights of the 8 body characters of a GB 11714 organisation code.
ORG_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 11714 body characters are digits and A-Z (value 10-35, the full Latin alphabet:
# unlike GB 32100, GB 11714 does not skip I, O, S, V, Z when it assigns values).
_GB11714_BODY = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: Registering authorities (1st char) and the entity types (2nd char) each one uses, from
#: GB 32100-2015 Annex A plus the later-assigned A (军队) and N (农业) columns.
AUTHORITY_KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("市场监督管理", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}


class UsccIssueCode(StrEnum):
    """Stable codes for what can be wrong with a credit code (used by importers and APIs)."""

    WRONG_LENGTH = "wrong_length"
    BAD_CHARACTER = "bad_character"
    BAD_REGION = "bad_region"
    UNKNOWN_TYPE = "unknown_type"
    BAD_ORG_CHECK = "bad_org_check"
    BAD_CHECK = "bad_check"


@dataclass(frozen=True, slots=True)
class UsccIssue:
    """One problem found in a credit code; ``position`` is 1-based when it applies."""

    code: UsccIssueCode
    message_zh: str
    message_en: str
    position: int | None = None


def gb11714_value(char: str) -> int:
    """Value of a GB 11714 body character: 0-9 for digits, 10-35 for A-Z."""
    value = _GB11714_BODY.find(char)
    if value < 0 or len(char) != 1:
        raise ValueError(f"not a GB 11714 body character: {char!r}")
    return value


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body.

    ``11 - (sum of value * weight) mod 11``, where 10 is written ``X`` and 11 is ``0``.
    Both possible non-digit outcomes are inside the GB 32100 alphabet, so every valid
    body yields a check character a credit code can carry.
    """
    if len(first8) != 8:
        raise ValueError(f"organisation code body must be 8 characters, got {len(first8)}")
    total = sum(gb11714_value(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character (18th) for the first 17 characters."""
    if len(first17) != 17:
        raise ValueError(f"need the first 17 characters, got {len(first17)}")
    try:
        total = sum(_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not in the GB 32100 alphabet") from None
    return ALPHABET[-total % 31]


def make_uscc(authority: str, kind: str, region: str, org_body8: str) -> str:
    """Assemble a valid code from its parts, computing both check characters.

    The organisation body must use characters that are valid in both standards (digits
    and the GB 32100 capitals), because the whole code must stay in the GB 32100 alphabet.
    """
    kinds = AUTHORITY_KINDS.get(authority)
    if kinds is None or kind not in kinds[1]:
        raise ValueError(f"unknown registering authority / entity type {authority!r}{kind!r}")
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError(f"region must be a 6-digit GB/T 2260 code, got {region!r}")
    if len(org_body8) != 8 or any(c not in _VALUE for c in org_body8):
        raise ValueError(
            f"organisation body must be 8 characters from {ALPHABET}, got {org_body8!r}"
        )
    first17 = authority + kind + region + org_body8 + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)


def normalize_uscc(text: str) -> str:
    """What people type → canonical form: drop spaces and hyphens, upper-case."""
    return "".join(text.split()).replace("-", "").upper()


def region_of(code: str) -> str:
    """The GB/T 2260 region code (characters 3-8) of a credit code."""
    if len(code) < 8:
        raise ValueError(f"credit code too short to hold a region: {code!r}")
    return code[2:8]


def validate_uscc(code: str) -> list[UsccIssue]:
    """Every problem with ``code``; an empty list means the code is valid.

    The checks build on each other: with a wrong length or a character outside the
    alphabet no checksum is meaningful, so those are reported alone.
    """
    if len(code) != 18:
        return [
            UsccIssue(
                UsccIssueCode.WRONG_LENGTH,
                f"统一社会信用代码应为18位，实际为{len(code)}位",
                f"a unified social credit code has 18 characters, got {len(code)}",
            )
        ]
    bad = [
        UsccIssue(
            UsccIssueCode.BAD_CHARACTER,
            f"第{pos}位字符“{c}”不允许（只能是数字和除I、O、S、V、Z外的大写字母）",
            f"character {c!r} at position {pos} is not allowed "
            "(digits and capitals except I, O, S, V, Z only)",
            pos,
        )
        for pos, c in enumerate(code, start=1)
        if c not in _VALUE
    ]
    if bad:
        return bad
    issues: list[UsccIssue] = []
    kinds = AUTHORITY_KINDS.get(code[0])
    if kinds is None or code[1] not in kinds[1]:
        issues.append(
            UsccIssue(
                UsccIssueCode.UNKNOWN_TYPE,
                f"登记管理部门代码“{code[0]}”与机构类别代码“{code[1]}”不是有效组合",
                f"registering authority {code[0]!r} with entity type {code[1]!r} "
                "is not a known combination",
                1,
            )
        )
    if not code[2:8].isdigit():
        issues.append(
            UsccIssue(
                UsccIssueCode.BAD_REGION,
                f"第3至8位登记管理机关行政区划码应为6位数字，实际为“{code[2:8]}”",
                f"characters 3-8 must be a 6-digit region code, got {code[2:8]!r}",
                3,
            )
        )
    expected_org = org_code_check_char(code[8:16])
    if code[16] != expected_org:
        issues.append(
            UsccIssue(
                UsccIssueCode.BAD_ORG_CHECK,
                f"第9至17位组织机构代码校验码错误：第17位应为“{expected_org}”，实际为“{code[16]}”",
                f"the organisation code (characters 9-17) fails its GB 11714 check: "
                f"position 17 should be {expected_org!r}, got {code[16]!r}",
                17,
            )
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        issues.append(
            UsccIssue(
                UsccIssueCode.BAD_CHECK,
                f"校验码错误：第18位应为“{expected}”，实际为“{code[17]}”",
                f"check character is wrong: position 18 should be {expected!r}, got {code[17]!r}",
                18,
            )
        )
    return issues


def is_valid_uscc(code: str) -> bool:
    """True when :func:`validate_uscc` finds nothing wrong."""
    return not validate_uscc(code)
