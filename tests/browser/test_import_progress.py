"""A 100,000-row .xlsx of targets imports through the page, with a progress bar that moves
while the file is checked (real Chromium against the live server)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from shuangsuiji.demo import county as gen
from shuangsuiji.directory.models import ImportJob, Target

from .conftest import DEMO_SEED, DEMO_SIZE, LogIn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = 100_000
HEADERS = [
    "统一社会信用代码", "名称", "主体类型", "登记状态", "法定代表人", "住所",
    "所属乡镇（街道）", "行业代码", "经营范围", "成立日期", "信用风险分类",
]  # fmt: skip


def _col(i: int) -> str:
    return chr(ord("A") + i)


def write_xlsx(path: Path, rows: Iterable[Sequence[Any]]) -> None:
    """A minimal .xlsx with inline strings, written directly: openpyxl takes most of a
    minute to write 100,000 rows and this test is about reading them."""

    def sheet() -> Iterable[str]:
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               "<sheetData>")  # fmt: skip
        for r, row in enumerate(rows, start=1):
            cells = "".join(
                f'<c r="{_col(i)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                for i, v in enumerate(row)
            )
            yield f'<row r="{r}">{cells}</row>'
        yield "</sheetData></worksheet>"

    ns = "http://schemas.openxmlformats.org"
    rel = f"{ns}/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    rels = f'{head}<Relationships xmlns="{ns}/package/2006/relationships">'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            f'{head}<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{ct}.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'{rels}<Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'{head}<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets>'
            '<sheet name="检查对象名录" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{rels}<Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            buf: list[str] = []
            for part in sheet():
                buf.append(part)
                if len(buf) >= 2000:
                    f.write("".join(buf).encode())
                    buf = []
            f.write("".join(buf).encode())


def _rows() -> Iterable[Sequence[Any]]:
    yield ["新县市场主体名录（导入测试）"]
    yield HEADERS
    towns = {t.code: t.name for t in gen.TOWNSHIPS}
    # The demo already holds the first DEMO_SIZE entities of the same stream.
    for i, e in enumerate(gen.entities(DEMO_SIZE + ROWS, DEMO_SEED)):
        if i < DEMO_SIZE:
            continue
        yield [e.credit_code, e.name, e.kind, e.status, e.legal_rep, e.address,
               towns[e.township_code], e.industry_code, e.scope, e.founded_on.isoformat(),
               e.risk_class]  # fmt: skip


def _watch_progress(page: Page, status: str, timeout_s: float) -> list[float]:
    """Sample the progress bar until the page leaves ``status``; return the values seen."""
    seen: list[float] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            state = page.evaluate(
                """() => { const s = document.querySelector('[data-testid=import-status]');
                       const b = document.querySelector('#import-progress');
                       return [s ? s.dataset.status : null,
                               b && b.hasAttribute('value') ? b.value : null,
                               b ? b.getBoundingClientRect().width : 0]; }"""
            )
        except PlaywrightError:  # the page reloads itself when the job moves on
            page.wait_for_load_state()
            continue
        if state[0] != status:
            return seen
        if state[1] is not None:
            assert state[2] > 0, "the progress bar is not visible"
            seen.append(float(state[1]))
        page.wait_for_timeout(250)
    raise AssertionError(f"still {status} after {timeout_s} s; progress seen: {seen[-5:]}")


def test_100k_row_xlsx_imports_with_a_visible_progress_bar(
    page: Page, demo: None, log_in: LogIn, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "新县市场主体名录.xlsx"
    write_xlsx(path, _rows())
    before = Target.objects.count()

    log_in(page, "sysadmin")
    page.goto("/import/")
    page.locator("#import-kind").select_option("targets")
    page.locator("#import-file").set_input_files(str(path))
    # Uploading ~10 MB to a server that is busy with other tests can take a while.
    page.locator("[data-testid=import-form] button[type=submit]").click(timeout=180_000)
    page.wait_for_url("**/import/jobs/*/", timeout=180_000)
    status = page.get_by_test_id("import-status").get_attribute("data-status")
    assert page.locator("#import-progress").is_visible(), (
        f"no progress bar; job status {status!r}: {page.locator('main').inner_text()[:500]}"
    )

    checking = _watch_progress(page, "checking", timeout_s=600)
    assert any(0 < v < 100 for v in checking), f"no progress while checking: {checking}"
    assert checking == sorted(checking), "progress went backwards"

    page.wait_for_selector("[data-testid=import-status][data-status=ready]")
    assert page.get_by_test_id("count-added").inner_text() == f"{ROWS}"
    assert Target.objects.count() == before  # the preview writes nothing

    page.get_by_test_id("import-confirm").click(timeout=120_000)
    _watch_progress(page, "importing", timeout_s=600)
    page.wait_for_selector("[data-testid=import-status][data-status=done]")
    assert page.get_by_test_id("count-added").inner_text() == f"{ROWS}"
    assert Target.objects.count() == before + ROWS
    job = ImportJob.objects.get()
    assert job.status == "done" and len(job.sha256) == 64
