"""Codes for inspection objects that are not market entities (sites, products, projects).

They have no unified social credit code, so they get one of ours, shaped like one so that
every table, file and draw can treat both alike: 18 characters, ``Z`` (a first character no
credit code uses, as Z is outside the GB 32100 alphabet), a kind letter (C 场所, P 产品,
J 项目, Q 其他), the 6-digit region code, a 9-digit serial and the GB 32100 mod-31 check
character computed as if the leading Z were ``0``.  The population file's ``id`` rules hold
for it too.
"""

from __future__ import annotations

import re

from .uscc import uscc_check_char

OBJECT_KINDS = {"C": "场所", "P": "产品", "J": "项目", "Q": "其他"}
_PATTERN = re.compile(r"^Z[CPJQ]\d{15}[0-9A-HJ-NPQRTUWXY]$")


def make_object_code(kind: str, region: str, serial: int) -> str:
    if kind not in OBJECT_KINDS:
        raise ValueError(f"unknown object kind {kind!r}; use one of {sorted(OBJECT_KINDS)}")
    if not (len(region) == 6 and region.isdigit()):
        raise ValueError("region must be a 6-digit GB/T 2260 code")
    if not 0 < serial < 10**9:
        raise ValueError("serial must be 1..999999999")
    body = f"Z{kind}{region}{serial:09d}"
    return body + _check(body)


def _check(first17: str) -> str:
    return uscc_check_char("0" + first17[1:])


def is_object_code(code: str) -> bool:
    return bool(_PATTERN.match(code)) and _check(code[:17]) == code[17]
