"""A file with each kind of bad row: every problem is named by row and column in Chinese,
and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.directory.tabular import ImportRejected, import_file, preview_file
from shuangsuiji.directory.tabular.problems import ProblemCode, Severity
from shuangsuiji.directory.uscc import make_uscc
from shuangsuiji.errors import NotAllowed
from tests.conftest import County

from .conftest import TARGET_HEADERS, entity_rows

pytestmark = pytest.mark.django_db

INSPECTOR_HEADERS = [
    "姓名", "所属部门", "职务", "专业领域", "执法证号", "有效期起", "有效期至", "状态",
]  # fmt: skip
ITEM_HEADERS = [
    "事项编码", "事项名称", "检查依据", "检查主体", "检查内容", "检查方式", "检查对象类型",
    "重点/一般", "状态",
]  # fmt: skip


def _found(problems: list[Any]) -> set[tuple[int | None, str | None, ProblemCode]]:
    return {(p.row, p.column_header, p.code) for p in problems if p.is_error}


def _reject(**kwargs: Any) -> list[Any]:
    with pytest.raises(ImportRejected) as info:
        import_file(**kwargs)
    return info.value.problems


def test_each_kind_of_bad_target_row_is_named_and_nothing_is_written(
    county: County, townships: Any, write_xlsx: Any
) -> None:
    rows = entity_rows(12)
    bad_check = rows[0][0][:17] + ("0" if rows[0][0][17] != "0" else "1")
    rows[0][0] = bad_check  # row 2: wrong check character
    rows[2][0] = rows[1][0]  # row 4 duplicates row 3
    rows[3][2] = "外资企业"  # row 5: unknown kind
    rows[4][9] = "2019-02-30"  # row 6: bad date
    rows[5][6] = "光山县城关镇"  # row 7: township of another county
    rows[6][1] = "新县" + "很长的名字" * 50  # row 8: longer than 200 characters
    rows[7][1] = ""  # row 9: empty required cell
    rows[8][0] = 914115231234567890  # row 10: a code typed as a number
    rows[9][3] = "歇业中"  # row 11: unknown registration status
    rows[10][10] = "E"  # row 12: unknown risk class
    foreign = make_uscc("9", "1", "410102", "MA40K7PQ")
    rows[11][0] = foreign  # row 13: another region: a warning only
    before = (Target.objects.count(), AuditEvent.objects.count())
    problems = _reject(kind="targets", path=write_xlsx(rows), actor=county.users["sysadmin"])
    assert _found(problems) == {
        (2, "统一社会信用代码", ProblemCode.BAD_CODE),
        (4, "统一社会信用代码", ProblemCode.DUPLICATE_KEY),
        (5, "主体类型", ProblemCode.UNKNOWN_VALUE),
        (6, "成立日期", ProblemCode.BAD_DATE),
        (7, "所属乡镇（街道）", ProblemCode.UNKNOWN_TOWNSHIP),
        (8, "名称", ProblemCode.TOO_LONG),
        (9, "名称", ProblemCode.EMPTY),
        (10, "统一社会信用代码", ProblemCode.CODE_AS_NUMBER),
        (11, "登记状态", ProblemCode.UNKNOWN_VALUE),
        (12, "信用风险分类", ProblemCode.UNKNOWN_VALUE),
    }
    by_row = {p.row: p for p in problems if p.is_error}
    assert "校验码错误" in by_row[2].message_zh
    assert "与第3行重复" in by_row[4].message_zh
    assert "外资企业" in by_row[5].message_zh and "企业、个体工商户" in by_row[5].message_zh
    assert "2019-02-30" in by_row[6].message_zh
    assert "最多200个字符" in by_row[8].message_zh
    assert by_row[2].column_letter == "A" and by_row[6].column_letter == "J"
    warning = next(p for p in problems if p.row == 13)
    assert warning.severity is Severity.WARNING and warning.code is ProblemCode.FOREIGN_REGION
    assert (Target.objects.count(), AuditEvent.objects.count()) == before


def test_missing_required_column_is_reported_once_with_the_header_row(
    county: County, townships: Any, write_xlsx: Any
) -> None:
    headers = [h for h in TARGET_HEADERS if h != "主体类型"]
    rows = [[c for i, c in enumerate(r) if i != 2] for r in entity_rows(5)]
    path = write_xlsx(rows, headers=headers, title="新县市场主体名录")
    problems = _reject(kind="targets", path=path, actor=county.users["sysadmin"])
    assert [(p.row, p.column_header, p.code) for p in problems if p.is_error] == [
        (3, "主体类型", ProblemCode.MISSING_COLUMN)
    ]
    assert "缺少必填列“主体类型”" in problems[0].message_zh
    assert not Target.objects.exists()


def test_a_file_without_any_header_row_says_so(county: County, write_csv: Any) -> None:
    path = write_csv([["甲", "乙"]] * 3, headers=["随便", "什么"])
    problems = _reject(kind="targets", path=path, actor=county.users["sysadmin"])
    assert [p.code for p in problems] == [ProblemCode.NO_HEADER]


def _inspector(name: str, dept: str, cert: str, start: Any, end: Any, status: str = "在岗") -> list:
    return [name, dept, "科员", "公共卫生、食品安全", cert, start, end, status]


def test_bad_inspector_rows(county: County, write_xlsx: Any) -> None:
    health = county.health.name
    rows = [
        _inspector("王芳", health, "豫41152320200011", dt.date(2024, 1, 1), dt.date(2028, 1, 1)),
        _inspector("李强", health, "豫41152320200012", dt.date(2024, 5, 1), dt.date(2023, 5, 1)),
        _inspector("赵磊", health, "豫41152320200013", "2024年1月1日", "2029/1/1", "休假"),
        _inspector("钱勇", county.env.name, "豫41152320200014", "2024-01-01", "2029-01-01"),
        _inspector("孙丽", health, "豫41152320200011", "2024-01-01", "2029-01-01"),
        _inspector("周平", health, "豫41152320190003", "2024-01-01", "2029-01-01"),
        _inspector("吴刚", "县公安局", "豫41152320200015", "2024-01-01", "一九年"),
    ]
    before = Inspector.objects.count()
    problems = _reject(
        kind="inspectors",
        path=write_xlsx(rows, name="inspectors.xlsx", headers=INSPECTOR_HEADERS),
        actor=county.users["dept_admin"],
    )
    assert _found(problems) == {
        (3, "有效期至", ProblemCode.BAD_PERIOD),
        (4, "状态", ProblemCode.UNKNOWN_VALUE),
        (5, "所属部门", ProblemCode.OTHER_DEPARTMENT),
        (6, "执法证号", ProblemCode.DUPLICATE_KEY),
        # 豫41152320190003 is 孙强 of the environment bureau: not the health commission's.
        (7, "执法证号", ProblemCode.OTHER_DEPARTMENT),
        (8, "所属部门", ProblemCode.UNKNOWN_DEPARTMENT),
        (8, "有效期至", ProblemCode.BAD_DATE),
    }
    assert Inspector.objects.count() == before


def test_bad_item_rows(county: County, write_csv: Any) -> None:
    good = ["WJ-101", "医疗机构依法执业检查", "《医疗机构管理条例》", "新县卫生健康委员会",
            "执业许可、人员资质", "实地核查", "医疗机构", "重点", "有效"]  # fmt: skip
    rows = [good, [*good[:5], "电话抽查", *good[6:]], ["WJ-102", *good[1:8], "暂缓"]]
    rows.append(["WJ-103", "", *good[2:]])
    problems = _reject(
        kind="items",
        path=write_csv(rows, name="items.csv", headers=ITEM_HEADERS, encoding="gb18030"),
        actor=county.users["dept_admin"],
    )
    assert _found(problems) == {
        (3, "检查方式", ProblemCode.UNKNOWN_VALUE),
        (4, "状态", ProblemCode.UNKNOWN_VALUE),
        (5, "事项名称", ProblemCode.EMPTY),
    }
    assert not InspectionItem.objects.filter(code__startswith="WJ-1").exists()


def test_targets_are_county_reference_data(county: County, townships: Any, write_xlsx: Any) -> None:
    """The register is kept by the lead department (市场监管局) and system administrators."""
    path = write_xlsx(entity_rows(3))
    for role in ("dept_admin", "supervisor", "inspector"):
        with pytest.raises(NotAllowed):
            preview_file(kind="targets", path=path, actor=county.users[role])
    assert not Target.objects.exists()
    assert preview_file(kind="targets", path=path, actor=county.users["lead_admin"]) is not None


def test_english_messages_follow_the_active_language(
    county: County, townships: Any, write_xlsx: Any
) -> None:
    from django.utils import translation

    rows = entity_rows(2)
    rows[1][2] = "外资企业"
    problems = _reject(kind="targets", path=write_xlsx(rows), actor=county.users["sysadmin"])
    with translation.override("en"):
        assert "not a known value" in problems[0].message
    with translation.override("zh-hans"):
        assert "不是可识别的取值" in problems[0].message


def test_non_market_objects_import_with_their_object_code(
    county: County, townships: Any, write_xlsx: Any
) -> None:
    from shuangsuiji.directory.objcode import make_object_code

    rows = entity_rows(2)
    site = make_object_code("C", "411523", 7)
    rows[1][0], rows[1][1], rows[1][2] = site, "新县将军路农贸市场", "其他"
    import_file(kind="targets", path=write_xlsx(rows), actor=county.users["sysadmin"])
    assert Target.objects.get(credit_code=site).kind == "其他"
    broken = site[:-1] + ("0" if site[-1] != "0" else "1")
    rows = entity_rows(1, seed=99)
    rows[0][0], rows[0][2] = broken, "其他"
    with pytest.raises(ImportRejected):
        import_file(kind="targets", path=write_xlsx(rows), actor=county.users["sysadmin"])
