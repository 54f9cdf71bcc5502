"""`shuangsuiji remind`: the daily reminder run (systemd timer or cron)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any


def _run(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    try:
        day = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)", file=sys.stderr)
        return 2
    django_setup()
    from django.utils import timezone

    from .services.reminders import send_reminders

    run = send_reminders(day or timezone.localdate())
    print(
        f"提醒 reminders: {run.created} created, {run.emailed} e-mailed, "
        f"{run.failed_mail} e-mails failed"
    )
    return 0


def register(sub: Any, *, django_setup: Callable[[], None]) -> None:
    p = sub.add_parser(
        "remind",
        help="remind staff of results due or overdue for publication",
        description="Create in-app reminders (and e-mails, when configured) for results "
        "whose 20-working-day publication deadline has passed or is near.  Run daily; "
        "running twice on one day sends nothing twice.",
    )
    p.add_argument("--date", help="the day to run for (default today), YYYY-MM-DD")
    p.set_defaults(func=lambda args: _run(args, django_setup))
