"""The documents each stage of membership development puts in the person's file (入党材料),
after 发展党员工作细则 and the common 发展党员工作流程: which are in, by the step recorded on the
platform or by being marked as received."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiceng.development.models import Development, Stage


@dataclass(frozen=True)
class Item:
    kind: str
    label: str | Promise
    stage: str
    # Whether a step recorded on the platform already stands for the document.
    recorded: Callable[[Development], bool] = lambda d: False


ITEMS: tuple[Item, ...] = (
    Item("application", _("入党申请书"), Stage.APPLICANT, lambda d: d.applied_on is not None),
    Item("talk", _("谈话记录"), Stage.APPLICANT, lambda d: d.talk_on is not None),
    Item("recommendation", _("推荐入党积极分子材料（党员推荐、群团组织推优）"), Stage.APPLICANT),
    Item(
        "activist_filing",
        _("确定入党积极分子的支委会记录及备案报告"),
        Stage.ACTIVIST,
        lambda d: d.activist_filed_on is not None,
    ),
    Item("activist_register", _("入党积极分子培养教育考察登记表"), Stage.ACTIVIST),
    Item("reports", _("思想汇报（每季度）"), Stage.ACTIVIST, lambda d: d.reports.exists()),
    Item("reviews", _("半年考察意见"), Stage.ACTIVIST, lambda d: d.reviews.exists()),
    Item(
        "candidate_minutes",
        _("确定发展对象的支委会记录及备案报告"),
        Stage.CANDIDATE,
        lambda d: d.candidate_on is not None,
    ),
    Item(
        "political_review",
        _("政治审查材料及综合性政审报告"),
        Stage.CANDIDATE,
        lambda d: d.review_on is not None,
    ),
    Item("training", _("集中培训结业证书"), Stage.CANDIDATE, lambda d: d.training_finished_on is not None),
    Item("notice", _("公示情况报告"), Stage.CANDIDATE, lambda d: d.notice_until is not None),
    Item("application_form", _("入党志愿书"), Stage.CANDIDATE),
    Item("branch_resolution", _("支部大会决议"), Stage.VOTED, lambda d: d.vote_on is not None),
    Item("approval", _("上级党委审批意见"), Stage.PROBATIONARY, lambda d: d.approved_on is not None),
    Item("oath", _("入党宣誓记录"), Stage.PROBATIONARY, lambda d: d.oath_on is not None),
    Item(
        "conversion_application", _("转正申请书"), Stage.FULL, lambda d: d.conversion_applied_on is not None
    ),
    Item(
        "conversion_resolution",
        _("转正支部大会决议及上级审批意见"),
        Stage.FULL,
        lambda d: d.conversion_approved_on is not None,
    ),
)
KINDS = {i.kind for i in ITEMS}
_ORDER: list[str] = [
    Stage.APPLICANT,
    Stage.ACTIVIST,
    Stage.CANDIDATE,
    Stage.VOTED,
    Stage.PROBATIONARY,
    Stage.FULL,
]


@dataclass
class Line:
    item: Item
    done: bool
    received_on: object = None


def checklist(dev: Development) -> list[tuple[str, list[Line]]]:
    """The documents of every stage up to the next one, grouped by stage."""
    received = dict(dev.received.values_list("kind", "received_on"))
    reached = _ORDER.index(dev.stage) if dev.stage in _ORDER else len(_ORDER) - 1
    upto = _ORDER[: min(reached + 2, len(_ORDER))]
    groups = []
    for stage in upto:
        lines = [
            Line(i, i.kind in received or i.recorded(dev), received.get(i.kind))
            for i in ITEMS
            if i.stage == stage
        ]
        groups.append((str(Stage(stage).label), lines))
    return groups
