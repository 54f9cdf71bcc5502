"""`shuangsuiji credit import|sync`: exit 0 done, 1 errors (nothing written), 2 unusable."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from shuangsuiji.credit import cli
from shuangsuiji.credit.models import RiskClassification
from tests.credit.conftest import RISK_HEADER, Register, write_csv

pytestmark = pytest.mark.django_db


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="shuangsuiji")
    sub = parser.add_subparsers(dest="command")
    cli.register(sub, django_setup=lambda: None)
    args = parser.parse_args(list(argv))
    result: int = args.func(args)
    return result


def test_import_sync_and_errors(
    register: Register, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[t.credit_code, "C", "2026-11-01"] for t in register.targets]
    good = write_csv(tmp_path / "分类.csv", RISK_HEADER, rows)
    assert run("credit", "import", "risk_classes", str(good), "--quiet", "--dry-run") == 0
    assert not RiskClassification.objects.exists()
    assert run("credit", "import", "risk_classes", str(good), "--quiet") == 0
    assert "新增12" in capsys.readouterr().out
    bad = write_csv(tmp_path / "坏.csv", RISK_HEADER, [[register.targets[0].credit_code, "Z", "x"]])
    assert run("credit", "import", "risk_classes", str(bad), "--quiet") == 1
    err = capsys.readouterr().err
    assert "第2行" in err and "未写入任何数据" in err
    assert run("credit", "import", "risk_classes", str(tmp_path / "无.csv")) == 2
    assert run("credit", "import", "risk_classes", str(good), "--user", "ducha", "--quiet") == 2
    assert run("credit", "import", "risk_classes", str(good), "--date", "11/01") == 2
    assert run("credit", "sync", "--date", "2026-12-01") == 0
    assert "credit sync to 2026-12-01" in capsys.readouterr().out
