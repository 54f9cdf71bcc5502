"""Settings: production passes Django's deployment checks; the environment picks the DB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    # The browser tests' worker may carry DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy
    # rightly warns about; a production process never has it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.production",
        "SHUANGSUIJI_SECRET_KEY": "k" * 30 + "-production-secret-for-check-deploy-7f3a9c",
        "SHUANGSUIJI_VAR_DIR": str(tmp_path),
        "SHUANGSUIJI_ALLOWED_HOSTS": "sjj.xinxian.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "shuangsuiji.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SHUANGSUIJI_SECRET_KEY"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.production",
        "SHUANGSUIJI_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "shuangsuiji.cli", "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "SHUANGSUIJI_SECRET_KEY" in result.stderr


def test_default_database_is_an_sqlite_file_under_var(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env |= {"DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.base"}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    engine, name = out.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == tmp_path / "var" / "shuangsuiji.sqlite3"
