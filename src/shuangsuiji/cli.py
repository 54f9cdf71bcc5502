"""The ``shuangsuiji`` command.

The lottery subcommands (commit, draw, verify, match) need neither a database nor Django
settings, so that anyone can check a draw after ``pip install shuangsuiji``; Django is only
imported by the platform subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

DEFAULT_SETTINGS = "shuangsuiji.settings.base"


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _cmd_demo(args: argparse.Namespace) -> int:
    _django_setup()
    from shuangsuiji.demo.loader import ensure_demo_loaded, print_logins

    from .server import prepare_database, serve

    prepare_database()
    ensure_demo_loaded(size=args.size, seed=args.seed, progress=True)
    print_logins(port=args.port)
    serve(port=args.port, host=args.host)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    _django_setup()
    from .server import prepare_database, serve

    prepare_database()
    serve(port=args.port, host=args.host)
    return 0


def _cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shuangsuiji manage", *args.rest])
    return 0


def _cmd_audit_verify(args: argparse.Namespace) -> int:
    _django_setup()
    from shuangsuiji.audit.chain import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"审计链完好 audit chain OK: {report.rows} rows, head {report.head_hash}")
        return 0
    print(f"审计链断裂 audit chain BROKEN at {report.problem}", file=sys.stderr)
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shuangsuiji",
        description="双随机一公开 Shuangsuiji: verifiable random market supervision.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add_server_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")

    demo = sub.add_parser(
        "demo",
        help="create the database, load the demo county (新县) and serve it",
        description="Create and migrate the database named by DATABASE_URL (default: SQLite "
        "under var/), load the demo county 河南省信阳市新县 unless already loaded, print the "
        "demo logins and serve the platform.",
    )
    add_server_args(demo)
    demo.add_argument("--size", type=int, default=30_000, help="market entities (default 30000)")
    demo.add_argument("--seed", type=int, default=411523, help="generator seed (default 411523)")
    demo.set_defaults(func=_cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="migrate and serve the platform",
        description="Apply migrations and serve the platform (waitress).",
    )
    add_server_args(serve)
    serve.set_defaults(func=_cmd_serve)

    manage = sub.add_parser(
        "manage",
        help="Django management commands, e.g. `shuangsuiji manage migrate`",
        description="Pass the remaining arguments to Django's manage.py.",
        add_help=False,
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_cmd_manage)

    audit = sub.add_parser("audit", help="audit chain tools", description="Audit chain tools.")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    audit_sub.required = True
    verify = audit_sub.add_parser(
        "verify",
        help="walk the hash chain and name the first broken link",
        description="Recompute every audit row's hash and link; exit 1 naming the first "
        "row that was altered, inserted or deleted behind the application's back.",
    )
    verify.set_defaults(func=_cmd_audit_verify)

    from shuangsuiji.lottery.cli import register as register_lottery_commands

    register_lottery_commands(sub)
    # import / export need Django, which they set up themselves only when run.
    from shuangsuiji.directory.cli import register as register_directory_commands

    register_directory_commands(sub, django_setup=_django_setup)
    from shuangsuiji.workdays.cli import register as register_workday_commands

    register_workday_commands(sub, django_setup=_django_setup)
    from shuangsuiji.results.cli import register as register_result_commands

    register_result_commands(sub, django_setup=_django_setup)
    from shuangsuiji.credit.cli import register as register_credit_commands

    register_credit_commands(sub, django_setup=_django_setup)
    from shuangsuiji.api.cli import register as register_api_commands

    register_api_commands(sub, django_setup=_django_setup)
    from shuangsuiji.ops.cli import register as register_ops_commands

    register_ops_commands(sub, django_setup=_django_setup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `manage --help` must reach Django, not argparse.
    if argv[:1] == ["manage"]:
        return _cmd_manage(argparse.Namespace(rest=argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
