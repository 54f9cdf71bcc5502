"""The national platform's market-entity export (国家企业信用信息公示系统 / 部门协同监管平台)
as a source format of the target import: its headers and its labels, mapped to ours.

Its columns: 统一社会信用代码, 企业名称, 类型, 住所, 经营范围, 登记状态, 成立日期, 登记机关,
and more as the platform adds them; the ones the register does not keep (登记机关, 注册资本,
核准日期 …) are ignored and listed in the report.  Its 类型 is the registration's legal
form (有限责任公司（自然人投资或控股）, 个人独资企业, 个体工商户 …); the register keeps the
entity kind, so the form is reduced to 企业 / 个体工商户 / 农民专业合作社.  Its 登记状态 has
the platform's wording (存续（在营、开业、在册）, 吊销，未注销 …).  An unknown label is an
error on its row and column, and, as for every import, nothing is written then.

The variant keeps the kind's name ``targets``: to the engine it is the register's import,
with the same permission, the same county and the same audit row.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from shuangsuiji.directory.models import EntityKind, RegistrationStatus

from . import cells
from .kinds import TARGETS, Column, ImportContext, KindSpec, choice
from .problems import CellError, ProblemCode

#: Registration status as the platform words it → ours.  Keys are compared after NFKC
#: (full-width brackets and commas are the same as half-width ones) without white space.
STATUS_LABELS: dict[str, str] = {
    "存续（在营、开业、在册）": "存续",
    "存续(在营、开业、在册)": "存续",
    "在营（开业）企业": "存续",
    "在营（开业）": "存续",
    "在营": "存续",
    "在业": "存续",
    "开业": "存续",
    "在册": "存续",
    "正常": "存续",
    "注销": "注销",
    "已注销": "注销",
    "注销企业": "注销",
    "吊销，已注销": "注销",
    "吊销，未注销": "吊销",
    "吊销未注销": "吊销",
    "吊销": "吊销",
    "已吊销": "吊销",
    "吊销企业": "吊销",
    "撤销": "撤销",
    "已撤销": "撤销",
    "撤销登记": "撤销",
    "迁出": "迁出",
    "已迁出": "迁出",
    "迁出企业": "迁出",
}

#: The legal forms' words that make an entity an enterprise (企业): companies and their
#: branches, sole proprietorships, partnerships, ownership-system enterprises.
ENTERPRISE_WORDS = (
    "公司",
    "企业",
    "合伙",
    "独资",
    "全民所有制",
    "集体所有制",
    "股份合作",
    "联营",
    "分支机构",
    "营业单位",
)

KIND_EXAMPLES = "有限责任公司（自然人投资或控股）、个人独资企业、个体工商户、农民专业合作社"


def entity_kind_of(label: str) -> str | None:
    """The register's entity kind for the platform's 类型 label, or None if unknown."""
    text = cells.normalize_choice(label)
    if not text:
        return None
    if text in {cells.normalize_choice(k) for k in EntityKind.values}:
        return next(k for k in EntityKind.values if cells.normalize_choice(k) == text)
    if "个体" in text:
        return EntityKind.INDIVIDUAL.value
    # 农民专业合作社(联合社); 股份合作制 is an enterprise and has no 合作社 in it.
    if "合作社" in text:
        return EntityKind.COOPERATIVE.value
    if any(word in text for word in ENTERPRISE_WORDS):
        return EntityKind.ENTERPRISE.value
    return None


def national_kind(value: Any, ctx: ImportContext) -> str:
    shown = cells.to_text(value)
    kind = entity_kind_of(shown)
    if kind is None:
        raise CellError(
            f"类型“{shown}”无法对应到主体类型（企业、个体工商户、农民专业合作社），"
            f"可识别的如：{KIND_EXAMPLES}",
            f"type {shown!r} maps to no entity kind (enterprise, individual business, "
            "farmer cooperative)",
            ProblemCode.UNKNOWN_VALUE,
        )
    return kind


def _column(field: str, header: str, *, aliases: tuple[str, ...] = (), **changes: Any) -> Column:
    """The register's column for ``field`` under the platform's header."""
    base = TARGETS.column(field)
    return dataclasses.replace(base, header=header, aliases=aliases, **changes)


NATIONAL_ENTITIES = dataclasses.replace(
    TARGETS,
    label_zh="市场主体（国家平台导出）",
    label_en="market entities (national platform export)",
    columns=(
        _column(
            "credit_code",
            "统一社会信用代码",
            aliases=(
                "社会信用代码",
                "信用代码",
                "统一社会信用代码/注册号",
                "注册号/统一社会信用代码",
            ),
        ),
        _column(
            "name",
            "企业名称",
            aliases=("名称", "主体名称", "市场主体名称", "企业（机构）名称"),
        ),
        _column(
            "kind",
            "类型",
            aliases=("企业类型", "主体类型", "市场主体类型", "企业（机构）类型"),
            parse=national_kind,
            hint="国家平台的企业类型，如：" + KIND_EXAMPLES,
            example="有限责任公司（自然人投资或控股）",
        ),
        _column(
            "status",
            "登记状态",
            aliases=("经营状态", "企业状态"),
            parse=choice(RegistrationStatus.values, aliases=STATUS_LABELS),
            required_column=True,
            example="存续（在营、开业、在册）",
        ),
        _column(
            "legal_rep",
            "法定代表人",
            aliases=("法定代表人（负责人）", "负责人", "经营者", "投资人", "执行事务合伙人"),
        ),
        _column("address", "住所", aliases=("住所（经营场所）", "经营场所", "地址")),
        _column("scope", "经营范围"),
        _column("founded_on", "成立日期", aliases=("成立时间", "注册日期")),
        _column("industry_code", "行业代码", aliases=("国民经济行业代码",)),
        _column("phone", "联系电话", aliases=("电话",)),
    ),
)

#: Source-format variants of the kinds, by import name.
VARIANTS: dict[str, KindSpec] = {"national_entities": NATIONAL_ENTITIES}
