"""The Chinese catalogue is complete: every UI string in the code has a translation, and the
compiled .mo matches the .po (Simplified Chinese is the default language)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "shuangsuiji"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgattrib") is None,
    reason="GNU gettext is not installed (.ci/run installs it)",
)


def _untranslated(po: Path) -> list[str]:
    out = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ids = [line for line in (out + fuzzy).splitlines() if line.startswith("msgid ")]
    return [i for i in ids if i != 'msgid ""']


@needs_gettext
def test_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    assert _untranslated(PO) == []


@needs_gettext
@pytest.mark.slow
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "shuangsuiji"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings.test"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore",
            "lottery/*",
            "--ignore",
            "demo/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    missing = _untranslated(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert missing == [], f"run makemessages and translate: {missing[:20]}"


@needs_gettext
def test_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == MO.read_bytes(), "run compilemessages"
