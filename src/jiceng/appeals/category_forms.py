from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.appeals.models import Category, HandlerType, LimitUnit
from jiceng.units.models import SinkingUnit


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


class CategoryForm(forms.Form):
    parent = ParentChoiceField(
        label=_("上级类别"), queryset=Category.objects.all(), required=False, empty_label=_("（顶级类别）")
    )
    code = forms.SlugField(
        label=_("代码"), max_length=40, help_text=_("英文字母、数字或下划线，接口和统计中使用")
    )
    name = forms.CharField(label=_("名称"), max_length=50)
    handler_type = forms.ChoiceField(label=_("默认处置人"), choices=HandlerType.choices)
    response_limit = forms.IntegerField(label=_("响应时限"), min_value=1)
    response_unit = forms.ChoiceField(label=_("响应时限单位"), choices=LimitUnit.choices)
    resolution_limit = forms.IntegerField(label=_("办结时限"), min_value=1)
    resolution_unit = forms.ChoiceField(label=_("办结时限单位"), choices=LimitUnit.choices)
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=SinkingUnit.objects.filter(active=True),
        required=False,
        help_text=_("默认处置人为下沉单位时必填"),
    )
    department = forms.CharField(
        label=_("街道职能部门"), max_length=100, required=False, help_text=_("默认处置人为街道职能部门时必填")
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if category is not None:
            # The form hides the category itself; the service refuses its descendants too.
            self.fields["parent"].queryset = Category.objects.exclude(pk=category.pk)  # type: ignore[attr-defined]
