"""The two credit files: the monthly risk classification (信用风险分类结果) and list entries
(名单信息), read with the directory's reader (.xlsx and .csv as Excel, WPS and LibreOffice
write them, header found below title rows, Chinese column names with aliases) and checked
cell by cell, every problem named by row and column in Chinese and English.

They are not kinds of the directory's import engine: that engine upserts model rows by a
natural key, while a classification file appends history (and brings the current classes
up to date) and a list file places and removes entities through the list services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from shuangsuiji.directory.models import RiskClass
from shuangsuiji.directory.tabular import cells
from shuangsuiji.directory.tabular.fastuscc import uscc_is_valid
from shuangsuiji.directory.tabular.kinds import Column, KindSpec
from shuangsuiji.directory.tabular.problems import (
    CellError,
    ImportProblem,
    ProblemCode,
    Severity,
)
from shuangsuiji.directory.tabular.reader import Table
from shuangsuiji.directory.uscc import normalize_uscc, validate_uscc

from .models_lists import CreditListEntry
from .models_risk import RiskClassification

#: Problems kept in full; beyond this only counted.
MAX_PROBLEMS = 10_000
PROGRESS_EVERY = 5_000

Progress = Callable[[int, int | None], None]


def _unused(value: Any, ctx: Any) -> Any:  # the parsers below are called directly
    return value


RISK_CLASSES = KindSpec(
    name="risk_classes",
    label_zh="信用风险分类结果",
    label_en="credit risk classes",
    model=RiskClassification,
    key_fields=("credit_code", "effective_date"),
    history_on_create=False,
    sheet_title="信用风险分类结果",
    columns=(
        Column(
            "统一社会信用代码",
            "credit_code",
            "credit code",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("社会信用代码", "信用代码", "统一代码"),
            example="91411523MA40K7PQ3X",
        ),
        Column(
            "信用风险分类",
            "risk_class",
            "credit risk class",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("风险分类", "分类结果", "信用风险等级", "风险等级", "信用风险类别"),
            hint="A、B、C、D",
            example="B",
        ),
        Column(
            "分类日期",
            "effective_date",
            "effective date",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("生效日期", "分类时间", "评定日期", "日期"),
            example="2026-12-01",
        ),
    ),
)

LIST_ENTRIES = KindSpec(
    name="credit_list_entries",
    label_zh="名单信息",
    label_en="credit list entries",
    model=CreditListEntry,
    key_fields=("credit_list_id", "credit_code", "document_no"),
    history_on_create=False,
    sheet_title="名单信息",
    columns=(
        Column(
            "名单",
            "credit_list_id",
            "list",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("名单类别", "名单类型", "名单名称"),
            hint="经营异常名录、严重违法失信名单、重大税收违法失信主体名单、失信被执行人名单",
            example="经营异常名录",
        ),
        Column(
            "统一社会信用代码",
            "credit_code",
            "credit code",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("社会信用代码", "信用代码", "统一代码"),
            example="91411523MA40K7PQ3X",
        ),
        Column(
            "名称",
            "entity_name",
            "name",
            _unused,
            aliases=("企业名称", "主体名称", "当事人名称", "被执行人名称"),
            example="新县红源茶业有限公司",
        ),
        Column(
            "列入原因",
            "reason",
            "reason",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("列入事由", "事由", "列入经营异常名录原因", "失信情形"),
            example="通过登记的住所或者经营场所无法联系",
        ),
        Column(
            "作出决定机关",
            "authority",
            "deciding authority",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("决定机关", "列入决定机关", "作出决定机关（列入）", "执行法院"),
            example="新县市场监督管理局",
        ),
        Column(
            "决定书文号",
            "document_no",
            "document number",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("列入决定书文号", "文号", "案号", "决定文号"),
            example="新市监异列〔2026〕12号",
        ),
        Column(
            "列入日期",
            "start_date",
            "listed from",
            _unused,
            required_column=True,
            required_cell=True,
            aliases=("列入时间", "决定日期", "发布日期"),
            example="2026-03-05",
        ),
        Column(
            "移出日期",
            "end_date",
            "removed on",
            _unused,
            aliases=("移出时间",),
            example="",
        ),
        Column("移出原因", "removal_reason", "reason for removal", _unused, aliases=("移出事由",)),
        Column(
            "移出决定书文号",
            "removal_document_no",
            "removal document number",
            _unused,
            aliases=("移出文号",),
        ),
    ),
)


@dataclass
class Layout:
    """Which file column (0-based index and letter) holds which field."""

    index: dict[str, int] = field(default_factory=dict)
    letter: dict[str, str] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)

    def get(self, cells_: Sequence[Any], name: str) -> Any:
        i = self.index.get(name)
        return cells_[i] if i is not None and i < len(cells_) else None


@dataclass
class Problems:
    items: list[ImportProblem] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    def add(self, problem: ImportProblem) -> None:
        if problem.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def cell(
        self, row: int, layout: Layout, name: str, zh: str, en: str, code: ProblemCode
    ) -> None:
        self.add(
            ImportProblem(
                row,
                layout.header.get(name),
                zh,
                en,
                Severity.ERROR,
                code,
                layout.letter.get(name),
            )
        )


def read_layout(table: Table, spec: KindSpec, problems: Problems) -> Layout:
    """Map the header row onto the spec's columns; missing, repeated and unknown columns
    are problems of the whole file."""
    layout = Layout()
    if table.header_row is None:
        names = "”“".join(c.header for c in spec.required_columns[:3])
        problems.add(
            ImportProblem(
                None,
                None,
                f"前30行中找不到表头（应包含“{names}”等列名）",
                f"no header row found in the first 30 rows (expected columns such as {names})",
                code=ProblemCode.NO_HEADER,
            )
        )
        return layout
    by_key = {key: col for col in spec.columns for key in col.header_keys()}
    ignored: list[str] = []
    for idx, header in enumerate(table.headers):
        col = by_key.get(cells.normalize_header(header))
        if col is None:
            if header:
                ignored.append(header)
            continue
        letter = get_column_letter(idx + 1)
        if col.field in layout.index:
            first = layout.letter[col.field]
            problems.add(
                ImportProblem(
                    table.header_row,
                    header,
                    f"与第{first}列重复，都对应“{col.header}”",
                    f"duplicates column {first} (both are {col.en})",
                    code=ProblemCode.DUPLICATE_COLUMN,
                    column_letter=letter,
                )
            )
            continue
        layout.index[col.field] = idx
        layout.letter[col.field] = letter
        layout.header[col.field] = header
    if ignored:
        problems.add(
            ImportProblem(
                table.header_row,
                None,
                f"以下列不属于{spec.label_zh}，已忽略：{'、'.join(ignored)}",
                f"columns ignored (not part of {spec.label_en}): {', '.join(ignored)}",
                Severity.WARNING,
                ProblemCode.IGNORED_COLUMNS,
            )
        )
    for col in spec.required_columns:
        if col.field not in layout.index:
            problems.add(
                ImportProblem(
                    table.header_row,
                    col.header,
                    f"缺少必填列“{col.header}”（表头在第{table.header_row}行）",
                    f"required column {col.header!r} ({col.en}) is missing "
                    f"(header in row {table.header_row})",
                    code=ProblemCode.MISSING_COLUMN,
                )
            )
    return layout


# --- cell parsers shared by both files --------------------------------------------------------


def credit_code(value: Any) -> str:
    """A unified social credit code, or :class:`CellError` with every problem."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            "统一社会信用代码被存为数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            "the credit code was stored as a number and lost its last digits; "
            "format the column as text and enter the codes again",
            ProblemCode.CODE_AS_NUMBER,
        )
    code = normalize_uscc(cells.unwrap_code(cells.to_text(value)))
    if not uscc_is_valid(code):
        issues = validate_uscc(code)
        raise CellError(
            "；".join(i.message_zh for i in issues) or "统一社会信用代码无效",
            "; ".join(i.message_en for i in issues) or "invalid credit code",
            ProblemCode.BAD_CODE,
        )
    return code


_CLASSES = {cells.normalize_choice(k): k for k in RiskClass.values}
_CLASSES.update(
    {cells.normalize_choice(f"{k}{suffix}"): k for k in RiskClass.values for suffix in ("类", "级")}
)


def risk_class(value: Any) -> str:
    text = cells.to_text(value)
    result = _CLASSES.get(cells.normalize_choice(text))
    if result is None:
        raise CellError(
            f"“{text}”不是信用风险分类，应为 A、B、C、D 之一",
            f"{text!r} is not a risk class; expected A, B, C or D",
            ProblemCode.UNKNOWN_VALUE,
        )
    return result


def is_blank(value: Any) -> bool:
    return cells.is_blank(value)


def rows_with_progress(
    table: Table, progress: Progress | None
) -> Iterator[tuple[int, Sequence[Any]]]:
    total = table.total_rows
    count = 0
    for number, values in table.rows:
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
        yield number, values
    if progress is not None:
        progress(count, count)
