"""Read paths for units, pairings, posts, registrations and service hours, always scoped, and
the figures of 双报到: per unit and per community, members registered, members who served and
hours served in a period."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.party.models import Member, MemberCategory
from jiceng.territory.models import Area, Level, ancestor_codes
from jiceng.units.models import (
    InServiceRegistration,
    ServicePost,
    ServiceRecord,
    SinkingUnit,
    UnitPairing,
    hours_text,
)


def units_for(user: Any) -> QuerySet[SinkingUnit]:
    return SinkingUnit.objects.visible_to(user).select_related("area")


def pairings_for(user: Any) -> QuerySet[UnitPairing]:
    return UnitPairing.objects.visible_to(user).select_related("unit", "community")


def posts_for(user: Any) -> QuerySet[ServicePost]:
    return ServicePost.objects.visible_to(user).select_related("community", "unit")


def registrations_for(user: Any, permission: str | None = None) -> QuerySet[InServiceRegistration]:
    """Staff: the registrations at communities in their area; a member: their own."""
    return InServiceRegistration.objects.visible_to(user, permission).select_related(
        "member", "community", "work_unit"
    )


def records_for(user: Any, permission: str | None = None) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.visible_to(user, permission).select_related(
        "registration__member", "registration__work_unit", "post"
    )


def _covered_q(user: Any, field_name: str) -> Q:
    condition = Q(pk__in=[])
    for code in scope_for(user, Perm.UNITS_MANAGE).area_codes:
        condition |= Q(**{f"{field_name}__startswith": code})
    return condition


def communities_for(user: Any) -> QuerySet[Area]:
    """The communities where the user manages pairings, posts and registrations."""
    return Area.objects.filter(_covered_q(user, "code"), level=Level.COMMUNITY).order_by("code")


def managing_areas_for(user: Any) -> QuerySet[Area]:
    """The districts, streets and communities under which the user may add units."""
    return Area.objects.filter(_covered_q(user, "code")).exclude(level=Level.GRID).order_by("code")


def members_in_area(user: Any) -> QuerySet[Member]:
    """Members on the roll who live in the communities the user manages: a member registers
    where they live, whichever organisation holds their record."""
    return Member.objects.filter(_covered_q(user, "home_area_code"), active=True)


def members_to_register(user: Any) -> QuerySet[Member]:
    """In-service members living in the communities the user manages, not yet registered."""
    return (
        members_in_area(user)
        .filter(category=MemberCategory.IN_SERVICE)
        .exclude(Exists(InServiceRegistration.objects.filter(member=OuterRef("pk"), ended_on__isnull=True)))
        .order_by("name", "pk")
    )


def own_member(user: Any) -> Member | None:
    """The user's own member record, if they act as a party member (units.record_service)."""
    scope = scope_for(user, Perm.SERVICE_RECORD)
    if not scope.resident_id:
        return None
    return Member.objects.filter(resident_id=scope.resident_id, active=True).first()


def units_open_to(community: Area) -> QuerySet[SinkingUnit]:
    """The units a member of this community may name as their work unit: those managed by the
    community, its street or its district."""
    return SinkingUnit.objects.filter(
        area_code__in=[community.code, *ancestor_codes(community.code)], active=True
    )


def posts_open_to(community: Area) -> QuerySet[ServicePost]:
    """The community's open posts, each with how many current registrations took it."""
    return (
        ServicePost.objects.filter(community=community, active=True)
        .select_related("unit")
        .annotate(taken=Count("registrations", filter=Q(registrations__ended_on__isnull=True)))
        .order_by("name")
    )


def posts_for_registration(registration: InServiceRegistration) -> QuerySet[ServicePost]:
    """What a registered member may take or serve at: their community's open posts and the posts
    they already hold (even if closed since)."""
    held = Q(pk__in=registration.posts.values("pk"))
    return with_takers(
        ServicePost.objects.filter(Q(community_id=registration.community_id, active=True) | held)
    ).order_by("name")


def with_takers(posts: QuerySet[ServicePost]) -> QuerySet[ServicePost]:
    return posts.annotate(taken=Count("registrations", filter=Q(registrations__ended_on__isnull=True)))


# ---- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    since: datetime.date
    until: datetime.date

    @classmethod
    def year_to_date(cls, today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(datetime.date(today.year, 1, 1), today)

    @classmethod
    def parse(cls, since: Any, until: Any) -> "Period":
        """From query parameters (YYYY-MM-DD); the year to date for anything missing or wrong."""
        default = cls.year_to_date()
        start, end = _date_or(since, default.since), _date_or(until, default.until)
        return cls(start, end) if start <= end else default


def _date_or(value: Any, default: datetime.date) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return default


@dataclass
class Figures:
    registered: int = 0  # members whose registration was in force during the period
    served: int = 0  # of them, members with at least one service record in the period
    hours: Decimal = field(default_factory=lambda: Decimal(0))

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    def as_dict(self) -> dict[str, Any]:
        return {"registered": self.registered, "served": self.served, "hours": self.hours}


def _in_force(period: Period) -> Q:
    return Q(registered_on__lte=period.until) & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.since))


def _figures_by(user: Any, period: Period, key: str, keys: Iterable[Any] | None) -> dict[Any, Figures]:
    registrations = registrations_for(user, Perm.UNITS_MANAGE).filter(_in_force(period))
    records = ServiceRecord.objects.visible_to(user, Perm.UNITS_MANAGE).filter(
        served_on__gte=period.since, served_on__lte=period.until
    )
    record_key = f"registration__{key}"
    if keys is not None:
        wanted = list(keys)
        registrations = registrations.filter(**{f"{key}__in": wanted})
        records = records.filter(**{f"{record_key}__in": wanted})
    result: dict[Any, Figures] = {}
    for row in registrations.order_by().values(key).annotate(n=Count("member", distinct=True)):
        result.setdefault(row[key], Figures()).registered = row["n"]
    for row in (
        records.order_by()
        .values(record_key)
        .annotate(served=Count("registration__member", distinct=True), hours=Sum("hours"))
    ):
        figures = result.setdefault(row[record_key], Figures())
        figures.served, figures.hours = row["served"], row["hours"] or Decimal(0)
    return result


def unit_figures(
    user: Any, period: Period, unit_ids: Iterable[int] | None = None
) -> dict[int | None, Figures]:
    """Per work unit (None: members whose employer is not a listed unit), over what the user
    may see: two queries whatever the number of units."""
    return _figures_by(user, period, "work_unit_id", unit_ids)


def community_figures(user: Any, period: Period) -> list[dict[str, Any]]:
    """Per community the user manages: current pairings, open posts and the 双报到 figures."""
    communities = list(communities_for(user).values("code", "name"))
    codes = [c["code"] for c in communities]
    by_code = _figures_by(user, period, "area_code", codes)
    pairings = dict(
        UnitPairing.objects.filter(area_code__in=codes, ended_on__isnull=True)
        .order_by()
        .values_list("area_code")
        .annotate(n=Count("id"))
    )
    posts = dict(
        ServicePost.objects.filter(area_code__in=codes, active=True)
        .order_by()
        .values_list("area_code")
        .annotate(n=Count("id"))
    )
    return [
        {
            "code": c["code"],
            "name": c["name"],
            "pairings": pairings.get(c["code"], 0),
            "posts": posts.get(c["code"], 0),
            **figures.as_dict(),
            "hours_text": figures.hours_text,
        }
        for c in communities
        for figures in [by_code.get(c["code"], Figures())]
    ]


def member_hours(registration_ids: Iterable[int], period: Period) -> Decimal:
    total = ServiceRecord.objects.filter(
        registration_id__in=list(registration_ids), served_on__gte=period.since, served_on__lte=period.until
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)
