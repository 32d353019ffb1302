"""Reading the party school: each member's class hours and progress against the requirement."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from jiceng.party.models import Member, Organisation
from jiceng.training.models import FIXED_MODULES, Attendance, Module, Requirement

# 《全国党员教育培训工作规划》: 党员每年集中学习培训时间一般不少于32学时.
DEFAULT_HOURS = Decimal(32)


def requirement_for(organisation: Organisation, year: int) -> Decimal:
    """The hours asked of a member of `organisation`: the nearest organisation above (or itself)
    that sets them for the year, else DEFAULT_HOURS."""
    ids = [int(pk) for pk in organisation.path.strip("/").split("/") if pk]
    rows = dict(
        Requirement.objects.filter(organisation_id__in=ids, year=year).values_list("organisation_id", "hours")
    )
    for pk in reversed(ids):
        if pk in rows:
            return rows[pk]
    return DEFAULT_HOURS


@dataclass
class Progress:
    member: Member
    year: int
    required: Decimal
    by_module: dict[str, Decimal] = field(default_factory=dict)
    sessions: int = 0

    @property
    def hours(self) -> Decimal:
        return sum(self.by_module.values(), Decimal(0))

    @property
    def share(self) -> float:
        return float(min(self.hours / self.required, Decimal(1))) if self.required else 1.0

    @property
    def two_plus_x(self) -> bool:
        """Both fixed modules and at least one elective attended."""
        return (
            all(self.by_module.get(m, 0) > 0 for m in FIXED_MODULES)
            and self.by_module.get(Module.ELECTIVE, 0) > 0
        )

    @property
    def complete(self) -> bool:
        return self.hours >= self.required and self.two_plus_x


def progress_of(members: list[Member], year: int) -> list[Progress]:
    """Each member's hours of the year by module, against their requirement (grouped queries)."""
    rows = (
        Attendance.objects.filter(member__in=members, session__starts_at__year=year)
        .values("member_id", "session__course__module")
        .annotate(hours=Sum("session__hours"), n=Count("id"))
    )
    hours: dict[int, dict[str, Decimal]] = {}
    sessions: dict[int, int] = {}
    for r in rows:
        hours.setdefault(r["member_id"], {})[r["session__course__module"]] = r["hours"]
        sessions[r["member_id"]] = sessions.get(r["member_id"], 0) + r["n"]
    required: dict[int, Decimal] = {}
    result = []
    for m in members:
        if m.organisation_id not in required:
            required[m.organisation_id] = requirement_for(m.organisation, year)
        result.append(
            Progress(m, year, required[m.organisation_id], hours.get(m.pk, {}), sessions.get(m.pk, 0))
        )
    return result


def concentrated_training_hours(member: Member, since: datetime.date, until: datetime.date) -> Decimal:
    """Class hours a member attended between two dates (for rules that count training)."""
    total = Attendance.objects.filter(
        member=member, session__starts_at__date__gte=since, session__starts_at__date__lte=until
    ).aggregate(s=Sum("session__hours"))["s"]
    return total or Decimal(0)


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    p = progress_of([member], year)[0]
    return {
        "hours": p.hours,
        "required": p.required,
        "by_module": {str(Module(k).label): v for k, v in p.by_module.items()},
        "sessions": p.sessions,
        "two_plus_x": p.two_plus_x,
        "complete": p.complete,
    }
