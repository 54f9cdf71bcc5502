"""督查考核 pages (R12): the dashboard, the records behind each figure, and the periodic
report (通报) as PDF, XLSX and CSV.

Who sees what is the data-scope policy's answer (:func:`.selectors.visible_departments`):
the county supervisor and system administrators every department, a lead-department
administrator their department and the ones below it, a department administrator their
own; inspectors and the public nothing.  The county page (``web:oversight``) stays the
supervisors' home; department administrators open the same dashboard on
``web:oversight_department``, limited to their scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, Role
from shuangsuiji.oversight import charts, records, report, selectors
from shuangsuiji.oversight.columns import display, main_groups
from shuangsuiji.oversight.figures import Dashboard
from shuangsuiji.oversight.periods import Period, PeriodError, parse_period, year_period

from .views_plans import forbidden, not_found

#: The years offered by the period picker, counted back from this one.
YEARS_BACK = 6


@dataclass
class Asked:
    """A request's period and departments, already checked against the user's scope."""

    period: Period
    today: dt.date
    scope: list[Department]  # every department the user may see
    departments: list[Department]  # those the page reports on
    selected: Department | None  # the one picked in the department filter, if any


class OutOfScope(Exception):
    pass


def _asked(request: HttpRequest) -> Asked:
    today = timezone.localdate()
    scope = selectors.visible_departments(request.user)
    if not scope:
        raise OutOfScope
    try:
        period = parse_period(request.GET, today)
    except PeriodError as exc:
        messages.error(request, str(exc))
        period = year_period(today.year)
    selected = None
    wanted = request.GET.get("department", "")
    if wanted:
        selected = next((d for d in scope if str(d.pk) == wanted), None)
        if selected is None:
            raise not_found()
    return Asked(period, today, scope, [selected] if selected else scope, selected)


def _query(asked: Asked, period: Period | None = None, department: int | None = None) -> str:
    params = dict((period or asked.period).query())
    dept = department if department is not None else (asked.selected.pk if asked.selected else None)
    if dept:
        params["department"] = str(dept)
    return urlencode(params)


def records_url(metric: str, department_id: int | None, period: Period) -> str:
    params = dict(period.query())
    if department_id:
        params["department"] = str(department_id)
    return f"{reverse('web:oversight_records', args=[metric])}?{urlencode(params)}"


def _dashboard(request: HttpRequest, asked: Asked) -> Dashboard:
    return selectors.dashboard(
        user=request.user,
        period=asked.period,
        department_ids=[d.pk for d in asked.departments],
        today=asked.today,
        total_name=_("Total"),
    )


def _table_rows(
    dash: Dashboard, dashboard_url: Callable[[int], str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The dashboard's table of figures (one table, its columns grouped, so each
    department is one row header): each cell's text and the link to its records."""
    found = main_groups()
    groups = [{"key": k, "label": label, "columns": cols} for k, label, cols in found]
    columns = [(c, n == 0) for _k, _label, cols in found for n, c in enumerate(cols)]
    rows = []
    for r in [*dash.rows, dash.total]:
        dept = r.department_id or None
        cells = [
            {
                "label": c.label,
                "text": display(c, r),
                "url": records_url(c.drill, dept, dash.period) if c.drill else "",
                "css": " ".join(
                    name
                    for name, on in (
                        ("num", c.kind not in ("text", "date", "bool")),
                        ("ov-date", c.kind == "date"),
                        ("ov-first", first),
                    )
                    if on
                ),
            }
            for c, first in columns
        ]
        url = dashboard_url(r.department_id) if dept and len(dash.rows) > 1 else ""
        rows.append({"row": r, "cells": cells, "url": url})
    return groups, rows


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _tiles(dash: Dashboard, selected: int | None) -> list[dict[str, Any]]:
    t = dash.total
    late_plans = sum(1 for r in dash.rows if r.plan_state != "on_time")

    def url(metric: str) -> str:
        return records_url(metric, selected, dash.period)

    return [
        {"key": "pub-rate", "text": _percent(t.pub_rate), "url": url("pub_due"), "warn": False,
         "label": _("published within 20 working days")},
        {"key": "overdue", "text": t.pub_overdue + t.pub_missing, "url": url("pub_overdue"),
         "warn": bool(t.pub_overdue + t.pub_missing), "label": _("overdue, not published")},
        {"key": "plans", "text": late_plans, "url": url("plan"), "warn": bool(late_plans),
         "label": _("annual plans late or not filed")},
        {"key": "tasks", "text": f"{t.tasks_done_ytd} / {t.tasks_planned}",
         "url": url("tasks_ytd"), "warn": False, "label": _("tasks done of planned this year")},
        {"key": "problems", "text": t.problems, "url": url("problems"), "warn": False,
         "label": _("problems found")},
        {"key": "follow-ups", "text": t.fu_open_overdue, "url": url("fu_open_overdue"),
         "warn": bool(t.fu_open_overdue), "label": _("follow-ups open past due")},
        {"key": "referrals", "text": t.ref_unanswered, "url": url("ref_unanswered"),
         "warn": bool(t.ref_unanswered), "label": _("referrals unanswered")},
    ]  # fmt: skip


def _ranking_rows(dash: Dashboard) -> list[tuple[str, list[str]]]:
    """The ranking chart's text alternative: every ranked figure, best score first."""
    rows = []
    for r in charts.ranking_table(dash.rows):
        values = []
        for m in charts.RANKED:
            v = charts.metric_value(r, m.key, m.percent)
            values.append("—" if v is None else (f"{v:.1f}%" if m.percent else f"{v:g}"))
        rows.append((r.name, values))
    return rows


def _picker(asked: Asked) -> dict[str, Any]:
    p = asked.period
    return {
        "years": list(range(asked.today.year + 1, asked.today.year - YEARS_BACK, -1)),
        "year": p.start.year,
        "quarter": (p.start.month - 1) // 3 + 1 if p.kind == "quarter" else None,
        "month": p.start.month if p.kind == "month" else None,
        "quarters": [(q, _("Q%(q)d") % {"q": q}) for q in range(1, 5)],
        "months": list(range(1, 13)),
        "from": p.start.isoformat() if p.kind == "range" else "",
        "to": p.end.isoformat() if p.kind == "range" else "",
    }


def _render_dashboard(request: HttpRequest, asked: Asked, page: str) -> HttpResponse:
    dash = _dashboard(request, asked)
    selected = asked.selected.pk if asked.selected else None

    def dashboard_url(department_id: int) -> str:
        return f"{reverse(page)}?{_query(asked, department=department_id)}"

    query = _query(asked)
    tables, rows = _table_rows(dash, dashboard_url)
    context = {
        "dash": dash,
        "page": page,
        "picker": _picker(asked),
        "scope": asked.scope,
        "selected": asked.selected,
        "tables": tables,
        "rows": rows,
        "heading_department": asked.selected or (asked.scope[0] if len(asked.scope) == 1 else None),
        "tiles": _tiles(dash, selected),
        "ranking": _ranking_rows(dash),
        "ranked": charts.RANKED,
        "ranking_data": charts.ranking_data(dash, records_url, dashboard_url),
        "activity_data": charts.trend_data(dash, charts.ACTIVITY, records_url, selected),
        "publication_data": charts.trend_data(dash, charts.PUBLICATION, records_url, selected),
        "activity_series": charts.ACTIVITY,
        "publication_series": charts.PUBLICATION,
        "summary": report.report_context(dash),
        "query": query,
        "exports": {
            "pdf": f"{reverse('web:oversight_report_pdf')}?{query}",
            "xlsx": f"{reverse('web:oversight_report_xlsx')}?{query}",
            "csv": f"{reverse('web:oversight_metrics_csv')}?{query}",
        },
    }
    return render(request, "web/oversight.html", context)


def dashboard(request: HttpRequest) -> HttpResponse:
    """The county dashboard (``web:oversight``; the caller has checked the role)."""
    try:
        asked = _asked(request)
    except OutOfScope:
        return forbidden(request)
    return _render_dashboard(request, asked, "web:oversight")


@login_required
def department_dashboard(request: HttpRequest) -> HttpResponse:
    """The same dashboard for a department's administrators: their own scope only."""
    try:
        asked = _asked(request)
    except OutOfScope:
        return forbidden(request)
    return _render_dashboard(request, asked, "web:oversight_department")


@login_required
def oversight_records(request: HttpRequest, metric: str) -> HttpResponse:
    """The records behind one figure (drill-down)."""
    if metric not in records.TITLES:
        raise Http404(_("No such figure."))
    try:
        asked = _asked(request)
    except OutOfScope:
        return forbidden(request)
    drill = records.drill(
        metric=metric,
        department_ids=[d.pk for d in asked.departments],
        period=asked.period,
        today=asked.today,
    )
    back = "web:oversight" if _is_supervisor(request) else "web:oversight_department"
    return render(
        request,
        "web/oversight_records.html",
        {
            "drill": drill,
            "period": asked.period,
            "today": asked.today,
            "selected": asked.selected,
            "back": f"{reverse(back)}?{_query(asked)}",
            "many": len(asked.departments) > 1,
        },
    )


def _is_supervisor(request: HttpRequest) -> bool:
    """The county page is the supervisors'; everyone else returns to their own."""
    return bool(policy.user_roles(request.user) & {Role.COUNTY_SUPERVISOR, Role.SYSTEM_ADMIN})


def _download(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def oversight_report_pdf(request: HttpRequest) -> HttpResponse:
    try:
        asked = _asked(request)
    except OutOfScope:
        return forbidden(request)
    dash = _dashboard(request, asked)
    return _download(report.report_pdf(dash), "application/pdf", report.filename(dash, "pdf"))


@login_required
def oversight_report_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        asked = _asked(request)
    except OutOfScope:
        return forbidden(request)
    dash = _dashboard(request, asked)
    return _download(
        report.report_xlsx(dash),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        report.filename(dash, "xlsx"),
    )


@login_required
def oversight_metrics_csv(request: HttpRequest) -> HttpResponse:
    try:
        asked = _asked(request)
    except OutOfScope:
        return forbidden(request)
    dash = _dashboard(request, asked)
    return _download(
        report.metrics_csv(dash).encode("utf-8"),
        "text/csv; charset=utf-8",
        report.filename(dash, "csv"),
    )
