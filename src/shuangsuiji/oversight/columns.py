"""The columns of the supervision figures: one list that the dashboard's tables, the PDF
report, the XLSX workbook and the CSV export all read, so that a figure has the same name,
format and drill-down everywhere.

``drill`` names the list of records behind a figure (see :mod:`.records`); ``main``
columns appear on the dashboard and in the PDF, the others only in XLSX and CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .figures import RISK_CLASSES, DepartmentMetrics

Getter = Callable[[DepartmentMetrics], Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    group: str
    kind: str  # int, float, pct, date, bool, text
    value: Getter
    drill: str = ""
    main: bool = True
    #: For the total row, when adding up makes no sense (dates, yes/no, plan state).
    total: Getter | None = None


GROUPS: dict[str, Promise] = {
    "lists": _("Item list and annual plan"),
    "tasks": _("Tasks and sampling ratios"),
    "results": _("Inspections and publication within 20 working days"),
    "followup": _("Follow-up and referrals"),
    "inspectors": _("Inspectors' workload"),
}


def _count(flag: Callable[[DepartmentMetrics], bool]) -> Getter:
    """Total row of a yes/no column: how many departments say yes, "n / N"."""
    return lambda t: f"{sum(1 for m in t.members if flag(m))} / {len(t.members)}"


def _plan_state(m: DepartmentMetrics) -> str:
    if m.plan_state == "on_time":
        return gettext("on time")
    if m.plan_state == "late":
        return gettext("late by %(days)d days") % {"days": m.plan_days_late}
    return gettext("not filed")


def _plan_total(t: DepartmentMetrics) -> str:
    states = [m.plan_state for m in t.members]
    return gettext("%(on_time)d on time, %(late)d late, %(missing)d not filed") % {
        "on_time": states.count("on_time"),
        "late": states.count("late"),
        "missing": states.count("missing"),
    }


def _no_date(t: DepartmentMetrics) -> None:
    return None


def _class_label(kind: str, c: str) -> str:
    labels = {
        "eligible": gettext("Class %(c)s population"),
        "drawn": gettext("Class %(c)s drawn"),
        "achieved": gettext("Class %(c)s ratio achieved"),
        "planned": gettext("Class %(c)s ratio planned"),
    }
    return labels[kind] % {"c": c}


#: Translated when shown, not when this module is imported.
_class_label_lazy = lazy(_class_label, str)


def _class_getter(c: str, attr: str) -> Getter:
    return lambda m: getattr(m.classes[c], attr) if c in m.classes else None


def _class_columns() -> list[Column]:
    """Population, drawn, achieved and planned ratio for each risk class (XLSX, CSV)."""
    kinds = {"eligible": "int", "drawn": "int", "achieved": "pct", "planned": "pct"}
    return [
        Column(
            f"class_{c}_{attr}",
            _class_label_lazy(attr, c),
            "tasks",
            kind,
            _class_getter(c, attr),
            "ratios",
            main=False,
        )
        for c in RISK_CLASSES
        for attr, kind in kinds.items()
    ]


COLUMNS: list[Column] = [
    # 一单与年度计划
    Column(
        "item_list_first", _("Item list first published"), "lists", "date",
        lambda m: m.item_list_first, "item_list", total=_no_date,
    ),
    Column(
        "item_list_on_time", _("Item list published by 31 December"), "lists", "bool",
        lambda m: m.item_list_on_time, "item_list", total=_count(lambda m: m.item_list_on_time),
    ),
    Column(
        "item_list_current", _("Item list current"), "lists", "bool",
        lambda m: m.item_list_current, "item_list", total=_count(lambda m: m.item_list_current),
    ),
    Column(
        "items_changed", _("Item changes not yet published"), "lists", "int",
        lambda m: m.items_changed, "item_list",
    ),
    Column(
        "plan_submitted", _("Annual plan submitted"), "lists", "date",
        lambda m: m.plan_submitted, "plan", total=_no_date,
    ),
    Column(
        "plan_state", _("Annual plan by 20 January"), "lists", "text", _plan_state, "plan",
        total=_plan_total,
    ),
    Column(
        "plan_days_late", _("Annual plan days late"), "lists", "int",
        lambda m: m.plan_days_late, "plan", main=False, total=_no_date,
    ),
    # 抽查任务
    Column(
        "tasks_planned", _("Tasks planned for the year"), "tasks", "int",
        lambda m: m.tasks_planned, "plan",
    ),
    Column(
        "tasks_done_ytd", _("Tasks done this year to the period's end"), "tasks", "int",
        lambda m: m.tasks_done_ytd, "tasks_ytd",
    ),
    Column("tasks_rate", _("Tasks done of planned"), "tasks", "pct", lambda m: m.tasks_rate),
    Column(
        "tasks_done", _("Tasks done in the period"), "tasks", "int",
        lambda m: m.tasks_done, "tasks",
    ),
    Column(
        "tasks_joint", _("Joint tasks in the period"), "tasks", "int",
        lambda m: m.tasks_joint, "joint", main=False,
    ),
    Column("joint_share", _("Share of joint tasks"), "tasks", "pct", lambda m: m.joint_share,
           "joint"),
    Column(
        "classes_below", _("Risk classes below the planned ratio"), "tasks", "int",
        lambda m: m.classes_below, "ratios",
    ),
    *_class_columns(),
    # 检查与公示
    Column("inspected", _("Inspections"), "results", "int", lambda m: m.inspected, "inspected"),
    Column("problems", _("Problems found"), "results", "int", lambda m: m.problems, "problems"),
    Column(
        "problem_rate", _("Share with problems"), "results", "pct", lambda m: m.problem_rate,
        "problems", main=False,
    ),
    Column(
        "pub_due", _("Results due for publication"), "results", "int", lambda m: m.pub_due,
        "pub_due",
    ),
    Column(
        "pub_on_time", _("Published on time"), "results", "int", lambda m: m.pub_on_time,
        "pub_on_time", main=False,
    ),
    Column(
        "pub_rate", _("Published within 20 working days"), "results", "pct",
        lambda m: m.pub_rate, "pub_due",
    ),
    Column("pub_late", _("Published late"), "results", "int", lambda m: m.pub_late, "pub_late"),
    Column(
        "pub_overdue", _("Overdue, not published"), "results", "int", lambda m: m.pub_overdue,
        "pub_overdue",
    ),
    Column(
        "pub_missing", _("Joint parts missing past the deadline"), "results", "int",
        lambda m: m.pub_missing, "pub_missing",
    ),
    Column(
        "pub_pending", _("Not yet due"), "results", "int", lambda m: m.pub_pending,
        "pub_pending", main=False,
    ),
    Column(
        "pub_worst_late", _("Most working days late"), "results", "int",
        lambda m: m.pub_worst_late, "pub_late",
    ),
    # 后续处置与线索移送
    Column("fu_total", _("Follow-ups due"), "followup", "int", lambda m: m.fu_total, "fu"),
    Column(
        "fu_on_time", _("Follow-ups closed on time"), "followup", "int",
        lambda m: m.fu_on_time, "fu_on_time", main=False,
    ),
    Column(
        "fu_closed_late", _("Follow-ups closed late"), "followup", "int",
        lambda m: m.fu_closed_late, "fu_late",
    ),
    Column(
        "fu_open_overdue", _("Follow-ups open past due"), "followup", "int",
        lambda m: m.fu_open_overdue, "fu_open_overdue",
    ),
    Column(
        "fu_open", _("Follow-ups open, not yet due"), "followup", "int", lambda m: m.fu_open,
        "fu_open", main=False,
    ),
    Column("fu_rate", _("Follow-ups closed on time, share"), "followup", "pct",
           lambda m: m.fu_rate, "fu"),
    Column(
        "ref_received", _("Referrals received"), "followup", "int", lambda m: m.ref_received,
        "ref_received",
    ),
    Column(
        "ref_answered", _("Referrals answered"), "followup", "int", lambda m: m.ref_answered,
        "ref_received", main=False,
    ),
    Column(
        "ref_answered_on_time", _("Referrals answered by the due date"), "followup", "int",
        lambda m: m.ref_answered_on_time, "ref_received", main=False,
    ),
    Column(
        "ref_unanswered", _("Referrals unanswered"), "followup", "int",
        lambda m: m.ref_unanswered, "ref_unanswered",
    ),
    Column(
        "ref_unanswered_overdue", _("Referrals unanswered past due"), "followup", "int",
        lambda m: m.ref_unanswered_overdue, "ref_unanswered", main=False,
    ),
    Column("ref_rate", _("Referrals answered, share"), "followup", "pct", lambda m: m.ref_rate,
           "ref_received"),
    Column("ref_sent", _("Referrals sent"), "followup", "int", lambda m: m.ref_sent, "ref_sent"),
    Column(
        "ref_sent_answered", _("Referrals sent and answered"), "followup", "int",
        lambda m: m.ref_sent_answered, "ref_sent", main=False,
    ),
    # 执法人员工作量
    Column(
        "inspectors", _("Inspectors available"), "inspectors", "int", lambda m: m.inspectors,
        "workload",
    ),
    Column(
        "inspectors_used", _("Inspectors assigned"), "inspectors", "int",
        lambda m: m.inspectors_used, "workload",
    ),
    Column(
        "assignments", _("Assignments"), "inspectors", "int", lambda m: m.assignments,
        "workload",
    ),
    Column("load_max", _("Most per inspector"), "inspectors", "int", lambda m: m.load_max,
           "workload"),
    Column(
        "load_min", _("Fewest per inspector"), "inspectors", "int", lambda m: m.load_min,
        "workload", main=False,
    ),
    Column("load_mean", _("Mean per inspector"), "inspectors", "float", lambda m: m.load_mean),
    Column(
        "load_cv", _("Spread (coefficient of variation)"), "inspectors", "float2",
        lambda m: m.load_cv,
    ),
    Column("score", _("Overall score"), "inspectors", "float", lambda m: m.score),
]  # fmt: skip

BY_KEY = {c.key: c for c in COLUMNS}


def raw(column: Column, row: DepartmentMetrics) -> Any:
    """The column's value for a row (the total row's own rule where it has one)."""
    if row.members and column.total is not None:
        return column.total(row)
    if not row.members and column.key == "items_changed" and row.item_list_version is None:
        return None  # nothing published, so nothing to compare with
    return column.value(row)


def text(column: Column, value: Any) -> str:
    """A value as the tables show it: "—" for nothing, percentages with one decimal."""
    if value is None or value == "":
        return "—"
    if column.kind == "pct":
        return f"{value * 100:.1f}%"
    if column.kind == "float":
        return f"{value:.1f}"
    if column.kind == "float2":
        return f"{value:.2f}"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def display(column: Column, row: DepartmentMetrics) -> str:
    return text(column, raw(column, row))


def main_groups() -> list[tuple[str, Promise, list[Column]]]:
    """The dashboard's and the PDF's tables: one per group, main columns only."""
    return [
        (key, label, [c for c in COLUMNS if c.group == key and c.main])
        for key, label in GROUPS.items()
    ]
