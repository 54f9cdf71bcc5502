"""Department pages for 一单两库: publishing the item list, the sampling rules, the target
library, inspectors' status and declared conflicts of interest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shuangsuiji.directory import library_changes, people, publishing
from shuangsuiji.directory.models import (
    DepartmentRules,
    EntityKind,
    Inspector,
    InspectorStatus,
    ItemListVersion,
    Target,
)
from shuangsuiji.errors import DomainError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, Region, User
from shuangsuiji.organizations.policy import Action


def _actor(request: HttpRequest) -> User:
    """The logged-in user (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _department_for(request: HttpRequest, pk: int) -> Department:
    """A department the user may act for, or 404 (never reveal what is out of scope)."""
    for dept in policy.departments_user_acts_for(request.user):
        if dept.pk == pk:
            return dept
    raise Http404(_("No such record, or it is outside your data scope."))


@require_POST
@login_required
def item_list_publish(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department_for(request, department_id)
    try:
        version = publishing.item_list_publish(department=department, actor=_actor(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Item list published as version %(v)s (%(n)s items).")
            % {"v": version.version, "n": len(version.items)},
        )
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (only a local URL), else the user's home."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:home")


class RulesForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    principles = forms.CharField(
        label=gettext_lazy("Principles"), widget=forms.Textarea, required=False
    )
    tasks = forms.CharField(label=gettext_lazy("Tasks"), widget=forms.Textarea, required=False)
    methods = forms.CharField(label=gettext_lazy("Methods"), widget=forms.Textarea, required=False)
    publication = forms.CharField(
        label=gettext_lazy("Publication of results"), widget=forms.Textarea, required=False
    )
    assessment = forms.CharField(
        label=gettext_lazy("Assessment"), widget=forms.Textarea, required=False
    )


@login_required
def rules_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department_for(request, department_id)
    versions = DepartmentRules.objects.filter(department=department).order_by("-version")
    latest = versions.first()
    initial = {f: getattr(latest, f) for f in publishing.RULES_FIELDS} if latest else {}
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            publishing.rules_save(
                department=department, actor=_actor(request), data=form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved as a draft. Publish it to make it public."))
            return redirect("web:rules_edit", department_id=department.pk)
    return render(
        request,
        "web/rules_edit.html",
        {"department": department, "form": form, "versions": versions, "latest": latest},
    )


@require_POST
@login_required
def rules_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rules = get_object_or_404(
        policy.instances_user_has_permission_for(request.user, Action.CHANGE, DepartmentRules),
        pk=pk,
    )
    try:
        publishing.rules_publish(rules=rules, actor=_actor(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rules published."))
    return redirect("web:rules_edit", department_id=rules.department_id)


class LibraryRulesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Entity kinds"),
        choices=EntityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry_prefixes = forms.CharField(
        label=gettext_lazy("Industry codes (GB/T 4754, prefixes, separated by spaces)"),
        required=False,
    )
    townships = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Townships / streets"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AdjustForm(forms.Form):
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18, min_length=18
    )
    included = forms.TypedChoiceField(
        label=gettext_lazy("Change"),
        coerce=lambda v: v == "1",
        choices=[
            ("1", gettext_lazy("Add to the library")),
            ("0", gettext_lazy("Remove from the library")),
        ],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


@login_required
def library_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department_for(request, department_id)
    library = library_changes.library_for(department)
    townships = Region.objects.filter(parent=department.region).order_by("code")
    rules_form = LibraryRulesForm(
        request.POST if request.POST.get("form") == "rules" else None,
        initial={
            "kinds": library.kinds,
            "industry_prefixes": " ".join(library.industry_prefixes),
            "townships": list(townships.filter(code__in=library.township_codes)),
        },
    )
    rules_form.fields["townships"].queryset = townships  # type: ignore[attr-defined]
    adjust_form = AdjustForm(request.POST if request.POST.get("form") == "adjust" else None)
    try:
        if (
            request.method == "POST"
            and request.POST.get("form") == "rules"
            and rules_form.is_valid()
        ):
            data = rules_form.cleaned_data
            library_changes.library_set_rules(
                library=library,
                actor=_actor(request),
                kinds=data["kinds"],
                industry_prefixes=data["industry_prefixes"]
                .replace("，", " ")
                .replace(",", " ")
                .split(),
                township_codes=[t.code for t in data["townships"]],
            )
            messages.success(request, _("Library rules saved."))
            return redirect("web:library_edit", department_id=department.pk)
        if (
            request.method == "POST"
            and request.POST.get("form") == "adjust"
            and adjust_form.is_valid()
        ):
            data = adjust_form.cleaned_data
            target = Target.objects.filter(
                region__code=department.region.code, credit_code=data["credit_code"].upper()
            ).first()
            if target is None:
                adjust_form.add_error("credit_code", _("No target with this credit code."))
            else:
                library_changes.library_adjust(
                    library=library,
                    target=target,
                    included=data["included"],
                    reason=data["reason"],
                    actor=_actor(request),
                )
                messages.success(request, _("Saved."))
                return redirect("web:library_edit", department_id=department.pk)
    except DomainError as exc:
        messages.error(request, str(exc))
    adjustments = library.adjustments.select_related("target").order_by("-created_at")[:100]
    return render(
        request,
        "web/library_edit.html",
        {
            "department": department,
            "library": library,
            "rules_form": rules_form,
            "adjust_form": adjust_form,
            "adjustments": adjustments,
        },
    )


class ConflictForm(forms.Form):
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code of the target"), max_length=18, min_length=18
    )
    reason = forms.CharField(label=gettext_lazy("Reason (relationship, interest)"), max_length=200)
    valid_from = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=gettext_lazy("To (empty: open-ended)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
def inspector_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_object_or_404(
        policy.instances_user_has_permission_for(request.user, Action.VIEW, Inspector), pk=pk
    )
    can_change = policy.user_has_permission_for_instance(request.user, Action.CHANGE, inspector)
    form = ConflictForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST":
        if not can_change:
            return render(request, "web/forbidden.html", status=403)
        if form.is_valid():
            data: dict[str, Any] = form.cleaned_data
            target = Target.objects.filter(credit_code=data["credit_code"].upper()).first()
            if target is None:
                form.add_error("credit_code", _("No target with this credit code."))
            else:
                try:
                    people.conflict_declare(
                        inspector=inspector,
                        target=target,
                        reason=data["reason"],
                        valid_from=data["valid_from"],
                        valid_to=data["valid_to"],
                        actor=_actor(request),
                    )
                except DomainError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("Conflict of interest recorded."))
                    return redirect("web:inspector_conflicts", pk=inspector.pk)
    conflicts = inspector.conflicts.select_related("target").order_by("-declared_at")
    return render(
        request,
        "web/inspector_conflicts.html",
        {
            "inspector": inspector,
            "form": form,
            "conflicts": conflicts,
            "can_change": can_change,
            "statuses": InspectorStatus.choices,
            "today": dt.date.today(),
        },
    )


@require_POST
@login_required
def inspector_status(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_object_or_404(
        policy.instances_user_has_permission_for(request.user, Action.VIEW, Inspector), pk=pk
    )
    try:
        people.inspector_set_status(
            inspector=inspector, actor=_actor(request), status=request.POST.get("status", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        if exc.code == "not_allowed":
            return render(request, "web/forbidden.html", status=403)
    else:
        messages.success(request, _("Saved."))
    return redirect("web:inspector_conflicts", pk=inspector.pk)


def public_department(request: HttpRequest, department_id: int) -> HttpResponse:
    """The public page of a department: its published item list version and rules."""
    department = get_object_or_404(Department, pk=department_id)
    versions = ItemListVersion.objects.filter(department=department).order_by("-version")
    shown = versions.first()
    wanted = request.GET.get("version")
    if wanted and wanted.isdigit():
        shown = versions.filter(version=int(wanted)).first() or shown
    rules = (
        DepartmentRules.objects.filter(department=department, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    return render(
        request,
        "web/public_department.html",
        {
            "department": department,
            "version": shown,
            "versions": versions,
            "rules": rules,
        },
    )
