"""Joint inspections (R11): one draw, one dispatch with an inspector of every department on
each team, each department's part of the result, one publication."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.cli import main
from shuangsuiji.credit.models import CreditRecordEntry
from shuangsuiji.directory.models import Inspector, InspectorStatus
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.results import selectors
from shuangsuiji.results import services as results
from shuangsuiji.results.models import (
    ItemOutcome,
    Publication,
    Result,
    ResultCategory,
    ResultStatus,
)
from shuangsuiji.results.services import ResultInput
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Assignment, DrawnTarget, Task, TaskStatus
from tests.joint.conftest import Joint

pytestmark = pytest.mark.django_db


def _run_to_dispatch(j: Joint, task: Task) -> list:  # type: ignore[type-arg]
    services.task_participation_confirm(
        task=task,
        department=j.county.health,
        actor=j.health_admin,
        items=[j.county.items["health"]],
    )
    services.task_freeze(task=task, actor=j.lead_admin)
    services.task_draw(task=task, actor=j.lead_admin, entropy=["联合抽查 骰子 4 2 6"])
    services.task_match(task=task, actor=j.lead_admin)
    services.task_dispatch(task=task, actor=j.lead_admin)
    return [
        d.target
        for d in DrawnTarget.objects.filter(draw__task=task, draw__superseded=False).order_by(
            "position"
        )
    ]


def _part(task: Task, target, department, **kw):  # type: ignore[no-untyped-def]
    team = [
        a.inspector
        for a in Assignment.objects.filter(task=task, target=target, active=True).select_related(
            "inspector__user"
        )
    ]
    mine = [i for i in team if i.department_id == department.pk]
    items = [i for i in task.items.all() if i.department_id == department.pk]
    today = timezone.localdate()
    data = ResultInput(
        inspection_date=today,
        result_date=today,
        category=ResultCategory.objects.get(code=kw.pop("code", "R01")),
        findings=kw.pop("findings", "未发现问题"),
        present={i.pk: True for i in team},
        outcomes={i.pk: (ItemOutcome.NO_PROBLEM, "") for i in items},
    )
    return results.result_save(actor=mine[0].user, task=task, target=target, data=data, submit=True)


def test_participant_confirms_before_the_single_freeze(joint: Joint) -> None:
    task = joint.create()
    assert list(task.participants.all()) == [joint.county.health]
    with pytest.raises(DomainError, match="卫生健康委员会"):
        services.task_freeze(task=task, actor=joint.lead_admin)
    # The lead cannot confirm for the participant, nor the participant freeze or draw.
    with pytest.raises(NotAllowed):
        services.task_participation_confirm(
            task=task,
            department=joint.county.health,
            actor=joint.lead_admin,
            items=[joint.county.items["health"]],
        )
    services.task_participation_confirm(
        task=task,
        department=joint.county.health,
        actor=joint.health_admin,
        items=[joint.county.items["health"]],
    )
    with pytest.raises(NotAllowed):
        services.task_freeze(task=task, actor=joint.health_admin)
    freeze = services.task_freeze(task=task, actor=joint.lead_admin)
    assert set(task.items.values_list("code", flat=True)) == {"SJ-001", "WJ-001"}
    # One population: the businesses in both departments' libraries.
    assert freeze.population_size > 0


def test_too_few_inspectors_per_target_for_the_departments_is_refused(joint: Joint) -> None:
    with pytest.raises(DomainError):
        joint.create(inspectors_per_target=2, participants=[joint.county.health, joint.county.env])
    assert not Task.objects.exists()


def test_one_draw_teams_from_each_department_parts_then_one_publication(
    joint: Joint, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    county = joint.county
    task = joint.create()
    drawn = _run_to_dispatch(joint, task)
    assert task.draws.count() == 1 and drawn
    for target in drawn:
        departments = set(
            Assignment.objects.filter(task=task, target=target, active=True).values_list(
                "inspector__department", flat=True
            )
        )
        assert departments == {county.lead.pk, county.health.pk}
    target = drawn[0]
    # The lead's part, approved first: the publication waits for the health part.
    lead_part = _part(task, target, county.lead, findings="食品经营许可证在有效期内")
    assert results.result_publish(actor=joint.lead_admin, result=lead_part) is None
    lead_part.refresh_from_db()
    assert lead_part.status == ResultStatus.APPROVED
    assert not Publication.objects.exists()
    missing = selectors.missing_parts([county.health.pk])
    assert (task.pk, target.pk, county.health.pk) in {(t.pk, g.pk, d.pk) for t, g, d in missing}
    # The health part: each department answers for its own items only.
    health_part = _part(
        task, target, county.health, code="R07", findings="从业人员健康证过期，已责令改正"
    )
    assert set(health_part.item_outcomes.values_list("item__code", flat=True)) == {"WJ-001"}
    publication = results.result_publish(actor=joint.health_admin, result=health_part)
    assert publication is not None
    assert Publication.objects.count() == 1
    assert "新县市场监督管理局" in publication.department_name
    assert "新县卫生健康委员会" in publication.department_name
    assert {i["code"] for i in publication.items} == {"SJ-001", "WJ-001"}
    assert "发现问题已责令改正" in publication.category_name
    assert set(
        Result.objects.filter(task=task, target=target).values_list("status", flat=True)
    ) == {ResultStatus.PUBLISHED}
    assert CreditRecordEntry.objects.filter(target=target).count() == 1
    assert verify_chain().ok
    # The records verify with the public tool.
    freeze = task.freeze
    population = tmp_path / "population.csv"
    population.write_bytes(freeze.population.open("rb").read())
    draw = task.draws.get()
    matching = task.matchings.get()
    (tmp_path / "draw.json").write_bytes(bytes(draw.record_bytes))
    (tmp_path / "matching.json").write_bytes(bytes(matching.record_bytes))
    (tmp_path / "inputs.json").write_bytes(bytes(matching.inputs_bytes))
    inputs = json.loads(bytes(matching.inputs_bytes))
    assert inputs["joint_departments"] == sorted([county.lead.code, county.health.code])
    code = main(
        [
            "verify",
            str(tmp_path / "draw.json"),
            "--population",
            str(population),
            "--matching",
            str(tmp_path / "matching.json"),
            "--matching-inputs",
            str(tmp_path / "inputs.json"),
        ]
    )
    assert code == 0, capsys.readouterr()


def test_a_team_without_a_participants_inspector_is_impossible(joint: Joint) -> None:
    county = joint.county
    task = joint.create()
    services.task_participation_confirm(
        task=task,
        department=county.health,
        actor=joint.health_admin,
        items=[county.items["health"]],
    )
    services.task_freeze(task=task, actor=joint.lead_admin)
    services.task_draw(task=task, actor=joint.lead_admin, entropy=["x"])
    Inspector.objects.filter(department=county.health).update(status=InspectorStatus.TRANSFERRED)
    with pytest.raises(services.MatchingInfeasibleError) as raised:
        services.task_match(task=task, actor=joint.lead_admin)
    assert county.health.code in str(raised.value.problems) or raised.value.problems
    assert not Assignment.objects.filter(task=task).exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAWN


def test_recusal_in_a_joint_team_is_replaced_from_the_same_department(joint: Joint) -> None:
    county = joint.county
    task = joint.create()
    drawn = _run_to_dispatch(joint, task)
    health_member = Assignment.objects.filter(
        task=task, target=drawn[0], active=True, inspector__department=county.health
    ).first()
    assert health_member is not None
    recusal = services.assignment_recuse(
        assignment=health_member, actor=joint.lead_admin, reason="其亲属在该单位任职"
    )
    assert recusal.replacement.inspector.department_id == county.health.pk


def test_joint_plan_counts_for_the_participant(joint: Joint) -> None:
    from django.test import Client
    from django.urls import reverse

    from shuangsuiji.plans import services as plans
    from tests.conftest import PASSWORD

    county = joint.county
    plan = plans.plan_create(
        department=county.lead,
        actor=joint.lead_admin,
        year=2026,
        items=[county.items["lead"]],
        participants=[county.health],
        name="2026年度餐饮行业跨部门联合抽查计划",
        target_scope="全县餐饮服务单位",
        ratios={"A": "5%", "B": "10%", "C": "20%", "D": "50%"},
        period_start=timezone.localdate().replace(month=3, day=1),
        period_end=timezone.localdate().replace(month=12, day=20),
        inspecting_body="新县市场监督管理局、新县卫生健康委员会",
    )
    c = Client()
    assert c.login(username=joint.health_admin.username, password=PASSWORD)
    page = c.get(reverse("web:plan_list")).content.decode()
    assert plan.name in page
    # The participant sees the joint plan but does not change it.
    assert c.post(reverse("web:plan_submit", args=[plan.pk])).status_code in (403, 404)
