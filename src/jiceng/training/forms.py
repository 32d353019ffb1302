"""Forms of the party school pages; the rules are in services.py."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.party.models import MemberCategory, Organisation
from jiceng.training.models import Module

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class CourseForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("举办党组织"), queryset=Organisation.objects.none())
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    name = forms.CharField(label=_("课程"), max_length=100)
    module = forms.ChoiceField(label=_("模块"), choices=Module.choices)
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisation", organisations)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("时间"), widget=_WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, initial=2)
    teacher = forms.CharField(label=_("授课人"), max_length=50)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    topic = forms.CharField(label=_("内容"), max_length=200, required=False)


class EnrolForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("按党组织报名"), queryset=Organisation.objects.none(), required=False
    )
    category = forms.ChoiceField(
        label=_("党员分类"), choices=[("", _("全部")), *MemberCategory.choices], required=False
    )
    batch = forms.CharField(label=_("批次"), max_length=100, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisation", organisations)


class RequirementForm(forms.Form):
    hours = forms.DecimalField(label=_("每年学时要求"), max_digits=5, decimal_places=1)
