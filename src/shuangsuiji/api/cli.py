"""`shuangsuiji token …` and `shuangsuiji exchange …`.  Importing this module must not import
Django: the lottery commands run without it.

    shuangsuiji token create USERNAME --name NAME     prints the token, once
    shuangsuiji token revoke PREFIX
    shuangsuiji token list [USERNAME]
    shuangsuiji exchange export-results FILE [--from DATE] [--to DATE]
    shuangsuiji exchange export-draws FILE [--from DATE] [--to DATE]
    shuangsuiji exchange import-entities FILE [--dry-run] [--user NAME]

Exit status: 0 done, 1 the file has errors (every one listed, nothing written), 2 a bad
argument, an unknown account or prefix, or an unreadable file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: Any, *, django_setup: Callable[[], None]) -> None:
    token = sub.add_parser(
        "token",
        help="API tokens: create, revoke, list",
        description="API tokens of department accounts (Authorization: Bearer …).  Only a "
        "token's SHA-256 is stored: the token is printed once, when it is created.",
    )
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    token_sub.required = True
    create = token_sub.add_parser("create", help="create a token for an account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="what the token is for, e.g. 省平台对接")
    create.set_defaults(func=lambda args: _run(args, django_setup, _token_create))
    revoke = token_sub.add_parser("revoke", help="revoke a token by its prefix")
    revoke.add_argument("prefix", help="the token's first 12 characters (see `token list`)")
    revoke.set_defaults(func=lambda args: _run(args, django_setup, _token_revoke))
    listing = token_sub.add_parser("list", help="list tokens (prefixes, never the tokens)")
    listing.add_argument("username", nargs="?")
    listing.set_defaults(func=lambda args: _run(args, django_setup, _token_list))

    exchange = sub.add_parser(
        "exchange",
        help="files for and from the national platform",
        description="Export published results and drawn lists in the national platform's "
        "column layout (.xlsx or .csv by the file's extension), or import its market-entity "
        "export.  Layouts: docs/api.md.",
    )
    ex_sub = exchange.add_subparsers(dest="exchange_command", metavar="ACTION")
    ex_sub.required = True
    for name, what in (("export-results", "published results"), ("export-draws", "drawn lists")):
        p = ex_sub.add_parser(name, help=f"export {what} (.xlsx or .csv)")
        p.add_argument("file", type=Path)
        p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        p.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        handler = _export_results if name == "export-results" else _export_draws
        p.set_defaults(func=lambda args, h=handler: _run(args, django_setup, h))
    imp = ex_sub.add_parser(
        "import-entities",
        help="import the national platform's market-entity export",
        description="Check the whole file, then import it as one transaction; any bad row "
        "(an unknown 类型 or 登记状态 label …) → exit 1 with every problem, nothing written.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check and report only")
    imp.add_argument("--user", help="act as this user (default: the first system administrator)")
    imp.set_defaults(func=lambda args: _run(args, django_setup, _import_entities))


def _run(
    args: argparse.Namespace,
    django_setup: Callable[[], None],
    handler: Callable[[argparse.Namespace], int],
) -> int:
    django_setup()
    return handler(args)


def _err(text: str) -> int:
    print(text, file=sys.stderr)
    return 2


# --- tokens ---------------------------------------------------------------------------------


def _token_create(args: argparse.Namespace) -> int:
    from shuangsuiji.errors import DomainError
    from shuangsuiji.organizations.models import User

    from .tokens import token_create

    user = User.objects.filter(username=args.username).first()
    if user is None:
        return _err(f"错误：没有账号 {args.username} (no such account)")
    try:
        issued = token_create(user=user, name=args.name)
    except DomainError as exc:
        return _err(f"错误：{exc}")
    print(issued.secret)
    print(
        f"已为 {user.username} 创建令牌 {issued.token.prefix}…（只显示这一次，请妥善保存）"
        f" token created for {user.username}; shown once, keep it safe",
        file=sys.stderr,
    )
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    from shuangsuiji.errors import DomainError

    from .tokens import token_revoke

    try:
        token = token_revoke(prefix=args.prefix)
    except DomainError as exc:
        return _err(f"错误：{exc}")
    print(f"已吊销 revoked {token.prefix}… ({token.user.username}, {token.name})")
    return 0


def _token_list(args: argparse.Namespace) -> int:
    from .models import ApiToken

    qs = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
    if args.username:
        qs = qs.filter(user__username=args.username)
    for t in qs:
        state = "revoked " + t.revoked_at.isoformat() if t.revoked_at else "active"
        used = t.last_used_at.isoformat() if t.last_used_at else "never used"
        print(f"{t.prefix}…\t{t.user.username}\t{t.name}\t{state}\t{used}")
    return 0


# --- exchange -------------------------------------------------------------------------------


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(value)


def _export(args: argparse.Namespace, kind: str) -> int:
    from django.contrib.auth.models import AnonymousUser

    from shuangsuiji.organizations import policy
    from shuangsuiji.organizations.policy import Action
    from shuangsuiji.results.models import Publication
    from shuangsuiji.tasks.models import Draw

    from . import exchange

    fmt = args.file.suffix.lower().lstrip(".")
    if fmt not in exchange.FORMATS:
        return _err("错误：文件扩展名必须是 .xlsx 或 .csv (use .xlsx or .csv)")
    try:
        start, end = _day(args.start), _day(args.end)
    except ValueError:
        return _err("错误：日期格式应为 YYYY-MM-DD (dates are YYYY-MM-DD)")
    # What is exported is public (published results, drawn lists): the public's view.
    public = AnonymousUser()
    if kind == "results":
        rows = exchange.result_rows(
            policy.instances_user_has_permission_for(public, Action.VIEW, Publication),
            start=start,
            end=end,
        )
        columns, title = exchange.RESULT_COLUMNS, exchange.RESULTS_TITLE
    else:
        rows = exchange.draw_rows(
            policy.instances_user_has_permission_for(public, Action.VIEW, Draw),
            start=start,
            end=end,
        )
        columns, title = exchange.DRAW_COLUMNS, exchange.DRAWS_TITLE
    with args.file.open("wb") as out:
        n = exchange.write_export(columns, rows, out, fmt=fmt, title=title)
    print(f"已导出{n:,}行到 {args.file} (exported {n} rows)")
    return 0


def _export_results(args: argparse.Namespace) -> int:
    return _export(args, "results")


def _export_draws(args: argparse.Namespace) -> int:
    return _export(args, "draws")


def _import_entities(args: argparse.Namespace) -> int:
    from shuangsuiji.directory.cli import _actor
    from shuangsuiji.directory.tabular import ImportRejected, UnreadableFile
    from shuangsuiji.errors import NotAllowed
    from shuangsuiji.organizations.models import User

    from . import exchange

    try:
        actor = _actor(args.user)
    except (LookupError, User.DoesNotExist) as exc:
        return _err(f"错误：{exc}")
    if not args.file.is_file():
        return _err(f"错误：文件不存在 {args.file} (no such file)")
    try:
        result = exchange.import_entities(path=args.file, actor=actor, dry_run=args.dry_run)
    except UnreadableFile as exc:
        return _err(f"无法读取文件：{exc.message_zh} ({exc.message_en})")
    except NotAllowed as exc:
        return _err(f"无权导入：{exc}")
    except ImportRejected as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        errors = sum(1 for p in exc.problems if p.is_error)
        print(
            f"共{errors}处错误，未写入任何数据 ({errors} errors, nothing written)", file=sys.stderr
        )
        return 1
    out = result.outcome
    for p in out.problems:
        print(str(p), file=sys.stderr)
    verb = "预览（未写入）" if args.dry_run else "已导入"
    print(
        f"{verb} {out.file_name}: 共{out.rows:,}行，新增{out.added:,}，修改{out.changed:,}，"
        f"未变{out.unchanged:,}；忽略的列：{'、'.join(result.ignored_columns) or '无'} "
        f"(rows {out.rows}, added {out.added}, changed {out.changed}, unchanged {out.unchanged})"
    )
    return 0
