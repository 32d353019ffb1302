from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.rosters.base import Roster
from jiceng.rosters.models import RosterKind


def _choices(rosters: list[Roster]) -> list[tuple[str, Any]]:
    """The kinds the user may use, labelled as everywhere else."""
    return [(r.kind, RosterKind(r.kind).label) for r in rosters]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册"), choices=RosterKind.choices)
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    check_only = forms.BooleanField(label=_("只校验，确认后再导入"), required=False)

    def __init__(self, *args: Any, rosters: list[Roster], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(rosters)  # type: ignore[attr-defined]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册"), choices=RosterKind.choices)
    area = forms.CharField(label=_("区划代码（可选，导出该区域及下级）"), max_length=15, required=False)
    q = forms.CharField(
        label=_("搜索（可选，仅居民）"),
        max_length=50,
        required=False,
        help_text=_("姓名、拼音、身份证或电话后四位、地址"),
    )
    purpose = forms.CharField(
        label=_("用途"),
        max_length=300,
        required=False,
        help_text=_("导出居民、党员信息须说明用途，将记入审计日志"),
    )
    reveal = forms.BooleanField(label=_("导出完整的身份证号码和电话（须有查看权限）"), required=False)

    def __init__(self, *args: Any, rosters: list[Roster], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(rosters)  # type: ignore[attr-defined]
