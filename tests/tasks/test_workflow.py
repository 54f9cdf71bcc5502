"""The fixed order plan → task → freeze → draw → match → recusal, each step on the record,
and the records verifiable by the public lottery package."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import Conflict, Inspector, Target
from shuangsuiji.errors import DomainError
from shuangsuiji.lottery import parse_population, verify_record
from shuangsuiji.lottery.matching import check_matching
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Assignment, Draw, Task, TaskStatus
from tests.tasks.conftest import Scenario

QUOTAS = {"A": "5%", "B": "10%", "C": "20%", "D": "2"}


def make_task(s: Scenario, **kw: object) -> Task:
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


@pytest.mark.django_db
def test_full_workflow_verifies_and_every_step_is_audited(scenario: Scenario) -> None:
    task = make_task(scenario)
    assert task.number == "新卫健抽查〔2026〕1号"
    freeze = services.task_freeze(task=task, actor=scenario.admin)
    active = [t for t in scenario.targets if t.status == "存续"]
    assert freeze.population_size == len(active)
    assert freeze.excluded_count == len(scenario.targets) - len(active)
    draw = services.task_draw(
        task=task, actor=scenario.admin, entropy=["dice:31415 92653", "福彩3D 2026330期: 1 8 5"]
    )
    population = freeze.population.open("rb").read()
    report = verify_record(json.loads(bytes(draw.record_bytes)), parse_population(population))
    assert report.ok, report.summary()
    matching = services.task_match(task=task, actor=scenario.admin)
    inputs = json.loads(bytes(matching.inputs_bytes))
    assert check_matching(draw.record, matching.record, inputs) == []
    teams: dict[int, int] = {}
    for a in Assignment.objects.filter(task=task, active=True):
        teams[a.target_id] = teams.get(a.target_id, 0) + 1
    assert len(teams) == draw.selected_count and set(teams.values()) == {2}
    first = Assignment.objects.filter(task=task).first()
    assert first is not None
    recusal = services.assignment_recuse(
        assignment=first, actor=scenario.admin, reason="其配偶在该单位任职"
    )
    first.refresh_from_db()
    assert not first.active and recusal.replacement.active
    assert recusal.replacement.inspector_id != first.inspector_id
    matching.refresh_from_db()
    assert check_matching(draw.record, matching.record, inputs) == []
    assert matching.record["replacements"][0]["reason"] == "其配偶在该单位任职"
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-5:] == ["task.create", "task.freeze", "task.draw", "task.match", "task.recusal"]
    assert verify_chain().ok


@pytest.mark.django_db
def test_second_draw_is_refused_and_redraw_needs_a_reason(scenario: Scenario) -> None:
    task = make_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    first = services.task_draw(task=task, actor=scenario.admin, entropy=["dice:1 2 3"])
    with pytest.raises(services.DrawAlreadyMade):
        services.task_draw(task=task, actor=scenario.admin, entropy=["dice:4 5 6"])
    with pytest.raises(DomainError):
        services.task_request_redraw(task=task, actor=scenario.admin, reason="   ")
    assert Draw.objects.filter(task=task).count() == 1
    commitment = services.task_request_redraw(
        task=task, actor=scenario.admin, reason="摇号现场停电，见证人未能记录结果"
    )
    second = services.task_draw(task=task, actor=scenario.admin, entropy=["dice:6 6 6"])
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert second.reason == "摇号现场停电，见证人未能记录结果"
    assert second.record["commitment"] == commitment.commitment != first.record["commitment"]


@pytest.mark.django_db
def test_targets_drawn_this_year_are_excluded_with_the_reason(scenario: Scenario) -> None:
    task = make_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    draw = services.task_draw(task=task, actor=scenario.admin)
    drawn = set(draw.drawn.values_list("target__credit_code", flat=True))
    second = make_task(scenario, name="公共场所卫生第二批抽查")
    freeze = services.task_freeze(task=second, actor=scenario.admin)
    ids = {
        line.split(b",")[0].decode()
        for line in freeze.population.open("rb").read().splitlines()[1:]
    }
    assert not (ids & drawn)
    report = freeze.exclusions.open("rb").read().decode("utf-8-sig")
    for code in drawn:
        line = next(row for row in report.splitlines() if row.startswith(code))
        assert task.number in line
    for t in scenario.targets:
        if t.status != "存续":
            assert f"{t.credit_code},{t.name}," in report and t.status in report


@pytest.mark.django_db
def test_infeasible_matching_names_targets_and_changes_nothing(scenario: Scenario) -> None:
    task = make_task(scenario, inspectors_per_target=2)
    services.task_freeze(task=task, actor=scenario.admin)
    draw = services.task_draw(task=task, actor=scenario.admin)
    victim = Target.objects.get(pk=draw.drawn.first().target_id)  # type: ignore[union-attr]
    for inspector in Inspector.objects.filter(department=scenario.county.health)[1:]:
        Conflict.objects.create(
            inspector=inspector,
            target=victim,
            reason="近亲属",
            valid_from=dt.date(2026, 1, 1),
            declared_by=scenario.admin,
        )
    events = AuditEvent.objects.count()
    with pytest.raises(services.MatchingInfeasibleError) as info:
        services.task_match(task=task, actor=scenario.admin)
    assert victim.credit_code in str(info.value)
    assert any(p.target_id == victim.credit_code for p in info.value.problems)
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAWN
    assert not Assignment.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_task_outside_the_plan_needs_a_reason(scenario: Scenario) -> None:
    with pytest.raises(DomainError):
        make_task(scenario, plan=None, adhoc_reason="")
    task = make_task(scenario, plan=None, adhoc_reason="县政府交办：节前食品安全专项")
    assert task.adhoc_reason == "县政府交办：节前食品安全专项"


@pytest.mark.django_db
def test_steps_out_of_order_are_refused(scenario: Scenario) -> None:
    task = make_task(scenario)
    with pytest.raises(services.TaskStateError):
        services.task_draw(task=task, actor=scenario.admin)
    with pytest.raises(services.TaskStateError):
        services.task_match(task=task, actor=scenario.admin)
    services.task_freeze(task=task, actor=scenario.admin)
    with pytest.raises(services.TaskStateError):
        services.task_freeze(task=task, actor=scenario.admin)


@pytest.mark.django_db(transaction=True)
def test_two_users_pressing_draw_at_once_get_one_draw(scenario: Scenario) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race needs two real connections")
    task = make_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def press() -> None:
        from django.db import connections

        barrier.wait()
        try:
            services.task_draw(task=task, actor=scenario.admin, entropy=["dice:1"])
            results.append("drawn")
        except services.DrawAlreadyMade:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["drawn", "refused"]
    assert Draw.objects.filter(task=task).count() == 1


@pytest.mark.django_db
def test_dispatch_comes_after_matching_and_is_audited(scenario: Scenario) -> None:
    task = make_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    services.task_draw(task=task, actor=scenario.admin)
    with pytest.raises(services.TaskStateError):
        services.task_dispatch(task=task, actor=scenario.admin)
    services.task_match(task=task, actor=scenario.admin)
    dispatched = services.task_dispatch(task=task, actor=scenario.admin)
    assert dispatched.status == TaskStatus.DISPATCHED
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "task.dispatch"
    with pytest.raises(services.TaskStateError):
        services.task_dispatch(task=task, actor=scenario.admin)
    from django.test import Client

    from tests.conftest import PASSWORD

    other = Client()
    assert other.login(username=scenario.county.users["supervisor"].username, password=PASSWORD)
    assert other.post(f"/tasks/{task.pk}/dispatch/").status_code == 403
