"""`shuangsuiji backup` and `shuangsuiji restore`: a county's data survives the round trip.

The data is built through the services (a dispatched task, a published result with a site
photo, a draft with a PDF), backed up in this process, then restored by the
``shuangsuiji restore`` command into an empty scratch database of the same vendor (an
SQLite file, or a PostgreSQL database created by the restore) with empty file directories,
and read back by another process.  The tests run on whichever database the suite runs on.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shuangsuiji.ops.backup import create_backup, prune
from shuangsuiji.results import services as svc
from shuangsuiji.results.models import AttachmentKind
from tests.ops.conftest import Scratch, last_json, run, shuangsuiji, worker
from tests.ops.probe import snapshot
from tests.results.conftest import Dispatched, dispatched  # noqa: F401 - fixtures
from tests.tasks.conftest import scenario  # noqa: F401 - fixture

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # a "photo" with every byte value
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def source_dirs(settings: Any, tmp_path: Path) -> Path:
    """The platform's file directories for this test (freeze writes population files)."""
    settings.VAR_DIR = tmp_path / "source"
    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    settings.SHUANGSUIJI_PRIVATE_DIR = tmp_path / "source" / "private"
    return tmp_path


def enter_results(d: Dispatched) -> None:
    """A published result with a site photo, and a draft with the inspection record (PDF)."""
    first, second = d.drawn[0], d.drawn[1]
    user = d.member_user(first)
    result = svc.result_save(actor=user, task=d.task, target=first, data=d.data(first))
    svc.attachment_add(
        actor=user, result=result, kind=AttachmentKind.PHOTO, name="门店后厨现场照片.png",
        stream=io.BytesIO(PNG), size=len(PNG),
    )  # fmt: skip
    svc.result_submit(actor=user, result=result)
    svc.result_publish(actor=d.admin, result=result)
    other = d.member_user(second)
    draft = svc.result_save(
        actor=other, task=d.task, target=second,
        data=d.data(second, findings="从业人员健康证明一份已过期，现场责令改正。"),
    )  # fmt: skip
    svc.attachment_add(
        actor=other, result=draft, kind=AttachmentKind.DOCUMENT, name="现场检查笔录.pdf",
        stream=io.BytesIO(PDF), size=len(PDF),
    )  # fmt: skip


@pytest.fixture
def county_backup(
    source_dirs: Path,
    dispatched: Dispatched,  # noqa: F811
) -> tuple[Path, dict[str, Any], float]:
    """The archive of a county with results, and the snapshot taken when it was written.
    The tests are transactional (the services commit): ``pg_dump`` runs in another process
    and sees only committed rows."""
    enter_results(dispatched)
    before = snapshot()
    assert before["chain"]["ok"] and len(before["attachments"]) == 2
    assert before["draws"] and all(d["verifies"] for d in before["draws"].values())
    started = time.monotonic()
    result = create_backup(to_dir=source_dirs / "backups")
    return result.path, before, time.monotonic() - started


def restore(target: Scratch, archive: Path, *flags: str) -> tuple[int, dict[str, Any], str]:
    out = run(shuangsuiji("restore", str(archive), "--json", *flags), target.env())
    return out.returncode, last_json(out.stdout), out.stderr


def test_backup_then_restore_into_an_empty_database_loses_nothing(
    county_backup: tuple[Path, dict[str, Any], float], scratch: Callable[..., Scratch]
) -> None:
    archive, before, backup_s = county_backup
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert sum(n.startswith("private/attachments/") for n in names) == 2
    assert any(n.startswith("media/lottery/") for n in names)
    manifest = json.loads(tar_member(archive, "manifest.json"))
    assert manifest["tables"] == before["tables"]
    assert manifest["audit"]["head_hash"] == before["chain"]["head"]

    target = scratch()
    started = time.monotonic()
    code, report, err = restore(target, archive)
    restore_s = time.monotonic() - started
    assert code == 0, err
    assert report["ok"] and report["chain_ok"] and report["chain_matches_manifest"]
    assert report["chain_head"] == before["chain"]["head"]
    assert report["table_mismatches"] == [] and report["missing_files"] == []

    probe = run(worker("probe"), target.env())
    assert probe.returncode == 0, probe.stderr
    after = last_json(probe.stdout)
    # Every table's row count, the audit chain and its head, every evidence file's bytes,
    # and every draw verifying against its frozen population: all as they were.
    assert after == before
    print(
        f"\nbackup {backup_s:.2f} s, restore (process) {restore_s:.2f} s: "
        f"{sum(before['tables'].values())} rows in {len(before['tables'])} tables"
    )


def tar_member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        fh = tar.extractfile(name)
        assert fh is not None
        return fh.read()


def test_restore_refuses_a_target_that_is_not_empty_unless_forced(
    county_backup: tuple[Path, dict[str, Any], float], scratch: Callable[..., Scratch]
) -> None:
    archive, before, _s = county_backup
    target = scratch()
    assert restore(target, archive)[0] == 0
    code, report, _err = restore(target, archive)
    assert code == 2 and not report["ok"]
    assert "不是空的" in report["error"] and "--force" in report["error"]
    code, report, err = restore(target, archive, "--force")
    assert code == 0, err
    assert report["ok"] and report["safety_backup"] and Path(report["safety_backup"]).is_file()
    assert report["moved_aside"]  # the files that were there are kept aside, not deleted
    after = last_json(run(worker("probe"), target.env()).stdout)
    assert after == before


def _rewrite(archive: Path, out: Path, change: Callable[[tarfile.TarInfo, bytes], bytes]) -> Path:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            fh = src.extractfile(member)
            data = change(member, fh.read() if fh else b"")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_a_damaged_or_tampered_archive_changes_nothing(
    county_backup: tuple[Path, dict[str, Any], float],
    scratch: Callable[..., Scratch],
    tmp_path: Path,
) -> None:
    archive, _before, _s = county_backup
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    not_gzip = tmp_path / "not-a-backup.tar.gz"
    not_gzip.write_bytes(b"\x89PNG\r\n\x1a\n not a backup")

    def photo_edited(m: tarfile.TarInfo, data: bytes) -> bytes:
        return data[:-1] + b"\x00" if m.name.endswith(".png") else data

    tampered = _rewrite(archive, tmp_path / "tampered.tar.gz", photo_edited)

    escaping = tmp_path / "escaping.tar.gz"
    with tarfile.open(escaping, "w:gz") as tar:
        info = tarfile.TarInfo("private/../../../etc/cron.d/evil")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"boom"))

    expected = {
        truncated: "已损坏",
        not_gzip: "已损坏",
        tampered: "校验值不符",
        escaping: "不允许的条目",
    }
    for bad, words in expected.items():
        target = scratch()
        code, report, _err = restore(target, bad)
        assert code == 2 and not report["ok"], bad.name
        assert words in report["error"] and "未做任何更改" in report["error"], report
        assert "nothing was changed" in report["error"]
        assert not (target.var_dir / "private").exists() or not any(
            (target.var_dir / "private").iterdir()
        )
        if target.vendor == "sqlite":
            assert not Path(target.name).exists()
        else:
            from tests.ops.conftest import pg_admin

            assert not pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", target.name)
    # The damaged archives are also caught by the check alone.
    check = run(shuangsuiji("restore", "--check", str(tampered)), scratch().env())
    assert check.returncode == 2 and "SHA-256 differs" in check.stderr


@pytest.mark.django_db(transaction=False)
def test_prune_keeps_the_newest_regular_backups(tmp_path: Path) -> None:
    names = [
        "shuangsuiji-backup-411523-20261125T023000Z.tar.gz",
        "shuangsuiji-backup-411523-20261126T023000Z.tar.gz",
        "shuangsuiji-backup-411523-20261127T023000Z.tar.gz",
        "shuangsuiji-before-restore-411523-20261101T090000Z.tar.gz",
    ]
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    removed = prune(tmp_path, 2)
    assert [p.name for p in removed] == [names[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])
