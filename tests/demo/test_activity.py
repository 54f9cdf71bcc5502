"""A year of activity in the demo county (新县): written through the services, every draw
verifiable by the public lottery, the audit chain intact, dates consistent, and the same
seed giving the same year (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.credit.models import AbnormalProposal, CreditRecordEntry
from shuangsuiji.demo.activity import ActivitySummary, generate_activity
from shuangsuiji.demo.loader import DEMO_PASSWORD, load_demo
from shuangsuiji.directory.models import ItemListVersion, TargetLibrary
from shuangsuiji.errors import DomainError
from shuangsuiji.lottery import parse_population, verify_record
from shuangsuiji.lottery.matching import check_matching
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.plans.models import AnnualPlan, PlanStatus
from shuangsuiji.results import selectors
from shuangsuiji.results.models import (
    Confidentiality,
    FollowUp,
    FollowUpAction,
    FollowUpState,
    Publication,
    Result,
    ResultStatus,
)
from shuangsuiji.tasks.models import Assignment, Draw, Matching, Task, TaskStatus
from shuangsuiji.workdays.calendar import load_calendar

SEED = 411523
#: The demo's reference day (or the clock, if that is earlier): the services refuse dates
#: after the real today, and the demo's inspector certificates are valid around this day.
REFERENCE = dt.date(2026, 11, 28)


def _today() -> dt.date:
    return min(timezone.localdate(), REFERENCE)


def _load(size: int, today: dt.date) -> ActivitySummary:
    load_demo(size=size, seed=SEED, activity=False)
    return generate_activity(seed=SEED, today=today)


def _population(draw: Draw) -> bytes:
    with draw.task.freeze.population.open("rb") as fh:
        return bytes(fh.read())


@pytest.mark.django_db
def test_a_year_of_activity_goes_through_the_services_and_every_record_verifies() -> None:
    today = _today()
    summary = _load(800, today)
    departments = Department.objects.count()

    # Lists, libraries and plans: most departments on time, one late, some without.
    assert TargetLibrary.objects.count() == departments
    assert ItemListVersion.objects.count() >= departments - 1
    plans = list(AnnualPlan.objects.filter(year=2026))
    assert departments - 3 <= len(plans) < departments
    assert all(p.status == PlanStatus.APPROVED for p in plans)
    late = [p for p in plans if timezone.localdate(p.submitted_at) > p.due_date]
    assert len(late) == 1 == summary.plans_late
    assert summary.departments_without_plan == departments - len(plans)

    # Tasks over the months, each step after the one before, nothing after today.
    tasks = list(Task.objects.select_related("freeze"))
    assert len(tasks) == summary.tasks >= 10
    assert len({t.created_at.month for t in tasks}) >= 4
    assert {t.department_id for t in tasks} >= set(
        Department.objects.filter(code__in=["SJ", "WJ", "HB"]).values_list("pk", flat=True)
    )
    assert any(t.plan_id is None and t.adhoc_reason for t in tasks)
    for task in tasks:
        assert timezone.localdate(task.created_at) <= today
        if task.status != TaskStatus.DRAFT:
            assert task.created_at <= task.freeze.frozen_at
        for draw in task.draws.all():
            assert task.freeze.frozen_at <= draw.drawn_at
            assert timezone.localdate(draw.drawn_at) <= today

    # Every draw (redraws and superseded ones too) verifies with its population file,
    # and every matching (with its recusal replacements) with its inputs.
    draws = list(Draw.objects.select_related("task__freeze"))
    assert any(d.superseded for d in draws) and any(d.reason for d in draws)
    for draw in draws:
        report = verify_record(
            json.loads(bytes(draw.record_bytes)), parse_population(_population(draw))
        )
        assert report.ok, f"{draw}: {report.summary()}"
    for matching in Matching.objects.select_related("draw"):
        inputs = json.loads(bytes(matching.inputs_bytes))
        assert check_matching(matching.draw.record, matching.record, inputs) == []
    assert summary.recusals >= 1
    assert verify_chain().ok

    _results_are_consistent(today)
    _every_kind_of_result_is_there(today)
    _named_logins_have_work()


def _results_are_consistent(today: dt.date) -> None:
    cal = load_calendar()
    results = list(Result.objects.select_related("task"))
    assert results
    for r in results:
        assert r.inspection_date <= r.result_date <= today
        assert r.task.period_start <= r.inspection_date
        assert r.deadline == cal.add_workdays(r.result_date, 20).date
        if r.submitted_at is not None:
            assert r.result_date <= timezone.localdate(r.submitted_at) <= today
    for p in Publication.objects.prefetch_related("parts"):
        (r,) = p.parts.all()  # one department per task in the demo: one part
        assert r.status == ResultStatus.PUBLISHED
        assert r.result_date <= p.published_on <= today
        assert p.deadline == r.deadline
        assert p.late == (p.published_on > r.deadline)
        expected = cal.workdays_between(r.deadline, p.published_on) if p.late else 0
        assert p.working_days_late == r.late_working_days == expected
        assert CreditRecordEntry.objects.get(result=r).entry_date == p.published_on
        assert timezone.localdate(p.published_at) == p.published_on
    # An unreachable entity's publication proposes an abnormal-operation entry, that day.
    proposals = AbnormalProposal.objects.select_related("result__publication")
    assert proposals.exists()
    for proposal in proposals:
        publication = proposal.result.publication
        assert publication is not None
        assert timezone.localdate(proposal.created_at) == publication.published_on


def _every_kind_of_result_is_there(today: dt.date) -> None:
    all_departments = list(Department.objects.values_list("pk", flat=True))
    publications = Publication.objects.all()
    assert publications.filter(late=False).count() > publications.filter(late=True).count() > 0
    assert selectors.overdue(all_departments, today).exists()
    assert Result.objects.filter(status=ResultStatus.RETURNED).exists()
    corrected = AuditEvent.objects.filter(action="result.return").values_list(
        "object_id", flat=True
    )
    assert Result.objects.filter(
        pk__in=[int(pk) for pk in corrected], status=ResultStatus.PUBLISHED
    ).exists()
    for code in ("SJ", "WJ"):
        queue = selectors.review_queue([Department.objects.get(code=code).pk])
        assert queue.exists(), f"{code} has nothing to review"

    categories = Counter(Result.objects.values_list("category__code", flat=True))
    assert categories.most_common(1)[0][0] == "R01"
    assert categories["R01"] > len(categories) and categories["R07"] >= 1
    assert categories["R04"] >= 1
    assert Result.objects.filter(category__code="R05", refused=True).exists()

    withheld = Result.objects.exclude(confidentiality=Confidentiality.NONE)
    assert withheld.exists()
    for r in withheld:
        assert r.public_findings and r.public_findings != r.findings
        publication = r.publication
        if publication is not None:
            assert publication.public_text == r.public_findings
            assert "相关资料已复印存档" not in publication.public_text
            assert "身份证号码" not in publication.public_text

    follow_ups = FollowUp.objects.all()
    assert follow_ups.filter(action=FollowUpAction.REFER).exists()
    assert follow_ups.filter(state=FollowUpState.CLOSED).exists()
    for f in follow_ups.filter(action=FollowUpAction.REFER):
        assert f.referred_by_id == f.result.department_id != f.department_id


def _named_logins_have_work() -> None:
    for username in ("zhangwei", "xufang"):
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        open_work = [
            a
            for a in Assignment.objects.filter(
                inspector__user=user, active=True, task__status=TaskStatus.DISPATCHED
            )
            if not Result.objects.filter(task=a.task_id, target=a.target_id)
            .exclude(status__in=[ResultStatus.DRAFT, ResultStatus.RETURNED])
            .exists()
        ]
        assert len(open_work) >= 2, f"{username} has {len(open_work)} results to enter"
    for username in ("sjadmin", "wjadmin", "hbadmin", "duchashi", "sysadmin"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def _signature() -> list[Any]:
    """What must not change between two runs with the same seed (no primary keys: a
    PostgreSQL sequence does not roll back)."""
    rows: list[Any] = []
    for task in Task.objects.order_by("number"):
        rows.append((task.number, task.name, task.status, task.quotas, task.period_start))
        for draw in task.draws.order_by("sequence"):
            drawn = list(draw.drawn.order_by("position").values_list("target__credit_code"))
            rows.append((draw.sequence, draw.seed, draw.entropy, drawn))
        rows.append(
            list(
                Assignment.objects.filter(task=task)
                .order_by("position", "target__credit_code", "inspector__certificate_no")
                .values_list("target__credit_code", "inspector__certificate_no", "active")
            )
        )
    rows.append(
        list(
            Result.objects.order_by("task__number", "target__credit_code").values_list(
                "task__number",
                "target__credit_code",
                "category__code",
                "status",
                "result_date",
                "findings",
            )
        )
    )
    rows.append(
        list(
            Publication.objects.order_by("task_number", "credit_code").values_list(
                "task_number", "credit_code", "published_on", "late", "working_days_late"
            )
        )
    )
    return rows


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_year() -> None:
    today = _today()
    signatures = []
    for _ in range(2):
        with transaction.atomic():
            _load(300, today)
            signatures.append(_signature())
            transaction.set_rollback(True)
    assert signatures[0] == signatures[1]
    assert len(signatures[0]) > 20


@pytest.mark.django_db
def test_a_county_without_entities_gets_plans_but_no_tasks() -> None:
    summary = _load(0, _today())
    assert summary.tasks == 0 and summary.results == 0
    assert summary.plans >= 10
    assert verify_chain().ok
    with pytest.raises(DomainError):  # the year is played once: plan names would collide
        generate_activity(seed=SEED, today=_today())


@pytest.mark.django_db
def test_the_loader_can_leave_the_year_out() -> None:
    load_demo(size=200, seed=SEED, activity=False)
    assert not Task.objects.exists() and not AnnualPlan.objects.exists()
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "demo.reference",
        "demo.load",
    ]
