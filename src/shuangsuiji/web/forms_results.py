"""Forms of the result pages: entry by the team, return, follow-up, closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.organizations.models import Department
from shuangsuiji.results.models import (
    Confidentiality,
    FollowUpAction,
    ItemOutcome,
    Result,
    ResultCategory,
)
from shuangsuiji.results.services import ResultInput
from shuangsuiji.tasks.models import Assignment

# ISO values: the browser's date picker shows them in the user's own format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultForm(forms.Form):
    """One department's part of a result.  Per team member: present, certificate shown;
    per item: outcome and note.  Files are read from ``request.FILES`` by the view."""

    inspection_date = forms.DateField(label=_("Inspection date"), widget=DATE)
    result_date = forms.DateField(
        label=_("Result date"),
        widget=DATE,
        help_text=_("The 20-working-day publication deadline counts from this day"),
    )
    category = forms.ModelChoiceField(
        label=_("Result category"), queryset=ResultCategory.objects.filter(active=True)
    )
    refused = forms.BooleanField(label=_("The target refused to be inspected"), required=False)
    findings = forms.CharField(
        label=_("Findings (full, internal)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    confidentiality = forms.ChoiceField(
        label=_("Withheld from the public"), choices=Confidentiality.choices
    )
    public_findings = forms.CharField(
        label=_("Findings as published"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Required when something is withheld: the text the public may read, "
            "without state secrets, trade secrets or personal data"
        ),
    )

    def __init__(
        self,
        *args: Any,
        team: Sequence[Assignment],
        items: Sequence[InspectionItem],
        result: Result | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        today = timezone.localdate()
        if result is not None:
            initial.update(
                inspection_date=result.inspection_date,
                result_date=result.result_date,
                category=result.category_id,
                refused=result.refused,
                findings=result.findings,
                confidentiality=result.confidentiality,
                public_findings=result.public_findings,
            )
            present = set(result.present.values_list("inspector_id", flat=True))
            outcomes = {o.item_id: o for o in result.item_outcomes.all()}
        else:
            initial.update(inspection_date=today, result_date=today)
            present, outcomes = set(), {}
        for a in team:
            initial.setdefault(f"present_{a.inspector_id}", a.inspector_id in present)
            initial.setdefault(f"shown_{a.inspector_id}", a.inspector_id in present)
        for item in items:
            o = outcomes.get(item.pk)
            initial.setdefault(f"outcome_{item.pk}", o.outcome if o else ItemOutcome.NO_PROBLEM)
            initial.setdefault(f"note_{item.pk}", o.note if o else "")
        super().__init__(*args, **kwargs)
        self.team = list(team)
        self.items = list(items)
        for a in self.team:
            i = a.inspector
            self.fields[f"present_{i.pk}"] = forms.BooleanField(
                label=_("%(name)s was present") % {"name": i.name}, required=False
            )
            self.fields[f"shown_{i.pk}"] = forms.BooleanField(
                label=_("certificate %(no)s shown") % {"no": i.certificate_no}, required=False
            )
        for item in self.items:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                label=item.name, choices=ItemOutcome.choices
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note on %(item)s") % {"item": item.name}, max_length=500, required=False
            )

    def member_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (a.inspector, self[f"present_{a.inspector_id}"], self[f"shown_{a.inspector_id}"])
            for a in self.team
        ]

    def item_rows(self) -> list[tuple[InspectionItem, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"outcome_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]

    def to_input(self) -> ResultInput:
        c = self.cleaned_data
        present = {
            a.inspector_id: bool(c.get(f"shown_{a.inspector_id}"))
            for a in self.team
            if c.get(f"present_{a.inspector_id}")
        }
        outcomes = {i.pk: (c[f"outcome_{i.pk}"], c.get(f"note_{i.pk}", "")) for i in self.items}
        return ResultInput(
            inspection_date=c["inspection_date"],
            result_date=c["result_date"],
            category=c["category"],
            findings=c.get("findings", ""),
            refused=bool(c.get("refused")),
            confidentiality=c["confidentiality"],
            public_findings=c.get("public_findings", ""),
            present=present,
            outcomes=outcomes,
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs to be corrected"), widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=FollowUpAction.choices)
    description = forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    to_department = forms.ModelChoiceField(
        label=_("Refer to department (referrals only)"),
        queryset=Department.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, exclude_department: Department, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault(
            "due_date", timezone.localdate() + dt.timedelta(days=30)
        )
        super().__init__(*args, **kwargs)
        field = self.fields["to_department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.exclude(pk=exclude_department.pk).order_by(
            "sort_order", "name"
        )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("What was done (closing note)"), widget=forms.Textarea(attrs={"rows": 2})
    )
