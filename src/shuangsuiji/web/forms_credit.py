"""Forms of the credit pages.  They parse and check the shape of input only; the credit
services decide, and their :class:`~shuangsuiji.credit.errors.CreditError` messages are
shown on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuangsuiji.credit.errors import CreditError
from shuangsuiji.credit.models import Activity
from shuangsuiji.credit.selectors import EntryState


def _date_widget() -> forms.DateInput:
    # The HTML date input wants ISO dates whatever the active language's date format is.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def show_error(form: forms.Form, exc: CreditError) -> None:
    """A service's refusal on the field it names (or the form as a whole)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


class EntryAddForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40)
    entity_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Needed only for entities not in the county's register"),
    )
    reason = forms.CharField(label=_("Reason (事由)"), widget=_text())
    authority = forms.CharField(label=_("Deciding authority"), max_length=200)
    document_no = forms.CharField(label=_("Decision document number"), max_length=100)
    start_date = forms.DateField(label=_("Listed from"), widget=_date_widget())


class EntryRemoveForm(forms.Form):
    end_date = forms.DateField(
        label=_("Removed on"),
        widget=_date_widget(),
        help_text=_("From this day the entity is no longer on the list"),
    )
    reason = forms.CharField(label=_("Reason for removal"), widget=_text())
    document_no = forms.CharField(
        label=_("Removal document number"), max_length=100, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"end_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ProposalConfirmForm(forms.Form):
    document_no = forms.CharField(label=_("Decision document number"), max_length=100)
    authority = forms.CharField(label=_("Deciding authority"), max_length=200)
    start_date = forms.DateField(label=_("Listed from"), widget=_date_widget())
    reason = forms.CharField(
        label=_("Reason (事由)"),
        widget=_text(),
        required=False,
        help_text=_("Leave empty to use the inspection result"),
    )


class ProposalRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), widget=_text())


class EntryFilterForm(forms.Form):
    STATES = [
        (EntryState.IN_FORCE, _("In force on the day")),
        (EntryState.REMOVED, _("Removed")),
        (EntryState.ALL, _("All, with history")),
    ]

    q = forms.CharField(label=_("Credit code or name"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("Show"), choices=STATES, required=False)
    date = forms.DateField(label=_("Day"), widget=_date_widget(), required=False)


class ParticipationForm(forms.Form):
    """The question: an entity (credit code or name), an activity, a day."""

    q = forms.CharField(
        label=_("Credit code or name"),
        max_length=100,
        help_text=_("The 18-character unified social credit code, or part of the name"),
    )
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    date = forms.DateField(label=_("On the day"), widget=_date_widget(), required=False)

    def clean_q(self) -> str:
        value = str(self.cleaned_data["q"]).strip()
        if not value:
            raise ValidationError(_("Enter a credit code or a name."))
        return value


class CreditImportForm(forms.Form):
    KINDS = [
        ("credit_list_entries", _("List entries (名单信息)")),
        ("risk_classes", _("Credit risk classification (信用风险分类结果)")),
    ]

    kind = forms.ChoiceField(label=_("File"), choices=KINDS)
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the kinds this user may import are offered.
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [c for c in self.KINDS if c[0] in allowed]
