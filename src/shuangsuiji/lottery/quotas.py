"""Quotas per stratum (抽取数量/比例) and their exact rounding.

A quota is either a count `N` or a rate `R%` with at most four fraction digits. The drawn size
of a stratum of N_h rows is min(N_h, N) or min(N_h, ceil(N_h × R / 100)); R is kept as an
exact fraction because a float would round 7 × 12.5 / 100 = 0.875 correctly but not, say,
N_h × 0.07 for every N_h, and a draw must not depend on the platform's float library.

Spelling matters: the canonical quota line keeps each quota exactly as written and goes into
the seed, so one spelling per value is enforced for counts (no `01`); rates keep the
spelling the operator chose (`12.5%` and `12.50%` are both valid, and different lines).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from .errors import ErrorCode, QuotaError
from .population import MAX_STRATUM_CHARS, label_problem

_COUNT = re.compile(r"(0|[1-9][0-9]*)")
_RATE = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,4})?%")


@dataclass(frozen=True, slots=True)
class Quota:
    """One stratum's quota, as written and as an exact number."""

    text: str
    count: int | None = None
    rate: Fraction | None = None
    """Percent, e.g. Fraction(25, 2) for `12.5%`."""

    def drawn(self, size: int) -> int:
        """How many of `size` rows this quota draws, by integer arithmetic only."""
        if self.count is not None:
            return min(size, self.count)
        assert self.rate is not None
        return min(size, math.ceil(size * self.rate / 100))


def parse_quota(text: str) -> Quota:
    """Parse `N` or `R%`: ASCII digits; no sign, spaces, exponent or leading zeros."""
    if _COUNT.fullmatch(text):
        return Quota(text=text, count=int(text))
    if _RATE.fullmatch(text):
        return Quota(text=text, rate=Fraction(text[:-1]))
    raise QuotaError(
        ErrorCode.BAD_QUOTA,
        f"bad quota {text!r}: expected a count such as 5 or a rate such as 12.5%"
        " (at most 4 fraction digits, no leading zeros)",
    )


@dataclass(frozen=True, slots=True)
class QuotaSet:
    """Quotas of a draw, ordered by stratum (UTF-8 byte order)."""

    quotas: Mapping[str, Quota]

    @property
    def line(self) -> str:
        """The canonical quota line, e.g. `A=12.5%;B=1;C=50%;D=100%`."""
        return ";".join(f"{s}={q.text}" for s, q in self.quotas.items())

    def as_texts(self) -> dict[str, str]:
        return {s: q.text for s, q in self.quotas.items()}

    def resolve(
        self, strata: Mapping[str, int], stratum_lines: Mapping[str, int] | None = None
    ) -> dict[str, int]:
        """Drawn size per stratum; every present stratum needs a quota and vice versa."""
        for stratum in strata:
            if stratum not in self.quotas:
                line = (stratum_lines or {}).get(stratum)
                at = f" (first row at line {line})" if line is not None else ""
                raise QuotaError(
                    ErrorCode.MISSING_QUOTA,
                    f"stratum {stratum!r} has no quota{at}; give one, 0 is allowed",
                    line=line,
                )
        for stratum in self.quotas:
            if stratum not in strata:
                raise QuotaError(
                    ErrorCode.UNKNOWN_STRATUM,
                    f"quota for stratum {stratum!r}, which has no rows in the population",
                )
        return {s: q.drawn(strata[s]) for s, q in self.quotas.items()}


def _check_stratum(stratum: str) -> None:
    problem = label_problem(stratum, what="stratum", max_chars=MAX_STRATUM_CHARS)
    if problem is not None:
        raise QuotaError(ErrorCode.BAD_QUOTA, f"bad quota stratum: {problem[1]}")


def quota_set(quotas: Mapping[str, str]) -> QuotaSet:
    """Build a QuotaSet from {stratum: quota text}."""
    parsed = {}
    # Code point order equals UTF-8 byte order, which is draw-v1's stratum order.
    for stratum in sorted(quotas):
        _check_stratum(stratum)
        parsed[stratum] = parse_quota(quotas[stratum])
    return QuotaSet(parsed)


def parse_quotas(items: Iterable[str] | str) -> QuotaSet:
    """Parse `STRATUM=QUOTA` items; each item may itself be a `;`-joined quota line."""
    pieces = [items] if isinstance(items, str) else list(items)
    pairs: dict[str, str] = {}
    for piece in pieces:
        for item in piece.split(";"):
            stratum, sep, quota = item.partition("=")
            if not sep:
                raise QuotaError(
                    ErrorCode.BAD_QUOTA, f"bad quota {item!r}: expected STRATUM=QUOTA, e.g. A=5%"
                )
            if stratum in pairs:
                raise QuotaError(
                    ErrorCode.DUPLICATE_QUOTA, f"stratum {stratum!r} has more than one quota"
                )
            pairs[stratum] = quota
    return quota_set(pairs)
