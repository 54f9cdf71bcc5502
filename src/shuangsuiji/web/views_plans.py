"""Annual plans (年度抽查计划): list, create, edit, submit, approve, amend; the public pages.

Thin views: parse with a form, call one plan service, render.  Which plans a page shows is
the data-scope policy's answer; the staff pages show a department's own plans (what the
policy lets the user see in the departments it works in), and anything else is a 404, as
everywhere else on the platform.  Approved plans of every department are on the public pages.

The helpers at the top are shared with :mod:`.views_tasks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import AnnualPlan, PlanAmendment, PlanStatus
from shuangsuiji.tasks.models import TaskStatus

from .forms_tasks import RISK_CLASSES, AmendForm, PlanForm

#: Task states in which the targets have been drawn ("executed" in the plan's tally).
DRAWN_STATES = (TaskStatus.DRAWN, TaskStatus.MATCHED, TaskStatus.DISPATCHED)


# --- helpers shared with views_tasks -------------------------------------------------------


def actor(request: HttpRequest) -> User:
    """The logged-in user (every staff view is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/forbidden.html", status=403)


def not_found() -> Http404:
    return Http404(_("No such record, or it is outside your data scope."))


def staff_department_ids(request: HttpRequest) -> list[int]:
    """The departments whose work the user sees on the staff pages: the policy's view scope
    in departments (own, own and below, or all).  Empty for inspectors and the public."""
    return [d.pk for d in policy.departments_user_acts_for(request.user, Action.VIEW)]


def department_for(request: HttpRequest, pk: int) -> Department:
    """A department the user may act for; a department the user only sees → 403 (the
    supervisor); anything else → 404 (never reveal what is out of scope)."""
    for dept in policy.departments_user_acts_for(request.user, Action.CHANGE):
        if dept.pk == pk:
            return dept
    if pk in staff_department_ids(request):
        raise NotAllowed(_("You may see this department's work but not change it."))
    raise not_found()


def by_year(request: HttpRequest, qs: QuerySet[Any]) -> tuple[QuerySet[Any], list[int], str]:
    """The year picker of the plan and task lists: the years present (asked of the database,
    not collected in Python) and ``qs`` narrowed to the chosen year, if any."""
    years = list(qs.order_by("-year").values_list("year", flat=True).distinct())
    year = request.GET.get("year", "")
    return (qs.filter(year=int(year)) if year.isdigit() else qs), years, year


def can_change(request: HttpRequest, obj: Any) -> bool:
    return policy.user_has_permission_for_instance(request.user, Action.CHANGE, obj)


def language_is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


# --- selectors ------------------------------------------------------------------------------


def staff_plans(request: HttpRequest) -> QuerySet[AnnualPlan]:
    """The plans of the departments the user works in, as the policy lets the user see them,
    with the joint plans they take part in (which count toward their own annual plan)."""
    visible = policy.instances_user_has_permission_for(request.user, Action.VIEW, AnnualPlan)
    ids = staff_department_ids(request)
    return (
        visible.filter(Q(department__in=ids) | Q(participants__in=ids))
        .select_related("department")
        .distinct()
    )


def public_plans() -> QuerySet[AnnualPlan]:
    """What an anonymous visitor sees: approved plans."""
    return policy.instances_user_has_permission_for(
        AnonymousUser(), Action.VIEW, AnnualPlan
    ).select_related("department")


def plan_is_late(plan: AnnualPlan) -> bool:
    """Submitted after its due date (20 January of the plan's year)."""
    return plan.submitted_at is not None and timezone.localdate(plan.submitted_at) > plan.due_date


@dataclass(frozen=True)
class PlanRow:
    plan: AnnualPlan
    late: bool
    tasks_created: int
    tasks_drawn: int


def plan_rows(plans: Iterable[AnnualPlan]) -> list[PlanRow]:
    plans = list(plans)
    counts = {
        row["pk"]: row
        for row in AnnualPlan.objects.filter(pk__in=[p.pk for p in plans])
        .annotate(
            created=Count("tasks"),
            drawn=Count("tasks", filter=Q(tasks__status__in=DRAWN_STATES)),
        )
        .values("pk", "created", "drawn")
    }
    return [
        PlanRow(p, plan_is_late(p), counts[p.pk]["created"], counts[p.pk]["drawn"]) for p in plans
    ]


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "；".join(f"{k}={v}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def change_rows(amendment: PlanAmendment) -> list[tuple[str, str, str]]:
    """An amendment's changes as (field label, before, after) for display."""
    rows = []
    for field, (before, after) in amendment.changes.items():
        label = (
            _("Inspection items")
            if field == "items"
            else str(getattr(AnnualPlan._meta.get_field(field), "verbose_name", field))
        )
        rows.append((label, _show(before), _show(after)))
    return rows


def _amendments(plan: AnnualPlan) -> list[tuple[PlanAmendment, list[tuple[str, str, str]]]]:
    return [(a, change_rows(a)) for a in plan.amendments.order_by("number")]


def _ratios(plan: AnnualPlan) -> list[tuple[str, str]]:
    return [(c, plan.ratios.get(c, "—")) for c in RISK_CLASSES]


# --- staff pages ----------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if not staff_department_ids(request):
        return forbidden(request)
    plans = staff_plans(request)
    plans, years, year = by_year(request, plans)
    return render(
        request,
        "web/plan_list.html",
        {
            "rows": plan_rows(plans.order_by("-year", "department__sort_order", "name")),
            "years": years,
            "year": year,
            "departments": policy.departments_user_acts_for(request.user, Action.CHANGE),
        },
    )


@login_required
def plan_create(request: HttpRequest, department_id: int) -> HttpResponse:
    try:
        department = department_for(request, department_id)
    except NotAllowed:
        return forbidden(request)
    form = PlanForm(
        request.POST or None,
        department=department,
        initial={
            "year": timezone.localdate().year,
            "inspecting_body": department.name,
            "planned_tasks": 1,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_services.plan_create(
                department=department,
                actor=actor(request),
                year=form.cleaned_data["year"],
                items=list(form.cleaned_data["items"]),
                **form.service_fields(),
            )
        except NotAllowed:
            return forbidden(request)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Plan saved as a draft."))
            return redirect("web:plan_detail", pk=plan.pk)
    return render(
        request,
        "web/plan_form.html",
        {"form": form, "department": department, "plan": None},
    )


def _staff_plan(request: HttpRequest, pk: int) -> AnnualPlan:
    plan = staff_plans(request).filter(pk=pk).first()
    if plan is None:
        raise not_found()
    return plan


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _staff_plan(request, pk)
    row = plan_rows([plan])[0]
    return render(
        request,
        "web/plan_detail.html",
        {
            "plan": plan,
            "row": row,
            "ratios": _ratios(plan),
            "amendments": _amendments(plan),
            "tasks": plan.tasks.order_by("-serial"),
            "can_change": can_change(request, plan),
            "statuses": PlanStatus,
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _staff_plan(request, pk)
    if not can_change(request, plan):
        return forbidden(request)
    if plan.locked:
        messages.error(
            request, _("The plan is approved and locked; record an amendment with its reason.")
        )
        return redirect("web:plan_amend", pk=plan.pk)
    form = PlanForm(
        request.POST or None,
        department=plan.department,
        with_year=False,
        initial=PlanForm.initial_for(plan),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.plan_update(
                plan=plan,
                actor=actor(request),
                items=list(form.cleaned_data["items"]),
                **form.service_fields(),
            )
        except NotAllowed:
            return forbidden(request)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("web:plan_detail", pk=plan.pk)
    return render(
        request,
        "web/plan_form.html",
        {"form": form, "department": plan.department, "plan": plan},
    )


def _plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    plan = _staff_plan(request, pk)
    if not can_change(request, plan):
        return forbidden(request)
    service = plan_services.plan_submit if step == "submit" else plan_services.plan_approve
    try:
        service(plan=plan, actor=actor(request))
    except NotAllowed:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        plan.refresh_from_db()
        if step == "submit" and plan_is_late(plan):
            messages.warning(request, _("Submitted after the due date of 20 January: late."))
        else:
            messages.success(
                request, _("Plan submitted.") if step == "submit" else _("Plan approved.")
            )
    return redirect("web:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(request, pk, "submit")


@require_POST
@login_required
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(request, pk, "approve")


@login_required
def plan_amend(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _staff_plan(request, pk)
    if not can_change(request, plan):
        return forbidden(request)
    if not plan.locked:
        messages.error(request, _("Only an approved plan is amended; edit the draft instead."))
        return redirect("web:plan_detail", pk=plan.pk)
    form = AmendForm(
        request.POST or None, department=plan.department, initial=PlanForm.initial_for(plan)
    )
    if request.method == "POST" and form.is_valid():
        try:
            amendment = plan_services.plan_amend(
                plan=plan,
                actor=actor(request),
                reason=form.cleaned_data["reason"],
                items=list(form.cleaned_data["items"]),
                **form.service_fields(),
            )
        except NotAllowed:
            return forbidden(request)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Amendment %(n)s recorded; it is shown publicly with its reason.")
                % {"n": amendment.number},
            )
            return redirect("web:plan_detail", pk=plan.pk)
    return render(
        request,
        "web/plan_amend.html",
        {"form": form, "plan": plan, "amendments": _amendments(plan)},
    )


# --- public pages ---------------------------------------------------------------------------


def public_plan_list(request: HttpRequest) -> HttpResponse:
    plans = public_plans()
    plans, years, year = by_year(request, plans)
    plans = plans.annotate(amendment_count=Count("amendments")).order_by(
        "-year", "department__sort_order", "name"
    )
    return render(
        request,
        "web/public_plan_list.html",
        {"plans": plans, "years": years, "year": year},
    )


def public_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(public_plans(), pk=pk)
    return render(
        request,
        "web/public_plan_detail.html",
        {"plan": plan, "ratios": _ratios(plan), "amendments": _amendments(plan)},
    )
