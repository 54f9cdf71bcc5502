"""Printable documents of a matched task: inspection notices (检查通知书) and each
inspector's assignment list (检查任务清单), as HTML and as PDF (WeasyPrint).

Who may see which document is decided by the caller (the views ask the data-scope
policy which drawn targets a user may see).  This module only gathers what a document
shows and renders it: one notice per drawn target of the live draw, with the team as it
stands now — recused inspectors left out, their replacements in their slots.

The notice is a Chinese legal document, so its text is written in Chinese in the
template rather than translated; the assignment list is a working page and speaks the
user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from shuangsuiji.directory.models import InspectionItem, Inspector, Target

from .models import Assignment, Draw, DrawnTarget, Matching, Recusal, Task


@dataclass(frozen=True)
class TeamMember:
    name: str
    certificate_no: str
    department: str
    replaces: str = ""  # the recused inspector's name, for a replacement


@dataclass(frozen=True)
class Notice:
    """One inspection notice: the target at ``position`` in dispatch order."""

    number: str
    task: Task
    issuers: list[str]
    target: Target
    position: int
    items: list[InspectionItem]
    team: list[TeamMember]
    issued_on: dt.date


def notice_number(task: Task, position: int) -> str:
    """新卫健抽查〔2026〕1号-003: the task number and the target's place in dispatch order
    (three digits, more when a task draws a thousand targets or more)."""
    return f"{task.number}-{position:03d}"


def live_matching(task: Task) -> Matching | None:
    """The matching of the task's live draw (a superseded draw is never matched)."""
    return (
        Matching.objects.filter(task=task, draw__superseded=False)
        .select_related("draw", "task__department")
        .first()
    )


def _slot_order(assignments: Sequence[Assignment]) -> dict[int, int]:
    """Assignment pk → the pk of the original assignment of its slot, so that a
    replacement is listed where the inspector it replaces stood."""
    replaces = {a.pk: a.replaces_id for a in assignments}
    roots: dict[int, int] = {}
    for pk in replaces:
        root, parent = pk, replaces[pk]
        while parent is not None:
            root, parent = parent, replaces.get(parent)
        roots[pk] = root
    return roots


def _teams(matching: Matching) -> tuple[dict[int, list[TeamMember]], dict[int, dt.datetime]]:
    """Active team per target id, in slot order; and when each target's team last changed
    (a recusal), so a reissued notice carries the date of the team it names."""
    assignments = list(
        Assignment.objects.filter(matching=matching).select_related(
            "inspector__department", "replacement_for__assignment__inspector"
        )
    )
    roots = _slot_order(assignments)
    teams: dict[int, list[tuple[int, TeamMember]]] = {}
    for a in assignments:
        if not a.active:
            continue
        replaced = getattr(a, "replacement_for", None)
        member = TeamMember(
            name=a.inspector.name,
            certificate_no=a.inspector.certificate_no,
            department=a.inspector.department.name,
            replaces=replaced.assignment.inspector.name if replaced is not None else "",
        )
        teams.setdefault(a.target_id, []).append((roots[a.pk], member))
    changed: dict[int, dt.datetime] = {}
    for target_id, declared_at in Recusal.objects.filter(assignment__matching=matching).values_list(
        "assignment__target_id", "declared_at"
    ):
        changed[target_id] = max(declared_at, changed.get(target_id, declared_at))
    ordered = {t: [m for _, m in sorted(ms, key=lambda x: x[0])] for t, ms in teams.items()}
    return ordered, changed


def notices_for(task: Task, target_ids: Collection[int] | None = None) -> list[Notice]:
    """The notices of a matched task in dispatch order, optionally only for some targets.
    Empty when the task has no matching yet (there is no team to name)."""
    matching = live_matching(task)
    if matching is None:
        return []
    draw: Draw = matching.draw
    drawn = DrawnTarget.objects.filter(draw=draw).select_related("target").order_by("position")
    if target_ids is not None:
        drawn = drawn.filter(target_id__in=list(target_ids))
    teams, changed = _teams(matching)
    items = list(task.items.order_by("code"))
    issuers = [
        task.department.name,
        *task.participants.order_by("sort_order", "code").values_list("name", flat=True),
    ]
    return [
        Notice(
            number=notice_number(task, d.position),
            task=task,
            issuers=issuers,
            target=d.target,
            position=d.position,
            items=items,
            team=teams.get(d.target_id, []),
            issued_on=timezone.localdate(
                max(matching.created_at, changed.get(d.target_id, matching.created_at))
            ),
        )
        for d in drawn
    ]


def notices_html(notices: Sequence[Notice], *, portal_url: str) -> str:
    """The notices as one HTML document, each starting on a new printed page."""
    return render_to_string("tasks/notice.html", {"notices": notices, "portal_url": portal_url})


def notices_pdf(notices: Sequence[Notice], *, portal_url: str) -> bytes:
    """The notices as an A4 PDF, a page (or more) per target."""
    return html_to_pdf(notices_html(notices, portal_url=portal_url))


@dataclass(frozen=True)
class AssignmentLine:
    notice_number: str
    position: int
    target: Target
    active: bool
    teammates: list[TeamMember]
    recusal_reason: str = ""
    replaces: str = ""

    @property
    def suffix(self) -> str:
        """The notice number's last part, as printed after the task number."""
        return f"{self.position:03d}"


@dataclass(frozen=True)
class AssignmentList:
    """What one inspector was sent to in one task (检查任务清单)."""

    task: Task
    inspector: Inspector
    lines: list[AssignmentLine]
    items: list[InspectionItem]

    @property
    def active_count(self) -> int:
        return sum(1 for line in self.lines if line.active)


def assignment_list(task: Task, inspector: Inspector) -> AssignmentList:
    """The inspector's assignments in the task's live matching, in dispatch order,
    including the ones they were recused from (marked), with the rest of each team."""
    matching = live_matching(task)
    lines: list[AssignmentLine] = []
    if matching is not None:
        teams, _changed = _teams(matching)
        own = (
            Assignment.objects.filter(matching=matching, inspector=inspector)
            .select_related("target", "recusal", "replacement_for__assignment__inspector")
            .order_by("position", "pk")
        )
        for a in own:
            recusal = getattr(a, "recusal", None)
            replaced = getattr(a, "replacement_for", None)
            lines.append(
                AssignmentLine(
                    notice_number=notice_number(task, a.position),
                    position=a.position,
                    target=a.target,
                    active=a.active,
                    teammates=[
                        m
                        for m in teams.get(a.target_id, [])
                        if m.certificate_no != inspector.certificate_no
                    ],
                    recusal_reason=recusal.reason if recusal is not None else "",
                    replaces=replaced.assignment.inspector.name if replaced is not None else "",
                )
            )
    return AssignmentList(task, inspector, lines, list(task.items.order_by("code")))


def assignment_list_html(data: AssignmentList, *, pdf_url: str = "") -> str:
    """The list as a page; with ``pdf_url`` it carries a print button and the PDF link."""
    return render_to_string("tasks/assignments.html", {"data": data, "pdf_url": pdf_url})


def assignment_list_pdf(data: AssignmentList) -> bytes:
    return html_to_pdf(assignment_list_html(data))


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML (styles inline, fonts from the system) to PDF bytes.
    WeasyPrint is imported here so that the rest of the platform, and the tests that
    do not print, never load it."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
