from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.people.models import CareTag, HouseholdType, PoliticalStatus, Relation, ResidenceStatus, Resident
from jiceng.territory.models import Building


class HouseholdForm(forms.Form):
    unit = forms.IntegerField(label=_("单元"), min_value=1, initial=1)
    room = forms.CharField(label=_("房号"), max_length=20)
    household_type = forms.ChoiceField(label=_("户类型"), choices=HouseholdType.choices)


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, min_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    political_status = forms.ChoiceField(
        label=_("政治面貌"), choices=PoliticalStatus.choices, initial=PoliticalStatus.MASSES
    )
    relation_to_head = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)
    residence_status = forms.ChoiceField(
        label=_("居住状态"),
        choices=[(s.value, s.label) for s in (ResidenceStatus.LIVING, ResidenceStatus.AWAY)],
    )
    moved_in_on = forms.DateField(
        label=_("入住日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    care_tags = forms.ModelMultipleChoiceField(
        label=_("关爱标签"),
        queryset=CareTag.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ResidentEditForm(ResidentForm):
    """Editing keeps the stored numbers unless new ones are typed in."""

    id_number = forms.CharField(
        label=_("身份证号码"), max_length=18, required=False, help_text=_("留空则不修改")
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, help_text=_("留空则不修改"))


class HouseholdEditForm(forms.Form):
    household_type = forms.ChoiceField(label=_("户类型"), choices=HouseholdType.choices)
    head = forms.ModelChoiceField(label=_("户主"), queryset=Resident.objects.none(), required=False)


class MoveForm(forms.Form):
    """Moving a resident to another household, named by its address."""

    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none())
    unit = forms.IntegerField(label=_("单元"), min_value=1, initial=1)
    room = forms.CharField(label=_("房号"), max_length=20)
    on = forms.DateField(label=_("迁入日期"), widget=forms.DateInput(attrs={"type": "date"}))


class EndResidenceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("类型"),
        choices=[(ResidenceStatus.MOVED_OUT.value, _("迁出")), (ResidenceStatus.DECEASED.value, _("去世"))],
    )
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    destination = forms.CharField(label=_("迁往"), max_length=200, required=False)


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", _("身份证号码")), ("phone", _("联系电话"))])
    reason = forms.CharField(label=_("查看事由"), max_length=300)


class CareTagForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=40)
    sensitive = forms.BooleanField(label=_("敏感信息"), required=False)
