"""`shuangsuiji import` and `shuangsuiji export` (directory files).  Importing this module
must not import Django: the lottery commands run without it.

    shuangsuiji import targets|inspectors|items FILE [--dry-run] [--user NAME]
    shuangsuiji export targets|inspectors|items FILE [--user NAME]

Both use the database that ``DATABASE_URL`` names.  Exit status: 0 done, 1 the file has
errors (every one is listed, in Chinese, and nothing is written), 2 the file cannot be read
or the user may not import it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

KIND_CHOICES = ("targets", "inspectors", "items")


def register(subparsers: Any, *, django_setup: Callable[[], None]) -> None:
    """Add the directory commands.  ``django_setup`` is called before any command runs."""
    imp = subparsers.add_parser(
        "import",
        help="import targets, inspectors or items from .xlsx/.csv",
        description="Check the whole file, then import it as one transaction (upsert by "
        "credit code / certificate number / item code).  Any bad row: exit 1 with every "
        "problem listed, nothing written.  Unreadable file: exit 2.",
    )
    imp.add_argument("kind", choices=KIND_CHOICES)
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check and preview only")
    imp.add_argument(
        "--user",
        help="act as this user (default: the first active system administrator)",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(func=lambda args: _run_import(args, django_setup))

    exp = subparsers.add_parser(
        "export",
        help="export targets, inspectors or items to .xlsx/.csv",
        description="Write the directory in the import templates' layout; the format "
        "follows the file extension (.xlsx or .csv).",
    )
    exp.add_argument("kind", choices=KIND_CHOICES)
    exp.add_argument("file", type=Path)
    exp.add_argument("--user", help="export what this user may see (default: system admin)")
    exp.add_argument("--quiet", action="store_true", help="no progress bar")
    exp.set_defaults(func=lambda args: _run_export(args, django_setup))


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str, stream: TextIO | None = None, enabled: bool = True):
        self.label, self.stream, self.enabled = label, stream or sys.stderr, enabled
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done != total):
            return
        self.last = now
        if total:
            frac = min(done / total, 1.0)
            bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
            text = f"\r{self.label} {bar} {frac:6.1%} {done:,}/{total:,}"
        else:
            text = f"\r{self.label} {done:,}"
        self.stream.write(f"{text} {now - self.started:5.1f}s")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


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
    django_setup()
    from shuangsuiji.errors import NotAllowed
    from shuangsuiji.organizations.models import User

    from .tabular import ImportRejected, UnreadableFile, import_file, preview_file

    err = sys.stderr
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
        if args.dry_run:
            out = preview_file(kind=args.kind, path=args.file, actor=actor, progress=bar)
        else:
            out = import_file(kind=args.kind, path=args.file, actor=actor, progress=bar)
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
        _print_problems(exc.problems, err)
        errors = sum(1 for p in exc.problems if p.is_error)
        print(f"共{errors}处错误，未写入任何数据 ({errors} errors, nothing written)", file=err)
        return 1
    bar.end()
    _print_problems(out.problems, err)
    if not out.ok:
        print(f"共{out.errors}处错误 ({out.errors} errors); 未写入任何数据", file=err)
        return 1
    verb = "预览（未写入）" if args.dry_run else "已导入"
    print(
        f"{verb} {out.file_name}: 共{out.rows:,}行，新增{out.added:,}，修改{out.changed:,}，"
        f"未变{out.unchanged:,}，提示{out.warnings:,} "
        f"(rows {out.rows}, added {out.added}, changed {out.changed}, "
        f"unchanged {out.unchanged}) in {time.monotonic() - started:.1f}s",
    )
    return 0


def _print_problems(problems: list[Any], stream: TextIO) -> None:
    for p in problems:
        print(str(p), file=stream)


def _run_export(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    django_setup()
    from shuangsuiji.organizations import policy
    from shuangsuiji.organizations.models import User
    from shuangsuiji.organizations.policy import Action

    from .tabular import KINDS, export_queryset

    suffix = args.file.suffix.lower().lstrip(".")
    if suffix not in ("xlsx", "csv"):
        print("错误：文件扩展名必须是 .xlsx 或 .csv (use .xlsx or .csv)", file=sys.stderr)
        return 2
    try:
        actor = _actor(args.user)
    except (LookupError, User.DoesNotExist) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    spec = KINDS[args.kind]
    qs = policy.instances_user_has_permission_for(actor, Action.VIEW, spec.model)
    bar = ProgressBar("导出", enabled=not args.quiet)
    n = export_queryset(spec, qs, args.file, fmt=suffix, actor=actor, progress=bar)
    bar.end()
    print(f"已导出{n:,}行到 {args.file} (exported {n} rows)")
    return 0
