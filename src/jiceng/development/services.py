"""Every step of membership development. Each step is a service: it checks permission
(orglife.manage over the branch), enforces the rule of 《发展党员工作细则》 that applies with a
message naming it, runs in one transaction and writes the audit record."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.development import rules
from jiceng.development.models import OPEN_STAGES, Development, Received, Review, Stage, ThoughtReport
from jiceng.party import services as party
from jiceng.party.models import Member, MemberStatus, Organisation, OrgKind
from jiceng.people.models import Resident


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _at(dev: Development, *stages: str) -> None:
    if dev.stage not in stages:
        names = "、".join(str(Stage(s).label) for s in stages)
        raise ValidationError(
            _("%(name)s目前是%(stage)s，此步骤只适用于%(stages)s")
            % {"name": dev.name, "stage": dev.get_stage_display(), "stages": names}
        )


def _not_future(field: str, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise _fail(field, _("日期不能晚于今天"))


def _save(actor: Any, dev: Development, fields: list[str], reason: str = "") -> Development:
    dev.save()
    audit.record(actor, Action.UPDATE, dev, fields=fields, reason=reason)
    return dev


def _full_members(ids: Sequence[Member], organisation: Organisation, field: str, label: str) -> list[Member]:
    members = list(ids)
    if len({m.pk for m in members}) != len(members):
        raise _fail(field, _("%(label)s不能重复") % {"label": label})
    for m in members:
        if not m.active or m.status != MemberStatus.FULL:
            raise _fail(
                field, _("%(name)s不是正式党员，不能担任%(label)s") % {"name": m.name, "label": label}
            )
    return members


@transaction.atomic
def apply(
    *, actor: Any, resident: Resident, organisation: Organisation, applied_on: datetime.date
) -> Development:
    """Register an application for membership received by a branch (入党申请书)."""
    require(actor, Perm.ORGLIFE_MANAGE, organisation)
    if organisation.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE):
        raise _fail("organisation", _("入党申请应向党支部提出"))
    _not_future("applied_on", applied_on)
    age = rules.age_on(resident.birth_date, applied_on)
    if age < rules.MIN_AGE:
        raise _fail(
            "applied_on",
            _("申请入党须年满18周岁（发展党员工作细则第八条）；%(name)s递交申请时%(age)d周岁")
            % {"name": resident.name, "age": age},
        )
    if Member.objects.filter(resident=resident, active=True).exists():
        raise _fail("resident", _("%(name)s已是党员") % {"name": resident.name})
    if Development.objects.filter(resident=resident, stage__in=OPEN_STAGES).exists():
        raise _fail("resident", _("%(name)s已有正在进行的发展记录") % {"name": resident.name})
    dev = Development.objects.create(
        resident=resident,
        organisation=organisation,
        area_code=organisation.area_code,
        org_path=organisation.path,
        name=resident.name,
        applied_on=applied_on,
    )
    audit.record(actor, Action.CREATE, dev, fields=["applied_on"])
    return dev


@transaction.atomic
def record_talk(*, actor: Any, dev: Development, talk_on: datetime.date, talk_by: str) -> Development:
    """第九条: 党组织应当在收到入党申请书后一个月内派人同入党申请人谈话."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.APPLICANT)
    _not_future("talk_on", talk_on)
    if talk_on < dev.applied_on:
        raise _fail("talk_on", _("谈话日期不能早于递交入党申请书的日期"))
    due = rules.talk_due(dev.applied_on)
    if talk_on > due:
        raise _fail(
            "talk_on",
            _("谈话应在收到入党申请书后一个月内进行（发展党员工作细则第九条），最迟%(due)s") % {"due": due},
        )
    if not talk_by.strip():
        raise _fail("talk_by", _("请填写谈话人"))
    dev.talk_on, dev.talk_by = talk_on, talk_by.strip()[:50]
    return _save(actor, dev, ["talk_on", "talk_by"])


@transaction.atomic
def make_activist(
    *,
    actor: Any,
    dev: Development,
    on: datetime.date,
    contacts: Sequence[Member],
    filed_on: datetime.date | None = None,
) -> Development:
    """The branch committee makes the applicant an activist, files it with the higher committee
    and names one or two full members as contact persons (第十、十二条)."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.APPLICANT)
    _not_future("on", on)
    if dev.talk_on is None:
        raise _fail("on", _("尚未同入党申请人谈话，不能确定为入党积极分子"))
    if on < dev.talk_on:
        raise _fail("on", _("确定日期不能早于谈话日期"))
    people = _full_members(contacts, dev.organisation, "contacts", str(_("培养联系人")))
    if not rules.MIN_CONTACTS <= len(people) <= rules.MAX_CONTACTS:
        raise _fail("contacts", _("应指定一至两名正式党员作为培养联系人（发展党员工作细则第十二条）"))
    dev.stage, dev.activist_on, dev.activist_filed_on = Stage.ACTIVIST, on, filed_on
    dev.save()
    dev.contacts.set(people)
    audit.record(actor, Action.UPDATE, dev, fields=["stage", "activist_on", "contacts"])
    return dev


@transaction.atomic
def record_report(
    *, actor: Any, dev: Development, submitted_on: datetime.date, summary: str = ""
) -> ThoughtReport:
    """A thought report (思想汇报), counted for the quarter it was handed in."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.ACTIVIST, Stage.CANDIDATE)
    _not_future("submitted_on", submitted_on)
    quarter = rules.quarter_of(submitted_on)
    if dev.reports.filter(quarter=quarter).exists():
        raise _fail("submitted_on", _("%(q)s的思想汇报已登记") % {"q": quarter})
    report = ThoughtReport.objects.create(
        development=dev, quarter=quarter, submitted_on=submitted_on, summary=summary[:500]
    )
    audit.record(actor, Action.CREATE, report, object_repr=f"{dev.name} {quarter}")
    return report


@transaction.atomic
def record_review(*, actor: Any, dev: Development, reviewed_on: datetime.date, conclusion: str) -> Review:
    """The branch's review of an activist, every six months (第十三条)."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.ACTIVIST)
    _not_future("reviewed_on", reviewed_on)
    if len(conclusion.strip()) < 2:
        raise _fail("conclusion", _("请填写考察意见"))
    review = Review.objects.create(
        development=dev, reviewed_on=reviewed_on, conclusion=conclusion.strip()[:500]
    )
    audit.record(actor, Action.CREATE, review, object_repr=dev.name)
    return review


def missing_reports(dev: Development, until: datetime.date) -> list[str]:
    """Quarters wholly inside the activist's training that have no thought report."""
    if dev.activist_on is None:
        return []
    have = set(dev.reports.values_list("quarter", flat=True))
    return [q for q in rules.quarters_between(dev.activist_on, until) if q not in have]


@transaction.atomic
def make_candidate(
    *, actor: Any, dev: Development, on: datetime.date, introducers: Sequence[Member]
) -> Development:
    """第十四条: 经过一年以上培养教育和考察 the activist may become a candidate (发展对象), with two
    full members as introducers (第十五条) and every quarter's thought report in the file."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.ACTIVIST)
    _not_future("on", on)
    assert dev.activist_on is not None
    earliest = rules.candidate_from(dev.activist_on)
    if on < earliest:
        days = (earliest - on).days
        raise _fail(
            "on",
            _(
                "入党积极分子培养教育和考察不满一年（发展党员工作细则第十四条）：%(since)s确定为积极分子，"
                "%(earliest)s起方可确定为发展对象，还差%(days)d天"
            )
            % {"since": dev.activist_on, "earliest": earliest, "days": days},
        )
    missing = missing_reports(dev, on)
    if missing:
        raise _fail("on", _("缺少以下季度的思想汇报：%(quarters)s") % {"quarters": "、".join(missing)})
    people = _full_members(introducers, dev.organisation, "introducers", str(_("入党介绍人")))
    if len(people) != rules.INTRODUCERS:
        raise _fail("introducers", _("发展对象应有两名正式党员作入党介绍人（发展党员工作细则第十五条）"))
    dev.stage, dev.candidate_on = Stage.CANDIDATE, on
    dev.save()
    dev.introducers.set(people)
    audit.record(actor, Action.UPDATE, dev, fields=["stage", "candidate_on", "introducers"])
    return dev


@transaction.atomic
def record_political_review(
    *, actor: Any, dev: Development, on: datetime.date, conclusion: str, passed: bool
) -> Development:
    """第十七、十八条: political review of the candidate, with a written conclusion."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.CANDIDATE)
    _not_future("on", on)
    if len(conclusion.strip()) < 4:
        raise _fail("conclusion", _("政治审查须形成书面结论"))
    dev.review_on, dev.review_conclusion, dev.review_passed = on, conclusion.strip(), passed
    return _save(actor, dev, ["review_on", "review_conclusion", "review_passed"])


@transaction.atomic
def record_training(
    *,
    actor: Any,
    dev: Development,
    finished_on: datetime.date,
    days: Decimal | None = None,
    hours: int | None = None,
) -> Development:
    """第十九条: 集中培训时间一般不少于3天（或不少于24个学时）."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.CANDIDATE)
    _not_future("finished_on", finished_on)
    if not rules.training_enough(days, hours):
        raise _fail(
            "hours",
            _("集中培训不少于3天或24个学时（发展党员工作细则第十九条），现为%(days)s天、%(hours)s学时")
            % {"days": days or 0, "hours": hours or 0},
        )
    dev.training_days, dev.training_hours, dev.training_finished_on = days, hours, finished_on
    return _save(actor, dev, ["training_days", "training_hours", "training_finished_on"])


@transaction.atomic
def start_notice(*, actor: Any, dev: Development, notice_from: datetime.date) -> Development:
    """第二十二条: the candidate is publicly announced before the branch meeting, 5 working days."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.CANDIDATE)
    if dev.review_passed is not True:
        raise _fail("notice_from", _("政治审查合格后方可公示"))
    if dev.training_finished_on is None:
        raise _fail("notice_from", _("集中培训结业后方可公示"))
    dev.notice_from, dev.notice_until = notice_from, rules.notice_until(notice_from)
    return _save(actor, dev, ["notice_from", "notice_until"])


def _check_vote(field: str, voting: int, present: int, votes_for: int) -> None:
    if not 0 <= votes_for <= present <= voting:
        raise _fail(field, _("票数不合理：赞成票不能多于到会人数，到会人数不能多于应到人数"))
    if not rules.quorum(present, voting):
        raise _fail(
            field,
            _(
                "到会有表决权的党员%(present)d人，未超过应到%(voting)d人的半数，不能表决（发展党员工作细则第二十五条）"
            )
            % {"present": present, "voting": voting},
        )


@transaction.atomic
def record_branch_vote(
    *, actor: Any, dev: Development, on: datetime.date, voting: int, present: int, votes_for: int
) -> Development:
    """第二十四、二十五条: the branch general meeting votes on admission after the notice ends.
    Adopted with more than half of all voting members for; otherwise the candidate stays a
    candidate (the vote is recorded in the audit log)."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.CANDIDATE)
    _not_future("on", on)
    if dev.notice_until is None:
        raise _fail("on", _("尚未公示，不能提交支部大会讨论"))
    if on <= dev.notice_until:
        raise _fail(
            "on",
            _("公示期至%(until)s结束（5个工作日），公示期满后方可召开支部大会") % {"until": dev.notice_until},
        )
    _check_vote("votes_for", voting, present, votes_for)
    if not rules.adopted(votes_for, voting):
        audit.record(
            actor, Action.UPDATE, dev, fields=["vote"], outcome="rejected", reason=f"{votes_for}/{voting}"
        )
        raise _fail(
            "votes_for",
            _("赞成票%(for)d票，未超过应到会有表决权党员%(voting)d人的半数，未能通过")
            % {"for": votes_for, "voting": voting},
        )
    dev.stage, dev.vote_on = Stage.VOTED, on
    dev.vote_voting, dev.vote_present, dev.vote_for = voting, present, votes_for
    return _save(actor, dev, ["stage", "vote_on", "vote_voting", "vote_present", "vote_for"])


@transaction.atomic
def approve(*, actor: Any, dev: Development, on: datetime.date, delay_reason: str = "") -> Development:
    """第二十八条: the higher committee approves within 3 months of the branch meeting (at most 6
    in special cases, with the reason). The person joins the roll as a probationary member from
    the day of the branch meeting (第三十条)."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.VOTED)
    _not_future("on", on)
    assert dev.vote_on is not None
    if on < dev.vote_on:
        raise _fail("on", _("审批日期不能早于支部大会日期"))
    if on > rules.approval_due(dev.vote_on):
        special = rules.approval_due(dev.vote_on, special=True)
        if on > special or not delay_reason.strip():
            raise _fail(
                "on",
                _(
                    "上级党委应在支部大会后三个月内审批（%(due)s前）；特殊情况须注明原因，最长不超过六个月（%(special)s前）"
                )
                % {"due": rules.approval_due(dev.vote_on), "special": special},
            )
    member = party.register_member(
        actor=actor,
        organisation=dev.organisation,
        resident=dev.resident,
        joined_on=dev.vote_on,
        status=MemberStatus.PROBATIONARY,
    )
    dev.stage, dev.approved_on, dev.approval_delay_reason = Stage.PROBATIONARY, on, delay_reason.strip()[:200]
    dev.member, dev.probation_until = member, rules.probation_end(dev.vote_on)
    return _save(actor, dev, ["stage", "approved_on", "member", "probation_until"])


@transaction.atomic
def record_oath(*, actor: Any, dev: Development, on: datetime.date) -> Development:
    """入党宣誓 (第三十一条), after the approval."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.PROBATIONARY)
    _not_future("on", on)
    assert dev.approved_on is not None
    if on < dev.approved_on:
        raise _fail("on", _("入党宣誓应在上级党委批准之后"))
    dev.oath_on = on
    return _save(actor, dev, ["oath_on"])


@transaction.atomic
def extend_probation(*, actor: Any, dev: Development, months: int, reason: str) -> Development:
    """第三十三条: 延长预备期，时间不能少于半年，最长不超过一年 — once."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.PROBATIONARY)
    if dev.extended_months:
        raise _fail("months", _("预备期已延长过一次"))
    if not rules.MIN_EXTENSION_MONTHS <= months <= rules.MAX_EXTENSION_MONTHS:
        raise _fail("months", _("延长预备期不能少于半年，最长不超过一年（6至12个月）"))
    if len(reason.strip()) < 2:
        raise _fail("reason", _("请填写延长原因"))
    assert dev.vote_on is not None
    dev.extended_months = months
    dev.probation_until = rules.probation_end(dev.vote_on, months)
    return _save(actor, dev, ["extended_months", "probation_until"], reason=reason.strip())


@transaction.atomic
def convert(
    *,
    actor: Any,
    dev: Development,
    applied_on: datetime.date,
    vote_on: datetime.date,
    voting: int,
    present: int,
    votes_for: int,
    approved_on: datetime.date,
) -> Development:
    """第三十二、三十四条: at the end of probation the member applies in writing, the branch votes
    and the higher committee approves within 3 months; membership counts as full from the day
    probation ends."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, Stage.PROBATIONARY)
    _not_future("approved_on", approved_on)
    assert dev.probation_until is not None and dev.member is not None
    if vote_on < dev.probation_until:
        raise _fail(
            "vote_on", _("预备期至%(until)s期满，期满后方可讨论转正") % {"until": dev.probation_until}
        )
    if not applied_on <= vote_on <= approved_on:
        raise _fail("vote_on", _("日期顺序应为：转正申请、支部大会、上级审批"))
    if approved_on > rules.approval_due(vote_on):
        raise _fail(
            "approved_on",
            _("上级党委应在三个月内审批转正（%(due)s前）") % {"due": rules.approval_due(vote_on)},
        )
    _check_vote("votes_for", voting, present, votes_for)
    if not rules.adopted(votes_for, voting):
        raise _fail("votes_for", _("赞成票未超过应到会有表决权党员的半数，未能通过转正"))
    party.update_member(actor=actor, member=dev.member, status=MemberStatus.FULL, full_on=dev.probation_until)
    dev.stage = Stage.FULL
    dev.conversion_applied_on, dev.conversion_vote_on, dev.conversion_approved_on = (
        applied_on,
        vote_on,
        approved_on,
    )
    return _save(actor, dev, ["stage", "conversion_vote_on", "conversion_approved_on"])


@transaction.atomic
def end(*, actor: Any, dev: Development, on: datetime.date, reason: str) -> Development:
    """Stop the development: an applicant or activist leaves the process (终止培养), or a
    probationary member's status is cancelled (取消预备党员资格, 第三十三条), which also takes them
    off the roll."""
    require(actor, Perm.ORGLIFE_MANAGE, dev)
    _at(dev, *OPEN_STAGES)
    if len(reason.strip()) < 2:
        raise _fail("reason", _("请填写原因"))
    if dev.stage == Stage.PROBATIONARY:
        assert dev.member is not None
        party.end_membership(
            actor=actor, member=dev.member, on=on, reason=_("取消预备党员资格：") + reason.strip()
        )
        dev.stage = Stage.CANCELLED
    else:
        dev.stage = Stage.ENDED
    dev.ended_on, dev.ended_reason = on, reason.strip()[:200]
    return _save(actor, dev, ["stage", "ended_on"], reason=dev.ended_reason)


@transaction.atomic
def mark_received(*, actor: Any, dev: Development, kind: str, on: datetime.date | None = None) -> Received:
    """Mark a document of the checklist as in the file."""
    from jiceng.development.checklist import KINDS

    require(actor, Perm.ORGLIFE_MANAGE, dev)
    if kind not in KINDS:
        raise _fail("kind", _("没有这种材料"))
    row, _created = Received.objects.update_or_create(
        development=dev, kind=kind, defaults={"received_on": on or timezone.localdate(), "received_by": actor}
    )
    audit.record(actor, Action.UPDATE, dev, fields=[f"received:{kind}"])
    return row
