"""`shuangsuiji backup` and `shuangsuiji restore`.  Importing this module must not import
Django: the lottery commands run without it.

    shuangsuiji backup [--to DIR] [--keep N]
    shuangsuiji restore ARCHIVE [--force] [--check] [--json]
    shuangsuiji create-admin USERNAME [--name 显示名] [--password-stdin]

Both use the database that ``DATABASE_URL`` names and the directories the settings name
(``SHUANGSUIJI_PRIVATE_DIR``, ``MEDIA_ROOT`` under ``SHUANGSUIJI_VAR_DIR``).

Exit status: 0 done (restore: and verified); 1 restored but the verification found a
difference (the report names it); 2 refused or failed before anything was changed (a bad
or damaged archive, a non-empty target without ``--force``, a missing ``pg_dump``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: Any, *, django_setup: Callable[[], None]) -> None:
    backup = sub.add_parser(
        "backup",
        help="back up the database, evidence files and media into one .tar.gz",
        description="Write shuangsuiji-backup-<region>-<time>.tar.gz: the database "
        "(PostgreSQL: pg_dump custom format; SQLite: online backup), the evidence files "
        "(SHUANGSUIJI_PRIVATE_DIR), the media (MEDIA_ROOT) and manifest.json with row counts, "
        "the audit chain head and every file's SHA-256.  The platform may keep running.",
    )
    backup.add_argument(
        "--to",
        type=Path,
        help="directory for the archive (default $SHUANGSUIJI_BACKUP_DIR or var/backups)",
    )
    backup.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="then delete all but the newest N backups in that directory",
    )
    backup.add_argument("--quiet", action="store_true", help="print only the archive's path")
    backup.set_defaults(func=lambda args: _run_backup(args, django_setup))

    restore = sub.add_parser(
        "restore",
        help="restore a backup into an empty database, then verify it",
        description="Check every file of the archive against its manifest, restore the "
        "database and the files, then compare the row counts with the manifest and verify "
        "the audit chain.  Refuses a database that has tables, or evidence/media directories "
        "that have files, unless --force (the current contents are then backed up first).  "
        "Stop the service before restoring.",
    )
    restore.add_argument("archive", type=Path)
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a non-empty target (its contents are backed up first)",
    )
    restore.add_argument(
        "--check",
        action="store_true",
        help="only check the archive against its manifest; change nothing",
    )
    restore.add_argument("--json", action="store_true", help="print the report as JSON")
    restore.set_defaults(func=lambda args: _run_restore(args, django_setup))

    admin = sub.add_parser(
        "create-admin",
        help="create a system administrator (系统管理员) account",
        description="Create an account with the county-wide system administrator role, "
        "e.g. the first one of a fresh installation.  The password is asked twice, or read "
        "from standard input with --password-stdin.",
    )
    admin.add_argument("username")
    admin.add_argument("--name", default="", help="display name, e.g. 刘系统")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    admin.set_defaults(func=lambda args: _run_create_admin(args, django_setup))


def _run_backup(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    if args.keep is not None and args.keep < 1:
        print("--keep 至少为 1 (--keep must be at least 1)", file=sys.stderr)
        return 2
    django_setup()
    from .backup import create_backup
    from .common import OpsError

    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    try:
        result = create_backup(to_dir=args.to, keep=args.keep, say=say)
    except OpsError as exc:
        print(f"备份失败 backup failed: {exc}", file=sys.stderr)
        return 2
    m = result.manifest
    if args.quiet:
        print(result.path)
        return 0
    print(f"已备份 backup written: {result.path}")
    print(
        f"  数据库 database: {m['database']['server_version']}, {len(m['tables'])} tables, "
        f"{m['total_rows']:,} rows; 审计链 audit chain: {m['audit']['rows']:,} rows, "
        f"head {m['audit']['head_hash'][:16]}…"
    )
    print(
        f"  文件 files: {result.file_count:,} ({result.file_bytes / 1048576:,.1f} MB); "
        f"归档 archive {result.size / 1048576:,.1f} MB in {result.seconds:.1f} s"
    )
    for path in result.removed:
        print(f"  已删除旧备份 removed old backup: {path.name}")
    return 0


def _run_restore(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    django_setup()
    from .common import OpsError
    from .restore import check_archive, restore_backup

    def say(text: str) -> None:
        if not args.json:
            print(text, file=sys.stderr, flush=True)

    try:
        if args.check:
            check = check_archive(args.archive)
            m = check.manifest
            if args.json:
                print(json.dumps({"ok": True, "files": check.files, "bytes": check.bytes}))
            else:
                print(
                    f"备份文件完好 archive OK: {check.files:,} files match the manifest; "
                    f"{m['database']['vendor']} database of {m['created_at']}, "
                    f"{m['total_rows']:,} rows, audit chain head {m['audit']['head_hash'][:16]}…"
                )
            return 0
        report = restore_backup(archive=args.archive, force=args.force, say=say)
    except OpsError as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        print(f"恢复失败 restore failed: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
        return 0 if report.ok else 1
    manifest = report.check.manifest
    print("核对 verification:")
    if report.table_mismatches:
        print(f"  行数不符 row counts DIFFER in {len(report.table_mismatches)} tables:")
        for table, want, got in report.table_mismatches:
            print(f"    {table}: manifest {want}, restored {got}")
    else:
        print(
            f"  行数一致 row counts: {report.tables} tables, {report.rows:,} rows, "
            "all equal to the manifest"
        )
    chain = report.chain
    if chain is not None and report.chain_matches:
        print(
            f"  审计链完好 audit chain OK: {chain.rows:,} rows, head {chain.head_hash[:16]}… "
            "= manifest"
        )
    elif chain is not None and not chain.ok:
        print(f"  审计链断裂 audit chain BROKEN at {chain.problem}")
    else:
        audit = manifest["audit"]
        print(
            f"  审计链与清单不符 audit chain differs from the manifest: "
            f"{getattr(chain, 'rows', None)} rows vs {audit['rows']}"
        )
    if report.missing_files:
        print(f"  文件缺失 files missing or wrong size: {len(report.missing_files)}")
        for name in report.missing_files[:20]:
            print(f"    {name}")
    else:
        print(f"  文件齐全 files: {report.check.files - 1:,} in place")
    if report.safety_backup:
        print(f"  恢复前的数据 the contents before the restore: {report.safety_backup}")
    verdict = "恢复完成 restore complete" if report.ok else "恢复后核对未通过 verification FAILED"
    print(f"{verdict} in {report.seconds['total']:.1f} s")
    if manifest["version"] != _version():
        print(
            f"注意：备份来自 {manifest['version']} 版，请运行 shuangsuiji manage migrate "
            f"(the backup is from version {manifest['version']}: run `shuangsuiji manage migrate`)"
        )
    return 0 if report.ok else 1


def _run_create_admin(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    import getpass

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码 Password: ")
        if getpass.getpass("再次输入 Password again: ") != password:
            print("两次输入的密码不一致 (the passwords differ)", file=sys.stderr)
            return 2
    django_setup()
    from .accounts import create_system_admin
    from .common import OpsError

    try:
        user = create_system_admin(
            username=args.username, password=password, display_name=args.name
        )
    except OpsError as exc:
        print(f"未创建 not created: {exc}", file=sys.stderr)
        return 2
    print(f"已创建系统管理员 system administrator created: {user.username}")
    return 0


def _version() -> str:
    from shuangsuiji import __version__

    return __version__
