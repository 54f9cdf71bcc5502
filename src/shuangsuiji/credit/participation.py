"""The participation answer (联合惩戒查询): may this entity take part in this activity on
this day, and if not, why.  Pure logic — no database, no Django — so that the page, the
JSON call and the later django-ninja API give the same answer from the same facts, and so
that the period rule is tested on its own.

A list entry is in force from its start day (included) until its removal day (excluded):
an entity removed on 1 March may take part on 1 March.  Every entry in force whose list
has a rule in force restricting the activity is one restriction, with the rule's legal
basis; an entity on two lists gets both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any


def period_covers(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether a list entry from ``start`` with removal day ``end`` is in force on ``day``."""
    return start <= day and (end is None or day < end)


@dataclass(frozen=True)
class EntryFacts:
    """What the answer needs of one list entry."""

    list_code: str
    list_name: str
    reason: str
    authority: str
    document_no: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass(frozen=True)
class Restriction:
    list_code: str
    list_name: str
    reason: str
    authority: str
    document_no: str
    start_date: dt.date
    end_date: dt.date | None
    legal_basis: str


@dataclass(frozen=True)
class Answer:
    credit_code: str
    entity_name: str
    activity: str
    day: dt.date
    restrictions: tuple[Restriction, ...]

    @property
    def allowed(self) -> bool:
        return not self.restrictions

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (ISO dates) for the API."""
        return {
            "credit_code": self.credit_code,
            "name": self.entity_name,
            "activity": self.activity,
            "date": self.day.isoformat(),
            "allowed": self.allowed,
            "restrictions": [
                {
                    **asdict(r),
                    "start_date": r.start_date.isoformat(),
                    "end_date": r.end_date.isoformat() if r.end_date else None,
                }
                for r in self.restrictions
            ],
        }


def answer(
    *,
    credit_code: str,
    entity_name: str,
    activity: str,
    day: dt.date,
    entries: Iterable[EntryFacts],
    restricting: Mapping[str, str],
) -> Answer:
    """``restricting`` maps the code of each list whose rules in force restrict
    ``activity`` to that rule's legal basis."""
    found = [
        Restriction(
            list_code=e.list_code,
            list_name=e.list_name,
            reason=e.reason,
            authority=e.authority,
            document_no=e.document_no,
            start_date=e.start_date,
            end_date=e.end_date,
            legal_basis=restricting[e.list_code],
        )
        for e in entries
        if e.list_code in restricting and period_covers(e.start_date, e.end_date, day)
    ]
    # Stable order for print-outs: by list, then the oldest decision first.
    found.sort(key=lambda r: (r.list_code, r.start_date, r.document_no))
    return Answer(credit_code, entity_name, activity, day, tuple(found))
