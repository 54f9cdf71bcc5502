"""The import pages: upload → check → preview → confirm → imported; templates; exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from shuangsuiji.directory import jobs
from shuangsuiji.directory.models import ImportJob, Target
from tests.conftest import PASSWORD, County

from .conftest import entity_rows

pytestmark = pytest.mark.django_db


def _client(county: County, role: str) -> Client:
    c = Client()
    assert c.login(username=county.users[role].username, password=PASSWORD)
    return c


def test_upload_preview_confirm(
    county: County, townships: Any, write_xlsx: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.SHUANGSUIJI_IMPORT_INLINE = True  # run the job in the request, not a thread
    c = _client(county, "sysadmin")
    path = write_xlsx(entity_rows(12))
    upload = SimpleUploadedFile("名录.xlsx", path.read_bytes())
    r = c.post("/import/", {"kind": "targets", "file": upload})
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/import/jobs/{job.pk}/"
    assert job.status == "ready" and len(job.sha256) == 64
    page = c.get(r["Location"]).content.decode()
    assert 'data-testid="count-added">12<' in page and "import-confirm" in page
    assert not Target.objects.exists()
    assert c.get(f"/import/jobs/{job.pk}/status/").json()["status"] == "ready"
    r = c.post(f"/import/jobs/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == "done" and Target.objects.count() == 12
    assert job.outcome["applied"] and job.outcome["added"] == 12
    # A second confirmation does nothing.
    c.post(f"/import/jobs/{job.pk}/apply/")
    assert Target.objects.count() == 12
    # Other people cannot see the job.
    assert _client(county, "dept_admin").get(f"/import/jobs/{job.pk}/").status_code == 404


def test_a_bad_file_lists_problems_on_the_page(
    county: County, townships: Any, write_xlsx: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.SHUANGSUIJI_IMPORT_INLINE = True  # run the job in the request, not a thread
    rows = entity_rows(3)
    rows[1][3] = "歇业"
    c = _client(county, "sysadmin")
    c.post("/import/", {"kind": "targets", "file": SimpleUploadedFile("a.xlsx",
           write_xlsx(rows).read_bytes())})  # fmt: skip
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    page = c.get(f"/import/jobs/{job.pk}/").content.decode()
    assert "“歇业”不是可识别的取值" in page and "import-confirm" not in page


def test_department_admin_cannot_upload_targets(county: County, write_xlsx: Any) -> None:
    c = _client(county, "dept_admin")
    c.post("/import/", {"kind": "targets", "file": SimpleUploadedFile("a.csv", b"x")})
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates_have_the_chinese_headers(county: County, fmt: str) -> None:
    r = _client(county, "dept_admin").get(f"/import/template/targets.{fmt}")
    assert r.status_code == 200
    body = b"".join(r.streaming_content)  # type: ignore[attr-defined]
    if fmt == "csv":
        assert body.startswith("\ufeff".encode())
        header = body.decode("utf-8-sig").splitlines()[0].split(",")
    else:
        wb = load_workbook(io.BytesIO(body), read_only=True)
        header = [c for c in next(wb.worksheets[0].iter_rows(values_only=True))]
        assert wb.sheetnames[1] == "填写说明"
    assert header[:11] == [
        "统一社会信用代码", "名称", "主体类型", "登记状态", "法定代表人", "住所",
        "所属乡镇（街道）", "行业代码", "经营范围", "成立日期", "信用风险分类",
    ]  # fmt: skip


def test_export_follows_the_data_scope(county: County) -> None:
    r = _client(county, "dept_admin").get("/export/inspectors.csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "赵丽" in text and "孙强" not in text  # own department only


def test_status_reports_live_progress(county: County) -> None:
    job = ImportJob.objects.create(
        kind="targets", created_by=county.users["sysadmin"], file_name="a.csv"
    )
    jobs._set_live(job.pk, "checking", 250, 1000)
    try:
        assert jobs.status_of(job) == {
            "status": "checking", "done": 250, "total": 1000, "percent": 25,
        }  # fmt: skip
    finally:
        jobs._LIVE.pop(job.pk, None)
