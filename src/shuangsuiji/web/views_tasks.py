"""Random inspection tasks (抽查任务) in their fixed order: create → freeze → draw (at the
public ceremony) → match inspectors → recusal → dispatch; targeted checks and third-party
commissions next to them; the public announcement.

Thin views: parse with a form from :mod:`.forms_tasks`, call one service, render.  The
task's state decides the one next step a page offers; the services refuse anything out of
order anyway (TaskStateError, DrawAlreadyMade) and their messages are shown as they are.

Access, as on every staff page: a task outside the departments the user works in is a 404;
a task the user sees but may not change (the county supervisor) gets 403 on every action.
The secret of a commitment is never rendered before its draw exists: until then only the
commitment (its SHA-256) is shown, on staff and public pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shuangsuiji.directory.models import Target
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.lottery import commitment_of, quota_set
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department
from shuangsuiji.organizations.policy import Action
from shuangsuiji.plans.models import AnnualPlan, PlanStatus
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import (
    Assignment,
    Commitment,
    Draw,
    DrawnTarget,
    Recusal,
    TargetedCheck,
    Task,
    TaskStatus,
)
from shuangsuiji.tasks.services.other import commission_create, targeted_check_create

from .forms_tasks import (
    CommissionForm,
    EntropyForm,
    ReasonForm,
    TargetedCheckForm,
    TaskForm,
)
from .views_plans import (
    actor,
    by_year,
    can_change,
    department_for,
    forbidden,
    language_is_english,
    not_found,
    staff_department_ids,
)

#: The fixed order (R6), as shown on the task page.
STEPS = [
    (TaskStatus.DRAFT, gettext_lazy("Task created")),
    (TaskStatus.FROZEN, gettext_lazy("Population frozen, commitment published")),
    (TaskStatus.DRAWN, gettext_lazy("Targets drawn at the public ceremony")),
    (TaskStatus.MATCHED, gettext_lazy("Inspectors matched")),
    (TaskStatus.DISPATCHED, gettext_lazy("Dispatched")),
]
ORDER = [s for s, _label in STEPS]

#: Download and notice pages of the documents module (views_documents), linked when they
#: exist: our key → URL name (each takes the task's pk).
DOCUMENT_URLS = {
    "population": "web:task_population",
    "exclusions": "web:task_exclusions",
    "draw_record": "web:task_draw_record",
    "matching_record": "web:task_matching_record",
    "matching_inputs": "web:task_matching_inputs",
    "notices": "web:task_notices",
}


def _optional_url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def document_links(task: Task) -> dict[str, str]:
    return {key: _optional_url(name, task.pk) for key, name in DOCUMENT_URLS.items()}


# --- selectors ------------------------------------------------------------------------------


def staff_tasks(request: HttpRequest) -> QuerySet[Task]:
    """Tasks of the departments the user works in (or takes part in), as the policy lets
    the user see them.  Other departments' published tasks are on the public pages."""
    depts = staff_department_ids(request)
    visible = policy.instances_user_has_permission_for(request.user, Action.VIEW, Task)
    return (
        visible.filter(Q(department__in=depts) | Q(participants__in=depts))
        .select_related("department", "plan")
        .distinct()
    )


def public_tasks() -> QuerySet[Task]:
    """What an anonymous visitor sees: random tasks from their freeze on."""
    return policy.instances_user_has_permission_for(
        AnonymousUser(), Action.VIEW, Task
    ).select_related("department", "plan")


def _staff_task(request: HttpRequest, pk: int) -> Task:
    task = staff_tasks(request).filter(pk=pk).first()
    if task is None:
        raise not_found()
    return task


def live_draw(task: Task) -> Draw | None:
    return task.draws.filter(superseded=False).select_related("commitment").first()


def _published(c: Commitment) -> dict[str, Any]:
    """What may be shown of a commitment: never the secret (that is in the draw record,
    published with the draw)."""
    return {
        "sequence": c.sequence,
        "commitment": c.commitment,
        "created_at": c.created_at,
        "reason": c.reason,
    }


def commitment_rows(task: Task) -> list[dict[str, Any]]:
    return [_published(c) for c in task.commitments.order_by("sequence")]


def pending_commitment(task: Task) -> dict[str, Any] | None:
    """The published commitment waiting for its draw (after a freeze or a redraw request)."""
    if task.status != TaskStatus.FROZEN:
        return None
    c = task.commitments.filter(draw__isnull=True).order_by("-sequence").first()
    return _published(c) if c else None


def superseded_rows(draws: QuerySet[Draw]) -> list[dict[str, Any]]:
    """Draws set aside, each with the reason given for the redraw that replaced it."""
    rows = list(draws.filter(superseded=True).order_by("sequence"))
    reasons = (
        dict(Commitment.objects.filter(task=rows[0].task_id).values_list("sequence", "reason"))
        if rows
        else {}
    )
    return [{"draw": d, "reason": reasons.get(d.sequence + 1, "")} for d in rows]


def drawn_rows(draw: Draw) -> QuerySet[DrawnTarget]:
    return draw.drawn.select_related("target").order_by("position")


def inspecting_body(task: Task) -> str:
    if task.plan is not None:
        return task.plan.inspecting_body
    bodies = sorted(set(task.items.values_list("inspecting_body", flat=True)))
    return "、".join(bodies) or task.department.name


def stratum_rows(task: Task, draw: Draw | None) -> list[dict[str, Any]]:
    """Per risk class: eligible targets, quota as written, and how many are (to be) drawn."""
    if draw is not None:
        return [{"stratum": s, **v} for s, v in draw.record["strata"].items()]
    freeze = getattr(task, "freeze", None)
    if freeze is None:
        return []
    quotas = dict(pair.split("=", 1) for pair in freeze.quota_line.split(";"))
    try:
        counts = quota_set(quotas).resolve(freeze.strata)
    except LotteryError:  # the freeze checked this; never hide the page over it
        counts = {}
    return [
        {"stratum": s, "size": n, "quota": quotas.get(s, ""), "drawn": counts.get(s)}
        for s, n in sorted(freeze.strata.items())
    ]


@dataclass
class Team:
    position: int
    target: Target
    members: list[Assignment] = field(default_factory=list)
    recused: list[Assignment] = field(default_factory=list)


def teams_of(task: Task) -> list[Team]:
    teams: dict[int, Team] = {}
    for a in task.assignments.select_related("target", "inspector").order_by("position", "pk"):
        team = teams.setdefault(a.target_id, Team(a.position, a.target))
        (team.members if a.active else team.recused).append(a)
    return sorted(teams.values(), key=lambda t: t.position)


def _steps(task: Task) -> list[dict[str, Any]]:
    now = ORDER.index(TaskStatus(task.status))
    return [
        {"label": label, "state": "done" if n < now else "current" if n == now else "todo"}
        for n, (_status, label) in enumerate(STEPS)
    ]


def _problems(exc: services.MatchingInfeasibleError, task: Task) -> list[dict[str, str]]:
    """The constraints no matching could meet, in the user's language, with target names."""
    english = language_is_english()
    codes = [p.target_id for p in exc.problems if p.target_id]
    names = dict(
        Target.objects.filter(
            region_id=task.department.region_id, credit_code__in=codes
        ).values_list("credit_code", "name")
    )
    return [
        {
            "target_id": p.target_id or "",
            "target_name": names.get(p.target_id or "", ""),
            "code": p.code.value,
            "message": p.message_en if english else p.message_zh,
        }
        for p in exc.problems
    ]


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


# --- tasks ----------------------------------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    if not staff_department_ids(request):
        return forbidden(request)
    tasks = staff_tasks(request)
    tasks, years, year = by_year(request, tasks)
    return render(
        request,
        "web/task_list.html",
        {
            "tasks": tasks.order_by("-year", "department__sort_order", "-serial"),
            "years": years,
            "year": year,
            "departments": policy.departments_user_acts_for(request.user, Action.CHANGE),
        },
    )


@login_required
def task_create(request: HttpRequest, department_id: int) -> HttpResponse:
    try:
        department = department_for(request, department_id)
    except NotAllowed:
        return forbidden(request)
    initial: dict[str, Any] = {}
    wanted = request.GET.get("plan", "")
    if wanted.isdigit():
        plan = AnnualPlan.objects.filter(
            pk=int(wanted), department=department, status=PlanStatus.APPROVED
        ).first()
        if plan is not None:
            initial = TaskForm.initial_from_plan(plan)
    form = TaskForm(request.POST or None, department=department, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(
                department=department, actor=actor(request), **form.service_arguments()
            )
        except NotAllowed:
            return forbidden(request)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Task %(n)s created.") % {"n": task.number})
            return redirect("web:task_detail", pk=task.pk)
    return render(request, "web/task_form.html", {"form": form, "department": department})


def _detail(request: HttpRequest, task: Task, **extra: Any) -> HttpResponse:
    draw = live_draw(task)
    context = {
        "task": task,
        "steps": _steps(task),
        "freeze": getattr(task, "freeze", None),
        "strata": stratum_rows(task, draw),
        "pending": pending_commitment(task),
        "draw": draw,
        "drawn": drawn_rows(draw) if draw else [],
        "commitments": commitment_rows(task),
        "superseded": superseded_rows(task.draws.all()),
        "teams": teams_of(task),
        "recusals": Recusal.objects.filter(assignment__task=task)
        .select_related("assignment__inspector", "assignment__target", "replacement__inspector")
        .order_by("sequence"),
        "commissions": task.commissions.select_related("paying_department").order_by("pk"),
        "can_change": can_change(request, task),
        "docs": document_links(task),
        "problems": [],
    }
    from .views_joint import joint_context

    context.update(joint_context(request, task))
    context.update(extra)
    return render(request, "web/task_detail.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _staff_task(request, pk))


def _acting_on(request: HttpRequest, pk: int) -> tuple[Task, HttpResponse | None]:
    """The task for an action, or the refusal: 404 out of scope, 403 without change rights."""
    task = _staff_task(request, pk)
    return task, None if can_change(request, task) else forbidden(request)


@require_POST
@login_required
def task_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    task, refused = _acting_on(request, pk)
    if refused:
        return refused
    try:
        freeze = services.task_freeze(task=task, actor=actor(request))
    except NotAllowed:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Population frozen: %(n)s eligible targets, %(x)s excluded. "
                "The commitment is published; hold the draw ceremony next."
            )
            % {"n": freeze.population_size, "x": freeze.excluded_count},
        )
    return redirect("web:task_detail", pk=task.pk)


def _ceremony(
    request: HttpRequest, task: Task, form: EntropyForm, status: int = 200
) -> HttpResponse:
    draw = live_draw(task)
    revealed_ok = (
        draw is not None and commitment_of(draw.record["secret"]) == draw.record["commitment"]
    )
    return render(
        request,
        "web/ceremony.html",
        {
            "task": task,
            "freeze": getattr(task, "freeze", None),
            "strata": stratum_rows(task, draw),
            "pending": pending_commitment(task),
            "draw": draw,
            "drawn": drawn_rows(draw) if draw else [],
            "revealed_ok": revealed_ok,
            "superseded": superseded_rows(task.draws.all()),
            "form": form,
            "can_change": can_change(request, task),
            "can_draw": task.status == TaskStatus.FROZEN,
        },
        status=status,
    )


@login_required
def task_ceremony(request: HttpRequest, pk: int) -> HttpResponse:
    """The page projected at the public draw: commitment first, then the draw, then the
    revealed secret, the seed and the drawn list."""
    task = _staff_task(request, pk)
    if task.status == TaskStatus.DRAFT:
        messages.error(request, _("Freeze the population before drawing."))
        return redirect("web:task_detail", pk=task.pk)
    return _ceremony(request, task, EntropyForm())


@require_POST
@login_required
def task_draw(request: HttpRequest, pk: int) -> HttpResponse:
    task, refused = _acting_on(request, pk)
    if refused:
        return refused
    form = EntropyForm(request.POST)
    if not form.is_valid():
        return _ceremony(request, task, form)
    try:
        services.task_draw(task=task, actor=actor(request), entropy=form.cleaned_data["entries"])
    except NotAllowed:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc))
    # On success no message: the ceremony page itself shows the result to the audience.
    return redirect("web:task_ceremony", pk=task.pk)


@login_required
def task_redraw(request: HttpRequest, pk: int) -> HttpResponse:
    task, refused = _acting_on(request, pk)
    if refused:
        return refused
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_request_redraw(
                task=task, actor=actor(request), reason=form.cleaned_data["reason"]
            )
        except NotAllowed:
            return forbidden(request)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "The draw is set aside and a new commitment is published. "
                    "Record new public entropy at the ceremony."
                ),
            )
            return redirect("web:task_ceremony", pk=task.pk)
    return render(
        request, "web/task_redraw.html", {"task": task, "form": form, "draw": live_draw(task)}
    )


@require_POST
@login_required
def task_match(request: HttpRequest, pk: int) -> HttpResponse:
    task, refused = _acting_on(request, pk)
    if refused:
        return refused
    try:
        services.task_match(task=task, actor=actor(request))
    except NotAllowed:
        return forbidden(request)
    except services.MatchingInfeasibleError as exc:
        # Nothing was written; show which targets and which constraint, on the task page.
        return _detail(request, task, problems=_problems(exc, task))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Inspectors matched."))
    return redirect("web:task_detail", pk=task.pk)


@require_POST
@login_required
def task_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    task, refused = _acting_on(request, pk)
    if refused:
        return refused
    try:
        services.task_dispatch(task=task, actor=actor(request))
    except NotAllowed:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Teams dispatched."))
    return redirect("web:task_detail", pk=task.pk)


# --- recusal --------------------------------------------------------------------------------


@login_required
def assignment_recuse(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspector declares a recusal (回避) from their own assignment, or a department
    admin on their behalf; the recorded replacement draw refills the slot."""
    assignment = get_object_or_404(
        policy.instances_user_has_permission_for(
            request.user, Action.VIEW, Assignment
        ).select_related("task", "target", "inspector"),
        pk=pk,
    )
    allowed = can_change(request, assignment)
    form = ReasonForm(request.POST or None)
    problems: list[dict[str, str]] = []
    if request.method == "POST":
        if not allowed:
            return forbidden(request)
        if form.is_valid():
            try:
                recusal = services.assignment_recuse(
                    assignment=assignment, actor=actor(request), reason=form.cleaned_data["reason"]
                )
            except NotAllowed:
                return forbidden(request)
            except services.MatchingInfeasibleError as exc:
                problems = _problems(exc, assignment.task)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Recusal recorded. %(new)s replaces %(old)s.")
                    % {"new": recusal.replacement.inspector, "old": assignment.inspector},
                )
                staff = assignment.task.pk in staff_tasks(request).values_list("pk", flat=True)
                return _back(
                    request,
                    reverse("web:task_detail", args=[assignment.task_id])
                    if staff
                    else reverse("web:my"),
                )
    team = (
        Assignment.objects.filter(task=assignment.task_id, target=assignment.target_id, active=True)
        .select_related("inspector")
        .order_by("pk")
    )
    return render(
        request,
        "web/task_recuse.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "team": team,
            "form": form,
            "can_change": allowed and assignment.active,
            "problems": problems,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )


# --- commissions and targeted checks --------------------------------------------------------


@login_required
def task_commissions(request: HttpRequest, pk: int) -> HttpResponse:
    task = _staff_task(request, pk)
    allowed = can_change(request, task)
    form = CommissionForm(request.POST or None, task=task)
    if request.method == "POST":
        if not allowed:
            return forbidden(request)
        if form.is_valid():
            try:
                commission_create(task=task, actor=actor(request), **form.cleaned_data)
            except NotAllowed:
                return forbidden(request)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Commission recorded."))
                return redirect("web:task_commissions", pk=task.pk)
    return render(
        request,
        "web/task_commissions.html",
        {
            "task": task,
            "form": form,
            "can_change": allowed,
            "commissions": task.commissions.select_related("paying_department").order_by("pk"),
        },
    )


@login_required
def targeted_checks(request: HttpRequest, department_id: int) -> HttpResponse:
    """Targeted (non-random) checks of a department: recorded apart from the random tasks
    and never counted as random coverage (R7)."""
    try:
        department, allowed = department_for(request, department_id), True
    except NotAllowed:  # seen (the supervisor) but not changed
        department, allowed = _viewed_department(request, department_id), False
    form = TargetedCheckForm(request.POST or None)
    if request.method == "POST":
        if not allowed:
            return forbidden(request)
        if form.is_valid():
            data = form.cleaned_data
            target = Target.objects.filter(
                region_id=department.region_id, credit_code=data["credit_code"]
            ).first()
            if target is None:
                form.add_error("credit_code", _("No target with this credit code."))
            else:
                try:
                    targeted_check_create(
                        department=department,
                        actor=actor(request),
                        target=target,
                        source=data["source"],
                        reason=data["reason"],
                        check_date=data["check_date"],
                        reference=data["reference"],
                    )
                except NotAllowed:
                    return forbidden(request)
                except DomainError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Targeted check recorded."))
                    return redirect("web:targeted_checks", department_id=department.pk)
    checks = (
        policy.instances_user_has_permission_for(request.user, Action.VIEW, TargetedCheck)
        .filter(department=department)
        .select_related("target")
        .order_by("-check_date", "-pk")
    )
    return render(
        request,
        "web/task_targeted_checks.html",
        {"department": department, "form": form, "checks": checks, "can_change": allowed},
    )


def _viewed_department(request: HttpRequest, pk: int) -> Department:
    for dept in policy.departments_user_acts_for(request.user, Action.VIEW):
        if dept.pk == pk:
            return dept
    raise not_found()


# --- public announcement --------------------------------------------------------------------


def public_task_list(request: HttpRequest) -> HttpResponse:
    tasks = public_tasks()
    tasks, years, year = by_year(request, tasks)
    return render(
        request,
        "web/public_task_list.html",
        {
            "tasks": tasks.order_by("-year", "department__sort_order", "-serial"),
            "years": years,
            "year": year,
        },
    )


def public_task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The task's announcement (R13): what was drawn from what, how, and every redraw."""
    task = get_object_or_404(public_tasks(), pk=pk)
    draws = policy.instances_user_has_permission_for(
        AnonymousUser(), Action.VIEW, Draw.objects.filter(task=task)
    ).select_related("commitment")
    draw = draws.filter(superseded=False).first()
    return render(
        request,
        "web/public_task_detail.html",
        {
            "task": task,
            "items": task.items.order_by("code"),
            "inspecting_body": inspecting_body(task),
            "freeze": getattr(task, "freeze", None),
            "pending": pending_commitment(task),
            "commitments": commitment_rows(task),
            "draw": draw,
            "drawn": drawn_rows(draw) if draw else [],
            "superseded": superseded_rows(draws),
            "docs": document_links(task),
        },
    )
