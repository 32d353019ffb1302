from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.workdays.models import DayKind


class DayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("类型"), choices=[*DayKind.choices, ("", _("恢复为普通日（按周末计算）"))], required=False
    )
    name = forms.CharField(label=_("节日"), max_length=50, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("国务院办公厅节假日安排（.xlsx 或 .ics）"))


class CompleteForm(forms.Form):
    complete = forms.BooleanField(label=_("本年度安排已全部录入"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
