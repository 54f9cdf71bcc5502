"""The same draw inside PostgreSQL, by one query, equals the Python draw bit for bit."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import pytest

from shuangsuiji.lottery import (
    Population,
    compute_seed,
    draw,
    population_from_rows,
    quota_set,
    read_population,
)
from shuangsuiji.lottery.sql import digest_sql, draw_sql, quote_table, strata_sql

from .test_data import EXAMPLE_POPULATION, example_record, make_rows

pytestmark = pytest.mark.postgres

SECRET = "9f2c4b1e8d7a6c5b4a392817f6e5d4c3b2a1908f7e6d5c4b3a2918171615141f"


def _dsn() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def conn() -> Iterator[Any]:
    psycopg = pytest.importorskip("psycopg")
    try:
        connection = psycopg.connect(_dsn(), connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL reachable at {_dsn()}: {exc}")
    with connection:
        yield connection


def _load(conn: Any, pop: Population, table: str = "frozen_population") -> str:
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(
        f"CREATE TEMP TABLE {table} (id text PRIMARY KEY, stratum text NOT NULL,"
        " tickets integer NOT NULL CHECK (tickets BETWEEN 1 AND 1000))"
    )
    rows = list(pop.rows())
    random.Random(0).shuffle(rows)  # storage order must not matter
    with conn.cursor() as cur, cur.copy(f"COPY {table} (id, stratum, tickets) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
    return table


def _sql_draw(conn: Any, table: str, seed: str, quotas: dict[str, str]) -> list[tuple]:
    text, params = draw_sql(table, seed=seed, quotas=quota_set(quotas))
    return [tuple(r) for r in conn.execute(text, params).fetchall()]


def test_example_draw_in_postgres_equals_the_record(conn: Any) -> None:
    pop = read_population(EXAMPLE_POPULATION)
    record = example_record()
    table = _load(conn, pop)
    got = _sql_draw(conn, table, record["seed"], record["quotas"])
    assert got == [(s["id"], s["stratum"], s["key"]) for s in record["selected"]]
    assert conn.execute(digest_sql(table)).fetchone()[0] == record["population_digest"]
    assert conn.execute(strata_sql(table)).fetchall() == [("A", 8), ("B", 6), ("C", 4), ("D", 2)]


@pytest.mark.parametrize(
    ("seed_value", "n_rows", "quotas", "max_tickets"),
    [
        (1, 2000, {"A": "1%", "B": "12.5%", "C": "33.3333%", "D": "0"}, 1),
        (2, 2000, {"A": "100%", "B": "3", "C": "5000", "D": "0.0001%"}, 6),
        (3, 700, {"A": "7%", "B": "50%", "C": "1", "D": "99.9999%"}, 1000),
    ],
)
def test_random_populations_draw_identically_in_postgres_and_python(
    conn: Any, seed_value: int, n_rows: int, quotas: dict[str, str], max_tickets: int
) -> None:
    pop = population_from_rows(make_rows(random.Random(seed_value), n_rows,
                                         max_tickets=max_tickets))  # fmt: skip
    result = draw(pop, task_id=f"新市监抽查〔2026〕{seed_value}号", quotas=quotas, secret=SECRET,
                  entropy=[f"dice:{seed_value}"])  # fmt: skip
    table = _load(conn, pop)
    assert _sql_draw(conn, table, result.seed, quotas) == [
        (t.id, t.stratum, t.key) for t in result.selected
    ]
    assert conn.execute(digest_sql(table)).fetchone()[0] == pop.digest


def test_chinese_ids_and_strata_sort_as_utf8_bytes_in_postgres(conn: Any) -> None:
    rng = random.Random(8)
    rows = {f"{rng.choice(['个体户', 'Zeta', 'zeta', 'É', '合作社'])}{rng.randrange(10**5)}":
            rng.choice(["高风险", "低风险", "B", "b"]) for _ in range(600)}  # fmt: skip
    pop = population_from_rows((i, s, rng.randint(1, 3)) for i, s in rows.items())
    quotas = {s: "30%" for s in pop.strata}
    seed = compute_seed(task_id="T", population_digest=pop.digest,
                        quota_line=quota_set(quotas).line, secret=SECRET, entropy=())  # fmt: skip
    table = _load(conn, pop)
    expected = draw(pop, task_id="T", quotas=quotas, secret=SECRET).selected
    assert _sql_draw(conn, table, seed, quotas) == [(t.id, t.stratum, t.key) for t in expected]
    assert conn.execute(digest_sql(table)).fetchone()[0] == pop.digest
    assert [s for s, _ in conn.execute(strata_sql(table)).fetchall()] == list(pop.strata)


def test_quota_lists_of_only_counts_or_only_rates_bind(conn: Any) -> None:
    pop = read_population(EXAMPLE_POPULATION)
    table = _load(conn, pop)
    for quotas in ({"A": "1", "B": "2", "C": "0", "D": "9"},
                   {"A": "10%", "B": "20%", "C": "30%", "D": "40%"}):  # fmt: skip
        expected = draw(pop, task_id="T", quotas=quotas, secret=SECRET)
        assert _sql_draw(conn, table, expected.seed, quotas) == [
            (t.id, t.stratum, t.key) for t in expected.selected
        ]


def test_table_names_are_quoted_or_refused() -> None:
    assert quote_table("frozen_population") == '"frozen_population"'
    assert quote_table("lottery.freeze_42") == '"lottery"."freeze_42"'
    for bad in ("x; DROP TABLE y", 'a"b', "a.b.c", "", "1abc"):
        with pytest.raises(ValueError):
            quote_table(bad)
