from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.party.models import Member
from jiceng.territory.models import Area
from jiceng.units.models import ServicePost, SinkingUnit, UnitKind

_DATE = forms.DateInput(attrs={"type": "date"})


class PostChoiceField(forms.ModelMultipleChoiceField):
    """Posts shown with how many have taken them, so a member sees which still have room."""

    def label_from_instance(self, obj: Any) -> str:
        taken = getattr(obj, "taken", None)
        if taken is None:
            return str(obj.name)
        return _("%(name)s（已认领%(taken)d/%(capacity)d人）") % {
            "name": obj.name,
            "taken": taken,
            "capacity": obj.capacity,
        }


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_level_display()}）"


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("单位类别"), choices=UnitKind.choices)
    area = AreaChoiceField(
        label=_("管理单位"), queryset=Area.objects.none(), help_text=_("负责该单位下沉工作的区、街道或社区")
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=50, required=False)
    office_phone = forms.CharField(label=_("办公电话"), max_length=30, required=False)
    address = forms.CharField(label=_("单位地址"), max_length=200, required=False)


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("单位类别"), choices=UnitKind.choices)
    contact_person = forms.CharField(label=_("联系人"), max_length=50, required=False)
    office_phone = forms.CharField(label=_("办公电话"), max_length=30, required=False)
    address = forms.CharField(label=_("单位地址"), max_length=200, required=False)
    active = forms.BooleanField(label=_("有效"), required=False)


class PairingForm(forms.Form):
    community = forms.ModelChoiceField(label=_("结对社区"), queryset=Area.objects.none())
    services = forms.CharField(
        label=_("约定服务清单"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项，例如：政策宣讲、四点半课堂、义诊"),
    )
    started_on = forms.DateField(label=_("开始日期"), widget=_DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("约定到期日期"), widget=_DATE)

    def clean_services(self) -> list[str]:
        return [line for line in self.cleaned_data["services"].splitlines() if line.strip()]


class EndForm(forms.Form):
    on = forms.DateField(label=_("结束日期"), widget=_DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("结束原因"), max_length=200)


class PostForm(forms.Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Area.objects.none())
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    capacity = forms.IntegerField(label=_("可报名人数"), min_value=1, max_value=999, initial=5)
    description = forms.CharField(
        label=_("岗位说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("牵头单位"),
        queryset=SinkingUnit.objects.none(),
        required=False,
        help_text=_("可选：由与本社区结对的单位牵头"),
    )


class PostEditForm(forms.Form):
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    capacity = forms.IntegerField(label=_("可报名人数"), min_value=1, max_value=999)
    description = forms.CharField(
        label=_("岗位说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=SinkingUnit.objects.none(), required=False)
    active = forms.BooleanField(label=_("招募中"), required=False)


class RegisterForm(forms.Form):
    """A member's own 我要报到: their work unit, the posts they take, the day."""

    work_unit = forms.ModelChoiceField(
        label=_("工作单位"),
        queryset=SinkingUnit.objects.none(),
        required=False,
        empty_label=_("其他单位（请在下方填写）"),
    )
    work_unit_name = forms.CharField(
        label=_("其他工作单位"), max_length=100, required=False, help_text=_("工作单位不在列表中时填写")
    )
    posts = PostChoiceField(
        label=_("认领岗位"),
        queryset=ServicePost.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registered_on = forms.DateField(label=_("报到日期"), widget=_DATE, initial=timezone.localdate)


class StaffRegisterForm(RegisterForm):
    member = forms.ModelChoiceField(
        label=_("在职党员"),
        queryset=Member.objects.none(),
        help_text=_("居住在本社区、党员分类为“在职（下沉）党员”且尚未报到的党员"),
    )
    field_order = ["member", "work_unit", "work_unit_name", "posts", "registered_on"]


class PostsForm(forms.Form):
    posts = PostChoiceField(
        label=_("认领岗位"),
        queryset=ServicePost.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RecordForm(forms.Form):
    served_on = forms.DateField(label=_("服务日期"), widget=_DATE, initial=timezone.localdate)
    hours = forms.DecimalField(
        label=_("服务时长（小时）"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24", "inputmode": "decimal"}),
    )
    post = forms.ModelChoiceField(label=_("服务岗位"), queryset=ServicePost.objects.none(), required=False)
    description = forms.CharField(
        label=_("服务内容"), max_length=300, required=False, help_text=_("未选择岗位时必填")
    )
