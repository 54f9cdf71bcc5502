"""``shuangsuiji manage load_demo --size N``: load the demo county (e.g. 10 million entities
for benchmarks) into the configured database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuangsuiji.demo.loader import demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo county 河南省信阳市新县 (deterministic from --seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=30_000, help="market entities")
        parser.add_argument("--seed", type=int, default=411523)
        parser.add_argument(
            "--no-activity",
            action="store_true",
            help="entities only, without the generated year of plans, tasks and results",
        )

    def handle(self, *args: Any, size: int, seed: int, **options: Any) -> None:
        if size < 1 or size > 200_000_000:
            raise CommandError("--size 必须在 1 到 2 亿之间 (--size must be 1..200,000,000)")
        if demo_loaded():
            raise CommandError(
                "演示县已加载 (the demo county is already loaded); use a fresh database"
            )
        load_demo(
            size=size,
            seed=seed,
            progress=options["verbosity"] > 0,
            activity=not options["no_activity"],
        )
