"""Finding register entities by credit code.

``Target`` is unique per (region, code), so a lookup by code alone cannot use that index;
on PostgreSQL the directory keeps a byte-order index on ``credit_code COLLATE "C"``
(directory migration 0004), which serves equality and ``IN`` only when the query uses the
same collation.  Without it each lookup scans the whole register (a full index scan of a
million entries per list entry added)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Collate

from shuangsuiji.directory.models import Target


def targets_by_code(codes: str | Iterable[str]) -> QuerySet[Target]:
    qs = Target.objects.all()
    field = "credit_code"
    if connection.vendor == "postgresql":
        qs = qs.alias(code_c=Collate(F("credit_code"), "C"))
        field = "code_c"
    if isinstance(codes, str):
        return qs.filter(**{field: codes})
    return qs.filter(**{f"{field}__in": list(codes)})


def target_by_code(code: str) -> Target | None:
    return targets_by_code(code).order_by("pk").first()
