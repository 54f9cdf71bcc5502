"""What backup and restore share: the archive layout, errors, database helpers."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connections

#: Bumped when the layout changes in a way an older ``restore`` could not read.
FORMAT = "shuangsuiji-backup-1"
MANIFEST = "manifest.json"
#: The database member of the archive, by vendor.
DB_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
#: File trees in the archive → the setting naming where they live.
TREES = ("private", "media")
ARCHIVE_PREFIX = "shuangsuiji-backup-"
ARCHIVE_SUFFIX = ".tar.gz"

Say = Callable[[str], None]


class OpsError(Exception):
    """A refusal or failure explained in Chinese and English; nothing was changed unless
    the message says so."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} ({en})")
        self.zh, self.en = zh, en


def tree_roots() -> dict[str, Path]:
    return {
        "private": Path(settings.SHUANGSUIJI_PRIVATE_DIR),
        "media": Path(settings.MEDIA_ROOT),
    }


def vendor(using: str = "default") -> str:
    v = connections[using].vendor
    if v not in DB_MEMBERS:
        raise OpsError(f"不支持的数据库 {v}", f"unsupported database vendor {v}")
    return v


def iter_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under ``root`` as (relative POSIX path, path), in a stable order.
    Symbolic links are not followed: nothing outside the tree gets into a backup."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path.relative_to(root).as_posix(), path


def tree_has_files(root: Path) -> bool:
    return next(iter_files(root), None) is not None


class HashingReader:
    """A file wrapper that hashes what is read through it (one pass for tar and digest)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_member_name(name: str) -> PurePosixPath | None:
    """The member's path if it may be extracted (no absolute path, no ``..``, only the
    archive's own top-level names), else None."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in name:
        return None
    top = path.parts[0]
    if len(path.parts) == 1 and (top == MANIFEST or top in DB_MEMBERS.values()):
        return path
    if top in TREES and len(path.parts) >= 2:
        return path
    return None


# --- table counts and the audit head -------------------------------------------------------


def _audit_tables() -> tuple[str, str]:
    from shuangsuiji.audit.models import AuditEvent, AuditHead

    return AuditEvent._meta.db_table, AuditHead._meta.db_table


def table_names(cursor: Any, vendor_name: str) -> list[str]:
    if vendor_name == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def table_counts(cursor: Any, vendor_name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in table_names(cursor, vendor_name):
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # nosec B608 - quoted table names read from the catalogue
        counts[name] = int(cursor.fetchone()[0])
    return counts


def audit_head(cursor: Any, counts: Mapping[str, int]) -> dict[str, Any]:
    """Rows in the audit table and the head (sequence, hash) recorded next to them."""
    from shuangsuiji.audit.models import GENESIS_HASH

    events, head = _audit_tables()
    seq, digest = 0, GENESIS_HASH
    if head in counts:
        cursor.execute(f'SELECT seq, hash FROM "{head}" WHERE id = 1')  # nosec B608 - quoted table names read from the catalogue
        row = cursor.fetchone()
        if row is not None:
            seq, digest = int(row[0]), str(row[1])
    return {"rows": counts.get(events, 0), "head_seq": seq, "head_hash": digest}


# --- PostgreSQL ----------------------------------------------------------------------------

# libpq parameters a DATABASE_URL may carry in OPTIONS (e.g. ?sslmode=require).
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def pg_params(db: Mapping[str, Any], dbname: str | None = None) -> dict[str, Any]:
    """psycopg.connect() keyword arguments for a Django database settings dict."""
    params: dict[str, Any] = {
        "dbname": dbname or db["NAME"],
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    for key in _LIBPQ_OPTIONS:
        if key in (db.get("OPTIONS") or {}):
            params[key] = db["OPTIONS"][key]
    return {k: v for k, v in params.items() if v is not None}


def pg_env(db: Mapping[str, Any], dbname: str | None = None) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: libpq variables, so that the password
    never appears on a command line (``ps`` shows command lines to every local user)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER"}
    names["password"] = "PGPASSWORD"
    names.update(_LIBPQ_OPTIONS)
    for key, value in pg_params(db, dbname).items():
        env[names[key]] = str(value)
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OpsError(
            f"找不到 {name}，请安装 postgresql-client（版本不低于数据库服务器）",
            f"{name} not found: install postgresql-client, at least the server's version",
        )
    return path


def run_pg_tool(args: list[str], env: Mapping[str, str]) -> None:
    proc = subprocess.run(args, env=dict(env), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()[-2000:]
        tool = Path(args[0]).name
        raise OpsError(f"{tool} 失败：{detail}", f"{tool} failed (exit {proc.returncode})")


def pg_connect(db: Mapping[str, Any], dbname: str | None = None, **kw: Any) -> Any:
    import psycopg

    try:
        return psycopg.connect(**pg_params(db, dbname), **kw)
    except psycopg.OperationalError as exc:
        raise OpsError(
            f"无法连接数据库 {dbname or db['NAME']}：{exc}",
            f"cannot connect to database {dbname or db['NAME']}",
        ) from exc


# --- SQLite --------------------------------------------------------------------------------


def sqlite_path(db: Mapping[str, Any]) -> Path:
    name = str(db["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise OpsError(
            "内存数据库无法恢复，请用 DATABASE_URL 指定数据库文件",
            "an in-memory database cannot be restored into: set DATABASE_URL to a file",
        )
    return Path(name)


def sqlite_counts(path: Path) -> tuple[dict[str, int], dict[str, Any]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        cur = conn.cursor()
        counts = table_counts(cur, "sqlite")
        return counts, audit_head(cur, counts)
    finally:
        conn.close()
