"""`shuangsuiji credit …`: the credit files and the daily sync.  Importing this module
must not import Django (the lottery commands run without it).

    shuangsuiji credit import risk_classes FILE [--dry-run] [--user NAME] [--date YYYY-MM-DD]
    shuangsuiji credit import credit_list_entries FILE [--dry-run] [--user NAME]
    shuangsuiji credit sync [--date YYYY-MM-DD]

Exit status: 0 done, 1 the file has errors (every one listed, in Chinese; nothing written),
2 the file cannot be read, the user may not import it, or an argument is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

KINDS = ("risk_classes", "credit_list_entries")


def register(subparsers: Any, *, django_setup: Callable[[], None]) -> None:
    credit = subparsers.add_parser(
        "credit",
        help="credit risk classes, joint-punishment lists, daily sync",
        description="Credit linkage (信用监管联动): import the monthly risk classification "
        "or list entries, and bring the register's current classes and list flags up to date.",
    )
    sub = credit.add_subparsers(dest="credit_command", metavar="ACTION")
    sub.required = True
    imp = sub.add_parser(
        "import",
        help="import a risk classification or list-entry file (.xlsx/.csv)",
        description="Check the whole file, then import it as one transaction.  Any bad row: "
        "exit 1 with every problem listed, nothing written.",
    )
    imp.add_argument("kind", choices=KINDS)
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check and count, then roll back")
    imp.add_argument("--user", help="act as this user (default: the first system administrator)")
    imp.add_argument("--date", help="today's date for the current classes (default: today)")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(func=lambda args: _run_import(args, django_setup))
    sync = sub.add_parser(
        "sync",
        help="apply classes and list entries that took effect or ended (run daily)",
        description="Set each entity's current risk class and abnormal-operation flag to "
        "what is in force today.  Running twice on one day changes nothing the second time.",
    )
    sync.add_argument("--date", help="the day to sync to (default: today), YYYY-MM-DD")
    sync.set_defaults(func=lambda args: _run_sync(args, django_setup))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _actor(username: str | None) -> Any:
    from shuangsuiji.organizations.models import Role, User

    if username:
        return User.objects.get(username=username, is_active=True)
    user = (
        User.objects.filter(is_active=True, role_assignments__role=Role.SYSTEM_ADMIN)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise LookupError("没有可用的系统管理员账号，请用 --user 指定 (no system admin)")
    return user


def _run_import(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    err = sys.stderr
    try:
        day = _date(args.date)
    except ValueError:
        print("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)", file=err)
        return 2
    django_setup()
    from shuangsuiji.directory.cli import ProgressBar
    from shuangsuiji.directory.tabular.problems import ImportRejected, UnreadableFile
    from shuangsuiji.errors import NotAllowed
    from shuangsuiji.organizations.models import User

    from .services import list_entries_import, risk_classes_import

    try:
        actor = _actor(args.user)
    except (LookupError, User.DoesNotExist) as exc:
        print(f"错误：{exc}", file=err)
        return 2
    if not args.file.is_file():
        print(f"错误：文件不存在 {args.file} (no such file)", file=err)
        return 2
    bar = ProgressBar("检查并导入" if not args.dry_run else "检查", enabled=not args.quiet)
    started = time.monotonic()
    try:
        if args.kind == "risk_classes":
            out: Any = risk_classes_import(
                path=args.file, actor=actor, dry_run=args.dry_run, progress=bar, day=day
            )
            counts = (
                f"新增{out.added:,}，更正{out.changed:,}，未变{out.unchanged:,}，"
                f"更新当前分类{out.targets_updated:,}"
            )
        else:
            out = list_entries_import(
                path=args.file, actor=actor, dry_run=args.dry_run, progress=bar
            )
            counts = f"列入{out.added:,}，移出{out.removed:,}，未变{out.unchanged:,}"
    except UnreadableFile as exc:
        bar.end()
        print(f"无法读取文件：{exc.message_zh} ({exc.message_en})", file=err)
        return 2
    except NotAllowed as exc:
        bar.end()
        print(f"无权导入：{exc}", file=err)
        return 2
    except ImportRejected as exc:
        bar.end()
        for p in exc.problems:
            print(str(p), file=err)
        errors = sum(1 for p in exc.problems if p.is_error)
        print(f"共{errors}处错误，未写入任何数据 ({errors} errors, nothing written)", file=err)
        return 1
    bar.end()
    for p in out.problems:
        print(str(p), file=err)
    verb = "预览（未写入）" if args.dry_run else "已导入"
    print(
        f"{verb} {out.file_name}: 共{out.rows:,}行，{counts} in {time.monotonic() - started:.1f}s"
    )
    return 0


def _run_sync(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    try:
        day = _date(args.date)
    except ValueError:
        print("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)", file=sys.stderr)
        return 2
    django_setup()
    from .services import credit_sync

    out = credit_sync(day=day)
    print(
        f"信用同步 credit sync to {out.day}: {out.classes_updated} classes, "
        f"{out.flags_updated} abnormal-list flags updated"
    )
    return 0
