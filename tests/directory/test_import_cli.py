"""`shuangsuiji import` / `shuangsuiji export`: exit codes, the error list, --dry-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shuangsuiji.cli import main
from shuangsuiji.directory.models import Target
from shuangsuiji.directory.tabular.fastuscc import uscc_is_valid
from shuangsuiji.directory.uscc import validate_uscc
from tests.conftest import County

from .conftest import entity_rows

pytestmark = pytest.mark.django_db


def test_import_dry_run_then_import_then_export(
    county: County, townships: Any, write_csv: Any, tmp_path: Path, capsys: Any
) -> None:
    path = write_csv(entity_rows(20))
    assert main(["import", "targets", str(path), "--dry-run"]) == 0
    out = capsys.readouterr()
    assert "新增20" in out.out and not Target.objects.exists()
    assert "检查" in out.err  # the progress bar
    assert main(["import", "targets", str(path)]) == 0
    assert Target.objects.count() == 20
    assert main(["import", "targets", str(path), "--quiet"]) == 0
    assert "新增0，修改0，未变20" in capsys.readouterr().out
    exported = tmp_path / "export.xlsx"
    assert main(["export", "targets", str(exported), "--quiet"]) == 0
    assert main(["import", "targets", str(exported), "--quiet"]) == 0
    assert "新增0，修改0，未变20" in capsys.readouterr().out


def test_bad_rows_exit_1_with_every_error_in_chinese(
    county: County, townships: Any, write_csv: Any, capsys: Any
) -> None:
    rows = entity_rows(5)
    rows[1][2] = "外资企业"
    rows[3][9] = "2019-13-01"
    assert main(["import", "targets", str(write_csv(rows)), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "错误 第3行 “主体类型”（C列）" in err
    assert "错误 第5行 “成立日期”（J列）" in err
    assert "共2处错误，未写入任何数据" in err
    assert not Target.objects.exists()


def test_unreadable_files_exit_2(county: County, tmp_path: Path, capsys: Any) -> None:
    broken = tmp_path / "名录.xlsx"
    broken.write_bytes(b"this is not a zip archive")
    assert main(["import", "targets", str(broken), "--quiet"]) == 2
    old = tmp_path / "名录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["import", "targets", str(old), "--quiet"]) == 2
    assert "另存为" in capsys.readouterr().err
    assert main(["import", "targets", str(tmp_path / "missing.csv")]) == 2


def test_a_user_without_the_right_is_refused(
    county: County, townships: Any, write_csv: Any, capsys: Any
) -> None:
    path = write_csv(entity_rows(2))
    assert main(["import", "targets", str(path), "--user", "wj_admin", "--quiet"]) == 2
    assert "无权导入" in capsys.readouterr().err


def test_fast_credit_code_check_agrees_with_validate_uscc() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    codes = [r[0] for r in entity_rows(200)]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ"

    @settings(max_examples=3000, deadline=None)
    @given(st.sampled_from(codes), st.integers(0, 17), st.sampled_from(alphabet))
    def check(code: str, pos: int, char: str) -> None:
        mutated = code[:pos] + char + code[pos + 1 :]
        assert uscc_is_valid(mutated) == (not validate_uscc(mutated))

    check()
    assert all(uscc_is_valid(c) for c in codes)
