"""Character rules shared by the inputs file and the matching record.

The rules are strict on purpose: a value that passes them has exactly one canonical JSON
spelling, so two implementations that accept the same file compute the same digest.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from .errors import MatchingInputError

#: Unicode White_Space characters that are not control characters (controls are refused
#: anywhere); a value may not begin or end with one of them.
_EDGE_SPACE = frozenset(
    "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
#: Unicode category Cc (C0 and C1 controls, DEL) and the two Unicode line separators.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def check_text(value: Any, what: str, *, max_len: int = 64, id_like: bool = False) -> str:
    """Return ``value`` if it is an acceptable text value, else raise MatchingInputError.

    Accepted: a non-empty string of at most ``max_len`` code points, in Unicode NFC, with
    no control character (categories Cc: U+0000–U+001F, U+007F–U+009F), no U+2028/U+2029,
    and no white space at either end. ``id_like`` values (ids, codes) also may not contain
    a comma, like the ids of the draw's population file.
    """
    if not isinstance(value, str):
        raise MatchingInputError(f"{what}: expected a string, got {type(value).__name__}")
    if not value or len(value) > max_len:
        raise MatchingInputError(f"{what}: must be 1–{max_len} characters, got {len(value)}")
    if _FORBIDDEN.search(value):
        raise MatchingInputError(f"{what}: control or line-break character in {value!r}")
    if value[0] in _EDGE_SPACE or value[-1] in _EDGE_SPACE:
        raise MatchingInputError(f"{what}: leading or trailing white space in {value!r}")
    if not unicodedata.is_normalized("NFC", value):
        raise MatchingInputError(f"{what}: not in Unicode NFC form: {value!r}")
    if id_like and "," in value:
        raise MatchingInputError(f"{what}: a comma is not allowed in {value!r}")
    return value


def normalize_text(value: str) -> str:
    """NFC-normalise and strip, as draw-v1 does for entropy entries typed by people."""
    return unicodedata.normalize("NFC", value).strip()


def check_date(value: Any, what: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` calendar date (ASCII digits only)."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise MatchingInputError(f"{what}: expected a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MatchingInputError(f"{what}: not a calendar date: {value!r}") from None


def check_int(value: Any, what: str, *, low: int, high: int) -> int:
    # bool is an int in Python but not in JSON's data model; refuse it.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MatchingInputError(f"{what}: expected an integer, got {value!r}")
    if not low <= value <= high:
        raise MatchingInputError(f"{what}: must be between {low} and {high}, got {value}")
    return value


def check_hex64(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise MatchingInputError(f"{what}: expected 64 lowercase hex characters, got {value!r}")
    return value


def check_keys(obj: Any, what: str, required: tuple[str, ...]) -> dict[str, Any]:
    """``obj`` must be a JSON object with exactly the ``required`` keys (no more, no fewer)."""
    if not isinstance(obj, dict):
        raise MatchingInputError(f"{what}: expected a JSON object, got {type(obj).__name__}")
    missing = [key for key in required if key not in obj]
    if missing:
        raise MatchingInputError(f"{what}: missing field(s) {', '.join(missing)}")
    extra = sorted(key for key in obj if key not in required)
    if extra:
        raise MatchingInputError(f"{what}: unknown field(s) {', '.join(map(str, extra))}")
    return obj


def check_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MatchingInputError(f"{what}: expected a JSON array, got {type(value).__name__}")
    return value
