"""The periodic report (通报): PDF (WeasyPrint, with server-drawn SVG charts), XLSX (openpyxl,
with native Excel charts) and the CSV of every figure.

All three are built from one :class:`~.metrics.Dashboard` and the one column list of
:mod:`.columns`, so the printed circular, the workbook and the export never disagree with
the dashboard.  The report speaks the user's language (Simplified Chinese by default).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import charts
from .columns import COLUMNS, GROUPS, Column, display, main_groups, raw
from .figures import Dashboard, DepartmentMetrics


def filename(dash: Dashboard, extension: str) -> str:
    p = dash.period
    return f"oversight-{p.start.isoformat()}-{p.end.isoformat()}.{extension}"


def _summary(dash: Dashboard) -> dict[str, Any]:
    rows, total = dash.rows, dash.total
    return {
        "departments": len(rows),
        "lists_on_time": sum(1 for r in rows if r.item_list_on_time),
        "lists_current": sum(1 for r in rows if r.item_list_current),
        "plans_on_time": [r for r in rows if r.plan_state == "on_time"],
        "plans_late": [r for r in rows if r.plan_state == "late"],
        "plans_missing": [r for r in rows if r.plan_state == "missing"],
        "lists_missing": [r for r in rows if r.item_list_version is None],
        "overdue": [r for r in rows if r.pub_overdue or r.pub_missing],
        "total": total,
    }


def _tables(dash: Dashboard) -> list[dict[str, Any]]:
    everyone = [*dash.rows, dash.total]
    return [
        {
            "key": key,
            "label": label,
            "columns": columns,
            "rows": [(r, [display(c, r) for c in columns]) for r in everyone],
        }
        for key, label, columns in main_groups()
        if columns
    ]


def report_context(dash: Dashboard) -> dict[str, Any]:
    """What the report template shows (also the dashboard's summary paragraph)."""
    return {
        "dash": dash,
        "summary": _summary(dash),
        "tables": _tables(dash),
        "ranking": charts.ranking_table(dash.rows),
        "worst": sorted(
            ((r, w) for r in dash.rows for w in r.worst),
            key=lambda rw: (-rw[1].working_days, rw[1].deadline),
        )[:15],
        "classes": [(r, list(r.classes.values())) for r in dash.rows],
    }


def report_html(dash: Dashboard) -> str:
    context = report_context(dash)
    context["svg_ranking"] = charts.svg_ranking(dash.rows)
    context["svg_activity"] = charts.svg_trend(dash.months, charts.ACTIVITY)
    context["svg_publication"] = charts.svg_trend(dash.months, charts.PUBLICATION)
    return render_to_string("web/oversight_report.html", context)


def report_pdf(dash: Dashboard) -> bytes:
    from shuangsuiji.tasks.documents import html_to_pdf  # loads WeasyPrint only when asked

    return html_to_pdf(report_html(dash))


# --- CSV -------------------------------------------------------------------------------


def _csv_value(column: Column, row: DepartmentMetrics) -> Any:
    value = raw(column, row)
    if value is None:
        return ""
    if column.kind == "pct":
        return f"{value * 100:.1f}"
    if column.kind in ("float", "float2"):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _header(column: Column) -> str:
    return f"{column.label} (%)" if column.kind == "pct" else str(column.label)


def metrics_csv(dash: Dashboard) -> str:
    """Every figure, one row per department and the total; a byte-order mark so that
    Excel opens the Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_("Period"), _("Department"), *(_header(c) for c in COLUMNS)])
    for row in [*dash.rows, dash.total]:
        writer.writerow([dash.period.label, row.name, *(_csv_value(c, row) for c in COLUMNS)])
    return "\ufeff" + buf.getvalue()


# --- XLSX ------------------------------------------------------------------------------


def _xlsx_value(column: Column, row: DepartmentMetrics) -> Any:
    value = raw(column, row)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def report_xlsx(dash: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F0F0F0")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Figures")[:31]
    ws.append([_("Supervision report") + " · " + dash.period.label])
    ws.append([_("As of %(day)s") % {"day": dash.today.isoformat()}])
    ws.append([])
    groups = [""] + [str(GROUPS[c.group]) for c in COLUMNS]
    ws.append(groups)
    ws.append([_("Department"), *(str(c.label) for c in COLUMNS)])
    for cell in ws[4] + ws[5]:
        cell.font, cell.fill = bold, head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in [*dash.rows, dash.total]:
        ws.append([row.name, *(_xlsx_value(c, row) for c in COLUMNS)])
    formats = {"pct": "0.0%", "float": "0.0", "float2": "0.00", "date": "yyyy-mm-dd"}
    for index, column in enumerate(COLUMNS, start=2):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 14
        if column.kind in formats:
            for cell in ws[letter][5:]:
                cell.number_format = formats[column.kind]
    ws.column_dimensions["A"].width = 34
    ws.freeze_panes = "B6"
    first, last = 6, 5 + len(dash.rows)
    ws.cell(row=last + 1, column=1).font = bold

    # 排名: the overall score, best first, with a bar chart.
    rank = wb.create_sheet(_("Ranking")[:31])
    ranked = charts.ranking_table(dash.rows)
    rank.append([_("Department"), *(str(m.label) for m in charts.RANKED)])
    for cell in rank[1]:
        cell.font = bold
    for r in ranked:
        rank.append(
            [r.short_name, *(charts.metric_value(r, m.key, m.percent) for m in charts.RANKED)]
        )
    rank.column_dimensions["A"].width = 20
    if ranked:
        bar = BarChart()
        bar.type = "bar"
        bar.title = str(charts.RANKED[0].label)
        bar.y_axis.title = str(charts.RANKED[0].label)
        bar.add_data(
            Reference(rank, min_col=2, min_row=1, max_row=1 + len(ranked)), titles_from_data=True
        )
        bar.set_categories(Reference(rank, min_col=1, min_row=2, max_row=1 + len(ranked)))
        bar.height, bar.width = max(7.5, 0.6 * len(ranked)), 18
        rank.add_chart(bar, f"{get_column_letter(len(charts.RANKED) + 3)}2")

    # 月度趋势: activity and publication by month, with a line and a stacked bar chart.
    trend = wb.create_sheet(_("Monthly trend")[:31])
    series = [*charts.ACTIVITY, *charts.PUBLICATION]
    trend.append([_("Month"), *(str(s.label) for s in series)])
    for cell in trend[1]:
        cell.font = bold
    for m in dash.months:
        trend.append([m.month.strftime("%Y-%m"), *(getattr(m, s.key) for s in series)])
    n = len(dash.months)
    if n:
        line = LineChart()
        line.title = _("Tasks, inspections and problems by month")
        line.add_data(
            Reference(trend, min_col=2, max_col=1 + len(charts.ACTIVITY), min_row=1, max_row=1 + n),
            titles_from_data=True,
        )
        line.set_categories(Reference(trend, min_col=1, min_row=2, max_row=1 + n))
        trend.add_chart(line, "I2")
        stacked = BarChart()
        stacked.grouping, stacked.overlap = "stacked", 100
        stacked.title = _("Publication within 20 working days by month of the deadline")
        start = 2 + len(charts.ACTIVITY)
        stacked.add_data(
            Reference(
                trend,
                min_col=start,
                max_col=start + len(charts.PUBLICATION) - 1,
                min_row=1,
                max_row=1 + n,
            ),
            titles_from_data=True,
        )
        stacked.set_categories(Reference(trend, min_col=1, min_row=2, max_row=1 + n))
        trend.add_chart(stacked, "I20")

    # 逾期与迟延: the worst cases, each with its department.
    worst = wb.create_sheet(_("Worst delays")[:31])
    worst.append(
        [_("Department"), _("Task"), _("Target"), _("Deadline"), _("Working days"), _("State")]
    )
    for cell in worst[1]:
        cell.font = bold
    for r, w in report_context(dash)["worst"]:
        worst.append(
            [
                r.name,
                w.task_number,
                w.target_name,
                w.deadline,
                w.working_days,
                _("overdue, not published") if w.overdue else _("published late"),
            ]
        )
    for cell in worst["D"][1:]:
        cell.number_format = "yyyy-mm-dd"
    assert first <= last + 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
