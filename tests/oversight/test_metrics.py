"""Each supervision figure on the constructed year of ``conftest.py``, with its answer
worked out by hand from the story there."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuangsuiji.directory.models import Inspector
from shuangsuiji.oversight import figures as fig
from shuangsuiji.oversight import metrics, trend
from shuangsuiji.oversight.figures import DepartmentMetrics
from shuangsuiji.oversight.periods import Period, month_period, quarter_period, year_period
from shuangsuiji.tasks.models import Assignment, DrawnTarget
from shuangsuiji.workdays.calendar import load_calendar
from tests.oversight.conftest import TODAY, Story

pytestmark = pytest.mark.django_db

YEAR = year_period(2026)


def figures(story: Story, period: Period = YEAR) -> dict[str, DepartmentMetrics]:
    c = story.county
    rows = metrics.department_metrics(
        departments=[c.lead, c.station, c.health, c.env], period=period, today=TODAY
    )
    return {key: row for key, row in zip(["lead", "station", "health", "env"], rows, strict=True)}


def test_item_list_published_by_31_december_and_kept_current(story: Story) -> None:
    f = figures(story)
    assert f["health"].item_list_on_time and f["health"].item_list_first == dt.date(2025, 12, 20)
    assert f["health"].items_changed == 1 and not f["health"].item_list_current
    assert not f["lead"].item_list_on_time and f["lead"].item_list_first == dt.date(2026, 1, 5)
    assert f["lead"].items_changed == 0 and f["lead"].item_list_current
    assert f["env"].item_list_version is None and not f["env"].item_list_current
    assert not f["env"].item_list_on_time


def test_annual_plan_filed_by_20_january_late_plan_and_missing_plan(story: Story) -> None:
    f = figures(story)
    assert f["health"].plan_state == "on_time"
    assert f["health"].plan_submitted == dt.date(2026, 1, 15)
    # The joint plan counts toward the participant's annual plan (and its planned tasks).
    assert f["health"].plans == 2 and f["health"].tasks_planned == 1 + 3
    assert f["lead"].plan_state == "late" and f["lead"].plan_days_late == 21
    assert f["lead"].plan_submitted == dt.date(2026, 2, 10) and f["lead"].tasks_planned == 3
    assert f["env"].plan_state == "missing" and f["env"].tasks_planned == 0


def test_tasks_done_against_planned_and_share_of_joint_tasks(story: Story) -> None:
    f = figures(story)
    assert (f["health"].tasks_done, f["health"].tasks_joint) == (2, 1)
    assert f["health"].tasks_rate == pytest.approx(2 / 4)
    assert f["health"].joint_share == pytest.approx(0.5)
    assert (f["lead"].tasks_done, f["lead"].tasks_joint) == (1, 1)
    assert f["lead"].tasks_rate == pytest.approx(1 / 3) and f["lead"].joint_share == 1
    assert f["env"].tasks_done == 0 and f["env"].tasks_rate is None
    assert f["env"].joint_share is None
    # First quarter: only 卫健委's own task (drawn 10 March); the year so far is the same.
    q1 = figures(story, quarter_period(2026, 1))
    assert (q1["health"].tasks_done, q1["health"].tasks_done_ytd, q1["health"].tasks_joint) == (
        1,
        1,
        0,
    )
    assert q1["lead"].tasks_done == 0
    # Third quarter: nothing drawn in it, but the year to its end holds both tasks.
    q3 = figures(story, quarter_period(2026, 3))
    assert (q3["health"].tasks_done, q3["health"].tasks_done_ytd) == (0, 2)


def test_achieved_ratio_against_planned_per_risk_class(story: Story) -> None:
    f = figures(story)["health"]
    freeze = story.health_task.freeze
    drawn = Counter(
        DrawnTarget.objects.filter(
            draw__task=story.health_task, draw__superseded=False
        ).values_list("stratum", flat=True)
    )
    for c in "ABCD":
        ratio = f.classes[c]
        assert ratio.eligible == freeze.strata.get(c, 0), c
        assert ratio.drawn == drawn[c], c
    # The plan says A 5%, B 10%, C 20%, D 50%; the task drew 5%, 10%, 20% (rounded up)
    # and 2 of class D: below plan in D only.
    assert f.classes["A"].planned == pytest.approx(0.05)
    assert f.classes["D"].planned == pytest.approx(0.5)
    assert freeze.strata["D"] > 4, "the scenario needs more than four D entities"
    assert f.classes["D"].achieved == pytest.approx(2 / freeze.strata["D"])
    assert f.classes["D"].below
    assert not any(f.classes[c].below for c in "ABC")
    assert f.classes_below == 1
    # The joint plan's count quota is read as a share of the class population.
    lead = figures(story)["lead"]
    assert lead.classes["A"].planned_text == "3%"


def test_inspections_and_problems_found(story: Story) -> None:
    f = figures(story)
    # h0–h3 and 卫健委's part of j0 (h4 is dated 2025); problems: h0 (责令改正), h3 (无法联系).
    assert (f["health"].inspected, f["health"].problems) == (5, 2)
    assert f["health"].problem_rate == pytest.approx(2 / 5)
    # j0–j2 of 市场监管局; j0 found another department's business (违反其他部门相关规定).
    assert (f["lead"].inspected, f["lead"].problems) == (3, 1)
    assert f["env"].inspected == 0 and f["env"].problem_rate is None


def test_publication_within_20_working_days_rate_overdue_and_missing_joint_part(
    story: Story,
) -> None:
    f = figures(story)
    h = f["health"]
    # On time: h0 and its part of j0; late: h1; overdue: h2; missing: its part of j1
    # (whose publication waits past 15 Sept); pending: h3 and its part of j2.
    assert (h.pub_on_time, h.pub_late, h.pub_overdue, h.pub_missing, h.pub_pending) == (
        2,
        1,
        1,
        1,
        2,
    )
    assert h.pub_due == 5 and h.pub_rate == pytest.approx(2 / 5)
    assert h.pub_worst_late == 4
    lead = f["lead"]
    # j0 approved 2 working days late (a late part), j1 on time, j2 not yet due.
    assert (lead.pub_on_time, lead.pub_late, lead.pub_overdue, lead.pub_missing) == (1, 1, 0, 0)
    assert lead.pub_pending == 1 and lead.pub_rate == pytest.approx(0.5)
    assert lead.pub_worst_late == 2


def test_worst_cases_put_the_longest_overdue_first(story: Story) -> None:
    h = figures(story)["health"]
    overdue_days = load_calendar().workdays_between(dt.date(2026, 8, 10), TODAY)
    assert [(w.result_id, w.working_days, w.overdue) for w in h.worst] == [
        (story.parts["h2"].pk, overdue_days, True),
        (story.parts["h1"].pk, 4, False),
    ]
    lead = figures(story)["lead"]
    assert [(w.result_id, w.working_days) for w in lead.worst] == [(story.parts["j0_lead"].pk, 2)]


def test_publication_placed_by_deadline_in_the_period(story: Story) -> None:
    q3 = figures(story, quarter_period(2026, 3))["health"]
    # July–September: h1 (late, 8 July), h2 (overdue, 10 August), j1's missing part (15 Sept).
    assert (q3.pub_on_time, q3.pub_late, q3.pub_overdue, q3.pub_missing) == (0, 1, 1, 1)
    june = figures(story, month_period(2026, 6))["health"]
    assert (june.pub_on_time, june.pub_late, june.pub_overdue) == (2, 0, 0)


def test_follow_ups_closed_on_time(story: Story) -> None:
    f = figures(story)
    h = f["health"]
    assert (h.fu_total, h.fu_on_time, h.fu_closed_late, h.fu_open_overdue, h.fu_open) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert h.fu_rate == pytest.approx(1 / 3)
    # A referral received is the receiving department's follow-up.
    assert (f["lead"].fu_total, f["lead"].fu_on_time) == (1, 1)
    assert (f["env"].fu_total, f["env"].fu_open_overdue, f["env"].fu_rate) == (1, 1, 0)


def test_referrals_answered_and_unanswered(story: Story) -> None:
    f = figures(story)
    env, lead, health = f["env"], f["lead"], f["health"]
    assert (env.ref_received, env.ref_answered, env.ref_unanswered) == (1, 0, 1)
    assert env.ref_unanswered_overdue == 1 and env.ref_rate == 0
    assert (lead.ref_received, lead.ref_answered, lead.ref_answered_on_time) == (1, 1, 1)
    assert (lead.ref_sent, lead.ref_sent_answered) == (1, 0)
    assert (health.ref_sent, health.ref_sent_answered) == (1, 1)
    assert health.ref_received == 0 and health.ref_rate is None


def test_inspectors_workload_spread(story: Story) -> None:
    h = figures(story)["health"]
    pool = list(Inspector.objects.filter(department=story.health).values_list("pk", flat=True))
    loads = Counter(
        Assignment.objects.filter(active=True, inspector__department=story.health).values_list(
            "inspector", flat=True
        )
    )
    counts = [loads.get(pk, 0) for pk in pool]
    mean = sum(counts) / len(counts)
    sd = (sum((n - mean) ** 2 for n in counts) / len(counts)) ** 0.5
    assert h.inspectors == len(pool) == 10
    assert h.inspectors_used == sum(1 for n in counts if n)
    assert h.assignments == sum(counts)
    assert (h.load_max, h.load_min) == (max(counts), min(counts))
    assert h.load_mean == pytest.approx(mean)
    assert h.load_sd == pytest.approx(sd)
    assert h.load_cv == pytest.approx(sd / mean)
    # Before any matching of the year nobody carries anything.
    feb = figures(story, month_period(2026, 2))["health"]
    assert (feb.assignments, feb.inspectors_used, feb.load_max) == (0, 0, 0)


def test_total_row_and_score(story: Story) -> None:
    f = figures(story)
    total = fig.total_of(f.values(), "合计", 2026)
    assert total.pub_on_time == 3 and total.pub_overdue == 1 and total.pub_missing == 1
    assert total.inspected == 8 and total.problems == 3
    # 市场监管局: list late (0), current (1), plan late (0.5), tasks 1/3, publication 1/2,
    # follow-ups 1/1, referrals answered 1/1.
    expected = 100 * (0 + 1 + 0.5 + 1 / 3 + 0.5 + 1 + 1) / 7
    assert f["lead"].score == pytest.approx(round(expected, 1))


def test_monthly_trend(story: Story) -> None:
    c = story.county
    months = trend.monthly_trend(
        department_ids=[c.lead.pk, c.station.pk, c.health.pk, c.env.pk], period=YEAR, today=TODAY
    )
    by_month = {m.month.month: m for m in months}
    assert len(months) == 12
    assert (by_month[3].tasks_done, by_month[5].tasks_done) == (1, 1)  # the joint task once
    assert (by_month[6].inspected, by_month[6].problems) == (2, 1)
    assert (by_month[6].pub_on_time, by_month[6].pub_late) == (2, 1)
    assert by_month[8].pub_overdue == 1
    assert (by_month[7].fu_due, by_month[7].fu_on_time) == (3, 2)


def test_figures_are_a_fixed_number_of_queries_whatever_the_departments(story: Story) -> None:
    c = story.county
    with CaptureQueriesContext(connection) as one:
        metrics.department_metrics(departments=[c.health], period=YEAR, today=TODAY)
    with CaptureQueriesContext(connection) as four:
        metrics.department_metrics(
            departments=[c.lead, c.station, c.health, c.env], period=YEAR, today=TODAY
        )
    assert len(one) == len(four) <= 25
