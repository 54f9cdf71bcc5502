"""The supervision figures as typed values: one :class:`DepartmentMetrics` per department
and period (with the derived rates and the overall score), the month points of the trend,
and the total row.  Computed by :mod:`.metrics` and :mod:`.trend`; no queries here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from fractions import Fraction

from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.lottery.quotas import parse_quota

from .periods import Period

RISK_CLASSES = ("A", "B", "C", "D")
#: How many worst publication delays each department lists.
WORST_CASES = 5


def rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1], or None when there is nothing to divide by (shown as "—")."""
    return numerator / denominator if denominator else None


@dataclass
class ClassRatio:
    """Achieved versus planned sampling ratio for one credit risk class (R7)."""

    risk_class: str
    eligible: int = 0  # the largest frozen population of the class in the period
    drawn: int = 0  # targets drawn from the class by live draws in the period
    planned_text: str = ""  # the annual plan's ratio as written: "5%" or a count

    @property
    def achieved(self) -> float | None:
        return rate(self.drawn, self.eligible)

    @property
    def planned(self) -> float | None:
        """The plan's ratio as a share: a rate as written, a count over the population."""
        if not self.planned_text:
            return None
        try:
            quota = parse_quota(self.planned_text)
        except LotteryError:
            return None
        if quota.rate is not None:
            return float(quota.rate / 100)
        if not self.eligible:
            return None
        return float(min(Fraction(1), Fraction(quota.count or 0, self.eligible)))

    @property
    def achieved_text(self) -> str:
        achieved = self.achieved
        return "—" if achieved is None else f"{achieved * 100:.1f}%"

    @property
    def below(self) -> bool:
        achieved, planned = self.achieved, self.planned
        # Half a per-mille of slack: a rate rounds up per task, so exact equality is rare.
        return achieved is not None and planned is not None and achieved + 0.0005 < planned


@dataclass(frozen=True)
class WorstCase:
    """A result part published late, or still unpublished past its deadline."""

    result_id: int
    task_id: int
    task_number: str
    target_name: str
    deadline: dt.date
    working_days: int  # late (approved after the deadline) or overdue so far
    overdue: bool  # still unpublished


@dataclass
class DepartmentMetrics:
    department_id: int
    name: str
    short_name: str
    year: int
    # 一单: the item list
    item_list_first: dt.date | None = None
    item_list_on_time: bool = False
    item_list_latest: dt.date | None = None
    item_list_version: int | None = None
    items_changed: int = 0
    # 年度计划
    plans: int = 0
    plan_submitted: dt.date | None = None
    tasks_planned: int = 0
    # 任务
    tasks_done: int = 0
    tasks_done_ytd: int = 0
    tasks_joint: int = 0
    classes: dict[str, ClassRatio] = field(default_factory=dict)
    # 检查结果
    inspected: int = 0
    problems: int = 0
    # 公示 (20 working days)
    pub_on_time: int = 0
    pub_late: int = 0
    pub_overdue: int = 0
    pub_missing: int = 0
    pub_pending: int = 0
    pub_worst_late: int = 0
    worst: list[WorstCase] = field(default_factory=list)
    # 后续处置
    fu_total: int = 0
    fu_on_time: int = 0
    fu_closed_late: int = 0
    fu_open_overdue: int = 0
    fu_open: int = 0
    # 线索移送
    ref_received: int = 0
    ref_answered: int = 0
    ref_answered_on_time: int = 0
    ref_unanswered: int = 0
    ref_unanswered_overdue: int = 0
    ref_sent: int = 0
    ref_sent_answered: int = 0
    # 执法人员工作量
    inspectors: int = 0
    inspectors_used: int = 0
    assignments: int = 0
    load_max: int = 0
    load_min: int = 0
    load_mean: float = 0.0
    load_sd: float = 0.0
    #: The total row's departments (empty for a department's own row).
    members: list[DepartmentMetrics] = field(default_factory=list)

    @property
    def plan_due(self) -> dt.date:
        return dt.date(self.year, 1, 20)

    @property
    def plan_state(self) -> str:
        """ "on_time", "late" or "missing" (nothing submitted yet)."""
        if self.plan_submitted is None:
            return "missing"
        return "on_time" if self.plan_submitted <= self.plan_due else "late"

    @property
    def plan_days_late(self) -> int:
        if self.plan_submitted is None or self.plan_submitted <= self.plan_due:
            return 0
        return (self.plan_submitted - self.plan_due).days

    @property
    def item_list_current(self) -> bool:
        return self.item_list_version is not None and self.items_changed == 0

    @property
    def tasks_rate(self) -> float | None:
        return rate(self.tasks_done_ytd, self.tasks_planned)

    @property
    def joint_share(self) -> float | None:
        return rate(self.tasks_joint, self.tasks_done)

    @property
    def classes_below(self) -> int:
        return sum(1 for c in self.classes.values() if c.below)

    @property
    def problem_rate(self) -> float | None:
        return rate(self.problems, self.inspected)

    @property
    def pub_due(self) -> int:
        """Parts whose outcome is decided: approved (on time or late), overdue, or a joint
        part never entered while the publication waits past its deadline."""
        return self.pub_on_time + self.pub_late + self.pub_overdue + self.pub_missing

    @property
    def pub_rate(self) -> float | None:
        return rate(self.pub_on_time, self.pub_due)

    @property
    def fu_decided(self) -> int:
        return self.fu_on_time + self.fu_closed_late + self.fu_open_overdue

    @property
    def fu_rate(self) -> float | None:
        return rate(self.fu_on_time, self.fu_decided)

    @property
    def ref_rate(self) -> float | None:
        return rate(self.ref_answered, self.ref_received)

    @property
    def load_cv(self) -> float | None:
        """Coefficient of variation of assignments per inspector (0 = perfectly even)."""
        return self.load_sd / self.load_mean if self.load_mean else None

    @property
    def score(self) -> float | None:
        """综合得分 0–100: the mean of the components that apply (see docs/oversight.md);
        for the total row, the mean of the departments' scores."""
        if self.members:
            scores = [m.score for m in self.members if m.score is not None]
            return round(sum(scores) / len(scores), 1) if scores else None
        parts: list[float] = [
            1.0 if self.item_list_on_time else 0.0,
            1.0 if self.item_list_current else 0.0,
            {"on_time": 1.0, "late": 0.5, "missing": 0.0}[self.plan_state],
        ]
        for value in (self.tasks_rate, self.pub_rate, self.fu_rate, self.ref_rate):
            if value is not None:
                parts.append(min(1.0, value))
        return round(100 * sum(parts) / len(parts), 1)


@dataclass
class MonthPoint:
    month: dt.date
    tasks_done: int = 0
    inspected: int = 0
    problems: int = 0
    pub_on_time: int = 0
    pub_late: int = 0
    pub_overdue: int = 0
    fu_due: int = 0
    fu_on_time: int = 0


@dataclass
class Dashboard:
    period: Period
    today: dt.date
    rows: list[DepartmentMetrics]
    total: DepartmentMetrics
    months: list[MonthPoint]


#: Fields that add up over departments in the total row.
_SUMMED = {
    f.name
    for f in fields(DepartmentMetrics)
    if f.type in ("int", int)
    and f.name not in {"department_id", "year", "load_max", "load_min", "pub_worst_late"}
}


def total_of(rows: Iterable[DepartmentMetrics], name: str, year: int) -> DepartmentMetrics:
    """The total row: counts added up (a joint task counts once for each department taking
    part, as in the department rows); the item list and plan columns count departments."""
    rows = list(rows)
    total = DepartmentMetrics(0, name, name, year, members=rows)
    for attr in _SUMMED:
        setattr(total, attr, sum(getattr(r, attr) for r in rows))
    total.pub_worst_late = max((r.pub_worst_late for r in rows), default=0)
    total.load_max = max((r.load_max for r in rows), default=0)
    total.load_min = min((r.load_min for r in rows if r.inspectors), default=0)
    if total.inspectors:
        # Pooled mean and population standard deviation over every inspector.
        total.load_mean = total.assignments / total.inspectors
        second = sum(r.inspectors * (r.load_sd**2 + r.load_mean**2) for r in rows)
        total.load_sd = max(0.0, second / total.inspectors - total.load_mean**2) ** 0.5
    total.classes = {c: ClassRatio(c) for c in RISK_CLASSES}
    for r in rows:
        for c, ratio in r.classes.items():
            total.classes[c].eligible += ratio.eligible
            total.classes[c].drawn += ratio.drawn
    total.worst = sorted(
        (w for r in rows for w in r.worst),
        key=lambda c: (-c.working_days, not c.overdue, c.deadline, c.result_id),
    )[:WORST_CASES]
    return total
