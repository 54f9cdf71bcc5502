"""Forms of the plan → task → freeze → draw → matching → recusal pages.

Forms only parse and check the shape of input (a quota is a count or a rate, a period
does not run backwards, a reason is given); the services decide everything else and their
:class:`~shuangsuiji.errors.DomainError` messages are shown as form errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangsuiji.directory.models import InspectionItem, Inspector, InspectorStatus
from shuangsuiji.lottery import normalize_entropy, parse_quota
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.organizations.models import Department
from shuangsuiji.plans.models import AnnualPlan, PlanStatus
from shuangsuiji.tasks.models import CommissionKind, TargetedSource, Task

RISK_CLASSES = ("A", "B", "C", "D")
MAX_ENTROPY_ENTRIES = 20
MAX_ENTROPY_LENGTH = 200


def _date_widget() -> forms.DateInput:
    # The HTML date input wants ISO dates whatever the active language's date format is.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _check_quota(value: str) -> None:
    try:
        parse_quota(value.strip())
    except LotteryError as exc:
        raise ValidationError(
            _("Write a count such as 3 or a rate such as 5%% (%(e)s).") % {"e": exc}
        ) from exc


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


def _other_departments(department: Department) -> QuerySet[Department]:
    """Departments that may take part in a joint plan or task led by ``department``: the
    county's other departments, not its own units (those work under it already)."""
    return (
        Department.objects.filter(region=department.region_id)
        .exclude(path__startswith=department.path)
        .exclude(pk=department.parent_id or 0)
        .order_by("sort_order", "code")
    )


def _department_items(department: Department) -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(department=department).order_by("code")


class _PeriodMixin:
    """Refuse a period that ends before it starts, on the end date's field."""

    def _check_period(self, data: dict[str, Any]) -> None:
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(  # type: ignore[attr-defined]
                "period_end", _("The period ends before it starts.")
            )


def _quota_fields(label: Any) -> dict[str, forms.CharField]:
    return {
        f"quota_{c}": forms.CharField(
            label=label % {"c": c},
            max_length=12,
            validators=[_check_quota],
            widget=forms.TextInput(attrs={"size": 6, "inputmode": "decimal"}),
        )
        for c in RISK_CLASSES
    }


class PlanForm(_PeriodMixin, forms.Form):
    """An annual plan (年度抽查计划).  ``with_year`` is off when editing: a plan keeps its year."""

    name = forms.CharField(label=_("Plan name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    items = ItemChoiceField(
        label=_("Inspection items"),
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    target_scope = forms.CharField(
        label=_("Target scope"), widget=forms.Textarea(attrs={"rows": 2})
    )
    frequency = forms.CharField(label=_("Frequency"), max_length=200, required=False)
    period_start = forms.DateField(label=_("Period start"), widget=_date_widget())
    period_end = forms.DateField(label=_("Period end"), widget=_date_widget())
    inspecting_body = forms.CharField(label=_("Inspecting body"), max_length=200)
    planned_tasks = forms.IntegerField(label=_("Planned tasks"), min_value=1, max_value=1000)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating departments (joint inspection, 跨部门联合抽查)"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Each participant confirms its part and adds its own items; one visit, one result"
        ),
    )

    def __init__(
        self, *args: Any, department: Department, with_year: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = _department_items(department)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = _other_departments(department)  # type: ignore[attr-defined]
        self.fields.update(_quota_fields(_("Ratio for risk class %(c)s")))
        if not with_year:
            del self.fields["year"]

    @staticmethod
    def initial_for(plan: AnnualPlan) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(plan, f)
            for f in (
                "name",
                "year",
                "target_scope",
                "frequency",
                "period_start",
                "period_end",
                "inspecting_body",
                "planned_tasks",
            )
        }
        initial["items"] = list(plan.items.all())
        initial["participants"] = list(plan.participants.all())
        initial.update({f"quota_{c}": plan.ratios.get(c, "") for c in RISK_CLASSES})
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_period(data)
        return data

    def service_fields(self) -> dict[str, Any]:
        """The plan fields as the plan services take them (items apart)."""
        data = self.cleaned_data
        fields = {
            k: data[k]
            for k in (
                "name",
                "target_scope",
                "frequency",
                "period_start",
                "period_end",
                "inspecting_body",
                "planned_tasks",
            )
        }
        fields["ratios"] = {c: data[f"quota_{c}"].strip() for c in RISK_CLASSES}
        if "participants" in data:
            fields["participants"] = list(data["participants"])
        return fields


class AmendForm(PlanForm):
    """An amendment of an approved plan: the new values and the reason, which is public."""

    reason = forms.CharField(
        label=_("Reason for the amendment (published)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, department=department, with_year=False, **kwargs)


class TaskForm(_PeriodMixin, forms.Form):
    """A random inspection task (抽查任务), from an approved plan or ad hoc with its reason."""

    plan = forms.ModelChoiceField(
        label=_("Annual plan"),
        queryset=AnnualPlan.objects.none(),
        required=False,
        empty_label=_("— none: an ad hoc task outside the plan —"),
    )
    adhoc_reason = forms.CharField(
        label=_("Reason for a task outside the annual plan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
    name = forms.CharField(label=_("Task name"), max_length=200)
    items = ItemChoiceField(
        label=_("Inspection items"),
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    scope = forms.CharField(
        label=_("Target scope"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating departments (joint inspection, 跨部门联合抽查)"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Each participant confirms its part and adds its own items; one visit, one result"
        ),
    )
    inspectors_per_target = forms.IntegerField(
        label=_("Inspectors per target"), min_value=2, max_value=10, initial=2
    )
    inspector_cap = forms.IntegerField(
        label=_("Most targets per inspector"), min_value=1, max_value=1000, initial=20
    )
    required_expertise = forms.MultipleChoiceField(
        label=_("Required expertise (every inspector must have all of these)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_start = forms.DateField(label=_("Inspection period start"), widget=_date_widget())
    period_end = forms.DateField(label=_("Inspection period end"), widget=_date_widget())
    exclude_inspected_by_any = forms.BooleanField(
        label=_("Exclude targets randomly inspected this year by any department"),
        required=False,
    )
    extra_tickets_abnormal = forms.IntegerField(
        label=_("Tickets for entities on the abnormal-operation list (1 = same chance)"),
        min_value=1,
        max_value=10,
        initial=1,
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = AnnualPlan.objects.filter(department=department, status=PlanStatus.APPROVED)
        self.fields["plan"].queryset = plans.order_by("-year", "name")  # type: ignore[attr-defined]
        self.fields["items"].queryset = _department_items(department)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = _other_departments(department)  # type: ignore[attr-defined]
        self.fields.update(_quota_fields(_("Quota for risk class %(c)s")))
        tags: set[str] = set()
        for expertise in Inspector.objects.filter(
            department=department, status=InspectorStatus.ON_DUTY
        ).values_list("expertise", flat=True):
            tags.update(expertise or [])
        self.fields["required_expertise"].choices = [  # type: ignore[attr-defined]
            (t, t) for t in sorted(tags)
        ]

    @staticmethod
    def initial_from_plan(plan: AnnualPlan) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "plan": plan,
            "items": list(plan.items.all()),
            "scope": plan.target_scope,
            "participants": list(plan.participants.all()),
            "period_start": plan.period_start,
            "period_end": plan.period_end,
        }
        initial.update({f"quota_{c}": plan.ratios.get(c, "") for c in RISK_CLASSES})
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("plan") and not (data.get("adhoc_reason") or "").strip():
            self.add_error(
                "adhoc_reason",
                _("A task outside the annual plan needs its reason."),
            )
        self._check_period(data)
        return data

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``task_create`` (department and actor apart)."""
        data = self.cleaned_data
        return {
            "plan": data["plan"],
            "adhoc_reason": "" if data["plan"] else data["adhoc_reason"],
            "name": data["name"],
            "items": list(data["items"]),
            "scope": data["scope"],
            "participants": list(data["participants"]),
            "quotas": {c: data[f"quota_{c}"].strip() for c in RISK_CLASSES},
            "inspectors_per_target": data["inspectors_per_target"],
            "inspector_cap": data["inspector_cap"],
            "required_expertise": data["required_expertise"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "exclude_inspected_by_any": data["exclude_inspected_by_any"],
            "extra_tickets_abnormal": data["extra_tickets_abnormal"],
        }


class EntropyForm(forms.Form):
    """The public entropy of a draw (公开随机源): one entry per line, in the order given."""

    entries = forms.CharField(
        label=_("Public entropy, one entry per line"),
        help_text=_(
            "For example: 见证人王某掷骰 3 5 1 6 2, or a lottery result drawn after the "
            "commitment was published, such as 福彩3D 第2026330期 1 8 5."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_entries(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["entries"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(
                _("Enter at least one entry that nobody controls, such as witnesses' dice.")
            )
        if len(lines) > MAX_ENTROPY_ENTRIES:
            raise ValidationError(_("At most %(n)s entries.") % {"n": MAX_ENTROPY_ENTRIES})
        if any(len(line) > MAX_ENTROPY_LENGTH for line in lines):
            raise ValidationError(
                _("Each entry is at most %(n)s characters.") % {"n": MAX_ENTROPY_LENGTH}
            )
        try:
            return list(normalize_entropy(lines))
        except LotteryError as exc:
            raise ValidationError(str(exc)) from exc


class ReasonForm(forms.Form):
    """A reason that is recorded and published (a redraw, a recusal)."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class TargetedCheckForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Unified social credit code of the target"), min_length=18, max_length=18
    )
    source = forms.ChoiceField(label=_("Source"), choices=TargetedSource.choices)
    reference = forms.CharField(
        label=_("Complaint or document number"), max_length=100, required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    check_date = forms.DateField(label=_("Date"), widget=_date_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"check_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_credit_code(self) -> str:
        return str(self.cleaned_data["credit_code"]).strip().upper()


class CommissionForm(forms.Form):
    agency = forms.CharField(label=_("Agency"), max_length=200)
    kind = forms.ChoiceField(label=_("Commission kind"), choices=CommissionKind.choices)
    cost_yuan = forms.DecimalField(
        label=_("Cost (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    paying_department = forms.ModelChoiceField(
        label=_("Paying department"), queryset=Department.objects.none()
    )
    contract_no = forms.CharField(label=_("Contract number"), max_length=100, required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        runners = Department.objects.filter(pk=task.department_id) | task.participants.all()
        self.fields["paying_department"].queryset = runners.distinct()  # type: ignore[attr-defined]
        self.fields["paying_department"].initial = task.department_id
