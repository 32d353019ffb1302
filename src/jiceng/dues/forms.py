"""Forms of the dues pages; the rules are in rules.py and services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.dues.models import Method
from jiceng.dues.rules import Category

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class AssessForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    base = forms.DecimalField(
        label=_("计算基数（元/月）"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("在职、离退休：每月工资收入中相对固定的部分（税后）；个体：上季度月平均纯收入"),
    )
    fixed = forms.DecimalField(
        label=_("农民党员每月交纳（元）"), required=False, decimal_places=2, help_text=_("0.2元至1元")
    )
    effective_from = forms.DateField(
        label=_("起始月份"), widget=_MONTH, input_formats=MONTH_FORMATS, initial=timezone.localdate
    )
    reason = forms.CharField(label=_("核定原因"), max_length=100, initial=_("年度核定"))


class PayForm(forms.Form):
    month = forms.DateField(label=_("所属月份"), widget=_MONTH, input_formats=MONTH_FORMATS)
    method = forms.ChoiceField(label=_("方式"), choices=Method.choices)
    paid_on = forms.DateField(label=_("交纳日期"), widget=_DATE, initial=timezone.localdate)


class ExtraForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2)
    method = forms.ChoiceField(label=_("方式"), choices=Method.choices)
    paid_on = forms.DateField(label=_("交纳日期"), widget=_DATE, initial=timezone.localdate)


class HardshipForm(forms.Form):
    reduced_amount = forms.DecimalField(
        label=_("减免后每月应交（元）"), min_value=0, decimal_places=2, help_text=_("免交填0")
    )
    reason = forms.CharField(label=_("困难情况"), max_length=200)


class PeriodForm(forms.Form):
    first = forms.DateField(label=_("自"), widget=_MONTH, input_formats=MONTH_FORMATS)
    last = forms.DateField(label=_("至"), widget=_MONTH, input_formats=MONTH_FORMATS)
