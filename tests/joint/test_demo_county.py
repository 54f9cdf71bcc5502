"""Issue 9's integration test on the demo county (新县): 市场监督管理局 and 卫生健康委员会
inspect catering businesses together — one draw, teams with an inspector of each
department, two departments' results, one publication — and the records verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from shuangsuiji.cli import main
from shuangsuiji.demo.loader import load_demo
from shuangsuiji.directory.models import InspectionItem, Inspector, TargetLibrary
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.results import services as results
from shuangsuiji.results.models import ItemOutcome, Publication, ResultCategory, ResultStatus
from shuangsuiji.results.services import ResultInput
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Assignment, DrawnTarget
from tests.results.conftest import give_accounts

pytestmark = pytest.mark.django_db


def test_joint_catering_inspection_on_the_demo_county(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_demo(size=3000, seed=411523, activity=False)
    sj = Department.objects.get(code="SJ")
    wj = Department.objects.get(code="WJ")
    for dept in (sj, wj):
        library, _ = TargetLibrary.objects.get_or_create(department=dept)
        library.kinds = ["企业", "个体工商户"]
        library.industry_prefixes = ["H62"]
        library.save()
    give_accounts(list(Inspector.objects.filter(department__in=[sj, wj], user__isnull=True)))
    sjadmin = User.objects.get(username="sjadmin")
    wjadmin = User.objects.get(username="wjadmin")
    today = timezone.localdate()
    task = services.task_create(
        department=sj,
        actor=sjadmin,
        name="餐饮服务单位跨部门联合抽查",
        adhoc_reason="餐饮行业“一业一查”",
        items=list(InspectionItem.objects.filter(department=sj).order_by("code")[:1]),
        participants=[wj],
        quotas={"A": "2", "B": "2", "C": "2", "D": "2"},
        period_start=today,
        period_end=today,
        inspector_cap=10,
    )
    services.task_participation_confirm(
        task=task,
        department=wj,
        actor=wjadmin,
        items=list(InspectionItem.objects.filter(department=wj).order_by("code")[:1]),
    )
    freeze = services.task_freeze(task=task, actor=sjadmin)
    draw = services.task_draw(task=task, actor=sjadmin, entropy=["新县联合抽查 2026"])
    services.task_match(task=task, actor=sjadmin)
    services.task_dispatch(task=task, actor=sjadmin)
    assert task.draws.count() == 1 and draw.selected_count > 0

    target = DrawnTarget.objects.filter(draw=draw).order_by("position").first().target  # type: ignore[union-attr]
    team = [
        a.inspector
        for a in Assignment.objects.filter(task=task, target=target, active=True).select_related(
            "inspector__user"
        )
    ]
    assert {i.department_id for i in team} == {sj.pk, wj.pk}
    publication = None
    for dept, admin in ((sj, sjadmin), (wj, wjadmin)):
        member = next(i for i in team if i.department_id == dept.pk)
        part = results.result_save(
            actor=member.user,
            task=task,
            target=target,
            data=ResultInput(
                inspection_date=today,
                result_date=today,
                category=ResultCategory.objects.get(code="R01"),
                findings="现场检查未发现问题",
                present={i.pk: True for i in team},
                outcomes={
                    i.pk: (ItemOutcome.NO_PROBLEM, "") for i in task.items.filter(department=dept)
                },
            ),
            submit=True,
        )
        publication = results.result_publish(actor=admin, result=part)
        if dept == sj:
            assert publication is None  # held until the health part is in
    assert publication is not None and Publication.objects.count() == 1
    assert set(task.results.values_list("status", flat=True)) == {ResultStatus.PUBLISHED}

    matching = task.matchings.get()
    for name, data in (
        ("population.csv", freeze.population.open("rb").read()),
        ("draw.json", bytes(draw.record_bytes)),
        ("matching.json", bytes(matching.record_bytes)),
        ("inputs.json", bytes(matching.inputs_bytes)),
    ):
        (tmp_path / name).write_bytes(data)
    assert json.loads((tmp_path / "inputs.json").read_text())["joint_departments"] == ["SJ", "WJ"]
    code = main(
        [
            "verify",
            str(tmp_path / "draw.json"),
            "--population",
            str(tmp_path / "population.csv"),
            "--matching",
            str(tmp_path / "matching.json"),
            "--matching-inputs",
            str(tmp_path / "inputs.json"),
        ]
    )
    assert code == 0, capsys.readouterr()
