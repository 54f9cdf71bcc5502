"""``shuangsuiji backup``: one ``.tar.gz`` with the database, the files and a manifest.

Consistency.  On PostgreSQL the row counts and the audit head in the manifest are read in
the very snapshot ``pg_dump`` dumps (``pg_export_snapshot()`` + ``pg_dump --snapshot``); on
SQLite the online backup API copies the database in one step and the counts are read from
the copy.  The files are read *after* the database: evidence files and population files are
written before the row that names them commits, so every row in the dump finds its file in
the archive (a file uploaded meanwhile may come along as a harmless orphan).

Atomicity.  The archive is written under a hidden ``.partial`` name and renamed when
complete: a killed backup never leaves something that looks like a backup.  Archives hold
password hashes and evidence: they are created mode 0600.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .common import (
    ARCHIVE_PREFIX,
    ARCHIVE_SUFFIX,
    DB_MEMBERS,
    FORMAT,
    MANIFEST,
    HashingReader,
    OpsError,
    Say,
    audit_head,
    iter_files,
    pg_connect,
    pg_env,
    pg_tool,
    run_pg_tool,
    sqlite_counts,
    table_counts,
    tree_roots,
    vendor,
)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: float
    size: int
    removed: list[Path] = field(default_factory=list)

    @property
    def file_count(self) -> int:
        return sum(1 for name in self.manifest["files"] if "/" in name)

    @property
    def file_bytes(self) -> int:
        return sum(m["size"] for name, m in self.manifest["files"].items() if "/" in name)


def default_backup_dir() -> Path:
    return Path(os.environ.get("SHUANGSUIJI_BACKUP_DIR") or Path(settings.VAR_DIR) / "backups")


def _quiet(_text: str) -> None:
    pass


def create_backup(
    *,
    to_dir: Path | None = None,
    keep: int | None = None,
    label: str = "",
    using: str = "default",
    say: Say = _quiet,
) -> BackupResult:
    """Write a backup archive into ``to_dir`` and return what it holds.  ``keep``: then
    delete all but the newest ``keep`` regular archives there (labelled ones are kept)."""
    started = time.monotonic()
    v = vendor(using)
    db = connections[using].settings_dict
    out_dir = (to_dir or default_backup_dir()).resolve()
    for tree, root in tree_roots().items():
        if out_dir == root.resolve() or root.resolve() in out_dir.parents:
            raise OpsError(
                f"备份目录不能位于 {tree} 目录 {root} 之内",
                f"the backup directory must not be inside the {tree} directory {root}",
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    created = timezone.now().replace(microsecond=0)
    stamp = created.strftime("%Y%m%dT%H%M%SZ")
    kind = f"shuangsuiji-{label}-" if label else ARCHIVE_PREFIX
    name = f"{kind}{settings.SHUANGSUIJI_REGION_CODE}-{stamp}{ARCHIVE_SUFFIX}"
    n = 1
    while (out_dir / name).exists():
        n += 1
        name = f"{kind}{settings.SHUANGSUIJI_REGION_CODE}-{stamp}-{n}{ARCHIVE_SUFFIX}"
    final = out_dir / name
    partial = out_dir / f".{name}.partial"
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=out_dir))
    try:
        db_file = staging / DB_MEMBERS[v]
        t0 = time.monotonic()
        if v == "postgresql":
            counts, audit, server, migrations = _dump_postgres(db, db_file)
        else:
            counts, audit, server, migrations = _copy_sqlite(using, db_file)
        say(
            f"数据库已导出 database dumped: {len(counts)} tables, {sum(counts.values()):,} rows "
            f"({time.monotonic() - t0:.1f} s)"
        )
        files: dict[str, dict[str, Any]] = {}
        t0 = time.monotonic()
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                files[DB_MEMBERS[v]] = _add(tar, db_file, DB_MEMBERS[v])
                db_file.unlink()
                for tree, root in tree_roots().items():
                    for rel, path in iter_files(root):
                        files[f"{tree}/{rel}"] = _add(tar, path, f"{tree}/{rel}")
                manifest = {
                    "format": FORMAT,
                    "version": _version(),
                    "created_at": created.isoformat(),
                    "region_code": settings.SHUANGSUIJI_REGION_CODE,
                    "database": {
                        "vendor": v,
                        "member": DB_MEMBERS[v],
                        "server_version": server,
                        "migrations": migrations,
                    },
                    "tables": counts,
                    "total_rows": sum(counts.values()),
                    "audit": audit,
                    "trees": {tree: str(root) for tree, root in tree_roots().items()},
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
                _add_bytes(tar, MANIFEST, data.encode("utf-8"), created.timestamp())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, final)
        _fsync_dir(out_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    say(f"文件已归档 files archived: {len(files) - 1:,} ({time.monotonic() - t0:.1f} s)")
    removed = prune(out_dir, keep) if keep else []
    return BackupResult(
        path=final,
        manifest=manifest,
        seconds=time.monotonic() - started,
        size=final.stat().st_size,
        removed=removed,
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` regular archives (by name: the name sorts by time)."""
    archives = sorted(
        p
        for p in directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}")
        if p.is_file() and not p.name.startswith(".")
    )
    doomed = archives[: max(0, len(archives) - keep)]
    for p in doomed:
        p.unlink()
    return doomed


def _version() -> str:
    from shuangsuiji import __version__

    return __version__


def _add(tar: tarfile.TarFile, path: Path, arcname: str) -> dict[str, Any]:
    st = path.stat()
    info = tarfile.TarInfo(arcname)
    info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), 0o600
    with path.open("rb") as fh:
        reader = HashingReader(fh)
        tar.addfile(info, reader)
    return {"sha256": reader.sha.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(arcname)
    info.size, info.mtime, info.mode = len(data), int(mtime), 0o600
    tar.addfile(info, io.BytesIO(data))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _migrations(cursor: Any, counts: dict[str, int]) -> dict[str, str]:
    if "django_migrations" not in counts:
        return {}
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return {str(app): str(name) for app, name in cursor.fetchall()}


def _dump_postgres(
    db: Any, path: Path
) -> tuple[dict[str, int], dict[str, Any], str, dict[str, str]]:
    pg_dump = pg_tool("pg_dump")
    conn = pg_connect(db, autocommit=True)
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        # Custom format: compressed, and pg_restore can restore it in one transaction.
        run_pg_tool(
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}",
             "--file", str(path)],
            pg_env(db),
        )  # fmt: skip
        cur = conn.cursor()
        counts = table_counts(cur, "postgresql")
        audit = audit_head(cur, counts)
        migrations = _migrations(cur, counts)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return counts, audit, f"PostgreSQL {server}", migrations


def _copy_sqlite(
    using: str, path: Path
) -> tuple[dict[str, int], dict[str, Any], str, dict[str, str]]:
    wrapper = connections[using]
    if wrapper.is_in_memory_db():  # type: ignore[attr-defined]  # the SQLite backend's
        wrapper.ensure_connection()
        source, own = wrapper.connection, False
    else:
        name = Path(str(wrapper.settings_dict["NAME"]))
        if not name.is_file():  # sqlite3.connect would create an empty one
            raise OpsError(f"数据库文件不存在：{name}", f"no database file at {name}")
        source, own = sqlite3.connect(str(name), timeout=30), True
    try:
        target = sqlite3.connect(str(path))
        try:
            # pages=-1: the whole database in one step, under one read lock: a consistent copy
            # while the platform keeps writing.
            source.backup(target)
        finally:
            target.close()
    finally:
        if own:
            source.close()
    counts, audit = sqlite_counts(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        migrations = _migrations(conn.cursor(), counts)
    finally:
        conn.close()
    return counts, audit, f"SQLite {sqlite3.sqlite_version}", migrations
