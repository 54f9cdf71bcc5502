"""Background imports for the web pages: a daemon thread in the server process.

No task queue and no extra server: the embedded default (waitress + SQLite) runs imports
in a thread of its own process, and so does a PostgreSQL deployment.

Progress lives in memory (``_LIVE``, read by the status view every second) and is copied
to the :class:`ImportJob` row about once a second while the file is being checked (short
autocommit updates, outside any import transaction).  While the import transaction is
open nothing else is written: SQLite allows one writer, and the transaction's own rows
would not be visible to the page anyway.  The row always gets the final state.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connections
from django.utils import timezone

from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import AnyUser

from .models_jobs import ImportJob, ImportJobStatus
from .tabular import KINDS, ImportRejected, UnreadableFile, apply_spool, preview_file
from .tabular.engine import ImportOutcome
from .tabular.problems import ImportProblem

log = logging.getLogger(__name__)

#: Problems stored on the job row for the page (the CLI prints all of them).
STORED_PROBLEMS = 2_000
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


@dataclass
class Live:
    status: str
    done: int
    total: int | None


_LIVE: dict[int, Live] = {}
_LOCK = threading.Lock()


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _spool_path(job: ImportJob) -> Path:
    return Path(job.stored_file).with_suffix(".spool")


def start_check(
    *, kind: str, upload: UploadedFile, actor: AnyUser, background: bool = True
) -> ImportJob:
    """Store the upload, create the job and check the file (in a thread)."""
    spec = KINDS[kind]
    if not isinstance(actor, User) or not spec.may_import(actor):
        raise NotAllowed(f"您无权导入{spec.label_zh}")
    name = Path(upload.name or "upload").name
    suffix = Path(name).suffix.lower()
    stored = _upload_dir() / f"{uuid.uuid4().hex}{suffix if suffix in UPLOAD_SUFFIXES else ''}"
    with stored.open("wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    job = ImportJob.objects.create(
        kind=kind,
        created_by=actor,
        department=getattr(actor, "department", None),
        file_name=name[:255],
        stored_file=str(stored),
    )
    _set_live(job.pk, ImportJobStatus.CHECKING, 0, None)
    _launch(run_check, job.pk, background)
    return job


def start_apply(*, job: ImportJob, actor: AnyUser, background: bool = True) -> bool:
    """Import a checked job.  False if it is not ready (e.g. a second click)."""
    if job.created_by_id != getattr(actor, "pk", None):
        raise NotAllowed("只能确认您自己上传的导入")
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.READY).update(
        status=ImportJobStatus.IMPORTING, progress_done=0
    )
    if not claimed:
        return False
    _set_live(job.pk, ImportJobStatus.IMPORTING, 0, job.outcome.get("rows"))
    _launch(run_apply, job.pk, background)
    return True


def _launch(fn: Any, job_id: int, background: bool) -> None:
    if not background:
        fn(job_id)
        return
    thread = threading.Thread(
        target=_thread_main, args=(fn, job_id), name=f"import-job-{job_id}", daemon=True
    )
    thread.start()


def _thread_main(fn: Any, job_id: int) -> None:
    close_old_connections()
    try:
        fn(job_id)
    finally:
        # This thread's own database connections; the request threads keep theirs.
        connections.close_all()


class _Reporter:
    def __init__(self, job_id: int, status: str, persist: bool):
        self.job_id, self.status, self.persist = job_id, status, persist
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        _set_live(self.job_id, self.status, done, total)
        now = time.monotonic()
        if self.persist and now - self.last >= 1.0:
            self.last = now
            ImportJob.objects.filter(pk=self.job_id).update(
                progress_done=done, progress_total=total
            )


def _set_live(job_id: int, status: str, done: int, total: int | None) -> None:
    with _LOCK:
        _LIVE[job_id] = Live(status, done, total)


def _finish(job_id: int, **fields: Any) -> None:
    fields.setdefault("finished_at", timezone.now())
    ImportJob.objects.filter(pk=job_id).update(**fields)
    with _LOCK:
        _LIVE.pop(job_id, None)


def _problems_json(problems: list[ImportProblem]) -> list[dict[str, Any]]:
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    return [p.to_json() for p in (errors + warnings)[:STORED_PROBLEMS]]


def run_check(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    path = Path(job.stored_file)
    try:
        out = preview_file(
            kind=job.kind, path=path, actor=job.created_by, file_name=job.file_name,
            progress=_Reporter(job_id, ImportJobStatus.CHECKING, persist=True),
            spool=_spool_path(job),
        )  # fmt: skip
    except UnreadableFile as exc:
        problem = ImportProblem(None, None, exc.message_zh, exc.message_en)
        _finish(job_id, status=ImportJobStatus.INVALID, problems=[problem.to_json()])
        return
    except Exception as exc:  # the page must say the job failed rather than spin forever
        log.exception("import job %s failed while checking", job_id)
        _finish(job_id, status=ImportJobStatus.FAILED, error_message=str(exc)[:2000])
        return
    status = ImportJobStatus.READY if out.ok else ImportJobStatus.INVALID
    if not out.ok:
        _spool_path(job).unlink(missing_ok=True)
    _finish(
        job_id, status=status, sha256=out.sha256, outcome=out.to_json(),
        problems=_problems_json(out.problems), progress_done=out.rows,
        progress_total=out.rows, finished_at=None,
    )  # fmt: skip


def run_apply(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    spool = _spool_path(job)
    try:
        out = apply_spool(
            kind=job.kind, spool=spool, actor=job.created_by,
            progress=_Reporter(job_id, ImportJobStatus.IMPORTING, persist=False), job_id=job_id,
        )  # fmt: skip
    except ImportRejected as exc:
        _finish(job_id, status=ImportJobStatus.INVALID, problems=_problems_json(exc.problems))
        return
    except Exception as exc:
        log.exception("import job %s failed while importing", job_id)
        _finish(job_id, status=ImportJobStatus.FAILED, error_message=str(exc)[:2000])
        return
    finally:
        spool.unlink(missing_ok=True)
    preview = dict(job.outcome)
    preview.update(
        {k: v for k, v in out.to_json().items() if k in ("added", "changed", "unchanged")}
    )
    preview["applied"] = True
    _finish(job_id, status=ImportJobStatus.DONE, outcome=preview, progress_done=out.rows)


def status_of(job: ImportJob) -> dict[str, Any]:
    """For the page's progress bar: live figures if the job runs in this process."""
    with _LOCK:
        live = _LIVE.get(job.pk)
    if live is not None:
        status, done, total = live.status, live.done, live.total
    else:
        status, done, total = job.status, job.progress_done, job.progress_total
    percent = min(100, round(100 * done / total)) if total else None
    if status in (ImportJobStatus.CHECKING, ImportJobStatus.IMPORTING) and percent == 100:
        percent = 99  # the last step (commit, samples) is still running
    return {"status": str(status), "done": done, "total": total, "percent": percent}


def outcome_of(job: ImportJob) -> ImportOutcome | None:
    if not job.outcome:
        return None
    problems = [ImportProblem.from_json(p) for p in job.problems]
    return ImportOutcome.from_json(job.outcome, problems)
