from django import forms

from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.directory.services import ITEM_EDITABLE_FIELDS


class ItemForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = list(ITEM_EDITABLE_FIELDS)
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 3}),
        }
