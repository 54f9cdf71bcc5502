"""Upsert by natural key: re-import changes nothing, export → import round-trips every
field, every change is in the history, files as LibreOffice/WPS/Excel save them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.directory.tabular import KINDS, export_queryset, import_file, preview_file
from tests.conftest import County

from .conftest import TARGET_HEADERS, entity_rows

pytestmark = pytest.mark.django_db

TARGET_FIELDS = [
    "credit_code", "name", "kind", "status", "legal_rep", "address", "township_id",
    "industry_code", "scope", "founded_on", "risk_class", "abnormal_operation", "phone",
    "flags", "region_id",
]  # fmt: skip
INSPECTOR_FIELDS = [
    "name", "gender", "department_id", "position", "expertise", "certificate_no",
    "certificate_valid_from", "certificate_valid_to", "status", "phone",
]  # fmt: skip
ITEM_FIELDS = [
    "department_id", "code", "name", "legal_basis", "inspecting_body", "content", "method",
    "target_kind", "is_key", "active",
]  # fmt: skip


def _snapshot(model: Any, fields: list[str], key: str) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row for row in model.objects.order_by(key).values_list(key, *fields)}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_reimporting_the_same_file_changes_nothing(
    county: County, townships: Any, write_xlsx: Any, write_csv: Any, fmt: str
) -> None:
    admin = county.users["sysadmin"]
    path = (write_xlsx if fmt == "xlsx" else write_csv)(entity_rows(40), f"t.{fmt}")
    first = import_file(kind="targets", path=path, actor=admin)
    assert (first.added, first.changed, first.unchanged) == (40, 0, 0)
    state = _snapshot(Target, TARGET_FIELDS, "credit_code")
    histories = Target.history.count()
    second = import_file(kind="targets", path=path, actor=admin)
    assert (second.added, second.changed, second.unchanged) == (0, 0, 40)
    assert _snapshot(Target, TARGET_FIELDS, "credit_code") == state
    assert Target.history.count() == histories


def _rich_targets(county: County, townships: dict[str, Any]) -> None:
    town = list(townships.values())
    for i, e in enumerate(entity_rows(25, seed=3)):
        Target.objects.create(
            region=county.region, credit_code=e[0], name=e[1], kind=e[2], status=e[3],
            legal_rep=e[4], address=e[5], township=town[i % 4] if i % 5 else None,
            industry_code=e[7], scope=e[8], founded_on=e[9] if i % 7 else None,
            risk_class=e[10], abnormal_operation=i % 3 == 0, phone=f"1393761{i:04d}",
            flags=["重点监管"] if i % 4 == 0 else [],
        )  # fmt: skip


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips_every_field(
    county: County, townships: Any, tmp_path: Path, fmt: str
) -> None:
    admin = county.users["sysadmin"]
    _rich_targets(county, townships)
    cases = [
        ("targets", Target, TARGET_FIELDS, "credit_code"),
        ("inspectors", Inspector, INSPECTOR_FIELDS, "certificate_no"),
        ("items", InspectionItem, ITEM_FIELDS, "code"),
    ]
    for kind, model, fields, key in cases:
        before = _snapshot(model, fields, key)
        path = tmp_path / f"{kind}.{fmt}"
        n = export_queryset(KINDS[kind], model.objects.all(), path, fmt=fmt, actor=admin)
        assert n == len(before)
        again = import_file(kind=kind, path=path, actor=admin)
        assert (again.added, again.changed) == (0, 0), kind
        # Empty the table and import the export: the same rows come back, field for field.
        model.objects.all().delete()
        restored = import_file(kind=kind, path=path, actor=admin)
        assert restored.added == len(before)
        assert _snapshot(model, fields, key) == before, kind


def test_history_shows_each_change(
    county: County, townships: Any, write_xlsx: Any, tmp_path: Path
) -> None:
    admin = county.users["sysadmin"]
    rows = entity_rows(10)
    import_file(kind="targets", path=write_xlsx(rows), actor=admin)
    assert not Target.history.exists()  # creations: the import batch is their record
    rows[2][10] = "D"
    rows[5][4] = "张秀兰"
    rows[5][3] = "注销"
    out = import_file(kind="targets", path=write_xlsx(rows, "second.xlsx"), actor=admin)
    assert (out.added, out.changed, out.unchanged) == (0, 2, 8)
    changed = Target.history.filter(history_type="~").order_by("credit_code")
    assert {h.credit_code: (h.risk_class, h.legal_rep, h.status) for h in changed} == {
        rows[2][0]: ("D", rows[2][4], rows[2][3]),
        rows[5][0]: (rows[5][10], "张秀兰", "注销"),
    }
    assert all(h.history_user_id == admin.pk for h in changed)
    assert all("sha256:" in (h.history_change_reason or "") for h in changed)
    events = AuditEvent.objects.filter(action="directory.import.targets").order_by("seq")
    payloads = [json.loads(e.payload) for e in events]
    assert [(p["added"], p["changed"], p["unchanged"]) for p in payloads] == [
        (10, 0, 0), (0, 2, 8),
    ]  # fmt: skip
    assert all(len(p["sha256"]) == 64 for p in payloads)


def test_inspectors_and_items_get_history_for_creations_and_changes(
    county: County, write_xlsx: Any, tmp_path: Path
) -> None:
    admin = county.users["dept_admin"]
    headers = ["姓名", "所属部门", "职务", "专业领域", "执法证号", "有效期起", "有效期至", "状态"]
    rows = [
        ["王芳", county.health.name, "科员", "公共卫生，学校卫生", "豫41152320200021",
         dt.datetime(2024, 1, 1), dt.datetime(2028, 12, 31), "在岗"],
        ["赵丽", "新卫健", "科长", "医疗机构", "豫41152320190002",
         "2024-11-28", "2027-06-16", "停用"],
    ]  # fmt: skip
    out = import_file(kind="inspectors", path=write_xlsx(rows, "i.xlsx", headers=headers),
                      actor=admin)  # fmt: skip
    assert (out.added, out.changed) == (1, 1)
    created = Inspector.objects.get(certificate_no="豫41152320200021")
    assert created.expertise == ["公共卫生", "学校卫生"]
    assert [h.history_type for h in created.history.all()] == ["+"]
    zhao = county.inspectors["health_other"]
    assert [h.history_type for h in zhao.history.order_by("history_id")] == ["+", "~"]
    zhao.refresh_from_db()
    assert (zhao.status, zhao.position) == ("停用", "科长")


def test_files_as_libreoffice_and_wps_save_them(
    county: County, townships: Any, tmp_path: Path
) -> None:
    """A title row, blank rows, header variants, numbers and dates typed as such."""
    rows = entity_rows(4)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["新县2026年市场主体名录（第四季度）"])
    ws.append([None])
    ws.append([" 统一社会信用代码 ", "名 称", "主体类型*", "登记状态", "法定代表人（负责人）",
               "住所", "所属乡镇(街道)", "行业代码", "经营范围", "成立日期", "信用风险分类",
               "备注"])  # fmt: skip
    founded: list[Any] = [dt.datetime(2019, 3, 5), 43529, "2019年3月5日", "2019/3/5"]
    for i, r in enumerate(rows):
        r = list(r)
        r[7] = 5211.0 if i == 0 else r[7]  # a code typed as a number
        r[9] = founded[i]
        r[10] = "ｂ" if i == 1 else r[10]  # full-width letter
        ws.append([*r, "无"])
        ws.append([])
    path = tmp_path / "wps.xlsx"
    wb.save(path)
    out = preview_file(kind="targets", path=path, actor=county.users["sysadmin"])
    assert out.ok, [str(p) for p in out.problems]
    assert out.added == 4
    assert any("备注" in p.message_zh for p in out.problems)  # ignored column, a note
    import_file(kind="targets", path=path, actor=county.users["sysadmin"])
    t0 = Target.objects.get(credit_code=rows[0][0])
    assert t0.industry_code == "5211"
    assert {t.founded_on for t in Target.objects.all()} == {dt.date(2019, 3, 5)}
    assert Target.objects.get(credit_code=rows[1][0]).risk_class == "B"


def test_gb18030_csv_as_excel_for_china_saves_it(
    county: County, townships: Any, write_csv: Any
) -> None:
    path = write_csv(entity_rows(5), "gbk.csv", encoding="gb18030", title="新县市场主体")
    out = import_file(kind="targets", path=path, actor=county.users["sysadmin"])
    assert out.added == 5
    assert set(Target.objects.values_list("name", flat=True)) == {r[1] for r in entity_rows(5)}


def test_preview_shows_what_would_be_added_changed_and_left_alone(
    county: County, townships: Any, write_xlsx: Any
) -> None:
    admin = county.users["sysadmin"]
    rows = entity_rows(6)
    import_file(kind="targets", path=write_xlsx(rows[:4]), actor=admin)
    rows[1][10] = "C"
    out = preview_file(kind="targets", path=write_xlsx(rows, "p.xlsx"), actor=admin)
    assert (out.added, out.changed, out.unchanged) == (2, 1, 3)
    [change] = out.changed_sample
    assert change.row == 3 and change.key == rows[1][0]
    assert [(f.header, f.after) for f in change.changes] == [("信用风险分类", "C")]
    assert len(out.added_sample) == 2 and out.headers[0] == "统一社会信用代码"
    assert Target.objects.count() == 4  # a preview writes nothing


def test_a_dropped_column_is_left_alone(county: County, townships: Any, write_xlsx: Any) -> None:
    admin = county.users["sysadmin"]
    rows = entity_rows(3)
    import_file(kind="targets", path=write_xlsx(rows), actor=admin)
    keep = [0, 1, 2, 3]
    short = [[r[i] for i in keep] for r in rows]
    short[0][1] = "新县新名称商贸有限公司"
    path = write_xlsx(short, "short.xlsx", headers=[TARGET_HEADERS[i] for i in keep])
    out = import_file(kind="targets", path=path, actor=admin)
    assert (out.changed, out.unchanged) == (1, 2)
    t = Target.objects.get(credit_code=rows[0][0])
    assert t.name == "新县新名称商贸有限公司" and t.scope == rows[0][8]
