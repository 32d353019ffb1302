"""Forms of the party chain pages. They parse input only: the rules are in rules.py and services.py."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.party.models import (
    Education,
    LiaisonLink,
    Member,
    MemberCategory,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
    VisitWay,
)
from jiceng.party.rules import COMMITTEE_MAX
from jiceng.people.models import Gender, Resident
from jiceng.territory.models import Area

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "---------"), *choices]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("组织类别"), choices=OrgKind.choices, initial=OrgKind.BRANCH)
    org_type = forms.ChoiceField(label=_("组织类型"), choices=OrgType.choices, initial=OrgType.GRID)
    parent = forms.ModelChoiceField(label=_("上级组织"), queryset=Organisation.objects.none(), required=False)
    area = forms.ModelChoiceField(
        label=_("所在区域"),
        queryset=Area.objects.none(),
        help_text=_("社区党组织对应社区，网格党支部对应网格"),
    )
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=_DATE)
    joint_units = forms.IntegerField(
        label=_("联合单位数"), min_value=1, required=False, help_text=_("仅联合党支部填写，一般不超过5个")
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, parents: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=_DATE)
    joint_units = forms.IntegerField(
        label=_("联合单位数"), min_value=1, required=False, help_text=_("仅联合党支部填写，一般不超过5个")
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0)
    active = forms.BooleanField(label=_("有效（取消勾选即撤销该组织）"), required=False)


class ElectionForm(forms.Form):
    elected_on = forms.DateField(label=_("选举日期"), widget=_DATE)

    def clean_elected_on(self) -> Any:
        day = self.cleaned_data["elected_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("选举日期不能晚于今天"))
        return day


class SeatForm(forms.Form):
    """One row of the elected committee: a member and their position; a blank row is skipped."""

    member = forms.TypedChoiceField(label=_("党员"), coerce=int, required=False, empty_value=None)
    position = forms.ChoiceField(label=_("职务"), choices=_blank(Position.choices), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = _blank(list(members))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("member") and not data.get("position"):
            self.add_error("position", _("请选择职务"))
        if data.get("position") and not data.get("member"):
            self.add_error("member", _("请选择党员"))
        return data


SeatFormSet = forms.formset_factory(
    SeatForm, extra=COMMITTEE_MAX, max_num=COMMITTEE_MAX, absolute_max=COMMITTEE_MAX, validate_max=True
)


class _MemberDetails(forms.Form):
    organisation = forms.ModelChoiceField(label=_("所在党组织"), queryset=Organisation.objects.none())
    joined_on = forms.DateField(label=_("入党日期"), widget=_DATE)
    status = forms.ChoiceField(label=_("党员类别"), choices=MemberStatus.choices, initial=MemberStatus.FULL)
    full_on = forms.DateField(label=_("转正日期"), required=False, widget=_DATE, help_text=_("预备党员不填"))
    category = forms.ChoiceField(
        label=_("党员分类"), choices=MemberCategory.choices, initial=MemberCategory.REGISTERED
    )
    education = forms.ChoiceField(label=_("学历"), choices=_blank(Education.choices), required=False)
    occupation = forms.CharField(label=_("职业"), max_length=100, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MemberForm(_MemberDetails):
    """A new member: a resident picked from the search, or a person living elsewhere."""

    RESIDENT, ELSEWHERE = "resident", "elsewhere"

    source = forms.ChoiceField(
        label=_("党员来源"),
        choices=[(RESIDENT, _("本社区居民")), (ELSEWHERE, _("居住在本社区以外"))],
        initial=RESIDENT,
        widget=forms.RadioSelect,
    )
    resident = forms.ModelChoiceField(
        label=_("居民"), queryset=Resident.objects.none(), required=False, widget=forms.HiddenInput
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        required=False,
        help_text=_("填写后性别和出生日期按身份证号码确定，同一人不能重复登记"),
    )
    gender = forms.ChoiceField(label=_("性别"), choices=_blank(Gender.choices), required=False)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=_DATE)
    residence_elsewhere = forms.CharField(label=_("居住地"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, residents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == self.RESIDENT:
            if not data.get("resident") and "resident" not in self.errors:
                self.add_error("resident", _("请搜索并选择一位居民"))
        else:
            data["resident"] = None
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The arguments of services.register_member."""
        data = dict(self.cleaned_data)
        data.pop("source")
        if data["resident"] is not None:
            for name in ("name", "id_number", "gender", "birth_date", "residence_elsewhere"):
                data.pop(name)
        return data


class MemberEditForm(_MemberDetails):
    residence_elsewhere = forms.CharField(label=_("居住地（非本社区）"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, help_text=_("留空则不修改"))


class EndMembershipForm(forms.Form):
    on = forms.DateField(label=_("离册日期"), widget=_DATE)
    reason = forms.CharField(
        label=_("离册原因"), max_length=200, help_text=_("如：组织关系转出至某党组织、去世")
    )


class CentralHouseholdForm(forms.Form):
    designated_on = forms.DateField(label=_("设立日期"), widget=_DATE)


class AttachMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("联系党员"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["members"]
        field.queryset = candidates
        field.label_from_instance = _with_current_central


def _with_current_central(member: Any) -> str:
    """A candidate, with the central household they would leave."""
    if member.central_household_id is None:
        return str(member.name)
    return _("%(name)s（现属%(central)s）") % {"name": member.name, "central": member.central_household}


class VisitForm(forms.Form):
    link = forms.ModelChoiceField(label=_("联系户"), queryset=LiaisonLink.objects.none(), empty_label=None)
    visited_on = forms.DateField(label=_("走访日期"), widget=_DATE)
    way = forms.ChoiceField(label=_("方式"), choices=VisitWay.choices, initial=VisitWay.IN_PERSON)
    summary = forms.CharField(
        label=_("走访情况"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：了解家庭近况，老人身体良好"),
    )
    needs = forms.CharField(
        label=_("群众诉求"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("走访中了解到的需求或问题；需办理的请另行登记诉求"),
    )

    def __init__(self, *args: Any, links: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["link"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = links
        field.label_from_instance = lambda link: link.household.address  # type: ignore[method-assign,assignment]
        self.fields["visited_on"].initial = timezone.localdate()
