"""Forms of the meeting pages. They parse input only: the rules are in rules.py and services.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.meetings.rules import MeetingType
from jiceng.party.models import Member, Organisation

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScheduleForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("党组织"), queryset=Organisation.objects.none())
    meeting_type = forms.ChoiceField(label=_("会议类型"), choices=MeetingType.choices)
    title = forms.CharField(label=_("主题"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("时间"), widget=_WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    host = forms.CharField(label=_("主持人"), max_length=50, required=False)
    speaker = forms.CharField(label=_("讲课人"), max_length=50, required=False, help_text=_("党课必填"))
    by_secretary = forms.BooleanField(
        label=_("书记讲党课"), required=False, help_text=_("支部书记每年至少讲1次党课")
    )
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class RecordForm(forms.Form):
    minutes = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 6}))
    resolutions = forms.CharField(
        label=_("决议事项"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("事由"), max_length=200)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件或照片"))


class PeriodForm(forms.Form):
    first = forms.DateField(label=_("自"), widget=_DATE)
    last = forms.DateField(label=_("至"), widget=_DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期"))
        return data


class TalkForm(forms.Form):
    member = forms.ModelChoiceField(label=_("党员"), queryset=Member.objects.none())
    talked_on = forms.DateField(label=_("谈话日期"), widget=_DATE)
    talker = forms.CharField(label=_("谈话人"), max_length=50)
    notes = forms.CharField(label=_("谈话要点"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members
