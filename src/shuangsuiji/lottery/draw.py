"""The target draw of shuangsuiji-draw-v1 (随机抽取检查对象): commitment, seed, keys, selection.

Keys are per row and independent of every other row, so the draw depends only on the *set*
of rows: any storage order, any sharding, and a database `ORDER BY sha256(...)` give the same
result. Within a stratum the n_h smallest (key, id) win; all winners sorted by (key, id) are
the dispatch order that inspector matching consumes.

Speed (a province holds ~10M rows): the seed prefix `seed + ":"` is hashed once and copied
per ticket, keys stay 32-byte digests until the winners are known (bytes compare like the
lowercase hex the spec compares), and each stratum keeps a bounded buffer pruned with
a sort plus a cutoff key, so most rows cost one hash and one comparison.

When the optional C accelerator `_fastdraw` is built, `select_population` hands the key
computation and the per-stratum selection to it (same spec, same result, verified against
this code by tests/lottery/test_fastdraw.py); SHUANGSUIJI_PURE_PYTHON=1 forces this code.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import DrawInputError, ErrorCode, PopulationError, QuotaError
from .population import (
    HEADER,
    MAX_TICKETS,
    Population,
    Row,
    block_columns,
    fast_module,
    fast_threads,
    iter_blocks,
    line_ranges,
    map_shards,
)
from .quotas import QuotaSet, quota_set

SPEC = "shuangsuiji-draw-v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TICKET_SUFFIX = [b""] + [str(j).encode("ascii") for j in range(1, MAX_TICKETS + 1)]


def new_secret() -> str:
    """32 random bytes from the OS CSPRNG, as 64 lowercase hex characters."""
    return secrets.token_bytes(32).hex()


def check_secret(secret: str) -> None:
    if not isinstance(secret, str) or not _HEX64.fullmatch(secret):
        raise DrawInputError(
            ErrorCode.BAD_SECRET, "secret must be exactly 64 lowercase hex characters (32 bytes)"
        )


def commitment_of(secret: str) -> str:
    """commitment = SHA-256 of the secret's 64-character ASCII text (承诺值)."""
    check_secret(secret)
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _utf8_ok(text: str) -> bool:
    # Command-line arguments that were not valid UTF-8 arrive as lone surrogates.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_task_id(task_id: str) -> None:
    # The seed joins its inputs with LF, so a task id holding LF (or CR) would be ambiguous.
    if (
        not isinstance(task_id, str)
        or not task_id
        or not _utf8_ok(task_id)
        or "\n" in task_id
        or "\r" in task_id
        or task_id != task_id.strip()
        or not unicodedata.is_normalized("NFC", task_id)
    ):
        raise DrawInputError(
            ErrorCode.BAD_TASK_ID,
            f"task id {task_id!r} must be non-empty NFC text without line breaks"
            " or surrounding white space",
        )


def normalize_entropy(entries: Iterable[str]) -> tuple[str, ...]:
    """NFC-normalise and strip each public entropy entry (公开随机源), keeping their order.

    White space is what Python's str.strip() removes (Unicode White_Space). An entry that is
    empty after stripping, or holds a line break, is refused: it would make the seed text
    ambiguous or record nothing.
    """
    out = []
    for number, entry in enumerate(entries, start=1):
        text = unicodedata.normalize("NFC", entry).strip() if isinstance(entry, str) else ""
        if not text or "\n" in text or "\r" in text or not _utf8_ok(text):
            raise DrawInputError(
                ErrorCode.BAD_ENTROPY,
                f"entropy entry {number} ({entry!r}) must be non-empty and on one line",
            )
        out.append(text)
    return tuple(out)


def compute_seed(
    *,
    task_id: str,
    population_digest: str,
    quota_line: str,
    secret: str,
    entropy: Sequence[str],
) -> str:
    """seed = SHA-256 hex of the LF-joined lines (no final LF) named by draw-v1."""
    text = "\n".join([SPEC, task_id, population_digest, quota_line, secret, *entropy])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ticket_key(seed: str, target_id: str, tickets: int) -> str:
    """A row's key: min over j = 1..t of SHA-256 hex of `seed:id:j` (one row, for checking)."""
    if not 1 <= tickets <= MAX_TICKETS:
        raise ValueError(f"tickets must be 1–{MAX_TICKETS}")
    prefix = f"{seed}:{target_id}:"
    return min(hashlib.sha256(f"{prefix}{j}".encode()).hexdigest() for j in range(1, tickets + 1))


@dataclass(frozen=True, slots=True)
class Selected:
    """One drawn target (抽中对象), in dispatch order within DrawResult.selected."""

    id: str
    stratum: str
    key: str


@dataclass(frozen=True, slots=True)
class StratumDraw:
    size: int
    quota: str
    drawn: int


@dataclass(frozen=True, slots=True)
class DrawResult:
    """Everything the draw record (摇号记录) publishes, in record order."""

    task_id: str
    population_digest: str
    population_size: int
    quotas: Mapping[str, str]
    strata: Mapping[str, StratumDraw]
    commitment: str
    secret: str
    entropy: tuple[str, ...]
    seed: str
    selected: tuple[Selected, ...]
    spec: str = SPEC


# --- ranking ---------------------------------------------------------------------------------
#
# An entry is the 32-byte key digest followed by the id's UTF-8 bytes. Because the digest has
# a fixed length, comparing entries as bytes is exactly comparing (key, id) — and list.sort
# on bytes is a memcmp, several times faster than on (key, id) tuples.
#
# Each stratum has a bucket [n_h, cutoff, entries]: entries is a buffer of at most about
# 2·n_h + 1024 candidates; when full it is sorted and cut back to n_h, and the n_h-th key
# becomes the cutoff, since a row whose key exceeds it can never be among the n_h smallest.
# Pruning by sort rather than heapq.nsmallest is deliberate: at n = half the buffer, the
# heap is slower (heapq's docs say so; measured 3x here on ten million rows).

_KEY_BYTES = 32


def _buckets(drawn: Mapping[bytes, int]) -> dict[bytes, list[Any]]:
    # Strata with n_h = 0 get no bucket: their rows need no hashing at all.
    return {s: [n, None, []] for s, n in drawn.items() if n > 0}


def _prune(bucket: list[Any]) -> None:
    entries = bucket[2]
    entries.sort()
    del entries[bucket[0] :]
    bucket[1] = entries[-1][:_KEY_BYTES]


def _best(bucket: list[Any]) -> list[bytes]:
    entries: list[bytes] = bucket[2]
    entries.sort()
    return entries[: bucket[0]]


def _multi_key(base: Any, idb: bytes, tickets: int) -> bytes:
    prefix = base.copy()
    prefix.update(idb + b":")
    best = b"\xff" * (_KEY_BYTES + 1)
    for j in range(1, tickets + 1):
        h = prefix.copy()
        h.update(_TICKET_SUFFIX[j])
        d = h.digest()
        if d < best:
            best = d
    return best


def _limit(n: int) -> int:
    return 2 * n + 1024


def _rank_blocks(
    blocks: Iterable[bytes], seed: str, drawn: Mapping[bytes, int]
) -> dict[bytes, list[bytes]]:
    """Hot loop over blocks of validated row lines: the n_h best entries per stratum."""
    base = hashlib.sha256(seed.encode("ascii") + b":")
    copy = base.copy
    buckets = _buckets(drawn)
    limits = {s: _limit(n) for s, n in drawn.items()}
    get = buckets.get
    for block in blocks:
        for idb, sb, tb in zip(*block_columns(block), strict=True):
            bucket = get(sb)
            if bucket is None:
                continue
            if tb == b"1":
                h = copy()
                h.update(idb + b":1")
                k = h.digest()
            else:
                k = _multi_key(base, idb, int(tb))
            cutoff = bucket[1]
            if cutoff is not None and k > cutoff:
                continue
            entries = bucket[2]
            entries.append(k + idb)
            if len(entries) >= limits[sb]:
                _prune(bucket)
    return {s: _best(b) for s, b in buckets.items()}


def _rank_rows(
    rows: Iterable[Row], seed: str, drawn: Mapping[bytes, int]
) -> dict[bytes, list[bytes]]:
    """Same as _rank_blocks for rows given as tuples in any order (streams welcome)."""
    base = hashlib.sha256(seed.encode("ascii") + b":")
    buckets = _buckets(drawn)
    limits = {s: _limit(n) for s, n in drawn.items()}
    for target_id, stratum, tickets in rows:
        sb = stratum.encode("utf-8")
        if sb not in drawn:
            raise QuotaError(ErrorCode.MISSING_QUOTA, f"stratum {stratum!r} has no quota")
        bucket = buckets.get(sb)
        if bucket is None:
            continue
        if isinstance(tickets, bool) or not 1 <= tickets <= MAX_TICKETS:
            raise PopulationError(
                ErrorCode.BAD_TICKETS, f"tickets of {target_id!r} must be 1–{MAX_TICKETS}"
            )
        idb = target_id.encode("utf-8")
        k = _multi_key(base, idb, tickets)
        cutoff = bucket[1]
        if cutoff is not None and k > cutoff:
            continue
        bucket[2].append(k + idb)
        if len(bucket[2]) >= limits[sb]:
            _prune(bucket)
    return {s: _best(b) for s, b in buckets.items()}


def _merge(parts: Iterable[dict[bytes, list[bytes]]], drawn: Mapping[bytes, int]) -> list[Selected]:
    """Merge per-shard winners: per stratum the n_h smallest, then all in (key, id) order."""
    pooled: dict[bytes, list[bytes]] = {}
    for part in parts:
        for s, entries in part.items():
            pooled.setdefault(s, []).extend(entries)
    winners: list[tuple[bytes, bytes]] = []
    for s, entries in pooled.items():
        entries.sort()
        winners.extend((e, s) for e in entries[: drawn[s]])
    winners.sort()
    return [
        Selected(
            id=e[_KEY_BYTES:].decode("utf-8"),
            stratum=s.decode("utf-8"),
            key=e[:_KEY_BYTES].hex(),
        )
        for e, s in winners
    ]


def _encode_drawn(drawn: Mapping[str, int]) -> dict[bytes, int]:
    return {s.encode("utf-8"): n for s, n in drawn.items()}


def select_rows(rows: Iterable[Row], *, seed: str, drawn: Mapping[str, int]) -> list[Selected]:
    """Select n_h rows per stratum from rows in any order; returns them in dispatch order.

    `drawn` must name every stratum that occurs (0 allowed). Rows are consumed once, so a
    generator reading a file works; memory is bounded by the drawn sizes, not the rows.
    """
    enc = _encode_drawn(drawn)
    return _merge([_rank_rows(rows, seed, enc)], enc)


# --- ranking a population's bytes, optionally in shards ------------------------------------


def _rank_shard(
    data: bytes, start: int, end: int, seed: str, drawn: dict[bytes, int]
) -> dict[bytes, list[bytes]]:
    return _rank_blocks(iter_blocks(data, start, end), seed, drawn)


def select_population(
    population: Population, *, seed: str, drawn: Mapping[str, int], workers: int = 1
) -> list[Selected]:
    """Select from a validated population; with workers > 1, shards ranked in processes.

    Shards are byte ranges of the file, ranked independently and merged by key — the same
    result as one pass because each row's key does not depend on any other row. With the C
    accelerator, threads take the place of worker processes (same split, same merge).
    """
    if workers < 1:
        raise DrawInputError(ErrorCode.BAD_WORKERS, "workers must be at least 1")
    enc = _encode_drawn(drawn)
    fast = fast_module()
    if fast is not None and len(seed) == 64 and seed.isascii():
        data = population.data
        return _merge([fast.select(data, len(HEADER), seed, enc, fast_threads(len(data)))], enc)
    ranges = line_ranges(population.data, workers)
    parts = map_shards(_rank_shard, population.data, ranges, lambda _: (seed, enc), workers)
    return _merge(parts, enc)


def draw(
    population: Population,
    *,
    task_id: str,
    quotas: QuotaSet | Mapping[str, str],
    secret: str,
    entropy: Iterable[str] = (),
    workers: int = 1,
) -> DrawResult:
    """Run the draw-v1 target draw (摇号) over a frozen population."""
    check_task_id(task_id)
    check_secret(secret)
    entries = normalize_entropy(entropy)
    qs = quotas if isinstance(quotas, QuotaSet) else quota_set(quotas)
    drawn = qs.resolve(population.strata, population.stratum_lines)
    seed = compute_seed(
        task_id=task_id,
        population_digest=population.digest,
        quota_line=qs.line,
        secret=secret,
        entropy=entries,
    )
    selected = select_population(population, seed=seed, drawn=drawn, workers=workers)
    return DrawResult(
        task_id=task_id,
        population_digest=population.digest,
        population_size=population.size,
        quotas=qs.as_texts(),
        strata={
            s: StratumDraw(size=population.strata[s], quota=q.text, drawn=drawn[s])
            for s, q in qs.quotas.items()
        },
        commitment=commitment_of(secret),
        secret=secret,
        entropy=entries,
        seed=seed,
        selected=tuple(selected),
    )


def draw_parallel(
    population: Population,
    *,
    task_id: str,
    quotas: QuotaSet | Mapping[str, str],
    secret: str,
    entropy: Iterable[str] = (),
    workers: int = 2,
) -> DrawResult:
    """`draw` with keys computed by `workers` processes over shards of the file."""
    return draw(
        population,
        task_id=task_id,
        quotas=quotas,
        secret=secret,
        entropy=entropy,
        workers=workers,
    )
