"""Results (检查结果): entry by the team on a phone or at a desk, review and publication by
the department, follow-up and referral, the overdue list; the evidence download.

Who sees what:
- the inspectors on a target's team enter and correct its result;
- the department's administrators (and the county supervisor, read-only) see its results;
- a department that received a referral sees the result and its evidence;
- the public sees only the frozen public copy (``Publication``), on the public pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuangsuiji.directory.models import Target
from shuangsuiji.errors import DomainError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action
from shuangsuiji.results import selectors
from shuangsuiji.results import services as svc
from shuangsuiji.results.models import (
    AttachmentKind,
    FollowUp,
    FollowUpState,
    Reminder,
    Result,
    ResultStatus,
)
from shuangsuiji.results.services.attachments import attachment_path
from shuangsuiji.results.services.entry import EDITABLE, items_for_part, team
from shuangsuiji.results.services.review import may_review
from shuangsuiji.tasks.models import Task

from .forms_results import CloseForm, FollowUpForm, ResultForm, ReturnForm
from .views_plans import actor, not_found, staff_department_ids

#: Upload fields of the entry form → attachment kind.
UPLOAD_FIELDS = {
    "photos": AttachmentKind.PHOTO,
    "documents": AttachmentKind.DOCUMENT,
    "third_party": AttachmentKind.THIRD_PARTY,
}


def _may_see(request: HttpRequest, result: Result) -> bool:
    """Staff access to a result and its evidence (never the public's)."""
    user = request.user
    if result.department_id in staff_department_ids(request):
        return True
    if result.entered_by_id == getattr(user, "pk", None):
        return True
    if svc.user_on_team(user, result.task, result.target) is not None:
        return True
    # A department that received a referral sees the result with its evidence.
    return result.follow_ups.filter(department__in=_acting_department_ids(request)).exists()


def _acting_department_ids(request: HttpRequest) -> list[int]:
    return [d.pk for d in policy.departments_user_acts_for(request.user, Action.CHANGE)]


def _result_or_404(request: HttpRequest, pk: int) -> Result:
    result = get_object_or_404(
        Result.objects.select_related("task", "target", "department", "category", "entered_by"),
        pk=pk,
    )
    if not _may_see(request, result):
        raise not_found()
    return result


@login_required
def result_entry(request: HttpRequest, task_pk: int, target_pk: int) -> HttpResponse:
    task = get_object_or_404(Task, pk=task_pk)
    target = get_object_or_404(Target, pk=target_pk)
    user = actor(request)
    member = svc.user_on_team(user, task, target)
    if member is None:
        raise not_found()
    result = Result.objects.filter(task=task, target=target, department=member.department).first()
    if result is not None and result.status not in EDITABLE:
        return redirect("web:result_detail", pk=result.pk)
    members = list(team(task, target))
    items = items_for_part(task, member.department)
    form = ResultForm(request.POST or None, team=members, items=items, result=result)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = svc.result_save(actor=user, task=task, target=target, data=form.to_input())
                for field, kind in UPLOAD_FIELDS.items():
                    for upload in request.FILES.getlist(field):
                        svc.attachment_add(
                            actor=user,
                            result=saved,
                            kind=kind,
                            name=upload.name or "",
                            stream=upload,
                            size=upload.size or 0,
                        )
                if "submit" in request.POST:
                    svc.result_submit(actor=user, result=saved)
        except DomainError as e:
            # Nothing of this request was kept; the form keeps what was typed.
            form.add_error(None, str(e))
        else:
            if "submit" in request.POST:
                messages.success(request, _("The result was sent for review."))
                return redirect("web:result_detail", pk=saved.pk)
            messages.success(request, _("Saved as a draft."))
            return redirect("web:result_entry", task_pk=task.pk, target_pk=target.pk)
    return render(
        request,
        "web/result_entry.html",
        {
            "task": task,
            "target": target,
            "form": form,
            "result": result,
            "attachments": result.attachments.all() if result else [],
            "max_mb": _max_mb(),
        },
    )


def _max_mb() -> int:
    from django.conf import settings

    return int(settings.SHUANGSUIJI_ATTACHMENT_MAX_BYTES // 1048576)


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = _result_or_404(request, pk)
    user = actor(request)
    reviewer = may_review(user, result.department) and result.entered_by_id != user.pk
    on_team = svc.user_on_team(user, result.task, result.target) is not None
    return render(
        request,
        "web/result_detail.html",
        {
            "result": result,
            "present": result.present.select_related("inspector"),
            "outcomes": result.item_outcomes.select_related("item"),
            "attachments": result.attachments.all(),
            "follow_ups": result.follow_ups.select_related("department", "referred_by", "owner"),
            "publication": result.publication,
            "can_review": reviewer and result.status == ResultStatus.SUBMITTED,
            "can_edit": on_team and result.status in EDITABLE,
            "can_follow_up": may_review(user, result.department)
            and result.status in (ResultStatus.SUBMITTED, ResultStatus.PUBLISHED),
            "return_form": ReturnForm(),
            "followup_form": FollowUpForm(exclude_department=result.department),
            "today": timezone.localdate(),
        },
    )


def _redirect_detail(result: Result) -> HttpResponse:
    return redirect("web:result_detail", pk=result.pk)


@login_required
@require_POST
def result_return(request: HttpRequest, pk: int) -> HttpResponse:
    result = _result_or_404(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what needs to be corrected."))
        return _redirect_detail(result)
    try:
        svc.result_return(actor=actor(request), result=result, reason=form.cleaned_data["reason"])
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The result was returned to the inspectors."))
    return _redirect_detail(result)


@login_required
@require_POST
def result_publish(request: HttpRequest, pk: int) -> HttpResponse:
    result = _result_or_404(request, pk)
    try:
        publication = svc.result_publish(actor=actor(request), result=result)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        if publication is None:
            messages.success(
                request,
                _(
                    "Approved. The joint result is published once every department's part "
                    "is approved."
                ),
            )
        elif publication.late:
            messages.warning(
                request,
                _("Published, %(n)d working days after the deadline; this is on the record.")
                % {"n": publication.working_days_late},
            )
        else:
            messages.success(request, _("Published."))
    return _redirect_detail(result)


@login_required
@require_POST
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    result = _result_or_404(request, pk)
    form = FollowUpForm(request.POST, exclude_department=result.department)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _redirect_detail(result)
    c = form.cleaned_data
    try:
        svc.followup_create(
            actor=actor(request),
            result=result,
            action=c["action"],
            description=c["description"],
            due_date=c["due_date"],
            to_department=c.get("to_department"),
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Follow-up recorded."))
    return _redirect_detail(result)


@login_required
def followup_inbox(request: HttpRequest) -> HttpResponse:
    acting = _acting_department_ids(request)
    visible = staff_department_ids(request)
    own = [pk for pk in visible if pk in acting] or visible
    today = timezone.localdate()
    return render(
        request,
        "web/followup_inbox.html",
        {
            "inbox": selectors.inbox(own),
            "sent": selectors.sent_referrals(own),
            "close_form": CloseForm(),
            "today": today,
            "acting": set(acting),
            "open_state": FollowUpState.OPEN,
        },
    )


@login_required
@require_POST
def followup_close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp, pk=pk)
    if (
        not policy.instances_user_has_permission_for(request.user, Action.VIEW, FollowUp)
        .filter(pk=pk)
        .exists()
    ):
        raise not_found()
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Closing a follow-up needs a note saying what was done."))
        return redirect("web:followup_inbox")
    try:
        svc.followup_close(
            actor=actor(request), follow_up=follow_up, note=form.cleaned_data["note"]
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Follow-up closed."))
    return redirect("web:followup_inbox")


@login_required
def department_results(request: HttpRequest, department_id: int) -> HttpResponse:
    """The department's results desk: what awaits review, what is overdue or due soon,
    what went out late."""
    if department_id not in staff_department_ids(request):
        raise not_found()
    from shuangsuiji.organizations.models import Department

    department = get_object_or_404(Department, pk=department_id)
    ids = [department.pk]
    today = timezone.localdate()
    return render(
        request,
        "web/department_results.html",
        {
            "department": department,
            "queue": selectors.review_queue(ids),
            "overdue": selectors.overdue(ids, today),
            "due_soon": selectors.due_soon(ids, today),
            "late": selectors.late_parts(ids)[:50],
            "waiting": selectors.waiting_parts(ids),
            "missing": selectors.missing_parts(ids),
            "drafts": selectors.unpublished(ids).filter(
                status__in=[ResultStatus.DRAFT, ResultStatus.RETURNED]
            ),
            "today": today,
        },
    )


@login_required
def results_home(request: HttpRequest) -> HttpResponse:
    """Pick the department whose results desk to open (most users have one)."""
    ids = staff_department_ids(request)
    if len(ids) == 1:
        return redirect("web:department_results", department_id=ids[0])
    if not ids:
        return redirect("web:my")
    from shuangsuiji.organizations.models import Department

    today = timezone.localdate()
    departments = Department.objects.filter(pk__in=ids).order_by("sort_order")
    rows = [
        (d, selectors.review_queue([d.pk]).count(), selectors.overdue([d.pk], today).count())
        for d in departments
    ]
    return render(request, "web/results_home.html", {"rows": rows})


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    from shuangsuiji.results.models import Attachment

    attachment = get_object_or_404(Attachment.objects.select_related("result"), pk=pk)
    if not _may_see(request, attachment.result):
        raise not_found()
    path = attachment_path(attachment)
    if not path.exists():
        raise not_found()
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = _disposition(attachment.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    return f"inline; filename*=UTF-8''{quote(name)}"


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    qs = Reminder.objects.filter(user=user).select_related("result")[:100]
    rows = list(qs)
    Reminder.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "web/reminders.html", {"reminders": rows})
