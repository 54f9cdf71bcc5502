"""Importing the monthly risk classification and list entries: all or nothing, every
problem named by row and column, history kept, one audit row per file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.credit import services as svc
from shuangsuiji.credit.models import (
    CreditListEntry,
    CreditSync,
    RiskClassification,
    RiskClassImport,
)
from shuangsuiji.directory.tabular.problems import ImportRejected, ProblemCode
from shuangsuiji.errors import NotAllowed
from tests.credit.conftest import OUTSIDER, RISK_HEADER, Register, write_csv

pytestmark = pytest.mark.django_db

D = dt.date
LIST_HEADER = [
    "名单",
    "统一社会信用代码",
    "名称",
    "列入原因",
    "作出决定机关",
    "决定书文号",
    "列入日期",
    "移出日期",
    "移出原因",
]


def classes_file(tmp_path: Path, r: Register, cls: str, day: dt.date, name: str = "a") -> Path:
    rows = [[t.credit_code, cls, day.isoformat()] for t in r.targets]
    return write_csv(tmp_path / f"{name}.csv", RISK_HEADER, rows)


def test_classification_import_keeps_history_and_updates_current_class(
    register: Register, tmp_path: Path
) -> None:
    lead = register.county.users["lead_admin"]
    first = classes_file(tmp_path, register, "C", D(2026, 10, 1), "10月")
    out = svc.risk_classes_import(path=first, actor=lead, day=D(2026, 10, 15))
    assert (out.rows, out.added, out.changed, out.targets_updated) == (12, 12, 0, 12)
    second = classes_file(tmp_path, register, "A", D(2026, 11, 1), "11月")
    svc.risk_classes_import(path=second, actor=lead, day=D(2026, 11, 2))
    target = register.targets[0]
    target.refresh_from_db()
    assert target.risk_class == "A"
    history = list(
        RiskClassification.objects.filter(credit_code=target.credit_code)
        .order_by("effective_date")
        .values_list("risk_class", flat=True)
    )
    assert history == ["C", "A"]
    assert CreditSync.objects.get().synced_through == D(2026, 11, 2)
    # The same file again: nothing new; with one class corrected: one change.
    again = svc.risk_classes_import(path=second, actor=lead, day=D(2026, 11, 2))
    assert (again.added, again.changed, again.unchanged, again.targets_updated) == (0, 0, 12, 0)
    fixed = write_csv(tmp_path / "更正.csv", RISK_HEADER, [[target.credit_code, "B", "2026-11-01"]])
    corrected = svc.risk_classes_import(path=fixed, actor=lead, day=D(2026, 11, 3))
    assert (corrected.changed, corrected.targets_updated) == (1, 1)
    target.refresh_from_db()
    assert target.risk_class == "B"
    # A late file for an older month changes history, not the current class.
    late = write_csv(tmp_path / "补报.csv", RISK_HEADER, [[target.credit_code, "D", "2026-09-01"]])
    assert svc.risk_classes_import(path=late, actor=lead, day=D(2026, 11, 3)).targets_updated == 0
    target.refresh_from_db()
    assert target.risk_class == "B"


def test_one_audit_row_per_import_with_counts_and_digest(
    register: Register, tmp_path: Path
) -> None:
    path = classes_file(tmp_path, register, "B", D(2026, 11, 1))
    out = svc.risk_classes_import(path=path, actor=register.county.users["sysadmin"])
    event = AuditEvent.objects.get(action="credit.import.risk_classes")
    payload = json.loads(event.payload)
    assert payload["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() == out.sha256
    assert (payload["rows"], payload["added"]) == (12, 12)
    batch = RiskClassImport.objects.get()
    assert event.object_id == str(batch.pk) and batch.added == 12


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(
    register: Register, tmp_path: Path
) -> None:
    codes = [t.credit_code for t in register.targets]
    path = write_csv(
        tmp_path / "有错.csv",
        ["企业名称", *RISK_HEADER],
        [
            ["甲", codes[0], "A", "2026-11-01"],
            ["乙", codes[1][:-1] + ("0" if codes[1][-1] != "0" else "1"), "B", "2026-11-01"],
            ["丙", codes[2], "E", "2026-11-01"],
            ["丁", codes[3], "C", "2026/13/45"],
            ["戊", codes[4], "", "2026-11-01"],
            ["己", codes[0], "B", "2026-11-01"],
        ],
    )
    with pytest.raises(ImportRejected) as info:
        svc.risk_classes_import(path=path, actor=register.county.users["lead_admin"])
    errors = {(p.row, p.column_letter, p.code) for p in info.value.problems if p.is_error}
    assert (3, "B", ProblemCode.BAD_CODE) in errors
    assert (4, "C", ProblemCode.UNKNOWN_VALUE) in errors
    assert (5, "D", ProblemCode.BAD_DATE) in errors
    assert (6, "C", ProblemCode.EMPTY) in errors
    assert not RiskClassification.objects.exists() and not RiskClassImport.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="credit.").exists()
    warnings = [p for p in info.value.problems if not p.is_error]
    assert any(p.code == ProblemCode.IGNORED_COLUMNS for p in warnings)


def test_duplicate_rows_and_missing_columns_are_refused(register: Register, tmp_path: Path) -> None:
    code = register.targets[0].credit_code
    dup = write_csv(
        tmp_path / "重复.csv", RISK_HEADER, [[code, "A", "2026-11-01"], [code, "B", "2026-11-01"]]
    )
    with pytest.raises(ImportRejected) as info:
        svc.risk_classes_import(path=dup, actor=register.county.users["lead_admin"])
    assert [(p.row, p.code) for p in info.value.problems] == [(3, ProblemCode.DUPLICATE_KEY)]
    missing = write_csv(tmp_path / "缺列.csv", ["统一社会信用代码", "风险等级"], [[code, "A"]])
    with pytest.raises(ImportRejected) as info:
        svc.risk_classes_import(path=missing, actor=register.county.users["lead_admin"])
    assert [p.code for p in info.value.problems] == [ProblemCode.MISSING_COLUMN]
    assert not RiskClassification.objects.exists()


def test_xlsx_with_title_rows_and_dry_run(register: Register, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["新县市场主体信用风险分类结果（2026年11月）"])
    ws.append(RISK_HEADER)
    for t in register.targets:
        ws.append([t.credit_code, "C类", dt.datetime(2026, 11, 1)])
    path = tmp_path / "分类.xlsx"
    wb.save(path)
    out = svc.risk_classes_import(
        path=path, actor=register.county.users["lead_admin"], dry_run=True
    )
    assert out.added == 12 and not out.applied
    assert not RiskClassification.objects.exists()
    out = svc.risk_classes_import(path=path, actor=register.county.users["lead_admin"])
    assert out.applied and RiskClassification.objects.filter(risk_class="C").count() == 12


def test_only_lead_and_system_admins_import_classes(register: Register, tmp_path: Path) -> None:
    path = classes_file(tmp_path, register, "B", D(2026, 11, 1))
    for who in ("dept_admin", "supervisor", "inspector"):
        with pytest.raises(NotAllowed):
            svc.risk_classes_import(path=path, actor=register.county.users[who])


def test_list_entries_import_places_removes_and_keeps_history(
    register: Register, tmp_path: Path
) -> None:
    codes = [t.credit_code for t in register.targets]
    rows = [
        [
            "经营异常名录",
            codes[0],
            "",
            "未按规定期限公示年度报告",
            "新县市场监督管理局",
            "新市监异列〔2026〕1号",
            "2026-07-01",
            "",
            "",
        ],
        [
            "失信被执行人",
            OUTSIDER,
            "信阳市浉河区某建材有限公司",
            "有履行能力而拒不履行",
            "新县人民法院",
            "（2025）豫1523执77号",
            "2025-05-01",
            "2026-01-10",
            "已履行完毕",
        ],
    ]
    path = write_csv(tmp_path / "名单.csv", LIST_HEADER, rows)
    lead = register.county.users["lead_admin"]
    out = svc.list_entries_import(path=path, actor=lead)
    assert (out.added, out.removed, out.unchanged) == (2, 1, 0)
    debtor = CreditListEntry.objects.get(credit_code=OUTSIDER)
    assert debtor.end_date == D(2026, 1, 10) and debtor.target is None
    # Next month's file: the same decisions, the first now removed.
    rows[0][7:9] = ["2026-11-20", "已补报并公示"]
    path = write_csv(tmp_path / "名单2.csv", LIST_HEADER, rows)
    out = svc.list_entries_import(path=path, actor=lead)
    assert (out.added, out.removed, out.unchanged) == (0, 1, 1)
    assert CreditListEntry.objects.get(credit_code=codes[0]).end_date == D(2026, 11, 20)
    assert AuditEvent.objects.filter(action="credit.import.credit_list_entries").count() == 2


def test_list_entries_import_errors_and_permissions(register: Register, tmp_path: Path) -> None:
    codes = [t.credit_code for t in register.targets]
    rows = [
        [
            "经营异常名录",
            codes[0],
            "",
            "未公示年报",
            "新县市场监督管理局",
            "异1",
            "2026-07-01",
            "",
            "",
        ],
        ["黑名单", codes[1], "", "原因", "机关", "异2", "2026-07-01", "", ""],
        ["经营异常名录", codes[2], "", "原因", "机关", "异3", "2026-07-01", "2026-06-01", "改正"],
        ["经营异常名录", codes[3], "", "原因", "机关", "异4", "2026-07-01", "2026-08-01", ""],
        ["经营异常名录", OUTSIDER, "", "原因", "机关", "异5", "2026-07-01", "", ""],
        [
            "经营异常名录",
            codes[0],
            "",
            "未公示年报",
            "新县市场监督管理局",
            "异1",
            "2026-07-01",
            "",
            "",
        ],
    ]
    path = write_csv(tmp_path / "名单.csv", LIST_HEADER, rows)
    with pytest.raises(ImportRejected) as info:
        svc.list_entries_import(path=path, actor=register.county.users["lead_admin"])
    where = {(p.row, p.column_header) for p in info.value.problems if p.is_error}
    assert (3, "名单") in where and (4, "移出日期") in where and (5, "移出原因") in where
    assert (7, "决定书文号") in where  # the same decision twice
    assert not CreditListEntry.objects.exists()
    good = write_csv(tmp_path / "好.csv", LIST_HEADER, [rows[0]])
    with pytest.raises(ImportRejected) as info:
        svc.list_entries_import(path=good, actor=register.county.users["dept_admin"])
    assert info.value.problems[0].code == ProblemCode.OTHER_DEPARTMENT
    with pytest.raises(NotAllowed):
        svc.list_entries_import(path=good, actor=register.county.users["supervisor"])
    assert not CreditListEntry.objects.exists()
