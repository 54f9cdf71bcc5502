"""The supervision pages: who sees which departments, the records behind a figure, and the
periodic report as CSV, XLSX and PDF (its text read back with ``pdftotext``)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.oversight.columns import COLUMNS
from tests.conftest import PASSWORD, County
from tests.oversight.conftest import Story

pytestmark = pytest.mark.django_db

YEAR = {"year": "2026"}
URLS = [
    ("web:oversight", []),
    ("web:oversight_department", []),
    ("web:oversight_records", ["pub_overdue"]),
    ("web:oversight_report_pdf", []),
    ("web:oversight_report_xlsx", []),
    ("web:oversight_metrics_csv", []),
]


def client(county: County, role: str) -> Client:
    c = Client()
    assert c.login(username=county.users[role].username, password=PASSWORD)
    return c


def page(c: Client, name: str, *args: str, **params: str) -> str:
    response = c.get(reverse(name, args=args), params or YEAR)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


@pytest.mark.parametrize("name,args", URLS)
def test_anonymous_is_sent_to_log_in(county: County, name: str, args: list[str]) -> None:
    response = Client().get(reverse(name, args=args))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name,args", URLS)
def test_an_inspector_sees_no_figures(county: County, name: str, args: list[str]) -> None:
    assert client(county, "inspector").get(reverse(name, args=args)).status_code == 403


def test_the_supervisor_sees_every_department_with_its_charts(story: Story) -> None:
    html = page(client(story.county, "supervisor"), "web:oversight")
    for dept in (story.lead, story.county.station, story.health, story.env):
        assert dept.name in html
    # Chart data as JSON blocks for the script file; no inline script.
    assert '<script id="ranking-data" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "oversight.js" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    found = re.search(r'id="ranking-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    pub_rate = next(m for m in data["metrics"] if m["key"] == "pub_rate")
    health = data["names"].index(story.health.name)
    assert pub_rate["values"][health] == 40.0
    assert "/oversight/records/pub_due/" in pub_rate["urls"][health]


def test_a_department_admin_sees_only_their_department(story: Story) -> None:
    c = client(story.county, "dept_admin")
    # The county page stays the supervisors'; the department's own is open to its admins.
    assert c.get(reverse("web:oversight")).status_code == 403
    html = page(c, "web:oversight_department")
    assert story.health.name in html
    for other in (story.lead, story.county.station, story.env):
        assert other.name not in html
    # Another department's figures, asked for by id, do not exist for them.
    response = c.get(reverse("web:oversight_department"), {"department": story.lead.pk})
    assert response.status_code == 404
    response = c.get(reverse("web:oversight_records", args=["plan"]), {"department": story.lead.pk})
    assert response.status_code == 404


def test_a_lead_admin_sees_their_department_and_the_one_below(story: Story) -> None:
    html = page(client(story.county, "lead_admin"), "web:oversight_department")
    assert story.lead.name in html and story.county.station.name in html
    assert story.health.name not in html and story.env.name not in html


def test_the_department_filter_narrows_the_supervisors_dashboard(story: Story) -> None:
    c = client(story.county, "supervisor")
    response = c.get(reverse("web:oversight"), {"year": "2026", "department": str(story.env.pk)})
    assert [r.name for r in response.context["dash"].rows] == [story.env.name]
    assert f"{story.env.name}</h1>" in response.content.decode()


def test_a_bad_period_falls_back_to_this_year_with_a_message(story: Story) -> None:
    c = client(story.county, "supervisor")
    response = c.get(reverse("web:oversight"), {"from": "2026-06-30", "to": "2026-06-01"})
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1


def test_figures_link_to_the_records_behind_them(story: Story) -> None:
    c = client(story.county, "supervisor")
    overdue = page(c, "web:oversight_records", "pub_overdue", year="2026")
    assert story.parts["h2"].target.name in overdue
    assert reverse("web:result_detail", args=[story.parts["h2"].pk]) in overdue
    late = page(c, "web:oversight_records", "pub_late", year="2026")
    assert story.parts["h1"].target.name in late and story.parts["j0_lead"].target.name in late
    missing = page(
        c, "web:oversight_records", "pub_missing", year="2026", department=str(story.health.pk)
    )
    assert story.joint_drawn[1].name in missing
    plans = page(c, "web:oversight_records", "plan", year="2026", department=str(story.lead.pk))
    assert story.lead_plan.name in plans
    referrals = page(
        c, "web:oversight_records", "ref_unanswered", year="2026", department=str(story.env.pk)
    )
    assert story.parts["j0_lead"].target.name in referrals
    tasks = page(c, "web:oversight_records", "joint", year="2026")
    assert story.joint_task.number in tasks and story.health_task.number not in tasks
    workload = page(c, "web:oversight_records", "workload", year="2026")
    assert reverse("web:inspector_detail", args=[story.county.inspectors["own"].pk]) in workload
    items = page(c, "web:oversight_records", "item_list", year="2026")
    assert story.county.items["health"].code in items
    month = page(c, "web:oversight_records", "inspected", year="2026", month="6")
    assert story.parts["h0"].target.name in month
    assert story.parts["h2"].target.name not in month
    assert c.get(reverse("web:oversight_records", args=["nonsense"])).status_code == 404


def test_a_department_admin_drills_into_their_own_records_only(story: Story) -> None:
    c = client(story.county, "dept_admin")
    html = page(c, "web:oversight_records", "pub_late", year="2026")
    assert story.parts["h1"].target.name in html
    assert reverse("web:result_detail", args=[story.parts["j0_lead"].pk]) not in html


def _csv_rows(c: Client) -> list[list[str]]:
    response = c.get(reverse("web:oversight_metrics_csv"), YEAR)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_every_figure_for_every_department_and_the_total(story: Story) -> None:
    rows = _csv_rows(client(story.county, "supervisor"))
    header, body = rows[0], rows[1:]
    assert len(header) == 2 + len(COLUMNS)
    by_name = {r[1]: r for r in body}
    assert set(by_name) >= {story.lead.name, story.health.name, story.env.name}
    assert len(body) == 5  # four departments and the total
    index = {c.key: 2 + n for n, c in enumerate(COLUMNS)}
    health = by_name[story.health.name]
    assert health[index["pub_rate"]] == "40.0"
    assert health[index["pub_overdue"]] == "1" and health[index["pub_missing"]] == "1"
    assert health[index["inspected"]] == "5" and health[index["problems"]] == "2"
    assert health[index["tasks_planned"]] == "4" and health[index["tasks_done_ytd"]] == "2"
    assert health[index["fu_rate"]] == "33.3"
    assert by_name[story.lead.name][index["plan_days_late"]] == "21"
    assert by_name[story.env.name][index["ref_unanswered"]] == "1"
    total = body[-1]
    assert total[index["inspected"]] == "8"


def test_xlsx_opens_with_the_figures_and_native_charts(story: Story) -> None:
    from openpyxl import load_workbook

    c = client(story.county, "supervisor")
    response = c.get(reverse("web:oversight_report_xlsx"), YEAR)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    index = {c.key: 2 + n for n, c in enumerate(COLUMNS)}
    rows = {r[0].value: r for r in ws.iter_rows(min_row=6) if r[0].value}
    health = rows[story.health.name]
    assert health[index["pub_rate"] - 1].value == pytest.approx(0.4)
    assert health[index["pub_rate"] - 1].number_format == "0.0%"
    assert health[index["pub_overdue"] - 1].value == 1
    assert health[index["inspected"] - 1].value == 5
    assert rows[story.lead.name][index["plan_days_late"] - 1].value == 21
    ranking, trend, worst = wb.worksheets[1], wb.worksheets[2], wb.worksheets[3]
    assert len(ranking._charts) == 1 and len(trend._charts) == 2  # type: ignore[attr-defined]
    assert [r[0].value for r in trend.iter_rows(min_row=2)][:2] == ["2026-01", "2026-02"]
    assert story.parts["h2"].target.name in [r[2].value for r in worst.iter_rows(min_row=2)]


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8")


def test_pdf_report_text_has_the_department_names_and_figures(story: Story, tmp_path: Path) -> None:
    c = client(story.county, "supervisor")
    response = c.get(reverse("web:oversight_report_pdf"), YEAR)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdftotext(response.content, tmp_path)
    flat = "".join(text.split())  # table cells wrap; compare without the line breaks
    for dept in (story.lead, story.county.station, story.health, story.env):
        assert dept.name in flat, dept.name
    assert "40.0%" in flat  # 卫健委: published within 20 working days
    assert "33.3%" in flat  # 卫健委: follow-ups closed on time
    assert story.parts["h2"].target.name in flat  # the longest overdue case
    assert story.health_task.number in flat
    # The Chinese text is set in Noto CJK (embedded), not in a fallback without the glyphs.
    if shutil.which("pdffonts"):
        path = tmp_path / "report.pdf"
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True)
        assert "Noto-Sans-CJK-SC" in fonts.stdout.decode()


def test_department_admin_report_covers_their_department_only(story: Story, tmp_path: Path) -> None:
    c = client(story.county, "dept_admin")
    response = c.get(reverse("web:oversight_report_pdf"), YEAR)
    flat = "".join(_pdftotext(response.content, tmp_path).split())
    assert story.health.name in flat and story.env.name not in flat
    rows = _csv_rows(c)
    assert [r[1] for r in rows[1:-1]] == [story.health.name]


def test_every_figure_has_a_records_page(story: Story) -> None:
    from shuangsuiji.oversight.records import TITLES

    c = client(story.county, "supervisor")
    for metric in TITLES:
        for params in (YEAR, {"year": "2026", "department": str(story.health.pk)}):
            response = c.get(reverse("web:oversight_records", args=[metric]), params)
            assert response.status_code == 200, (metric, params)
            assert 'data-testid="records"' in response.content.decode(), metric
