"""Forms of the appeal pages: intake (a resident's own, or staff taking a call or a visit) and
one small form per step of the cycle."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.models import User
from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.appeals import queries
from jiceng.appeals.models import AppealKind, Category, Channel, HandlerType, Rating
from jiceng.appeals.services import MAX_PHOTOS
from jiceng.people.models import Household
from jiceng.territory.models import Area, Building, Level
from jiceng.units.models import SinkingUnit

MAX_PHOTO_BYTES = 10 * 1024 * 1024
STAFF_CHANNELS = (Channel.WALK_IN, Channel.PHONE, Channel.PATROL)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.ImageField):
    """Up to nine photos from one file input (a phone's camera or gallery)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("照片"))
        kwargs.setdefault("required", False)
        kwargs["widget"] = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("每件诉求最多%(n)d张照片") % {"n": MAX_PHOTOS})
        cleaned = []
        for f in files:
            if f.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("照片“%(name)s”超过10MB") % {"name": f.name})
            cleaned.append(super().clean(f, initial))
        return cleaned


class AppealForm(forms.Form):
    """A resident's own appeal: the place is their household."""

    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.filter(active=True))
    text = forms.CharField(
        label=_("诉求内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请写明什么事、在哪里、持续多久")}),
    )
    address = forms.CharField(
        label=_("具体位置"),
        max_length=200,
        required=False,
        help_text=_("选填，如：3单元楼道、东门停车场；不填即为您的住址"),
    )
    photos = PhotosField()
    anonymous = forms.BooleanField(label=_("对外匿名（公开时不显示姓名）"), required=False)
    # An optional pin dropped on the map (WGS84), both or neither.
    latitude = forms.DecimalField(
        label=_("纬度"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The category tree as a grouped select: each top category with its sub-categories.
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择类别")),
            *queries.category_choices(active_only=True),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(None, _("地图标注不完整，请重新点选位置或清除标注"))
        return data

    @property
    def point(self) -> tuple[Decimal, Decimal] | None:
        lat, lng = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        return (lat, lng) if lat is not None and lng is not None else None


class StaffAppealForm(AppealForm):
    """Staff taking an appeal at the desk, on the phone or on patrol, for anyone in their area."""

    field_order = [
        "kind",
        "channel",
        "reporter_phone",
        "reporter_name",
        "building",
        "household",
        "area",
        "address",
        "category",
        "text",
        "photos",
        "anonymous",
    ]
    kind = forms.ChoiceField(
        label=_("类型"), choices=AppealKind.choices, initial=AppealKind.APPEAL, widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], initial=Channel.PHONE
    )
    reporter_phone = forms.CharField(label=_("来电/联系电话"), max_length=20, required=False)
    reporter_name = forms.CharField(label=_("诉求人"), max_length=50, required=False)
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False, empty_label=_("请选择楼栋")
    )
    household = forms.ModelChoiceField(label=_("住户"), queryset=Household.objects.none(), required=False)
    area = forms.ModelChoiceField(
        label=_("网格/社区"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("不选（已选楼栋）"),
        help_text=_("没有具体楼栋时（如道路、广场）选择网格"),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = scope_for(user, Perm.APPEALS_SUBMIT).area_codes
        in_scope = Q(pk__in=[])
        for code in codes:
            in_scope |= Q(code__startswith=code)
        self.fields["building"].queryset = (  # type: ignore[attr-defined]
            Building.objects.visible_to(user, Perm.APPEALS_SUBMIT).select_related("estate")
        )
        self.fields["household"].queryset = (  # type: ignore[attr-defined]
            Household.objects.visible_to(user, Perm.APPEALS_SUBMIT).select_related("building__estate")
        )
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            in_scope, level__in=[Level.GRID, Level.COMMUNITY]
        ).order_by("code")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("household") or data.get("building") or data.get("area")):
            self.add_error("building", _("请选择诉求发生的楼栋、住户或网格"))
        return data


class VersionForm(forms.Form):
    """Every step names the version of the appeal the user saw (see services.py)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("理由"), max_length=500)


class AnswerForm(VersionForm):
    reply = forms.CharField(label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(VersionForm):
    """Empty: the default route. Any choice of handler is an override and needs a reason."""

    handler_type = forms.ChoiceField(
        label=_("处置类型"), choices=[("", _("按默认")), *HandlerType.choices], required=False
    )
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=SinkingUnit.objects.none(), required=False)
    department = forms.CharField(label=_("街道职能部门"), max_length=100, required=False)
    reason = forms.CharField(label=_("改派理由"), max_length=500, required=False)

    def __init__(self, *args: Any, handlers: Any = None, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if handlers is not None:
            self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    @property
    def overridden(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("handler_type") or data.get("handler") or data.get("unit") or data.get("department")
        )


class HelperForm(forms.Form):
    user = forms.ModelChoiceField(label=_("协办人"), queryset=User.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("协办单位"), queryset=SinkingUnit.objects.none(), required=False)

    def __init__(self, *args: Any, handlers: Any = None, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if handlers is not None:
            self.fields["user"].queryset = handlers  # type: ignore[attr-defined]
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MergeForm(VersionForm):
    into = forms.CharField(label=_("并入诉求编号"), max_length=20)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("办理情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField()


class HandleForm(VersionForm):
    result = forms.CharField(label=_("办理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField()


class VerifyForm(VersionForm):
    resolved = forms.TypedChoiceField(
        label=_("核查结果"),
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
