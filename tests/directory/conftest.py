"""Fixtures for import/export: the county of tests/conftest.py plus its townships, and
files written the way LibreOffice, WPS and Excel write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from shuangsuiji.demo import county as gen
from shuangsuiji.organizations.models import Region
from tests.conftest import County

TARGET_HEADERS = [
    "统一社会信用代码", "名称", "主体类型", "登记状态", "法定代表人", "住所",
    "所属乡镇（街道）", "行业代码", "经营范围", "成立日期", "信用风险分类",
]  # fmt: skip


@pytest.fixture
def townships(county: County) -> dict[str, Region]:
    """Three real townships of 新县 under the county region."""
    result = {}
    for t in gen.TOWNSHIPS[:4]:
        result[t.name] = Region.objects.create(
            code=t.code, name=t.name, full_name=f"河南省信阳市新县{t.name}", parent=county.region
        )
    return result


def entity_rows(n: int, seed: int = 7) -> list[list[Any]]:
    """Realistic market entities (valid credit codes of 新县) in the template layout,
    living in the first four townships."""
    names = [t.name for t in gen.TOWNSHIPS[:4]]
    rows = []
    for i, e in enumerate(gen.entities(n, seed)):
        rows.append([
            e.credit_code, e.name, e.kind, e.status, e.legal_rep, e.address,
            names[i % 4], e.industry_code, e.scope, e.founded_on, e.risk_class,
        ])  # fmt: skip
    return rows


WriteFile = Callable[..., Path]


@pytest.fixture
def write_xlsx(tmp_path: Path) -> WriteFile:
    def write(
        rows: Sequence[Sequence[Any]], name: str = "targets.xlsx", *, title: str | None = None,
        headers: Sequence[str] = TARGET_HEADERS, blank_rows: int = 0,
    ) -> Path:  # fmt: skip
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Sheet1"
        if title:
            ws.append([title])
            ws.append([])
        ws.append(list(headers))
        for row in rows:
            ws.append(list(row))
            for _ in range(blank_rows):
                ws.append([])
        path = tmp_path / name
        wb.save(path)
        return path

    return write


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteFile:
    def write(
        rows: Sequence[Sequence[Any]], name: str = "targets.csv", *,
        encoding: str = "utf-8-sig", headers: Sequence[str] = TARGET_HEADERS,
        title: str | None = None,
    ) -> Path:  # fmt: skip
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if title:
            w.writerow([title])
        w.writerow(headers)
        for row in rows:
            w.writerow([c.isoformat() if isinstance(c, dt.date) else c for c in row])
        path = tmp_path / name
        path.write_bytes(buf.getvalue().encode(encoding))
        return path

    return write
