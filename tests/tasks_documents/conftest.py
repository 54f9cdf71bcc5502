"""A task that went through the whole workflow: frozen, drawn, matched, one recusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Assignment, Draw, Matching, Recusal, Task
from tests.tasks.conftest import Scenario, scenario  # noqa: F401 - the fixture, reused

QUOTAS = {"A": "5%", "B": "10%", "C": "20%", "D": "2"}
ENTROPY = ["dice:31415 92653", "福彩3D 2026330期: 1 8 5"]


@dataclass
class Matched:
    scenario: Scenario
    task: Task
    draw: Draw
    matching: Matching
    recusal: Recusal


def new_task(s: Scenario, **kw: object) -> Task:
    args: dict[str, object] = dict(
        department=s.county.health,
        actor=s.admin,
        plan=s.plan,
        name="公共场所卫生专项抽查",
        items=[s.county.items["health"]],
        quotas=QUOTAS,
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 20),
        inspector_cap=10,
    )
    args.update(kw)
    return services.task_create(**args)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Frozen files of these tests go to a temporary directory (one test alters one)."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def matched(scenario: Scenario) -> Matched:  # noqa: F811 - the imported fixture
    task = new_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    draw = services.task_draw(task=task, actor=scenario.admin, entropy=ENTROPY)
    matching = services.task_match(task=task, actor=scenario.admin)
    first = Assignment.objects.filter(task=task).order_by("position", "pk").first()
    assert first is not None
    recusal = services.assignment_recuse(
        assignment=first, actor=scenario.admin, reason="其配偶在该单位任职"
    )
    matching.refresh_from_db()
    return Matched(scenario, task, draw, matching, recusal)
