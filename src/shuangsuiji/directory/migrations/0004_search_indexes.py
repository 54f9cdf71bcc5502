"""Search indexes for the target directory (issue 3, "Lists and search"); see docs/search.md.

PostgreSQL: a GIN index on ``ssj_name_keys(name, id)``, the name's pairs of adjacent
characters each keyed with the id's bucket of 65 536 ids (name substrings of two characters
and more, window by window in id order; pg_trgm cannot serve two characters and its index
cannot be read by stretches of ids); a statistics object on ``ssj_bigrams(name)`` with ten
times the usual detail, so that the search can tell rare pairs from common ones; a
byte-order btree on ``credit_code`` (exact codes and prefixes, in keyset order) and a btree
for the township + kind + risk filters in id order.

SQLite: an FTS5 table with the trigram tokenizer over ``name`` (external content), a
contentless FTS5 table over the name's character pairs, the triggers that keep both in step
(owned by ``shuangsuiji.directory.search`` so that they can be put back after a table
remake) and the same two btrees.

The indexes are not in the model's state: Django has no portable way to say them, and
keeping them out of the state keeps ``makemigrations`` quiet.  Every statement is
idempotent (``IF NOT EXISTS``): on a large live PostgreSQL table build the index
``CONCURRENTLY`` under the same name first and this migration leaves it alone.
"""

from typing import Any

from django.db import migrations

PG_FORWARD = [
    # Pairs of adjacent characters, lower-cased.  IMMUTABLE so that they can be indexed and
    # have statistics; duplicates are left in (GIN de-duplicates a row's keys).  plpgsql's
    # loop is about five times faster here than generate_series + array_agg in SQL.
    """
    CREATE OR REPLACE FUNCTION ssj_bigrams(s text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        l text := lower(s);
        r text[] := '{}';
    BEGIN
        FOR i IN 1 .. char_length(l) - 1 LOOP
            r := r || substr(l, i, 2);
        END LOOP;
        RETURN r;
    END
    $$
    """,
    # The same pairs keyed with the id's bucket (id >> 16, search.BUCKET_BITS): 鑫源|152.
    """
    CREATE OR REPLACE FUNCTION ssj_name_keys(s text, id bigint) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        l text := lower(s);
        b text := '|' || (id >> 16)::text;
        r text[] := '{}';
    BEGIN
        FOR i IN 1 .. char_length(l) - 1 LOOP
            r := r || (substr(l, i, 2) || b);
        END LOOP;
        RETURN r;
    END
    $$
    """,
    # ~10 000 most common pairs with their frequencies instead of ~1 000: on ten million
    # names every pair held by more than about 900 of them is listed (docs/search.md).
    "CREATE STATISTICS IF NOT EXISTS directory_target_name_pairs "
    "ON (ssj_bigrams(name)) FROM directory_target",
    "ALTER STATISTICS directory_target_name_pairs SET STATISTICS 1000",
    # GIN builds are much faster with room to sort; local to this migration's transaction.
    "SET LOCAL maintenance_work_mem = '512MB'",
    "CREATE INDEX IF NOT EXISTS directory_target_name_keys "
    "ON directory_target USING gin (ssj_name_keys(name, id))",
    "CREATE INDEX IF NOT EXISTS directory_target_code_keyset "
    'ON directory_target ((credit_code COLLATE "C"), id)',
    "CREATE INDEX IF NOT EXISTS directory_target_filter_keyset "
    "ON directory_target (township_id, kind, risk_class, id)",
    "ANALYZE directory_target",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS directory_target_filter_keyset",
    "DROP INDEX IF EXISTS directory_target_code_keyset",
    "DROP INDEX IF EXISTS directory_target_name_keys",
    "DROP STATISTICS IF EXISTS directory_target_name_pairs",
    "DROP FUNCTION IF EXISTS ssj_name_keys(text, bigint)",
    "DROP FUNCTION IF EXISTS ssj_bigrams(text)",
]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_target_name_fts USING fts5("
    "name, content='directory_target', content_rowid='id', tokenize='trigram')",
    # Only rowids are needed: no content, no positions.
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_target_bigram_fts USING fts5("
    "grams, content='', detail='none', tokenize='ascii')",
    "CREATE TABLE IF NOT EXISTS directory_target_bigram_n (n INTEGER PRIMARY KEY)",
    "INSERT OR IGNORE INTO directory_target_bigram_n (n) "
    "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 255) "
    "SELECT n FROM k",
    "CREATE INDEX IF NOT EXISTS directory_target_code_keyset "
    "ON directory_target (credit_code, id)",
    "CREATE INDEX IF NOT EXISTS directory_target_filter_keyset "
    "ON directory_target (township_id, kind, risk_class, id)",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_target_search_ai",
    "DROP TRIGGER IF EXISTS directory_target_search_ad",
    "DROP TRIGGER IF EXISTS directory_target_search_au",
    "DROP TABLE IF EXISTS directory_target_name_fts",
    "DROP TABLE IF EXISTS directory_target_bigram_fts",
    "DROP TABLE IF EXISTS directory_target_bigram_n",
    "DROP INDEX IF EXISTS directory_target_code_keyset",
    "DROP INDEX IF EXISTS directory_target_filter_keyset",
]


def forward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        statements = PG_FORWARD
    elif connection.vendor == "sqlite":
        statements = SQLITE_FORWARD
    else:
        return
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    if connection.vendor == "sqlite":
        from shuangsuiji.directory.search import ensure_sqlite_search

        # Creates the triggers and fills both tables from the rows already there.
        ensure_sqlite_search(connection)


def backward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(connection.vendor)
    with connection.cursor() as cur:
        for sql in statements or []:
            cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_issue3_directory"),
    ]

    operations = [migrations.RunPython(forward, backward)]
