"""Forms of the transfer pages; the rules are in services.py."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.party.models import Member, MemberStatus, Organisation
from jiceng.people.models import Resident
from jiceng.transfers.models import Status

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, widget=_DATE, required=required, initial=timezone.localdate if required else None
    )


def _queryset(form: forms.Form, name: str, qs: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = qs


class OutForm(forms.Form):
    member = forms.ModelChoiceField(label=_("党员"), queryset=Member.objects.none())
    to_organisation = forms.ModelChoiceField(
        label=_("转入本平台的党组织"), queryset=Organisation.objects.none(), required=False
    )
    external = forms.CharField(label=_("或：转入外部党组织"), max_length=200, required=False)
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=50)
    issued_on = _date(_("开具日期"))
    valid_until = _date(_("有效期至"), required=False)
    reason = forms.CharField(
        label=_("原因"), max_length=200, required=False, help_text=_("如：工作调动、迁居外地")
    )

    def __init__(self, *args: Any, members: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "member", members)
        _queryset(self, "to_organisation", organisations)


class InForm(forms.Form):
    to_organisation = forms.ModelChoiceField(label=_("转入党组织"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    external = forms.CharField(label=_("转出党组织"), max_length=200)
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=50)
    issued_on = _date(_("开具日期"))
    valid_until = _date(_("有效期至"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "to_organisation", organisations)


class CompleteForm(forms.Form):
    on = _date(_("完成日期"))
    resident = forms.ModelChoiceField(
        label=_("居民档案（转入时）"), queryset=Resident.objects.none(), required=False
    )
    joined_on = forms.DateField(label=_("入党日期（转入时）"), widget=_DATE, required=False)
    full_on = forms.DateField(label=_("转正日期（转入时）"), widget=_DATE, required=False)
    status = forms.ChoiceField(
        label=_("党员类别（转入时）"), choices=[("", "---------"), *MemberStatus.choices], required=False
    )

    def __init__(self, *args: Any, residents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "resident", residents)


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理"), choices=[(Status.RETURNED, _("退回")), (Status.CANCELLED, _("撤销"))]
    )
    note = forms.CharField(label=_("原因"), max_length=200)
