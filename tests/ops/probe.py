"""What "nothing is lost" means, as one JSON-able snapshot of a database and its files:
row counts per table, the audit chain (verified, its head), the bytes of every evidence
file, and whether every draw still verifies against its frozen population file.

Used in the test process and, through ``python -m tests.ops.worker probe``, in a process
pointed at a restored database."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def snapshot() -> dict[str, Any]:
    from django.db import connection

    from shuangsuiji.audit.chain import verify_chain
    from shuangsuiji.lottery import parse_population, verify_record
    from shuangsuiji.ops.common import table_counts
    from shuangsuiji.results.models import Attachment
    from shuangsuiji.results.services import attachment_path
    from shuangsuiji.tasks.models import Draw, DrawnTarget

    with connection.cursor() as cur:
        tables = table_counts(cur, connection.vendor)
    chain = verify_chain()
    attachments = {}
    for a in Attachment.objects.order_by("pk"):
        data = attachment_path(a).read_bytes()
        attachments[a.stored_name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "matches_row": hashlib.sha256(data).hexdigest() == a.sha256,
        }
    draws = {}
    for d in Draw.objects.select_related("task__freeze").order_by("pk"):
        with d.task.freeze.population.open("rb") as fh:
            population = parse_population(fh.read())
        report = verify_record(json.loads(bytes(d.record_bytes)), population)
        draws[str(d.pk)] = {
            "verifies": report.ok,
            "seed": d.seed,
            "drawn": DrawnTarget.objects.filter(draw=d).count(),
            "selected": d.selected_count,
        }
    return {
        "tables": tables,
        "chain": {
            "ok": chain.ok,
            "rows": chain.rows,
            "head": chain.head_hash,
            "problem": str(chain.problem) if chain.problem else None,
        },
        "attachments": attachments,
        "draws": draws,
    }
