"""Thin views: parse, ask the policy or call one service/selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory import selectors, services
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, Role, User
from shuangsuiji.organizations.policy import Action

from .forms import ItemForm

View = Callable[..., HttpResponse]


def roles_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not policy.user_roles(request.user) & set(roles):
                return _forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/forbidden.html", status=403)


def _page(request: HttpRequest, qs: Any, per_page: int = 50) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


# Where each role lands after login, in order of precedence for people with several roles.
ROLE_HOMES: list[tuple[str, str]] = [
    (Role.SYSTEM_ADMIN, "admin:index"),
    (Role.COUNTY_SUPERVISOR, "web:oversight"),
    (Role.LEAD_ADMIN, "web:workspace"),
    (Role.DEPARTMENT_ADMIN, "web:workspace"),
    (Role.INSPECTOR, "web:my"),
]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("web:public_home")
    roles = policy.user_roles(request.user)
    for role, target in ROLE_HOMES:
        if role in roles:
            return redirect(target)
    return render(request, "web/no_role.html")


@roles_required(Role.COUNTY_SUPERVISOR, Role.SYSTEM_ADMIN)
def oversight(request: HttpRequest) -> HttpResponse:
    """The county supervisors' home: the supervision dashboard (督查考核, issue 10)."""
    from .views_oversight import dashboard

    return dashboard(request)


@roles_required(Role.LEAD_ADMIN, Role.DEPARTMENT_ADMIN)
def workspace(request: HttpRequest) -> HttpResponse:
    departments = policy.departments_user_acts_for(request.user)
    today = timezone.localdate()
    soon = today + dt.timedelta(days=60)
    inspectors = selectors.inspector_list(user=request.user)
    context = {
        "departments": departments,
        "items": selectors.item_list(user=request.user).filter(
            department__in=[d.pk for d in departments]
        ),
        "inspector_total": inspectors.count(),
        "expired": inspectors.filter(certificate_valid_to__lt=today).count(),
        "expiring": inspectors.filter(
            certificate_valid_to__gte=today, certificate_valid_to__lte=soon
        ).count(),
    }
    return render(request, "web/workspace.html", context)


@roles_required(Role.INSPECTOR)
def my_home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # roles_required let only logged-in users in
    profiles = list(selectors.inspector_list(user=request.user).filter(user=request.user))
    for p in profiles:
        # Each assignment with its department's result, if one was entered: the link the
        # inspector follows to enter or correct it ("谁检查、谁录入").
        p.rows = _assignment_rows(p)  # type: ignore[attr-defined]
    return render(request, "web/my.html", {"profiles": profiles, "today": timezone.localdate()})


def _assignment_rows(inspector: Inspector) -> list[tuple[Any, Any]]:
    from shuangsuiji.results.models import Result

    assignments = list(
        inspector.assignments.select_related("task", "target").order_by("-task__year", "position")
    )
    results = {
        (r.task_id, r.target_id): r
        for r in Result.objects.filter(
            department=inspector.department_id,
            task__in={a.task_id for a in assignments},
        )
    }
    return [(a, results.get((a.task_id, a.target_id))) for a in assignments]


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    if not policy.user_roles(request.user):
        return _forbidden(request)
    qs = selectors.item_list(user=request.user).order_by("department__sort_order", "code")
    return render(request, "web/item_list.html", {"page": _page(request, qs)})


def _visible_or_404(request: HttpRequest, model: type[Any], pk: int) -> Any:
    qs = policy.instances_user_has_permission_for(request.user, Action.VIEW, model)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("No such record, or it is outside your data scope."))
    return obj


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_or_404(request, InspectionItem, pk)
    can_change = policy.user_has_permission_for_instance(request.user, Action.CHANGE, item)
    history = item.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "web/item_detail.html",
        {"item": item, "can_change": can_change, "history": history},
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_or_404(request, InspectionItem, pk)
    if not policy.user_has_permission_for_instance(request.user, Action.CHANGE, item):
        return _forbidden(request)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, actor=request.user, data=form.cleaned_data)
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return _forbidden(request)
        messages.success(request, _("Saved."))
        return redirect("web:item_detail", pk=item.pk)
    return render(request, "web/item_edit.html", {"item": item, "form": form})


@login_required
def inspector_list(request: HttpRequest) -> HttpResponse:
    if not policy.user_has_permission(request.user, Action.VIEW, Inspector):
        return _forbidden(request)
    qs = selectors.inspector_list(user=request.user)
    return render(
        request,
        "web/inspector_list.html",
        {"page": _page(request, qs), "today": timezone.localdate()},
    )


@login_required
def inspector_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = _visible_or_404(request, Inspector, pk)
    return render(
        request,
        "web/inspector_detail.html",
        {"inspector": inspector, "today": timezone.localdate()},
    )


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not policy.user_has_permission(request.user, Action.VIEW, AuditEvent):
        return _forbidden(request)
    qs = policy.instances_user_has_permission_for(request.user, Action.VIEW, AuditEvent)
    return render(request, "web/audit_list.html", {"page": _page(request, qs.order_by("-seq"))})


def public_items(request: HttpRequest, department_id: int) -> HttpResponse:
    """Kept for old links: the department's public page shows its published item list."""
    department = get_object_or_404(Department, pk=department_id)
    return redirect("web:public_department", department_id=department.pk, permanent=True)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok", "targets": Target.objects.exists()})
