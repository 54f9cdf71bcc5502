"""docs/lottery.md: the citizen's coreutils check really runs and really reproduces the record."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .test_data import EXAMPLE_POPULATION, EXAMPLE_RECORD, example_record

DOC = Path(__file__).resolve().parents[2] / "docs" / "lottery.md"


def _blocks_after(marker: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"```[a-z]*\n(.*?)```", text[text.index(marker) :], flags=re.S)


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("bash", "sha256sum", "seq", "uniq")),
    reason="needs bash and GNU coreutils",
)
def test_citizen_check_with_coreutils_reproduces_the_record(tmp_path: Path) -> None:
    script, expected_output = _blocks_after("<!-- citizen-check")[:2]
    shutil.copy(EXAMPLE_POPULATION, tmp_path)
    shutil.copy(EXAMPLE_RECORD, tmp_path)
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_output
    record = example_record()
    lines = done.stdout.splitlines()
    assert lines[0].split()[-1] == record["population_digest"]
    assert lines[1].split()[-1] == record["commitment"]
    assert lines[2].split()[-1] == record["seed"]
    assert [line.split() for line in lines[-6:]] == [
        [s["key"], s["id"], s["stratum"]] for s in record["selected"]
    ]


def test_doc_keeps_the_matching_heading_and_the_threat_model() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "## Inspector matching (shuangsuiji-match-v1)" in text
    assert "docs/matching.md" in text
    assert "Grinding the secret" in text
