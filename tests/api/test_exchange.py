"""The file exchange with the national platform: the export layouts, and the import of its
market-entity export with its own labels, all or nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.api import exchange
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.demo import county as gen
from shuangsuiji.directory.models import Target
from shuangsuiji.directory.tabular.national import entity_kind_of
from shuangsuiji.results import services as result_services
from tests.api.conftest import ApiClient, api_as
from tests.conftest import County
from tests.results.conftest import Dispatched

pytestmark = pytest.mark.django_db

RESULT_HEADERS = [
    "统一社会信用代码", "企业名称", "任务编号", "任务名称", "检查机关", "检查事项", "检查日期",
    "完成日期", "检查结果", "拒绝检查", "检查情况", "公示日期",
]  # fmt: skip
DRAW_HEADERS = [
    "任务编号", "任务名称", "检查机关", "抽取日期", "抽取序号", "统一社会信用代码", "企业名称",
    "抽取分层", "摇号批次", "随机种子",
]  # fmt: skip


def _publish_two(d: Dispatched) -> None:
    for target in d.drawn[:2]:
        result = result_services.result_save(
            actor=d.member_user(target), task=d.task, target=target, data=d.data(target),
            submit=True,
        )  # fmt: skip
        result_services.result_publish(actor=d.admin, result=result)


def _csv(response: Any) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode()), "UTF-8 with BOM, for Excel and WPS"
    assert b"\r\n" in raw
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_published_results_export_in_the_platforms_columns(dispatched: Dispatched) -> None:
    _publish_two(dispatched)
    response = ApiClient().get("/exchange/results", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == RESULT_HEADERS == [c.header for c in exchange.RESULT_COLUMNS]
    assert {r[0] for r in rows[1:]} == {t.credit_code for t in dispatched.drawn[:2]}
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["任务编号"] == dispatched.task.number
    assert first["检查结果"] == "未发现问题" and first["拒绝检查"] == "否"
    assert first["检查事项"] == "公共场所卫生监督检查"
    # The same as .xlsx: one sheet, dates as date cells, codes as text.
    xlsx = ApiClient().get("/exchange/results", {"format": "xlsx"})
    assert xlsx["Content-Type"] == exchange.CONTENT_TYPES["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert list(values[0]) == RESULT_HEADERS and len(values) == 3
    assert values[1][6] is not None and values[1][6].year >= 2026  # 检查日期, a date cell
    # A period that holds nothing gives the header only.
    empty = ApiClient().get(
        "/exchange/results",
        {"format": "csv", "published_from": "2020-01-01", "published_to": "2020-12-31"},
    )
    assert _csv(empty) == [RESULT_HEADERS]


def test_drawn_lists_export(dispatched: Dispatched) -> None:
    rows = _csv(ApiClient().get("/exchange/draws", {"format": "csv"}))
    assert rows[0] == DRAW_HEADERS == [c.header for c in exchange.DRAW_COLUMNS]
    assert [r[5] for r in rows[1:]] == [t.credit_code for t in dispatched.drawn]
    assert [int(r[4]) for r in rows[1:]] == list(range(1, len(dispatched.drawn) + 1))
    assert {r[0] for r in rows[1:]} == {dispatched.task.number}
    only_other = _csv(
        ApiClient().get(
            "/exchange/draws", {"format": "csv", "department": dispatched.scenario.county.env.pk}
        )
    )
    assert only_other == [DRAW_HEADERS]


def test_the_exchange_command_writes_the_same_files(
    cli: Any, dispatched: Dispatched, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _publish_two(dispatched)
    out = tmp_path / "results.csv"
    assert cli(["exchange", "export-results", str(out), "--from", "2026-01-01"]) == 0
    assert (
        out.read_bytes()
        == ApiClient()
        .get("/exchange/results", {"format": "csv", "published_from": "2026-01-01"})
        .content
    )
    draws = tmp_path / "draws.xlsx"
    assert cli(["exchange", "export-draws", str(draws)]) == 0
    assert len(list(openpyxl.load_workbook(draws).active.values)) == 1 + len(dispatched.drawn)
    assert cli(["exchange", "export-draws", str(tmp_path / "draws.pdf")]) == 2
    assert cli(["exchange", "export-results", str(out), "--from", "yesterday"]) == 2


# --- the market-entity import ---------------------------------------------------------------

NATIONAL_KINDS = {"企业": "有限责任公司（自然人投资或控股）", "个体工商户": "个体工商户",
                  "农民专业合作社": "农民专业合作社"}  # fmt: skip
NATIONAL_STATUS = {"存续": "存续（在营、开业、在册）", "注销": "注销", "吊销": "吊销，未注销",
                   "撤销": "撤销", "迁出": "迁出"}  # fmt: skip
HEADER = ["统一社会信用代码", "企业名称", "类型", "法定代表人", "住所", "经营范围", "登记状态",
          "成立日期", "登记机关", "注册资本"]  # fmt: skip


def _national_rows(n: int) -> list[list[str]]:
    rows = []
    for e in gen.entities(n, seed=77):
        rows.append([
            e.credit_code, e.name, NATIONAL_KINDS[e.kind], e.legal_rep, e.address, e.scope,
            NATIONAL_STATUS[e.status], e.founded_on.strftime("%Y年%m月%d日"),
            "新县市场监督管理局", "50万元人民币",
        ])  # fmt: skip
    return rows


def _csv_file(rows: list[list[str]], name: str = "国家平台导出.csv") -> SimpleUploadedFile:
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADER, *rows])
    return SimpleUploadedFile(name, ("\ufeff" + buf.getvalue()).encode(), "text/csv")


def _upload(client: ApiClient, upload: SimpleUploadedFile, **query: str) -> Any:
    url = "/api/exchange/entities" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()))
    return client.client.post(url, {"file": upload}, headers=client.headers)


def test_the_platforms_type_labels_map_to_entity_kinds() -> None:
    for label, kind in {
        "有限责任公司（自然人投资或控股）": "企业",
        "有限责任公司(自然人独资)": "企业",
        "股份有限公司（非上市、自然人投资或控股）": "企业",
        "有限责任公司分公司（自然人投资或控股）": "企业",
        "个人独资企业": "企业",
        "普通合伙企业": "企业",
        "全民所有制": "企业",
        "股份合作制": "企业",
        "个体工商户": "个体工商户",
        "个体户": "个体工商户",
        "农民专业合作社": "农民专业合作社",
        "农民专业合作社联合社": "农民专业合作社",
        "企业": "企业",
    }.items():
        assert entity_kind_of(label) == kind, label
    assert entity_kind_of("境外非政府组织代表机构") is None
    assert entity_kind_of("") is None


def test_an_export_of_the_platform_imports_with_its_labels(county: County) -> None:
    rows = _national_rows(12)
    lead = api_as(county.users["lead_admin"], "en")
    checked = _upload(lead, _csv_file(rows), dry_run="true")
    assert checked.status_code == 200, checked.json()
    assert checked.json()["applied"] is False and checked.json()["added"] == 12
    assert Target.objects.count() == 0
    response = _upload(lead, _csv_file(rows))
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["applied"] and report["rows"] == report["added"] == 12
    assert report["ignored_columns"] == ["登记机关", "注册资本"]
    assert any(p["code"] == "ignored_columns" for p in report["problems"])
    for e in gen.entities(12, seed=77):
        t = Target.objects.get(credit_code=e.credit_code)
        assert (t.name, t.kind, t.status, t.legal_rep, t.founded_on) == (
            e.name, e.kind, e.status, e.legal_rep, e.founded_on,
        )  # fmt: skip
        assert t.risk_class == "B"  # not in the platform's file: the register's default
    audit = AuditEvent.objects.get(action="directory.import.targets")
    assert audit.actor_label == "sj_admin"
    # The same file again changes nothing.
    again = _upload(lead, _csv_file(rows)).json()
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 12)


def test_one_unknown_label_rejects_the_whole_file_naming_row_and_column(county: County) -> None:
    rows = _national_rows(8)
    rows[2][2] = "境外非政府组织代表机构"  # 类型, spreadsheet row 4
    rows[5][6] = "休眠"  # 登记状态, spreadsheet row 7
    response = _upload(api_as(county.users["lead_admin"]), _csv_file(rows))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import.rejected"
    errors = [(p["row"], p["column"], p["column_letter"]) for p in body["problems"]
              if p["severity"] == "error"]  # fmt: skip
    assert errors == [(4, "类型", "C"), (7, "登记状态", "G")]
    messages = [p["message"] for p in body["problems"] if p["severity"] == "error"]
    assert "境外非政府组织代表机构" in messages[0] and "休眠" in messages[1]
    assert Target.objects.count() == 0
    assert not AuditEvent.objects.filter(action="directory.import.targets").exists()


def test_only_the_register_keepers_import(county: County) -> None:
    response = _upload(api_as(county.users["dept_admin"]), _csv_file(_national_rows(2)))
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    unreadable = _upload(
        api_as(county.users["lead_admin"]),
        SimpleUploadedFile("导出.pdf", b"%PDF-1.4", "application/pdf"),
    )
    assert unreadable.status_code == 400 and unreadable.json()["code"] == "import.unreadable"
    assert Target.objects.count() == 0


def test_the_import_command(cli: Any, county: County, tmp_path: Path) -> None:
    path = tmp_path / "national.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["国家企业信用信息公示系统 导出结果"])  # a title row above the header
    ws.append(HEADER)
    for row in _national_rows(5):
        ws.append(row)
    wb.save(path)
    assert cli(["exchange", "import-entities", str(path), "--dry-run"]) == 0
    assert Target.objects.count() == 0
    assert cli(["exchange", "import-entities", str(path), "--user", "sj_admin"]) == 0
    assert Target.objects.count() == 5
    ws.cell(row=3, column=7, value="冬眠")
    wb.save(path)
    assert cli(["exchange", "import-entities", str(path), "--user", "sj_admin"]) == 1
    assert cli(["exchange", "import-entities", str(path), "--user", "wj_admin"]) == 2
