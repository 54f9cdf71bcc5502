"""The target directory pages (检查对象名录库)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from shuangsuiji.directory.models import EntityKind, RegistrationStatus, RiskClass, TargetLibrary
from shuangsuiji.directory.search import TargetFilters, target_search
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Region
from shuangsuiji.organizations.policy import Action, AnyUser

PAGE_SIZE = 50


def _any(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class TargetSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or unified social credit code"), required=False, max_length=100
    )
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Region.objects.none(), required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=_any(EntityKind.choices), required=False)
    risk = forms.ChoiceField(label=_("Risk class"), choices=_any(RiskClass.choices), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=_any(RegistrationStatus.choices), required=False
    )
    library = forms.ModelChoiceField(
        label=_("Department library"),
        queryset=TargetLibrary.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: object, user: AnyUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Townships of the counties that have departments here; libraries the user may see.
        townships = Region.objects.filter(parent__departments__isnull=False).distinct()
        self.fields["township"].queryset = townships.order_by("code")  # type: ignore[attr-defined]
        libraries = policy.instances_user_has_permission_for(
            user, Action.VIEW, TargetLibrary.objects.select_related("department")
        )
        self.fields["library"].queryset = libraries.order_by(  # type: ignore[attr-defined]
            "department__sort_order", "department__code"
        )

    def filters(self) -> TargetFilters:
        data = self.cleaned_data
        return TargetFilters(
            q=data["q"],
            township_id=data["township"].pk if data["township"] else None,
            kind=data["kind"],
            risk_class=data["risk"],
            status=data["status"],
            library=data["library"],
        )


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    if not policy.user_roles(request.user):
        return render(request, "web/forbidden.html", status=403)
    form = TargetSearchForm(request.GET, user=request.user)
    page = None
    if form.is_valid():
        page = target_search(
            user=request.user,
            filters=form.filters(),
            after=request.GET.get("after") or None,
            limit=PAGE_SIZE,
        )
    return render(
        request,
        "web/target_list.html",
        {"form": form, "page": page, "first_page": not request.GET.get("after")},
    )
