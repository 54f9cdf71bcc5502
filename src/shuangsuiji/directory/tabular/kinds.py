"""The three kinds of directory file: columns (Chinese headers), how each cell is read and
written, natural keys and who may import what.

A column's ``field`` is the model attribute it fills (``township_id``, not ``township``), so
a row becomes a tuple of column values that can be compared with ``values_list`` output
and written without building model instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from shuangsuiji.directory.models import (
    EntityKind,
    InspectionItem,
    InspectionMethod,
    Inspector,
    InspectorStatus,
    RegistrationStatus,
    RiskClass,
    Target,
)
from shuangsuiji.directory.objcode import is_object_code
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, Region
from shuangsuiji.organizations.policy import Action, AnyUser

from . import cells
from .fastuscc import uscc_is_valid
from .problems import CellError, ProblemCode

Parse = Callable[[Any, "ImportContext"], Any]
Render = Callable[[Any, "ImportContext"], Any]


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # model attname
    en: str
    parse: Parse
    render: Render | None = None
    required_column: bool = False
    required_cell: bool = False
    blank: Any = ""
    aliases: tuple[str, ...] = ()
    hint: str = ""
    example: Any = ""

    def header_keys(self) -> list[str]:
        return [cells.normalize_header(h) for h in (self.header, *self.aliases)]


@dataclass
class ImportContext:
    """Everything the cell parsers look up, loaded once per file."""

    actor: AnyUser
    county: Region | None
    region_code: str
    townships: dict[str, int] = field(default_factory=dict)
    township_names: dict[int, str] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    department_names: dict[int, str] = field(default_factory=dict)
    allowed_departments: set[int] = field(default_factory=set)
    default_department: Department | None = None
    warnings: list[tuple[str, str, ProblemCode]] = field(default_factory=list)

    def warn(self, zh: str, en: str, code: ProblemCode) -> None:
        self.warnings.append((zh, en, code))


def load_context(actor: AnyUser) -> ImportContext:
    code = settings.SHUANGSUIJI_REGION_CODE
    county = Region.objects.filter(code=code).first()
    ctx = ImportContext(actor=actor, county=county, region_code=code)
    if county is not None:
        for pk, rcode, name, full in Region.objects.filter(parent=county).values_list(
            "pk", "code", "name", "full_name"
        ):
            ctx.township_names[pk] = name
            for key in (rcode, name, full, f"{county.name}{name}"):
                if key:
                    ctx.townships[cells.normalize_choice(key)] = pk
    for dept in Department.objects.all():
        ctx.department_names[dept.pk] = dept.name
        for key in (dept.name, dept.short_name, dept.code):
            ctx.departments.setdefault(cells.normalize_choice(key), dept)
    acts_for = policy.departments_user_acts_for(actor, Action.ADD)
    ctx.allowed_departments = {d.pk for d in acts_for}
    home = getattr(actor, "department", None)
    if home is not None and home.pk in ctx.allowed_departments:
        ctx.default_department = home
    elif len(acts_for) == 1:
        ctx.default_department = acts_for[0]
    return ctx


# --- parsers --------------------------------------------------------------------------------


def text(max_length: int) -> Parse:
    def parse(value: Any, ctx: ImportContext) -> str:
        result = cells.to_text(value)
        if len(result) > max_length:
            raise CellError(
                f"内容过长：最多{max_length}个字符，实际{len(result)}个",
                f"too long: at most {max_length} characters, got {len(result)}",
                ProblemCode.TOO_LONG,
            )
        return result

    return parse


def model_text(model: type[models.Model], name: str) -> Parse:
    max_length = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    return text(max_length or 1_000_000)


def choice(options: Iterable[str], *, aliases: Mapping[str, str] | None = None) -> Parse:
    options = list(options)
    table = {cells.normalize_choice(k): k for k in options}
    table.update({cells.normalize_choice(k): v for k, v in (aliases or {}).items()})
    allowed = "、".join(options)

    def parse(value: Any, ctx: ImportContext) -> str:
        result = table.get(cells.normalize_choice(cells.to_text(value)))
        if result is None:
            shown = cells.to_text(value)
            raise CellError(
                f"“{shown}”不是可识别的取值，应为：{allowed}",
                f"{shown!r} is not a known value; expected one of {allowed}",
            )
        return result

    return parse


def date_value(value: Any, ctx: ImportContext) -> dt.date:
    return cells.to_date(value)


def render_date(value: Any, ctx: ImportContext) -> Any:
    return value


def bool_value(true: str, false: str, *more: tuple[str, bool]) -> tuple[Parse, Render]:
    table = {true: True, false: False, **dict(more)}

    def parse(value: Any, ctx: ImportContext) -> bool:
        return cells.to_bool(value, true=table)

    def render(value: Any, ctx: ImportContext) -> str:
        return true if value else false

    return parse, render


def list_value(value: Any, ctx: ImportContext) -> tuple[str, ...]:
    return cells.to_list(value)


def render_list(value: Any, ctx: ImportContext) -> str:
    return "、".join(value or ())


_INDUSTRY_MAX = Target._meta.get_field("industry_code").max_length or 8


def industry_code(value: Any, ctx: ImportContext) -> str:
    result = cells.unwrap_code(cells.to_text(value)).upper()
    if isinstance(value, int | float) and len(result) in (1, 3):
        # A numeric cell drops the leading zero of 01xx (agriculture) codes.
        padded = result.zfill(len(result) + 1)
        ctx.warn(
            f"行业代码为数字格式，已补足前导零：“{result}”→“{padded}”",
            f"industry code was stored as a number; restored the leading zero: "
            f"{result!r} → {padded!r}",
            ProblemCode.PADDED_CODE,
        )
        result = padded
    if len(result) > _INDUSTRY_MAX:
        raise CellError(
            f"行业代码过长：最多{_INDUSTRY_MAX}位",
            f"industry code longer than {_INDUSTRY_MAX}",
            ProblemCode.TOO_LONG,
        )
    return result


def credit_code(value: Any, ctx: ImportContext) -> str:
    from shuangsuiji.directory.uscc import normalize_uscc, validate_uscc

    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            "统一社会信用代码被存为数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            "the credit code was stored as a number and lost its last digits; "
            "format the column as text and enter the codes again",
            ProblemCode.CODE_AS_NUMBER,
        )
    code = normalize_uscc(cells.unwrap_code(cells.to_text(value)))
    # Sites, products and projects have no credit code; they carry our object code
    # (directory/objcode.py), which has the same shape, region digits and check character.
    if not uscc_is_valid(code) and not is_object_code(code):
        issues = validate_uscc(code)
        raise CellError(
            "；".join(i.message_zh for i in issues) or "统一社会信用代码无效",
            "; ".join(i.message_en for i in issues) or "invalid credit code",
            ProblemCode.BAD_CODE,
        )
    if code[2:8] != ctx.region_code:
        ctx.warn(
            f"登记机关行政区划码为{code[2:8]}，不是本县（{ctx.region_code}）",
            f"registered in region {code[2:8]}, not this county ({ctx.region_code})",
            ProblemCode.FOREIGN_REGION,
        )
    return code


def township(value: Any, ctx: ImportContext) -> int:
    shown = cells.to_text(value)
    pk = ctx.townships.get(cells.normalize_choice(shown))
    if pk is None:
        names = "、".join(sorted(set(ctx.township_names.values()))) or "（未配置乡镇）"
        raise CellError(
            f"本县没有乡镇（街道）“{shown}”；可填：{names}",
            f"no township or street called {shown!r} in this county",
            ProblemCode.UNKNOWN_TOWNSHIP,
        )
    return pk


def render_township(value: Any, ctx: ImportContext) -> str:
    return ctx.township_names.get(value, "") if value else ""


def department(value: Any, ctx: ImportContext) -> int:
    shown = cells.to_text(value)
    dept = ctx.departments.get(cells.normalize_choice(shown))
    if dept is None:
        raise CellError(
            f"没有名为“{shown}”的部门",
            f"no department called {shown!r}",
            ProblemCode.UNKNOWN_DEPARTMENT,
        )
    if dept.pk not in ctx.allowed_departments:
        raise CellError(
            f"您无权向“{dept.name}”导入数据，只能导入到本部门",
            f"you may not import into {dept.name}; only into your own department",
            ProblemCode.OTHER_DEPARTMENT,
        )
    return dept.pk


def render_department(value: Any, ctx: ImportContext) -> str:
    return ctx.department_names.get(value, "")


def flags_value(value: Any, ctx: ImportContext) -> tuple[str, ...]:
    return cells.to_list(value)


# --- kinds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    name: str  # targets / inspectors / items
    label_zh: str
    label_en: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key_fields: tuple[str, ...]
    #: Created rows get a simple_history "+" record each (small, department-owned lists);
    #: the county register's creations are recorded by the import batch instead.
    history_on_create: bool
    sheet_title: str

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required_column]

    def may_import(self, actor: AnyUser) -> bool:
        return policy.user_has_permission(
            actor, Action.ADD, self.model
        ) and policy.user_has_permission(actor, Action.CHANGE, self.model)


_abnormal = bool_value("是", "否")
TARGETS = KindSpec(
    name="targets",
    label_zh="检查对象（市场主体）",
    label_en="inspection targets (market entities)",
    model=Target,
    key_fields=("credit_code",),
    history_on_create=False,
    sheet_title="检查对象名录",
    columns=(
        Column(
            "统一社会信用代码",
            "credit_code",
            "credit code",
            credit_code,
            required_column=True,
            required_cell=True,
            aliases=("社会信用代码", "信用代码", "统一代码", "注册号/统一社会信用代码"),
            hint="18位，必填；请将该列设为文本格式",
            example="91411523MA40K7PQ3X",
        ),
        Column(
            "名称",
            "name",
            "name",
            model_text(Target, "name"),
            required_column=True,
            required_cell=True,
            aliases=("企业名称", "主体名称", "市场主体名称", "单位名称"),
            example="新县红源茶业有限公司",
        ),
        Column(
            "主体类型",
            "kind",
            "entity kind",
            choice(
                EntityKind.values,
                aliases={
                    "个体": "个体工商户",
                    "个体户": "个体工商户",
                    "合作社": "农民专业合作社",
                    "农民合作社": "农民专业合作社",
                    "专业合作社": "农民专业合作社",
                    "公司": "企业",
                },
            ),
            required_column=True,
            required_cell=True,
            aliases=("市场主体类型", "主体类别"),
            hint="企业、个体工商户、农民专业合作社、其他",
            example="企业",
        ),
        Column(
            "登记状态",
            "status",
            "registration status",
            choice(
                RegistrationStatus.values,
                aliases={
                    "在业": "存续",
                    "在营": "存续",
                    "开业": "存续",
                    "在册": "存续",
                    "存续（在营、开业、在册）": "存续",
                    "已注销": "注销",
                    "已吊销": "吊销",
                    "吊销，未注销": "吊销",
                    "吊销未注销": "吊销",
                },
            ),
            required_cell=True,
            aliases=("经营状态", "企业状态"),
            hint="存续、注销、吊销、撤销、迁出",
            example="存续",
        ),
        Column(
            "法定代表人",
            "legal_rep",
            "legal representative",
            model_text(Target, "legal_rep"),
            aliases=("法定代表人（负责人）", "法定代表人/负责人", "负责人", "经营者", "法人"),
            example="王建国",
        ),
        Column(
            "住所",
            "address",
            "address",
            model_text(Target, "address"),
            aliases=("住所（经营场所）", "经营场所", "地址", "注册地址", "住所/经营场所"),
            example="河南省信阳市新县新集镇将军路88号",
        ),
        Column(
            "所属乡镇（街道）",
            "township_id",
            "township / street",
            township,
            render_township,
            blank=None,
            aliases=("所属乡镇", "乡镇（街道）", "乡镇街道", "乡镇", "所属街道乡镇"),
            example="新集镇",
        ),
        Column(
            "行业代码",
            "industry_code",
            "industry code",
            industry_code,
            aliases=("国民经济行业代码", "行业分类代码"),
            hint="GB/T 4754-2017",
            example="F5219",
        ),
        Column(
            "经营范围",
            "scope",
            "business scope",
            model_text(Target, "scope"),
            example="一般项目：日用百货销售",
        ),
        Column(
            "成立日期",
            "founded_on",
            "founding date",
            date_value,
            render_date,
            blank=None,
            aliases=("成立时间", "开业日期"),
            example=dt.date(2019, 3, 5),
        ),
        Column(
            "信用风险分类",
            "risk_class",
            "credit risk class",
            choice(RiskClass.values, aliases={"A类": "A", "B类": "B", "C类": "C", "D类": "D"}),
            required_cell=True,
            aliases=("风险分类", "信用风险等级", "风险等级"),
            hint="A（低风险）、B、C、D（高风险）",
            example="B",
        ),
        Column(
            "列入经营异常名录",
            "abnormal_operation",
            "abnormal-operation list",
            _abnormal[0],
            _abnormal[1],
            blank=False,
            aliases=("经营异常名录", "经营异常", "是否列入经营异常名录"),
            hint="是、否",
            example="否",
        ),
        Column(
            "联系电话",
            "phone",
            "phone",
            model_text(Target, "phone"),
            aliases=("电话", "联系方式"),
            example="13937612345",
        ),
        Column("标记", "flags", "flags", flags_value, render_list, blank=(), hint="多个用“、”分隔"),
    ),
)

INSPECTORS = KindSpec(
    name="inspectors",
    label_zh="执法检查人员",
    label_en="inspectors",
    model=Inspector,
    key_fields=("certificate_no",),
    history_on_create=True,
    sheet_title="执法检查人员名录",
    columns=(
        Column(
            "姓名",
            "name",
            "name",
            model_text(Inspector, "name"),
            required_column=True,
            required_cell=True,
            example="张伟",
        ),
        Column("性别", "gender", "gender", choice({"男": "男", "女": "女"}), example="男"),
        Column(
            "所属部门",
            "department_id",
            "department",
            department,
            render_department,
            required_column=True,
            required_cell=True,
            aliases=("部门", "单位", "所在部门"),
            example="新县市场监督管理局",
        ),
        Column(
            "职务",
            "position",
            "position",
            model_text(Inspector, "position"),
            required_column=True,
            aliases=("职务职级",),
            example="科员",
        ),
        Column(
            "专业领域",
            "expertise",
            "expertise",
            list_value,
            render_list,
            blank=(),
            required_column=True,
            aliases=("专业", "擅长领域"),
            hint="多个用“、”或逗号分隔",
            example="食品安全、特种设备",
        ),
        Column(
            "执法证号",
            "certificate_no",
            "certificate number",
            lambda v, c: model_text(Inspector, "certificate_no")(
                cells.unwrap_code(cells.to_text(v)), c
            ),
            required_column=True,
            required_cell=True,
            aliases=("执法证件号", "执法证编号", "证件号码", "执法证件号码"),
            example="豫41152320190001",
        ),
        Column(
            "有效期起",
            "certificate_valid_from",
            "certificate valid from",
            date_value,
            render_date,
            blank=None,
            required_column=True,
            required_cell=True,
            aliases=("发证日期", "发证日期/有效期起", "有效期开始", "有效期自"),
            example=dt.date(2024, 1, 1),
        ),
        Column(
            "有效期至",
            "certificate_valid_to",
            "certificate valid to",
            date_value,
            render_date,
            blank=None,
            required_column=True,
            required_cell=True,
            aliases=("有效期止", "有效期截止", "有效期结束", "有效期限"),
            example=dt.date(2029, 12, 31),
        ),
        Column(
            "状态",
            "status",
            "status",
            choice(InspectorStatus.values, aliases={"在职": "在岗", "暂停": "停用"}),
            required_column=True,
            required_cell=True,
            aliases=("人员状态",),
            hint="在岗、停用、调离",
            example="在岗",
        ),
        Column(
            "联系电话",
            "phone",
            "phone",
            model_text(Inspector, "phone"),
            aliases=("电话", "手机", "手机号码"),
            example="13937612345",
        ),
    ),
)

_key = bool_value("重点", "一般", ("是", True), ("否", False), ("重点检查", True))
_active = bool_value(
    "有效",
    "停用",
    ("在用", True),
    ("启用", True),
    ("正常", True),
    ("废止", False),
    ("失效", False),
    ("作废", False),
    ("无效", False),
)
ITEMS = KindSpec(
    name="items",
    label_zh="随机抽查事项",
    label_en="inspection items",
    model=InspectionItem,
    key_fields=("department_id", "code"),
    history_on_create=True,
    sheet_title="随机抽查事项清单",
    columns=(
        Column(
            "所属部门",
            "department_id",
            "department",
            department,
            render_department,
            required_cell=True,
            aliases=("部门", "实施部门"),
            hint="可省略：省略时导入到您所在部门",
            example="新县市场监督管理局",
        ),
        Column(
            "事项编码",
            "code",
            "item code",
            lambda v, c: model_text(InspectionItem, "code")(cells.unwrap_code(cells.to_text(v)), c),
            required_column=True,
            required_cell=True,
            aliases=("编码", "事项代码"),
            example="SJ-001",
        ),
        Column(
            "事项名称",
            "name",
            "item name",
            model_text(InspectionItem, "name"),
            required_column=True,
            required_cell=True,
            aliases=("抽查事项", "检查事项"),
            example="企业公示信息抽查",
        ),
        Column(
            "检查依据",
            "legal_basis",
            "legal basis",
            model_text(InspectionItem, "legal_basis"),
            required_column=True,
            required_cell=True,
            aliases=("抽查依据", "法律依据"),
            example="《企业信息公示暂行条例》第十四条",
        ),
        Column(
            "检查主体",
            "inspecting_body",
            "inspecting body",
            model_text(InspectionItem, "inspecting_body"),
            required_column=True,
            required_cell=True,
            aliases=("抽查主体", "实施主体"),
            example="新县市场监督管理局",
        ),
        Column(
            "检查内容",
            "content",
            "inspection content",
            model_text(InspectionItem, "content"),
            required_column=True,
            aliases=("抽查内容",),
            example="年度报告公示信息的真实性",
        ),
        Column(
            "检查方式",
            "method",
            "inspection method",
            choice(
                InspectionMethod.values,
                aliases={
                    "书面审查": "书面检查",
                    "实地检查": "实地核查",
                    "网络检查": "网络监测",
                    "网络核查": "网络监测",
                    "委托专业机构": "专业机构核查",
                },
            ),
            required_column=True,
            required_cell=True,
            aliases=("抽查方式",),
            hint="书面检查、实地核查、网络监测、专业机构核查",
            example="书面检查",
        ),
        Column(
            "检查对象类型",
            "target_kind",
            "target kind",
            model_text(InspectionItem, "target_kind"),
            required_column=True,
            aliases=("抽查对象", "检查对象"),
            example="企业",
        ),
        Column(
            "重点/一般",
            "is_key",
            "key item",
            _key[0],
            _key[1],
            blank=False,
            required_column=True,
            required_cell=True,
            aliases=("事项类别", "是否重点"),
            hint="重点、一般",
            example="一般",
        ),
        Column(
            "状态",
            "active",
            "in force",
            _active[0],
            _active[1],
            blank=True,
            required_column=True,
            required_cell=True,
            aliases=("事项状态",),
            hint="有效、停用",
            example="有效",
        ),
    ),
)

KINDS: dict[str, KindSpec] = {k.name: k for k in (TARGETS, INSPECTORS, ITEMS)}
