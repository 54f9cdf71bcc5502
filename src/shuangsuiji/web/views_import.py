"""Import and export pages (导入导出): upload → check with a progress bar → preview →
confirm → import with a progress bar; blank templates and exports in the same layout."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shuangsuiji.directory import jobs, selectors
from shuangsuiji.directory.models import ImportJob
from shuangsuiji.directory.tabular import KINDS, export_queryset, write_template
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Role
from shuangsuiji.organizations.policy import Action

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
KIND_LABELS = {"targets": "检查对象", "inspectors": "执法检查人员", "items": "随机抽查事项"}
KIND_TITLES = {
    "targets": gettext_lazy("Inspection targets"),
    "inspectors": gettext_lazy("Inspectors"),
    "items": gettext_lazy("Inspection items"),
}


def _kinds_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    result = []
    for spec in KINDS.values():
        can_import = spec.may_import(user)
        can_view = bool(policy.user_roles(user)) and policy.user_has_permission(
            user, Action.VIEW, spec.model
        )
        if can_import or can_view:
            result.append(
                {
                    "name": spec.name,
                    "label": KIND_TITLES[spec.name],
                    "label_zh": spec.label_zh,
                    "can_import": can_import,
                    "can_export": can_view,
                }
            )
    return result


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    if job.created_by_id != request.user.pk and Role.SYSTEM_ADMIN not in policy.user_roles(
        request.user
    ):
        raise Http404
    return job


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    kinds = _kinds_for(request)
    if not kinds:
        return render(request, "web/forbidden.html", status=403)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if kind not in KINDS or upload is None:
            messages.error(request, _("Choose what to import and a file."))
            return redirect("web:import_home")
        try:
            job = jobs.start_check(
                kind=kind,
                upload=upload,
                actor=request.user,
                background=not getattr(settings, "SHUANGSUIJI_IMPORT_INLINE", False),
            )
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("web:import_home")
        return redirect("web:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by_id=request.user.pk)[:10]
    return render(
        request,
        "web/import_home.html",
        {"kinds": kinds, "recent": recent, "can_import": any(k["can_import"] for k in kinds)},
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    status = jobs.status_of(job)
    outcome = jobs.outcome_of(job)
    problems = [p for p in (outcome.problems if outcome else [])]
    if not problems and job.problems:
        from shuangsuiji.directory.tabular.problems import ImportProblem

        problems = [ImportProblem.from_json(p) for p in job.problems]
    return render(
        request,
        "web/import_job.html",
        {
            "job": job,
            "status": status,
            "running": status["status"] in ("checking", "importing"),
            "outcome": outcome,
            "errors": [p for p in problems if p.is_error],
            "warnings": [p for p in problems if not p.is_error],
            "kind_label": KIND_TITLES.get(job.kind, job.kind),
        },
    )


@login_required
def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(jobs.status_of(_job_or_404(request, pk)))


@login_required
@require_POST
def import_job_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        started = jobs.start_apply(
            job=job,
            actor=request.user,
            background=not getattr(settings, "SHUANGSUIJI_IMPORT_INLINE", False),
        )
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("web:import_job", pk=job.pk)
    if not started:
        messages.info(request, _("This import has already been started."))
    return redirect("web:import_job", pk=job.pk)


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    if not any(k["name"] == kind for k in _kinds_for(request)):
        return render(request, "web/forbidden.html", status=403)
    return _file_response(
        lambda path: write_template(KINDS[kind], path, fmt=fmt),
        f"{KIND_LABELS[kind]}导入模板.{fmt}",
        fmt,
    )


@login_required
def export_kind(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    if not policy.user_roles(request.user):
        return render(request, "web/forbidden.html", status=403)
    spec = KINDS[kind]
    qs = {
        "targets": lambda: selectors.target_list(user=request.user),
        "inspectors": lambda: selectors.inspector_list(user=request.user),
        "items": lambda: selectors.item_list(user=request.user),
    }[kind]()
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _file_response(
        lambda path: export_queryset(spec, qs, path, fmt=fmt, actor=request.user),
        f"{KIND_LABELS[kind]}_{stamp}.{fmt}",
        fmt,
    )


def _file_response(write: object, filename: str, fmt: str) -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=f".{fmt}", delete=False)  # noqa: SIM115
    tmp.close()
    path = Path(tmp.name)
    assert callable(write)
    write(path)
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the data until the response is sent
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt]
    )
