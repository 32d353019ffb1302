"""The development board: who is due for what, from the dates on each record."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jiceng.development import rules
from jiceng.development.models import OPEN_STAGES, Development, Stage
from jiceng.development.services import missing_reports

# A due date this close or past makes the row stand out.
SOON_DAYS = 14


@dataclass
class Due:
    text: str
    on: datetime.date | None = None
    overdue: bool = False


@dataclass
class BoardRow:
    dev: Development
    dues: list[Due] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(d.overdue for d in self.dues)


def dues_of(dev: Development, today: datetime.date) -> list[Due]:
    dues: list[Due] = []
    if dev.stage == Stage.APPLICANT:
        if dev.talk_on is None:
            due = rules.talk_due(dev.applied_on)
            dues.append(Due(_("谈话（一个月内）"), due, today > due))
        else:
            dues.append(Due(_("可确定为入党积极分子")))
    elif dev.stage == Stage.ACTIVIST:
        assert dev.activist_on is not None
        missing = missing_reports(dev, today)
        if missing:
            dues.append(Due(_("缺思想汇报：%(q)s") % {"q": "、".join(missing)}, None, True))
        last_review = max([r.reviewed_on for r in dev.reviews.all()], default=dev.activist_on)
        review_due = rules.add_months(last_review, rules.REVIEW_MONTHS)
        if review_due <= today + datetime.timedelta(days=SOON_DAYS):
            dues.append(Due(_("半年考察"), review_due, today > review_due))
        earliest = rules.candidate_from(dev.activist_on)
        dues.append(Due(_("可确定为发展对象") if today >= earliest else _("培养满一年"), earliest))
    elif dev.stage == Stage.CANDIDATE:
        if dev.review_on is None:
            dues.append(Due(_("政治审查")))
        if dev.training_finished_on is None:
            dues.append(Due(_("集中培训（3天或24学时）")))
        if dev.notice_until is None:
            dues.append(Due(_("公示（5个工作日）")))
        elif today > dev.notice_until:
            dues.append(Due(_("公示期满，可提交支部大会"), dev.notice_until))
        else:
            dues.append(Due(_("公示中，至%(until)s") % {"until": dev.notice_until}, dev.notice_until))
    elif dev.stage == Stage.VOTED:
        assert dev.vote_on is not None
        due = rules.approval_due(dev.vote_on)
        dues.append(Due(_("上级党委审批（三个月内）"), due, today > due))
    elif dev.stage == Stage.PROBATIONARY:
        assert dev.probation_until is not None
        if dev.oath_on is None:
            dues.append(Due(_("入党宣誓")))
        soon = today + datetime.timedelta(days=30)
        if dev.probation_until <= soon:
            dues.append(Due(_("预备期满，讨论转正"), dev.probation_until, today > dev.probation_until))
        else:
            dues.append(Due(_("预备期至%(until)s") % {"until": dev.probation_until}, dev.probation_until))
    return dues


def board(user: Any, today: datetime.date) -> list[BoardRow]:
    qs = (
        Development.objects.visible_to(user)
        .filter(stage__in=OPEN_STAGES)
        .select_related("organisation")
        .prefetch_related("reviews", "reports")
    )
    return [BoardRow(d, dues_of(d, today)) for d in qs]
