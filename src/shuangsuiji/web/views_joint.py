"""Joint tasks on the task page (跨部门联合抽查): who takes part, who has confirmed, and the
participant's confirmation with its own items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action
from shuangsuiji.tasks import services
from shuangsuiji.tasks.models import Task, TaskParticipation, TaskStatus

from .views_plans import actor, forbidden


def _item_label(item: InspectionItem) -> str:
    return f"{item.code} {item.name}"


class ConfirmPartForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        label=_("Our items in this joint inspection"),
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, participation: TaskParticipation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = InspectionItem.objects.filter(
            department=participation.department_id
        ).order_by("code")
        field.label_from_instance = _item_label  # type: ignore[method-assign,assignment]


def _my_participation(request: HttpRequest, task: Task) -> TaskParticipation | None:
    acting = {d.pk for d in policy.departments_user_acts_for(request.user, Action.CHANGE)}
    return (
        task.participations.filter(department__in=acting, confirmed_at__isnull=True)
        .select_related("department")
        .first()
    )


def joint_context(request: HttpRequest, task: Task) -> dict[str, Any]:
    participations = list(
        task.participations.select_related("department", "confirmed_by").order_by(
            "department__sort_order"
        )
    )
    mine = _my_participation(request, task) if task.status == TaskStatus.DRAFT else None
    return {
        "participations": participations,
        "unconfirmed": [p for p in participations if p.confirmed_at is None],
        "my_participation": mine,
        "confirm_form": ConfirmPartForm(participation=mine) if mine else None,
    }


@require_POST
@login_required
def task_participation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    from .views_tasks import _staff_task

    task = _staff_task(request, pk)
    mine = _my_participation(request, task)
    if mine is None:
        return forbidden(request)
    form = ConfirmPartForm(request.POST, participation=mine)
    if not form.is_valid():
        messages.error(request, _("Choose at least one of your department's inspection items."))
        return redirect("web:task_detail", pk=task.pk)
    try:
        services.task_participation_confirm(
            task=task,
            department=mine.department,
            actor=actor(request),
            items=list(form.cleaned_data["items"]),
        )
    except NotAllowed:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Our part of the joint inspection is confirmed."))
    return redirect("web:task_detail", pk=task.pk)
