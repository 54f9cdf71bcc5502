"""Operations: ``shuangsuiji backup`` and ``shuangsuiji restore`` (docs/operations.md).

One ``.tar.gz`` holds the database (PostgreSQL custom-format dump or an SQLite copy made
with the online backup API), the evidence files under ``SHUANGSUIJI_PRIVATE_DIR``, the
media under ``MEDIA_ROOT`` (frozen population files, import uploads) and ``manifest.json``:
row counts per table, the audit chain head and the SHA-256 of every file, all taken from
the same database snapshot as the dump.
"""
