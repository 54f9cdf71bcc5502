"""The dashboard's charts as data, and the same charts as plain SVG for the printed report.

The browser draws the data with ECharts (``static/web/oversight.js``); the PDF cannot run
JavaScript, so :func:`svg_ranking` and :func:`svg_trend` draw simple bars and lines
from the same figures on the server.  Every chart has a table of the same numbers next to
it (its text alternative), built from :func:`ranking_table` and :func:`trend_table`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .figures import Dashboard, DepartmentMetrics, MonthPoint
from .periods import Period, month_period

#: (metric, department id or None, period) → the URL of the records behind a figure.
UrlFor = Callable[[str, int | None, Period], str]


@dataclass(frozen=True)
class Ranked:
    key: str
    label: Promise
    percent: bool
    higher_is_better: bool
    drill: str  # "" = the department's own dashboard


RANKED: list[Ranked] = [
    Ranked("score", _("Overall score"), False, True, ""),
    Ranked("pub_rate", _("Published within 20 working days"), True, True, "pub_due"),
    Ranked("tasks_rate", _("Tasks done of planned"), True, True, "tasks_ytd"),
    Ranked("fu_rate", _("Follow-ups closed on time, share"), True, True, "fu"),
    Ranked("ref_rate", _("Referrals answered, share"), True, True, "ref_received"),
    Ranked("pub_overdue", _("Overdue, not published"), False, False, "pub_overdue"),
    Ranked("problems", _("Problems found"), False, True, "problems"),
]


@dataclass(frozen=True)
class Series:
    key: str
    label: Promise
    kind: str  # bar or line
    color: str
    stack: str = ""


#: Colours say what a series means: green on time, amber late, red overdue or problems.
ACTIVITY: list[Series] = [
    Series("tasks_done", _("Tasks done"), "bar", "#0b4a8b"),
    Series("inspected", _("Inspections"), "bar", "#69b1ff"),
    Series("problems", _("Problems found"), "line", "#a8071a"),
]
PUBLICATION: list[Series] = [
    Series("pub_on_time", _("Published on time"), "bar", "#389e0d", "pub"),
    Series("pub_late", _("Published late"), "bar", "#d48806", "pub"),
    Series("pub_overdue", _("Overdue, not published"), "bar", "#a8071a", "pub"),
]
BETTER, WORSE = "#0b4a8b", "#a8071a"
#: What a click on a month of each series opens.
SERIES_DRILL = {
    "tasks_done": "tasks",
    "inspected": "inspected",
    "problems": "problems",
    "pub_on_time": "pub_on_time",
    "pub_late": "pub_late",
    "pub_overdue": "pub_overdue",
}


def metric_value(row: DepartmentMetrics, key: str, percent: bool) -> float | None:
    value = getattr(row, key)
    if value is None:
        return None
    return round(value * 100, 1) if percent else value


def ranking_data(
    dash: Dashboard, url_for: UrlFor, dashboard_url: Callable[[int], str]
) -> dict[str, Any]:
    """Per department and ranked metric: the value and where a click on its bar goes."""
    rows = dash.rows
    return {
        "departments": [r.short_name for r in rows],
        "names": [r.name for r in rows],
        "metrics": [
            {
                "key": m.key,
                "label": str(m.label),
                "percent": m.percent,
                "higherIsBetter": m.higher_is_better,
                "color": BETTER if m.higher_is_better else WORSE,
                "values": [metric_value(r, m.key, m.percent) for r in rows],
                "urls": [
                    url_for(m.drill, r.department_id, dash.period)
                    if m.drill
                    else dashboard_url(r.department_id)
                    for r in rows
                ],
            }
            for m in RANKED
        ],
    }


def trend_data(
    dash: Dashboard, series: Sequence[Series], url_for: UrlFor, department_id: int | None
) -> dict[str, Any]:
    months = dash.months
    return {
        "months": [m.month.strftime("%Y-%m") for m in months],
        "series": [
            {
                "key": s.key,
                "label": str(s.label),
                "type": s.kind,
                "stack": s.stack,
                "color": s.color,
                "values": [getattr(m, s.key) for m in months],
                "urls": [
                    url_for(SERIES_DRILL[s.key], department_id, _month(m, dash.period))
                    for m in months
                ],
            }
            for s in series
        ],
    }


def _month(point: MonthPoint, period: Period) -> Period:
    """The month of a trend point, cut to the period (a from–to range may start mid-month)."""
    month = month_period(point.month.year, point.month.month)
    if period.kind != "range":
        return month
    start, end = max(month.start, period.start), min(month.end, period.end)
    return month if (start, end) == (month.start, month.end) else Period(start, end, "range")


def ranking_table(rows: Sequence[DepartmentMetrics]) -> list[DepartmentMetrics]:
    """The ranking's text alternative: departments by overall score, best first."""
    return sorted(rows, key=lambda r: (-(r.score or 0), r.name))


# --- SVG for the printed report ----------------------------------------------------------

_FONT = "Noto Sans CJK SC, Source Han Sans SC, sans-serif"


def svg_ranking(
    rows: Sequence[DepartmentMetrics], key: str = "score", percent: bool = False
) -> str:
    """Horizontal bars, best first; a missing value is drawn as "—" without a bar."""
    values = [(r.short_name, metric_value(r, key, percent)) for r in rows]
    values.sort(key=lambda v: -(v[1] if v[1] is not None else -1))
    bar_h, gap, left, width = 16, 6, 150, 520
    top = 6
    height = top + len(values) * (bar_h + gap) + 8
    scale_max = 100.0 if percent or key == "score" else max([v or 0 for _, v in values] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + left + 60}" '
        f'height="{height}" font-family="{_FONT}" font-size="11">'
    ]
    for i, (name, value) in enumerate(values):
        y = top + i * (bar_h + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_h - 4}" text-anchor="end">{escape(name)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + bar_h - 4}" fill="#555">—</text>')
            continue
        w = max(1.0, width * float(value) / scale_max) if value else 0.0
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BETTER}"/>')
        label = f"{value:.1f}%" if percent else f"{value:g}"
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_trend(months: Sequence[MonthPoint], series: Sequence[Series]) -> str:
    """Bars (stacked when the series share a stack, grouped otherwise) and lines per month,
    with a legend; axis labels are the months."""
    width, height, left, bottom, top = 680, 230, 40, 40, 26
    plot_w, plot_h = width - left - 10, height - top - bottom
    n = max(1, len(months))
    slot = plot_w / n
    bars = [s for s in series if s.kind == "bar"]
    stacked = bool(bars) and all(s.stack and s.stack == bars[0].stack for s in bars)
    totals = []
    for m in months:
        bar_values = [getattr(m, s.key) for s in bars]
        line_values = [getattr(m, s.key) for s in series if s.kind == "line"]
        totals.append(
            max([sum(bar_values) if stacked else max(bar_values, default=0), *line_values])
        )
    top_value = max([*totals, 1])
    y_of = lambda v: top + plot_h - plot_h * v / top_value  # noqa: E731 - a local formula
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="{_FONT}" font-size="10">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{top_value}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    for i, m in enumerate(months):
        x0 = left + i * slot
        out.append(
            f'<text x="{x0 + slot / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
            f"{m.month.month}</text>"
        )
        base = 0
        bar_w = slot * 0.7 / (1 if stacked else max(1, len(bars)))
        for j, s in enumerate(bars):
            v = getattr(m, s.key)
            if not v:
                continue
            color = s.color
            if stacked:
                y1, y0 = y_of(base + v), y_of(base)
                x = x0 + slot * 0.15
                base += v
            else:
                y1, y0 = y_of(v), y_of(0)
                x = x0 + slot * 0.15 + j * bar_w
            out.append(
                f'<rect x="{x:.1f}" y="{y1:.1f}" width="{bar_w:.1f}" height="{y0 - y1:.1f}" '
                f'fill="{color}"/>'
            )
    for s in series:
        if s.kind != "line":
            continue
        color = s.color
        points = " ".join(
            f"{left + (i + 0.5) * slot:.1f},{y_of(getattr(m, s.key)):.1f}"
            for i, m in enumerate(months)
        )
        out.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
    x = left
    for s in series:
        color = s.color
        label = escape(str(s.label))
        out.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + 14}" y="15">{label}</text>')
        x += 24 + 11 * len(label)
    out.append("</svg>")
    return "".join(out)
