"""``shuangsuiji restore``: check the archive, restore it into an empty database, verify.

Order, so that a bad archive changes nothing:

1. every member is extracted into a staging directory next to the data while its SHA-256
   is computed; the set of members and every digest must equal the manifest's, and no
   member may leave the staging directory (no absolute names, no ``..``, no links);
2. the target must be empty — no table in the database, no file in the evidence and media
   directories — unless ``force``: then the current contents are first saved with
   :func:`~shuangsuiji.ops.backup.create_backup` (label ``before-restore``), the files are
   moved aside (``<dir>.before-restore-<time>``) and the database emptied;
3. the database: ``pg_restore --single-transaction --exit-on-error`` (all or nothing), or
   SQLite's online backup API into the target file (one transaction as well);
4. the files are moved into place;
5. verification: row counts per table against the manifest, the audit chain walked with
   :func:`~shuangsuiji.audit.chain.verify_chain` and its head compared with the manifest's,
   every restored file's size.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from shuangsuiji.audit.chain import ChainReport, verify_chain

from .common import (
    DB_MEMBERS,
    FORMAT,
    MANIFEST,
    TREES,
    HashingReader,
    OpsError,
    Say,
    pg_connect,
    pg_env,
    pg_tool,
    run_pg_tool,
    safe_member_name,
    sqlite_path,
    table_counts,
    tree_has_files,
    tree_roots,
    vendor,
)


@dataclass
class ArchiveCheck:
    manifest: dict[str, Any]
    files: int
    bytes: int
    seconds: float


@dataclass
class RestoreReport:
    archive: Path
    check: ArchiveCheck
    vendor: str
    safety_backup: Path | None = None
    moved_aside: list[Path] = field(default_factory=list)
    table_mismatches: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    chain: ChainReport | None = None
    missing_files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def chain_matches(self) -> bool:
        audit = self.check.manifest["audit"]
        return (
            self.chain is not None
            and self.chain.ok
            and self.chain.rows == audit["rows"]
            and self.chain.head_hash == audit["head_hash"]
        )

    @property
    def ok(self) -> bool:
        return not self.table_mismatches and not self.missing_files and self.chain_matches

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "archive": str(self.archive),
            "vendor": self.vendor,
            "files": self.check.files,
            "bytes": self.check.bytes,
            "tables": self.tables,
            "rows": self.rows,
            "table_mismatches": self.table_mismatches,
            "missing_files": self.missing_files,
            "chain_ok": bool(self.chain and self.chain.ok),
            "chain_rows": self.chain.rows if self.chain else None,
            "chain_head": self.chain.head_hash if self.chain else None,
            "chain_problem": str(self.chain.problem) if self.chain and self.chain.problem else None,
            "chain_matches_manifest": self.chain_matches,
            "safety_backup": str(self.safety_backup) if self.safety_backup else None,
            "moved_aside": [str(p) for p in self.moved_aside],
            "seconds": self.seconds,
        }


def _quiet(_text: str) -> None:
    pass


_BROKEN = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError)


def check_archive(archive: Path, staging: Path | None = None) -> ArchiveCheck:
    """Read the whole archive and compare it with its manifest; with ``staging``, extract
    into it on the way.  Raises :class:`OpsError` on any difference."""
    started = time.monotonic()
    if not archive.is_file():
        raise OpsError(f"备份文件不存在：{archive}", f"no such file: {archive}")
    found: dict[str, tuple[str, int]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                path = safe_member_name(member.name)
                if member.isdir() and path is not None:
                    continue
                if path is None or not member.isfile():
                    raise OpsError(
                        f"备份文件含有不允许的条目 {member.name!r}，未做任何更改",
                        f"the archive holds a member that is not allowed: {member.name!r}; "
                        "nothing was changed",
                    )
                name = path.as_posix()
                if name in found or (name == MANIFEST and manifest_bytes is not None):
                    raise OpsError(
                        f"备份文件中 {name} 出现两次", f"{name} appears twice in the archive"
                    )
                fh = tar.extractfile(member)
                assert fh is not None  # a regular file
                if name == MANIFEST:
                    manifest_bytes = fh.read()
                    continue
                reader = HashingReader(fh)
                if staging is None:
                    while reader.read(1 << 20):
                        pass
                else:
                    dest = staging / path
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with dest.open("wb") as out:
                        shutil.copyfileobj(reader, out, 1 << 20)
                found[name] = (reader.sha.hexdigest(), reader.size)
    except _BROKEN as exc:
        raise OpsError(
            f"备份文件已损坏或不是本系统的备份：{exc}；未做任何更改",
            f"the archive is damaged or not a Shuangsuiji backup: {exc}; nothing was changed",
        ) from exc
    manifest = _parse_manifest(manifest_bytes)
    problems: list[str] = []
    expected: dict[str, Any] = manifest["files"]
    for name in sorted(set(expected) - set(found)):
        problems.append(f"missing 缺少 {name}")
    for name in sorted(set(found) - set(expected)):
        problems.append(f"not in manifest 清单中没有 {name}")
    for name in sorted(set(found) & set(expected)):
        digest, size = found[name]
        if digest != expected[name].get("sha256") or size != expected[name].get("size"):
            problems.append(f"SHA-256 differs 校验值不符 {name}")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; … {len(problems)}" if len(problems) > 5 else "")
        raise OpsError(
            f"备份文件与其清单不符，未做任何更改：{shown}",
            f"the archive does not match its manifest ({len(problems)} problems); "
            "nothing was changed",
        )
    return ArchiveCheck(
        manifest=manifest,
        files=len(found),
        bytes=sum(size for _d, size in found.values()),
        seconds=time.monotonic() - started,
    )


def _parse_manifest(data: bytes | None) -> dict[str, Any]:
    if data is None:
        raise OpsError(
            "备份文件中没有 manifest.json，不是本系统的备份；未做任何更改",
            "the archive has no manifest.json: not a Shuangsuiji backup; nothing was changed",
        )
    try:
        manifest = json.loads(data.decode("utf-8"))
        ok = (
            manifest.get("format") == FORMAT
            and manifest["database"]["vendor"] in DB_MEMBERS
            and manifest["database"]["member"] == DB_MEMBERS[manifest["database"]["vendor"]]
            and isinstance(manifest["files"], dict)
            and isinstance(manifest["tables"], dict)
            and {"rows", "head_hash"} <= set(manifest["audit"])
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise OpsError(
            f"manifest.json 无法识别（应为格式 {FORMAT}）；未做任何更改",
            f"manifest.json is not a {FORMAT} manifest; nothing was changed",
        )
    if manifest["database"]["member"] not in manifest["files"]:
        raise OpsError("备份文件中没有数据库", "the archive holds no database")
    result: dict[str, Any] = manifest
    return result


def restore_backup(
    *, archive: Path, force: bool = False, using: str = "default", say: Say = _quiet
) -> RestoreReport:
    started = time.monotonic()
    v = vendor(using)
    db = connections[using].settings_dict
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=var_dir))
    try:
        check = check_archive(archive, staging)
        say(
            f"备份文件校验通过 archive verified: {check.files:,} files, "
            f"{check.bytes / 1048576:,.1f} MB, every SHA-256 matches ({check.seconds:.1f} s)"
        )
        report = RestoreReport(archive=archive, check=check, vendor=v)
        report.seconds["check"] = check.seconds
        manifest = check.manifest
        if manifest["database"]["vendor"] != v:
            raise OpsError(
                f"此备份是 {manifest['database']['vendor']} 数据库，而 DATABASE_URL 指向 {v}；"
                "未做任何更改",
                f"this archive holds a {manifest['database']['vendor']} database but "
                f"DATABASE_URL names {v}; nothing was changed",
            )
        if v == "postgresql":
            _create_pg_database(db)
        tables = _existing_tables(using)
        busy = [tree for tree, root in tree_roots().items() if tree_has_files(root)]
        if (tables or busy) and not force:
            what_zh = "、".join(
                ([f"数据库（{len(tables)} 张表）"] if tables else []) + [f"{t} 目录" for t in busy]
            )
            what_en = ", ".join(
                ([f"the database ({len(tables)} tables)"] if tables else [])
                + [f"the {t} directory" for t in busy]
            )
            raise OpsError(
                f"目标不是空的：{what_zh}。只能恢复到空数据库；如确需覆盖现有数据，请加 --force"
                "（会先把现有数据另行备份）。未做任何更改",
                f"the target is not empty: {what_en}. Restore into an empty database, or "
                "pass --force to replace the current contents (they are backed up first); "
                "nothing was changed",
            )
        connections[using].close()  # our own connection is not "in use"
        if v == "postgresql":
            _refuse_if_in_use(db)
        if tables or busy:
            from .backup import create_backup

            t0 = time.monotonic()
            safety = create_backup(label="before-restore", using=using)
            report.safety_backup = safety.path
            report.seconds["safety_backup"] = time.monotonic() - t0
            say(f"现有数据已备份 current contents saved first: {safety.path}")
        connections[using].close()
        t0 = time.monotonic()
        member = staging / manifest["database"]["member"]
        try:
            if v == "postgresql":
                _restore_postgres(db, member, wipe=bool(tables))
            else:
                _restore_sqlite(db, member)
        except OpsError as exc:
            if report.safety_backup is None:
                raise
            raise OpsError(
                f"{exc.zh}；恢复前的数据在 {report.safety_backup}",
                f"{exc.en}; the contents before the restore are in {report.safety_backup}",
            ) from exc
        report.seconds["database"] = time.monotonic() - t0
        say(f"数据库已恢复 database restored ({report.seconds['database']:.1f} s)")
        t0 = time.monotonic()
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        for tree, root in tree_roots().items():
            aside = _put_tree(staging / tree, root, stamp)
            if aside is not None:
                report.moved_aside.append(aside)
                say(f"原有文件已移到 previous files moved to {aside}")
        report.seconds["files"] = time.monotonic() - t0
        t0 = time.monotonic()
        _verify(report, using)
        report.seconds["verify"] = time.monotonic() - t0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.seconds["total"] = time.monotonic() - started
    return report


def _existing_tables(using: str) -> list[str]:
    conn = connections[using]
    with conn.cursor() as cur:
        return [t for t in conn.introspection.table_names(cur) if not t.startswith("sqlite_")]


def _create_pg_database(db: Any) -> None:
    import psycopg
    from psycopg import sql

    try:
        pg_connect(db).close()
        return
    except OpsError as exc:
        if "does not exist" not in str(exc.__cause__):
            raise
    with pg_connect(db, "postgres", autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        except psycopg.Error as exc:
            raise OpsError(
                f"无法创建数据库 {db['NAME']}：{exc}", f"cannot create database {db['NAME']}"
            ) from exc


def _refuse_if_in_use(db: Any) -> None:
    # A connection closed a moment ago (ours, or a command that just ended) may still be
    # listed while its backend exits: look again for a few seconds before refusing.
    deadline = time.monotonic() + 5.0
    with pg_connect(db, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            ).fetchone()
            others = int(row[0]) if row else 0
            if not others or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    if others:
        raise OpsError(
            f"还有 {others} 个连接在使用数据库 {db['NAME']}，请先停止服务"
            "（systemctl stop shuangsuiji）；未做任何更改",
            f"{others} other connections use database {db['NAME']}: stop the service first "
            "(systemctl stop shuangsuiji); nothing was changed",
        )


def _restore_postgres(db: Any, dump: Path, *, wipe: bool) -> None:
    from psycopg import sql

    if wipe:
        with pg_connect(db, autocommit=True) as conn:
            schema = conn.execute("SELECT current_schema()").fetchone()[0]
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
            conn.execute(
                sql.SQL("GRANT USAGE ON SCHEMA {} TO PUBLIC").format(sql.Identifier(schema))
            )
    # --no-owner/--no-privileges: the objects belong to whoever restores, so a dump taken on
    # another server with another role name restores as it is.
    run_pg_tool(
        [pg_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner",
         "--no-privileges", "--no-password", "--dbname", str(db["NAME"]), str(dump)],
        pg_env(db),
    )  # fmt: skip


def _restore_sqlite(db: Any, copy: Path) -> None:
    target = sqlite_path(db)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(str(target), timeout=30)
        try:
            # One write transaction on the target: a failure leaves it as it was.
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def _put_tree(staged: Path, root: Path, stamp: str) -> Path | None:
    """Move the restored files into ``root``; files already there are first moved aside.
    Entries are moved one by one, so ``root`` may be a mount point (a Docker volume)."""
    aside: Path | None = None
    if root.is_dir() and any(root.iterdir()):
        aside = root.with_name(f"{root.name}.before-restore-{stamp}")
        aside.mkdir(parents=True)
        for entry in sorted(root.iterdir()):
            shutil.move(str(entry), str(aside / entry.name))
    root.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        for entry in sorted(staged.iterdir()):
            shutil.move(str(entry), str(root / entry.name))
    return aside


def _verify(report: RestoreReport, using: str) -> None:
    manifest = report.check.manifest
    conn = connections[using]
    conn.close()
    with conn.cursor() as cur:
        counts = table_counts(cur, report.vendor)
    expected: dict[str, int] = manifest["tables"]
    report.tables, report.rows = len(counts), sum(counts.values())
    report.table_mismatches = [
        (t, expected.get(t), counts.get(t))
        for t in sorted(set(expected) | set(counts))
        if expected.get(t) != counts.get(t)
    ]
    report.chain = verify_chain()
    roots = tree_roots()
    for name, meta in manifest["files"].items():
        tree, _sep, rel = name.partition("/")
        if tree not in TREES:
            continue
        path = roots[tree] / rel
        if not path.is_file() or path.stat().st_size != meta["size"]:
            report.missing_files.append(name)
