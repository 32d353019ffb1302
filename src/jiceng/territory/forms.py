import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.territory.models import Area, Estate, PropertyManagement


class AreaForm(forms.Form):
    code = forms.CharField(label=_("区划代码"), max_length=15)
    name = forms.CharField(label=_("名称"), max_length=100)
    boundary = forms.CharField(
        label=_("边界 GeoJSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("可选：网格边界，GeoJSON 的 Polygon 或 MultiPolygon"),
    )

    def clean_boundary(self) -> object:
        text = self.cleaned_data["boundary"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise forms.ValidationError(_("边界不是有效的 JSON")) from None


class EstateForm(forms.Form):
    name = forms.CharField(label=_("小区名称"), max_length=100)
    property_management = forms.ChoiceField(label=_("物业管理"), choices=PropertyManagement.choices)
    property_company = forms.CharField(label=_("物业公司名称"), max_length=100, required=False)
    has_owners_committee = forms.BooleanField(label=_("有业主委员会"), required=False)
    has_competent_authority = forms.BooleanField(label=_("有主管部门"), required=False)

    @classmethod
    def for_estate(cls, estate: Estate, data: Any = None) -> "EstateForm":
        fields = (
            "name",
            "property_management",
            "property_company",
            "has_owners_committee",
            "has_competent_authority",
        )
        return cls(data or None, initial={f: getattr(estate, f) for f in fields})


class BuildingForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Area.objects.none())
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    name = forms.CharField(label=_("楼栋"), max_length=50, help_text=_("如：3号楼"))
    units = forms.IntegerField(label=_("单元数"), min_value=1, max_value=50, initial=1)
    floors = forms.IntegerField(label=_("层数"), min_value=1, max_value=120, initial=6)
