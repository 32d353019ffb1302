"""Demo organisational life of the flagship community beyond its meetings: this year's dues
(assessed by the 2008 bands, paid month by month, a few members falling behind), the party
school's "2+X" courses with attendance, people at each stage of membership development, two
transfers under way and last month's re-taken oath.

Dues and the school are bulk rows (hundreds of members × months); development, transfers and
the oath go through the services, so their rules and audit records hold as for real users.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiceng.birthdays import services as birthdays
from jiceng.common import bulk
from jiceng.development import services as development
from jiceng.development.rules import add_months
from jiceng.dues import rules as dues_rules
from jiceng.dues.models import Assessment, Method, Payment
from jiceng.party.models import Member, MemberCategory, MemberStatus, Organisation
from jiceng.people.models import CURRENT_STATUSES, Resident
from jiceng.training.models import Attendance, Course, Enrolment, Module, Session
from jiceng.transfers import services as transfers


@dataclass
class OrgLifeTally:
    assessed: int = 0
    payments: int = 0
    courses: int = 0
    attendances: int = 0
    developments: int = 0
    transfers: int = 0

    def __str__(self) -> str:
        return (
            f"党费: {self.assessed} members assessed, {self.payments} payments; 党校: {self.courses} courses, "
            f"{self.attendances} attendances; 发展党员: {self.developments} people; 组织关系转接: {self.transfers}"
        )


def _category(m: Member, rng: random.Random) -> tuple[str, Decimal | None]:
    if m.category == MemberCategory.RETIRED:
        return dues_rules.Category.RETIRED, Decimal(rng.randrange(2800, 7200, 50))
    if rng.random() < 0.06:
        return dues_rules.Category.UNEMPLOYED, None
    return dues_rules.Category.EMPLOYED, Decimal(rng.randrange(2200, 14000, 100))


def _dues(
    members: list[Member], secretary: Any, today: datetime.date, rng: random.Random, member01: Member | None
) -> tuple[int, int]:
    first = datetime.date(today.year, 1, 1)
    assessments, payments = [], []
    this_month = today.replace(day=1)
    for m in members:
        category, base = _category(m, rng)
        amount, rate = dues_rules.monthly_amount(category, base)
        start = max(first, m.joined_on.replace(day=1))
        assessments.append(
            Assessment(
                member=m, area_code=m.area_code, org_path=m.organisation.path, category=category,
                base=str(base) if base is not None else "", rate=rate, amount=amount, effective_from=first,
                reason="年度核定", recorded_by=secretary,
            )
        )  # fmt: skip
        # Most pay every month; a few stopped some months ago (the ledger flags six in a row).
        stop = (
            this_month
            if m == member01 or rng.random() > 0.05
            else add_months(this_month, -rng.randrange(3, 9))
        )
        month = start
        while month <= this_month and month < stop:
            paid_on = min(today, month + datetime.timedelta(days=rng.randrange(2, 20)))
            payments.append(
                Payment(
                    member=m, area_code=m.area_code, org_path=m.organisation.path, month=month, amount=amount,
                    method=rng.choice(Method.values), paid_on=paid_on, recorded_by=secretary,
                )
            )  # fmt: skip
            month = add_months(month, 1)
    bulk.insert(Assessment, assessments)
    bulk.insert(Payment, payments)
    return len(assessments), len(payments)


def _school(
    committee: Organisation, members: list[Member], today: datetime.date, rng: random.Random
) -> tuple[int, int]:
    tz = timezone.get_current_timezone()
    plan = [
        ("习近平新时代中国特色社会主义思想学习", Module.THEORY, [3, 6, 9]),
        ("党性教育与党章党规", Module.PARTY_SPIRIT, [4, 7, 10]),
        ("社区治理与网格服务", Module.ELECTIVE, [5, 8]),
        ("应急救护与安全常识", Module.ELECTIVE, [6, 11]),
    ]
    courses = [
        Course(
            organisation=committee,
            area_code=committee.area_code,
            org_path=committee.path,
            year=today.year,
            name=name,
            module=module,
        )
        for name, module, _months in plan
    ]
    bulk.insert(Course, courses)
    sessions = []
    for course, (_name, _module, months) in zip(courses, plan, strict=True):
        for month in months:
            sessions.append(
                Session(
                    course=course,
                    starts_at=datetime.datetime(today.year, month, 12, 19, 0, tzinfo=tz),
                    hours=Decimal(4),
                    teacher="社区党校讲师",
                    place="党群服务中心",
                )
            )
    bulk.insert(Session, sessions)
    bulk.insert(
        Enrolment, [Enrolment(course=c, member=m, batch="全体党员") for c in courses for m in members]
    )
    now = timezone.now()
    rows = [
        Attendance(session=s, member=m)
        for s in sessions
        if s.starts_at <= now
        for m in members
        if rng.random() < 0.72
    ]
    bulk.insert(Attendance, rows)
    return len(courses), len(rows)


def _development(
    secretary: Any,
    community_code: str,
    branches: list[Organisation],
    full: list[Member],
    today: datetime.date,
    rng: random.Random,
) -> int:
    """A handful of residents at each stage, dated so that every rule holds."""
    candidates = list(
        Resident.objects.filter(
            area_code__startswith=community_code,
            residence_status__in=CURRENT_STATUSES,
            party_member__isnull=True,
            political_status="masses",
        )
        .exclude(birth_date__gt=today - datetime.timedelta(days=20 * 366))
        .exclude(birth_date__lt=today - datetime.timedelta(days=45 * 365))
        .order_by("pk")[:40]
    )
    rng.shuffle(candidates)
    made = 0
    for n, resident in enumerate(candidates[:6]):
        branch = next((b for b in branches if resident.area_code.startswith(b.area_code)), branches[0])
        helpers = [m for m in full if m.organisation_id == branch.pk][:2] or full[:2]
        if len(helpers) < 2:
            break
        stage = n % 3  # applicant, activist, candidate on notice
        applied = today - datetime.timedelta(days=(20, 200, 560)[stage] + rng.randrange(0, 20))
        dev = development.apply(actor=secretary, resident=resident, organisation=branch, applied_on=applied)
        made += 1
        if stage == 0:
            continue
        development.record_talk(
            actor=secretary, dev=dev, talk_on=applied + datetime.timedelta(days=10), talk_by=helpers[0].name
        )
        activist_on = applied + datetime.timedelta(days=40)
        development.make_activist(actor=secretary, dev=dev, on=activist_on, contacts=helpers[:1])
        day = add_months(activist_on, 3)
        while day <= today:
            development.record_report(actor=secretary, dev=dev, submitted_on=day, summary="学习体会")
            day = add_months(day, 3)
        if stage == 2:
            development.make_candidate(
                actor=secretary,
                dev=dev,
                on=add_months(activist_on, 12) + datetime.timedelta(days=2),
                introducers=helpers,
            )
    return made


def build(
    *, secretary: Any, member_user: Any, community: Any, seed: int, today: datetime.date
) -> OrgLifeTally:
    rng = random.Random(f"{seed}/orglife")
    tally = OrgLifeTally()
    orgs = list(
        Organisation.objects.filter(area_code__startswith=community.code, active=True).order_by("path")
    )
    if not orgs:
        return tally
    committee = orgs[0]
    members = list(
        Member.objects.filter(active=True, organisation__path__startswith=committee.path)
        .select_related("organisation")
        .order_by("pk")
    )
    member01 = next(
        (m for m in members if m.resident_id and m.resident_id == getattr(member_user, "resident_id", None)),
        None,
    )
    tally.assessed, tally.payments = _dues(members, secretary, today, rng, member01)
    tally.courses, tally.attendances = _school(committee, members, today, rng)
    full = [m for m in members if m.status == MemberStatus.FULL]
    branches = [o for o in orgs if o.kind == "branch"] or [committee]
    tally.developments = _development(secretary, community.code, branches, full, today, rng)
    movers = [m for m in full if m != member01 and m.resident_id][-1:]
    for m in movers:
        transfers.transfer_out(
            actor=secretary,
            member=m,
            letter_number=f"{today.year}-转{m.pk}",
            issued_on=today - datetime.timedelta(days=5),
            external="济南市历下区某街道党工委",
            reason="迁居外地",
        )
        tally.transfers += 1
    transfers.transfer_in(
        actor=secretary,
        to_organisation=branches[0],
        name="刘某某",
        external="淄川区某社区党委",
        letter_number=f"淄川{today.year}-031",
        issued_on=today - datetime.timedelta(days=3),
        reason="工作调动",
    )
    tally.transfers += 1
    last_month = add_months(today.replace(day=1), -1)
    present = [
        m for m in members if m.organisation_id == (member01.organisation_id if member01 else branches[0].pk)
    ][:12]
    if present:
        birthdays.record_oath(
            actor=secretary,
            organisation=present[0].organisation,
            held_on=last_month + datetime.timedelta(days=rng.randrange(0, 25)),
            members=present,
            place="党群服务中心",
            note="在党旗下重温入党誓词",
        )
    return tally
