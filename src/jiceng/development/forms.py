"""Forms of membership development: one per step. They parse input only; the rules are in
rules.py and services.py, which each step's `run` calls."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiceng.development import services
from jiceng.development.models import Development, Stage
from jiceng.party.models import Member, MemberStatus, Organisation
from jiceng.people.models import Resident

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=_DATE, initial=timezone.localdate)


class ApplyForm(forms.Form):
    resident = forms.ModelChoiceField(label=_("申请人"), queryset=Resident.objects.none())
    organisation = forms.ModelChoiceField(label=_("接收申请的党支部"), queryset=Organisation.objects.none())
    applied_on = _date(_("递交入党申请书日期"))

    def __init__(
        self, *args: Any, residents: QuerySet[Resident], organisations: QuerySet[Organisation], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        for name, qs in (("resident", residents), ("organisation", organisations)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs


class _MembersForm(forms.Form):
    """A step that names full members of the branch (contact persons, introducers)."""

    member_field = ""

    def __init__(self, *args: Any, dev: Development, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.member_field]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Member.objects.filter(
            active=True, status=MemberStatus.FULL, organisation__path__startswith=dev.org_path
        ).order_by("name")


class TalkForm(forms.Form):
    talk_on = _date(_("谈话日期"))
    talk_by = forms.CharField(label=_("谈话人"), max_length=50)


class ActivistForm(_MembersForm):
    member_field = "contacts"
    on = _date(_("确定为入党积极分子日期"))
    filed_on = forms.DateField(label=_("报上级党委备案日期"), widget=_DATE, required=False)
    contacts = forms.ModelMultipleChoiceField(
        label=_("培养联系人"), queryset=Member.objects.none(), help_text=_("一至两名正式党员")
    )


class ReportForm(forms.Form):
    submitted_on = _date(_("提交日期"))
    summary = forms.CharField(label=_("内容摘要"), max_length=500, required=False)


class ReviewForm(forms.Form):
    reviewed_on = _date(_("考察日期"))
    conclusion = forms.CharField(
        label=_("考察意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CandidateForm(_MembersForm):
    member_field = "introducers"
    on = _date(_("确定为发展对象日期"))
    introducers = forms.ModelMultipleChoiceField(
        label=_("入党介绍人"), queryset=Member.objects.none(), help_text=_("两名正式党员")
    )


class PoliticalReviewForm(forms.Form):
    on = _date(_("政治审查日期"))
    conclusion = forms.CharField(label=_("政治审查结论"), widget=forms.Textarea(attrs={"rows": 3}))
    passed = forms.BooleanField(label=_("政审合格"), required=False)


class TrainingForm(forms.Form):
    finished_on = _date(_("培训结业日期"))
    days = forms.DecimalField(label=_("集中培训天数"), max_digits=4, decimal_places=1, required=False)
    hours = forms.IntegerField(label=_("集中培训学时"), min_value=0, required=False)


class NoticeForm(forms.Form):
    notice_from = _date(_("公示开始日期"))


class VoteForm(forms.Form):
    on = _date(_("支部大会日期"))
    voting = forms.IntegerField(label=_("应到会有表决权党员"), min_value=0)
    present = forms.IntegerField(label=_("实到会有表决权党员"), min_value=0)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)


class ApproveForm(forms.Form):
    on = _date(_("上级党委审批日期"))
    delay_reason = forms.CharField(label=_("超过三个月审批的原因"), max_length=200, required=False)


class OathForm(forms.Form):
    on = _date(_("入党宣誓日期"))


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("延长（月）"), min_value=1, max_value=24)
    reason = forms.CharField(label=_("延长原因"), max_length=200)


class ConvertForm(forms.Form):
    applied_on = _date(_("转正申请日期"))
    vote_on = _date(_("支部大会日期"))
    voting = forms.IntegerField(label=_("应到会有表决权党员"), min_value=0)
    present = forms.IntegerField(label=_("实到会有表决权党员"), min_value=0)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    approved_on = _date(_("上级党委审批日期"))


class EndForm(forms.Form):
    on = _date(_("日期"))
    reason = forms.CharField(label=_("原因"), max_length=200)


@dataclass(frozen=True)
class Step:
    key: str
    label: str | Promise
    form: type[forms.Form]
    stages: tuple[str, ...]
    run: Callable[..., Any]


STEPS: dict[str, Step] = {
    s.key: s
    for s in (
        Step("talk", _("登记谈话"), TalkForm, (Stage.APPLICANT,), services.record_talk),
        Step("activist", _("确定为入党积极分子"), ActivistForm, (Stage.APPLICANT,), services.make_activist),
        Step(
            "report", _("登记思想汇报"), ReportForm, (Stage.ACTIVIST, Stage.CANDIDATE), services.record_report
        ),
        Step("review", _("登记半年考察"), ReviewForm, (Stage.ACTIVIST,), services.record_review),
        Step("candidate", _("确定为发展对象"), CandidateForm, (Stage.ACTIVIST,), services.make_candidate),
        Step(
            "political_review",
            _("登记政治审查"),
            PoliticalReviewForm,
            (Stage.CANDIDATE,),
            services.record_political_review,
        ),
        Step("training", _("登记集中培训"), TrainingForm, (Stage.CANDIDATE,), services.record_training),
        Step("notice", _("公示"), NoticeForm, (Stage.CANDIDATE,), services.start_notice),
        Step("vote", _("支部大会表决"), VoteForm, (Stage.CANDIDATE,), services.record_branch_vote),
        Step("approve", _("上级党委审批"), ApproveForm, (Stage.VOTED,), services.approve),
        Step("oath", _("入党宣誓"), OathForm, (Stage.PROBATIONARY,), services.record_oath),
        Step("extend", _("延长预备期"), ExtendForm, (Stage.PROBATIONARY,), services.extend_probation),
        Step("convert", _("转为正式党员"), ConvertForm, (Stage.PROBATIONARY,), services.convert),
        Step(
            "end",
            _("终止培养或取消预备党员资格"),
            EndForm,
            (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.VOTED, Stage.PROBATIONARY),
            services.end,
        ),
    )
}


def make_form(step: Step, dev: Development, data: Any = None) -> forms.Form:
    if issubclass(step.form, _MembersForm):
        return step.form(data, dev=dev, prefix=step.key)
    return step.form(data, prefix=step.key)
