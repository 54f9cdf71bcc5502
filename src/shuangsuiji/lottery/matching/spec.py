"""The hash formulas of ``shuangsuiji-match-v1`` (see docs/matching.md, "Seeds and keys").

Each one is a single SHA-256 over UTF-8 text so that a citizen can recompute it with
``printf '%s' ... | sha256sum``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SPEC_ID = "shuangsuiji-match-v1"
#: First line of a replacement seed; a different tag keeps replacement keys apart from the
#: matching's pair keys even for the same (target, inspector).
REPLACE_TAG = "shuangsuiji-match-v1/replace"
DRAW_SPEC_ID = "shuangsuiji-draw-v1"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def match_seed(draw_seed: str, inputs_digest: str, entropy: Iterable[str] = ()) -> str:
    """SHA-256 of the LF-joined lines (no final LF): spec id, draw seed, inputs digest, entropy…

    With no entropy entries this is exactly SHA-256("shuangsuiji-match-v1\\n" + seed + "\\n" +
    digest). Entropy entries (recorded after the inputs digest was published) make the keys
    unpredictable to whoever prepared the inputs, as the draw's entropy does for the draw.
    """
    return sha256_hex("\n".join([SPEC_ID, draw_seed, inputs_digest, *entropy]))


def pair_key(seed: str, target_id: str, inspector_id: str) -> str:
    """SHA-256hex(seed + ":" + target id + ":" + inspector id), the random rank of a pair."""
    return sha256_hex(f"{seed}:{target_id}:{inspector_id}")


def replacement_seed(
    match_seed_hex: str, sequence_no: int, target_id: str, recused_inspector_id: str
) -> str:
    """SHA-256 of the LF-joined lines: replace tag, match seed, sequence number, target, recused.

    The free-text reason is deliberately left out: if it were hashed, whoever words the
    recusal could try wordings until the replacement they want comes out.
    """
    return sha256_hex(
        "\n".join([REPLACE_TAG, match_seed_hex, str(sequence_no), target_id, recused_inspector_id])
    )
