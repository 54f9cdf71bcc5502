"""The draw-v1 target draw as one PostgreSQL query (数据库内摇号).

The platform freezes a task's population into a table (id text, stratum text, tickets int)
and can then draw inside the database, without shipping ten million rows to Python. The
query below is the spec written in SQL; tests/lottery/test_sql_postgres.py checks that it
returns exactly what `shuangsuiji.lottery.draw` returns.

Choices that keep it bit-identical to Python:
- hash input is `convert_to(text, 'UTF8')`, never a `::bytea` cast (which would read
  backslashes as escapes) nor the server encoding;
- keys are lowercase hex compared with COLLATE "C" (byte order = numeric order); ids are
  compared as UTF-8 bytes (`convert_to`), whatever the database collation;
- the drawn size uses integer arithmetic: ceil(N·a/b) = div(N·a + b − 1, b), where a/b is
  the rate divided by 100 as an exact fraction.

Only the standard library is imported: the text and parameters are for any DB-API driver
using `%(name)s` placeholders (psycopg 3, Django's connection.cursor()).
"""

from __future__ import annotations

import re
from typing import Any

from .quotas import QuotaSet

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

DRAW_SQL = """\
WITH quota AS (
    SELECT q.stratum, q.count_n, q.rate_num, q.rate_den
    FROM unnest(
        %(strata)s::text[], %(counts)s::numeric[], %(rate_nums)s::numeric[],
        %(rate_dens)s::numeric[]
    ) AS q(stratum, count_n, rate_num, rate_den)
),
keyed AS (
    SELECT
        p.id,
        p.stratum,
        count(*) OVER (PARTITION BY p.stratum) AS stratum_size,
        (
            SELECT min(encode(sha256(convert_to(
                %(prefix)s || p.id || ':' || j::text, 'UTF8')), 'hex') COLLATE "C")
            FROM generate_series(1, p.tickets) AS j
        ) AS key
    FROM {table} AS p
),
ranked AS (
    SELECT
        k.id,
        k.stratum,
        k.key,
        k.stratum_size,
        row_number() OVER (
            PARTITION BY k.stratum ORDER BY k.key COLLATE "C", convert_to(k.id, 'UTF8')
        ) AS position
    FROM keyed AS k
)
SELECT r.id, r.stratum, r.key
FROM ranked AS r
JOIN quota AS q ON q.stratum = r.stratum
WHERE r.position <= LEAST(
    r.stratum_size,
    COALESCE(q.count_n, div(r.stratum_size * q.rate_num + q.rate_den - 1, q.rate_den))
)
ORDER BY r.key COLLATE "C", convert_to(r.id, 'UTF8')
"""

DIGEST_SQL = """\
SELECT encode(sha256(convert_to(
    'id,stratum,tickets' || chr(10) || coalesce(string_agg(
        p.id || ',' || p.stratum || ',' || p.tickets::text || chr(10), ''
        ORDER BY convert_to(p.id, 'UTF8')
    ), ''),
    'UTF8')), 'hex')
FROM {table} AS p
"""

STRATA_SQL = """\
SELECT p.stratum, count(*) FROM {table} AS p
GROUP BY p.stratum ORDER BY convert_to(p.stratum, 'UTF8')
"""


def quote_table(name: str) -> str:
    """Quote `table` or `schema.table`; anything else is refused (no SQL injection)."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 2 or not all(_IDENT.fullmatch(p) for p in parts):
        raise ValueError(f"not a plain table name: {name!r}")
    return ".".join(f'"{p}"' for p in parts)


def draw_sql(table: str, *, seed: str, quotas: QuotaSet) -> tuple[str, dict[str, Any]]:
    """SQL text and parameters returning the selected (id, stratum, key) in dispatch order.

    The seed comes from `compute_seed` (it needs the population digest, which the caller
    has from the frozen file or from `digest_sql`). Strata of the table must match the
    quotas one to one — check with `strata_sql` and `QuotaSet.resolve` first: rows of a
    stratum without quota are simply not drawn here, where Python would refuse.
    """
    strata = list(quotas.quotas)
    counts: list[int | None] = []
    nums: list[int | None] = []
    dens: list[int | None] = []
    for quota in quotas.quotas.values():
        counts.append(quota.count)
        if quota.rate is None:
            nums.append(None)
            dens.append(None)
        else:
            fraction = quota.rate / 100
            nums.append(fraction.numerator)
            dens.append(fraction.denominator)
    params = {
        "strata": strata,
        "counts": counts,
        "rate_nums": nums,
        "rate_dens": dens,
        "prefix": seed + ":",
    }
    return DRAW_SQL.format(table=quote_table(table)), params


def digest_sql(table: str) -> str:
    """SQL returning the population digest of the table's rows (the canonical file's SHA-256).

    Builds the file as one text value, so it is limited by PostgreSQL's 1 GB field size
    (about 40 million rows of credit codes).
    """
    return DIGEST_SQL.format(table=quote_table(table))


def strata_sql(table: str) -> str:
    """SQL returning (stratum, rows) in draw-v1 stratum order."""
    return STRATA_SQL.format(table=quote_table(table))
