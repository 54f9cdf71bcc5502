"""Searching the target directory (检查对象名录库): filters, name and code search, and
keyset pagination that stays fast deep into a county of ten million entities.

``target_search(user=…, filters=…, after=…)`` returns one :class:`SearchPage`.  There is no
OFFSET and no COUNT: a page is "the next ``limit`` rows after the cursor" plus one row to
know whether there are more.  Rows added between pages never make another row appear twice
or be skipped.

What the query box means (see ``docs/search.md``):

* six to eighteen letters and digits, at least one digit → a credit code: eighteen
  characters an exact match, fewer a prefix; ordered by code, served by a btree on
  ``credit_code`` in byte order;
* anything else → a substring of the name, ordered by id.  PostgreSQL walks the id order
  or reads a GIN index on the name's pairs of characters (keyed by id bucket), window by
  window, as PostgreSQL's statistics on those pairs and the windows seen so far say; SQLite
  reads two FTS5 tables (trigram tokenizer from three characters, a pairs table for two),
  which hand out postings in id order.  One character is a scan in id order on both.  Latin
  letters match in either case.

The indexes and the SQLite tables and triggers are made by migration
``directory.0004_search_indexes``; the SQLite triggers live here too because a SQLite table
remake (how Django alters a column there) drops them, and :func:`ensure_sqlite_search` puts
them back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Collate, Lower, StrIndex

from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action, AnyUser

from .library import library_q
from .models import Target, TargetLibrary

MAX_LIMIT = 200
CODE_QUERY = re.compile(r"[0-9A-Z]{6,18}")
FULL_CODE_LENGTH = 18

# SQLite: the names FTS5 table (trigram tokenizer, external content) and the bigram table
# (contentless, one token per pair of adjacent characters) with the triggers that keep them
# in step with directory_target.  ``directory_target_bigram_n`` holds 1..255: SQLite does not
# allow a recursive CTE inside a trigger, so the pairs are cut with a join on it.
FTS_NAME = "directory_target_name_fts"
FTS_BIGRAM = "directory_target_bigram_fts"
NUMBERS = "directory_target_bigram_n"


def _bigrams_of(row: str) -> str:
    """SELECT of (id, space-separated character pairs of the name) for NEW or OLD."""
    return (
        f"SELECT {row}.id, coalesce(group_concat(substr({row}.name, n, 2), ' '), '') "  # nosec B608 - table names are module constants
        f"FROM {NUMBERS} WHERE n < length({row}.name)"
    )


SQLITE_TRIGGERS: dict[str, str] = {
    "directory_target_search_ai": f"""
        CREATE TRIGGER IF NOT EXISTS directory_target_search_ai
        AFTER INSERT ON directory_target BEGIN
            INSERT INTO {FTS_NAME}(rowid, name) VALUES (new.id, new.name);
            INSERT INTO {FTS_BIGRAM}(rowid, grams) {_bigrams_of("new")};
        END""",  # nosec B608 - DDL from module constants
    "directory_target_search_ad": f"""
        CREATE TRIGGER IF NOT EXISTS directory_target_search_ad
        AFTER DELETE ON directory_target BEGIN
            INSERT INTO {FTS_NAME}({FTS_NAME}, rowid, name) VALUES ('delete', old.id, old.name);
            INSERT INTO {FTS_BIGRAM}({FTS_BIGRAM}, rowid, grams)
                SELECT 'delete', * FROM ({_bigrams_of("old")});
        END""",  # nosec B608 - DDL from module constants
    "directory_target_search_au": f"""
        CREATE TRIGGER IF NOT EXISTS directory_target_search_au
        AFTER UPDATE OF id, name ON directory_target BEGIN
            INSERT INTO {FTS_NAME}({FTS_NAME}, rowid, name) VALUES ('delete', old.id, old.name);
            INSERT INTO {FTS_BIGRAM}({FTS_BIGRAM}, rowid, grams)
                SELECT 'delete', * FROM ({_bigrams_of("old")});
            INSERT INTO {FTS_NAME}(rowid, name) VALUES (new.id, new.name);
            INSERT INTO {FTS_BIGRAM}(rowid, grams) {_bigrams_of("new")};
        END""",  # nosec B608 - DDL from module constants
}


def ensure_sqlite_search(connection: BaseDatabaseWrapper) -> bool:
    """Make sure the SQLite search triggers exist; if any was missing (a table remake
    dropped it), create them and rebuild both search tables from ``directory_target``.
    Returns True when it had to repair.  Safe to call at any time, a no-op elsewhere."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cur:
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["directory_target"],
        )
        present = {row[0] for row in cur.fetchall()}
        if set(SQLITE_TRIGGERS) <= present:
            return False
        for sql in SQLITE_TRIGGERS.values():
            cur.execute(sql)
        cur.execute(f"INSERT INTO {FTS_NAME}({FTS_NAME}) VALUES ('rebuild')")  # nosec B608 - constant table name
        cur.execute(f"INSERT INTO {FTS_BIGRAM}({FTS_BIGRAM}) VALUES ('delete-all')")  # nosec B608 - constant table name
        cur.execute(
            f"INSERT INTO {FTS_BIGRAM}(rowid, grams) "  # nosec B608 - constant table names
            "SELECT t.id, coalesce(group_concat(substr(t.name, n.n, 2), ' '), '') "
            f"FROM directory_target AS t LEFT JOIN {NUMBERS} AS n ON n.n < length(t.name) "
            "GROUP BY t.id"
        )
    return True


_checked_sqlite: set[str] = set()


def _ensure_once(alias: str) -> None:
    if alias not in _checked_sqlite:
        ensure_sqlite_search(connections[alias])
        _checked_sqlite.add(alias)


class SearchMode(StrEnum):
    ALL = "all"  # filters only, ordered by id
    NAME = "name"  # name substring, ordered by id
    CODE = "code"  # credit code or its prefix, ordered by code then id


@dataclass(frozen=True)
class TargetFilters:
    """What the target list is filtered by; empty values do not filter."""

    q: str = ""
    township_id: int | None = None
    kind: str = ""
    risk_class: str = ""
    status: str = ""
    library: TargetLibrary | None = None


@dataclass(frozen=True)
class SearchPage:
    items: list[Target]
    mode: SearchMode
    next_cursor: str | None  # pass as ``after`` for the next page; None on the last page

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


def classify(q: str) -> tuple[SearchMode, str]:
    """What the query box asks for, and the normalised term."""
    term = q.strip()
    if not term:
        return SearchMode.ALL, ""
    upper = term.upper()
    if CODE_QUERY.fullmatch(upper) and any(c.isdigit() for c in upper):
        return SearchMode.CODE, upper
    return SearchMode.NAME, term


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# PostgreSQL name search; the measurements behind these numbers are in docs/search.md.
BUCKET_BITS = 16  # the pair index keys each pair with id >> 16: 65 536 ids per bucket
WALK_DENSITY = 0.02  # a term in at least this share of rows is found faster by walking
WALK_MIN_IDS = 10_000  # the shortest walk (about 4 ms) ...
WALK_MAX_IDS = 150_000  # ... and the longest (about 50 ms) before the walk is reconsidered
WINDOW_MATCHES = 200  # rows an index window aims to find ...
WINDOW_MAX_MATCHES = 4_000  # ... and may hold at most, by the statistics (~70 ms of visits)
STATS_TTL = 600.0  # seconds the pair frequencies are kept
SQLITE_FIRST_CHUNK = 256
# Planner settings for the name search's own queries, reverted after them: its estimates
# for the pair index are guesses, and a wrong guess must not turn into a sequential scan,
# a JIT compilation or parallel workers (each tens to thousands of ms on a 50-row page).
PLANNER = {"enable_seqscan": "off", "jit": "off", "max_parallel_workers_per_gather": "0"}


def _ids(qs: QuerySet[Target], n: int) -> list[int]:
    return list(qs.order_by("pk").values_list("pk", flat=True)[:n])


def _pairs(term: str) -> list[str]:
    low = term.lower()
    return sorted({low[i : i + 2] for i in range(len(low) - 1)})


def _substring_filter(qs: QuerySet[Target], term: str) -> QuerySet[Target]:
    """The substring test rows are checked with: strpos() is many times cheaper than LIKE
    on multibyte text, and no index serves it, so a walk keeps to the primary key.  Latin
    letters ignore case, as the pair index does."""
    if any(c.isascii() and c.isalpha() for c in term):
        position = StrIndex(Lower("name"), Value(term.lower()))
    else:
        position = StrIndex("name", Value(term))
    return qs.alias(ssj_position=position).filter(ssj_position__gt=0)


class _NameKeys(Func):
    """``ssj_name_keys(name, id)``: each pair of adjacent characters of the lower-cased
    name, followed by ``|`` and the id's bucket (``鑫源|152``); an IMMUTABLE function made
    by the migration, with a GIN index.  The bucket lets one index scan read the postings
    of a stretch of ids only, so the index can be asked window by window in id order."""

    function = "ssj_name_keys"
    output_field = ArrayField(TextField())


def _indexed_filter(
    qs: QuerySet[Target], term: str, first_bucket: int, last_bucket: int, pairs: list[str]
) -> QuerySet[Target]:
    """Rows of buckets ``first_bucket..last_bucket`` holding ``pairs`` (a row lives in one
    bucket, so holding each pair in some bucket of the window is holding all in its own),
    then the substring itself."""
    qs = qs.alias(ssj_keys=_NameKeys("name", "id"))
    buckets = range(first_bucket, last_bucket + 1)
    for pair in pairs:
        qs = qs.filter(**{"ssj_keys__overlap": [f"{pair}|{b}" for b in buckets]})
    return _substring_filter(qs, term)


@dataclass(frozen=True)
class _PairStats:
    """How often pairs of characters occur in names: PostgreSQL's statistics on
    ``ssj_bigrams(name)`` (the migration's statistics object: up to 10 000 most common pairs)."""

    frequency: dict[str, float]
    floor: float  # pairs not listed are rarer than this
    rows: float
    read_at: float

    def frequency_of(self, pair: str) -> float:
        return self.frequency.get(pair, self.floor)

    def density(self, term: str) -> float:
        """At most this share of rows hold ``term``: as many as hold its rarest pair."""
        return min(map(self.frequency_of, _pairs(term)))

    def rarest(self, term: str, n: int = 4) -> list[str]:
        """The pairs to ask the index for.  Each more narrows the rows it names (pairs
        anywhere in a name, not necessarily side by side as in the term); four did best on
        the ten-million county, and the most common pairs (新县 is in 94 % of the names)
        would only slow the index down."""
        return sorted(_pairs(term), key=self.frequency_of)[:n]


_pair_stats: dict[str, _PairStats] = {}


def _pair_stats_for(alias: str) -> _PairStats:
    cached = _pair_stats.get(alias)
    now = time.monotonic()
    if cached is not None and now - cached.read_at < STATS_TTL:
        return cached
    with connections[alias].cursor() as cur:
        cur.execute(
            "SELECT e.most_common_elems::text::text[], e.most_common_elem_freqs, c.reltuples "
            "FROM pg_stats_ext_exprs e JOIN pg_class c ON c.relname = e.tablename "
            "AND c.relnamespace = to_regnamespace(e.schemaname) "
            "WHERE e.statistics_name = 'directory_target_name_pairs'"
        )
        row = cur.fetchone()
    if row is None or row[0] is None:  # not analysed yet: a new or small table
        stats = _PairStats({}, 0.0, 0.0, now)
    else:
        elements, freqs, rows = row
        listed = len(elements)
        frequency = dict(zip(elements, freqs[:listed], strict=True))
        stats = _PairStats(frequency, freqs[listed], max(rows, 0.0), now)
    _pair_stats[alias] = stats
    return stats


@contextmanager
def _planner(alias: str) -> Iterator[None]:
    names = list(PLANNER)
    with transaction.atomic(using=alias), connections[alias].cursor() as cur:
        cur.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        before = cur.fetchone()
        assert before is not None
        setting = "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names))
        cur.execute(setting, [v for name in names for v in (name, PLANNER[name])])
        yield
        # Reached only without an error; after one the savepoint's rollback undoes them.
        cur.execute(setting, [v for pair in zip(names, before, strict=True) for v in pair])


def _postgres_name_ids(qs: QuerySet[Target], term: str, start: int, need: int) -> list[int]:
    """The first ``need`` ids after ``start`` whose name contains ``term``, window by
    window in id order.

    An index answer costs a heap visit per row it names (~17 µs here): right for rare
    terms, ruinous for common ones.  A walk in id order costs a row per row walked (~0.35
    µs): the other way round.  PostgreSQL's own estimates for substrings are guesses, so
    each window is walked or asked of the index here, from the share of rows that hold the
    term: first the statistics' bound (the share of its rarest pair), then what the last
    window showed.  Windows grow at most fourfold, and an index window is kept to what the
    statistics allow to hold WINDOW_MAX_MATCHES."""
    walk = _substring_filter(qs, term)
    if len(term) < 2:  # no index serves one character
        return _ids(walk.filter(pk__gt=start), need)
    stats = _pair_stats_for(qs.db)
    pairs = stats.rarest(term)
    bound = stats.density(term) if stats.rows else 0.0
    top = Target._default_manager.using(qs.db).order_by("-pk").values_list("pk", flat=True)
    last_id = top.first() or 0
    widest = WINDOW_MAX_MATCHES / bound if bound else float(last_id)
    density, span = bound, float(last_id)
    ids: list[int] = []
    pos = start
    with _planner(qs.db):
        while len(ids) < need and pos < last_id:
            rest = need - len(ids)
            if density >= WALK_DENSITY:
                span = min(max(4 * rest / density, WALK_MIN_IDS), WALK_MAX_IDS, 4 * span)
                end = pos + int(span)
                found = _ids(walk.filter(pk__gt=pos, pk__lte=end), rest)
            else:
                want = WINDOW_MATCHES / density if density else float(last_id)
                span = max(min(want, widest, 4 * span), 1.0)
                first, last = (pos + 1) >> BUCKET_BITS, (pos + int(span)) >> BUCKET_BITS
                end = ((last + 1) << BUCKET_BITS) - 1  # whole buckets: their postings are read
                window = _indexed_filter(qs, term, first, last, pairs)
                found = sorted(i for i in window.values_list("pk", flat=True) if pos < i <= end)
                found = found[:rest]
            ids += found
            span = float(end - pos)
            density = max(len(found), 0.5) / span  # what this stretch showed
            pos = end
    return ids


def _sqlite_name_ids(qs: QuerySet[Target], term: str, start: int, need: int) -> list[int] | None:
    """The same from the FTS5 tables, which hand out their postings in rowid order: read
    them in growing chunks after ``start`` and keep the ids that pass the other filters.
    None when no FTS table serves the term."""
    n = len(term)
    ascii_separator = any(c.isascii() and not c.isalnum() for c in term)
    if n < 2 or (n == 2 and ascii_separator):
        return None
    table = FTS_NAME if n >= 3 else FTS_BIGRAM
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid > %s ORDER BY rowid LIMIT %s"  # nosec B608 - table is one of two constants; values are bound
    ids: list[int] = []
    chunk = max(need, SQLITE_FIRST_CHUNK)
    with connections[qs.db].cursor() as cur:
        while len(ids) < need:
            cur.execute(sql, [_fts_phrase(term), start, chunk])
            candidates = [row[0] for row in cur.fetchall()]
            if not candidates:
                break
            ids += _ids(qs.filter(pk__in=candidates), need - len(ids))
            if len(candidates) < chunk:
                break
            start, chunk = candidates[-1], min(chunk * 4, 8192)
    return ids


def _name_ids(qs: QuerySet[Target], term: str, vendor: str, start: int, need: int) -> list[int]:
    if vendor == "postgresql":
        return _postgres_name_ids(qs, term, start, need)
    ids = _sqlite_name_ids(qs, term, start, need) if vendor == "sqlite" else None
    if ids is None:
        ids = _ids(qs.filter(pk__gt=start, name__icontains=term), need)
    return ids


def _code_expr(vendor: str) -> Combinable:
    # Byte order, so that a prefix is a range and the order is the index's order.
    return Collate(F("credit_code"), "C") if vendor == "postgresql" else F("credit_code")


def _prefix_successor(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _parse_cursor(after: str | None, mode: SearchMode) -> tuple[str | None, int] | None:
    """``id`` for id order, ``code~id`` for code order; anything else starts over."""
    if not after:
        return None
    code, sep, raw_id = after.rpartition("~")
    if not raw_id.isdigit() or (mode is SearchMode.CODE) != bool(sep):
        return None
    if mode is SearchMode.CODE and not CODE_QUERY.fullmatch(code):
        return None
    return (code if sep else None), int(raw_id)


def _apply_filters(qs: QuerySet[Target], filters: TargetFilters) -> QuerySet[Target]:
    if filters.township_id is not None:
        qs = qs.filter(township_id=filters.township_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.risk_class:
        qs = qs.filter(risk_class=filters.risk_class)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.library is not None:
        qs = qs.filter(library_q(filters.library))
    return qs


def target_search(
    *, user: AnyUser, filters: TargetFilters, after: str | None = None, limit: int = 50
) -> SearchPage:
    """One page of the targets ``user`` may see that match ``filters``, after the cursor
    ``after`` (a page's ``next_cursor``; an unreadable cursor starts from the top)."""
    qs = policy.instances_user_has_permission_for(user, Action.VIEW, Target)
    return _search(qs, filters, after, limit)


def public_target_search(
    *, filters: TargetFilters, after: str | None = None, limit: int = 20
) -> SearchPage:
    """The public portal's search: market entities are public registry information
    (企业信用信息公示), so every registered entity is searchable by name or credit code,
    without a login.  What the public page shows of each row is the page's business (no
    legal representative or telephone)."""
    return _search(Target.objects.all(), filters, after, limit)


def _search(
    qs: QuerySet[Target], filters: TargetFilters, after: str | None, limit: int
) -> SearchPage:
    limit = max(1, min(limit, MAX_LIMIT))
    alias = qs.db
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        _ensure_once(alias)
    qs = _apply_filters(qs, filters)
    mode, term = classify(filters.q)
    cursor = _parse_cursor(after, mode)

    if mode is SearchMode.CODE:
        qs = qs.alias(ssj_code=_code_expr(vendor))
        low = term
        if cursor is not None:
            cursor_code, cursor_id = cursor
            assert cursor_code is not None
            low = max(low, cursor_code)
            qs = qs.filter(Q(ssj_code__gt=cursor_code) | Q(ssj_code=cursor_code, pk__gt=cursor_id))
        if len(term) == FULL_CODE_LENGTH:
            qs = qs.filter(ssj_code=term)
        else:
            qs = qs.filter(ssj_code__gte=low, ssj_code__lt=_prefix_successor(term))
        qs = qs.order_by("ssj_code", "pk")
    else:
        start = cursor[1] if cursor is not None else 0
        if mode is SearchMode.NAME:
            ids = _name_ids(qs, term, vendor, start, limit + 1)
            qs = qs.filter(pk__in=ids)
        else:
            qs = qs.filter(pk__gt=start)
        qs = qs.order_by("pk")

    # No join in the main query (it would weigh on the planner's choice); townships are a
    # handful of rows fetched once.  The long business scope is not needed in a list.
    rows = list(qs.defer("scope").prefetch_related("township")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = f"{last.credit_code}~{last.pk}" if mode is SearchMode.CODE else str(last.pk)
    return SearchPage(items=rows, mode=mode, next_cursor=next_cursor)
