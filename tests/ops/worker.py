"""Processes the ops tests start, kill and look into (``python -m tests.ops.worker …``, run
from the repository root with DATABASE_URL and SHUANGSUIJI_VAR_DIR set):

    setup --entities N [--freeze]   migrate, load the demo county's reference data and N
                                    market entities; with --freeze, give SJ a library that
                                    covers everyone, an approved plan and a frozen task
    draw TASK [--pause-half]        run task_draw; with --pause-half, write half of the
                                    drawn-target rows, say HALF and hang (to be killed there)
    probe                           print tests.ops.probe.snapshot() as JSON
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from typing import Any

QUOTAS = {"A": "25%", "B": "25%", "C": "25%", "D": "25%"}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings.base")
    import django

    django.setup()


def setup(entities: int, freeze: bool) -> dict[str, Any]:
    from django.core.management import call_command

    from shuangsuiji.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    load_demo(size=entities, seed=411523, activity=False)
    out: dict[str, Any] = {"entities": entities}
    if freeze:
        out.update(_frozen_task())
    return out


def _frozen_task() -> dict[str, Any]:
    from django.db import transaction

    from shuangsuiji.directory.models import EntityKind, InspectionItem, TargetLibrary
    from shuangsuiji.organizations.models import Department, User
    from shuangsuiji.tasks import services

    department = Department.objects.get(code="SJ")
    actor = User.objects.get(username="sjadmin")
    TargetLibrary.objects.update_or_create(
        department=department,
        defaults={"kinds": list(EntityKind.values), "industry_prefixes": [], "township_codes": []},
    )
    items = list(InspectionItem.objects.filter(department=department)[:2])
    with transaction.atomic():
        plan = _approved_plan(department, actor, items)
    task = services.task_create(
        department=department,
        actor=actor,
        plan=plan,
        name="市场主体登记事项抽查（故障测试）",
        items=items,
        quotas=QUOTAS,
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 20),
    )
    frozen = services.task_freeze(task=task, actor=actor)
    return {"task": task.pk, "population": frozen.population_size}


def _approved_plan(department: Any, actor: Any, items: list[Any]) -> Any:
    from shuangsuiji.plans import services as plans

    plan = plans.plan_create(
        department=department,
        actor=actor,
        year=2026,
        items=items,
        name="2026年度市场监管领域双随机抽查计划（故障测试）",
        target_scope="全县市场主体",
        ratios=QUOTAS,
        frequency="每年一次",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 12, 20),
        inspecting_body=department.name,
    )
    plans.plan_submit(plan=plan, actor=actor)
    return plans.plan_approve(plan=plan, actor=actor)


def draw(task_id: int, pause_half: bool) -> dict[str, Any]:
    from shuangsuiji.organizations.models import User
    from shuangsuiji.tasks import services
    from shuangsuiji.tasks.models import DrawnTarget, Task

    if pause_half:
        manager = DrawnTarget.objects
        original = manager.bulk_create

        def half_then_hang(objs: Any, *args: Any, **kwargs: Any) -> Any:
            rows = list(objs)
            original(rows[: len(rows) // 2], *args, **kwargs)
            print(f"HALF {len(rows) // 2} of {len(rows)}", flush=True)
            time.sleep(600)
            raise SystemExit("not killed")

        manager.bulk_create = half_then_hang  # type: ignore[method-assign]
    task = Task.objects.get(pk=task_id)
    actor = User.objects.get(username="sjadmin")
    print("DRAWING", flush=True)
    made = services.task_draw(task=task, actor=actor, entropy=["故障测试 dice:4 2 6"])
    return {"draw": made.pk, "selected": made.selected_count}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.ops.worker")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--entities", type=int, default=0)
    p.add_argument("--freeze", action="store_true")
    p = sub.add_parser("draw")
    p.add_argument("task", type=int)
    p.add_argument("--pause-half", action="store_true")
    sub.add_parser("probe")
    args = parser.parse_args(argv)
    _django()
    if args.cmd == "setup":
        out = setup(args.entities, args.freeze)
    elif args.cmd == "draw":
        out = draw(args.task, args.pause_half)
    else:
        from tests.ops.probe import snapshot

        out = snapshot()
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
