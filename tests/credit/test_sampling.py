"""Credit in the draw (R7): the class in force at freeze time picks the stratum, the lists
change tickets and strata as the rule table says, and a frozen population never moves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from shuangsuiji.credit import services as svc
from shuangsuiji.credit.models import CreditList, EffectKind, EffectRule
from shuangsuiji.directory.models import Target, TargetLibrary
from shuangsuiji.lottery import parse_population
from shuangsuiji.tasks import services as task_services
from shuangsuiji.tasks.models import DrawnTarget, Task
from shuangsuiji.tasks.services import freeze as freeze_module
from tests.credit.conftest import RISK_HEADER, Scenario, write_csv
from tests.tasks.test_workflow import make_task

pytestmark = pytest.mark.django_db


def active(s: Scenario) -> list[Target]:
    return [t for t in s.targets if t.status == "存续"]


def population_of(s: Scenario, task: Task) -> dict[str, tuple[str, int]]:
    library = TargetLibrary.objects.get(department=s.county.health)
    rows, _excluded = freeze_module._eligible_and_excluded(task, library)
    return {code: (stratum, tickets) for code, stratum, tickets in rows}


def frozen_rows(task: Task) -> dict[str, tuple[str, int]]:
    task.refresh_from_db()
    data = task.freeze.population.open("rb").read()
    return {code: (stratum, tickets) for code, stratum, tickets in parse_population(data).rows()}


def classify(s: Scenario, tmp_path: Path, rows: list[tuple[Target, str]], day: dt.date) -> None:
    path = write_csv(
        tmp_path / f"分类{day:%Y%m%d}.csv",
        RISK_HEADER,
        [[t.credit_code, cls, day.isoformat()] for t, cls in rows],
    )
    out = svc.risk_classes_import(path=path, actor=s.county.users["lead_admin"])
    assert out.applied, out.problems


def put_on(s: Scenario, list_code: str, target: Target, doc: str) -> None:
    svc.list_entry_add(
        actor=s.county.users["lead_admin"],
        credit_list=CreditList.objects.get(code=list_code),
        credit_code=target.credit_code,
        reason="抽查发现的违法行为",
        authority="新县市场监督管理局",
        document_no=doc,
        start_date=timezone.localdate() - dt.timedelta(days=30),
    )


def test_class_in_force_at_freeze_picks_the_stratum(scenario: Scenario, tmp_path: Path) -> None:
    today = timezone.localdate()
    a, b = [t for t in active(scenario) if t.risk_class in "BC"][:2]
    classify(scenario, tmp_path, [(a, "D")], today - dt.timedelta(days=1))
    a.refresh_from_db()
    assert a.risk_class == "D"  # the current value follows the file
    task = make_task(scenario)
    task_services.task_freeze(task=task, actor=scenario.admin)
    assert frozen_rows(task)[a.credit_code][0] == "D"
    # A class that takes effect tomorrow is pending today, and in force for a freeze
    # tomorrow even if the daily sync has not run yet.
    classify(scenario, tmp_path, [(b, "A")], today + dt.timedelta(days=1))
    b.refresh_from_db()
    assert b.risk_class != "A"
    later = make_task(scenario, name="次日专项抽查")
    assert population_of(scenario, later)[b.credit_code][0] == b.risk_class
    tomorrow = today + dt.timedelta(days=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "localdate", lambda *args, **kw: tomorrow)
        assert population_of(scenario, later)[b.credit_code][0] == "A"
        outcome = svc.credit_sync()
    assert outcome.classes_updated == 1
    b.refresh_from_db()
    assert b.risk_class == "A"


def test_class_change_after_freeze_does_not_change_the_population(
    scenario: Scenario, tmp_path: Path
) -> None:
    task = make_task(scenario)
    freeze = task_services.task_freeze(task=task, actor=scenario.admin)
    before = frozen_rows(task)
    digest = freeze.population_digest
    everyone = [(t, "D") for t in active(scenario)]
    classify(scenario, tmp_path, everyone, timezone.localdate())
    assert set(Target.objects.filter(status="存续").values_list("risk_class", flat=True)) == {"D"}
    assert frozen_rows(task) == before
    draw = task_services.task_draw(task=task, actor=scenario.admin, entropy=["分类变更后摇号"])
    task.freeze.refresh_from_db()
    assert task.freeze.population_digest == digest
    drawn = DrawnTarget.objects.filter(draw=draw).select_related("target")
    assert drawn.exists()
    assert all(d.stratum == before[d.target.credit_code][0] for d in drawn)
    assert {d.stratum for d in drawn} != {"D"}


def test_rule_table_changes_sampling_as_configured(scenario: Scenario) -> None:
    people = [t for t in active(scenario) if not t.abnormal_operation and t.risk_class != "D"]
    serious, abnormal, debtor = people[:3]
    put_on(scenario, "serious_illegal", serious, "新市监严列〔2026〕1号")
    put_on(scenario, "abnormal", abnormal, "新市监异列〔2026〕7号")
    put_on(scenario, "dishonest_debtor", debtor, "（2026）豫1523执9号")
    task = make_task(scenario)  # extra_tickets_abnormal = 1
    got = population_of(scenario, task)
    assert got[serious.credit_code] == ("D", 1)  # seeded: drawn in stratum D
    assert got[abnormal.credit_code] == (abnormal.risk_class, 2)  # seeded: 2 tickets
    assert got[debtor.credit_code] == (debtor.risk_class, 1)  # no sampling rule

    EffectRule.objects.filter(credit_list__code="abnormal", effect=EffectKind.TICKETS).update(
        tickets=5
    )
    EffectRule.objects.filter(credit_list__code="serious_illegal").update(active=False)
    EffectRule.objects.create(
        credit_list=CreditList.objects.get(code="dishonest_debtor"),
        effect=EffectKind.STRATUM,
        stratum="C",
        legal_basis="县局2026年抽查工作要点",
    )
    got = population_of(scenario, task)
    assert got[serious.credit_code] == (serious.risk_class, 1)
    assert got[abnormal.credit_code] == (abnormal.risk_class, 5)
    assert got[debtor.credit_code] == (max(debtor.risk_class, "C"), 1)
    # The task's own setting counts too: the larger number of tickets wins.
    many = make_task(scenario, name="经营异常重点抽查", extra_tickets_abnormal=9)
    assert population_of(scenario, many)[abnormal.credit_code] == (abnormal.risk_class, 9)


def test_register_flag_counts_only_for_entities_the_lists_do_not_know(scenario: Scenario) -> None:
    flagged = [t for t in active(scenario) if t.abnormal_operation]
    assert flagged, "the generator flags a few entities as abnormal"
    task = make_task(scenario)
    assert population_of(scenario, task)[flagged[0].credit_code][1] == 2
    # Once the list holds the entity, its entries decide: removed yesterday → one ticket.
    put_on(scenario, "abnormal", flagged[0], "新市监异列〔2026〕8号")
    entry = flagged[0].credit_list_entries.get()
    svc.list_entry_remove(
        actor=scenario.county.users["lead_admin"],
        entry=entry,
        end_date=timezone.localdate(),
        reason="已补报年度报告",
    )
    assert population_of(scenario, task)[flagged[0].credit_code][1] == 1


def test_forced_stratum_without_a_quota_stops_the_freeze(scenario: Scenario) -> None:
    target = active(scenario)[0]
    put_on(scenario, "serious_illegal", target, "新市监严列〔2026〕2号")
    task = make_task(scenario, quotas={"A": "5%", "B": "10%", "C": "20%"})
    Target.objects.filter(risk_class="D").exclude(pk=target.pk).update(risk_class="C")
    from shuangsuiji.errors import DomainError

    with pytest.raises(DomainError, match="D"):
        task_services.task_freeze(task=task, actor=scenario.admin)
