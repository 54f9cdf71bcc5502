"""Downloads of a task's published files, and its printable documents.

Data files (population, exclusion report, draw records, matching inputs and record) are
served byte for byte as stored, because the public checks them with ``shuangsuiji
verify``: a re-encoded file would not verify.  Every view asks the data-scope policy
first; ``Freeze``, ``Draw`` and ``Matching`` rows are public once they exist, and a draft
task has none.  The population file and the exclusion report are published with the
draw (lottery.md, step 5): before it only staff see them.

Caching: files that never change once they exist (a freeze's files, a draw by sequence,
the matching inputs) are ``immutable``; the live draw (a redraw replaces it) and the
matching record (a recusal appends to it) are revalidated every time.  The ETag is the
SHA-256 of the bytes, so a conditional GET costs no transfer.  Files not yet public are
``private`` so that no shared cache keeps them.

Notices and assignment lists are for the staff who may see the drawn target's
assignments (the department, participating departments, the supervisor, and the
inspectors on that team); a notice names the whole team.
"""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db import models
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shuangsuiji.directory.models import Inspector
from shuangsuiji.errors import DomainError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action
from shuangsuiji.tasks import documents
from shuangsuiji.tasks.models import Assignment, Draw, DrawnTarget, Freeze, Matching, Task

M = TypeVar("M", bound=models.Model)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PRIVATE = "private, no-cache"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
PDF = "application/pdf"


def content_disposition(filename: str, fallback: str, *, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for the Chinese name, and a plain ASCII
    ``filename`` for clients that do not read ``filename*``."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _etag(digest: str) -> str:
    return f'"{digest}"'


def _not_modified(request: HttpRequest, etag: str, cache: str) -> HttpResponse | None:
    wanted = {t.removeprefix("W/") for t in parse_etags(request.headers.get("If-None-Match", ""))}
    if etag in wanted or "*" in wanted:
        response = HttpResponseNotModified()
        response["ETag"], response["Cache-Control"] = etag, cache
        return response
    return None


def _file_response(
    request: HttpRequest,
    body: bytes | File[bytes],
    *,
    digest: str,
    cache: str,
    content_type: str,
    filename: str,
    fallback: str,
    inline: bool = False,
) -> HttpResponseBase:
    etag = _etag(digest)
    unchanged = _not_modified(request, etag, cache)
    if unchanged is not None:
        if not isinstance(body, bytes):
            body.close()
        return unchanged
    response: HttpResponseBase
    if isinstance(body, bytes):
        response = HttpResponse(body, content_type=content_type)
        response["Content-Length"] = str(len(body))
    else:
        response = FileResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback, inline=inline)
    response["ETag"], response["Cache-Control"] = etag, cache
    return response


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _visible(request: HttpRequest, qs: QuerySet[M]) -> QuerySet[M]:
    return policy.instances_user_has_permission_for(request.user, Action.VIEW, qs)


def _public(qs: QuerySet[Any]) -> bool:
    """Would an anonymous visitor see this row?  Decides whether shared caches may keep it."""
    return policy.instances_user_has_permission_for(AnonymousUser(), Action.VIEW, qs).exists()


# ------------------------------------------------------------------ the frozen population


def _freeze_for(request: HttpRequest, pk: int) -> tuple[Freeze, bool]:
    """The task's freeze if the user may have its files, and whether they are public."""
    rows = Freeze.objects.filter(task_id=pk).select_related("task")
    freeze = get_object_or_404(_visible(request, rows))
    drawn = Draw.objects.filter(task_id=pk).exists()
    if not drawn and not policy.is_staff_role(request.user):
        raise Http404(_("The population is published with the draw."))
    return freeze, drawn and _public(rows)


@require_safe
def task_population(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The frozen population file, checked against its published digest before it goes
    out: a file changed on disk must never be offered as the one that was drawn from."""
    freeze, public = _freeze_for(request, pk)
    cache = IMMUTABLE if public else PRIVATE
    unchanged = _not_modified(request, _etag(freeze.population_digest), cache)
    if unchanged is not None:
        return unchanged
    digest = hashlib.sha256()
    with freeze.population.open("rb") as fh:
        for chunk in fh.chunks(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != freeze.population_digest:
        raise DomainError(_("The frozen population file does not match its published digest."))
    return _file_response(
        request,
        freeze.population.open("rb"),
        digest=freeze.population_digest,
        cache=cache,
        content_type=CSV,
        filename=f"{freeze.task.number}-population.csv",
        fallback=f"task-{pk}-population.csv",
    )


@require_safe
def task_exclusions(request: HttpRequest, pk: int) -> HttpResponseBase:
    freeze, public = _freeze_for(request, pk)
    with freeze.exclusions.open("rb") as fh:
        body = fh.read()
    return _file_response(
        request,
        body,
        digest=_sha256(body),
        cache=IMMUTABLE if public else PRIVATE,
        content_type=CSV,
        filename=f"{freeze.task.number}-exclusions.csv",
        fallback=f"task-{pk}-exclusions.csv",
    )


# ------------------------------------------------------------------ draws and matching


def _draw_response(request: HttpRequest, draw: Draw, *, cache: str) -> HttpResponseBase:
    body = bytes(draw.record_bytes)
    return _file_response(
        request,
        body,
        digest=_sha256(body),
        cache=cache,
        content_type=JSON,
        filename=f"{draw.task.number}-draw-{draw.sequence}.json",
        fallback=f"task-{draw.task_id}-draw-{draw.sequence}.json",
    )


@require_safe
def task_draw_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The live draw's record.  A redraw replaces it, so caches revalidate."""
    rows = Draw.objects.filter(task_id=pk, superseded=False).select_related("task")
    draw = get_object_or_404(_visible(request, rows))
    return _draw_response(request, draw, cache=REVALIDATE if _public(rows) else PRIVATE)


@require_safe
def task_draw_record_sequence(request: HttpRequest, pk: int, sequence: int) -> HttpResponseBase:
    """Any draw of the task by its sequence number, superseded ones included: a redraw
    must never hide the draw it replaced."""
    rows = Draw.objects.filter(task_id=pk, sequence=sequence).select_related("task")
    draw = get_object_or_404(_visible(request, rows))
    # A record never changes; only its "live" flag does, and that is not in the bytes.
    return _draw_response(request, draw, cache=IMMUTABLE if _public(rows) else PRIVATE)


def _matching_for(request: HttpRequest, pk: int) -> tuple[Matching, bool]:
    rows = Matching.objects.filter(task_id=pk, draw__superseded=False).select_related("task")
    return get_object_or_404(_visible(request, rows)), _public(rows)


@require_safe
def task_matching_inputs(request: HttpRequest, pk: int) -> HttpResponseBase:
    matching, public = _matching_for(request, pk)
    body = bytes(matching.inputs_bytes)
    return _file_response(
        request,
        body,
        digest=matching.inputs_digest,
        cache=IMMUTABLE if public else PRIVATE,
        content_type=JSON,
        filename=f"{matching.task.number}-matching-inputs.json",
        fallback=f"task-{pk}-matching-inputs.json",
    )


@require_safe
def task_matching_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The matching record; a recusal appends a replacement to it, so caches revalidate."""
    matching, public = _matching_for(request, pk)
    body = bytes(matching.record_bytes)
    return _file_response(
        request,
        body,
        digest=_sha256(body),
        cache=REVALIDATE if public else PRIVATE,
        content_type=JSON,
        filename=f"{matching.task.number}-matching.json",
        fallback=f"task-{pk}-matching.json",
    )


# ------------------------------------------------------------------ notices and lists


def _portal_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("web:public_home"))


def _task(pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("department", "plan"), pk=pk)


def _notice_targets(request: HttpRequest, task: Task) -> set[int]:
    """Drawn targets whose notice the user may have: those with an active assignment the
    policy shows them."""
    rows = Assignment.objects.filter(task=task, active=True, matching__draw__superseded=False)
    return set(_visible(request, rows).values_list("target_id", flat=True))


def _pdf(body: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(body, content_type=PDF)
    response["Content-Disposition"] = content_disposition(filename, fallback, inline=True)
    # The team can change (a recusal), and a notice names people: never in a shared cache.
    response["Cache-Control"] = PRIVATE
    return response


@require_safe
@login_required
def task_notices(request: HttpRequest, pk: int) -> HttpResponse:
    """All notices of the task the user may see, one PDF, a page per target."""
    task = _task(pk)
    notices = documents.notices_for(task, _notice_targets(request, task))
    if not notices:
        raise Http404(_("There are no notices for this task (yet)."))
    return _pdf(
        documents.notices_pdf(notices, portal_url=_portal_url(request)),
        f"{task.number}-检查通知书.pdf",
        f"task-{pk}-notices.pdf",
    )


def _one_notice(request: HttpRequest, pk: int, position: int) -> documents.Notice:
    task = _task(pk)
    drawn = DrawnTarget.objects.filter(
        draw__task=task, draw__superseded=False, position=position
    ).first()
    if drawn is None or drawn.target_id not in _notice_targets(request, task):
        raise Http404(_("No such notice, or it is outside your data scope."))
    return documents.notices_for(task, [drawn.target_id])[0]


@require_safe
@login_required
def task_notice(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """The notice of the target at ``position`` in dispatch order, as PDF."""
    notice = _one_notice(request, pk, position)
    body = documents.notices_pdf([notice], portal_url=_portal_url(request))
    return _pdf(body, f"{notice.number}-检查通知书.pdf", f"task-{pk}-notice-{position:03d}.pdf")


@require_safe
@login_required
def task_notice_html(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """The same notice as a printable page (what the PDF is rendered from)."""
    notice = _one_notice(request, pk, position)
    response = HttpResponse(documents.notices_html([notice], portal_url=_portal_url(request)))
    response["Cache-Control"] = PRIVATE
    return response


def _assignment_list(request: HttpRequest, pk: int, inspector_id: int) -> documents.AssignmentList:
    task = _task(pk)
    rows = Assignment.objects.filter(task=task, inspector_id=inspector_id)
    if not _visible(request, rows).exists():
        raise Http404(_("No such record, or it is outside your data scope."))
    inspector = Inspector.objects.select_related("department").get(pk=inspector_id)
    return documents.assignment_list(task, inspector)


@require_safe
@login_required
def inspector_assignments(request: HttpRequest, pk: int, inspector_id: int) -> HttpResponse:
    data = _assignment_list(request, pk, inspector_id)
    pdf_url = reverse("web:inspector_assignments_pdf", args=[pk, inspector_id])
    response = HttpResponse(documents.assignment_list_html(data, pdf_url=pdf_url))
    response["Cache-Control"] = PRIVATE
    return response


@require_safe
@login_required
def inspector_assignments_pdf(request: HttpRequest, pk: int, inspector_id: int) -> HttpResponse:
    data = _assignment_list(request, pk, inspector_id)
    return _pdf(
        documents.assignment_list_pdf(data),
        f"{data.task.number}-{data.inspector.name}-任务清单.pdf",
        f"task-{pk}-inspector-{inspector_id}-assignments.pdf",
    )
